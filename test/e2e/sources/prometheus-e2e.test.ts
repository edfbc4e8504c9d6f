import { releaseClient } from "../../support/release-client.ts";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startServer, type ServerProcess } from "../../support/server-process.ts";
import { openMetrics, prometheusAvailable, startPrometheus, type CounterHistory, type RealPrometheus } from "./real-prometheus.ts";

// Four hours of checkout traffic on three hosts, kept only in Prometheus. Release 1.5.0 (minute 60) changes
// nothing; from minute 150, when 1.6.0 is deployed, 5xx responses jump from about 1.5 % to about 10 %.
const TOKEN = "prom-e2e-admin-token-0123456789";
const START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000;
const MINUTES = 240;
const JUMP_MINUTE = 150;
const HOSTS = ["web-1", "web-2", "web-3"];
const requests = (i: number, m: number) => 4 * (30 + ((m * 7 + i * 3) % 10));
const errors = (i: number, m: number) => 4 * ((m + i) % 2) + (m >= JUMP_MINUTE ? 4 * (3 + ((m + i) % 2)) : 0);

function history(): string {
  const minutes = Array.from({ length: MINUTES }, (_, m) => m);
  const counters: CounterHistory[] = HOSTS.flatMap((host, i) => {
    const labels = { service: "checkout", environment: "production", instance: `${host}:8080` };
    return [
      { name: "http_requests", labels: { ...labels, code: "200" }, startMs: START, perMinute: minutes.map((m) => requests(i, m) - errors(i, m)) },
      { name: "http_requests", labels: { ...labels, code: "503" }, startMs: START, perMinute: minutes.map((m) => errors(i, m)) },
    ];
  });
  // p95 wanders between 406 and 438 ms minute by minute, the same before and after every release.
  const histograms = HOSTS.map((host) => ({
    name: "http_request_duration_seconds", labels: { service: "checkout", environment: "production", instance: `${host}:8080` }, startMs: START, minutes: MINUTES,
    perBucket: (m: number): [number, number][] => [[0.1, 160], [0.25, 20 - 4 * (m % 3)], [0.5, 16 + 4 * (m % 3)], [1, 4]],
  }));
  return openMetrics(counters, histograms);
}

/** Errors and requests written for minutes [from, to) over all hosts. */
function written(from: number, to: number): [number, number] {
  let e = 0, r = 0;
  for (let m = from; m < to; m++) HOSTS.forEach((_, i) => ((e += errors(i, m)), (r += requests(i, m))));
  return [e, r];
}

interface Check {
  signal: string;
  status: string;
  reason: string;
  stats: { details: Record<string, number> };
}

const available = prometheusAvailable();

describe.skipIf(!available)("a release judged from Prometheus alone, through the HTTP API", () => {
  let dir: string;
  let prometheus: RealPrometheus | undefined;
  let server: ServerProcess | undefined;

  const { deploy, finalVerdict } = releaseClient(() => server, { token: TOKEN, start: START, timeoutMs: 20_000 });


  /** The error_rate check's counts, which must be the counters written over the baseline and analysis minutes. */
  const counts = (check: Check | undefined) => {
    const d = check?.stats.details ?? {};
    return { baseline: [d.baselineEvents, d.baselineExposure], candidate: [d.candidateEvents, d.candidateExposure] };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dg-prometheus-e2e-"));
    prometheus = await startPrometheus(dir, history());
    const rules = join(dir, "rules");
    mkdirSync(rules);
    copyFileSync(join(ROOT, "rules/default.yaml"), join(rules, "default.yaml"));
    copyFileSync(join(ROOT, "rules/examples/prometheus.yaml"), join(rules, "prometheus.yaml"));
    server = await startServer({
      DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_RULES: rules, DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1",
      DEPLOY_GUARD_PROMETHEUS_URL: prometheus.url, DEPLOY_GUARD_PROMETHEUS_TIMEOUT_MS: "2000", DEPLOY_GUARD_PROMETHEUS_MAX_RETRIES: "0",
    });
  });

  afterAll(async () => {
    await server?.stop();
    await prometheus?.stop();
    expect(server?.output() ?? "").not.toContain(TOKEN);
    rmSync(dir, { recursive: true, force: true });
  });

  it("does not fail the release that changed nothing, and fails the one after which 5xx jumped", async () => {
    const unchanged = await finalVerdict<Check>(await deploy("1.5.0", 60));
    expect(unchanged.checks.map((c) => c.signal)).toEqual(["error_rate", "latency_p95"]);
    // Deployed at minute 60, finished at 61: the baseline is minutes 0–59, the analysis window 61–90.
    expect(counts(unchanged.checks[0])).toEqual({ baseline: written(0, 60), candidate: written(61, 91) });
    expect(unchanged.status).not.toBe("fail");
    expect(unchanged.checks.map((c) => c.status)).not.toContain("fail");

    const broken = await finalVerdict<Check>(await deploy("1.6.0", JUMP_MINUTE));
    expect(counts(broken.checks[0])).toEqual({ baseline: written(90, 150), candidate: written(151, 181) });
    expect(broken.status).toBe("fail");
    expect(broken.checks.find((c) => c.signal === "error_rate")?.status).toBe("fail");
    expect(broken.checks.find((c) => c.signal === "latency_p95")?.status).not.toBe("fail");
  });

  it("holds a release while Prometheus is down, saying which source failed", async () => {
    await prometheus!.stop();
    const held = await finalVerdict<Check>(await deploy("1.7.0", 200));
    expect(held.status).toBe("hold");
    expect(JSON.stringify(held.checks)).toMatch(/Prometheus[^"]*cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/);
  });
});
