import { z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import { AppError, type FieldError } from "../http/app-error.ts";
import type { Router } from "../http/router.ts";
import { requireScope } from "../http/auth.ts";
import { parseBodyRecords } from "../http/body-records.ts";
import { WRITE_ERRORS } from "../http/problem-schema.ts";
import { zodFieldErrors } from "../http/problem.ts";
import { DeployAcceptedSchema, DeployEventSchema, type DeployEventInput } from "./deploy-event.ts";
import type { DeployAccepted } from "./deploy-service.ts";

const MAX_EVENTS = 10_000;

/**
 * Many deploy events in one request, for orchestrators that roll out thousands of deploys an hour: validated all
 * first, then recorded in order in one transaction, so the batch is stored whole or not at all.
 */
export function deployBatchRoutes(app: Router, c: Container): void {
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/api/v1/deploys/batch",
    summary: "Record many deploy events at once (JSON {events: [...]} or NDJSON), in order, all or nothing",
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ events: z.array(DeployEventSchema) }) }, "application/x-ndjson": { schema: DeployEventSchema } },
      },
    },
    responses: {
      202: { description: "All stored", content: { "application/json": { schema: z.object({ results: z.array(DeployAcceptedSchema) }) } } },
      ...WRITE_ERRORS,
    },
  });
  app.post("/api/v1/deploys/batch", requireScope(c.tokens, "ingest"), async (ctx) => {
    const body = parseBodyRecords(ctx.req.header("content-type"), await ctx.req.text(), "events");
    if (body.records.length > MAX_EVENTS) throw new AppError("PAYLOAD_TOO_LARGE", `At most ${MAX_EVENTS} deploy events a request; this one has ${body.records.length}.`);
    const events: DeployEventInput[] = [];
    const errors: FieldError[] = [];
    body.records.forEach((record, i) => {
      const parsed = DeployEventSchema.safeParse(record);
      if (parsed.success) events.push(parsed.data);
      else if (errors.length < 100) errors.push(...zodFieldErrors(parsed.error, body.where(i)));
    });
    if (errors.length > 0) {
      throw new AppError("VALIDATION_FAILED", `Nothing of the ${body.records.length} events was stored: ${errors[0]!.path}: ${errors[0]!.message}.`, errors.slice(0, 100));
    }
    const results = await c.store.write(async () => {
      const accepted: DeployAccepted[] = [];
      for (const e of events) accepted.push(await c.deploys.record(e, ctx.get("token")));
      return accepted;
    });
    ctx.get("logFields").records = results.length;
    return ctx.json({ results }, 202);
  });
}
