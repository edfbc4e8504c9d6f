import { gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { SpanKind } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, TEST_STORE } from "../../support/test-service.ts";
import { demoResource, startOtlpService, type OtlpService } from "./otlp-harness.ts";

let otlp: OtlpService;
beforeAll(async () => (otlp = await startOtlpService({ DEPLOY_GUARD_MAX_BODY_BYTES: "65536" })));
afterAll(() => otlp.close());

/** Spans as the SDK ended them, for bodies its own serializers encode (the exporters hide the answer's status). */
function spans(service: string, n: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: demoResource("1.0.0", { "service.name": service }), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer("demo");
  for (let i = 0; i < n; i++) tracer.startSpan("GET /", { kind: SpanKind.SERVER, attributes: { "http.route": "/", "http.response.status_code": 200 } }).end();
  return memory.getFinishedSpans();
}

const post = (path: string, body: Uint8Array | string, headers: Record<string, string> = {}) =>
  fetch(`${otlp.base}${path}`, { method: "POST", body, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/x-protobuf", ...headers } });
const stored = async (service: string) => (await otlp.svc.sql<{ n: number }>("SELECT count(*) AS n FROM log_events WHERE service = ?").get(service))!.n;

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as { status: number; code: string; detail: string };
}

describe("OTLP/HTTP answers", () => {
  it("answers a full success 200 with an empty Export*ServiceResponse in the request's own encoding", async () => {
    const proto = await post("/v1/traces", ProtobufTraceSerializer.serializeRequest(spans("ok-proto", 2))!);
    expect([proto.status, proto.headers.get("content-type"), (await proto.arrayBuffer()).byteLength]).toEqual([200, "application/x-protobuf", 0]);
    const json = await post("/v1/traces", JsonTraceSerializer.serializeRequest(spans("ok-json", 2))!, { "content-type": "application/json" });
    expect([json.status, json.headers.get("content-type"), await json.text()]).toEqual([200, "application/json", "{}"]);
    expect([await stored("ok-proto"), await stored("ok-json")]).toEqual([2, 2]);
  });

  it("answers an empty export 200, as OTLP asks", async () => {
    expect((await post("/v1/metrics", new Uint8Array())).status).toBe(200);
    expect((await post("/v1/logs", "{}", { "content-type": "application/json" })).status).toBe(200);
  });

  it("answers bytes that are not protobuf 400 problem+json (not a 500), and JSON that does not parse the same", async () => {
    const res = await post("/v1/traces", new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(res.status).toBe(400);
    expect(await problem(res)).toMatchObject({ code: "MALFORMED_BODY", detail: expect.stringContaining("ExportTraceServiceRequest") });
    const json = await post("/v1/logs", "{\"resourceLogs\": [", { "content-type": "application/json" });
    expect([json.status, (await problem(json)).code]).toEqual([400, "MALFORMED_BODY"]);
    const shape = await post("/v1/traces", JSON.stringify({ resourceSpans: "nope" }), { "content-type": "application/json" });
    expect(shape.status).toBe(400);
  });

  it("answers a missing token 401 and a token for other services 403, storing nothing", async () => {
    const body = ProtobufTraceSerializer.serializeRequest(spans("guarded", 3))!;
    const anonymous = await fetch(`${otlp.base}/v1/traces`, { method: "POST", body, headers: { "content-type": "application/x-protobuf" } });
    expect([anonymous.status, (await problem(anonymous)).code]).toEqual([401, "UNAUTHORIZED"]);
    const created = await otlp.svc.request("POST", "/api/v1/tokens", { name: "shop shipper", scope: "ingest", services: ["shop"] });
    const { token } = (await created.json()) as { token: string };
    const other = await post("/v1/traces", body, { authorization: `Bearer ${token}` });
    expect([other.status, (await problem(other)).code]).toEqual([403, "FORBIDDEN"]);
    expect(await stored("guarded")).toBe(0);
  });

  it("answers 415 for another content type or content encoding", async () => {
    const text = await post("/v1/traces", "hello", { "content-type": "text/plain" });
    expect([text.status, (await problem(text)).code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    const br = await post("/v1/traces", "x", { "content-encoding": "br" });
    expect(br.status).toBe(415);
  });

  it("answers 413 for a body over the cap, and for a small gzip body that inflates past it", async () => {
    expect((await post("/v1/traces", new Uint8Array(70_000))).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(1_000_000));
    expect(bomb.byteLength).toBeLessThan(65_536);
    const res = await post("/v1/traces", bomb, { "content-encoding": "gzip" });
    expect([res.status, (await problem(res)).code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    expect((await post("/v1/traces", "not gzip", { "content-encoding": "gzip" })).status).toBe(400);
  });

  // SQLite only: another connection holds the write lock, as a long migration or a backup tool would.
  it.skipIf(TEST_STORE === "postgres")("answers a retryable 503 with Retry-After while the database cannot be written, and stores nothing", async () => {
    const body = ProtobufTraceSerializer.serializeRequest(spans("locked", 2))!;
    const sqlite = otlp.svc.container.db.$client;
    const busy = sqlite.pragma("busy_timeout", { simple: true }) as number;
    sqlite.pragma("busy_timeout = 50");
    const other = new Database(otlp.svc.config.dbPath);
    try {
      other.exec("BEGIN IMMEDIATE");
      const res = await post("/v1/traces", body);
      expect([res.status, res.headers.get("retry-after"), (await problem(res)).code]).toEqual([503, "15", "STORE_UNAVAILABLE"]);
    } finally {
      other.exec("ROLLBACK");
      other.close();
      sqlite.pragma(`busy_timeout = ${busy}`);
    }
    expect(await stored("locked")).toBe(0);
    expect((await post("/v1/traces", body)).status).toBe(200);
    expect(await stored("locked")).toBe(2);
  });
});
