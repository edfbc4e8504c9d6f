/** Numbers behind the engine's verdicts: by the errors the baseline expects in the window, the designs used, and why. */
import { EXPECTED_BANDS, emptyTally, merge, type Tally } from "./cell-tally.ts";
import type { Row } from "./main-table.ts";
import { markdownTable, pct } from "./report-format.ts";
import { designLabel, TRAFFIC_LEVELS } from "./scenario-cells.ts";

const shares = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${pct(v, n)}%`).join("; ") || "–";

function pooled(rows: Row[]): Tally {
  return rows.reduce((acc, r) => merge(acc, r.tally), emptyTally());
}

/** Cells pooled over rpm and split by expected baseline errors in the maximum window: fail / pass / hold, ceiling. */
function byExpectedErrors(rows: Row[]): string {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.cell.effect.label} | ${designLabel(r.cell)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return markdownTable(["release | design", ...EXPECTED_BANDS.map((b) => `${b.label}: n, fail / pass / hold % (ceiling)`)],
    [...groups].map(([key, rs]) => {
      const t = pooled(rs);
      return [key, ...t.bands.map((b) => {
        if (b.n === 0) return "–";
        const ceiling = Number.isFinite(b.ceiling) ? ` (${pct(b.ceiling, b.n)})` : "";
        return `${b.n}: ${pct(b.fail, b.n)} / ${pct(b.pass, b.n)} / ${pct(b.hold, b.n)}${ceiling}`;
      })];
    }));
}

export function engineReport(rows: Row[]): string {
  const ran = rows.filter((r) => r.tally.judges.engine.decidedAt.length > 0);
  if (ran.length === 0) return "The sequential engine did not run (see above): nothing to break down.";
  const normal = ran.filter((r) => r.cell.traffic === "normal");
  return [
    `Engine verdicts by the errors the baseline expects in the release's maximum error window (the window ends where about 100 are expected, clamped to 30–240 min), all rpm pooled; in brackets the mean perfect-counterfactual ceiling of the releases in the band:`,
    byExpectedErrors(normal),
    "Which design judged the error rate, and which signals decided fails and holds:",
    markdownTable(["release @ rpm", "design (cell)", "error-rate design used", "decided by"], normal.map(({ cell, tally: t }) => [
      `${cell.effect.label} @ ${cell.rpm}`, designLabel(cell), shares(t.designs, t.n), shares(t.engineNotes, t.n),
    ])),
    `Traffic levels: ${TRAFFIC_LEVELS.join(", ")} rpm.`,
  ].join("\n\n");
}
