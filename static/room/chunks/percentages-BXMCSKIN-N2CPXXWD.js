import{a,b as o,c as r}from"./chunk-UYIUW43X.js";import"./chunk-C4FDHM7Q.js";import"./chunk-ETOMFKZJ.js";export{r as default,a as en,o as kaa};
