// node-media-server 4.x as a reference peer for scripts/bench/latency: RTMP ingest and
// HTTP-FLV / WebSocket-FLV playback on 127.0.0.1 (4.x has no HLS output).
// Usage: node nms.js RTMP_PORT HTTP_PORT DATA_DIR
const NodeMediaServer = require("node-media-server");
const logger = require("node-media-server/src/core/logger.js");

const [rtmpPort, httpPort, dataDir] = process.argv.slice(2);
if (!rtmpPort || !httpPort || !dataDir) {
  console.error("usage: node nms.js RTMP_PORT HTTP_PORT DATA_DIR");
  process.exit(2);
}
const nms = new NodeMediaServer({
  bind: "127.0.0.1",
  rtmp: { port: Number(rtmpPort) },
  http: { port: Number(httpPort) },
  webadmin: { enable: false },
  store: { path: dataDir },
  record: { auto: false, path: dataDir + "/record" },
  notify: { url: "" },
  auth: { play: false, publish: false, secret: "" },
}, dataDir + "/config.json");
logger.level = "warn"; // the constructor turns on per-packet debug logging
nms.run().then(() => console.log("ready: nms"));
const stop = () => nms.stop().finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
