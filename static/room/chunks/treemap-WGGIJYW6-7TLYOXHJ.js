import{a as e,b as r}from"./chunk-AO7UDST6.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{e as TreemapModule,r as createTreemapServices};
