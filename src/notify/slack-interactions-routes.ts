import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Container } from "../container.ts";
import { AppError } from "../http/app-error.ts";
import type { Router } from "../http/router.ts";
import { validationError } from "../http/problem.ts";
import { WRITE_ERRORS } from "../http/problem-schema.ts";
import { approverRefusal, BlockActionsSchema, pressedButton, REPLAY_ANSWER } from "./slack-interaction.ts";
import { verifySlackRequest } from "./slack-signature.ts";

const PATH = "/api/v1/slack/interactions";

const interactions = createRoute({
  method: "post", path: PATH, security: [],
  summary: "Slack interactivity: the Approve and Roll back buttons on alerts",
  description: "Slack's Request URL. Verified with X-Slack-Signature (DEPLOY_GUARD_SLACK_SIGNING_SECRET) instead of a token; requests older than 5 minutes are refused, and so is a replay of a press already handled. Only the Slack users in DEPLOY_GUARD_SLACK_APPROVERS (or anyone, with `*`) may decide; with no list, presses decide nothing.",
  request: { body: { required: true, content: { "application/x-www-form-urlencoded": { schema: z.object({ payload: z.string().min(2) }) } } } },
  responses: {
    200: { description: "Handled. A refused or senseless press is answered to the presser alone, in Slack" },
    400: WRITE_ERRORS[400], 401: WRITE_ERRORS[401], 404: { description: "Slack interactivity is not configured", content: WRITE_ERRORS[401].content },
    413: WRITE_ERRORS[413], 415: WRITE_ERRORS[415], 422: WRITE_ERRORS[422],
  },
});

/** Checks Slack's signature over the raw body before anything reads it as a form. */
function verifySlack(c: Container): MiddlewareHandler {
  return async (ctx, next) => {
    const secret = c.config.slack.signingSecret;
    if (!secret) throw new AppError("NOT_FOUND", "Slack interactivity is off: set DEPLOY_GUARD_SLACK_SIGNING_SECRET.");
    const body = Buffer.from(await ctx.req.arrayBuffer());
    verifySlackRequest(secret, ctx.req.header("x-slack-request-timestamp"), ctx.req.header("x-slack-signature"), body, c.now());
    return next();
  };
}

export function slackInteractionRoutes(app: Router, c: Container): void {
  app.use(PATH, verifySlack(c));
  app.openapi(interactions, async (ctx) => {
    const payload = ctx.req.valid("form").payload;
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      throw new AppError("MALFORMED_BODY", "payload: not JSON");
    }
    const parsed = BlockActionsSchema.safeParse(json);
    if (!parsed.success) throw validationError(parsed.error, "payload");
    const pressed = parsed.data.type === "block_actions" ? pressedButton(parsed.data, payload) : undefined;
    if (!pressed) return ctx.body(null, 200);
    const user = parsed.data.user;
    const name = user.username ?? user.name ?? user.id;
    ctx.get("logFields").slack = { action: pressed.action, release: pressed.releaseId, user: user.id };
    const tell = (text: string) => {
      if (c.slackApi && parsed.data.channel) {
        void c.slackApi.call("chat.postEphemeral", { channel: parsed.data.channel.id, user: user.id, text }).catch((err: Error) =>
          c.logger.warn({ error: err.message, user: user.id }, "could not answer a Slack button press"));
      }
    };
    // Checked before the approver list, so a replay is refused as a replay whoever's press it copies.
    if (!(await c.slackReplays.firstTime(pressed.pressKey))) {
      tell(REPLAY_ANSWER);
      ctx.get("logFields").refused = "replayed press";
      return ctx.body(null, 200);
    }
    const refusal = approverRefusal(c.config.slack.approvers, user.id);
    if (refusal) {
      tell(refusal);
      ctx.get("logFields").refused = c.config.slack.approvers.length === 0 ? "no approvers configured" : "not an approver";
      return ctx.body(null, 200);
    }
    try {
      const decision = await c.store.write(() => c.decisions.decide({
        releaseId: pressed.releaseId, action: pressed.action, reason: `via Slack by ${name}`, actor: `slack:${user.id}`, via: "slack", slackUserId: user.id,
      }));
      // The edited message says so too; the presser is told at once, so nobody waits for a rollback that will not come.
      if (decision.rollback?.status === "not_configured") tell(decision.rollback.message);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === "INTERNAL") throw err;
      tell(err.message);
      ctx.get("logFields").refused = err.code;
      return ctx.body(null, 200);
    }
    void c.dispatcher.deliverDue().catch(() => undefined);
    return ctx.body(null, 200);
  });
}
