import pino from "pino";
import { describe, expect, it } from "vitest";
import { createEventIndexer } from "../../../src/sources/elasticsearch/event-indexer.ts";
import { bulkExample, errorBody } from "./es-answers.ts";
import { connectionOf, esConfig, esErrors, Mock } from "./es-mock.ts";

const AT = Date.parse("2026-11-21T10:05:00Z");
const release = { release_id: "rel_abc", service: "checkout", environment: "production", version: "1.4.2" };

function indexer(env: Record<string, string> = {}) {
  const mock = new Mock();
  const bulks: Record<string, unknown>[][] = [];
  const logs: { level: number; msg: string; [k: string]: unknown }[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const config = esConfig({ DEPLOY_GUARD_ES_EVENTS_INDEX: "deploy-guard-events", DEPLOY_GUARD_ES_MAX_RETRIES: "0", ...env });
  const events = createEventIndexer(config, logger, { Connection: connectionOf(mock), backoffMs: 1, maxAttempts: 3 })!;
  const answer = (fn: (ops: Record<string, unknown>[]) => unknown) =>
    mock.add({ method: "POST", path: "/_bulk" }, (params) => {
      bulks.push(params.body as Record<string, unknown>[]);
      return fn(params.body as Record<string, unknown>[]) as Record<string, unknown>;
    });
  return { events, bulks, logs, answer };
}

const created = (id: string) => ({ create: { _index: "deploy-guard-events", _id: id, _version: 1, result: "created", status: 201 } });

describe("deploy events and verdicts indexed into Elasticsearch", () => {
  it("sends deploys and verdicts as ECS-like documents in one _bulk of create operations", async () => {
    const { events, bulks, answer } = indexer();
    answer((ops) => ({ took: 4, errors: false, items: ops.filter((_, i) => i % 2 === 0).map((op) => created((op.create as { _id: string })._id)) }));
    await events.deploy({ ...release, phase: "finished", at: AT });
    await events.verdict({ ...release, status: "fail", summary: "checkout 1.4.2 in production failed: error rate rose from 0.2 % to 3.1 %.", score: 20, at: AT + 1_800_000, final: true });
    await events.flush();
    expect(bulks).toHaveLength(1);
    const [op1, doc1, op2, doc2] = bulks[0]!;
    expect(op1).toEqual({ create: { _index: "deploy-guard-events", _id: expect.stringMatching(/^[\w-]{24}$/) } });
    expect(doc1).toEqual({
      "@timestamp": "2026-11-21T10:05:00.000Z",
      event: { kind: "event", category: ["configuration"], type: ["change"], action: "deploy-finished", dataset: "deploy_guard.deploy" },
      service: { name: "checkout", environment: "production", version: "1.4.2" },
      "deploy-guard": { release_id: "rel_abc", phase: "finished" },
      message: "Deploy of checkout 1.4.2 in production: finished.",
      tags: ["deploy-guard", "deploy"],
    });
    expect(op2).toEqual({ create: { _index: "deploy-guard-events", _id: expect.stringMatching(/^[\w-]{24}$/) } });
    expect(doc2).toEqual({
      "@timestamp": "2026-11-21T10:35:00.000Z",
      event: { kind: "event", category: ["configuration"], type: ["info"], action: "verdict-fail", dataset: "deploy_guard.verdict", outcome: "failure" },
      service: { name: "checkout", environment: "production", version: "1.4.2" },
      "deploy-guard": { release_id: "rel_abc", status: "fail", score: 20, final: true },
      message: "checkout 1.4.2 in production failed: error rate rose from 0.2 % to 3.1 %.",
      tags: ["deploy-guard", "verdict", "final"],
    });
    expect(events.queued()).toBe(0);
  });

  it("detects a partial _bulk failure (the spec's own example) and drops what Elasticsearch refused, with a log line", async () => {
    const { events, bulks, logs, answer } = indexer();
    answer(() => bulkExample(2));
    for (const phase of ["started", "finished", "rolled_back"]) await events.deploy({ ...release, phase, at: AT });
    await events.flush();
    expect(bulks).toHaveLength(1);
    expect(events.queued()).toBe(0);
    const refused = logs.find((l) => l.msg === "Elasticsearch refused some events; dropped");
    expect(refused?.rejected).toEqual([
      { id: (bulks[0]![0]!.create as { _id: string })._id, status: 404, type: "document_missing_exception", reason: "[5]: document missing" },
      { id: (bulks[0]![2]!.create as { _id: string })._id, status: 404, type: "document_missing_exception", reason: "[6]: document missing" },
    ]);
  });

  it("retries only the items that failed for a retryable reason (429), then stops", async () => {
    const { events, bulks, logs, answer } = indexer();
    let call = 0;
    answer((ops) => {
      const ids = ops.filter((_, i) => i % 2 === 0).map((op) => (op.create as { _id: string })._id);
      if (++call > 1) return { took: 2, errors: false, items: ids.map(created) };
      // Our own example, in the shape of BulkResponseExample2, with the status Elasticsearch gives a full write queue.
      const rejected = { create: { _index: "deploy-guard-events", _id: ids[1], status: 429, error: { type: "es_rejected_execution_exception", reason: "rejected execution of coordinating operation" } } };
      return { took: 7, errors: true, items: [created(ids[0]!), rejected, created(ids[2]!)] };
    });
    for (const phase of ["started", "finished"]) await events.deploy({ ...release, phase, at: AT });
    await events.verdict({ ...release, status: "warn", summary: "warned", score: 75, at: AT, final: false });
    await events.flush();
    expect(events.queued()).toBe(1);
    expect(logs.map((l) => l.msg)).toContain("some events were not indexed; will retry them");
    await events.flush();
    expect(bulks).toHaveLength(2);
    expect(bulks[1]).toEqual([bulks[0]![2], bulks[0]![3]]);
    expect(events.queued()).toBe(0);
  });

  it("an unreachable cluster never fails the caller; events are retried a bounded number of times, then dropped", async () => {
    const { events, bulks, logs, answer } = indexer();
    answer(() => new esErrors.ResponseError({ statusCode: 503, body: errorBody(503, "unavailable_shards_exception", "primary shard is not active"), headers: {}, warnings: null, meta: {} as never }));
    await expect(events.verdict({ ...release, status: "pass", summary: "passed", score: 100, at: AT, final: true })).resolves.toBeUndefined();
    for (let i = 0; i < 3; i++) await events.flush();
    expect(bulks).toHaveLength(3);
    expect(events.queued()).toBe(0);
    expect(logs.map((l) => l.msg)).toContain("events could not be indexed after every attempt; dropped");
    expect(JSON.stringify(logs)).not.toContain("VnVhQ2ZHY0JD");
  });

  it("a 409 on create means an earlier attempt indexed the event: not retried", async () => {
    const { events, bulks, answer } = indexer();
    answer((ops) => ({ took: 1, errors: true, items: [{ create: { _index: "deploy-guard-events", _id: (ops[0]!.create as { _id: string })._id, status: 409, error: { type: "version_conflict_engine_exception", reason: "document already exists" } } }] }));
    await events.deploy({ ...release, phase: "started", at: AT });
    await events.flush();
    await events.flush();
    expect(bulks).toHaveLength(1);
    expect(events.queued()).toBe(0);
  });
});
