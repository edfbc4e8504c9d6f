import { statSync, watch, type FSWatcher } from "node:fs";
import type { Logger } from "pino";
import { formatProblems, loadRules, type LoadResult, type RuleProblem } from "./rule-loader.ts";
import { DEFAULT_RULE } from "./default-rule.ts";
import type { Rule } from "./rule-schema.ts";

function globToRegExp(glob: string): RegExp {
  // `s`: "*" covers every character, so no name (even one that slipped past validation with a newline) escapes a "*" rule.
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`, "s");
}

/** Whether a rule's match covers this service and environment. */
export function ruleMatches(rule: Rule, service: string, environment: string): boolean {
  return globToRegExp(rule.match.service).test(service) && globToRegExp(rule.match.environment).test(environment);
}

/** Which folder is at the path: a re-created folder has another inode (or, with a reused inode, another birth time). */
function folderIdentity(dir: string): string | undefined {
  try {
    const st = statSync(dir);
    return st.isDirectory() ? `${st.dev}:${st.ino}:${st.birthtimeMs}` : undefined;
  } catch {
    return undefined;
  }
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
  private poller: NodeJS.Timeout | undefined;
  private watched: string | undefined;

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
    let result = this.read();
    // An empty folder is far likelier a deploy or a checkout half done than a wish to judge nothing by its own rules.
    if (result.ok && result.rules.length === 0 && this.rules.length > 0) {
      result = { ok: false, problems: [{ file: this.dir, path: "(folder)", message: "holds no rule file; an empty rule set is refused, restore a rule file" }] };
    }
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

  /**
   * Reloads on every change. A watch follows the folder's inode, so a folder deleted and re-created would go deaf:
   * a light poll (a stat every pollMs) notices the new folder, re-arms the watch and reloads.
   */
  watch(pollMs = 2000): void {
    this.arm();
    this.poller = setInterval(() => {
      if (this.watched !== folderIdentity(this.dir)) this.rearm();
    }, pollMs);
    this.poller.unref();
  }

  private arm(): void {
    this.watched = folderIdentity(this.dir);
    if (this.watched === undefined) return;
    try {
      this.watcher = watch(this.dir, () => (folderIdentity(this.dir) === this.watched ? this.schedule() : this.rearm()));
      this.watcher.on("error", (err) => {
        this.logger.warn({ err }, "rules folder watch stopped; watching again once the folder is back");
        this.rearm();
      });
    } catch (err) {
      this.logger.warn({ err }, "rules folder cannot be watched yet");
      this.watched = undefined;
    }
  }

  private rearm(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.arm();
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), 200);
  }

  close(): void {
    clearTimeout(this.timer);
    clearInterval(this.poller);
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
