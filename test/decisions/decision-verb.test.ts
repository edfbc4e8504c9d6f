import { afterEach, describe, expect, it } from "vitest";
import { createTestService, type TestService } from "../support/test-service.ts";
import { MIN, reportedRelease, START } from "./release-fixtures.ts";

let svc: TestService | undefined;
afterEach(() => svc?.close());

interface Problem {
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

const decide = (s: TestService, id: string, body: Record<string, unknown>) => s.request("POST", `/api/v1/releases/${id}/decision`, body);

/** A deploy the tool reported as failed: a final engine fail through the real recorder. */
async function failedRelease(s: TestService, service: string, version: string): Promise<string> {
  await s.request("POST", "/api/v1/deploys", { service, version, phase: "started", timestamp: s.clock.now });
  const res = await s.request("POST", "/api/v1/deploys", { service, version, phase: "failed", timestamp: s.clock.now });
  return ((await res.json()) as { release_id: string }).release_id;
}

/** A rolling deploy of cart 9 whose batches 1 and 2 have finished. */
async function rolledOut(s: TestService): Promise<string> {
  let id = "";
  for (const index of [1, 2]) {
    const batch = { index, total: 3, hosts: [`web-${index}`] };
    await s.request("POST", "/api/v1/deploys", { service: "cart", version: "9", deploy_id: "cart-9", phase: "started", timestamp: START - (40 - index) * MIN, batch });
    const res = await s.request("POST", "/api/v1/deploys", { service: "cart", version: "9", deploy_id: "cart-9", phase: "finished", timestamp: START - (38 - index) * MIN, batch });
    id = ((await res.json()) as { release_id: string }).release_id;
  }
  return id;
}

describe("one verb, its input checked the same for every action", () => {
  it("answers 4xx problem+json naming the field, and records nothing, for input that does not fit the action", async () => {
    svc = createTestService({ now: START });
    const id = await reportedRelease(svc, "search", "7");
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [{ action: "skip", signal: "p99_latency", reason: "noisy" }, 422, "signal", /rule 'default' has no signal 'p99_latency'; its signals are: error_rate, latency/],
      [{ action: "skip", reason: "noisy" }, 422, "signal", /skip needs the name of the signal/],
      [{ action: "approve", signal: "latency", reason: "ok" }, 422, "signal", /only skip takes a signal, not approve/],
      [{ action: "retry" }, 422, "reason", /./],
      [{ action: "mark_wrong", reason: "it was fine" }, 422, "feedback", /mark_wrong needs false_fail or missed_regression/],
      [{ action: "hold", feedback: "false_fail", reason: "hm" }, 422, "feedback", /only mark_wrong takes feedback, not hold/],
      [{ action: "mark_wrong", feedback: "wrong", reason: "hm" }, 422, "feedback", /./],
      [{ action: "rollback", batch: 2, reason: "bad batch" }, 422, "batch", /only approve and hold can name a batch; rollback is about the whole release/],
      [{ action: "approve", batch: 0, reason: "ok" }, 422, "batch", /./],
      [{ action: "approve", batch: 2, reason: "ok" }, 422, "batch", /search 7 has no batch 2; its deploy has no batches/],
      [{ action: "retry", reason: "more data" }, 409, "", /search 7 \(production\) is still being judged \(pending\); there is no verdict to judge again yet\./],
      [{ action: "mark_wrong", feedback: "false_fail", reason: "it was fine" }, 409, "", /was not failed by the engine \(it is pending\); only a fail can be a false fail/],
    ];
    for (const [body, status, path, detail] of cases) {
      const res = await decide(svc, id, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await res.json()) as Problem;
      expect(problem.detail, JSON.stringify(body)).toMatch(detail);
      if (path) expect(problem.errors?.[0]?.path, JSON.stringify(body)).toBe(path);
    }
    expect(await svc.container.audit.ofRelease(id)).toEqual([]);
    expect(await svc.container.decisions.list(id)).toEqual([]);
  });

  it("sets a signal aside for the release through the verdict service, audited, and refuses the same skip twice", async () => {
    svc = createTestService({ now: START });
    await svc.request("POST", "/api/v1/deploys", { service: "search", version: "8", phase: "started", timestamp: START - 2 * MIN });
    const res = await svc.request("POST", "/api/v1/deploys", { service: "search", version: "8", phase: "finished", timestamp: START - MIN });
    const id = ((await res.json()) as { release_id: string }).release_id;
    const skipped = await decide(svc, id, { action: "skip", signal: "latency", reason: "the load balancer adds 40 ms today" });
    expect(skipped.status, await skipped.clone().text()).toBe(201);
    expect(await skipped.json()).toMatchObject({ decision: { action: "skip", signal: "latency", batch: null, feedback: null }, rollback: null });
    expect(await svc.container.decisions.current(id)).toBeNull();
    const [entry] = await svc.container.audit.ofRelease(id);
    expect(entry!.message).toBe("Signal set aside by admin (DEPLOY_GUARD_API_TOKEN) via api: \"the load balancer adds 40 ms today\". Signal 'latency' set aside; the release is judged again without it.");
    expect(entry!.data).toMatchObject({ action: "skip", signal: "latency", gate_status: null });
    expect((await decide(svc, id, { action: "skip", signal: "latency", reason: "again" })).status).toBe(409);
  });
});

describe("decisions on one batch of a rolling deploy", () => {
  it("approving batch 1 answers for batch 1 only; a release-wide hold answers for every batch", async () => {
    svc = createTestService({ now: START });
    const id = await rolledOut(svc);
    const res = await decide(svc, id, { action: "approve", batch: 1, reason: "batch 1 checked by hand" });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ decision: { action: "approve", batch: 1 } });
    const d = svc.container.decisions;
    expect(await d.current(id, 1)).toMatchObject({ action: "approve", batch: 1 });
    expect(await d.current(id, 2)).toBeNull();
    expect(await d.current(id)).toBeNull();
    const release = await svc.container.verdicts.get(id);
    const batches = await svc.container.batches.ofRelease(release);
    const [b1, b2] = await Promise.all(batches.map((b) => svc!.container.views.batch(release, b)));
    expect(b1).toMatchObject({ status: "pass", final: true, decision: { action: "approve", batch: 1 } });
    expect(b2!.decision).toBeNull();
    expect((await svc.container.views.verdict(release)).decision).toBeNull();
    // The same approval twice is refused, but batch 2 may still be approved on its own.
    expect((await decide(svc, id, { action: "approve", batch: 1, reason: "again" })).status).toBe(409);

    svc.clock.now += MIN;
    expect((await decide(svc, id, { action: "hold", reason: "incident in the region" })).status).toBe(201);
    expect(await d.current(id, 1)).toMatchObject({ action: "hold", batch: null });
    expect(await d.current(id, 2)).toMatchObject({ action: "hold", batch: null });
    expect(await d.current(id)).toMatchObject({ action: "hold" });
    expect((await svc.container.audit.ofRelease(id))[1]!.message).toBe("Approved by admin (DEPLOY_GUARD_API_TOKEN) for batch 1 via api: \"batch 1 checked by hand\".");
  });
});

describe("verdict feedback", () => {
  it("marks a fail false without changing the gate, and reports each rule's false-fail and miss rate over the service's history", async () => {
    svc = createTestService({ now: START });
    const fails = [];
    for (const v of ["1", "2", "3"]) fails.push(await failedRelease(svc, "pay", v));
    // Seeded history: final passes and a warn, as the engine would have recorded them.
    const passes = [];
    for (const v of ["4", "5", "6", "7", "8"]) passes.push(await reportedRelease(svc, "pay", v));
    const seed = svc.sql("UPDATE releases SET status = ?, rule_name = 'default', decided_at = ? WHERE id = ?");
    for (const [i, id] of passes.entries()) await seed.run(i === 4 ? "warn" : "pass", START, id);
    await failedRelease(svc, "cart", "1");

    const marked = await decide(svc, fails[0]!, { action: "mark_wrong", feedback: "false_fail", reason: "the payment provider was down, not us" });
    expect(marked.status, await marked.clone().text()).toBe(201);
    expect(await marked.json()).toMatchObject({ decision: { action: "mark_wrong", feedback: "false_fail" }, verdict: { status: "fail", final: true, engine_status: "fail", decision: null } });
    expect(await svc.container.decisions.current(fails[0]!)).toBeNull();
    expect((await decide(svc, fails[0]!, { action: "mark_wrong", feedback: "false_fail", reason: "twice" })).status).toBe(409);
    expect((await decide(svc, passes[1]!, { action: "mark_wrong", feedback: "missed_regression", reason: "checkout broke an hour later" })).status).toBe(201);
    expect((await decide(svc, passes[2]!, { action: "mark_wrong", feedback: "false_fail", reason: "not a fail" })).status).toBe(409);

    const listed = (await (await svc.request("GET", `/api/v1/releases/${fails[0]}/decisions`)).json()) as { decisions: unknown[] };
    expect(listed.decisions).toEqual([expect.objectContaining({ action: "mark_wrong", feedback: "false_fail", reason: "the payment provider was down, not us" })]);

    const res = await svc.request("GET", "/api/v1/services/pay/verdict-quality?environment=production");
    expect(res.status).toBe(200);
    const report = (await res.json()) as { rules: unknown[]; marks: { release_id: string; feedback: string; engine_status: string }[] };
    expect(report.rules).toEqual([{
      rule: "default", verdicts: { pass: 4, warn: 1, fail: 3, hold: 0, total: 8 },
      false_fails: 1, missed_regressions: 1, false_fail_rate: 1 / 3, miss_rate: 1 / 5,
    }]);
    expect(report.marks.map((m) => [m.release_id, m.feedback, m.engine_status])).toEqual([[passes[1], "missed_regression", "pass"], [fails[0], "false_fail", "fail"]]);
    const empty = (await (await svc.request("GET", "/api/v1/services/nobody/verdict-quality")).json()) as { rules: unknown[] };
    expect(empty.rules).toEqual([]);
    expect((await svc.request("GET", "/api/v1/services/pay/verdict-quality?environment=")).status).toBe(422);
  });
});
