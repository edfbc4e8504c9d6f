import { scoreChecks, type VerdictStatus } from "../score.ts";
import type { CheckStatus, NoDataPolicy } from "../signal-result.ts";
import type { SequentialStatus } from "./sequential-types.ts";

/** Where one signal stands after the looks so far, with what the score needs to know about it. */
export interface SignalStanding {
  status: SequentialStatus;
  /** Minutes of candidate data the signal's status rests on. */
  minutesUsed: number;
  maxMinutes: number;
  nextLookMinutes: number | null;
  critical: boolean;
  weight: number;
  noData: NoDataPolicy;
}

export interface ReleaseStanding {
  /** `analyzing` while any signal can still decide; `hold` only once every undecided signal reached its maximum. */
  status: VerdictStatus | "analyzing";
  score: number | null;
  final: boolean;
  /** Minutes of candidate data the verdict rests on: where the decision was made. */
  decidedAtMinutes: number;
  /** While analyzing: the next look, and the latest minute by which every signal will have decided. */
  nextLookMinutes: number | null;
  decideByMinutes: number | null;
}

const AS_CHECK: Record<Exclude<SequentialStatus, "continue">, CheckStatus> = {
  fail: "fail", warn: "warn", pass: "pass", hold: "nodata", nodata: "nodata",
};

/**
 * The release verdict from its signals' sequential standings. A critical signal that fails ends the release at once (the
 * boundaries already spent its error budget across looks, so no hysteresis is needed); otherwise the release waits while
 * any signal can still decide, and is scored as Kayenta scores (src/analysis/score.ts) once none can. A signal undecided
 * at its maximum counts as "no data" under a hold policy, so a hold is only ever given at the maximum.
 */
export function combineSequential(signals: readonly SignalStanding[], thresholds: { pass: number; warn: number }): ReleaseStanding {
  const criticalFail = signals.filter((s) => s.critical && s.status === "fail");
  if (criticalFail.length > 0) {
    const at = Math.min(...criticalFail.map((s) => s.minutesUsed));
    return { status: "fail", score: 0, final: true, decidedAtMinutes: at, nextLookMinutes: null, decideByMinutes: null };
  }
  const open = signals.filter((s) => s.status === "continue");
  if (open.length > 0) {
    const next = open.map((s) => s.nextLookMinutes).filter((m): m is number => m !== null);
    return {
      status: "analyzing",
      score: null,
      final: false,
      decidedAtMinutes: Math.max(0, ...signals.map((s) => s.minutesUsed)),
      nextLookMinutes: next.length > 0 ? Math.min(...next) : null,
      decideByMinutes: Math.max(...open.map((s) => s.maxMinutes)),
    };
  }
  const scored = scoreChecks(
    signals.map((s) => ({
      status: AS_CHECK[s.status as Exclude<SequentialStatus, "continue">],
      weight: s.weight,
      critical: s.critical,
      noData: s.status === "hold" ? "hold" : s.noData,
    })),
    thresholds,
  );
  return {
    status: scored.status,
    // A hold has no score: the signals still open would decide it, and a number beside "a person must decide" misleads.
    score: scored.status === "hold" ? null : scored.score,
    final: true,
    decidedAtMinutes: Math.max(0, ...signals.map((s) => s.minutesUsed)),
    nextLookMinutes: null,
    decideByMinutes: null,
  };
}
