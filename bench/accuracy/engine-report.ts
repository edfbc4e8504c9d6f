/** Numbers behind the engine's misses: dispersion generated, causes of false fails and misses, per base error-rate band. */
import { BANDS, merge, emptyTally, type Tally } from "./cell-tally.ts";
import { fixed, markdownTable, median, pct, quantile } from "./report-format.ts";
import { isLargeEffect, isUnchanged, TRAFFIC_LEVELS, type Cell } from "./scenario-cells.ts";

interface Row {
  cell: Cell;
  tally: Tally;
}

const reasons = (t: Tally) => [...t.engineNotes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${pct(v, t.n)}%`).join("; ");

function pooled(rows: Row[]): Tally {
  return rows.reduce((acc, r) => merge(acc, r.tally), emptyTally());
}

function dispersion(unchanged: Row[]): string {
  return markdownTable(["rpm", "φ median", "φ p10–p90", "φ p99"], TRAFFIC_LEVELS.map((rpm) => {
    const phi = pooled(unchanged.filter((r) => r.cell.rpm === rpm)).phi;
    return [String(rpm), fixed(median(phi)), `${fixed(quantile(phi, 0.1))}–${fixed(quantile(phi, 0.9))}`, fixed(quantile(phi, 0.99))];
  }));
}

const meanSquare = (xs: readonly number[]) => (xs.length === 0 ? undefined : xs.reduce((s, x) => s + x * x, 0) / xs.length);

function falseFails(unchanged: Row[]): string {
  const header = ["rpm", "false fail %", "by cause", "error-rate false fails: median ratio seen", "their baseline φ (median)", "all baselines φ (median)",
    "window-to-window dispersion (n)"];
  return markdownTable(header, TRAFFIC_LEVELS.map((rpm) => {
    const t = pooled(unchanged.filter((r) => r.cell.rpm === rpm));
    const ff = t.errorFalseFail;
    return [String(rpm), pct(t.judges.engine.fail, t.n), reasons(t), fixed(median(ff.map((f) => f.ratio))), fixed(median(ff.map((f) => f.phi))), fixed(median(t.phi)),
      `${fixed(meanSquare(t.windowZ))} (${t.windowZ.length})`];
  }));
}

function byBand(rows: Row[], title: string): string {
  return markdownTable([title, ...BANDS.map((b) => b.label)], rows.map(({ cell, tally: t }) => [
    `${cell.effect.label} @ ${cell.rpm}`, ...BANDS.map((_, i) => `${pct(t.bandFails[i]!, t.bandReleases[i]!)} (n ${t.bandReleases[i]})`),
  ]));
}

function causes(rows: Row[]): string {
  return markdownTable(["release @ rpm", "fail %", "HL shift ÷ baseline median (p10 / median / p90)", "why the engine decided as it did (share of releases)"],
    rows.map(({ cell, tally: t }) => [
      `${cell.effect.label} @ ${cell.rpm}`, pct(t.judges.engine.fail, t.n),
      cell.effect.latency.kind === "none" ? "–" : `${fixed(quantile(t.latencyShift, 0.1), 3)} / ${fixed(median(t.latencyShift), 3)} / ${fixed(quantile(t.latencyShift, 0.9), 3)}`,
      reasons(t),
    ]));
}

export function engineReport(rows: Row[]): string {
  const normal = rows.filter((r) => r.cell.traffic === "normal");
  const unchanged = normal.filter((r) => isUnchanged(r.cell.effect));
  const errorCells = normal.filter((r) => r.cell.effect.errorFactor > 1);
  const large = normal.filter((r) => isLargeEffect(r.cell.effect) && r.cell.effect.latency.kind !== "none");
  return [
    "Dispersion φ the generator produced (Pearson χ²/(k−1) of the 60 baseline minutes' error counts, unchanged releases):",
    dispersion(unchanged),
    "False fails of the engine on unchanged releases. Window-to-window dispersion: mean of z² over unchanged releases with ≥ 10 errors on each side, z = log(after ÷ before error rate) ÷ its Poisson standard error — 1 if the rate only had Poisson noise; it is what a rate test over whole windows must allow for, while φ sees only minute-to-minute noise:",
    falseFails(unchanged),
    "Engine fail % by the release's base error rate (the rule's absolute floor is +0.5 percentage points):",
    byBand([...unchanged, ...errorCells], "release @ rpm"),
    "Why the engine passed, warned or failed, error-rate releases:",
    causes(errorCells),
    "Why the engine passed, warned or failed, latency releases of +25 % and +50 % (floor: shift ≥ 20 % of the median and ≥ 10 ms):",
    causes(large),
  ].join("\n\n");
}
