/**
 * OTLP records turned into the JSON shape of POST /api/v1/logs or /metrics, each with where it was in the request, so
 * the same validators check them and a refusal names the record ("resourceSpans[0].scopeSpans[0].spans[3]").
 */
export interface MappedRecords {
  records: Record<string, unknown>[];
  where: string[];
  /** Records that are not for deploy-guard (a client span): left out, and not counted as refused. */
  skipped: number;
}
