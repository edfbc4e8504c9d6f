import { createRoute, z } from "@hono/zod-openapi";
import type { Container } from "../container.ts";
import type { Router } from "../http/router.ts";
import type { DoraMeasures, WeekCount } from "./dora-measures.ts";
import type { Translate } from "./i18n/i18n.ts";
import { Layout } from "./layout.tsx";
import { HoursChart, WeeksChart } from "./manager-charts.tsx";
import { managerData, type ManagerData } from "./manager-data.ts";
import { pageContext, type PageContext } from "./page-context.ts";
import { HTML_PAGE, renderPage } from "./page-response.ts";
import { hourLabel, type HourProfile } from "./quiet-hour.ts";
import { viewerZone, ZoneQuery } from "./viewer-zone.ts";

const PERIODS = [4, 12, 26] as const;
const MINUTE = 60_000;

const page = createRoute({
  method: "get", path: "/manager", summary: "Dashboard: the DORA measures and the quietest time to deploy, for all services and each one", tags: ["dashboard"],
  request: {
    query: z.object({
      environment: z.string().min(1).max(200).optional(),
      service: z.string().min(1).max(200).optional(),
      weeks: z.coerce.number().pipe(z.union(PERIODS.map((w) => z.literal(w)))).default(12).openapi({ description: "4, 12 or 26" }),
      tz: ZoneQuery,
      lang: z.string().optional(),
    }),
  },
  responses: { ...HTML_PAGE, 422: { description: "A bad query parameter" } },
});

export function managerPageRoutes(app: Router, c: Container): void {
  app.openapi(page, async (ctx) => {
    const { environment, service, weeks } = ctx.req.valid("query");
    const p = await pageContext(ctx, c);
    const d = await managerData(c, environment, weeks, viewerZone(ctx).zone);
    return renderPage(ctx, <ManagerPage p={p} d={d} service={service} />);
  });
}

/** "45 min", "3 h 20 min", "2.5 days". */
export function duration(ms: number | null, t: Translate): string {
  if (ms === null) return "—";
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 60) return t("manager.minutes", { n: minutes });
  if (minutes < 48 * 60) return minutes % 60 === 0 ? t("manager.hours", { h: minutes / 60 }) : t("manager.hoursMinutes", { h: Math.floor(minutes / 60), m: minutes % 60 });
  return t("manager.days", { n: Math.round(minutes / 144) / 10 });
}

/** "21 Nov" for the day an instant falls on in the zone. */
const shortDate = (ms: number, zone: string, locale: string) => new Intl.DateTimeFormat(locale, { timeZone: zone, day: "numeric", month: "short" }).format(ms);

const pct = (f: number | null) => (f === null ? "—" : `${Math.round(f * 1000) / 10} %`);
const perWeek = (n: number) => String(Math.round(n * 10) / 10);

function Measure({ name, value, line, id }: { name: string; value: string; line: string; id: string }) {
  return (
    <div class="measure" data-measure={id}>
      <h3>{name}</h3>
      <p class="value">{value}</p>
      <p class="hint">{line}</p>
    </div>
  );
}

function Measures({ m, quiet, p, d }: { m: DoraMeasures; quiet: HourProfile | null; p: PageContext; d: ManagerData }) {
  const { t } = p;
  const q = quiet?.quietest;
  return (
    <div class="measures">
      <Measure id="frequency" name={t("manager.frequency")} value={t("manager.frequency.value", { n: perWeek(m.perWeek) })}
        line={t("manager.frequency.line", { count: m.releases, weeks: d.weeks })} />
      <Measure id="failure" name={t("manager.failure")} value={pct(m.changeFailureRate)}
        line={m.decided > 0 ? t("manager.failure.line", { failed: m.failed, decided: m.decided }) : t("manager.failure.none")} />
      <Measure id="restore" name={t("manager.restore")} value={m.medianTimeToRestore === null && m.unrestored > 0 ? t("manager.restore.notYet") : duration(m.medianTimeToRestore, t)}
        line={m.failed === 0 ? t("manager.restore.none") : `${t("manager.restore.line", { catch: duration(m.medianTimeToCatch, t) })}${m.unrestored > 0 ? t("manager.restore.open", { n: m.unrestored }) : ""}`} />
      <Measure id="quiet" name={t("manager.quiet")} value={q ? `${hourLabel(q.hour)}–${hourLabel(q.hour + 1)}` : "—"}
        line={q ? t("manager.quiet.line", { rpm: Math.round(q.perMinute * 10) / 10, zone: d.zone }) : t("manager.quiet.none")} />
    </div>
  );
}

function Charts({ m, quiet, p, d }: { m: DoraMeasures; quiet: HourProfile | null; p: PageContext; d: ManagerData }) {
  const { t } = p;
  const locale = p.lang === "zh-CN" ? "zh-CN" : "en-GB";
  const week = (w: WeekCount) => shortDate(w.start, d.zone, locale);
  return (
    <div class="manager-charts">
      <figure class="chart-figure">
        <figcaption>{t("manager.chart.weeks")}</figcaption>
        <WeeksChart weeks={m.weeks} alt={t("manager.chart.weeks.alt", { weeks: d.weeks, count: m.releases, failed: m.failed })}
          labels={{ good: t("manager.legend.good"), failed: t("manager.legend.failed"), other: t("manager.legend.other"), week }} />
        <ul class="chart-key">
          <li><span class="swatch good" aria-hidden="true"></span>{t("manager.legend.good")}</li>
          <li><span class="swatch failed" aria-hidden="true"></span>{t("manager.legend.failed")}</li>
          <li><span class="swatch other" aria-hidden="true"></span>{t("manager.legend.other")}</li>
        </ul>
      </figure>
      <figure class="chart-figure">
        <figcaption>{t("manager.chart.hours", { zone: d.zone })}</figcaption>
        {quiet ? (
          <HoursChart profile={quiet} alt={t("manager.chart.hours.alt", { from: hourLabel(quiet.quietest.hour), to: hourLabel(quiet.quietest.hour + 1) })} />
        ) : <p class="empty">{t("manager.quiet.none")}</p>}
      </figure>
    </div>
  );
}

function ManagerPage({ p, d, service }: { p: PageContext; d: ManagerData; service: string | undefined }) {
  const { t } = p;
  const one = service === undefined ? undefined : d.services.find((s) => s.service === service);
  const link = (q: Record<string, string | number | undefined>) => {
    const all = { environment: d.environment, weeks: d.weeks, service, ...q };
    return `/manager?${Object.entries(all).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join("&")}`;
  };
  const m = one?.dora ?? d.all, quiet = one ? one.quiet : d.quiet;
  return (
    <Layout title={t("manager.title")} lang={p.lang} page={p}>
      <h1>{one ? t("manager.title.service", { service: one.service }) : t("manager.title")} <span class="env">{d.environment}</span></h1>
      <p class="intro">{t("manager.intro", { weeks: d.weeks })}</p>
      <nav class="pills" aria-label={t("manager.period")}>
        {PERIODS.map((w) => <a href={link({ weeks: w })} aria-current={w === d.weeks ? "page" : undefined}>{t("manager.weeks", { weeks: w })}</a>)}
        {d.environments.length > 1 && d.environments.map((e) => <a href={link({ environment: e })} aria-current={e === d.environment ? "page" : undefined}>{e}</a>)}
      </nav>
      {service !== undefined && !one && <p class="notice tone-amber">{t("manager.noService", { service })}</p>}
      {one && <p><a href={link({ service: undefined })}>← {t("manager.all")}</a> · <a href={`/services/${encodeURIComponent(one.service)}?environment=${encodeURIComponent(d.environment)}`}>{t("manager.servicePage")} →</a></p>}
      {d.all.releases === 0 ? <p class="empty">{t("manager.empty", { environment: d.environment, weeks: d.weeks })}</p> : (
        <>
          <Measures m={m} quiet={quiet} p={p} d={d} />
          <Charts m={m} quiet={quiet} p={p} d={d} />
          {!one && <ServiceTable p={p} d={d} link={link} />}
        </>
      )}
    </Layout>
  );
}

function ServiceTable({ p, d, link }: { p: PageContext; d: ManagerData; link: (q: Record<string, string | undefined>) => string }) {
  const { t } = p;
  return (
    <section>
      <h2>{t("manager.services")}</h2>
      <table class="by-service">
        <thead><tr>
          <th scope="col">{t("manager.col.service")}</th><th scope="col">{t("manager.frequency")}</th><th scope="col">{t("manager.failure")}</th>
          <th scope="col">{t("manager.restore")}</th><th scope="col">{t("manager.quiet")}</th>
        </tr></thead>
        <tbody>
          {d.services.map((s) => (
            <tr data-service={s.service}>
              <th scope="row"><a href={link({ service: s.service })}>{s.service}</a></th>
              <td data-label={t("manager.frequency")}>{t("manager.frequency.value", { n: perWeek(s.dora.perWeek) })}</td>
              <td data-label={t("manager.failure")}>{pct(s.dora.changeFailureRate)}{s.dora.decided > 0 && <span class="hint"> ({s.dora.failed}/{s.dora.decided})</span>}</td>
              <td data-label={t("manager.restore")}>{duration(s.dora.medianTimeToRestore, t)}</td>
              <td data-label={t("manager.quiet")}>{s.quiet ? `${hourLabel(s.quiet.quietest.hour)}–${hourLabel(s.quiet.quietest.hour + 1)}` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
