/** The issue's targets for this engine, each with the measured figure and PASS/FAIL; the other judges for comparison. */
import { JUDGES, type JudgeName, type JudgeTally, type Tally } from "./cell-tally.ts";
import { markdownTable, median, pct, verdict } from "./report-format.ts";
import { isLargeEffect, isUnchanged, TRAFFIC_LEVELS, type Cell } from "./scenario-cells.ts";

interface Row {
  cell: Cell;
  tally: Tally;
}

interface Measured {
  text: string;
  ok: boolean;
}

type Pick = (t: JudgeTally) => number;

function share(rows: Row[], j: JudgeName, pick: Pick) {
  const k = rows.reduce((s, r) => s + pick(r.tally.judges[j]), 0), n = rows.reduce((s, r) => s + r.tally.n, 0);
  return { k, n, rate: n === 0 ? 0 : k / n };
}

function perLevel(rows: Row[], j: JudgeName, pick: Pick, limit: number): Measured {
  const levels = TRAFFIC_LEVELS.map((rpm) => ({ rpm, ...share(rows.filter((r) => r.cell.rpm === rpm), j, pick) }));
  const all = share(rows, j, pick);
  return {
    text: `${levels.map((l) => `${l.rpm}: ${pct(l.k, l.n)}`).join(" · ")} (all ${pct(all.k, all.n)})`,
    ok: levels.every((l) => l.rate <= limit),
  };
}

/** The worst cell and how many cells miss the target. */
function perCell(rows: Row[], j: JudgeName, pick: Pick, higherIsWorse: boolean, ok: (v: number) => boolean): Measured {
  if (rows.length === 0) return { text: "–", ok: true };
  const value = (r: Row) => pick(r.tally.judges[j]) / r.tally.n;
  const w = [...rows].sort((a, b) => (higherIsWorse ? value(b) - value(a) : value(a) - value(b)))[0]!;
  const bad = rows.filter((r) => !ok(value(r))).length;
  return { text: `worst ${(100 * value(w)).toFixed(1)} (${w.cell.effect.label} @ ${w.cell.rpm}); ${bad}/${rows.length} cells off target`, ok: bad === 0 };
}

function holdNote(large: Row[]): string {
  const holds = TRAFFIC_LEVELS.map((rpm) => `${rpm}: ${large.filter((r) => r.cell.rpm === rpm).reduce((s, r) => s + r.tally.judges.engine.hold, 0)}`);
  const asked = large.flatMap((r) => r.tally.holdMinutesNeeded);
  const noTraffic = large.reduce((s, r) => s + r.tally.holdsNoTrafficClaim, 0), silent = large.reduce((s, r) => s + r.tally.holdsWithoutTime, 0);
  const typical = median(asked);
  return `Engine holds on the ≥ 2× / ≥ +25 % releases, by rpm: ${holds.join(" · ")}. Of ${asked.length + noTraffic + silent} holds, ${asked.length} state the minutes they need`
    + `${typical === undefined ? "" : ` (median ${typical.toFixed(0)} more min)`}, ${noTraffic} say "there is no traffic to wait for" although requests kept coming, ${silent} say neither.`
    + " Where traffic cannot tell, a pass instead of a hold counts in the misses row.";
}

export function targetSummary(rows: Row[]): string {
  const normal = rows.filter((r) => r.cell.traffic === "normal");
  const unchanged = normal.filter((r) => isUnchanged(r.cell.effect));
  const large = normal.filter((r) => isLargeEffect(r.cell.effect));
  const largeBusy = large.filter((r) => r.cell.rpm >= 300);
  const silent = rows.filter((r) => r.cell.traffic !== "normal");
  const targets: [string, (j: JudgeName) => Measured][] = [
    ["false fail ≤ 1 % on unchanged releases, % by rpm", (j) => perLevel(unchanged, j, (s) => s.fail, 0.01)],
    ["misses (pass or warn) ≤ 5 % on ≥ 2× errors or ≥ +25 % p95, % per cell", (j) => perCell(large, j, (s) => s.pass + s.warn, true, (v) => v <= 0.05)],
    ["fail ≥ 95 % on those releases at ≥ 300 rpm, % per cell", (j) => perCell(largeBusy, j, (s) => s.fail, false, (v) => v >= 0.95)],
    ["hold on those releases only where traffic cannot tell: no hold at ≥ 300 rpm, % per cell", (j) => perCell(largeBusy, j, (s) => s.hold, true, (v) => v === 0)],
    ["hold ≤ 10 % on unchanged releases, % by rpm", (j) => perLevel(unchanged, j, (s) => s.hold, 0.1)],
    ["never pass a window with no data: passes / releases", (j) => {
      const { k, n } = share(silent, j, (s) => s.pass + s.warn);
      return { text: `${k} / ${n}`, ok: k === 0 };
    }],
  ];
  const table = markdownTable(["target", "deploy-guard", "result", "static", "Kayenta-style"], targets.map(([name, measure]) => {
    const m = Object.fromEntries(JUDGES.map((j) => [j, measure(j)])) as Record<JudgeName, Measured>;
    return [name, m.engine.text, verdict(m.engine.ok), `${m.static.text} ${m.static.ok ? "✓" : "✗"}`, `${m.kayenta.text} ${m.kayenta.ok ? "✓" : "✗"}`];
  }));
  return `${table}\n\n${holdNote(large)}`;
}
