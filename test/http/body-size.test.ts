import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService;
beforeAll(() => {
  svc = createTestService({ env: { DEPLOY_GUARD_MAX_BODY_BYTES: "100000" } });
});
afterAll(() => svc.close());

/** A chunked body: no Content-Length, so only counting it as it streams can enforce the cap. */
function chunked(text: string, chunk = 4096): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + chunk));
      at += chunk;
    },
  });
}

const post = (path: string, text: string) =>
  svc.app.request(path, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: chunked(text), duplex: "half" } as RequestInit);

describe("the API body cap on chunked bodies", () => {
  it("answers 413, not 'malformed JSON', when a chunked body passes the cap on a validated JSON route", async () => {
    const res = await post("/api/v1/deploys", JSON.stringify({ service: "web", version: "1", phase: "started", tool: "x".repeat(200_000) }));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { code: string }).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers 413 on a chunked telemetry body over the cap and stores nothing", async () => {
    const events = Array.from({ length: 2000 }, () => ({ timestamp: "2026-11-21T11:59:00Z", service: "web", status: 200, latency_ms: 5 }));
    const res = await post("/api/v1/logs", JSON.stringify({ events }));
    expect(res.status).toBe(413);
    expect(((await svc.sql("SELECT count(*) AS n FROM log_events").get()) as { n: number }).n).toBe(0);
  });

  it("still takes a chunked body under the cap", async () => {
    const res = await post("/api/v1/deploys", JSON.stringify({ service: "web", version: "1", phase: "started", timestamp: "2026-11-21T11:59:00Z" }));
    expect(res.status).toBe(202);
  });
});
