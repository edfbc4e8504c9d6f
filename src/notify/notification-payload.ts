import type { VerdictStatus } from "../analysis/score.ts";
import type { DecisionAction, DecisionChannel, DecisionFeedback, RollbackOutcome } from "../decisions/decision-overlay.ts";
import type { ReleaseRow, ReleaseStatus } from "../store/schema/index.ts";
import type { Check, Verdict } from "../verdicts/verdict.ts";

/** The generic webhook's contract (docs/integrations/notifications.md); bump on any breaking change. */
export const PAYLOAD_VERSION = 1;

/** One signal behind the verdict, with its numbers: baseline and candidate in the signal's unit, change as a fraction. */
export interface CheckSummary {
  signal: string;
  kind: string;
  status: Check["status"];
  baseline: number | null;
  candidate: number | null;
  change: number | null;
  reason: string;
}

/** A person's decision as the follow-up of a release's messages shows it (and the webhook's `decision` event carries it). */
export interface DecisionNote {
  action: DecisionAction;
  by: string;
  at: string;
  slack_user_id?: string;
  via?: DecisionChannel;
  reason?: string;
  batch?: number | null;
  signal?: string | null;
  feedback?: DecisionFeedback | null;
  /** rollback: whether deploy-guard rolls back, or nothing is configured and a person must. */
  rollback?: RollbackOutcome | null;
  /** What the gate answers under the decision; null when it still follows the engine. */
  gate_status?: ReleaseStatus | null;
}

export interface NotificationPayload {
  type: "verdict";
  schema_version: number;
  release_id: string;
  service: string;
  environment: string;
  version: string;
  status: VerdictStatus;
  score: number | null;
  summary: string;
  reasons: string[];
  checks: CheckSummary[];
  decided_at: string;
  /** Set on the follow-up of a person's decision, whoever made it (API, dashboard, Slack, CLI). */
  decision?: DecisionNote;
}

/** The throttled alerts of one channel, room and service in one window, sent as one message when it closes. */
export interface DigestPayload {
  type: "digest";
  schema_version: number;
  service: string;
  window: { start: string; end: string };
  count: number;
  releases: { release_id: string; environment: string; version: string; status: VerdictStatus; summary: string }[];
}

export interface VerdictContent {
  status: VerdictStatus;
  score: number | null;
  summary: string;
  checks: readonly Check[];
}

const SEVERITY: Record<Check["status"], number> = { error: 0, fail: 0, warn: 1, nodata: 2, pass: 3 };

/** The signals that explain a verdict, worst first: failing before warning before missing data; critical, then heavier. */
export function topChecks(checks: readonly Check[], limit = 3): CheckSummary[] {
  return checks
    .filter((c) => c.status !== "pass")
    .sort((a, b) => SEVERITY[a.status] - SEVERITY[b.status] || Number(b.critical) - Number(a.critical) || b.weight - a.weight)
    .slice(0, limit)
    .map((c) => ({
      signal: c.signal, kind: c.kind, status: c.status,
      baseline: c.baseline.value, candidate: c.candidate.value, change: c.change.relative, reason: c.reason,
    }));
}

export function verdictPayload(release: { id: string; service: string; environment: string; version: string }, v: VerdictContent, now: number): NotificationPayload {
  const checks = topChecks(v.checks, 5);
  return {
    type: "verdict", schema_version: PAYLOAD_VERSION,
    release_id: release.id, service: release.service, environment: release.environment, version: release.version,
    status: v.status, score: v.score, summary: v.summary, reasons: checks.map((c) => c.reason), checks,
    decided_at: new Date(now).toISOString(),
  };
}

/** A signal's value as people read it: error rates in percent, latency in ms. */
export function formatValue(kind: string, x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "–";
  if (kind === "error_rate") return `${(x * 100).toFixed(x !== 0 && x < 0.001 ? 3 : 2)} %`;
  if (kind === "latency") return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x >= 100 ? 0 : 1)} ms`;
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

export function formatChange(change: number | null): string {
  if (change === null || !Number.isFinite(change)) return "";
  return ` (${change >= 0 ? "+" : "−"}${Math.abs(Math.round(change * 100))} %)`;
}

/** "error_rate 0.50 % → 6.00 % (+1100 %)": one check's numbers in one line. */
export function checkNumbers(c: CheckSummary): string {
  return `${c.signal} ${formatValue(c.kind, c.baseline)} → ${formatValue(c.kind, c.candidate)}${formatChange(c.change)}`;
}

const VERDICT_STATUSES: readonly VerdictStatus[] = ["pass", "warn", "fail", "hold"];

/** What the release's alert showed, rebuilt from the stored verdict so an edited message keeps its reasons. */
export function contentOf(release: ReleaseRow): VerdictContent {
  const v = (release.verdict ?? null) as Partial<Verdict> | null;
  const status = VERDICT_STATUSES.find((s) => s === release.status) ?? VERDICT_STATUSES.find((s) => s === v?.status) ?? "hold";
  return { status, score: release.score, summary: release.summary ?? v?.summary ?? "", checks: v?.checks ?? [] };
}
