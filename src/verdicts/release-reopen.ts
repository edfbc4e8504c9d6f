import { AppError } from "../http/app-error.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { Statement, Store } from "../store/store.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { ReleaseOverrides } from "./release-overrides.ts";
import type { Verdict } from "./verdict.ts";

const MINUTE = 60_000;

/** The two operator actions that send a judged release back to `analyzing`: retry and skip a signal. */
export class ReleaseReopen {
  private readonly reopen: Statement<unknown>;

  constructor(
    private readonly store: Store,
    private readonly overrides: ReleaseOverrides,
  ) {
    this.reopen = store.statement(`UPDATE releases SET status = 'analyzing', analysis_start = ?, analysis_end = ?, next_check_at = ?,
      decided_at = NULL, consecutive_failures = 0, updated_at = ? WHERE id = ?`);
  }

  /**
   * "Judge again with more data": reopens a held (or warned) release with a fresh window of the same length, starting
   * where the last verdict's data ended; the scheduler judges it over the minutes stored from there on, at half the α
   * of the test before (VerdictService#judgedRule).
   */
  async retry(release: ReleaseRow, now: number): Promise<void> {
    if (release.status !== "hold" && release.status !== "warn") {
      throw new AppError("CONFLICT", `Only a held or warned release can be judged again; this one is '${release.status}'.`);
    }
    const verdict = release.verdict as Verdict | null;
    const lastEnd = verdict ? Date.parse(verdict.windows.analysis.end) : release.analysisEnd!;
    const start = Math.ceil(lastEnd / MINUTE) * MINUTE;
    await this.store.write(async () => {
      await this.overrides.addRetry(release.id, start, now);
      await this.reopen.run(start, start + (release.analysisEnd! - release.analysisStart!), now, now, release.id);
    });
  }

  /**
   * Sets one signal aside for this release, to be judged again without it: a release waiting only for that signal may
   * decide, and a hold caused only by it becomes the verdict of the rest. False when it was already set aside.
   */
  async skipSignal(release: ReleaseRow, rule: Rule, signal: string, actor: string, now: number): Promise<boolean> {
    if (!rule.signals.some((s) => s.name === signal)) {
      const known = rule.signals.map((s) => s.name).join(", ");
      throw new AppError("VALIDATION_FAILED", `Rule '${rule.name}' has no signal '${signal}'; its signals are ${known}.`, [{ path: "signal", message: `unknown signal; one of ${known}` }]);
    }
    // Asked again (a retried request, a second click): already done, nothing to change.
    const skipped = await this.overrides.skipped(release.id);
    if (skipped.has(signal)) return false;
    if (release.status !== "analyzing" && release.status !== "hold" && release.status !== "warn") {
      throw new AppError("CONFLICT", `A signal can be set aside only while a release is analyzing, held or warned; this one is '${release.status}'.`);
    }
    // A release with nothing left to judge would pass on no evidence at all.
    if (rule.signals.every((s) => s.name === signal || skipped.has(s.name) || s.mode === "observe")) {
      throw new AppError("CONFLICT", `'${signal}' is the last signal judged for this release; hold, approve or roll back instead.`);
    }
    await this.store.write(async () => {
      await this.overrides.addSkip(release.id, signal, actor, now);
      await this.reopen.run(release.analysisStart, release.analysisEnd, now, now, release.id);
    });
    return true;
  }
}
