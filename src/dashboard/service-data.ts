import type { Container } from "../container.ts";
import type { releaseView } from "../verdicts/verdict-view.ts";
import { requestSeries, type ChartData } from "./chart-data.ts";
import type { Translate } from "./i18n/i18n.ts";
import { quietestHour, type QuietHour } from "./quiet-hour.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const HISTORY_DAYS = 7;
const HEALTH_MINUTES = 15;

export interface ServiceHealth {
  perMinute: number;
  errorRate: number;
  latencyMs: number | null;
}

export interface ServiceData {
  service: string;
  environment: string;
  environments: string[];
  releases: ReturnType<typeof releaseView>[];
  health: ServiceHealth | null;
  chart: ChartData;
  quiet: QuietHour | null;
  /** The viewer's time zone, which the quietest hour is told in. */
  zone: string;
}

/** Everything the service page shows, read from the releases and the per-minute roll-ups. */
export async function serviceData(c: Container, service: string, environment: string | undefined, hours: number, t: Translate, zone = "UTC"): Promise<ServiceData> {
  const all = await c.releases.list({ service, limit: 200 });
  const environments = [...new Set(all.map((r) => r.environment))].sort();
  const env = environment ?? all[0]?.environment ?? "production";
  const mine = all.filter((r) => r.environment === env);
  const now = c.now();
  const end = Math.floor(now / MINUTE) * MINUTE + MINUTE;
  const q = { service, environment: env };

  const recent = await c.reader.requests({ ...q, start: end - HEALTH_MINUTES * MINUTE, end });
  const health = recent.requests > 0
    ? { perMinute: recent.requests / HEALTH_MINUTES, errorRate: recent.errors / recent.requests, latencyMs: recent.latencyCount > 0 ? recent.latencySum / recent.latencyCount : null }
    : null;

  const start = end - hours * HOUR;
  const bucket = hours <= 24 ? 5 : hours <= 72 ? 15 : 30;
  // The chart's latency is the median of each bucket's histogram, the same "typical" measure as every table.
  const series = requestSeries((await c.reader.requests({ ...q, start, end })).perMinute, start, end, bucket, await c.reader.histogramsPerMinute({ ...q, start, end }, bucket));
  const markers = mine
    .map((r) => ({ at: r.deployStartedAt ?? r.createdAt, version: r.version }))
    .filter((m) => m.at >= start && m.at < end)
    .map((m) => ({ at: m.at / 1000, label: t("chart.deploy", { version: m.version }) }));
  const chart: ChartData = { ...series, bands: [], markers, labels: { errors: t("chart.errors"), latency: t("chart.latency.median"), time: t("chart.time") } };

  const counts = await c.reader.requestCounts({ ...q, start: end - HISTORY_DAYS * DAY, end });
  const quiet = quietestHour(new Map([...counts].map(([m, v]) => [m, v.requests])), end - HISTORY_DAYS * DAY, end, zone);
  const releases: ReturnType<typeof releaseView>[] = [];
  for (const r of mine.slice(0, 50)) releases.push(await c.views.release(r));
  return { service, environment: env, environments, releases, health, chart, quiet, zone };
}

