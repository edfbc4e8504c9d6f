import { and, desc, eq, lte, type SQL } from "drizzle-orm";
import { AppError } from "../http/app-error.ts";
import { DEFAULT_RULE } from "../rules/default-rule.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { RuleSet } from "../rules/rule-set.ts";
import type { Db } from "../store/db.ts";
import { deployBatches, deploys, releases, type ReleaseRow } from "../store/schema/index.ts";
import type { Evaluator } from "./evaluator.ts";
import { nextCheckAt, type ReleaseWindows } from "./release-windows.ts";
import type { Verdict } from "./verdict.ts";
import type { VerdictRecorder } from "./verdict-recorder.ts";

const MINUTE = 60_000;

/** The release lifecycle: pending → analyzing → pass | warn | fail | hold, kept in the database so a restart resumes it. */
export class VerdictService {
  constructor(
    private readonly db: Db,
    private readonly rules: RuleSet,
    private readonly evaluator: Evaluator,
    private readonly recorder: VerdictRecorder,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  ruleFor(release: ReleaseRow): Rule {
    return (release.ruleName ? this.rules.byName(release.ruleName) : undefined) ?? this.rules.resolve(release.service, release.environment) ?? DEFAULT_RULE;
  }

  /** Runs every evaluation that is due; returns how many releases were evaluated. */
  runDue(limit = 500): number {
    const now = this.now();
    const due = this.db.select().from(releases)
      .where(and(eq(releases.status, "analyzing"), lte(releases.nextCheckAt, now)))
      .orderBy(releases.nextCheckAt).limit(limit).all();
    for (const release of due) this.evaluateDue(release, now);
    return due.length;
  }

  private evaluateDue(release: ReleaseRow, now: number): void {
    const rule = this.ruleFor(release);
    const windows = windowsOf(release);
    if (now >= windows.analysisEnd + this.graceMs) {
      this.finalize(release, rule, windows, windows.analysisEnd, now);
      return;
    }
    const candidateEnd = Math.min(Math.floor(now / MINUTE) * MINUTE, windows.analysisEnd);
    const next = nextCheckAt(rule, windows, now, this.graceMs);
    if (candidateEnd <= windows.analysisStart) {
      this.db.update(releases).set({ nextCheckAt: next }).where(eq(releases.id, release.id)).run();
      return;
    }
    const verdict = this.evaluator.evaluate({ ...identity(release), rule, windows, candidateEnd, final: false, now });
    const failures = verdict.status === "fail" ? release.consecutiveFailures + 1 : 0;
    if (failures >= rule.analysis.early_fail_after) {
      // Hysteresis: one bad interim check is not enough to stop a release; N in a row are.
      this.db.transaction((tx) => this.recorder.recordFinal(tx, release, { ...verdict, final: true }, rule, now));
      return;
    }
    this.db.transaction((tx) => this.recorder.recordInterim(tx, release, verdict, failures, next, now));
  }

  private finalize(release: ReleaseRow, rule: Rule, windows: ReleaseWindows, candidateEnd: number, now: number): Verdict {
    const verdict = this.evaluator.evaluate({ ...identity(release), rule, windows, candidateEnd, final: true, now });
    this.db.transaction((tx) => this.recorder.recordFinal(tx, release, verdict, rule, now));
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
    const candidateEnd = Math.max(Math.min(windows.analysisEnd, Math.floor(now / MINUTE) * MINUTE), windows.analysisStart);
    this.finalize(release, this.ruleFor(release), windows, candidateEnd, now);
    return this.get(id);
  }

  get(id: string): ReleaseRow {
    const row = this.db.select().from(releases).where(eq(releases.id, id)).get();
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
