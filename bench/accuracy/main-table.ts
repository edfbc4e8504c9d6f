/** The main table: one row per cell (effect × design × traffic), the ceiling, the engine, and the two comparison judges. */
import type { Tally } from "./cell-tally.ts";
import { fixed, markdownTable, median, pct, quantile, signedPct, times } from "./report-format.ts";
import { designLabel, type Cell } from "./scenario-cells.ts";

export interface Row {
  cell: Cell;
  tally: Tally;
}

/** Mean ceiling power of the cell at entry `at` of CEILING_AT, in %, or "–" for unchanged releases. */
export function ceilingPct(t: Tally, at = 0, sums: "perfect" | "concurrent" | "beforeAfter" = "perfect"): number | undefined {
  const v = { perfect: t.ceilingSum, concurrent: t.concurrentCeilingSum, beforeAfter: t.beforeAfterCeilingSum }[sums][at]! / t.n;
  return Number.isFinite(v) ? 100 * v : undefined;
}

const minutes = (xs: readonly number[]) => {
  const m = median(xs), p = quantile(xs, 0.9);
  return m === undefined ? "–" : `${m.toFixed(0)} (${p!.toFixed(0)})`;
};

export function mainTable(rows: Row[]): string {
  const header = ["release", "design", "rpm", "n", "errors seen", "p95 seen", "ceiling fail %",
    "deploy-guard fail %", "pass+warn %", "hold %", "min to a decision, decided releases: median (p90)", "with holds: median (p90)", "max window (median)",
    "static fail %", "pass %", "TTD", "Kayenta-style fail %", "pass %", "TTD"];
  return markdownTable(header, rows.map(({ cell, tally: t }) => {
    const e = t.judges.engine, s = t.judges.static, k = t.judges.kayenta;
    const ran = e.decidedAt.length > 0;
    const ceiling = ceilingPct(t);
    return [
      cell.effect.label, designLabel(cell), String(cell.rpm), String(t.n), times(median(t.errorRatio)), signedPct(median(t.p95Ratio)),
      ceiling === undefined ? "–" : ceiling.toFixed(1),
      ran ? pct(e.fail, t.n) : "–", ran ? pct(e.pass + e.warn, t.n) : "–", ran ? pct(e.hold, t.n) : "–", minutes(e.concludedAt), minutes(e.decidedAt), fixed(median(e.maxWindow), 0),
      pct(s.fail, t.n), pct(s.pass + s.warn, t.n), fixed(median(s.failedAt), 0),
      pct(k.fail, t.n), pct(k.pass + k.warn, t.n), fixed(median(k.failedAt), 0),
    ];
  }));
}
