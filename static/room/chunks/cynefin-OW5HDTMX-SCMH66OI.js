import{a as e,b as r}from"./chunk-5U6OYWBV.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{e as CynefinModule,r as createCynefinServices};
