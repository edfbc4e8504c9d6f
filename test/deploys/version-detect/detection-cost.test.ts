import { afterEach, describe, expect, it } from "vitest";
import { VersionDetector } from "../../../src/deploys/version-detector.ts";
import type { Statement, Store } from "../../../src/store/store.ts";
import { logEventOf } from "../../../src/telemetry/log-event.ts";
import { RecordValidator } from "../../../src/telemetry/record-validator.ts";
import { TelemetryStore } from "../../../src/telemetry/telemetry-store.ts";
import { createTestService, type TestService } from "../../support/test-service.ts";
import { generateTraffic } from "../../support/traffic.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-21T12:00:00Z");

let svc: TestService;
afterEach(() => svc?.close());

/** The store, counting every run of a statement on service_versions (the detector's only reads and writes). */
function counting(store: Store): { store: Store; runs: () => number } {
  let runs = 0;
  const wrap = <Row>(s: Statement<Row>): Statement<Row> => ({
    ...s,
    get: (...p) => (runs++, s.get(...p)),
    run: (...p) => (runs++, s.run(...p)),
    all: (...p) => (runs++, s.all(...p)),
  });
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === "statement") return (text: string) => (text.includes("service_versions") ? wrap(target.statement(text)) : target.statement(text));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, runs: () => runs };
}

const events = (start: number, version: string, seed: number) => {
  const v = new RecordValidator(() => "events");
  return generateTraffic({ service: "big", start, minutes: 10, perMinute: 500, errorRate: 0.01, latencyMs: 100, version, seed }).map((r, i) => logEventOf(v, i, r)!);
};

describe("version detection at ingest", () => {
  it("costs a few statements for a batch with a new version and none for 10,000-event batches of versions it knows", async () => {
    svc = createTestService({ now: T + 30 * MIN });
    const c = svc.container;
    const { store, runs } = counting(c.store);
    const telemetry = new TelemetryStore(c.store, new VersionDetector(store, c.rules, c.deploys, c.audit, c.now));
    await telemetry.writeLogs(await telemetry.prepareLogs(events(T - 10 * MIN, "1", 1)));
    expect(runs()).toBe(2); // has the service any version? + the insert of version 1
    await telemetry.writeLogs(await telemetry.prepareLogs([...events(T, "1", 2), ...events(T, "2", 3)]));
    expect(runs()).toBe(2 + 2); // version 2 only: has any? + its insert (version 1 is known)
    const before = runs();
    await telemetry.writeLogs(await telemetry.prepareLogs([...events(T + 10 * MIN, "1", 4), ...events(T + 10 * MIN, "2", 5)]));
    expect(runs() - before).toBe(0);
    expect((await svc.sql("SELECT version FROM releases WHERE service = 'big'").all())).toEqual([{ version: "2" }]);
  });

  it("stores nothing of a batch that fails, and opens its release when the batch is sent again", async () => {
    svc = createTestService({ now: T + 30 * MIN });
    const c = svc.container;
    await c.telemetry.insertLogs(events(T - 10 * MIN, "1", 1));
    const failing = c.store.write(async () => {
      await c.telemetry.insertLogs(events(T, "2", 2));
      throw new Error("the batch's write failed after the detector ran");
    });
    await expect(failing).rejects.toThrow("after the detector ran");
    expect(await svc.sql("SELECT version FROM service_versions WHERE service = 'big'").all()).toEqual([{ version: "1" }]);
    expect(await svc.sql("SELECT count(*) AS n FROM releases").get()).toEqual({ n: 0 });
    await c.telemetry.insertLogs(events(T, "2", 2));
    expect(await svc.sql("SELECT version FROM releases WHERE service = 'big'").all()).toEqual([{ version: "2" }]);
  });
});
