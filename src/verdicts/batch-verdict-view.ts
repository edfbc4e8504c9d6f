import { z } from "@hono/zod-openapi";
import { overlayDecision, type DecisionView } from "../decisions/decision-overlay.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import { isProvisional } from "./batch-bake.ts";
import type { BatchRow } from "./batch-verdicts.ts";
import { checkViews, BatchVerdictSchema } from "./verdict-view.ts";
import type { Verdict } from "./verdict.ts";

/** The decisions a batch gate reads: the one in force for this batch (a decision naming another batch does not count). */
export interface BatchDecisions {
  current(releaseId: string, batch?: number): Promise<DecisionView | null>;
}

export const BatchGateSchema = BatchVerdictSchema.extend({
  decide_by: z.string().nullable().openapi({ description: "while analyzing: when this batch's verdict is due at the latest" }),
  next_look_at: z.string().nullable().openapi({ description: "while analyzing: when the data is looked at next (every minute for a concurrent comparison)" }),
  provisional: z.boolean().openapi({
    description: "a pass given after the rule's bake (batches.proceed: bake) with no fail boundary crossed; the next batch may start, " +
      "but the evidence is not yet enough to rule a rise out, the hosts stay watched, and a later fail still fails the release",
  }),
}).openapi("BatchGate");

export type BatchGateView = z.infer<typeof BatchGateSchema>;

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/**
 * "May batch k+1 start?": the batch's own verdict under the decision in force for that batch. The last batch, which
 * leaves no host on the old version, shows the release's own judgement while it is still analyzing.
 */
export function batchGateView(r: ReleaseRow, b: BatchRow, decision: DecisionView | null): BatchGateView {
  const status = (b.verdictStatus ?? "pending") as ReleaseRow["status"];
  const releaseSpeaks = b.verdict === null && b.index === b.total && r.status === "analyzing" && r.latestDeployId === b.deployId;
  const interim = (releaseSpeaks ? r.verdict : b.verdict) as Verdict | null;
  const waiting = b.verdictStatus === "analyzing"
    ? releaseSpeaks ? `Batch ${b.index} of ${b.total} left no host on the old version: ${r.summary ?? "the release is being checked"}`
      : `Batch ${b.index} of ${b.total} is being checked; the first look is after a few minutes of its hosts' traffic.`
    : `Batch ${b.index} of ${b.total} has not finished deploying yet.`;
  const summary = b.decidedAt === null ? (releaseSpeaks ? waiting : interim?.summary ?? waiting) : b.verdict?.summary ?? waiting;
  const gate = overlayDecision({ status, final: b.decidedAt !== null, summary, decided_at: iso(b.decidedAt) }, decision);
  const analyzing = gate.status === "analyzing";
  return {
    release_id: r.id,
    batch: { index: b.index, total: b.total, hosts: b.hosts, deploy_status: b.status },
    status: gate.status,
    final: gate.final,
    score: b.score,
    summary: gate.summary,
    checks: checkViews(interim),
    windows: interim?.windows ?? null,
    decided_at: gate.decided_at,
    decide_by: analyzing ? interim?.decide_by ?? null : null,
    next_look_at: analyzing ? interim?.next_look_at ?? null : null,
    provisional: gate.status === "pass" && status === "pass" && isProvisional(b.verdict),
    engine_status: status,
    decision,
  };
}
