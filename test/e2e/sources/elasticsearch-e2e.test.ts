import { releaseClient } from "../../support/release-client.ts";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startServer, type ServerProcess } from "../../support/server-process.ts";
import { errorRateAnswer, latencyAnswer } from "../../sources/elasticsearch/es-answers.ts";
import { EsHttpMock } from "../../sources/elasticsearch/es-http-mock.ts";

// No recording holds a release's worth of logs, so the mock answers in the documented shapes with numbers made per
// minute: checkout's error rate wanders around 1 % until minute 240, when 1.6.0 is deployed and it jumps to about
// 4.5 %; p95 latency stays at 400–430 ms. The verdicts come from Elasticsearch alone: nothing is pushed.
const TOKEN = "es-e2e-admin-token-0123456789";
const API_KEY = "es-e2e-api-key-0123456789abcdef";
const MIN = 60_000;
const START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 8 * 3_600_000;
const JUMP = START + 240 * MIN;

const minuteOf = (t: number) => Math.floor(t / MIN);
const docs = (t: number) => 1000 + ((minuteOf(t) * 37) % 101);
const errors = (t: number) => (t >= JUMP ? 40 + (minuteOf(t) % 7) : 8 + (minuteOf(t) % 5));
const p95Ns = (t: number) => (400 + ((minuteOf(t) * 13) % 7) * 5) * 1e6;

interface SearchBody {
  query: { bool: { filter: { range?: Record<string, { gte: number; lt: number }> }[] } };
  aggs: { per_interval?: { aggs: { errors?: unknown; latency?: unknown } }; messages?: unknown };
}

/** Error messages per window: after the jump a null-pointer error joins the old timeouts (ids differ per line). */
function messages(gte: number) {
  const buckets = [{ key: "upstream timed out after 3000 ms while reading response header", doc_count: 60 }];
  if (gte >= JUMP) buckets.push({ key: "NullPointerException in CartService.total for cart 8812", doc_count: 120 }, { key: "NullPointerException in CartService.total for cart 9127", doc_count: 95 });
  const total = buckets.reduce((n, b) => n + b.doc_count, 0);
  return { took: 3, timed_out: false, hits: { total: { value: total, relation: "eq" }, hits: [] }, aggregations: { messages: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets } } };
}

function search(body: SearchBody) {
  const { gte, lt } = body.query.bool.filter[0]!.range!["@timestamp"]!;
  if (body.aggs.messages) return messages(gte);
  if (!body.aggs.per_interval) throw new Error("unexpected search");
  const minutes: number[] = [];
  for (let t = gte; t < lt; t += MIN) minutes.push(t);
  return body.aggs.per_interval.aggs.errors
    ? errorRateAnswer(minutes.map((t) => ({ t, docs: docs(t), errors: errors(t) })))
    : latencyAnswer(95, minutes.map((t) => ({ t, docs: docs(t), value: p95Ns(t) })));
}

describe("a release judged from Elasticsearch alone, through the HTTP API", () => {
  const es = new EsHttpMock();
  let dir: string;
  let server: ServerProcess | undefined;

  const { deploy, finalVerdict } = releaseClient(() => server, { token: TOKEN, start: START });


  beforeAll(async () => {
    es.mock.add({ method: "POST", path: "/:index/_search" }, (params) => search(params.body as unknown as SearchBody));
    es.mock.add({ method: "GET", path: "/_cluster/health" }, () => ({ cluster_name: "logs", status: "green", timed_out: false }));
    es.mock.add({ method: "POST", path: "/_bulk" }, (params) => {
      const ops = (params.body as unknown as Record<string, { _id: string }>[]).filter((_, i) => i % 2 === 0);
      return { took: 2, errors: false, items: ops.map((op) => ({ create: { _index: "deploy-guard-events", _id: op.create!._id, status: 201, result: "created" } })) };
    });
    await es.start();
    dir = mkdtempSync(join(tmpdir(), "dg-es-e2e-"));
    const rules = join(dir, "rules");
    mkdirSync(rules);
    copyFileSync(join(ROOT, "rules/default.yaml"), join(rules, "default.yaml"));
    copyFileSync(join(ROOT, "rules/examples/elasticsearch.yaml"), join(rules, "elasticsearch.yaml"));
    server = await startServer({
      DEPLOY_GUARD_DB: join(dir, "guard.db"), DEPLOY_GUARD_RULES: rules, DEPLOY_GUARD_API_TOKEN: TOKEN, DEPLOY_GUARD_EVAL_INTERVAL_SECONDS: "1",
      DEPLOY_GUARD_ES_URL: es.url, DEPLOY_GUARD_ES_API_KEY: API_KEY, DEPLOY_GUARD_ES_EVENTS_INDEX: "deploy-guard-events", DEPLOY_GUARD_ES_TIMEOUT_MS: "5000",
    });
  });

  afterAll(async () => {
    await server?.stop();
    await es.close().catch(() => undefined);
    expect(server?.output() ?? "").not.toMatch(new RegExp(`${TOKEN}|${API_KEY}`));
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes the release that changed nothing, fails the one after which errors jumped, and indexes both for Kibana", async () => {
    const unchanged = await finalVerdict(await deploy("1.5.0", 120));
    expect(unchanged.checks.map((c) => c.signal)).toEqual(["error_rate", "latency_p95"]);
    expect(unchanged.checks.map((c) => c.status)).not.toContain("fail");
    expect(unchanged.status).not.toBe("fail");

    const broken = await finalVerdict(await deploy("1.6.0", 240));
    expect(broken.status).toBe("fail");
    expect(broken.checks.find((c) => c.signal === "error_rate")?.status).toBe("fail");
    // The two null-pointer lines differ only by an id: one new kind, named in the reason.
    expect((broken.checks.find((c) => c.signal === "error_rate") as { reason?: string })?.reason)
      .toContain("1 new kind of error appeared after this release: \"NullPointerException in CartService.total for cart <num>\" (215×)");
    expect(broken.checks.find((c) => c.signal === "latency_p95")?.status).not.toBe("fail");

    // Every search carried the API key, the rule's index and dataset filter; the candidate's also its version.
    const searches = es.sent("POST", "/logs-checkout-*/_search");
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.every((r) => r.headers.authorization === `ApiKey ${API_KEY}`)).toBe(true);
    const filters = searches.map((r) => JSON.stringify((r.body as SearchBody).query.bool.filter));
    expect(filters.every((f) => f.includes(`{"term":{"event.dataset":"nginx.access"}}`) && f.includes(`{"term":{"service.name":"checkout"}}`))).toBe(true);
    expect(filters.some((f) => f.includes(`{"term":{"service.version":"1.6.0"}}`))).toBe(true);

    await expect.poll(() => es.sent("POST", "/_bulk").flatMap((r) => (r.body as { event?: { action: string }; service?: { version: string } }[])
      .filter((d) => d.event && d.service?.version === "1.6.0").map((d) => d.event!.action)), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(["deploy-started", "deploy-finished", "verdict-fail"]));
  });

  it("reports the cluster's health in /readyz", async () => {
    const ready = await fetch(`${server!.url}/readyz`).then((r) => r.json() as Promise<{ checks?: Record<string, string> }>);
    expect(JSON.stringify(ready)).toContain("green");
    expect(JSON.stringify(ready)).not.toContain(API_KEY);
  });

  it("holds a release while Elasticsearch is down, saying which source failed and how", async () => {
    await es.close();
    const held = (await finalVerdict(await deploy("1.7.0", 300))) as { status: string; checks: { signal: string; status: string; reason?: string }[] };
    expect(held.status).toBe("hold");
    const check = held.checks.find((c) => c.signal === "error_rate")!;
    expect(check.status).toBe("nodata");
    expect(check.reason).toMatch(/could not read its data: Elasticsearch .*; the rule says hold when data is missing\.$/);
    expect(check.reason).not.toContain(API_KEY);
    // /readyz caches source health for 15 s; its "degraded" answer is tested in test/sources/core/readyz-sources.test.ts.
  });
});
