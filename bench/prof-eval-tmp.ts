import pino from "pino";
import { loadConfig } from "../src/config.ts";
import { createContainer } from "../src/container.ts";
import { generateTraffic } from "../test/support/traffic.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const dir = mkdtempSync(join(tmpdir(), "prof-"));
const c = createContainer(loadConfig({ DEPLOY_GUARD_DB: join(dir, "g.db"), DEPLOY_GUARD_API_TOKEN: "x".repeat(20), DEPLOY_GUARD_RULES: "/work/main/rules" }), pino({ level: "silent" }));
const now = Date.now(), MIN = 60000;
for (let i = 0; i < 4; i++) c.telemetry.insertLogs(generateTraffic({ service: "s", start: now - 100 * MIN + i * 25 * MIN, minutes: 25, perMinute: 1000, errorRate: 0.01, latencyMs: 80, hosts: ["a", "b", "c", "d"], seed: i }).map((e) => ({ ts: e.timestamp, service: e.service, environment: e.environment, host: e.host, version: undefined, level: undefined, status: e.status, latencyMs: e.latency_ms, route: e.route, message: undefined, isError: e.status >= 500 })));
for (let i = 0; i < 3000; i++) {
  c.deploys.record({ service: "s", environment: "production", version: `v${i}`, phase: "started", timestamp: now - 70 * MIN } as any);
  c.deploys.record({ service: "s", environment: "production", version: `v${i}`, phase: "finished", timestamp: now - 69 * MIN } as any);
}
const t = performance.now();
const n = c.verdicts.runDue(100000);
console.log("evaluations", n, "ms each", ((performance.now() - t) / n).toFixed(3));
