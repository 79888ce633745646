import{a as r,b as o}from"./chunk-2MLUFVKM.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{r as RailroadAbnfModule,o as createRailroadAbnfServices};
