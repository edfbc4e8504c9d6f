import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { mayRead, requireScope } from "../http/auth.ts";
import { READ_ERRORS, WRITE_ERRORS } from "../http/problem-schema.ts";
import { RELEASE_STATUSES } from "../store/schema/index.ts";
import { AlreadyDecidedError, ReleaseChangedError } from "./verdict-recorder.ts";
import { AppError } from "../http/app-error.ts";
import { batchGateView, BatchGateSchema, type BatchDecisions } from "./batch-verdict-view.ts";
import { ReleaseViewSchema, VerdictViewSchema } from "./verdict-view.ts";

const IdParam = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const list = createRoute({
  method: "get", path: "/api/v1/releases", summary: "Recent releases, newest first",
  request: {
    query: z.object({
      service: z.string().optional(), environment: z.string().optional(), version: z.string().optional(),
      status: z.enum(RELEASE_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
  },
  responses: { 200: json(z.object({ releases: z.array(ReleaseViewSchema) }), "Releases"), ...READ_ERRORS, 422: WRITE_ERRORS[422] },
});

const get = createRoute({
  method: "get", path: "/api/v1/releases/{id}", summary: "One release with its deploys and batches",
  request: { params: IdParam },
  responses: { 200: json(ReleaseViewSchema.extend({ deploys: z.array(z.any()) }), "The release"), ...READ_ERRORS },
});

const verdict = createRoute({
  method: "get", path: "/api/v1/releases/{id}/verdict", summary: "The verdict a pipeline polls: pass, warn, fail or hold (or pending/analyzing while waiting)",
  request: { params: IdParam },
  responses: { 200: json(VerdictViewSchema, "The latest verdict"), ...READ_ERRORS },
});

/** A forced evaluation whose release keeps changing while its sources are read answers 409 after this many tries. */
const FORCED_ATTEMPTS = 3;

const evaluate = createRoute({
  method: "post", path: "/api/v1/releases/{id}/evaluate", summary: "Judge the release now, with the data there is; the verdict is final",
  request: { params: IdParam },
  responses: { 200: json(VerdictViewSchema, "The new verdict, or the final one already recorded (by the scheduler, another replica or a person)"), ...READ_ERRORS, 409: WRITE_ERRORS[422] },
});

const BatchParams = IdParam.extend({ index: z.coerce.number().int().min(1).openapi({ param: { name: "index", in: "path" } }) });

const batches = createRoute({
  method: "get", path: "/api/v1/releases/{id}/batches", summary: "The batches of the release's latest deploy, each with its own verdict",
  request: { params: IdParam },
  responses: { 200: json(z.object({ batches: z.array(BatchGateSchema) }), "Batches"), ...READ_ERRORS },
});

const batchVerdict = createRoute({
  method: "get", path: "/api/v1/releases/{id}/batches/{index}/verdict", summary: "The verdict of batch k of a rolling deploy, for a pipeline that stops after batch k",
  request: { params: BatchParams },
  responses: { 200: json(BatchGateSchema, "The batch's verdict: analyzing (with decide_by) until decisive, then pass to go on or fail to stop"), ...READ_ERRORS },
});

export function releaseRoutes(app: Router, c: Container): void {
  const read = requireScope(c.tokens, "read", c.config.openReads);
  app.use("/api/v1/releases", read);
  app.use("/api/v1/releases/:id", read);
  app.use("/api/v1/releases/:id/verdict", read);
  app.use("/api/v1/releases/:id/evaluate", requireScope(c.tokens, "operator"));
  app.use("/api/v1/releases/:id/batches", read);
  app.use("/api/v1/releases/:id/batches/*", read);
  // A decision naming batch k answers only batch k's gate (issue 12); a one-argument current() ignores the batch.
  const decisions: BatchDecisions = c.decisions;
  app.openapi(batches, async (ctx) => {
    const release = await c.verdicts.get(ctx.req.valid("param").id);
    const views = [];
    for (const b of await c.batches.ofRelease(release)) views.push(batchGateView(release, b, await decisions.current(release.id, b.index)));
    return ctx.json({ batches: views }, 200);
  });
  app.openapi(batchVerdict, async (ctx) => {
    const { id, index } = ctx.req.valid("param");
    const release = await c.verdicts.get(id);
    const batch = (await c.batches.ofRelease(release)).find((b) => b.index === index);
    if (!batch) throw new AppError("NOT_FOUND", `Release ${id} has no batch ${index} in its latest deploy.`);
    return ctx.json(batchGateView(release, batch, await decisions.current(id, index)), 200);
  });
  app.openapi(list, async (ctx) => {
    // A token limited to some services lists only theirs.
    const who = ctx.get("token");
    const rows = (await c.releases.list(ctx.req.valid("query"))).filter((r) => mayRead(who, r.service, r.environment));
    const releases = [];
    for (const r of rows) releases.push(await c.views.release(r));
    return ctx.json({ releases }, 200);
  });
  app.openapi(get, async (ctx) => {
    const { id } = ctx.req.valid("param");
    return ctx.json({ ...(await c.views.release(await c.verdicts.get(id))), deploys: await c.releases.deploysOf(id) }, 200);
  });
  app.openapi(verdict, async (ctx) => {
    const { id } = ctx.req.valid("param");
    return ctx.json(await c.views.verdict(await c.verdicts.get(id)), 200);
  });
  app.openapi(evaluate, async (ctx) => {
    const { id } = ctx.req.valid("param");
    const actor = ctx.get("tokenName");
    for (let attempt = 1; ; attempt++) {
      try {
        const prepared = await c.verdicts.prepareNow(id);
        const row = await c.store.write(async () => {
          const judged = await c.verdicts.judgeNow(prepared);
          await c.audit.record("evaluation_forced", judged, actor, `Evaluated now by ${actor}: the engine says ${judged.status}.`, { engine_status: judged.status, score: judged.score });
          return judged;
        });
        return ctx.json(await c.views.verdict(row), 200);
      } catch (err) {
        // Decided already, or meanwhile (the scheduler here or on another replica, or a person): that final verdict is the answer.
        if (err instanceof AlreadyDecidedError) return ctx.json(await c.views.verdict(await c.verdicts.get(id)), 200);
        // Claimed or looked at by the scheduler while the sources were read: judge again on what is stored now.
        if (!(err instanceof ReleaseChangedError) || attempt >= FORCED_ATTEMPTS) throw err;
      }
    }
  });
}
