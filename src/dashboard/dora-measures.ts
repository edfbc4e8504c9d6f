const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

/** What the DORA measures need to know of one release: when it went out, how it ended, when it was caught and undone. */
export interface ReleaseOutcome {
  service: string;
  environment: string;
  /** When its deploy started (or the release was first seen). */
  deployedAt: number;
  /** The status the gate answers: the engine's, or a person's approve / hold / rollback in force. */
  status: "pending" | "analyzing" | "pass" | "warn" | "fail" | "hold";
  /** When the verdict or a person stopped it; null while undecided. */
  caughtAt: number | null;
  /** When a rollback finished (run by deploy-guard or reported by the deploy tool); null without one. */
  rolledBackAt: number | null;
}

export interface WeekCount {
  /** Start of the 7-day period, ms. */
  start: number;
  good: number;
  failed: number;
  other: number;
}

/** The DORA measures over one set of releases (one service, or all). */
export interface DoraMeasures {
  releases: number;
  /** Releases per week over the whole period. */
  perWeek: number;
  /** Releases with a final answer (pass, warn, fail, hold); the change failure rate's denominator. */
  decided: number;
  failed: number;
  /** failed / decided; null with nothing decided. */
  changeFailureRate: number | null;
  /** Median time from a failed release's deploy to its verdict (or a person stopping it), ms. */
  medianTimeToCatch: number | null;
  /** Median time from a failed release's deploy to its rollback or the next good release, ms. */
  medianTimeToRestore: number | null;
  /** Failed releases not yet rolled back nor followed by a good one. */
  unrestored: number;
  weeks: WeekCount[];
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const isGood = (r: ReleaseOutcome) => r.status === "pass" || r.status === "warn";

/**
 * Deployment frequency, change failure rate and time to restore (DORA, "Accelerate", Forsgren et al. 2018) of the
 * releases deployed in the `weeks` 7-day periods ending at `end`. Restored: the earlier of the failed release's
 * rollback and the deploy of the next good release of the same service and environment.
 */
export function doraMeasures(all: readonly ReleaseOutcome[], end: number, weeks: number): DoraMeasures {
  const start = end - weeks * WEEK;
  const inPeriod = all.filter((r) => r.deployedAt >= start && r.deployedAt < end);
  const counts: WeekCount[] = Array.from({ length: weeks }, (_, i) => ({ start: start + i * WEEK, good: 0, failed: 0, other: 0 }));
  for (const r of inPeriod) {
    const w = counts[Math.floor((r.deployedAt - start) / WEEK)]!;
    if (r.status === "fail") w.failed++;
    else if (isGood(r)) w.good++;
    else w.other++;
  }
  const decided = inPeriod.filter((r) => r.status !== "pending" && r.status !== "analyzing");
  const failed = decided.filter((r) => r.status === "fail");
  const toCatch: number[] = [];
  const toRestore: number[] = [];
  for (const f of failed) {
    if (f.caughtAt !== null) toCatch.push(Math.max(0, f.caughtAt - f.deployedAt));
    const restored = restoredAt(f, all, end);
    if (restored !== null) toRestore.push(Math.max(0, restored - f.deployedAt));
  }
  return {
    releases: inPeriod.length,
    perWeek: inPeriod.length / weeks,
    decided: decided.length,
    failed: failed.length,
    changeFailureRate: decided.length > 0 ? failed.length / decided.length : null,
    medianTimeToCatch: median(toCatch),
    medianTimeToRestore: median(toRestore),
    unrestored: failed.length - toRestore.length,
    weeks: counts,
  };
}

function restoredAt(f: ReleaseOutcome, all: readonly ReleaseOutcome[], end: number): number | null {
  let best = f.rolledBackAt !== null && f.rolledBackAt < end ? f.rolledBackAt : null;
  for (const r of all) {
    if (r.service !== f.service || r.environment !== f.environment || !isGood(r)) continue;
    if (r.deployedAt > f.deployedAt && r.deployedAt < end && (best === null || r.deployedAt < best)) best = r.deployedAt;
  }
  return best;
}
