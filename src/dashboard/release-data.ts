import { asc, eq } from "drizzle-orm";
import type { Container } from "../container.ts";
import type { AuditView } from "../decisions/audit-log.ts";
import type { DecisionView } from "../decisions/decision-overlay.ts";
import { notifications, type ReleaseRow } from "../store/schema/index.ts";
import type { BatchGateView } from "../verdicts/batch-verdict-view.ts";
import type { VerdictView } from "../verdicts/verdict-view.ts";
import type { Check, Verdict } from "../verdicts/verdict.ts";
import { requestSeries, type ChartData } from "./chart-data.ts";
import type { Translate } from "./i18n/i18n.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A baseline further back than this (a week ago, a pinned release) is named in words, not drawn. */
const MAX_CHART_SPAN = 6 * HOUR;

export interface AlertLine {
  channel: string;
  target: string | null;
  status: "pending" | "sent" | "failed" | "throttled";
  at: number;
}

export interface ReleaseData {
  row: ReleaseRow;
  verdict: VerdictView;
  /** The engine's checks with their kind, for units; same order as verdict.checks. */
  checks: Check[];
  decisions: DecisionView[];
  audit: AuditView[];
  alerts: AlertLine[];
  batches: BatchGateView[];
  chart: ChartData;
}

/** Everything the release page shows; never a notification's error text, which may quote a webhook URL. */
export async function releaseData(c: Container, id: string, t: Translate): Promise<ReleaseData> {
  const row = await c.verdicts.get(id);
  const alerts = (await c.store.db
    .select({ channel: notifications.channel, target: notifications.target, status: notifications.status, at: notifications.createdAt, sentAt: notifications.sentAt })
    .from(notifications).where(eq(notifications.releaseId, id)).orderBy(asc(notifications.id)))
    .map((a) => ({ channel: a.channel, target: a.target, status: a.status, at: a.sentAt ?? a.at }));
  const verdict = await c.views.verdict(row);
  const decisions = await c.decisions.list(id);
  const audit = await c.audit.ofRelease(id);
  const batches: BatchGateView[] = [];
  for (const b of await c.batches.ofRelease(row)) batches.push(await c.views.batch(row, b));
  return {
    row,
    verdict,
    checks: (row.verdict as Verdict | null)?.checks ?? [],
    decisions,
    audit,
    alerts,
    batches,
    chart: await releaseChart(c, row, t),
  };
}

/** Error rate and latency a minute around the release, the compared windows shaded and the deploy marked. */
export async function releaseChart(c: Container, r: ReleaseRow, t: Translate): Promise<ChartData> {
  const deployAt = r.deployStartedAt ?? r.createdAt;
  // The minutes the verdict rests on: a sequential verdict ends where its decision was made, not at the longest window.
  const judged = (r.verdict as Verdict | null)?.windows?.analysis.end;
  const analysisEnd = judged ? Date.parse(judged) : r.analysisEnd ?? deployAt + HOUR;
  const baselineNear = r.baselineStart !== null && r.baselineEnd !== null && deployAt - r.baselineStart <= MAX_CHART_SPAN && r.baselineEnd <= analysisEnd;
  const start = Math.min(baselineNear ? r.baselineStart! : deployAt - HOUR, deployAt) - 10 * MINUTE;
  const end = Math.min(analysisEnd + 10 * MINUTE, Math.ceil(c.now() / MINUTE) * MINUTE);
  const perMinute = (await c.reader.requests({ service: r.service, environment: r.environment, start, end })).perMinute;
  const bands: ChartData["bands"] = [];
  if (baselineNear) bands.push({ kind: "baseline", from: r.baselineStart! / 1000, to: r.baselineEnd! / 1000, label: t("chart.baseline") });
  if (r.analysisStart !== null && r.analysisEnd !== null) bands.push({ kind: "analysis", from: r.analysisStart / 1000, to: analysisEnd / 1000, label: t("chart.analysis") });
  return {
    ...requestSeries(perMinute, start, Math.max(end, start + MINUTE)),
    bands,
    markers: [{ at: deployAt / 1000, label: t("chart.deploy", { version: r.version }) }],
    labels: { errors: t("chart.errors"), latency: t("chart.latency"), time: t("chart.time") },
  };
}
