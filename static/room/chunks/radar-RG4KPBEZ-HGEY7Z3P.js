import{a as r,b as e}from"./chunk-GYQBUBE2.js";import"./chunk-F5KHZ7PS.js";import"./chunk-ETOMFKZJ.js";export{r as RadarModule,e as createRadarServices};
