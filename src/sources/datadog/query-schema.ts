import { z } from "zod";

/** Placeholders a Datadog query may use; each is filled with an escaped value (see query-template.ts). */
export const DATADOG_PLACEHOLDERS = ["service", "environment", "version", "hosts"] as const;

const placeholderPattern = /\{\{\s*([^}]*?)\s*\}\}/g;

const template = (what: string) =>
  z
    .string()
    .min(1)
    .max(2000)
    .superRefine((s, ctx) => {
      for (const [, name] of s.matchAll(placeholderPattern)) {
        if (!(DATADOG_PLACEHOLDERS as readonly string[]).includes(name ?? "")) {
          ctx.addIssue({ code: "custom", message: `unknown placeholder {{${name}}}; use ${DATADOG_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}` });
        }
      }
    })
    .describe(what);

const LogCountsSchema = z.strictObject({
  errors: template("log search query matching the failed requests, e.g. service:{{service}} env:{{environment}} status:error"),
  requests: template("log search query matching every request, e.g. service:{{service}} env:{{environment}}"),
  indexes: z.array(z.string().regex(/^[\w*.-]{1,100}$/, "an index name or *")).min(1).default(["*"]).describe("log indexes to search"),
});

/**
 * A signal's `query` block when `source: datadog`. Exactly one form:
 * error_rate from two metric queries (`errors`, `requests`) or from log counts (`logs`); latency and metric from `value`.
 */
export const datadogQuerySchema = z
  .strictObject({
    errors: template("metric query counting failed requests, e.g. sum:trace.http.request.errors{service:{{service}},env:{{environment}}}.as_count()").optional(),
    requests: template("metric query counting all requests, e.g. sum:trace.http.request.hits{service:{{service}},env:{{environment}}}.as_count()").optional(),
    logs: LogCountsSchema.optional(),
    value: template("one metric query giving one value per interval, e.g. p95:trace.http.request{service:{{service}},env:{{environment}}}").optional(),
    scale: z.number().positive().optional().describe("multiplies each value of `value`, e.g. 1000 for a latency in seconds: latency signals are judged in ms"),
  })
  .superRefine((q, ctx) => {
    const forms = [q.errors !== undefined || q.requests !== undefined, q.logs !== undefined, q.value !== undefined].filter(Boolean).length;
    if (forms !== 1) ctx.addIssue({ code: "custom", message: "give exactly one of: errors + requests (metric queries), logs (log counts), value (one metric query)" });
    if ((q.errors === undefined) !== (q.requests === undefined)) {
      ctx.addIssue({ code: "custom", path: [q.errors === undefined ? "errors" : "requests"], message: "errors and requests go together" });
    }
    if (q.scale !== undefined && q.value === undefined) ctx.addIssue({ code: "custom", path: ["scale"], message: "only with value" });
  });

export type DatadogQuery = z.infer<typeof datadogQuerySchema>;

/** Why a query block does not fit the signal's kind, or undefined when it does (for the rule schema's superRefine). */
export function datadogQueryKindIssue(kind: "error_rate" | "latency" | "metric", q: DatadogQuery): string | undefined {
  if (kind === "error_rate" && q.value !== undefined) return "an error_rate signal needs errors + requests or logs, not value";
  if (kind !== "error_rate" && q.value === undefined) return `a ${kind} signal needs one metric query (value: …)`;
  return undefined;
}
