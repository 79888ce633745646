import{a as o,b as e}from"./chunk-MHOPFO5L.js";import"./chunk-EXZCZFP2.js";import"./chunk-NBH7YOBD.js";import"./chunk-OPNGT44A.js";import"./chunk-NBM624LM.js";import"./chunk-3LWUOAJK.js";import"./chunk-UVRHWU27.js";import"./chunk-TAVRQ6FJ.js";import"./chunk-DY6QSDWC.js";import"./chunk-4HGE64BQ.js";import"./chunk-GVMQGW7P.js";import"./chunk-B6DLVZHA.js";import"./chunk-4LWWIX4H.js";import"./chunk-ZOMHR2UG.js";import"./chunk-AV7CMV5G.js";import"./chunk-SLAG4LOB.js";import"./chunk-CJ35XTTD.js";import"./chunk-AUJ6CA74.js";import"./chunk-33AVNXM4.js";import{a as r}from"./chunk-EIBFAW37.js";import"./chunk-ETOMFKZJ.js";var m=r(t=>`${o(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),i=m,B=e({defaultLayout:"swimlane",styles:i});export{B as diagram};
