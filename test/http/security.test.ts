import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";

let svc: TestService | undefined;
afterEach(() => svc?.close());

describe("access", () => {
  it("keeps reads behind a token by default", async () => {
    svc = createTestService();
    const res = await svc.app.request("/api/v1/releases");
    expect(res.status).toBe(401);
  });

  it("opens reads, and only reads, on a trusted network when configured", async () => {
    svc = createTestService({ env: { DEPLOY_GUARD_OPEN_READS: "true" } });
    expect((await svc.app.request("/api/v1/releases")).status).toBe(200);
    const write = await svc.app.request("/api/v1/deploys", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service: "a", version: "1", phase: "started" }) });
    expect(write.status).toBe(401);
  });

  it("lets an ingest token write but not read, and a read token read but not write", async () => {
    svc = createTestService();
    const make = async (scope: string) => ((await (await svc!.request("POST", "/api/v1/tokens", { name: scope, scope })).json()) as { token: string }).token;
    const ingest = await make("ingest");
    const read = await make("read");
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await svc.request("POST", "/api/v1/deploys", { service: "a", version: "1", phase: "started" }, as(ingest))).status).toBe(202);
    expect((await svc.request("GET", "/api/v1/releases", undefined, as(ingest))).status).toBe(403);
    expect((await svc.request("GET", "/api/v1/releases", undefined, as(read))).status).toBe(200);
    expect((await svc.request("POST", "/api/v1/tokens", { name: "x", scope: "admin" }, as(read))).status).toBe(403);
  });

  it("stores tokens as hashes only", async () => {
    svc = createTestService();
    const { token } = (await (await svc.request("POST", "/api/v1/tokens", { name: "ci", scope: "ingest" })).json()) as { token: string };
    const stored = (await svc.sql("SELECT token_hash FROM api_tokens").all()) as { token_hash: string }[];
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(token);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("publishes an OpenAPI document with every route", async () => {
    svc = createTestService();
    const doc = (await (await svc.app.request("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      "/healthz", "/readyz", "/api/v1/deploys", "/api/v1/deploys/batch", "/api/v1/logs", "/api/v1/metrics",
      "/api/v1/releases", "/api/v1/releases/{id}", "/api/v1/releases/{id}/verdict", "/api/v1/releases/{id}/evaluate", "/api/v1/tokens",
    ]));
  });
});
