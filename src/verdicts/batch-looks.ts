import type { Statement, Store } from "../store/store.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import { bakedPass, watchEnded } from "./batch-bake.ts";
import type { BatchSpan } from "./batch-evidence.ts";
import { batchSignals, type BatchJudge } from "./batch-judge.ts";
import { floorMinute } from "./release-windows.ts";
import { isFinal, type FinalVerdict, type Verdict } from "./verdict.ts";
import { finalOrBatch, type VerdictRecorder } from "./verdict-recorder.ts";
import type { VerdictService } from "./verdict-service.ts";

const MINUTE = 60_000;

export interface DueBatch {
  deployId: string;
  index: number;
  total: number;
  releaseId: string;
}

/**
 * One look at a batch of a rolling deploy under a sequential rule: judged on the evidence carried from batch 1
 * (src/verdicts/batch-judge.ts), passed provisionally after a bake (src/verdicts/batch-bake.ts), and a fail — also
 * one that overturns a provisional pass — fails the release through the recorder's final path, which alerts and asks
 * for the rule's rollback once. The caller runs each look in its own transaction.
 */
export class BatchLooks {
  private readonly s: Record<"stored" | "spans" | "decide" | "interim" | "provisional" | "later", Statement<Record<string, unknown>>>;

  constructor(
    private readonly store: Store,
    private readonly releases: Pick<VerdictService, "get" | "ruleFor">,
    private readonly judge: BatchJudge,
    private readonly recorder: VerdictRecorder,
    private readonly graceMs: number,
  ) {
    const p = (sql: string) => store.statement(sql);
    this.s = {
      stored: p(`SELECT verdict_status AS "verdictStatus", verdict FROM deploy_batches WHERE deploy_id = ? AND batch_index = ?`),
      spans: p(`SELECT batch_index AS "index", hosts, started_at AS "startedAt", window_start AS "windowStart" FROM deploy_batches WHERE deploy_id = ? ORDER BY batch_index`),
      decide: p("UPDATE deploy_batches SET verdict_status = ?, verdict = ?, score = ?, decided_at = ?, next_check_at = NULL WHERE deploy_id = ? AND batch_index = ?"),
      interim: p("UPDATE deploy_batches SET verdict = ?, score = NULL, next_check_at = ? WHERE deploy_id = ? AND batch_index = ?"),
      // A provisional pass (a bake without a fail) keeps being looked at: a later fail still fails the release.
      provisional: p(`UPDATE deploy_batches SET verdict_status = 'pass', verdict = ?, score = NULL, decided_at = coalesce(decided_at, ?), next_check_at = ?
        WHERE deploy_id = ? AND batch_index = ?`),
      later: p("UPDATE deploy_batches SET next_check_at = ? WHERE deploy_id = ? AND batch_index = ?"),
    };
  }

  async look(d: DueBatch, now: number): Promise<void> {
    const release = await this.releases.get(d.releaseId);
    const rule = this.releases.ruleFor(release);
    if (d.index === d.total || batchSignals(rule).length === 0) return this.mirror(release, d, now);
    const spans = ((await this.s.spans.all(d.deployId)) as unknown as { index: number; hosts: string | null; startedAt: number; windowStart: number | null }[])
      .map((b): BatchSpan => ({ ...b, hosts: b.hosts ? (JSON.parse(b.hosts) as string[]) : [] }));
    const releaseDecided = release.decidedAt !== null && release.latestDeployId === d.deployId;
    const provisional = (await this.stored(d)).verdictStatus === "pass";
    if (provisional && (releaseDecided || watchEnded(spans, d.index))) {
      await this.s.later.run(null, d.deployId, d.index);
      return;
    }
    if (releaseDecided && release.status === "fail") return this.failWithRelease(release, d, now);
    if (!provisional && watchEnded(spans, d.index)) return this.superseded(d);
    const judged = await this.judge.judge(release, rule, spans, d.index, d.total, floorMinute(now - this.graceMs), now);
    const verdict = judged.verdict;
    const next = Math.max(now + MINUTE, (judged.nextLookAt ?? now) + this.graceMs);
    if (!isFinal(verdict)) {
      const target = `${release.service} ${release.version} in ${release.environment}, batch ${d.index} of ${d.total}`;
      const baked = bakedPass(rule, judged, d.index, d.total, target);
      if (baked) {
        await this.s.provisional.run(JSON.stringify(baked), now, next, d.deployId, d.index);
        if (!provisional) await this.recorder.recordBatch(release, baked, rule, now);
      } else if (provisional) await this.s.later.run(next, d.deployId, d.index);
      else await this.s.interim.run(JSON.stringify(verdict), next, d.deployId, d.index);
      return;
    }
    // A provisional pass that the evidence neither confirms nor overturns by the maximum stays as it was.
    if (provisional && verdict.status === "hold") {
      await this.s.later.run(null, d.deployId, d.index);
      return;
    }
    await this.s.decide.run(verdict.status, JSON.stringify(verdict), verdict.score, now, d.deployId, d.index);
    // A failed batch ends the release: its final verdict path alerts and asks for the rule's rollback.
    if (verdict.status === "fail" && release.decidedAt === null && release.latestDeployId === d.deployId) await finalOrBatch(this.store, this.recorder, release, verdict, rule, now);
    else if (!(provisional && verdict.status === "pass")) await this.recorder.recordBatch(release, verdict, rule, now);
  }

  /**
   * A batch still undecided when the next one finished (a person let the pipeline on): its hosts are judged with the
   * next batch's, so looking on would only stall on a shrinking old side and hold.
   */
  private async superseded(d: DueBatch): Promise<void> {
    const row = await this.stored(d);
    const after = d.index + 1 === d.total ? "the release's verdict" : `batch ${d.index + 1}'s verdict`;
    const summary = `Batch ${d.index} of ${d.total} was not decided before batch ${d.index + 1} finished; its hosts are judged in ${after}.`;
    const { decide_by: _by, next_look_at: _next, ...rest } = row.verdict ?? ({ checks: [] } as Partial<Verdict>);
    await this.s.interim.run(JSON.stringify({ ...rest, summary }), null, d.deployId, d.index);
  }

  /** A later batch of a release that has already failed (an earlier batch's late fail) answers fail too: stop. */
  private async failWithRelease(release: ReleaseRow, d: DueBatch, now: number): Promise<void> {
    const summary = `Batch ${d.index} of ${d.total}: the release has already failed. ${release.summary ?? ""}`.trim();
    const v = release.verdict as Verdict | null;
    const verdict = { ...(v ?? { checks: [], rule: release.ruleName ?? "", windows: null, evaluated_at: new Date(now).toISOString() }), status: "fail", score: release.score, final: true, summary };
    await this.s.decide.run("fail", JSON.stringify(verdict), release.score, now, d.deployId, d.index);
  }

  /**
   * The last batch leaves no host on the old version: the release's own verdict (its engine falls back to the
   * forecast, or the hour before) is this batch's, so the two can never disagree.
   */
  private async mirror(release: ReleaseRow, d: DueBatch, now: number): Promise<void> {
    const v = release.verdict as Verdict | null;
    if (release.latestDeployId !== d.deployId || release.decidedAt === null || release.status === "analyzing" || release.status === "pending") {
      await this.s.later.run(now + MINUTE, d.deployId, d.index);
      return;
    }
    const summary = `Batch ${d.index} of ${d.total} left no host on the old version, so its verdict is the release's: ${release.summary ?? v?.summary ?? ""}`;
    const verdict: FinalVerdict = { ...(v ?? { checks: [], rule: release.ruleName ?? "", windows: null as unknown as Verdict["windows"], evaluated_at: new Date(now).toISOString() }),
      status: release.status, score: release.score, final: true, summary };
    await this.s.decide.run(verdict.status, JSON.stringify(verdict), release.score, now, d.deployId, d.index);
  }

  private async stored(d: DueBatch): Promise<{ verdictStatus: string | null; verdict: Verdict | null }> {
    const row = (await this.s.stored.get(d.deployId, d.index)) as { verdictStatus: string | null; verdict: string | null };
    return { verdictStatus: row.verdictStatus, verdict: row.verdict ? (JSON.parse(row.verdict) as Verdict) : null };
  }
}
