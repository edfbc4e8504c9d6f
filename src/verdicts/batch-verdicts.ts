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

/** Per-batch verdicts of rolling deploys: each finished batch is judged on its own hosts, so a pipeline can stop after batch k. */
export class BatchVerdicts {
  private readonly s: Record<"due" | "one" | "ofDeploy" | "decide" | "deployStart" | "stillDue", Statement>;

  constructor(
    private readonly db: Db,
    private readonly releases: VerdictService,
    private readonly baselines: BaselineResolver,
    private readonly evaluator: Evaluator,
    private readonly recorder: VerdictRecorder,
    private readonly now: () => number = Date.now,
  ) {
    const p = (sql: string) => db.$client.prepare(sql);
    this.s = {
      due: p(`SELECT b.deploy_id AS deployId, b.batch_index AS "index", d.release_id AS releaseId FROM deploy_batches b JOIN deploys d ON d.id = b.deploy_id
        WHERE b.verdict_status = 'analyzing' AND b.next_check_at <= ? ORDER BY b.next_check_at LIMIT ?`),
      one: p(`SELECT ${COLUMNS} FROM deploy_batches WHERE deploy_id = ? AND batch_index = ?`),
      ofDeploy: p(`SELECT ${COLUMNS} FROM deploy_batches WHERE deploy_id = ? ORDER BY batch_index`),
      decide: p("UPDATE deploy_batches SET verdict_status = ?, verdict = ?, score = ?, decided_at = ?, next_check_at = NULL WHERE deploy_id = ? AND batch_index = ?"),
      deployStart: p("SELECT started_at AS startedAt FROM deploys WHERE id = ?"),
      stillDue: p("SELECT COUNT(*) AS n FROM deploy_batches WHERE deploy_id = ? AND batch_index = ? AND verdict_status = 'analyzing'"),
    };
  }

  /** Judges due batches whose rules read only pushed telemetry, synchronously; the others wait for runDueReading. */
  runDue(limit = 200): number {
    const now = this.now();
    let ran = 0;
    for (const plan of this.due(now, limit)) {
      if (readsOutsideSources(plan.input.rule)) continue;
      ran++;
      this.record(plan, NO_READS, now);
    }
    return ran;
  }

  /** Reads the due batches' outside sources first (in parallel, outside any transaction), then judges and records each. */
  async runDueReading(limit = 200): Promise<number> {
    const now = this.now();
    const plans = this.due(now, limit);
    const reads = await Promise.all(plans.map((p) => this.evaluator.readOutside(p.input)));
    plans.forEach((plan, i) => {
      // A batch judged meanwhile (by another run) keeps its verdict.
      if ((this.s.stillDue.get(plan.deployId, plan.index) as { n: number }).n === 1) this.record(plan, reads[i]!, now);
    });
    return plans.length;
  }

  private due(now: number, limit: number): BatchPlan[] {
    const due = this.s.due.all(now, limit) as { deployId: string; index: number; releaseId: string }[];
    return due.map((d) => this.plan(this.releases.get(d.releaseId), d.deployId, d.index, now));
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
      this.recorder.recordBatch(release, verdict, input.rule, now);
    })();
  }

  /** The batches of a release's latest deploy, with their verdicts. */
  ofRelease(release: ReleaseRow): BatchRow[] {
    if (!release.latestDeployId) return [];
    return (this.s.ofDeploy.all(release.latestDeployId) as Record<string, unknown>[]).map((r) => parse(r)!);
  }
}
