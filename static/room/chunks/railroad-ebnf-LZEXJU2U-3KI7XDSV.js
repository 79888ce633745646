import{a as r,b as o}from"./chunk-Q2IU7DYQ.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{r as RailroadEbnfModule,o as createRailroadEbnfServices};
