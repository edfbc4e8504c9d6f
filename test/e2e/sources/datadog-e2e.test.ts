import { releaseClient } from "../../support/release-client.ts";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startServer, type ServerProcess } from "../../support/server-process.ts";
import { cassette, example, ReplayServer, type Answer, type Captured } from "../../sources/datadog/replay-server.ts";

// A release's worth of Datadog data exists in no recording, so this Datadog answers in the recorded shapes
// (timeseries_response, logs aggregate buckets) with numbers made per minute: checkout's error rate wanders around
// 1 % until minute 240, when 1.6.0 is deployed and it jumps to about 4.5 %; p95 latency stays at 400–430 ms.
const TOKEN = "dd-e2e-admin-token-0123456789";
const API_KEY = "dd-api-key-e2e-0123456789abcdef";
const APP_KEY = "dd-app-key-e2e-fedcba9876543210";
const MIN = 60_000;
const START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 8 * 3_600_000;
const JUMP = START + 240 * MIN;

const minuteOf = (t: number) => Math.floor(t / MIN);
const requests = (t: number) => 1000 + ((minuteOf(t) * 37) % 101);
const errors = (t: number) => (t >= JUMP ? 40 + (minuteOf(t) % 7) : 8 + (minuteOf(t) % 5));
const p95Seconds = (t: number) => 0.4 + ((minuteOf(t) * 13) % 7) * 0.005;
const logRequests = (t: number) => 500 + ((minuteOf(t) * 11) % 53);
const logErrors = (t: number) => (t >= JUMP ? 20 + (minuteOf(t) % 3) : 4 + (minuteOf(t) % 3));

const json = (body: unknown): Answer => ({ status: 200, body: JSON.stringify(body), headers: { "content-type": "application/vnd.api+json" } });

function timeseries(req: Captured): Answer {
  const { from, to, interval, queries } = (JSON.parse(req.body) as { data: { attributes: { from: number; to: number; interval: number; queries: { name: string }[] } } }).data.attributes;
  const times: number[] = [];
  for (let t = from; t < to; t += interval) times.push(t);
  const perName: Record<string, (t: number) => number> = { errors, requests, value: p95Seconds };
  return json({ data: { id: "0", type: "timeseries_response", attributes: {
    series: queries.map((_, i) => ({ group_tags: [], query_index: i, unit: null })),
    times, values: queries.map((q) => times.map((t) => perName[q.name]!(t))),
  } } });
}

function logCounts(req: Captured): Answer {
  const { filter } = JSON.parse(req.body) as { filter: { from: string; to: string; query: string } };
  const count = filter.query.includes("status:error") ? logErrors : logRequests;
  const points = [];
  for (let t = Number(filter.from); t < Number(filter.to); t += MIN) points.push({ time: new Date(t).toISOString(), value: count(t) });
  return json({ meta: { elapsed: 12, request_id: "e2e", status: "done" }, data: { buckets: [{ by: {}, computes: { c0: points } }] } });
}

describe("a release judged from Datadog alone, through the HTTP API", () => {
  const datadog = new ReplayServer();
  let dir: string;
  let server: ServerProcess | undefined;

  function answerNormally() {
    datadog.pick("POST", "/api/v2/query/timeseries", timeseries);
    datadog.pick("POST", "/api/v2/logs/analytics/aggregate", logCounts);
    datadog.answer("GET", "/api/v1/validate", example("validate.json"));
    datadog.answer("POST", "/api/v1/events", cassette("v1/Events_3416228/Post-an-event-returns-OK-response_1209415328"));
  }

  const { deploy, finalVerdict } = releaseClient(() => server, { token: TOKEN, start: START });


  beforeAll(async () => {
    await datadog.start();
    answerNormally();
    dir = mkdtempSync(join(tmpdir(), "dg-datadog-e2e-"));
    const rules = join(dir, "rules");
    mkdirSync(rules);
    copyFileSync(join(ROOT, "rules/default.yaml"), join(rules, "default.yaml"));
    copyFileSync(join(ROOT, "rules/examples/datadog.yaml"), join(rules, "datadog.yaml"));
    server = await startServer({
      DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_RULES: rules, DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1",
      DEPLOY_GUARD_DD_API_KEY: API_KEY, DEPLOY_GUARD_DD_APP_KEY: APP_KEY, DEPLOY_GUARD_DD_BASE_URL: datadog.url, DEPLOY_GUARD_DD_EVENTS: "true",
      DEPLOY_GUARD_DD_MAX_RETRIES: "0", DEPLOY_GUARD_DD_TIMEOUT_MS: "5000",
    });
  });

  afterAll(async () => {
    await server?.stop();
    await datadog.close();
    expect(server?.output() ?? "").not.toMatch(new RegExp(`${TOKEN}|${API_KEY}|${APP_KEY}`));
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes the release that changed nothing and fails the one after which errors jumped, posting both as events", async () => {
    const unchanged = await finalVerdict(await deploy("1.5.0", 120));
    expect(unchanged.checks.map((c) => c.signal)).toEqual(["error_rate", "latency_p95", "error_logs"]);
    expect(unchanged.checks.map((c) => c.status)).not.toContain("fail");
    expect(unchanged.status).not.toBe("fail");

    const broken = await finalVerdict(await deploy("1.6.0", 240));
    expect(broken.status).toBe("fail");
    expect(broken.checks.find((c) => c.signal === "error_rate")?.status).toBe("fail");
    expect(broken.checks.find((c) => c.signal === "error_logs")?.status).toBe("fail");
    expect(broken.checks.find((c) => c.signal === "latency_p95")?.status).not.toBe("fail");

    // The candidate's queries carry its version, the baseline's any version; both keys were sent.
    const queries = datadog.sent("POST", "/api/v2/query/timeseries");
    expect(queries.every((r) => r.headers["dd-api-key"] === API_KEY && r.headers["dd-application-key"] === APP_KEY)).toBe(true);
    expect(queries.map((r) => r.body).join("\n")).toContain("sum:trace.http.request.errors{service:checkout AND env:production AND version:1.6.0 AND host:*}.as_count()");
    expect(queries.map((r) => r.body).join("\n")).toContain("version:* AND host:*");

    await expect.poll(() => datadog.sent("POST", "/api/v1/events").map((r) => (JSON.parse(r.body) as { title: string }).title), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(["Deploy started: checkout 1.6.0 in production", "FAIL verdict: checkout 1.6.0 in production"]));
  });

  it("holds a release while Datadog refuses the keys, saying which source failed and how, and reports it in /readyz", async () => {
    datadog.reset();
    datadog.answer("POST", "/api/v2/query/timeseries", example("forbidden.json", 403));
    datadog.answer("POST", "/api/v2/logs/analytics/aggregate", example("forbidden.json", 403));
    datadog.answer("GET", "/api/v1/validate", example("forbidden.json", 403));
    const held = await finalVerdict(await deploy("1.7.0", 300));
    expect(held.status).toBe("hold");
    expect(JSON.stringify(held.checks)).toMatch(/Datadog[^"]*403 from 127\.0\.0\.1:\d+: the API or application key was refused/);
    // /readyz keeps each source's health for 15 s, so the refusal shows within that.
    const readyz = async () => JSON.stringify(await (await fetch(`${server!.url}/readyz`)).json());
    await expect.poll(readyz, { timeout: 30_000, interval: 1000 }).toMatch(/"datadog":"failed: 403 from 127\.0\.0\.1:\d+: the API or application key was refused/);
  });
});
