import{a as r,b as o}from"./chunk-IY7OOS6X.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{r as RailroadModule,o as createRailroadServices};
