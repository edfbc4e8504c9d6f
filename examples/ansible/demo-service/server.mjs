/* global process, console, fetch, setInterval, clearInterval, AbortSignal, URL */
// One instance of the demo service. It serves the release that <INSTANCE_DIR>/current points at, re-reads it on
// SIGHUP (a graceful reload, as `systemctl reload` would send), and pushes its request log to deploy-guard.
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

// eslint-disable-next-line no-restricted-syntax -- a standalone example program, configured by its environment
const env = process.env;
const dir = env.INSTANCE_DIR;
const host = env.INSTANCE_NAME;
const service = env.SERVICE;
if (!dir || !host || !service) {
  console.error("server.mjs needs INSTANCE_DIR, INSTANCE_NAME and SERVICE");
  process.exit(2);
}
const environment = env.DEPLOY_ENVIRONMENT || "production";
const guardUrl = env.DEPLOY_GUARD_URL;
const guardToken = env.DEPLOY_GUARD_TOKEN;

let release = load();
let served = 0;
let pending = [];

function load() {
  const r = JSON.parse(readFileSync(join(dir, "current", "release.json"), "utf8"));
  // A release may err on some hosts only (a host-specific fault): "error_rate_on": { "instance3": 0.2 }.
  const rate = r.error_rate_on?.[host] ?? r.error_rate;
  return { version: String(r.version), errorRate: Number(rate) || 0 };
}

// Errors are spread evenly (every 1/rate-th request) rather than drawn at random, so a run is repeatable.
function nextStatus() {
  served += 1;
  const rate = release.errorRate;
  return Math.floor(served * rate) > Math.floor((served - 1) * rate) ? 503 : 200;
}

const server = createServer((req, res) => {
  const started = process.hrtime.bigint();
  if (req.url === "/version") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ version: release.version, host }));
    return;
  }
  const status = nextStatus();
  res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? `hello from ${host} ${release.version}\n` : "unavailable\n");
  pending.push({
    timestamp: new Date().toISOString(), service, environment, version: release.version, host, route: "/",
    status, latency_ms: Number(process.hrtime.bigint() - started) / 1e6,
  });
});

async function ship() {
  if (!guardUrl || pending.length === 0) return;
  const events = pending;
  pending = [];
  try {
    const res = await fetch(new URL("/api/v1/logs", guardUrl), {
      method: "POST",
      headers: { "content-type": "application/json", ...(guardToken ? { authorization: `Bearer ${guardToken}` } : {}) },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(5000),
    });
    if (res.status !== 202) throw new Error(`deploy-guard answered ${res.status}`);
  } catch (err) {
    // Keep the events for the next push, but never more than a few minutes' worth.
    pending = events.concat(pending).slice(-50_000);
    console.error(`${host}: log push failed: ${err.message}`);
  }
}

const shipper = setInterval(ship, 1000);
process.on("SIGHUP", () => {
  release = load();
  console.log(`${host}: reloaded, now serving ${release.version}`);
});
async function stop() {
  clearInterval(shipper);
  server.close();
  await ship();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// An instance of the demo lives as long as the fleet that started it.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(), 1000).unref();

server.listen(Number(env.PORT || 0), "127.0.0.1", () => {
  const { port } = server.address();
  writeFileSync(join(dir, "pid"), `${process.pid}\n`);
  console.log(`${host}: listening on ${port}, serving ${release.version}`);
});
