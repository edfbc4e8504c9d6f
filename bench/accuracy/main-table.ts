/** The main table: one row per cell (effect × traffic), one group of columns per judge. */
import { JUDGES, type JudgeName, type Tally } from "./cell-tally.ts";
import { fixed, markdownTable, median, pct, signedPct, times } from "./report-format.ts";
import type { Cell } from "./scenario-cells.ts";

export const JUDGE_TITLES: Record<JudgeName, string> = { engine: "deploy-guard", static: "static", kayenta: "Kayenta-style" };

export function judgeColumns(t: Tally, j: JudgeName): string[] {
  const s = t.judges[j];
  const ttd = median(s.failedAt);
  return [pct(s.fail, t.n), pct(s.pass + s.warn, t.n), pct(s.hold, t.n), ttd === undefined ? "–" : ttd.toFixed(0)];
}

export function mainTable(rows: { cell: Cell; tally: Tally }[]): string {
  const header = ["release", "rpm", "n", "errors seen", "p95 seen", "φ", "warn % (DG)"];
  for (const j of JUDGES) header.push(`${JUDGE_TITLES[j]} fail %`, "pass %", "hold %", "TTD min");
  return markdownTable(header, rows.map(({ cell, tally: t }) => [
    cell.effect.label, String(cell.rpm), String(t.n), times(median(t.errorRatio)), signedPct(median(t.p95Ratio)),
    fixed(median(t.phi)), pct(t.judges.engine.warn, t.n), ...JUDGES.flatMap((j) => judgeColumns(t, j)),
  ]));
}
