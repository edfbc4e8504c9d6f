import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { releasesInEveryStatus, STATUSES, type GateStatus } from "./release-states.ts";

// Flagger's own example payload (docs/gitbook/usage/webhooks.md), unchanged: name, namespace, phase, checksum, metadata.
const REAL = JSON.parse(readFileSync(new URL("../fixtures/webhooks/flagger/flagger_webhook_payload.json", import.meta.url), "utf8")) as {
  name: string; namespace: string; phase: string; checksum: string; metadata: Record<string, string>;
};

// The Flagger event adapter's name for this canary (name.namespace), so gates and deploy events meet on one release.
const SERVICE = `${REAL.name}.${REAL.namespace}`;
let svc: TestService;
let ids: Record<GateStatus, string>;
beforeEach(async () => {
  svc = createTestService();
  ids = await releasesInEveryStatus(svc, SERVICE);
});
afterEach(() => svc?.close());

/** Flagger cannot send headers: the Canary's webhook URL carries the token, and its metadata names the release. */
async function call(path: string, metadata: Record<string, string>, token = `?token=test-admin-token-0123456789`) {
  const body = { ...REAL, metadata: { ...REAL.metadata, ...metadata } };
  const res = await svc.app.request(`${path}${token}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as Record<string, any> };
}

const ADVANCE_ON: Record<"rollout" | "confirm-promotion", GateStatus[]> = {
  rollout: ["pending", "analyzing", "pass", "warn"],
  "confirm-promotion": ["pending", "pass", "warn"],
};

describe("Flagger gate webhook", () => {
  for (const hook of ["rollout", "confirm-promotion"] as const) {
    it(`${hook}: 200 advances on ${ADVANCE_ON[hook].join("/")}, 409 problem+json halts otherwise`, async () => {
      for (const status of STATUSES) {
        const r = await call("/api/v1/gates/flagger", { version: status, hook });
        const advance = ADVANCE_ON[hook].includes(status);
        expect(r.status, `${hook} on ${status}`).toBe(advance ? 200 : 409);
        if (advance) expect(r.body).toMatchObject({ advance: true, hook, service: SERVICE, environment: "production", version: status, release_id: ids[status], status });
        else {
          expect(r.type).toBe("application/problem+json");
          expect(r.body.code).toBe("CONFLICT");
          expect(r.body.detail).toMatch(new RegExp(`^podinfo\\.test ${status} in production (failed|is on hold|has no final verdict yet)`));
        }
      }
    });
  }

  it("defaults to the rollout hook, to name.namespace as service and to the checksum as version", async () => {
    const missing = await call("/api/v1/gates/flagger", {});
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toMatch(/^No deploy of podinfo\.test 85d557f47b in production has been reported/);
    for (const phase of ["started", "finished"]) {
      expect((await svc.request("POST", "/api/v1/deploys", { service: SERVICE, version: REAL.checksum, phase, timestamp: svc.clock.now - 60_000 })).status).toBe(202);
    }
    const r = await call("/api/v1/gates/flagger", {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ hook: "rollout", service: "podinfo.test", version: "85d557f47b", status: "analyzing" });
  });

  it("confirm-rollout asks the pre-deploy gate: halts while the running release has failed", async () => {
    // For podinfo.test the latest finished deploy (version "analyzing") is still clean, so it may start.
    expect((await call("/api/v1/gates/flagger", { hook: "confirm-rollout" })).body).toMatchObject({ advance: true, status: "pass", release_id: null });
    for (const phase of ["started", "failed"]) {
      expect((await svc.request("POST", "/api/v1/deploys", { service: "checkout", version: "3.1.0", phase, timestamp: svc.clock.now - 60_000 })).status).toBe(202);
    }
    const held = await call("/api/v1/gates/flagger", { hook: "confirm-rollout", service: "checkout" });
    expect(held.status).toBe(409);
    expect(held.body.detail).toMatch(/^Do not deploy checkout in production now: The running release 3\.1\.0 failed and has not been rolled back/);
    const preRollout = await call("/api/v1/gates/flagger", { hook: "pre-rollout", service: "checkout", environment: "staging" });
    expect(preRollout.body).toMatchObject({ advance: true, hook: "pre-rollout", service: "checkout", environment: "staging", status: "pass" });
  });

  it("halts with 404 when the release was never reported, and refuses an unknown hook with 422", async () => {
    const missing = await call("/api/v1/gates/flagger", { version: "9.9.9" });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toMatch(/^No deploy of podinfo\.test 9\.9\.9 in production has been reported/);
    const bad = await call("/api/v1/gates/flagger", { hook: "post-rollout" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ path: "metadata.hook", message: "one of confirm-rollout, pre-rollout, rollout, confirm-traffic-increase, confirm-promotion" }]);
  });
});

describe("Flagger rollback webhook", () => {
  it("answers 2xx (roll back now) only for a failed release", async () => {
    for (const status of STATUSES) {
      const r = await call("/api/v1/gates/flagger/rollback", { version: status });
      expect(r.status, status).toBe(status === "fail" ? 200 : 409);
      if (status === "fail") expect(r.body).toMatchObject({ advance: true, hook: "rollback", release_id: ids.fail, status: "fail" });
    }
    expect((await call("/api/v1/gates/flagger/rollback", { version: "9.9.9" })).status).toBe(404);
  });

  it("rolls back when an operator decided so", async () => {
    expect((await svc.request("POST", `/api/v1/releases/${ids.analyzing}/decision`, { action: "rollback", reason: "customers report errors" })).status).toBe(201);
    const r = await call("/api/v1/gates/flagger/rollback", { version: "analyzing" });
    expect(r.status).toBe(200);
    expect(r.body.reason).toMatch(/^Roll back podinfo\.test analyzing in production/);
  });
});

describe("Flagger webhook auth", () => {
  it("takes the token from ?token= or a bearer header, and refuses a wrong or missing one with 401", async () => {
    expect((await call("/api/v1/gates/flagger", { version: "pass" })).status).toBe(200);
    const wrong = await call("/api/v1/gates/flagger", { version: "pass" }, "?token=wrong-token-000000000000");
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain("wrong-token");
    expect((await call("/api/v1/gates/flagger/rollback", { version: "fail" }, "?token=wrong-token-000000000000")).status).toBe(401);
    expect((await call("/api/v1/gates/flagger", { version: "pass" }, "")).status).toBe(401);
    const header = await svc.request("POST", "/api/v1/gates/flagger", { ...REAL, metadata: { version: "pass" } });
    expect(((await header.clone().json()) as { status: string }).status).toBe("pass");
    expect(header.status).toBe(200);
  });

  it("accepts a read-scoped token and refuses an ingest-scoped one with 403", async () => {
    const make = async (scope: string) => ((await (await svc.request("POST", "/api/v1/tokens", { name: `flagger-${scope}`, scope })).json()) as { token: string }).token;
    expect((await call("/api/v1/gates/flagger", { version: "pass" }, `?token=${await make("read")}`)).status).toBe(200);
    expect((await call("/api/v1/gates/flagger", { version: "pass" }, `?token=${await make("ingest")}`)).status).toBe(403);
  });
});
