import { z } from "@hono/zod-openapi";
import type { DecisionAction } from "../decisions/decision-overlay.ts";
import { APPROVE_ACTION, ROLLBACK_ACTION } from "./slack-message.ts";

/** The part of Slack's block_actions payload deploy-guard reads; Slack sends much more, which is ignored. */
export const BlockActionsSchema = z.object({
  type: z.string(),
  user: z.object({ id: z.string().min(1).max(64), username: z.string().optional(), name: z.string().optional() }),
  channel: z.object({ id: z.string() }).optional(),
  trigger_id: z.string().max(200).optional(),
  actions: z.array(z.object({ action_id: z.string().max(255), value: z.string().max(200).optional(), action_ts: z.string().max(64).optional() })).default([]),
});
export type BlockActions = z.infer<typeof BlockActionsSchema>;

export const BUTTONS: Record<string, DecisionAction> = { [APPROVE_ACTION]: "approve", [ROLLBACK_ACTION]: "rollback" };

export interface PressedButton {
  action: DecisionAction;
  releaseId: string;
  /** The same for every copy of this one press (Slack's trigger_id and action_ts), different for the next press. */
  pressKey: string;
}

/** The button pressed, if it is one of ours and names a release. */
export function pressedButton(p: BlockActions, signedPayload: string): PressedButton | undefined {
  for (const a of p.actions) {
    const action = BUTTONS[a.action_id];
    if (!action || !a.value) continue;
    // Slack always sends both ids; without them the signed payload itself is the press.
    const ids = p.trigger_id || a.action_ts ? [p.trigger_id ?? "", a.action_ts ?? ""] : [signedPayload];
    return { action, releaseId: a.value, pressKey: JSON.stringify([...ids, a.action_id, a.value, p.user.id]) };
  }
  return undefined;
}

/** Whose presses may decide, as configured: a list of Slack user ids, "anyone" (chosen explicitly), or nobody. */
export function approverRefusal(approvers: string[] | "anyone", userId: string): string | undefined {
  if (approvers === "anyone" || approvers.includes(userId)) return undefined;
  if (approvers.length === 0) {
    return "No approvers are configured for deploy-guard's buttons (DEPLOY_GUARD_SLACK_APPROVERS), so nothing was decided. Decide on the dashboard, or ask an admin to list the Slack user ids who may.";
  }
  return "You are not on deploy-guard's list of approvers (DEPLOY_GUARD_SLACK_APPROVERS); nothing was decided.";
}

export const REPLAY_ANSWER = "This button press was already handled; a repeat of the same press decides nothing. Press the button again if you meant a new decision.";
