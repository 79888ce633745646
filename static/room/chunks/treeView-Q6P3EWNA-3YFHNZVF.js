import{a as e,b as r}from"./chunk-A6UEAEVG.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{e as TreeViewModule,r as createTreeViewServices};
