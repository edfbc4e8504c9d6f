import type { Statement, Store } from "../store/store.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { BaselineResolver } from "./baseline-resolver.ts";
import type { EvaluationInput, Evaluator } from "./evaluator.ts";
import { NO_READS, readsOutsideSources, type ExternalReads } from "./external-reads.ts";
import type { Verdict } from "./verdict.ts";
import { finalOrBatch, type VerdictRecorder } from "./verdict-recorder.ts";
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

const COLUMNS = `deploy_id AS "deployId", batch_index AS "index", batch_total AS total, status, hosts, verdict_status AS "verdictStatus",
  verdict, score, window_start AS "windowStart", window_end AS "windowEnd", decided_at AS "decidedAt"`;

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
  private readonly s: Record<"due" | "one" | "ofDeploy" | "decide" | "deployStart" | "stillDue" | "later", Statement<Record<string, unknown>>>;
  private readonly looks: BatchLooks;

  constructor(
    private readonly store: Store,
    private readonly releases: VerdictService,
    private readonly baselines: BaselineResolver,
    private readonly evaluator: Evaluator,
    private readonly recorder: VerdictRecorder,
    judge: BatchJudge,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.looks = new BatchLooks(store, releases, judge, recorder, graceMs);
    const p = (sql: string) => store.statement(sql);
    this.s = {
      // A batch not yet looked at is due as soon as it ends, so its gate can say at once when it will be decided.
      due: p(`SELECT b.deploy_id AS "deployId", b.batch_index AS "index", b.batch_total AS total, d.release_id AS "releaseId" FROM deploy_batches b
        JOIN deploys d ON d.id = b.deploy_id WHERE (b.verdict_status = 'analyzing' AND (b.next_check_at <= ? OR (b.verdict IS NULL AND b.window_start <= ?)))
          OR (b.verdict_status = 'pass' AND b.next_check_at <= ?)
        ORDER BY b.next_check_at LIMIT ?`),
      one: p(`SELECT ${COLUMNS} FROM deploy_batches WHERE deploy_id = ? AND batch_index = ?`),
      ofDeploy: p(`SELECT ${COLUMNS} FROM deploy_batches WHERE deploy_id = ? ORDER BY batch_index`),
      // Fencing, as for releases: a batch decided meanwhile (a run whose lease ran out) keeps its verdict.
      decide: p(`UPDATE deploy_batches SET verdict_status = ?, verdict = ?, score = ?, decided_at = ?, next_check_at = NULL
        WHERE deploy_id = ? AND batch_index = ? AND verdict_status = 'analyzing'`),
      deployStart: p(`SELECT started_at AS "startedAt" FROM deploys WHERE id = ?`),
      stillDue: p("SELECT COUNT(*) AS n FROM deploy_batches WHERE deploy_id = ? AND batch_index = ? AND verdict_status = 'analyzing'"),
      later: p("UPDATE deploy_batches SET next_check_at = ? WHERE deploy_id = ? AND batch_index = ?"),
    };
  }

  /** Judges due batches whose rules read only pushed telemetry (no outside source read); the others wait for runDueReading. */
  async runDue(limit = 200): Promise<number> {
    const now = this.now();
    let ran = 0;
    for (const plan of await this.fixedDue(now, limit)) {
      if (readsOutsideSources(plan.input.rule)) continue;
      ran++;
      await this.record(plan, NO_READS, now);
    }
    return ran + (await this.runSequential(now, limit));
  }

  /** Reads the due batches' outside sources first (in parallel, outside any transaction), then judges and records each. */
  async runDueReading(limit = 200): Promise<number> {
    const now = this.now();
    const sequential = await this.runSequential(now, limit);
    const plans = await this.fixedDue(now, limit);
    const reads = await Promise.all(plans.map((p) => this.evaluator.readOutside(p.input)));
    for (const [i, plan] of plans.entries()) {
      // A batch judged meanwhile (by another run) keeps its verdict.
      if (((await this.s.stillDue.get(plan.deployId, plan.index)) as { n: number }).n === 1) await this.record(plan, reads[i]!, now);
    }
    return plans.length + sequential;
  }

  private async due(now: number, limit: number): Promise<DueBatch[]> {
    return (await this.s.due.all(now, now - this.graceMs, now, limit)) as unknown as DueBatch[];
  }

  private isSequential(release: ReleaseRow): boolean {
    return this.releases.ruleFor(release).analysis.mode === "sequential";
  }

  /** Fixed-mode batches whose window of `batch_minutes` (and the grace after it) has passed. */
  private async fixedDue(now: number, limit: number): Promise<BatchPlan[]> {
    const plans: BatchPlan[] = [];
    for (const d of await this.due(now, limit)) {
      const release = await this.releases.get(d.releaseId);
      if (this.isSequential(release)) continue;
      const batch = parse(await this.s.one.get(d.deployId, d.index))!;
      if (now < batch.windowEnd! + this.graceMs) await this.s.later.run(batch.windowEnd! + this.graceMs, d.deployId, d.index);
      else plans.push(await this.plan(release, d.deployId, d.index, now));
    }
    return plans;
  }

  /** Sequential batches: one look each over the minutes stored so far, each in its own transaction. */
  private async runSequential(now: number, limit: number): Promise<number> {
    let ran = 0;
    for (const d of await this.due(now, limit)) {
      const release = await this.releases.get(d.releaseId);
      if (!this.isSequential(release)) continue;
      ran++;
      await this.store.write(() => this.looks.look(d, now));
    }
    return ran;
  }

  private async plan(release: ReleaseRow, deployId: string, index: number, now: number): Promise<BatchPlan> {
    const batch = parse(await this.s.one.get(deployId, index))!;
    const rule = this.releases.ruleFor(release);
    const hosts = await this.baselines.updatedHosts(deployId, index);
    const { startedAt } = (await this.s.deployStart.get(deployId)) as { startedAt: number };
    const window = { start: batch.windowStart!, end: Math.min(batch.windowEnd!, floorMinute(now)) };
    const paired = await this.baselines.resolveBatch(release, rule, hosts, window, startedAt);
    const target = `${release.service} ${release.version} in ${release.environment}, batch ${index} of ${batch.total}`;
    return { release, deployId, index, input: { service: release.service, environment: release.environment, version: release.version, rule, paired, final: true, now, target } };
  }

  private async record(plan: BatchPlan, reads: ExternalReads, now: number): Promise<void> {
    const { release, deployId, index, input } = plan;
    await this.store.write(async () => {
      const verdict = await this.evaluator.evaluate(input, reads);
      if ((await this.s.decide.run(verdict.status, JSON.stringify(verdict), verdict.score, now, deployId, index)) === 0) return;
      const current = await this.releases.get(release.id);
      if (verdict.status === "fail" && current.decidedAt === null && current.latestDeployId === deployId) await finalOrBatch(this.store, this.recorder, current, verdict, input.rule, now);
      else await this.recorder.recordBatch(release, verdict, input.rule, now);
    });
  }

  /** The batches of a release's latest deploy, with their verdicts. */
  async ofRelease(release: ReleaseRow): Promise<BatchRow[]> {
    if (!release.latestDeployId) return [];
    return (await this.s.ofDeploy.all(release.latestDeployId)).map((r) => parse(r)!);
  }
}
