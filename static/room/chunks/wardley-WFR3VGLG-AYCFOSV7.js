import{a as e,b as r}from"./chunk-3EMF4KKH.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{e as WardleyModule,r as createWardleyServices};
