import type { Check } from "../../src/verdicts/verdict.ts";
import type { TestService } from "../support/test-service.ts";

export const START = Date.parse("2026-11-21T12:00:00Z");

/** Two literal checks, as the engine stores them, so the expected messages can be written out in full. */
export const FAILING_CHECKS: Check[] = [
  {
    signal: "latency", kind: "latency", status: "warn", classification: "high", critical: true, weight: 1, no_data_policy: "hold",
    baseline: { value: 80, n: 18000 }, candidate: { value: 92.5, n: 10500 },
    change: { relative: 0.15625, absolute: 12.5, ci_low: 0.12, ci_high: 0.19 }, p_value: 0.0001, q_value: 0.0002, method: "mann-whitney",
    reason: "Requests became slower: typical response time 92.5 ms after the release against 80.0 ms before.", details: {},
  },
  {
    signal: "error_rate", kind: "error_rate", status: "fail", classification: "high", critical: true, weight: 2, no_data_policy: "hold",
    baseline: { value: 0.005, n: 18000 }, candidate: { value: 0.06, n: 10500 },
    change: { relative: 11, absolute: 0.055, ci_low: 9.5, ci_high: 12.8 }, p_value: 1e-12, q_value: 2e-12, method: "poisson-exact",
    reason: "6.0 % of requests failed after the release (630 of 10,500), against 0.5 % before (90 of 18,000): about 12 times as many.", details: {},
  },
  {
    signal: "cpu", kind: "metric", status: "pass", classification: "pass", critical: false, weight: 1, no_data_policy: "hold",
    baseline: { value: 0.4, n: 60 }, candidate: { value: 0.41, n: 30 },
    change: { relative: 0.025, absolute: 0.01, ci_low: -0.01, ci_high: 0.05 }, p_value: 0.5, q_value: 0.5, method: "mann-whitney",
    reason: "cpu was typically 0.410 after the release against 0.400 before: no change that matters.", details: {},
  },
];

export const FAIL_SUMMARY = "pay 3 (production) is not healthy and should be rolled back: 6.0 % of requests failed after the release.";

/** Starts a deploy, which creates the release, and returns its id. */
export async function startRelease(s: TestService, service: string, version: string): Promise<string> {
  const res = await s.request("POST", "/api/v1/deploys", { service, version, phase: "started", timestamp: s.clock.now });
  return ((await res.json()) as { release_id: string }).release_id;
}

/** A deploy the tool reports as failed: a final fail verdict through the real recorder, no traffic needed. */
export async function failedRelease(s: TestService, service: string, version: string): Promise<string> {
  const id = await startRelease(s, service, version);
  await s.request("POST", "/api/v1/deploys", { service, version, phase: "failed", timestamp: s.clock.now, tool: "jenkins" });
  return id;
}

/** Queues an alert as the recorder does, inside a transaction, with the literal checks above. */
export async function queueVerdict(s: TestService, id: string, status: "pass" | "warn" | "fail" | "hold", summary = FAIL_SUMMARY, score: number | null = 12): Promise<void> {
  const release = await s.container.verdicts.get(id);
  const rule = s.container.verdicts.ruleFor(release);
  await s.container.store.write(() => s.container.outbox.enqueue(release, { status, score, summary, checks: FAILING_CHECKS }, rule, s.clock.now));
}
