import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { mulberry32 } from "../support/traffic.ts";

let svc: TestService;
beforeAll(() => {
  svc = createTestService({ env: { DEPLOY_GUARD_MAX_BODY_BYTES: "100000" } });
});
afterAll(() => svc.close());

const WEIRD: unknown[] = [null, true, 0, -1, 1e308, "", " ", "x".repeat(300), "2026-13-45T99:99:99Z", [], {}, [1, 2], { a: 1 }, "\u0000", "☃", 1.5, "NaN"];

const VALID: Record<string, () => unknown> = {
  "/api/v1/deploys": () => ({ service: "s", version: "1", phase: "started", timestamp: "2026-11-21T10:00:00Z", batch: { index: 1, total: 2, hosts: ["h"] }, hosts: ["h"] }),
  "/api/v1/deploys/batch": () => ({ events: [{ service: "s", version: "1", phase: "started" }] }),
  "/api/v1/logs": () => ({ events: [{ timestamp: "2026-11-21T10:00:00Z", service: "s", status: 200, latency_ms: 5, level: "info", host: "h", route: "/", message: "m" }] }),
  "/api/v1/metrics": () => ({ samples: [{ name: "cpu", value: 1, timestamp: 1795298000000, service: "s", tags: { a: "b" } }] }),
  "/api/v1/tokens": () => ({ name: "n", scope: "read" }),
};

/** Replaces one random leaf (or the whole body) with a weird value. */
function mutate(value: unknown, rnd: () => number, depth = 0): unknown {
  if (depth > 0 && rnd() < 0.3) return WEIRD[Math.floor(rnd() * WEIRD.length)];
  if (Array.isArray(value)) return value.length === 0 ? WEIRD[Math.floor(rnd() * WEIRD.length)] : value.map((v, i) => (i === 0 ? mutate(v, rnd, depth + 1) : v));
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    const key = keys[Math.floor(rnd() * keys.length)]!;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    if (rnd() < 0.15) delete copy[key];
    else copy[key] = mutate(copy[key], rnd, depth + 1);
    return copy;
  }
  return WEIRD[Math.floor(rnd() * WEIRD.length)];
}

describe("no input makes the service answer 500", () => {
  it("answers 600 mutated bodies on every write endpoint with 2xx or a 4xx problem", async () => {
    const rnd = mulberry32(42);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 600; i++) {
      const paths = Object.keys(VALID);
      const path = paths[i % paths.length]!;
      const body = mutate(VALID[path]!(), rnd);
      const raw = rnd() < 0.1 ? JSON.stringify(body).slice(0, Math.floor(rnd() * 40)) : JSON.stringify(body);
      const res = await svc.request("POST", path, raw ?? "", { "content-type": rnd() < 0.1 ? "application/x-ndjson" : "application/json" });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `${path} ${raw}`).toBeLessThan(500);
      if (res.status >= 400) expect(res.headers.get("content-type"), `${path} ${raw}`).toBe("application/problem+json");
    }
    // Both outcomes occurred: the mutations are not all rejected, nor all accepted.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
  });
});
