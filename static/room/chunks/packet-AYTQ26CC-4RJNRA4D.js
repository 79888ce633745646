import{a as e,b as r}from"./chunk-Z7OVDSAG.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{e as PacketModule,r as createPacketServices};
