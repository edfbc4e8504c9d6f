import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import { AppError, type FieldError } from "../http/app-error.ts";
import type { Router } from "../http/router.ts";
import { WRITE_ERRORS } from "../http/problem-schema.ts";
import { zodFieldErrors } from "../http/problem.ts";
import { readCappedBody } from "../http/body-size.ts";
import { requireAccess } from "../http/auth.ts";
import { presentedIdentity } from "./adapters/inbound-auth.ts";
import { INBOUND_TOOLS, type InboundAdapter, type InboundHeaders, type InboundRequest } from "./adapters/adapter.ts";
import { createInboundAdapters } from "./adapters/registry.ts";
import { DeployAcceptedSchema, DeployEventSchema, type DeployEventInput } from "./deploy-event.ts";
import type { DeployAccepted } from "./deploy-service.ts";

const WebhookAcceptedSchema = z
  .object({ accepted: z.array(DeployAcceptedSchema), ignored: z.string().optional().openapi({ description: "why the payload held no deploy event" }) })
  .openapi("WebhookAccepted");

const postWebhook = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{tool}",
  summary: "Receive a deploy tool's own webhook (GitHub, GitLab, Argo CD, Flagger, Jenkins, Spinnaker) as deploy events",
  description:
    "Each tool authenticates its own way: GitHub X-Hub-Signature-256, GitLab X-Gitlab-Token, the others an ingest API token " +
    "(Authorization: Bearer, or ?token= for Flagger and Jenkins), checked before the body is read. Bodies are capped per tool " +
    "(GitHub and GitLab 1 MB, Argo CD and Jenkins 2 MB, Flagger 256 KB, Spinnaker 4 MB): larger ones get 413. " +
    "All events of one delivery are stored together or not at all. See docs/integrations/.",
  security: [],
  request: {
    params: z.object({ tool: z.enum(INBOUND_TOOLS).openapi({ param: { name: "tool", in: "path" }, example: "gitlab" }) }),
    // A plain JSON Schema, not zod: the body is read raw, because signatures are over its exact bytes.
    body: { required: true, content: { "application/json": { schema: { type: "object", description: "the tool's own webhook payload" } } } },
  },
  responses: {
    202: { description: "Stored (or ignored, saying why)", content: { "application/json": { schema: WebhookAcceptedSchema } } },
    ...WRITE_ERRORS,
  },
});

export function webhookRoutes(app: Router, c: Container): void {
  const adapters = createInboundAdapters(c.config, c.tokens, c.github);
  app.openapi(postWebhook, async (ctx) => {
    const adapter = adapters[ctx.req.valid("param").tool];
    const headers: InboundHeaders = { header: (name) => ctx.req.header(name), query: (name) => ctx.req.query(name) };
    const signature = await adapter.authorize(headers);
    const body = await readCappedBody(ctx.req.raw, adapter.maxBodyBytes, `A ${adapter.tool} webhook body`, (chunk) => signature?.update(chunk));
    signature?.verify();
    const req: InboundRequest = { ...headers, rawBody: body.toString("utf8") };
    const result = await adapter.read(parseJson(req.rawBody), req);
    const log = ctx.get("logFields");
    log.tool = adapter.tool;
    if ("ignored" in result) {
      log.ignored = true;
      return ctx.json({ accepted: [], ignored: result.ignored }, 202);
    }
    const events = validate(adapter, result.events);
    // A token limited to some services limits the tools that send it too. Tools report a step when it ends, so their
    // event times are not held to the ingest delay (the retention and clock bounds still apply).
    const who = await presentedIdentity(c.tokens, headers);
    for (const e of events) requireAccess(who, e.service, e.environment);
    const accepted = await c.store.write(async () => {
      const stored: DeployAccepted[] = [];
      for (const e of events) stored.push(await c.deploys.record(e, undefined, "step"));
      return stored;
    });
    log.records = accepted.length;
    return ctx.json({ accepted }, 202);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError("MALFORMED_BODY", `The body is not valid JSON: ${(err as Error).message}`);
  }
}

/** The adapters' events pass the same schema as POST /api/v1/deploys, so a webhook can store nothing the API would refuse. */
function validate(adapter: InboundAdapter, events: DeployEventInput[]): DeployEventInput[] {
  const errors: FieldError[] = [];
  const valid = events.flatMap((event, i) => {
    const parsed = DeployEventSchema.safeParse(event);
    if (parsed.success) return [parsed.data];
    errors.push(...zodFieldErrors(parsed.error, events.length > 1 ? `events[${i}]` : ""));
    return [];
  });
  const first = errors[0];
  if (first) throw new AppError("VALIDATION_FAILED", `The ${adapter.tool} payload gives a deploy event that is not valid: ${first.path}: ${first.message}.`, errors);
  if (valid.length === 0) throw new AppError("VALIDATION_FAILED", `The ${adapter.tool} payload holds no deploy event.`);
  return valid;
}
