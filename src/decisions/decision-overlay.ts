import { z } from "@hono/zod-openapi";
import { DECISION_ACTIONS, DECISION_CHANNELS, type ReleaseStatus } from "../store/schema/index.ts";

export type DecisionAction = (typeof DECISION_ACTIONS)[number];
export type DecisionChannel = (typeof DECISION_CHANNELS)[number];

export interface DecisionView {
  action: DecisionAction;
  actor: string;
  reason: string;
  at: string;
  via: DecisionChannel;
}

export const DecisionSchema = z
  .object({
    action: z.enum(DECISION_ACTIONS),
    actor: z.string().openapi({ description: "the token's name, or the Slack or dashboard user" }),
    reason: z.string(),
    at: z.string(),
    via: z.enum(DECISION_CHANNELS),
  })
  .openapi("Decision", { description: "an operator's decision; while present it is what the gate answers" });

/** What the gate answers under each decision: approve lets the pipeline go on, rollback stops it, hold makes it wait. */
export const DECIDED_STATUS = { approve: "pass", rollback: "fail", hold: "hold" } as const satisfies Record<DecisionAction, ReleaseStatus>;
export const DONE = { approve: "Approved", rollback: "Rolled back", hold: "Held" } as const satisfies Record<DecisionAction, string>;

export interface GateFields {
  status: ReleaseStatus;
  final: boolean;
  summary: string;
  decided_at: string | null;
}

/** The gate's answer under a decision; approve and rollback are final, a hold keeps the pipeline waiting for a person. */
export function overlayDecision(engine: GateFields, decision: DecisionView | null): GateFields {
  if (!decision) return engine;
  const hold = decision.action === "hold";
  return {
    status: DECIDED_STATUS[decision.action],
    final: !hold,
    summary: `${DONE[decision.action]} by ${decision.actor}: ${decision.reason} (the engine's verdict: ${engine.status} — ${engine.summary})`,
    decided_at: hold ? null : decision.at,
  };
}
