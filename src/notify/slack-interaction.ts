import { z } from "@hono/zod-openapi";
import type { DecisionAction } from "../decisions/decision-overlay.ts";
import { APPROVE_ACTION, ROLLBACK_ACTION } from "./slack-message.ts";

/** The part of Slack's block_actions payload deploy-guard reads; Slack sends much more, which is ignored. */
export const BlockActionsSchema = z.object({
  type: z.string(),
  user: z.object({ id: z.string().min(1).max(64), username: z.string().optional(), name: z.string().optional() }),
  channel: z.object({ id: z.string() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().max(200).optional() })).default([]),
});
export type BlockActions = z.infer<typeof BlockActionsSchema>;

export const BUTTONS: Record<string, DecisionAction> = { [APPROVE_ACTION]: "approve", [ROLLBACK_ACTION]: "rollback" };

/** The button pressed, if it is one of ours and names a release. */
export function pressedButton(p: BlockActions): { action: DecisionAction; releaseId: string } | undefined {
  for (const a of p.actions) {
    const action = BUTTONS[a.action_id];
    if (action && a.value) return { action, releaseId: a.value };
  }
  return undefined;
}
