import type { Statement } from "better-sqlite3";
import type { Db } from "../store/db.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { BaselineResolver } from "./baseline-resolver.ts";
import type { EvaluationInput, Evaluator } from "./evaluator.ts";
import { NO_READS, readsOutsideSources, type ExternalReads } from "./external-reads.ts";
import type { Verdict } from "./verdict.ts";
import type { VerdictRecorder } from "./verdict-recorder.ts";
import type { VerdictService } from "./verdict-service.ts";
import { floorMinute } from "./release-windows.ts";
import type { BatchJudge } from "./batch-judge.ts";
import { BatchLooks, type DueBatch } from "./batch-looks.ts";

export interface BatchRow {
  deployId: string;
  index: number;
  total: number;
  status: string;
  hosts: string[] | null;
  verdictStatus: string | null;
  verdict: Verdict | null;
  score: number | null;
  windowStart: number | null;
  windowEnd: number | null;
  decidedAt: number | null;
}

interface BatchPlan {
  release: ReleaseRow;
  deployId: string;
  index: number;
  input: EvaluationInput;
}

const COLUMNS = `deploy_id AS deployId, batch_index AS "index", batch_total AS total, status, hosts, verdict_status AS verdictStatus,
  verdict, score, window_start AS windowStart, window_end AS windowEnd, decided_at AS decidedAt`;

function parse(row: Record<string, unknown> | undefined): BatchRow | undefined {
  if (!row) return undefined;
  return { ...(row as unknown as BatchRow), hosts: row.hosts ? JSON.parse(String(row.hosts)) : null, verdict: row.verdict ? JSON.parse(String(row.verdict)) : null };
}

/**
 * Per-batch verdicts of rolling deploys, so a pipeline can stop after batch k. Under a sequential rule a batch is
 * judged look by look (src/verdicts/batch-looks.ts); rules in fixed mode keep the fixed window of `batch_minutes`.
 * Either way a failed batch fails the release at once through the recorder's final-verdict path, which also asks for
 * the rule's rollback (once: the rollback outbox is keyed by release).
 */
export class BatchVerdicts {
  private readonly s: Record<"due" | "one" | "ofDeploy" | "decide" | "deployStart" | "stillDue" | "later", Statement>;
  private readonly looks: BatchLooks;

  constructor(
    private readonly db: Db,
    private readonly releases: VerdictService,
    private readonly baselines: BaselineResolver,
    private readonly evaluator: Evaluator,
    private readonly recorder: VerdictRecorder,
    judge: BatchJudge,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.looks = new BatchLooks(db, releases, judge, recorder, graceMs);
    const p = (sql: string) => db.$client.prepare(sql);
    this.s = {
      // A batch not yet looked at is due as soon as it ends, so its gate can say at once when it will be decided.
      due: p(`SELECT b.deploy_id AS deployId, b.batch_index AS "index", b.batch_total AS total, d.release_id AS releaseId FROM deploy_batches b
        JOIN deploys d ON d.id = b.deploy_id WHERE (b.verdict_status = 'analyzing' AND (b.next_check_at <= @now OR (b.verdict IS NULL AND b.window_start <= @ready)))
          OR (b.verdict_status = 'pass' AND b.next_check_at <= @now)
        ORDER BY b.next_check_at LIMIT @limit`),
      one: p(`SELECT ${COLUMNS} FROM deploy_batches WHERE deploy_id = ? AND batch_index = ?`),
      ofDeploy: p(`SELECT ${COLUMNS} FROM deploy_batches WHERE deploy_id = ? ORDER BY batch_index`),
      decide: p("UPDATE deploy_batches SET verdict_status = ?, verdict = ?, score = ?, decided_at = ?, next_check_at = NULL WHERE deploy_id = ? AND batch_index = ?"),
      deployStart: p("SELECT started_at AS startedAt FROM deploys WHERE id = ?"),
      stillDue: p("SELECT COUNT(*) AS n FROM deploy_batches WHERE deploy_id = ? AND batch_index = ? AND verdict_status = 'analyzing'"),
      later: p("UPDATE deploy_batches SET next_check_at = ? WHERE deploy_id = ? AND batch_index = ?"),
    };
  }

  /** Judges due batches whose rules read only pushed telemetry, synchronously; the others wait for runDueReading. */
  runDue(limit = 200): number {
    const now = this.now();
    let ran = 0;
    for (const plan of this.fixedDue(now, limit)) {
      if (readsOutsideSources(plan.input.rule)) continue;
      ran++;
      this.record(plan, NO_READS, now);
    }
    return ran + this.runSequential(now, limit);
  }

  /** Reads the due batches' outside sources first (in parallel, outside any transaction), then judges and records each. */
  async runDueReading(limit = 200): Promise<number> {
    const now = this.now();
    const sequential = this.runSequential(now, limit);
    const plans = this.fixedDue(now, limit);
    const reads = await Promise.all(plans.map((p) => this.evaluator.readOutside(p.input)));
    plans.forEach((plan, i) => {
      // A batch judged meanwhile (by another run) keeps its verdict.
      if ((this.s.stillDue.get(plan.deployId, plan.index) as { n: number }).n === 1) this.record(plan, reads[i]!, now);
    });
    return plans.length + sequential;
  }

  private due(now: number, limit: number): DueBatch[] {
    return this.s.due.all({ now, ready: now - this.graceMs, limit }) as DueBatch[];
  }

  private isSequential(release: ReleaseRow): boolean {
    return this.releases.ruleFor(release).analysis.mode === "sequential";
  }

  /** Fixed-mode batches whose window of `batch_minutes` (and the grace after it) has passed. */
  private fixedDue(now: number, limit: number): BatchPlan[] {
    const plans: BatchPlan[] = [];
    for (const d of this.due(now, limit)) {
      const release = this.releases.get(d.releaseId);
      if (this.isSequential(release)) continue;
      const batch = parse(this.s.one.get(d.deployId, d.index) as Record<string, unknown>)!;
      if (now < batch.windowEnd! + this.graceMs) this.s.later.run(batch.windowEnd! + this.graceMs, d.deployId, d.index);
      else plans.push(this.plan(release, d.deployId, d.index, now));
    }
    return plans;
  }

  /** Sequential batches: one look each over the minutes stored so far, each in its own transaction. */
  private runSequential(now: number, limit: number): number {
    let ran = 0;
    for (const d of this.due(now, limit)) {
      const release = this.releases.get(d.releaseId);
      if (!this.isSequential(release)) continue;
      ran++;
      this.db.$client.transaction(() => this.looks.look(d, now))();
    }
    return ran;
  }

  private plan(release: ReleaseRow, deployId: string, index: number, now: number): BatchPlan {
    const batch = parse(this.s.one.get(deployId, index) as Record<string, unknown>)!;
    const rule = this.releases.ruleFor(release);
    const hosts = this.baselines.updatedHosts(deployId, index);
    const { startedAt } = this.s.deployStart.get(deployId) as { startedAt: number };
    const window = { start: batch.windowStart!, end: Math.min(batch.windowEnd!, floorMinute(now)) };
    const paired = this.baselines.resolveBatch(release, rule, hosts, window, startedAt);
    const target = `${release.service} ${release.version} in ${release.environment}, batch ${index} of ${batch.total}`;
    return { release, deployId, index, input: { service: release.service, environment: release.environment, version: release.version, rule, paired, final: true, now, target } };
  }

  private record(plan: BatchPlan, reads: ExternalReads, now: number): void {
    const { release, deployId, index, input } = plan;
    this.db.$client.transaction(() => {
      const verdict = this.evaluator.evaluate(input, reads);
      this.s.decide.run(verdict.status, JSON.stringify(verdict), verdict.score, now, deployId, index);
      const current = this.releases.get(release.id);
      if (verdict.status === "fail" && current.decidedAt === null && current.latestDeployId === deployId) this.recorder.recordFinal(current, verdict, input.rule, now);
      else this.recorder.recordBatch(release, verdict, input.rule, now);
    })();
  }

  /** The batches of a release's latest deploy, with their verdicts. */
  ofRelease(release: ReleaseRow): BatchRow[] {
    if (!release.latestDeployId) return [];
    return (this.s.ofDeploy.all(release.latestDeployId) as Record<string, unknown>[]).map((r) => parse(r)!);
  }
}
