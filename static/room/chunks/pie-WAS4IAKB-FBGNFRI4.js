import{a as e,b as r}from"./chunk-7Z6FJX5G.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{e as PieModule,r as createPieServices};
