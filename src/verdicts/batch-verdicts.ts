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
import { batchSignals, type BatchJudge } from "./batch-judge.ts";
import { bakedPass, watchEnded } from "./batch-bake.ts";
import type { BatchSpan } from "./batch-evidence.ts";
import { isFinal, type FinalVerdict } from "./verdict.ts";

const MINUTE = 60_000;

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

interface DueBatch {
  deployId: string;
  index: number;
  total: number;
  releaseId: string;
}

const COLUMNS = `deploy_id AS deployId, batch_index AS "index", batch_total AS total, status, hosts, verdict_status AS verdictStatus,
  verdict, score, window_start AS windowStart, window_end AS windowEnd, decided_at AS decidedAt`;

function parse(row: Record<string, unknown> | undefined): BatchRow | undefined {
  if (!row) return undefined;
  return { ...(row as unknown as BatchRow), hosts: row.hosts ? JSON.parse(String(row.hosts)) : null, verdict: row.verdict ? JSON.parse(String(row.verdict)) : null };
}

/**
 * Per-batch verdicts of rolling deploys, so a pipeline can stop after batch k. Under a sequential rule a batch is
 * judged look by look (src/verdicts/batch-judge.ts); a failed batch fails the release at once through the recorder's
 * final-verdict path, which also asks for the rule's rollback (once: the rollback outbox is keyed by release).
 * Rules in fixed mode keep the fixed window of `batch_minutes`.
 */
export class BatchVerdicts {
  private readonly s: Record<"due" | "one" | "ofDeploy" | "decide" | "deployStart" | "stillDue" | "interim" | "provisional" | "later" | "spans", Statement>;

  constructor(
    private readonly db: Db,
    private readonly releases: VerdictService,
    private readonly baselines: BaselineResolver,
    private readonly evaluator: Evaluator,
    private readonly recorder: VerdictRecorder,
    private readonly judge: BatchJudge,
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {
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
      interim: p("UPDATE deploy_batches SET verdict = ?, score = NULL, next_check_at = ? WHERE deploy_id = ? AND batch_index = ?"),
      // A provisional pass (a bake without a fail) keeps being looked at: a later fail still fails the release.
      provisional: p(`UPDATE deploy_batches SET verdict_status = 'pass', verdict = ?, score = NULL, decided_at = coalesce(decided_at, ?), next_check_at = ?
        WHERE deploy_id = ? AND batch_index = ?`),
      later: p("UPDATE deploy_batches SET next_check_at = ? WHERE deploy_id = ? AND batch_index = ?"),
      spans: p(`SELECT batch_index AS "index", hosts, started_at AS startedAt, window_start AS windowStart FROM deploy_batches WHERE deploy_id = ? ORDER BY batch_index`),
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
      this.db.$client.transaction(() => this.look(d, now))();
    }
    return ran;
  }

  private look(d: DueBatch, now: number): void {
    const release = this.releases.get(d.releaseId);
    const rule = this.releases.ruleFor(release);
    if (d.index === d.total || batchSignals(rule).length === 0) return this.mirror(release, d, now);
    const spans = (this.s.spans.all(d.deployId) as { index: number; hosts: string | null; startedAt: number; windowStart: number | null }[])
      .map((b): BatchSpan => ({ ...b, hosts: b.hosts ? (JSON.parse(b.hosts) as string[]) : [] }));
    const releaseDecided = release.decidedAt !== null && release.latestDeployId === d.deployId;
    const provisional = parse(this.s.one.get(d.deployId, d.index) as Record<string, unknown>)!.verdictStatus === "pass";
    if (provisional && (releaseDecided || watchEnded(spans, d.index))) return void this.s.later.run(null, d.deployId, d.index);
    if (releaseDecided && release.status === "fail") return this.failWithRelease(release, d, now);
    if (!provisional && watchEnded(spans, d.index)) return this.superseded(d);
    const judged = this.judge.judge(release, rule, spans, d.index, d.total, floorMinute(now - this.graceMs), now);
    const verdict = judged.verdict;
    const next = Math.max(now + MINUTE, (judged.nextLookAt ?? now) + this.graceMs);
    if (!isFinal(verdict)) {
      const target = `${release.service} ${release.version} in ${release.environment}, batch ${d.index} of ${d.total}`;
      const baked = bakedPass(rule, judged, d.index, d.total, target);
      if (baked) {
        this.s.provisional.run(JSON.stringify(baked), now, next, d.deployId, d.index);
        if (!provisional) this.recorder.recordBatch(release, baked, rule, now);
      } else if (provisional) this.s.later.run(next, d.deployId, d.index);
      else this.s.interim.run(JSON.stringify(verdict), next, d.deployId, d.index);
      return;
    }
    // A provisional pass that the evidence neither confirms nor overturns by the maximum stays as it was.
    if (provisional && verdict.status === "hold") return void this.s.later.run(null, d.deployId, d.index);
    this.s.decide.run(verdict.status, JSON.stringify(verdict), verdict.score, now, d.deployId, d.index);
    // A failed batch ends the release: its final verdict path alerts and asks for the rule's rollback.
    if (verdict.status === "fail" && release.decidedAt === null && release.latestDeployId === d.deployId) this.recorder.recordFinal(release, verdict, rule, now);
    else if (!(provisional && verdict.status === "pass")) this.recorder.recordBatch(release, verdict, rule, now);
  }

  /**
   * A batch still undecided when the next one finished (a person let the pipeline on): its hosts are judged with the
   * next batch's, so looking on would only stall on a shrinking old side and hold.
   */
  private superseded(d: DueBatch): void {
    const row = parse(this.s.one.get(d.deployId, d.index) as Record<string, unknown>)!;
    const after = d.index + 1 === d.total ? "the release's verdict" : `batch ${d.index + 1}'s verdict`;
    const summary = `Batch ${d.index} of ${d.total} was not decided before batch ${d.index + 1} finished; its hosts are judged in ${after}.`;
    const { decide_by: _by, next_look_at: _next, ...rest } = row.verdict ?? ({ checks: [] } as Partial<Verdict>);
    this.s.interim.run(JSON.stringify({ ...rest, summary }), null, d.deployId, d.index);
  }

  /** A later batch of a release that has already failed (an earlier batch's late fail) answers fail too: stop. */
  private failWithRelease(release: ReleaseRow, d: DueBatch, now: number): void {
    const summary = `Batch ${d.index} of ${d.total}: the release has already failed. ${release.summary ?? ""}`.trim();
    const v = release.verdict as Verdict | null;
    const verdict = { ...(v ?? { checks: [], rule: release.ruleName ?? "", windows: null, evaluated_at: new Date(now).toISOString() }), status: "fail", score: release.score, final: true, summary };
    this.s.decide.run("fail", JSON.stringify(verdict), release.score, now, d.deployId, d.index);
  }

  /**
   * The last batch leaves no host on the old version: the release's own verdict (its engine falls back to the
   * forecast, or the hour before) is this batch's, so the two can never disagree.
   */
  private mirror(release: ReleaseRow, d: DueBatch, now: number): void {
    const v = release.verdict as Verdict | null;
    if (release.latestDeployId !== d.deployId || release.decidedAt === null || release.status === "analyzing" || release.status === "pending") {
      this.s.later.run(now + MINUTE, d.deployId, d.index);
      return;
    }
    const summary = `Batch ${d.index} of ${d.total} left no host on the old version, so its verdict is the release's: ${release.summary ?? v?.summary ?? ""}`;
    const verdict: FinalVerdict = { ...(v ?? { checks: [], rule: release.ruleName ?? "", windows: null as unknown as Verdict["windows"], evaluated_at: new Date(now).toISOString() }),
      status: release.status, score: release.score, final: true, summary };
    this.s.decide.run(verdict.status, JSON.stringify(verdict), release.score, now, d.deployId, d.index);
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
