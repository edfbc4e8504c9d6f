import { z } from "zod";

/**
 * The placeholders a PromQL template may use. service and environment are label values for `=` matchers; version,
 * hosts and excluded_hosts are regular expressions for `=~` / `!~` matchers (they match everything, or for
 * excluded_hosts nothing, when the window does not narrow them); step is the query step as a duration, e.g. `60s`.
 */
export const PROMQL_PLACEHOLDERS = ["service", "environment", "version", "hosts", "excluded_hosts", "step"] as const;
export type PromqlPlaceholder = (typeof PROMQL_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const Template = z
  .string()
  .min(1)
  .max(8000)
  .superRefine((text, ctx) => {
    for (const [, name] of text.matchAll(PLACEHOLDER)) {
      if (!(PROMQL_PLACEHOLDERS as readonly string[]).includes(name ?? "")) {
        ctx.addIssue({ code: "custom", message: `unknown placeholder {{${name}}}; use ${PROMQL_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}` });
      }
    }
  });

/**
 * A signal's `query` block when its source is prometheus: an error_rate gives `errors` and `requests` (counts per
 * step), a latency or metric signal gives one `value` per step.
 */
export const prometheusQuerySchema = z.union([
  z.strictObject({
    errors: Template.describe("PromQL for the failed requests per step, e.g. sum(increase(http_requests_total{service=\"{{service}}\",code=~\"5..\"}[{{step}}]))"),
    requests: Template.describe("PromQL for all requests per step, the same without the status filter"),
  }),
  z.strictObject({
    value: Template.describe("PromQL for one value per step, e.g. histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service=\"{{service}}\"}[{{step}}]))) * 1000"),
  }),
]);
export type PrometheusQuery = z.infer<typeof prometheusQuerySchema>;

/** The query block fitting a signal kind, or a message saying what is missing (for the rule loader and the source). */
export function prometheusQueryProblem(kind: "error_rate" | "latency" | "metric", query: PrometheusQuery): string | undefined {
  if (kind === "error_rate" && !("errors" in query)) return "an error_rate signal needs errors and requests queries";
  if (kind !== "error_rate" && !("value" in query)) return `a ${kind} signal needs a value query`;
  return undefined;
}
