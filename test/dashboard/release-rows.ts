import { releases, rollbacks, type ReleaseStatus } from "../../src/store/schema/index.ts";
import type { Check, Verdict } from "../../src/verdicts/verdict.ts";
import type { TestService } from "../support/test-service.ts";

const MIN = 60_000;
let seq = 0;

/** A check as the sequential engine stores it; `worse` gives the error rate's numbers a rise from 0.5 % to 4 %. */
export function check(kind: "error_rate" | "latency", over: Partial<Check> & { seq?: NonNullable<Check["sequential"]>["status"] } = {}): Check {
  const { seq: status = "pass", ...rest } = over;
  const errors = kind === "error_rate";
  return {
    signal: kind, kind, status: status === "continue" || status === "hold" ? "nodata" : status, classification: "pass", critical: true, weight: 1, no_data_policy: "hold",
    baseline: { value: errors ? 0.005 : 81.2, n: 18_000 }, candidate: { value: errors ? 0.005 : 81.2, n: 3_000 },
    change: { relative: 0, absolute: 0, ci_low: -0.1, ci_high: 0.1 }, p_value: 0.5, q_value: null, method: "group-sequential log rate ratio",
    reason: "Engine sentence in English that must never reach a Chinese page.", details: { z: 0.1 },
    sequential: { status, design: "before_deploy", design_reason: "", low_assurance: false, minutes_used: 15, max_minutes: 120, interval_level: 0.95, history_frequency: null },
    ...rest,
  };
}

/** The error-rate check of a release whose errors rose from 0.5 % to 4 %: its interim interval lies wholly above 0. */
export const risingErrors = (status: NonNullable<Check["sequential"]>["status"]) =>
  check("error_rate", { seq: status, candidate: { value: 0.04, n: 3_000 }, change: { relative: 7, absolute: 0.035, ci_low: 2.1, ci_high: 14 } });

export interface RowSpec {
  status: ReleaseStatus;
  deployedAt: number;
  service?: string;
  version?: string;
  checks?: Check[];
  decideBy?: number;
  rolledBack?: boolean;
}

/** Stores a release as the engine would have left it, with its verdict, straight through the store. */
export async function storeRelease(s: TestService, spec: RowSpec): Promise<string> {
  const id = `rel_fixture_${++seq}`;
  const checks = spec.checks ?? [check("error_rate"), check("latency")];
  const verdict: Verdict = {
    status: spec.status === "pending" ? "analyzing" : spec.status, score: null, summary: "The engine's English summary, for engineers only.", checks, rule: "default",
    final: spec.status !== "analyzing" && spec.status !== "pending",
    windows: { baseline: { start: null, end: null, label: "the hour before the deploy" }, analysis: { start: new Date(spec.deployedAt).toISOString(), end: new Date(spec.deployedAt + 15 * MIN).toISOString() } },
    evaluated_at: new Date(spec.deployedAt + 15 * MIN).toISOString(),
    ...(spec.decideBy ? { decide_by: new Date(spec.decideBy).toISOString() } : {}),
  };
  await s.container.store.db.insert(releases).values({
    id, service: spec.service ?? "checkout", environment: "production", version: spec.version ?? `1.${seq}`, status: spec.status, ruleName: "default",
    deployStartedAt: spec.deployedAt - MIN, deployFinishedAt: spec.deployedAt, analysisStart: spec.deployedAt, analysisEnd: spec.deployedAt + 120 * MIN,
    summary: verdict.summary, verdict: spec.status === "pending" ? null : verdict, decidedAt: verdict.final ? spec.deployedAt + 15 * MIN : null,
    createdAt: spec.deployedAt - MIN, updatedAt: spec.deployedAt,
  });
  if (spec.rolledBack) {
    await s.container.store.db.insert(rollbacks).values({
      releaseId: id, ruleName: "default", action: {}, payload: {}, status: "succeeded", attempts: 1, nextAttemptAt: spec.deployedAt, createdAt: spec.deployedAt, finishedAt: spec.deployedAt + MIN,
    });
  }
  return id;
}
