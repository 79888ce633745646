import{a as r,b as e}from"./chunk-BQGYNOFK.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{r as GitGraphModule,e as createGitGraphServices};
