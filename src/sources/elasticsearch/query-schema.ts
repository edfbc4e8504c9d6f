import { z } from "zod";

const FieldName = z.string().min(1).max(200).regex(/^[\w.@-]+$/, "a field name: letters, digits, _ . @ - only");
const TermValue = z.union([z.string().max(1000), z.number(), z.boolean()]);

/** Names of the fields in the team's log documents; the defaults are ECS (what Filebeat and Elastic APM write). */
const FieldsSchema = z.strictObject({
  service: FieldName.default("service.name"),
  environment: FieldName.default("service.environment"),
  version: FieldName.default("service.version"),
  host: FieldName.default("host.name"),
  status: FieldName.default("http.response.status_code").describe("HTTP status code (numeric)"),
  level: FieldName.default("log.level").describe("log level (keyword)"),
  latency: FieldName.optional().describe("request duration (numeric), in latency_unit; ECS: event.duration (ns)"),
  route: FieldName.default("url.path").describe("matched against a signal's route glob"),
  message: FieldName.default("message.keyword").describe("keyword field of the error message, for new kinds of error"),
});

/** A signal's `query` block when `source: elasticsearch`: which index, which fields, what counts as an error. */
export const elasticsearchQuerySchema = z
  .strictObject({
    index: z.string().min(1).max(255).regex(/^[^\s"\\/?#<>|,]+(,[^\s"\\/?#<>|,]+)*$/, "an index name or pattern, e.g. logs-* or logs-web-*,logs-api-*")
      .describe("index pattern (or comma-separated patterns) holding the service's request logs"),
    time_field: FieldName.default("@timestamp"),
    fields: FieldsSchema.default(FieldsSchema.parse({})),
    latency_unit: z.enum(["ns", "us", "ms", "s"]).default("ms").describe("unit of fields.latency; values are converted to ms"),
    percentile: z.number().gt(0).lt(100).default(50).describe("latency signals: the percentile per interval"),
    metric_field: FieldName.optional().describe("metric signals: the numeric field averaged per interval; default the signal's metric"),
    filter: z
      .strictObject({
        query_string: z.string().min(1).max(4000).optional().describe("Lucene query string every document must match, e.g. 'event.dataset:nginx.access'"),
        term: z.record(FieldName, z.union([TermValue, z.array(TermValue).min(1).max(1000)])).optional().describe("field → value (or values) every document must have"),
      })
      .optional(),
    errors: z
      .strictObject({
        status_at_least: z.number().int().min(100).max(999).nullable().default(500).describe("a document with fields.status at or above this is an error; null to count by level only"),
        levels: z.array(z.string().min(1).max(50)).max(20).default(["error", "fatal", "critical"]).describe("a document with fields.level one of these (any case) is an error; [] to count by status only"),
      })
      .default({ status_at_least: 500, levels: ["error", "fatal", "critical"] })
      .refine((e) => e.status_at_least !== null || e.levels.length > 0, { message: "give status_at_least or levels, or nothing would count as an error" }),
  });

export type ElasticsearchQuery = z.infer<typeof elasticsearchQuerySchema>;
