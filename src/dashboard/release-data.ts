import { asc, eq } from "drizzle-orm";
import type { Container } from "../container.ts";
import type { AuditView } from "../decisions/audit-log.ts";
import type { DecisionView } from "../decisions/decision-overlay.ts";
import { notifications, rollbacks, type ReleaseRow } from "../store/schema/index.ts";
import type { BatchGateView } from "../verdicts/batch-verdict-view.ts";
import type { VerdictView } from "../verdicts/verdict-view.ts";
import type { Check, Verdict } from "../verdicts/verdict.ts";
import { requestSeries, type ChartData } from "./chart-data.ts";
import type { Translate } from "./i18n/i18n.ts";
import type { ReleaseFacts } from "./release-words.ts";

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
  /** What the light and the sentence are built from. */
  facts: ReleaseFacts;
}

/** Everything the release page shows; never a notification's error text, which may quote a webhook URL. */
export async function releaseData(c: Container, id: string, t: Translate, zone?: string): Promise<ReleaseData> {
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
  const stored = row.verdict as Verdict | null;
  const [rollback] = await c.store.db.select({ status: rollbacks.status }).from(rollbacks).where(eq(rollbacks.releaseId, id));
  const checks = stored?.checks ?? [];
  return {
    row,
    verdict,
    checks,
    facts: {
      status: verdict.status, engineStatus: row.status, checks, decision: verdict.decision ?? null,
      decideBy: row.status === "analyzing" ? (stored?.decide_by ? Date.parse(stored.decide_by) : row.analysisEnd) : null,
      rolledBack: rollback?.status === "succeeded" || verdict.decision?.rollback?.status === "done",
    },
    decisions,
    audit,
    alerts,
    batches,
    chart: await releaseChart(c, row, t, zone),
  };
}

/** Error rate and latency a minute around the release, the compared windows shaded and the deploy marked. */
export async function releaseChart(c: Container, r: ReleaseRow, t: Translate, zone?: string): Promise<ChartData> {
  const deployAt = r.deployStartedAt ?? r.createdAt;
  // The minutes the verdict rests on: a sequential verdict ends where its decision was made, not at the longest window.
  const judged = (r.verdict as Verdict | null)?.windows?.analysis.end;
  const analysisEnd = judged ? Date.parse(judged) : r.analysisEnd ?? deployAt + HOUR;
  const baselineNear = r.baselineStart !== null && r.baselineEnd !== null && deployAt - r.baselineStart <= MAX_CHART_SPAN && r.baselineEnd <= analysisEnd;
  const start = Math.min(baselineNear ? r.baselineStart! : deployAt - HOUR, deployAt) - 10 * MINUTE;
  const end = Math.min(analysisEnd + 10 * MINUTE, Math.ceil(c.now() / MINUTE) * MINUTE);
  const q = { service: r.service, environment: r.environment, start, end };
  const perMinute = (await c.reader.requests(q)).perMinute;
  // The chart's latency is the median, as in the table: the histograms' middle bucket, not the mean.
  const histograms = await c.reader.histogramsPerMinute(q);
  const bands: ChartData["bands"] = [];
  if (baselineNear) bands.push({ kind: "baseline", from: r.baselineStart! / 1000, to: r.baselineEnd! / 1000, label: t("chart.baseline") });
  if (r.analysisStart !== null && r.analysisEnd !== null) bands.push({ kind: "analysis", from: r.analysisStart / 1000, to: analysisEnd / 1000, label: t("chart.analysis") });
  return {
    ...requestSeries(perMinute, start, Math.max(end, start + MINUTE), 1, histograms),
    bands,
    markers: [{ at: deployAt / 1000, label: t("chart.deploy", { version: r.version }) }],
    labels: { errors: t("chart.errors"), latency: t("chart.latency.median"), time: zone ? t("chart.time.zone", { zone }) : t("chart.time") },
    ...(zone ? { zone } : {}),
  };
}
