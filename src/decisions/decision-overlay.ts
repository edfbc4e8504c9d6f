import { z } from "@hono/zod-openapi";
import { DECISION_ACTIONS, DECISION_CHANNELS, DECISION_FEEDBACK, type ReleaseStatus } from "../store/schema/index.ts";

export type DecisionAction = (typeof DECISION_ACTIONS)[number];
export type DecisionChannel = (typeof DECISION_CHANNELS)[number];
export type DecisionFeedback = (typeof DECISION_FEEDBACK)[number];

/** What became of a rollback decision; "done" only once a rollback deploy-guard ran has succeeded. */
export const ROLLBACK_OUTCOMES = ["not_configured", "requested", "done", "failed"] as const;
export type RollbackOutcome = { status: (typeof ROLLBACK_OUTCOMES)[number]; message: string };

export interface DecisionView {
  action: DecisionAction;
  actor: string;
  reason: string;
  at: string;
  via: DecisionChannel;
  /** The batch of a rolling deploy the decision is about; null for the whole release. */
  batch: number | null;
  signal: string | null;
  feedback: DecisionFeedback | null;
  /** For rollback: whether anything was, or will be, rolled back. */
  rollback: RollbackOutcome | null;
}

export const RollbackOutcomeSchema = z
  .object({ status: z.enum(ROLLBACK_OUTCOMES), message: z.string() })
  .openapi("RollbackOutcome", { description: "not_configured: nothing will be rolled back by deploy-guard; roll back by hand" });

export const DecisionSchema = z
  .object({
    action: z.enum(DECISION_ACTIONS),
    actor: z.string().openapi({ description: "the token's name, or the Slack or dashboard user" }),
    reason: z.string(),
    at: z.string(),
    via: z.enum(DECISION_CHANNELS),
    batch: z.number().int().nullable().openapi({ description: "the batch the decision is about; null: the release and all its batches" }),
    signal: z.string().nullable().openapi({ description: "skip: the signal set aside" }),
    feedback: z.enum(DECISION_FEEDBACK).nullable().openapi({ description: "mark_wrong: what the engine got wrong" }),
    rollback: RollbackOutcomeSchema.nullable(),
  })
  .openapi("Decision", { description: "an operator's decision; approve, hold and rollback are what the gate answers while in force" });

/** The actions that set the gate's answer; retry hands the gate back to the engine, skip and mark_wrong leave it. */
export const GATE_ACTIONS = ["approve", "hold", "rollback"] as const satisfies readonly DecisionAction[];
export const DECIDED_STATUS: Partial<Record<DecisionAction, ReleaseStatus>> = { approve: "pass", rollback: "fail", hold: "hold" };
export const DONE = {
  approve: "Approved", hold: "Held", rollback: "Roll back asked", retry: "Judged again", skip: "Signal set aside", mark_wrong: "Marked wrong",
} as const satisfies Record<DecisionAction, string>;

export interface GateFields {
  status: ReleaseStatus;
  final: boolean;
  summary: string;
  decided_at: string | null;
}

/** Says what was done and nothing more: "Rolled back" only after a rollback ran. `at`, when given, follows the actor. */
export function decisionHeadline(d: Pick<DecisionView, "action" | "actor" | "rollback">, at?: string): string {
  const by = `by ${d.actor}${at ? ` at ${at}` : ""}`;
  if (d.action !== "rollback") return `${DONE[d.action]} ${by}`;
  switch (d.rollback?.status) {
    case "done":
      return `Rolled back ${by}`;
    case "requested":
      return `Roll back requested ${by} — deploy-guard is rolling back`;
    case "failed":
      return `Roll back asked ${by} — deploy-guard's rollback failed; roll back by hand`;
    default:
      return `Roll back asked ${by} — roll back by hand`;
  }
}

/** The gate's answer under a decision; approve and rollback are final, a hold keeps the pipeline waiting for a person. */
export function overlayDecision(engine: GateFields, decision: DecisionView | null): GateFields {
  const status = decision && DECIDED_STATUS[decision.action];
  if (!decision || !status) return engine;
  const hold = decision.action === "hold";
  const note = decision.rollback && decision.rollback.status !== "done" && decision.rollback.status !== "requested" ? `. ${decision.rollback.message}` : "";
  return {
    status,
    final: !hold,
    summary: `${decisionHeadline(decision)}: ${decision.reason}${note} (the engine's verdict: ${engine.status} — ${engine.summary})`,
    decided_at: hold ? null : decision.at,
  };
}
