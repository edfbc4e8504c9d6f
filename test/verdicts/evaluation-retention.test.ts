import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";

const DAY = 24 * 3600_000;
const T = Date.parse("2026-11-01T12:00:00Z");

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

async function release(s: TestService, service: string): Promise<string> {
  await s.request("POST", "/api/v1/deploys", { service, version: "1", phase: "started", timestamp: T });
  const done = await s.request("POST", "/api/v1/deploys", { service, version: "1", phase: "finished", timestamp: T + 60_000 });
  return ((await done.json()) as { release_id: string }).release_id;
}

describe("retention of the evaluation log", () => {
  it("deletes the interim looks of releases decided before the cut-off, in chunks, and keeps every final one and every undecided release's looks", async () => {
    svc = createTestService({ now: T });
    const store = svc.container.store;
    const old = await release(svc, "old"), recent = await release(svc, "recent"), open = await release(svc, "open");
    const decide = store.statement("UPDATE releases SET status = 'pass', decided_at = ? WHERE id = ?");
    const look = store.statement("INSERT INTO evaluations (release_id, kind, evaluated_at, status, score, result) VALUES (?, ?, ?, ?, ?, ?)");
    await store.write(async () => {
      await decide.run(T, old);
      await decide.run(T + 20 * DAY, recent);
      for (const id of [old, recent, open]) {
        for (let k = 0; k < 7; k++) await look.run(id, "interim", T + k * 300_000, "analyzing", null, "{}");
        if (id !== open) await look.run(id, "final", T + 7 * 300_000, "pass", 100, "{}");
      }
    });

    // Retention of 14 days, 30 days on: "old" was decided 30 days ago, "recent" 10, "open" never.
    const n = await svc.container.evaluationRetention.prune(T + 16 * DAY, 3);
    expect(n).toBe(7);
    const left = await store.statement<{ release: string; kind: string; n: number }>(
      "SELECT release_id AS release, kind, count(*) AS n FROM evaluations GROUP BY release_id, kind ORDER BY release_id, kind").all();
    expect(left.map((r) => [r.release === old ? "old" : r.release === recent ? "recent" : "open", r.kind, Number(r.n)]).sort()).toEqual([
      ["old", "final", 1], ["open", "interim", 7], ["recent", "final", 1], ["recent", "interim", 7],
    ]);
  });
});
