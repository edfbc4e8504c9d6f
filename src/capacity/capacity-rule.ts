import { z } from "zod";
import { checkSignalQuery } from "../sources/query-schemas.ts";
import { SOURCE_KINDS, type SourceKind } from "../sources/source.ts";

const MetricName = z.string().min(1).max(200).regex(/^[\w.:/-]+$/, "a pushed metric's name: letters, digits, . _ - : / only");
const Source = z.enum(SOURCE_KINDS);
const Query = z.union([z.string().min(1), z.record(z.string(), z.unknown())])
  .describe("PromQL or a Datadog metric query as a string (its `value`), or the source's query block as for a signal");

/** Where one series of a model is read: pushed metrics by name, or an outside source's query, as a signal's. */
export interface SeriesRead {
  name: string;
  source: SourceKind;
  query?: Record<string, unknown> | undefined;
  /** Elasticsearch volumes are document counts per interval; every other series is one value per interval. */
  count: boolean;
}

const ResourceSchema = z.strictObject({
  metric: MetricName.optional().describe("the pushed metric, e.g. cpu_percent, memory_mb, latency_ms, cost"),
  name: MetricName.optional().describe("what the resource is called in fits and reasons; default its metric, else 'resource'"),
  source: Source.optional().describe("default the block's source"),
  query: Query.optional(),
  limit: z.number().positive().describe("the level the resource must stay under, e.g. 80 for CPU %: sets the headroom"),
});

const VolumeSchema = z.union([
  MetricName,
  z.strictObject({ name: MetricName, source: Source.optional(), query: Query.optional() }),
]);

/**
 * A capacity model: the resource as a linear function of business volumes, refit nightly and compared before/after
 * every release. Volumes are counts (a rate per minute per interval); the resource is a level (averaged per interval).
 * Each series is pushed (builtin) or read from an outside source as a signal is.
 */
export const CapacityRuleSchema = z
  .strictObject({
    source: Source.default("builtin").describe("where the series are read unless one says otherwise: builtin is pushed metrics"),
    resource: ResourceSchema,
    volumes: z.array(VolumeSchema).min(1).max(10).describe("counts per minute of business operations, e.g. accounts_opened"),
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
  .transform((c, ctx) => {
    const { source: _source, query: _query, name: _name, ...resource } = c.resource;
    const resourceSource = c.resource.source ?? c.source;
    const resourceName = (resourceSource === "builtin" ? c.resource.metric : c.resource.name ?? c.resource.metric) ?? "resource";
    const resourceRead = seriesRead(ctx, ["resource"], resourceName, resourceSource, c.resource.query, c.resource.metric, false);
    const volumeReads = c.volumes.map((v, i) => {
      const o = typeof v === "string" ? { name: v } : v;
      return seriesRead(ctx, ["volumes", i], o.name, o.source ?? c.source, o.query, o.name, true);
    });
    const seen = new Set<string>();
    volumeReads.forEach((v, i) => {
      if (seen.has(v.name)) ctx.addIssue({ code: "custom", path: ["volumes", i], message: `duplicate volume '${v.name}'` });
      if (v.name === resourceRead.name) ctx.addIssue({ code: "custom", path: ["volumes", i], message: "the resource cannot also be a volume" });
      seen.add(v.name);
    });
    const reads = { resource: resourceRead, volumes: volumeReads };
    return { ...c, resource: { ...resource, metric: resourceRead.name }, volumes: volumeReads.map((v) => v.name), reads };
  });

/** One series checked as a signal's query is: builtin takes a metric and no query; an outside source needs its query. */
function seriesRead(
  ctx: z.RefinementCtx, path: (string | number)[], name: string, source: SourceKind, raw: unknown, metric: string | undefined, volume: boolean,
): SeriesRead {
  const issue = (field: string, message: string) => ctx.addIssue({ code: "custom", path: [...path, field], message });
  if (source === "builtin") {
    if (raw !== undefined) issue("query", "pushed metrics take no query; give source: prometheus, datadog or elasticsearch");
    if (metric === undefined) issue("metric", "required for pushed metrics (source builtin)");
    return { name, source, count: false };
  }
  // Documents counted per interval are a volume; a Prometheus or Datadog series is a value per interval either way.
  const count = volume && source === "elasticsearch";
  const query = typeof raw === "string" ? { value: raw } : raw as Record<string, unknown> | undefined;
  if (source === "elasticsearch" && typeof raw === "string") {
    issue("query", "elasticsearch takes a query block ({index, filter, metric_field…}), not a string");
    return { name, source, count };
  }
  const checked = checkSignalQuery(source, count ? "error_rate" : "metric", query);
  for (const issue of checked.issues) ctx.addIssue({ code: "custom", path: [...path, ...issue.path], message: issue.message });
  return { name, source, query: checked.query, count };
}

export type CapacityRule = z.infer<typeof CapacityRuleSchema>;
