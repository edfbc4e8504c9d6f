import type { SourceQuery } from "../source.ts";

/** What a query is rendered for: a metric query (tag filters) or a log search. */
export type QuerySyntax = "metric" | "log";

/**
 * Datadog stores tags lower-cased, with anything outside letters, digits and _ - . : / turned into _;
 * doing the same here both matches the stored tag and leaves no way to inject query syntax.
 */
export function metricTagValue(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_.:/-]/g, "_").slice(0, 200);
}

/** A log search value, quoted: only " and \ need escaping inside quotes. */
export function logValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function value(v: string, syntax: QuerySyntax): string {
  return syntax === "metric" ? metricTagValue(v) : logValue(v);
}

/** `(host:a OR host:b)`, `(NOT host:a AND NOT host:b)`, or `host:*` when the window is not limited to some hosts. */
export function hostsFilter(q: Pick<SourceQuery, "hosts" | "excludeHosts">, syntax: QuerySyntax): string {
  if (q.hosts && q.hosts.length > 0) return `(${q.hosts.map((h) => `host:${value(h, syntax)}`).join(" OR ")})`;
  if (q.excludeHosts && q.excludeHosts.length > 0) return `(${q.excludeHosts.map((h) => `NOT host:${value(h, syntax)}`).join(" AND ")})`;
  return "host:*";
}

/** Fills {{service}}, {{environment}}, {{version}} (`*` for a window of any version) and {{hosts}}. */
export function renderQuery(template: string, q: SourceQuery, syntax: QuerySyntax): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    switch (name) {
      case "service": return value(q.service, syntax);
      case "environment": return value(q.environment, syntax);
      case "version": return q.version === undefined ? "*" : value(q.version, syntax);
      case "hosts": return hostsFilter(q, syntax);
      default: return whole;
    }
  });
}
