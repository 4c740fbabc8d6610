// hls.js ships one declaration file for all its builds; the light build has the same API (minus unused features).
declare module 'hls.js/dist/hls.light.mjs' {
  import Hls from 'hls.js';
  export default Hls;
}
