import { and, asc, gte, isNotNull } from "drizzle-orm";
import { loadConfig } from "../config.ts";
import { formatProblems, loadRuleFile } from "../rules/rule-loader.ts";
import { ruleMatches } from "../rules/rule-set.ts";
import { createSources } from "../sources/registry.ts";
import { unconfiguredSignals } from "../sources/unconfigured-sources.ts";
import { releases } from "../store/schema/index.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import { readsOutsideSources } from "../verdicts/external-reads.ts";
import { BacktestReplay } from "./backtest-replay.ts";
import { command, parseCommandLine, usageError } from "./cli-parser.ts";
import { parseDuration } from "./duration.ts";

/**
 * `deploy-guard backtest`: replays one rule over the releases already stored and prints how it would have voted,
 * beside how each release was judged, so a team can tune a rule before letting it block. Nothing is written.
 * A sequential rule is judged as the service judges it, over the minutes stored up to its longest window.
 */
export async function backtestCommand(args: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const cmd = command("backtest", "Replay one rule file over the releases already stored and print how it would have voted beside the verdict each got. Writes nothing.")
    .usage("--rules FILE [--since 30d|ISO-DATE] [--service S] [--db PATH]")
    .option("--rules <file>", "the rule file to replay (required)")
    .option("--since <when>", "a duration back from now (30d) or a date", "30d")
    .option("--service <name>", "only this service's releases")
    .option("--db <path>", "the SQLite file (default DEPLOY_GUARD_DB)");
  const parsed = parseCommandLine(cmd, args, { out, err });
  if (typeof parsed === "number") return parsed;
  const values = parsed.opts as { rules?: string; since: string; service?: string; db?: string };
  if (!values.rules) return usageError(cmd, { out, err }, "--rules is required.");
  const loaded = loadRuleFile(values.rules);
  if (!loaded.ok) {
    err.write(`${formatProblems(loaded.problems)}\n`);
    return 1;
  }
  const rule = loaded.rules[0]!;
  const now = Date.now();
  const since = parseDuration(values.since) !== undefined ? now - parseDuration(values.since)! : Date.parse(values.since);
  if (Number.isNaN(since)) {
    return usageError(cmd, { out, err }, `--since '${values.since}' is neither a duration (30d) nor a date.`);
  }
  // The configuration is read only when needed, so a backtest of pushed telemetry runs with nothing but --db.
  const config = values.db === undefined || readsOutsideSources(rule) ? loadConfig() : undefined;
  const store = SqliteStore.open(values.db ?? config!.dbPath);
  try {
    const sources = config && createSources(config, store);
    for (const warning of config ? unconfiguredSignals([rule], config) : []) err.write(`warning: ${warning}\n`);
    const replay = new BacktestReplay(store, rule, now, config && sources ? { config, sources } : undefined);
    const rows = await store.db.select().from(releases).where(and(isNotNull(releases.deployFinishedAt), gte(releases.deployStartedAt, since))).orderBy(asc(releases.deployStartedAt));
    const changed = new Map<string, number>();
    let judged = 0;
    // Operators' "this verdict was wrong" marks (decision mark_wrong): the rows a rule change should fix.
    const marks = new Map((await store.statement<{ id: string; feedback: "false_fail" | "missed_regression"; actor: string }>(
      "SELECT release_id AS id, feedback, actor FROM release_decisions WHERE action = 'mark_wrong' ORDER BY id").all()).map((m) => [m.id, m]));
    const fixed = { false_fail: [0, 0], missed_regression: [0, 0] };
    out.write(`Backtest of rule '${rule.name}' (${loaded.file}) over releases since ${new Date(since).toISOString().slice(0, 16)}Z\n\n`);
    out.write(`${"release".padEnd(26)} ${"service".padEnd(16)} ${"version".padEnd(12)} ${"deployed (UTC)".padEnd(17)} ${"was".padEnd(9)} ${"would be".padEnd(9)} score  why\n`);
    for (const r of rows) {
      if ((values.service && r.service !== values.service) || !ruleMatches(rule, r.service, r.environment)) continue;
      const v = await replay.judge(r);
      if (!v) continue;
      judged++;
      // An observe-mode rule never blocks: its column shows the engine's answer, marked, as "would have" alerts do.
      const wouldBe = rule.mode === "observe" ? `${v.status} (observe)` : v.status;
      if (v.status !== r.status) changed.set(`${r.status}→${v.status}`, (changed.get(`${r.status}→${v.status}`) ?? 0) + 1);
      const mark = marks.get(r.id);
      if (mark) {
        const tally = fixed[mark.feedback];
        tally[0]!++;
        if (mark.feedback === "false_fail" ? v.status !== "fail" : v.status === "fail") tally[1]!++;
      }
      const marked = mark ? `[marked ${mark.feedback.replace("_", " ")} by ${mark.actor}] ` : "";
      out.write(`${r.id.padEnd(26)} ${r.service.slice(0, 16).padEnd(16)} ${r.version.slice(0, 12).padEnd(12)} ${new Date(r.deployStartedAt!).toISOString().slice(0, 16).replace("T", " ").padEnd(17)} ${r.status.padEnd(9)} ${wouldBe.padEnd(9)} ${String(v.score ?? "–").padStart(5)}  ${marked}${v.why}\n`);
    }
    const flips = [...changed].map(([k, n]) => `${k} ${n}`).join(", ");
    out.write(`\n${judged} release(s) replayed; ${[...changed.values()].reduce((a, b) => a + b, 0)} would change${flips ? ` (${flips})` : ""}.\n`);
    const [ff, ffFixed] = fixed.false_fail, [mr, mrFixed] = fixed.missed_regression;
    if (ff! + mr! > 0) out.write(`Marked wrong by operators: ${ff} false fail(s), ${ffFixed} no longer failed by this rule; ${mr} missed regression(s), ${mrFixed} failed by it.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
