import { z } from "@hono/zod-openapi";
import { RELEASE_STATUSES, type ReleaseRow } from "../store/schema/index.ts";
import type { Verdict } from "./verdict.ts";
import { DecisionSchema, overlayDecision, type DecisionView } from "../decisions/decision-overlay.ts";

/** Optional only so answers for a release not yet reported need not invent them; every view of a release has both. */
const decisionFields = {
  engine_status: z.enum(RELEASE_STATUSES).optional().openapi({ description: "the engine's own verdict; differs from status when an operator decided" }),
  decision: DecisionSchema.nullable().optional(),
};

export const CheckViewSchema = z
  .object({
    signal: z.string(),
    status: z.enum(["pass", "warn", "fail", "nodata", "error", "skipped"]).openapi({ description: "skipped: set aside for this release by an operator" }),
    skipped: z.object({ by: z.string(), at: z.string() }).nullable().openapi({ description: "who set the signal aside for this release, and when" }),
    observe: z.boolean().openapi({ description: "a signal in observe mode: shown, never fails or holds the release" }),
    baseline: z.number().nullable().openapi({ description: "before the release: error rate as a fraction, latency median in ms, metric median" }),
    candidate: z.number().nullable().openapi({ description: "after the release, same unit" }),
    change: z.number().nullable().openapi({ description: "relative change, e.g. 0.4 for +40 %; null when unbounded or unknown" }),
    reason: z.string(),
    onset: z
      .object({
        at: z.string(), before: z.number(), after: z.number(), p_value: z.number(), follows: z.string().nullable(), reason: z.string(),
        ambiguous: z.boolean().optional().openapi({ description: "another service's deploy, naming no hosts, came as close and its signal changed too" }),
      })
      .nullable()
      .openapi({ description: "for a failing signal: when it changed and which deploy or batch it follows" }),
    critical: z.boolean(),
    no_data_policy: z.enum(["pass", "hold", "fail"]),
    sequential: z
      .object({
        status: z.enum(["fail", "warn", "pass", "continue", "hold", "nodata"]).openapi({ description: "continue: not decisive yet, looked at again" }),
        design: z.enum(["concurrent", "forecast", "before_deploy", "reference"]).openapi({ description: "what the signal was compared with" }),
        design_reason: z.string(),
        low_assurance: z.boolean(),
        minutes_used: z.number().openapi({ description: "minutes of data after the deploy the status rests on" }),
        max_minutes: z.number().openapi({ description: "the longest this signal's window may grow before it is a hold" }),
        interval_level: z.number().openapi({ description: "confidence of change_ci, e.g. 0.95" }),
        history_frequency: z.number().nullable().openapi({ description: "share of windows without a release in the service's history that rose at least this much" }),
        pooled_with: z.array(z.string()).optional().openapi({ description: "pool_environments: the other environments whose counts of this version were summed with this one's" }),
      })
      .nullable()
      .openapi({ description: "signals judged by the sequential engine" }),
    stats: z.object({
      method: z.string().nullable(),
      classification: z.enum(["pass", "high", "low", "nodata"]),
      p_value: z.number().nullable(),
      q_value: z.number().nullable().openapi({ description: "fixed-window signals: Benjamini–Hochberg adjusted across the release's signals" }),
      change_ci: z.tuple([z.number().nullable(), z.number().nullable()]),
      absolute_change: z.number().nullable(),
      baseline_n: z.number(),
      candidate_n: z.number(),
      details: z.record(z.string(), z.number()),
    }),
  })
  .openapi("Check");

export const VerdictViewSchema = z
  .object({
    release_id: z.string(),
    service: z.string(),
    environment: z.string(),
    version: z.string(),
    status: z.enum(RELEASE_STATUSES),
    final: z.boolean(),
    score: z.number().nullable(),
    summary: z.string(),
    checks: z.array(CheckViewSchema),
    rule: z.string().nullable(),
    windows: z
      .object({
        baseline: z.object({ start: z.string().nullable(), end: z.string().nullable(), label: z.string().openapi({ description: "what the release was compared with, in words" }) }),
        analysis: z.object({ start: z.string(), end: z.string() }),
      })
      .nullable(),
    decided_at: z.string().nullable(),
    evaluated_at: z.string().nullable(),
    decide_by: z.string().nullable().openapi({ description: "while analyzing: when the verdict is due at the latest" }),
    next_look_at: z.string().nullable().openapi({ description: "while analyzing: when the data is looked at next" }),
    observe: z.boolean().optional().openapi({ description: "judged by a rule in observe mode: never blocks, status is pass" }),
    would_have: z.enum([...RELEASE_STATUSES]).nullable().optional().openapi({ description: "observe mode: what an enforcing rule would have answered" }),
    observed_status: z.enum([...RELEASE_STATUSES]).nullable().optional().openapi({ description: "observe mode: the same as would_have, for gates" }),
    late_data: z
      .object({ records: z.number().int(), share: z.number(), tokens: z.array(z.object({ id: z.string(), name: z.string(), records: z.number().int() })) })
      .nullable()
      .optional()
      .openapi({ description: "final verdicts: records of its windows that arrived after their minute closed (backfill), and the tokens that wrote them" }),
    ...decisionFields,
  })
  .openapi("Verdict");

export type VerdictView = z.infer<typeof VerdictViewSchema>;

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function waitingSummary(r: ReleaseRow): string {
  const target = `${r.service} ${r.version} in ${r.environment}`;
  if (r.status === "pending") return `${target} is being deployed; the judgement starts when the deploy finishes.`;
  return `${target} is being checked; the first look is 10 minutes after the deploy finished (${iso(r.analysisStart)}), a decision by ${iso(r.analysisEnd)} at the latest.`;
}

/** The verdict as the gate API shows it: the latest final or interim result of the release, or an operator's decision. */
export function verdictView(r: ReleaseRow, decision: DecisionView | null = null): VerdictView {
  const v = r.verdict as Verdict | null;
  // An observe-mode rule never blocks: the gate passes while it is still looking, too.
  const observed = observedOf(r);
  const status = observed === null ? r.status : "pass";
  const gate = overlayDecision({ status, final: r.decidedAt !== null, summary: r.summary ?? waitingSummary(r), decided_at: iso(r.decidedAt) }, decision);
  return {
    release_id: r.id,
    service: r.service,
    environment: r.environment,
    version: r.version,
    status: gate.status,
    final: gate.final,
    score: r.score,
    summary: gate.summary,
    checks: checkViews(v),
    rule: r.ruleName,
    windows: v?.windows ?? null,
    decided_at: gate.decided_at,
    evaluated_at: v?.evaluated_at ?? null,
    decide_by: r.status === "analyzing" ? v?.decide_by ?? null : null,
    next_look_at: r.status === "analyzing" ? v?.next_look_at ?? null : null,
    observe: observed !== null,
    would_have: observed,
    observed_status: observed,
    late_data: v?.late_data ?? null,
    engine_status: r.status,
    decision,
  };
}

/** The checks of a verdict as the API shows them: the plain numbers first, the statistics for engineers in stats. */
export function checkViews(v: Verdict | null): VerdictView["checks"] {
  return (v?.checks ?? []).map((c) => ({
      signal: c.signal,
      status: c.skipped ? ("skipped" as const) : c.status,
      skipped: c.skipped ?? null,
      observe: c.observe === true,
      baseline: c.baseline.value,
      candidate: c.candidate.value,
      change: c.change.relative,
      reason: c.reason,
      onset: c.onset ?? null,
      critical: c.critical,
      no_data_policy: c.no_data_policy,
      sequential: c.sequential ?? null,
      stats: {
        method: c.method, classification: c.classification, p_value: c.p_value, q_value: c.q_value,
        change_ci: [c.change.ci_low, c.change.ci_high], absolute_change: c.change.absolute,
        baseline_n: c.baseline.n, candidate_n: c.candidate.n, details: c.details,
      },
  }));
}

export const ReleaseViewSchema = z
  .object({
    id: z.string(), service: z.string(), environment: z.string(), version: z.string(), status: z.enum(RELEASE_STATUSES),
    score: z.number().nullable(), summary: z.string(), commit: z.string().nullable(), url: z.string().nullable(), rule: z.string().nullable(),
    deploy_started_at: z.string().nullable(), deploy_finished_at: z.string().nullable(),
    baseline: z.object({ start: z.string().nullable(), end: z.string().nullable() }),
    analysis: z.object({ start: z.string().nullable(), end: z.string().nullable() }),
    decided_at: z.string().nullable(), created_at: z.string(),
    would_have: z.enum([...RELEASE_STATUSES]).nullable().optional().openapi({ description: "observe mode: what an enforcing rule would have answered" }),
    ...decisionFields,
  })
  .openapi("Release");

/** An observe-mode rule's answer as the gate gives it (pass), with what it observed; null for an enforcing rule. */
function observedOf(r: ReleaseRow): ReleaseRow["status"] | null {
  const v = r.verdict as Verdict | null;
  return v?.observe === true && r.status !== "pending" ? (v.would_have ?? r.status) : null;
}

export function releaseView(r: ReleaseRow, decision: DecisionView | null = null) {
  const observed = observedOf(r);
  const engine = { status: observed === null ? r.status : ("pass" as const), final: r.decidedAt !== null, summary: r.summary ?? waitingSummary(r), decided_at: iso(r.decidedAt) };
  const gate = overlayDecision(engine, decision);
  return {
    id: r.id, service: r.service, environment: r.environment, version: r.version, status: gate.status, score: r.score,
    summary: gate.summary, commit: r.commit, url: r.url, rule: r.ruleName,
    deploy_started_at: iso(r.deployStartedAt), deploy_finished_at: iso(r.deployFinishedAt),
    baseline: { start: iso(r.baselineStart), end: iso(r.baselineEnd) },
    analysis: { start: iso(r.analysisStart), end: iso(r.analysisEnd) },
    decided_at: gate.decided_at, created_at: iso(r.createdAt)!, would_have: observed,
    engine_status: r.status, decision,
  };
}

export const BatchVerdictSchema = z
  .object({
    release_id: z.string(),
    batch: z.object({ index: z.number().int(), total: z.number().int(), hosts: z.array(z.string()).nullable(), deploy_status: z.string() }),
    status: z.enum(RELEASE_STATUSES),
    final: z.boolean(),
    score: z.number().nullable(),
    summary: z.string(),
    checks: z.array(CheckViewSchema),
    windows: VerdictViewSchema.shape.windows,
    decided_at: z.string().nullable(),
    ...decisionFields,
  })
  .openapi("BatchVerdict");
