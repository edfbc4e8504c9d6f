import { z } from "@hono/zod-openapi";
import type { AnalysisRow } from "../store/schema/index.ts";
import type { Verdict } from "../verdicts/verdict.ts";
import { checkViews, VerdictViewSchema } from "../verdicts/verdict-view.ts";
import type { Design, Side } from "./analysis-windows.ts";

const SideViewSchema = z.object({
  start: z.string(), end: z.string(),
  hosts: z.array(z.string()).optional(), version: z.string().optional(),
}).openapi({ description: "the window as judged: widened to whole minutes" });

/**
 * A release's verdict (GET /api/v1/releases/{id}/verdict) with the analysis's identity in place of the release's:
 * `id`, `control` and `experiment` instead of `release_id` and `version`, so a gate that reads status, final, summary,
 * score and checks reads both alike.
 */
export const AnalysisViewSchema = VerdictViewSchema.omit({ release_id: true, version: true, engine_status: true, decision: true, observe: true, would_have: true, observed_status: true, late_data: true })
  .extend({
    id: z.string(),
    status_url: z.string().openapi({ description: "where to poll this analysis" }),
    control: SideViewSchema,
    experiment: SideViewSchema,
    design: z.enum(["concurrent", "reference"]).openapi({ description: "concurrent: both sides over the same minutes, split by hosts or version; reference: the control window is a fixed baseline" }),
    created_at: z.string(),
  })
  .openapi("Analysis");

export type AnalysisView = z.infer<typeof AnalysisViewSchema>;

export const AcceptedAnalysisSchema = z.object({
  id: z.string(),
  status_url: z.string(),
  status: AnalysisViewSchema.shape.status,
}).openapi("AnalysisAccepted");

const iso = (t: number) => new Date(t).toISOString();
const sideView = (s: Side) => ({ start: iso(s.start), end: iso(s.end), ...(s.hosts ? { hosts: s.hosts } : {}), ...(s.version ? { version: s.version } : {}) });

export const designOf = (row: AnalysisRow): Design => {
  const c = row.control as Side, e = row.experiment as Side;
  return c.start < e.end && e.start < c.end ? "concurrent" : "reference";
};

export function statusUrl(base: string, id: string): string {
  return `${base.replace(/\/+$/, "")}/api/v1/analyses/${encodeURIComponent(id)}`;
}

export function analysisView(row: AnalysisRow, base: string): AnalysisView {
  const v = row.verdict as Verdict | null;
  const decided = row.decidedAt !== null;
  const control = row.control as Side, experiment = row.experiment as Side;
  return {
    id: row.id,
    status_url: statusUrl(base, row.id),
    service: row.service,
    environment: row.environment,
    status: row.status,
    final: decided,
    score: row.score,
    summary: row.summary ?? `Analysis of ${row.service} in ${row.environment} waits for its windows to end; it is judged at the first poll after ${iso(row.dueAt)}.`,
    checks: checkViews(v),
    rule: row.ruleName,
    windows: v?.windows ?? null,
    decided_at: decided ? iso(row.decidedAt!) : null,
    evaluated_at: v?.evaluated_at ?? null,
    decide_by: decided ? null : iso(row.dueAt),
    next_look_at: decided ? null : iso(row.dueAt),
    control: sideView(control),
    experiment: sideView(experiment),
    design: designOf(row),
    created_at: iso(row.createdAt),
  };
}
