import{a as e,b as r}from"./chunk-AP4A7YUP.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{e as RailroadPegModule,r as createRailroadPegServices};
