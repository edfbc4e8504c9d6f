/**
 * The issue's targets table (issue 11, "Benchmark"; review §4.2): per traffic level, each target with the engine's figure
 * and PASS/FAIL. A fail target above the perfect-counterfactual ceiling says it cannot be met instead of failing; so does
 * a canary's target above the concurrent ceiling (the best test on both groups' counts over the same minutes), and a
 * before/after target within a time limit above the before/after ceiling (the best test that does not see the wander
 * inside the window, which no design that updated every host can).
 */
import { CEILING_AT, type Tally } from "./cell-tally.ts";
import { ceilingPct, type Row } from "./main-table.ts";
import { markdownTable, median, pct, wilsonInterval } from "./report-format.ts";
import { TRAFFIC_LEVELS, type Cell } from "./scenario-cells.ts";

type Level = (typeof TRAFFIC_LEVELS)[number];

interface Target {
  what: string;
  /** Which cell: an effect label and a design (undefined: before/after; else hosts updated and shared wander). */
  effect: string;
  canary?: { hosts: number; sharedWander: number };
  measure: (t: Tally) => number | undefined;
  op: "≤" | "≥";
  bound: number;
  unit: "%" | "min";
  /** More to print after the figure. */
  aside?: (t: Tally) => string;
  /** For fail targets: the entry of CEILING_AT the target is judged at. */
  ceilingAt?: (typeof CEILING_AT)[number];
}

const share = (k: number, t: Tally) => (t.n === 0 ? undefined : (100 * k) / t.n);
const failWithin = (minutes: number) => (t: Tally) => share(t.judges.engine.failedAt.filter((m) => m <= minutes).length, t);
const fail = (t: Tally) => share(t.judges.engine.fail, t);
const miss = (t: Tally) => share(t.judges.engine.pass + t.judges.engine.warn, t);
const hold = (t: Tally) => share(t.judges.engine.hold, t);
/**
 * Over the releases decided pass, warn or fail, as the review measured the figure behind the target (its tables.md:
 * "median (p90) minutes to a decision, decided releases"); a hold has its own target. `aside` prints the median with
 * the holds counted at their maximum window beside it.
 */
const medianDecision = (t: Tally) => median(t.judges.engine.concludedAt);
const withHolds = (t: Tally) => `; ${median(t.judges.engine.decidedAt)?.toFixed(0) ?? "–"} counting holds at the maximum`;

/** Issue 11's table, row by row: [unchanged], [errors ×2], [errors ×5], [p95 +25 %]. */
function targetsAt(rpm: Level): Target[][] {
  const row = { 20: [45, 90, 45, 50, 99, 80, 45], 100: [5, 30, 80, 15, 100, 95, 90], 300: [2, 15, 90, 5, 100, 95, 90], 1000: [1, 10, 90, 5, 100, 95, 90] }[rpm];
  const [holdMax, minutesMax, failX2, holdX2, failX5, failAll, failTail] = row as [number, number, number, number, number, number, number];
  const canary = { hosts: 2, sharedWander: 1 };
  return [
    [
      { what: "false fail", effect: "unchanged", measure: fail, op: "≤", bound: 1, unit: "%" },
      { what: "hold", effect: "unchanged", measure: hold, op: "≤", bound: holdMax, unit: "%" },
      { what: "median decision (decided releases)", effect: "unchanged", measure: medianDecision, op: "≤", bound: minutesMax, unit: "min", aside: withHolds },
    ],
    [
      { what: "fail", effect: "errors ×2", measure: fail, op: "≥", bound: failX2, unit: "%", ceilingAt: "max" },
      { what: "miss", effect: "errors ×2", measure: miss, op: "≤", bound: 5, unit: "%" },
      { what: "hold", effect: "errors ×2", measure: hold, op: "≤", bound: holdX2, unit: "%" },
      ...(rpm === 1000
        ? [{ what: "fail ≤ 15 min, 50 % canary", effect: "errors ×2", canary, measure: failWithin(15), op: "≥", bound: 95, unit: "%", ceilingAt: 15 } as Target]
        : []),
    ],
    rpm === 1000
      ? [
        { what: "fail ≤ 10 min", effect: "errors ×5", measure: failWithin(10), op: "≥", bound: failX5, unit: "%", ceilingAt: 10 },
        { what: "fail ≤ 5 min, 50 % canary", effect: "errors ×5", canary, measure: failWithin(5), op: "≥", bound: failX5, unit: "%", ceilingAt: 5 },
      ]
      : [{ what: "fail ≤ 10 min", effect: "errors ×5", measure: failWithin(10), op: "≥", bound: failX5, unit: "%", ceilingAt: 10 }],
    [
      { what: "all slower: fail", effect: "p95 +25% (all slower)", measure: fail, op: "≥", bound: failAll, unit: "%", ceilingAt: "max" },
      { what: "tail only: fail", effect: "p95 +25% (tail only)", measure: fail, op: "≥", bound: failTail, unit: "%", ceilingAt: "max" },
    ],
  ];
}

function matches(cell: Cell, rpm: number, t: Target): boolean {
  if (cell.rpm !== rpm || cell.traffic !== "normal" || cell.effect.label !== t.effect) return false;
  if (!t.canary) return cell.canary === undefined;
  return cell.canary !== undefined && !cell.canary.ephemeral && cell.canary.hosts === t.canary.hosts && cell.canary.sharedWander === t.canary.sharedWander;
}

export interface TargetCount {
  met: number;
  missed: number;
  /** Missed, but with the bound inside the figure's 95 % interval: more releases could tip it either way. */
  missedWithinNoise: number;
  impossible: number;
  notRun: number;
}

function judge(rows: Row[], rpm: number, t: Target, counts: TargetCount): string {
  const row = rows.find((r) => matches(r.cell, rpm, t));
  const goal = `${t.op} ${t.bound}${t.unit === "%" ? " %" : " min"}`;
  if (!row || row.tally.judges.engine.decidedAt.length === 0) {
    counts.notRun++;
    return `${t.what} – (${goal})`;
  }
  const value = t.measure(row.tally);
  const at = t.ceilingAt === undefined ? -1 : CEILING_AT.indexOf(t.ceilingAt);
  const ceiling = at < 0 ? undefined : ceilingPct(row.tally, at);
  const concurrent = at < 0 || !t.canary ? undefined : ceilingPct(row.tally, at, "concurrent");
  const beforeAfter = at < 0 || t.canary ? undefined : ceilingPct(row.tally, at, "beforeAfter");
  // Two decimals: the before/after ceiling of a gross rise sits a few hundredths below 100 %.
  const shown = `${ceiling?.toFixed(1)} %${concurrent === undefined ? "" : `, concurrent ${concurrent.toFixed(1)} %`}`
    + `${beforeAfter === undefined ? "" : `, before/after ${beforeAfter.toFixed(2)} %`}`;
  const interval = value === undefined || t.unit !== "%" ? undefined : wilsonInterval(value / 100, row.tally.n);
  const text = `${t.what} ${value === undefined ? "–" : value.toFixed(t.unit === "%" ? 1 : 0)}${t.aside?.(row.tally) ?? ""}`
    + `${interval === undefined ? "" : ` [${(100 * interval.low).toFixed(1)}–${(100 * interval.high).toFixed(1)}]`} (${goal})`;
  // Below the target at the precision each ceiling is printed with.
  const beyond = (c: number | undefined, decimals: number) => c !== undefined && c < t.bound - 0.5 * 10 ** -decimals;
  if (t.op === "≥" && (beyond(ceiling, 1) || beyond(concurrent, 1) || beyond(beforeAfter, 2))) {
    counts.impossible++;
    return `${text} cannot be met: ceiling ${shown}`;
  }
  const ok = value !== undefined && (t.op === "≤" ? value <= t.bound : value >= t.bound - 1e-9);
  counts[ok ? "met" : "missed"]++;
  if (!ok && interval !== undefined && t.bound / 100 >= interval.low && t.bound / 100 <= interval.high) counts.missedWithinNoise++;
  return `${text} ${ok ? "PASS" : "**FAIL**"}${ceiling === undefined ? "" : ` [ceiling ${shown}]`}`;
}

export function targetSummary(rows: Row[]): { table: string; counts: TargetCount } {
  const counts: TargetCount = { met: 0, missed: 0, missedWithinNoise: 0, impossible: 0, notRun: 0 };
  const header = ["traffic", "unchanged: false fail / hold / median decision", "errors ×2: fail / miss / hold", "errors ×5", "p95 +25 %: all slower / tail only"];
  const table = markdownTable(header, TRAFFIC_LEVELS.map((rpm) => [
    `${rpm} rpm`, ...targetsAt(rpm).map((group) => group.map((t) => judge(rows, rpm, t, counts)).join(" · ")),
  ]));
  const silent = rows.filter((r) => r.cell.traffic !== "normal");
  const passedSilent = silent.reduce((s, r) => s + r.tally.judges.engine.pass + r.tally.judges.engine.warn, 0);
  const judgedSilent = silent.reduce((s, r) => s + r.tally.judges.engine.decidedAt.length, 0);
  const never = `Never pass a window without data: ${passedSilent} passes of ${judgedSilent} releases with no traffic after the deploy or at all — ${passedSilent === 0 && judgedSilent > 0 ? "PASS" : judgedSilent === 0 ? "not run" : "**FAIL**"}.`;
  const summary = `Targets met ${counts.met}, missed ${counts.missed} (${counts.missedWithinNoise} of them with the target inside the figure's 95 % interval), `
    + `beyond their ceiling ${counts.impossible}, not run ${counts.notRun}. In brackets: the Wilson 95 % interval of each share over the cell's releases. `
    + `Ceilings: the power of an exact one-sided Poisson test (α ${pct(1, 100)} %) with the counterfactual rate known, at the window the target names; `
    + "for a canary also the concurrent ceiling: the randomized conditional binomial test (UMP unbiased; Lehmann & Romano §4.5) on both groups' "
    + "counts over those minutes at the same α, the groups' usual ratio known, no wander between them; for a before/after release "
    + "(every host updated) at a time limit also the before/after ceiling: the most powerful test at the same α for an oracle that knows the "
    + "traffic model, every minute before the deploy, the wander's states at the deploy minute, its shape over the window and every burst, "
    + "and is denied only the window's own level of the wander (its GLS level, log variance 0.0185 over 10 minutes; before-after-ceiling.ts).";
  return { table: `${table}\n\n${never}\n\n${summary}`, counts };
}
