import { metricTagValue } from "../../sources/datadog/query-template.ts";
import type { DatadogPanel, KibanaPanel, Panel } from "./definition-schema.ts";

/** The service and environment an export is for; a missing one becomes a dashboard template variable. */
export interface ExportScope {
  service?: string | undefined;
  environment?: string | undefined;
}

const scoped = (metric: string) => `${metric}{service:{{service}},env:{{environment}}}`;

/** The panel's Datadog queries: its own, else Datadog APM's trace metrics (unified service tagging) for its kind. */
export function datadogQueriesFor(panel: Panel): DatadogPanel | undefined {
  if (panel.datadog) return panel.datadog;
  switch (panel.kind) {
    case "error_rate":
      return {
        queries: { errors: `sum:${scoped("trace.http.request.errors")}.as_count()`, requests: `sum:${scoped("trace.http.request.hits")}.as_count()` },
        formula: "100 * errors / requests",
      };
    case "latency":
      return { queries: { latency: `p${panel.percentile ?? 95}:${scoped("trace.http.request")}` } };
    case "metric":
      return { queries: { value: `avg:${scoped(panel.metric ?? "")}` } };
    case "capacity":
      return { queries: { cpu: `avg:${scoped("system.cpu.user")}` } };
    case "verdict_board":
    case "deploy_markers":
      return undefined;
  }
}

/** The panel's Lens measure: its own, else ECS fields for its kind (what Filebeat and Elastic APM write). */
export function kibanaMeasureFor(panel: Panel): KibanaPanel | undefined {
  if (panel.kibana) return panel.kibana;
  switch (panel.kind) {
    case "error_rate":
      return { errors_kql: "http.response.status_code >= 500" };
    case "latency":
      return { operation: "percentile", field: "event.duration", percentile: panel.percentile ?? 95 };
    case "metric":
      return { operation: "average", field: panel.metric };
    case "capacity":
      return { operation: "average", field: "system.cpu.total.norm.pct" };
    case "verdict_board":
    case "deploy_markers":
      return undefined;
  }
}

/** Fills {{service}} and {{environment}} with Datadog's normalised tag values, or `$service.value` / `$env.value`. */
export function fillDatadog(template: string, scope: ExportScope): string {
  return template.replace(/\{\{\s*(service|environment)\s*\}\}/g, (_, name: string) => {
    const value = name === "service" ? scope.service : scope.environment;
    if (value !== undefined) return metricTagValue(value);
    return name === "service" ? "$service.value" : "$env.value";
  });
}

/** A KQL phrase: quoted, with \ and " escaped, so a service name cannot change the query. */
export function kqlValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
