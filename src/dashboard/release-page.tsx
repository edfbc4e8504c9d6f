import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Container } from "../container.ts";
import { AppError, statusOf } from "../http/app-error.ts";
import type { Router } from "../http/router.ts";
import { WRITE_ERRORS } from "../http/problem-schema.ts";
import { DECISION_ACTIONS, DECISION_FEEDBACK } from "../store/schema/index.ts";
import { Charts } from "./chart.tsx";
import { checkFormPost } from "./dashboard-access.ts";
import { Layout } from "./layout.tsx";
import { pageContext, type PageContext } from "./page-context.ts";
import { HTML_PAGE, renderPage } from "./page-response.ts";
import { releaseData, type ReleaseData } from "./release-data.ts";
import { Changes, Done, EngineerDetails, MoreActions } from "./release-sections.tsx";
import type { GATE_ACTIONS } from "../decisions/decision-overlay.ts";
import { shortVersion } from "./format.ts";
import { lightOf, releaseSentence, type Reader } from "./release-words.ts";
import { StatusLight } from "./status-light.tsx";
import { viewerZone, ZoneQuery } from "./viewer-zone.ts";

type GateAction = (typeof GATE_ACTIONS)[number];

// Empty form fields mean "not given": a select left at its blank option posts "".
const blank = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
const DecisionForm = z.object({
  action: z.enum(DECISION_ACTIONS), reason: z.string().max(1000), csrf: z.string().max(200),
  signal: blank(z.string().max(100)), feedback: blank(z.enum(DECISION_FEEDBACK)), batch: blank(z.coerce.number().int().min(1)),
});

const IdParam = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) });

const page = createRoute({
  method: "get", path: "/releases/{id}", summary: "Dashboard: one release — the verdict in words, what was done, the details for engineers", tags: ["dashboard"],
  request: { params: IdParam, query: z.object({ done: z.literal("1").optional(), tz: ZoneQuery }) },
  responses: { ...HTML_PAGE, 422: WRITE_ERRORS[422] },
});
const decide = createRoute({
  method: "post", path: "/releases/{id}/decision", summary: "Dashboard: an operator approves, rolls back or holds a release (session cookie + CSRF token)", tags: ["dashboard"],
  request: {
    params: IdParam,
    body: { required: true, content: { "application/x-www-form-urlencoded": { schema: DecisionForm } } },
  },
  responses: { 303: { description: "Decided; back to the release page" }, 403: WRITE_ERRORS[403], 409: HTML_PAGE[200], 422: HTML_PAGE[200] },
});

export function releasePageRoutes(app: Router, c: Container): void {
  app.openapi(page, async (ctx) => {
    const p = await pageContext(ctx, c);
    const { id } = ctx.req.valid("param");
    return show(ctx, c, p, id, ctx.req.valid("query").done ? p.t("action.done") : undefined);
  });
  app.openapi(decide, async (ctx) => {
    const p = await pageContext(ctx, c);
    const { id } = ctx.req.valid("param");
    const { csrf, ...form } = ctx.req.valid("form");
    if (!p.operator) throw new AppError("FORBIDDEN", "Approving, rolling back or holding a release needs a token with the 'operator' scope.");
    checkFormPost(ctx, p.viewer, c.config.publicUrl, csrf);
    try {
      await c.store.write(async () => c.decisions.decide({ ...form, releaseId: id, actor: p.viewer.identity!.name, via: "dashboard" }));
    } catch (err) {
      if (!(err instanceof AppError) || err.code === "INTERNAL" || err.code === "NOT_FOUND") throw err;
      return show(ctx, c, p, id, undefined, { message: err.message, status: statusOf(err.code) === 409 ? 409 : 422 });
    }
    return ctx.redirect(`/releases/${encodeURIComponent(id)}?done=1#actions`, 303);
  });
}

async function show(ctx: Context, c: Container, p: PageContext, id: string, notice?: string, error?: { message: string; status: 409 | 422 }) {
  const zone = viewerZone(ctx);
  let d: ReleaseData;
  try {
    d = await releaseData(c, id, p.t, zone.zone);
  } catch (err) {
    if (!(err instanceof AppError && err.code === "NOT_FOUND")) throw err;
    return renderPage(ctx, <Layout title={p.t("notFound.title")} lang={p.lang} page={p}><h1>{p.t("notFound.title")}</h1><p>{p.t("notFound.release", { id })}</p></Layout>, 404);
  }
  const reader: Reader = { t: p.t, lang: p.lang, zone: zone.zone };
  return renderPage(ctx, <ReleasePage p={p} d={d} reader={reader} zoneAssumed={zone.assumed} notice={notice} error={error?.message} />, error?.status ?? 200);
}

function ReleasePage({ p, d, reader, zoneAssumed, notice, error }: { p: PageContext; d: ReleaseData; reader: Reader; zoneAssumed: boolean; notice: string | undefined; error: string | undefined }) {
  const { t } = p;
  const v = d.verdict;
  const version = shortVersion(v.version);
  return (
    <Layout title={`${v.service} ${version}`} lang={p.lang} page={p} scripts={["uplot.min.js", "charts.js", "board.js"]}>
      <p class="crumbs"><a href={`/services/${encodeURIComponent(v.service)}?environment=${encodeURIComponent(v.environment)}`} translate="no">{v.service}</a> · {t("release.in", { environment: v.environment })}</p>
      <h1 translate="no" title={version === v.version ? undefined : v.version}>{t("release.title", { service: v.service, version })}</h1>
      <section class="verdict" aria-labelledby="verdict-h">
        <h2 id="verdict-h" class="visually-hidden">{t("release.verdict")}</h2>
        <StatusLight status={lightOf(d.facts)} t={t} large />
        <p class="sentence">{releaseSentence(d.facts, reader)}</p>
        {v.decision && <p class="hint">{t("release.decidedBy", { actor: v.decision.actor, action: t(`action.${v.decision.action as GateAction}.done`), engine: t(`status.${v.engine_status ?? v.status}`) })}</p>}
        {v.decision?.rollback && v.decision.rollback.status !== "done" && <p class={`notice ${v.decision.rollback.status === "requested" ? "tone-grey" : "tone-red"}`} data-rollback={v.decision.rollback.status}>{t(`rollback.${v.decision.rollback.status}`)}</p>}
        <p class="hint" data-zone={reader.zone} data-zone-assumed={zoneAssumed ? "1" : undefined}>{zoneAssumed ? t("zone.assumed") : t("zone.shown", { zone: reader.zone })}</p>
      </section>
      <section>
        <h2>{t("release.changed")}</h2>
        <Changes d={d} reader={reader} />
      </section>
      <section>
        <h2>{t("release.charts")}</h2>
        <p class="hint">{t("release.chartHelp")}</p>
        <Charts id="release-chart" data={d.chart} t={t} lang={p.lang} />
      </section>
      <section id="actions">
        <h2>{t("release.done")}</h2>
        {notice && <p class="notice tone-green" role="status">{notice}</p>}
        {error && <p class="notice tone-red" role="alert">{t("action.failed", { message: error })}</p>}
        <Done d={d} reader={reader} />
        {p.operator && <Actions p={p} id={v.release_id} />}
        {p.operator && <MoreActions p={p} d={d} reader={reader} />}
      </section>
      <section>
        <EngineerDetails d={d} t={t} />
      </section>
    </Layout>
  );
}

/** Shown only to an operator; the hidden CSRF token is derived from the session, never the token itself. */
function Actions({ p, id }: { p: PageContext; id: string }) {
  const { t } = p;
  return (
    <form method="post" action={`/releases/${encodeURIComponent(id)}/decision`} class="actions">
      <h3>{t("action.title")}</h3>
      <p class="hint">{t("action.help")}</p>
      <input type="hidden" name="csrf" value={p.viewer.csrf ?? ""} />
      <label for="reason">{t("action.reason")}</label>
      <textarea id="reason" name="reason" rows={2} maxlength={1000} required></textarea>
      <div class="buttons">
        <button type="submit" name="action" value="approve" class="tone-green">✓ {t("action.approve")}</button>
        <button type="submit" name="action" value="hold" class="tone-grey">‖ {t("action.hold")}</button>
        <button type="submit" name="action" value="rollback" class="tone-red">↶ {t("action.rollback")}</button>
      </div>
    </form>
  );
}
