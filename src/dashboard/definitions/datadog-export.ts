import type { DashboardDefinition, Panel } from "./definition-schema.ts";
import { datadogQueriesFor, fillDatadog, type ExportScope } from "./panel-queries.ts";

/** The body of Datadog's `POST /api/v1/dashboard` (snake_case, as the API takes it). */
export interface DatadogDashboard {
  title: string;
  description: string;
  layout_type: "ordered";
  reflow_type: "auto";
  tags: string[];
  template_variables: { name: string; prefix: string; defaults: string[] }[];
  widgets: { definition: Record<string, unknown> }[];
}

/** Datadog's fixed live spans; the definition's hours are rounded up to the next one. */
const LIVE_SPANS: [hours: number, span: string][] = [[1, "1h"], [4, "4h"], [24, "1d"], [48, "2d"], [168, "1w"], [720, "1mo"]];

function liveSpan(hours: number): string {
  return LIVE_SPANS.find(([h]) => hours <= h)?.[1] ?? "1mo";
}

function widget(panel: Panel, d: DashboardDefinition, scope: ExportScope): Record<string, unknown> {
  const common = { title: panel.title, ...(panel.description ? { description: panel.description } : {}), time: { live_span: liveSpan(d.hours) } };
  const events = fillDatadog(d.datadog.event_query, scope);
  if (panel.kind === "verdict_board") return { type: "event_stream", query: events, event_size: "l", ...common };
  if (panel.kind === "deploy_markers") return { type: "event_timeline", query: events, ...common };
  const dd = datadogQueriesFor(panel)!;
  const names = Object.keys(dd.queries);
  return {
    type: "timeseries",
    ...common,
    show_legend: false,
    requests: [{
      response_format: "timeseries",
      display_type: "line",
      queries: names.map((name) => ({ data_source: "metrics", name, query: fillDatadog(dd.queries[name]!, scope) })),
      formulas: [{ formula: dd.formula ?? names[0]!, alias: panel.title }],
    }],
    // deploy-guard posts every deploy and verdict as an event tagged deploy-guard: the release markers.
    events: [{ q: events }],
  };
}

/** One definition as a Datadog dashboard; the service and environment fixed, or left as template variables. */
export function toDatadogDashboard(d: DashboardDefinition, scope: ExportScope = {}): DatadogDashboard {
  const variables = [
    ...(scope.service === undefined ? [{ name: "service", prefix: "service", defaults: [d.match.service] }] : []),
    ...(scope.environment === undefined ? [{ name: "env", prefix: "env", defaults: ["*"] }] : []),
  ];
  const who = scope.service ?? (d.match.service === "*" ? "" : d.match.service);
  return {
    title: who ? `${d.title}: ${who}` : d.title,
    description: [d.description, `Exported by deploy-guard from dashboard definition '${d.name}'.`].filter(Boolean).join(" "),
    layout_type: "ordered",
    reflow_type: "auto",
    tags: d.team ? [`team:${d.team.toLowerCase().replace(/[^a-z0-9_.:/-]/g, "_")}`] : [],
    template_variables: variables,
    widgets: d.panels.map((p) => ({ definition: widget(p, d, scope) })),
  };
}
