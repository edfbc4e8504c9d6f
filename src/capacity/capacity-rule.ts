import { z } from "zod";

const MetricName = z.string().min(1).max(200).regex(/^[\w.:/-]+$/, "a pushed metric's name: letters, digits, . _ - : / only");

/**
 * A capacity model: the resource as a linear function of business volumes, refit nightly and compared before/after
 * every release. Volumes are counts (a rate per minute per interval); the resource is a level (averaged per interval).
 */
export const CapacityRuleSchema = z
  .strictObject({
    source: z.enum(["builtin"]).default("builtin").describe("where the series are read: pushed metrics"),
    resource: z.strictObject({
      metric: MetricName.describe("e.g. cpu_percent, memory_mb, latency_ms, cost"),
      limit: z.number().positive().describe("the level the resource must stay under, e.g. 80 for CPU %: sets the headroom"),
    }),
    volumes: z.array(MetricName).min(1).max(10).describe("counts per minute of business operations, e.g. accounts_opened"),
    interval_minutes: z.number().int().min(1).max(60).default(1).describe("resampling interval: volumes as a rate per minute, the resource averaged"),
    fit_window_hours: z.number().int().min(1).max(720).default(24).describe("the fit window: the nightly fit and the side before a release"),
    after_delay_minutes: z.number().int().min(0).max(1440).default(0).describe("warm-up after the release's analysis window starts, ignored"),
    after_window_minutes: z.number().int().min(5).max(43200).optional()
      .describe("the side after a release; default the rule's analysis window. The verdict sees what has arrived by then; the full window is refit when it ends"),
    max_cost_rise: z.number().min(0).max(10).default(0.2).describe("a significant rise in cost per unit beyond this fraction warns (or fails)"),
    on_rise: z.enum(["warn", "fail"]).default("warn"),
    robust: z.boolean().default(false).describe("Huber IRLS instead of least squares, so outliers do not pull the fit"),
    min_points: z.number().int().min(5).default(20).describe("intervals needed on each side; fewer count as no data"),
    weight: z.number().positive().default(1).describe("the capacity check's weight in the verdict's score"),
    trend_days: z.number().int().min(3).max(90).default(28).describe("days of daily peaks for the growth trend of the headroom"),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.volumes.forEach((v, i) => {
      if (seen.has(v)) ctx.addIssue({ code: "custom", path: ["volumes", i], message: `duplicate volume '${v}'` });
      if (v === c.resource.metric) ctx.addIssue({ code: "custom", path: ["volumes", i], message: "the resource cannot also be a volume" });
      seen.add(v);
    });
  });

export type CapacityRule = z.infer<typeof CapacityRuleSchema>;
