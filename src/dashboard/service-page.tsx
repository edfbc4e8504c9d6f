import { createRoute, z } from "@hono/zod-openapi";
import type { Child } from "hono/jsx";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import { Charts } from "./chart.tsx";
import type { DashboardDefinition, PanelKind } from "./definitions/definition-schema.ts";
import { millis, percent, utcTime } from "./format.ts";
import { Layout } from "./layout.tsx";
import { pageContext, type PageContext } from "./page-context.ts";
import { HTML_PAGE, renderPage } from "./page-response.ts";
import { hourLabel } from "./quiet-hour.ts";
import { HISTORY_DAYS, serviceData, type ServiceData } from "./service-data.ts";
import { LIGHTS, StatusLight } from "./status-light.tsx";
import { viewerZone } from "./viewer-zone.ts";

const RANGES = [24, 72, 168] as const;

const page = createRoute({
  method: "get", path: "/services/{service}", summary: "Dashboard: one service's releases, health, traffic and quietest hour", tags: ["dashboard"],
  request: {
    params: z.object({ service: z.string().min(1).max(200).openapi({ param: { name: "service", in: "path" } }) }),
    query: z.object({
      environment: z.string().min(1).max(200).optional(),
      hours: z.coerce.number().pipe(z.union(RANGES.map((h) => z.literal(h)))).default(24).openapi({ description: "24, 72 or 168" }),
      lang: z.string().optional(),
    }),
  },
  responses: { ...HTML_PAGE, 422: { description: "A bad query parameter" } },
});

export function servicePageRoutes(app: Router, c: Container): void {
  app.openapi(page, async (ctx) => {
    const { service } = ctx.req.valid("param");
    const { environment, hours } = ctx.req.valid("query");
    const p = await pageContext(ctx, c);
    const definition = c.dashboards.dashboardFor(service);
    const d = await serviceData(c, service, environment, hours, p.t, viewerZone(ctx).zone);
    // The capacity page answers 404 without a model, so the link appears only where there is one.
    const capacity = c.capacity.modelFor({ ruleName: null, service, environment: d.environment }) !== undefined;
    return renderPage(ctx, <ServicePage p={p} d={d} hours={hours} definition={definition} capacity={capacity} />);
  });
}

function rpm(perMinute: number): string {
  return perMinute >= 10 ? String(Math.round(perMinute)) : String(Math.round(perMinute * 10) / 10);
}

type Section = "health" | "quiet" | "charts" | "history" | "capacity";

/** Which page section shows each panel kind of a dashboard definition (dashboards/*.yaml). */
const SECTION_OF: Record<PanelKind, Section[]> = {
  verdict_board: ["health", "history"],
  error_rate: ["quiet", "charts"],
  latency: ["charts"],
  metric: ["charts"],
  deploy_markers: ["charts"],
  capacity: ["capacity"],
};

/** The sections in the order the definition's panels ask for them; each appears once, where it is first needed. */
export function sectionsFor(definition: DashboardDefinition): Section[] {
  return [...new Set(definition.panels.flatMap((panel) => SECTION_OF[panel.kind]))];
}

function ServicePage({ p, d, hours, definition, capacity }: { p: PageContext; d: ServiceData; hours: number; definition: DashboardDefinition; capacity: boolean }) {
  const { t } = p;
  const base = `/services/${encodeURIComponent(d.service)}?environment=${encodeURIComponent(d.environment)}`;
  const latest = d.releases[0];
  const sections: Record<Section, () => Child> = {
    capacity: () => capacity && <p><a href={`/services/${encodeURIComponent(d.service)}/capacity?environment=${encodeURIComponent(d.environment)}`}>{t("nav.capacity")} →</a></p>,
    health: () => (
      <section>
        <h2>{t("service.health")}</h2>
        {latest && <p><StatusLight status={latest.status} t={t} /> <a href={`/releases/${encodeURIComponent(latest.id)}`}>{t("service.latest", { version: latest.version })}</a></p>}
        <p>{d.health
          ? t("service.health.now", { rpm: rpm(d.health.perMinute), errors: percent(d.health.errorRate), latency: millis(d.health.latencyMs) })
          : t("service.health.none")}</p>
      </section>
    ),
    quiet: () => (
      <section>
        <h2>{t("service.quiet")}</h2>
        <p class="quiet">{d.quiet
          ? t("service.quiet.found", { from: hourLabel(d.quiet.hour), to: hourLabel(d.quiet.hour + 1), rpm: rpm(d.quiet.perMinute), zone: d.zone })
          : t("service.quiet.none")}</p>
        {d.quiet && <p class="hint">{d.quiet.days === 1 ? t("service.quiet.basis.one") : t("service.quiet.basis", { days: Math.min(d.quiet.days, HISTORY_DAYS) })}</p>}
      </section>
    ),
    charts: () => (
      <section>
        <h2>{t("service.charts", { hours })}</h2>
        <nav class="pills" aria-label={t("service.range")}>
          {RANGES.map((h) => <a href={`${base}&hours=${h}`} aria-current={h === hours ? "page" : undefined}>{h < 48 ? t("service.range.hours", { hours: h }) : t("service.range.days", { days: h / 24 })}</a>)}
        </nav>
        <Charts id="service-chart" data={d.chart} t={t} />
      </section>
    ),
    history: () => (
      <section>
        <h2>{t("service.history")}</h2>
        {d.releases.length === 0 ? <p class="empty">{t("service.noReleases")}</p> : (
          <ol class="releases">
            {d.releases.map((r) => (
              <li class={`release tone-${LIGHTS[r.status].tone}`} data-release={r.id}>
                <div class="release-head">
                  <StatusLight status={r.status} t={t} />
                  <a class="release-name" href={`/releases/${encodeURIComponent(r.id)}`}>{r.version}</a>
                  <time datetime={r.deploy_started_at ?? r.created_at}>{utcTime(Date.parse(r.deploy_started_at ?? r.created_at))}</time>
                </div>
                <p class="summary">{r.summary}</p>
                {r.would_have && r.would_have !== "pass" && <p class="hint" data-would-have={r.would_have}>{t("board.wouldHave", { status: t(`status.${r.would_have}`) })}</p>}
              </li>
            ))}
          </ol>
        )}
      </section>
    ),
  };
  return (
    <Layout title={d.service} lang={p.lang} page={p} scripts={["uplot.min.js", "charts.js"]}>
      <h1>{t("service.title", { service: d.service })} <span class="env">{d.environment}</span></h1>
      <p class="hint" data-dashboard={definition.name}>{definition.title}{definition.team ? ` · ${definition.team}` : ""}</p>
      {d.environments.length > 1 && (
        <nav class="pills" aria-label={t("service.environment")}>
          {d.environments.map((e) => <a href={`/services/${encodeURIComponent(d.service)}?environment=${encodeURIComponent(e)}`} aria-current={e === d.environment ? "page" : undefined}>{e}</a>)}
        </nav>
      )}
      {sectionsFor(definition).map((section) => sections[section]())}
    </Layout>
  );
}
