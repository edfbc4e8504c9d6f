import { watch, type FSWatcher } from "node:fs";
import type { Logger } from "pino";
import { formatProblems, loadRules, type LoadResult, type RuleProblem } from "./rule-loader.ts";
import { DEFAULT_RULE } from "./default-rule.ts";
import type { Rule } from "./rule-schema.ts";

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`);
}

/** Whether a rule's match covers this service and environment. */
export function ruleMatches(rule: Rule, service: string, environment: string): boolean {
  return globToRegExp(rule.match.service).test(service) && globToRegExp(rule.match.environment).test(environment);
}

/** How specific a match is: exact names beat partial globs, which beat "*". */
function specificity(glob: string): number {
  if (glob === "*") return 0;
  return glob.includes("*") ? 1 : 2;
}

/** The last reload: refused ones stay visible in /readyz, the API and the dashboard until a reload succeeds. */
export type ReloadState =
  | { status: "ok"; at: number | null }
  | { status: "refused"; at: number; files: string[]; error: string; problems: RuleProblem[] };

/** The rules in force; swapped whole on a valid reload, kept as they were on an invalid one. */
export class RuleSet {
  private rules: Rule[] = [];
  private lastReload: ReloadState = { status: "ok", at: null };
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    /** Checks that need the configuration, e.g. that a secret a rule relies on is set. */
    private readonly check: (rules: readonly Rule[]) => RuleProblem[] = () => [],
    private readonly now: () => number = Date.now,
  ) {}

  private read(): LoadResult {
    const result = loadRules(this.dir);
    if (!result.ok) return result;
    const problems = this.check(result.rules);
    return problems.length > 0 ? { ok: false, problems } : result;
  }

  /** Loads the rules at start-up; throws with every problem when they are invalid. */
  load(): void {
    const result = this.read();
    if (!result.ok) throw new Error(`Invalid rules in ${this.dir}:\n${formatProblems(result.problems)}`);
    this.rules = result.rules;
    this.logger.info({ rules: this.rules.map((r) => r.name) }, "rules loaded");
  }

  replace(rules: Rule[]): void {
    this.rules = rules;
  }

  reload(): boolean {
    const result = this.read();
    if (!result.ok) {
      this.logger.error({ problems: result.problems }, `rules not reloaded, the previous rules stay in force:\n${formatProblems(result.problems)}`);
      const files = [...new Set(result.problems.map((p) => p.file))];
      this.lastReload = { status: "refused", at: this.now(), files, error: formatProblems(result.problems), problems: result.problems };
      return false;
    }
    this.rules = result.rules;
    this.lastReload = { status: "ok", at: this.now() };
    this.logger.info({ rules: this.rules.map((r) => r.name) }, "rules reloaded");
    return true;
  }

  watch(): void {
    this.watcher = watch(this.dir, () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.reload(), 200);
    });
    this.watcher.on("error", (err) => this.logger.error({ err }, "rules folder watch failed"));
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  reloadState(): ReloadState {
    return this.lastReload;
  }

  all(): readonly Rule[] {
    return this.rules;
  }

  byName(name: string): Rule | undefined {
    return this.rules.find((r) => r.name === name);
  }

  /** The rule a release was judged by (by name), else the one that matches it now, else the built-in default. */
  forRelease(r: { ruleName: string | null; service: string; environment: string }): Rule {
    return (r.ruleName ? this.byName(r.ruleName) : undefined) ?? this.resolve(r.service, r.environment) ?? DEFAULT_RULE;
  }

  /** The most specific rule whose match covers this service and environment. */
  resolve(service: string, environment: string): Rule | undefined {
    let best: Rule | undefined;
    let bestScore = -1;
    for (const rule of this.rules) {
      if (!ruleMatches(rule, service, environment)) continue;
      const score = specificity(rule.match.service) * 3 + specificity(rule.match.environment);
      if (score > bestScore) {
        best = rule;
        bestScore = score;
      }
    }
    return best;
  }
}
