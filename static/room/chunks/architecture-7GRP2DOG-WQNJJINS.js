import{a as e,b as r}from"./chunk-Y444TI3E.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{e as ArchitectureModule,r as createArchitectureServices};
