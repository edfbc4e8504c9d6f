import { z } from "zod";

/** What a dashboard can show, in the order a definition lists them; the pages and both exports know every kind. */
export const PANEL_KINDS = ["verdict_board", "error_rate", "latency", "metric", "deploy_markers", "capacity"] as const;
export type PanelKind = (typeof PANEL_KINDS)[number];

/** Placeholders a query may use; filled with the exported service and environment (or a template variable). */
export const DEFINITION_PLACEHOLDERS = ["service", "environment"] as const;

const Glob = z.string().min(1).regex(/^[\w.*:/@-]+$/, "letters, digits, . _ - : / @ and * only");
const FieldName = z.string().min(1).max(200).regex(/^[\w.@-]+$/, "a field name: letters, digits, _ . @ - only");
const QueryName = z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, "lower-case letters, digits and _ only, starting with a letter");

const Template = z
  .string()
  .min(1)
  .max(2000)
  .superRefine((s, ctx) => {
    for (const [, name] of s.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if (!(DEFINITION_PLACEHOLDERS as readonly string[]).includes(name ?? "")) {
        ctx.addIssue({ code: "custom", message: `unknown placeholder {{${name}}}; use {{service}} or {{environment}}` });
      }
    }
  });

/** Datadog metric queries by name, combined by a formula over those names (Datadog's formulas and functions). */
const DatadogPanelSchema = z
  .strictObject({
    queries: z.record(QueryName, Template).refine((q) => Object.keys(q).length > 0, "give at least one query"),
    formula: z.string().min(1).max(500).regex(/^[\w\s.+\-*/(),]+$/, "query names, numbers, + - * / ( ) and functions only").optional()
      .describe("e.g. 100 * errors / requests; default: the only query"),
  })
  .superRefine((d, ctx) => {
    const names = Object.keys(d.queries);
    if (d.formula === undefined) {
      if (names.length > 1) ctx.addIssue({ code: "custom", path: ["formula"], message: "required when there is more than one query" });
      return;
    }
    // A name not followed by "(" is a query reference; a function call such as abs(x) is left to Datadog.
    for (const [, ref] of d.formula.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*\()/gi)) {
      if (ref && !names.includes(ref)) ctx.addIssue({ code: "custom", path: ["formula"], message: `'${ref}' is not one of the queries (${names.join(", ")})` });
    }
  });
export type DatadogPanel = z.infer<typeof DatadogPanelSchema>;

/** How Kibana Lens computes the panel's line from the telemetry data view. */
const KibanaPanelSchema = z.strictObject({
  errors_kql: z.string().min(1).max(2000).optional().describe("error_rate: KQL matching failed requests; the line is their share of all documents"),
  operation: z.enum(["average", "max", "sum", "percentile", "count"]).optional(),
  field: FieldName.optional(),
  percentile: z.number().gt(0).lt(100).optional(),
  kql: z.string().min(1).max(2000).optional().describe("only documents matching this KQL"),
});
export type KibanaPanel = z.infer<typeof KibanaPanelSchema>;

const PanelSchema = z
  .strictObject({
    kind: z.enum(PANEL_KINDS),
    id: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, "lower-case letters, digits, _ and - only").optional().describe("default: the kind"),
    title: z.string().min(1).max(120),
    description: z.string().max(500).optional().describe("one plain sentence under the title"),
    width: z.enum(["full", "half"]).optional().describe("default: full for the verdict board, half for the rest"),
    metric: z.string().min(1).max(200).regex(/^[\w.:-]+$/, "a metric name").optional().describe("kind metric: the pushed metric plotted"),
    percentile: z.number().int().min(1).max(99).optional().describe("kind latency: default 95"),
    datadog: DatadogPanelSchema.optional().describe("default: Datadog APM trace metrics for the kind"),
    kibana: KibanaPanelSchema.optional().describe("default: ECS fields for the kind"),
  })
  .superRefine((p, ctx) => {
    if (p.kind === "metric" && !p.metric) ctx.addIssue({ code: "custom", path: ["metric"], message: "required when kind is metric" });
    if (p.kind !== "metric" && p.metric) ctx.addIssue({ code: "custom", path: ["metric"], message: "only for kind: metric" });
    if (p.kind !== "latency" && p.percentile !== undefined) ctx.addIssue({ code: "custom", path: ["percentile"], message: "only for kind: latency" });
    const eventPanel = p.kind === "verdict_board" || p.kind === "deploy_markers";
    if (eventPanel && p.datadog) ctx.addIssue({ code: "custom", path: ["datadog"], message: `a ${p.kind} panel shows deploy-guard's events; it takes no metric queries` });
    if (eventPanel && p.kibana) ctx.addIssue({ code: "custom", path: ["kibana"], message: `a ${p.kind} panel shows deploy-guard's events; it takes no kibana block` });
    if (p.kibana?.operation === "percentile" && p.kibana.percentile === undefined) ctx.addIssue({ code: "custom", path: ["kibana", "percentile"], message: "required with operation percentile" });
    if (p.kibana?.operation && p.kibana.operation !== "count" && !p.kibana.field) ctx.addIssue({ code: "custom", path: ["kibana", "field"], message: `required with operation ${p.kibana.operation}` });
  })
  .transform((p) => ({ ...p, id: p.id ?? p.kind, width: p.width ?? (p.kind === "verdict_board" ? "full" : "half") }));
export type Panel = z.infer<typeof PanelSchema>;

const KibanaSettingsSchema = z.strictObject({
  index: z.string().min(1).max(255).regex(/^[^\s"\\/?#<>|]+$/, "an index pattern, e.g. logs-*").default("logs-*").describe("telemetry data view"),
  time_field: FieldName.default("@timestamp"),
  service_field: FieldName.default("service.name"),
  environment_field: FieldName.default("service.environment"),
  events_index: z.string().min(1).max(255).regex(/^[^\s"\\/?#<>|]+$/, "an index pattern").default("deploy-guard-events*")
    .describe("where deploy-guard indexes deploy events and verdicts (DEPLOY_GUARD_ES_EVENTS_INDEX)"),
  events_time_field: FieldName.default("@timestamp"),
  events_columns: z.array(FieldName).min(1).max(20).default(["service.name", "service.version", "event.action", "message"]),
});

export const DashboardDefinitionSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "lower-case letters, digits, . _ - only"),
    title: z.string().min(1).max(120),
    description: z.string().max(500).optional(),
    team: z.string().min(1).max(80).optional().describe("who owns the dashboard, shown on the page"),
    match: z.strictObject({ service: Glob.default("*") }).default({ service: "*" }).describe("the most specific match wins"),
    hours: z.number().int().min(1).max(24 * 30).default(24).describe("how far back the charts reach"),
    panels: z.array(PanelSchema).min(1, "a dashboard needs at least one panel").max(30),
    datadog: z.strictObject({ event_query: Template.default("tags:deploy-guard service:{{service}}") })
      .default({ event_query: "tags:deploy-guard service:{{service}}" }).describe("the event overlay on every chart"),
    kibana: KibanaSettingsSchema.default(KibanaSettingsSchema.parse({})),
  })
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    d.panels.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: "custom", path: ["panels", i, "id"], message: `duplicate panel id '${p.id}'; give each panel its own id` });
      seen.add(p.id);
    });
  });

export type DashboardDefinition = z.infer<typeof DashboardDefinitionSchema>;
