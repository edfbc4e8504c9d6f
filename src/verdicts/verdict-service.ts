import { and, desc, eq, lte, sql, type SQL } from "drizzle-orm";
import { AppError } from "../http/app-error.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import type { Db } from "../store/db.ts";
import { deployBatches, deploys, releases, type ReleaseRow } from "../store/schema/index.ts";
import type { BaselineResolver } from "./baseline-resolver.ts";
import type { Evaluator } from "./evaluator.ts";
import type { OnsetLocator } from "./onset-locator.ts";
import { floorMinute, nextCheckAt, type ReleaseWindows } from "./release-windows.ts";
import type { Verdict } from "./verdict.ts";
import type { VerdictRecorder } from "./verdict-recorder.ts";

const MINUTE = 60_000;
const RETRY_AFTER_MS = 5 * MINUTE;

/** The release lifecycle: pending → analyzing → pass | warn | fail | hold, kept in the database so a restart resumes it. */
export class VerdictService {
  private readonly byId;
  private readonly dueQuery;
  private readonly backOff;

  constructor(
    private readonly db: Db,
    private readonly rules: RuleSet,
    private readonly evaluator: Evaluator,
    private readonly baselines: BaselineResolver,
    private readonly onsets: OnsetLocator,
    private readonly recorder: VerdictRecorder,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
    private readonly onError: (release: ReleaseRow, err: unknown) => void = () => {},
  ) {
    this.byId = db.select().from(releases).where(eq(releases.id, sql.placeholder("id"))).prepare();
    this.dueQuery = db.select().from(releases)
      .where(and(eq(releases.status, "analyzing"), lte(releases.nextCheckAt, sql.placeholder("now"))))
      .orderBy(releases.nextCheckAt).limit(sql.placeholder("limit")).prepare();
    this.backOff = db.$client.prepare("UPDATE releases SET next_check_at = ? WHERE id = ?");
  }

  ruleFor(release: ReleaseRow): Rule {
    return this.rules.forRelease(release);
  }

  /**
   * Runs up to `limit` due evaluations in one transaction (one fsync for the lot); returns how many ran.
   * A release whose evaluation throws is logged and skipped, so it cannot block the others.
   */
  runDue(limit = 200): number {
    const now = this.now();
    const due = this.dueQuery.all({ now, limit });
    this.db.$client.transaction(() => {
      for (const release of due) {
        try {
          this.db.$client.transaction(() => this.evaluateDue(release, now))();
        } catch (err) {
          this.onError(release, err);
          // Retried later, not at every run: a release that keeps failing must not crowd out the others.
          this.backOff.run(now + RETRY_AFTER_MS, release.id);
        }
      }
    })();
    return due.length;
  }

  /** Works through every due release in chunks, yielding to the event loop between them so requests keep flowing. */
  async runAllDue(chunk = 200): Promise<number> {
    let total = 0;
    for (;;) {
      const n = this.runDue(chunk);
      total += n;
      if (n < chunk) return total;
      await new Promise((r) => setImmediate(r));
    }
  }

  private evaluateDue(release: ReleaseRow, now: number): void {
    const rule = this.ruleFor(release);
    const windows = windowsOf(release);
    if (now >= windows.analysisEnd + this.graceMs) {
      this.finalize(release, rule, windows.analysisEnd, now);
      return;
    }
    const candidateEnd = Math.min(floorMinute(now), windows.analysisEnd);
    const next = nextCheckAt(rule, windows, now, this.graceMs);
    if (candidateEnd <= windows.analysisStart) {
      this.db.update(releases).set({ nextCheckAt: next }).where(eq(releases.id, release.id)).run();
      return;
    }
    const verdict = this.judge(release, rule, candidateEnd, false, now);
    const failures = verdict.status === "fail" ? release.consecutiveFailures + 1 : 0;
    if (failures >= rule.analysis.early_fail_after) {
      // Hysteresis: one bad interim check is not enough to stop a release; N in a row are.
      this.db.$client.transaction(() => this.recorder.recordFinal(release, { ...verdict, final: true }, rule, now))();
      return;
    }
    this.db.$client.transaction(() => this.recorder.recordInterim(release, verdict, failures, next, now))();
  }

  private judge(release: ReleaseRow, rule: Rule, candidateEnd: number, final: boolean, now: number): Verdict {
    const paired = this.baselines.resolve(release, rule, candidateEnd);
    const verdict = this.evaluator.evaluate({ ...identity(release), rule, paired, final, now });
    for (const check of verdict.checks) {
      if (check.status !== "fail" || (check.kind !== "error_rate" && check.kind !== "latency")) continue;
      const onset = this.onsets.locate(release, check.kind, candidateEnd);
      if (onset) check.onset = onset;
    }
    return verdict;
  }

  private finalize(release: ReleaseRow, rule: Rule, candidateEnd: number, now: number): Verdict {
    const verdict = this.judge(release, rule, candidateEnd, true, now);
    this.db.$client.transaction(() => this.recorder.recordFinal(release, verdict, rule, now))();
    return verdict;
  }

  /** Judges a release now, with the data there is, and makes the verdict final. */
  evaluateNow(id: string): ReleaseRow {
    const release = this.get(id);
    if (release.analysisStart === null) {
      if (release.status === "pending") throw new AppError("CONFLICT", "The deploy of this release has not finished yet, so there is no window to judge.");
      throw new AppError("CONFLICT", `This release ended as '${release.status}' by its deploy tool; there is no window to judge.`);
    }
    const now = this.now();
    const windows = windowsOf(release);
    const candidateEnd = Math.max(Math.min(windows.analysisEnd, floorMinute(now)), windows.analysisStart);
    const verdict = this.finalize(release, this.ruleFor(release), candidateEnd, now);
    return { ...release, status: verdict.status, verdict, score: verdict.score, summary: verdict.summary, decidedAt: now, nextCheckAt: null, updatedAt: now };
  }

  get(id: string): ReleaseRow {
    const row = this.byId.get({ id });
    if (!row) throw new AppError("NOT_FOUND", `No release with id '${id}'.`);
    return row;
  }

  list(filter: { service?: string | undefined; environment?: string | undefined; version?: string | undefined; status?: string | undefined; limit: number }): ReleaseRow[] {
    const conds: SQL[] = [];
    if (filter.service) conds.push(eq(releases.service, filter.service));
    if (filter.environment) conds.push(eq(releases.environment, filter.environment));
    if (filter.version) conds.push(eq(releases.version, filter.version));
    if (filter.status) conds.push(eq(releases.status, filter.status as ReleaseRow["status"]));
    return this.db.select().from(releases).where(conds.length > 0 ? and(...conds) : undefined)
      .orderBy(desc(releases.createdAt)).limit(filter.limit).all();
  }

  deploysOf(releaseId: string) {
    const rows = this.db.select().from(deploys).where(eq(deploys.releaseId, releaseId)).orderBy(desc(deploys.startedAt)).all();
    return rows.map((d) => ({
      ...d,
      batches: this.db.select().from(deployBatches).where(eq(deployBatches.deployId, d.id)).orderBy(deployBatches.index).all(),
    }));
  }
}

function windowsOf(r: ReleaseRow): ReleaseWindows {
  return { baselineStart: r.baselineStart!, baselineEnd: r.baselineEnd!, analysisStart: r.analysisStart!, analysisEnd: r.analysisEnd! };
}

const identity = (r: ReleaseRow) => ({ service: r.service, environment: r.environment, version: r.version });
