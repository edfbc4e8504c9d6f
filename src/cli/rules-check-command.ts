import { existsSync } from "node:fs";
import { formatProblems, loadRules } from "../rules/rule-loader.ts";
import { formatObserveRecord, observeRecords } from "../rules/observe-record.ts";
import type { Rule } from "../rules/rule-schema.ts";
import { cliEnv, ConfigError, loadConfig } from "../config.ts";
import { unconfiguredSignals } from "../sources/unconfigured-sources.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import { command, parseCommandLine, processIo } from "./cli-parser.ts";
import { parseDuration } from "./duration.ts";

/**
 * `deploy-guard rules check`: validates the rule files the way the service would load them; with --db, also prints how
 * each observe-mode rule would have voted on the releases it judged, the record to read before promoting it to enforce.
 */
export async function rulesCommand(args: string[]): Promise<number> {
  // `rules import` parses its own options (rules-import-command.ts), loaded only when it runs.
  if (args[0] === "import") return (await import("./rules-import-command.ts")).rulesImportCommand(args.slice(1));
  const root = command("rules", "Rule files.")
    .addHelpText("after", "\nAlso:\n  rules import --from keptn-slo|argo-analysis-template FILE   a Keptn slo.yaml or Argo AnalysisTemplate as a rule (rules import --help)");
  root.command("check").description("Validate the rule files as the service would load them: exit 0 valid, 1 a problem (file and field named).")
    .option("--rules <dir>", "the rules folder (default DEPLOY_GUARD_RULES)")
    .option("--db <path>", "also print each observe-mode rule's record over the releases stored in this SQLite file")
    .option("--since <when>", "with --db: a duration back from now (30d) or a date", "30d");
  const parsed = parseCommandLine(root, args, processIo);
  if (typeof parsed === "number") return parsed;
  const values = parsed.opts as { rules?: string; db?: string; since: string };
  const dir = values.rules ?? cliEnv().rulesDir;
  const result = loadRules(dir);
  if (!result.ok) {
    process.stderr.write(`${formatProblems(result.problems)}\n${result.problems.length} problem(s) in ${dir}\n`);
    return 1;
  }
  for (const r of result.rules) {
    const mode = r.mode === "observe" ? "; observe only" : "";
    process.stdout.write(`ok  ${r.name}  (service ${r.match.service}, environment ${r.match.environment}; ${r.signals.map((s) => s.name).join(", ")}${mode})\n`);
  }
  process.stdout.write(`${result.rules.length} rule(s) valid in ${dir}\n`);
  // Valid, but judged as missing data here: a source the rules read that this environment does not configure.
  try {
    for (const warning of unconfiguredSignals(result.rules, loadConfig())) process.stderr.write(`warning: ${warning}\n`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`warning: sources not checked, the environment's configuration is invalid:\n${err.message}\n`);
  }
  return values.db === undefined ? 0 : printObserveRecords(result.rules, values.db, values.since);
}

async function printObserveRecords(rules: Rule[], path: string, sinceText: string): Promise<number> {
  const observing = rules.filter((r) => r.mode === "observe");
  const span = parseDuration(sinceText);
  const since = span !== undefined ? Date.now() - span : Date.parse(sinceText);
  if (Number.isNaN(since)) {
    process.stderr.write(`--since '${sinceText}' is neither a duration (30d) nor a date.\n`);
    return 3;
  }
  // Opening would create an empty database: a mistyped path must say so instead.
  if (!existsSync(path)) {
    process.stderr.write(`--db ${path}: no such database file.\n`);
    return 1;
  }
  if (observing.length === 0) {
    process.stdout.write("No rule is in observe mode.\n");
    return 0;
  }
  const store = SqliteStore.open(path);
  try {
    const records = new Map((await observeRecords(store, since)).map((r) => [r.rule, r]));
    const from = new Date(since).toISOString().slice(0, 10);
    process.stdout.write(`\nObserve record since ${from} (promote a rule to enforce once it would have failed only bad releases):\n`);
    for (const rule of observing) {
      const record = records.get(rule.name);
      process.stdout.write(`${record ? formatObserveRecord(record) : `observe  ${rule.name}: no release judged since ${from}`}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
