import { z } from "@hono/zod-openapi";
import type { Rule } from "../rules/rule-schema.ts";
import type { ReleaseRow } from "../store/schema/index.ts";
import type { VerdictView } from "../verdicts/verdict-view.ts";

const MINUTE = 60_000;

export const GateTimingSchema = z
  .object({
    now: z.string().openapi({ description: "the server's clock when it answered: wait times are measured from it, not from the caller's clock" }),
    max_minutes: z.number().int().openapi({ description: "the longest the rule lets the analysis window grow, in minutes (240 for the default rule)" }),
    minutes_of_data: z.number().int().nullable().openapi({ description: "minutes of the analysis window passed so far; null until the deploy has finished" }),
    window_ends_at: z.string().nullable().openapi({ description: "when the longest window ends: a verdict is final by then plus the ingest grace; null until the deploy has finished" }),
    decision_expected_by: z.string().nullable()
      .openapi({ description: "while waiting: when a decision is expected at the latest for the traffic seen so far (decide_by), else the end of the longest window" }),
    next_look_at: z.string().nullable().openapi({ description: "while analyzing: when the data is looked at next" }),
  })
  .openapi("GateTiming");

export type GateTiming = z.infer<typeof GateTimingSchema>;

/** The window's longest length, as computeWindows sets it: a sequential rule may grow to max_minutes. */
export function longestWindowMinutes(rule: Pick<Rule, "analysis">): number {
  return rule.analysis.mode === "sequential" ? Math.max(rule.analysis.max_minutes, rule.analysis.minutes) : rule.analysis.minutes;
}

/**
 * Where a release stands in time, so a gate can say what it waits for and set its own timeout: from the stored
 * windows once the deploy has finished, from the rule alone before (or when the release is not reported yet).
 */
export function gateTiming(release: ReleaseRow | undefined, view: Pick<VerdictView, "final" | "decide_by" | "next_look_at">, rule: Rule, now: number): GateTiming {
  const iso = (t: number) => new Date(t).toISOString();
  const start = release?.analysisStart ?? null;
  const end = release?.analysisEnd ?? null;
  const maxMinutes = start !== null && end !== null ? Math.round((end - start) / MINUTE) : longestWindowMinutes(rule);
  const minutes = start === null ? null : Math.min(maxMinutes, Math.max(0, Math.floor((now - start) / MINUTE)));
  const waiting = !view.final;
  return {
    now: iso(now),
    max_minutes: maxMinutes,
    minutes_of_data: minutes,
    window_ends_at: end === null ? null : iso(end),
    decision_expected_by: waiting ? view.decide_by ?? (end === null ? null : iso(end)) : null,
    next_look_at: waiting ? view.next_look_at : null,
  };
}
