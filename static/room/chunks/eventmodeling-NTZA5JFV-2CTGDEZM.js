import{a as e,b as o}from"./chunk-7GKJL6AG.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{e as EventModelingModule,o as createEventModelingServices};
