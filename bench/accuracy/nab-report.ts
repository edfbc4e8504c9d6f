/** The NAB block: per NAB folder and driven signal, fail % for each placement of the deploy and each judge. */
import { JUDGES, merge, emptyTally, type JudgeName, type Tally } from "./cell-tally.ts";

const JUDGE_TITLES: Record<JudgeName, string> = { engine: "deploy-guard", static: "static", kayenta: "Kayenta-style" };
import { NAB_MODES, PLACEMENTS, type NabCell } from "./nab-cases.ts";
import { markdownTable, pct } from "./report-format.ts";

export function nabTable(rows: { cell: NabCell; tally: Tally }[]): string {
  const groups = [...new Set(rows.map((r) => r.cell.group))];
  const header = ["NAB folder", "series drives", ...PLACEMENTS.flatMap((p) => [`${p}: n`, `fail % (${JUDGES.map((j) => JUDGE_TITLES[j]).join(" / ")})`]), "quiet: hold % (deploy-guard)"];
  const body: string[][] = [];
  for (const group of [...groups, "all"]) {
    for (const mode of NAB_MODES) {
      const cells = PLACEMENTS.map((placement) => rows
        .filter((r) => (group === "all" || r.cell.group === group) && r.cell.mode === mode && r.cell.placement === placement)
        .reduce((acc, r) => merge(acc, r.tally), emptyTally()));
      const quiet = cells[PLACEMENTS.indexOf("quiet")]!;
      body.push([group, mode, ...cells.flatMap((t) => [String(t.n), JUDGES.map((j) => pct(t.judges[j].fail, t.n)).join(" / ")]),
        pct(quiet.judges.engine.hold, quiet.n)]);
    }
  }
  return markdownTable(header, body);
}
