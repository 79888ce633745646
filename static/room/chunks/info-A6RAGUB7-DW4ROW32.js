import{a as o,b as e}from"./chunk-ZOWA5BLC.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{o as InfoModule,e as createInfoServices};
