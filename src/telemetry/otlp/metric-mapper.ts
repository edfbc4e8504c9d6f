import type { FieldError } from "../../http/app-error.ts";
import type { CumulativeBatch } from "./cumulative-tracker.ts";
import { durationHistogram, type DurationHistogram } from "./duration-histogram.ts";
import type { MappedRecords } from "./mapped-records.ts";
import { attributes, integer, nanosToMs, originOf, text, toNumber, withOrigin } from "./otlp-values.ts";
import { NO_RECORDED_VALUE, TEMPORALITY_CUMULATIVE, type Metric, type MetricsRequest, type NumberDataPoint } from "./otlp-types.ts";

/** The request-duration histograms that become request roll-ups: today's name (seconds) and the one before 1.21 (ms). */
const DURATION_METRICS = new Set(["http.server.request.duration", "http.server.duration"]);

export interface MappedMetrics {
  /** Request roll-ups: each record's identity (checked like a log event) and its histogram. */
  histograms: MappedRecords & { data: DurationHistogram[] };
  /** Gauges and sums, in the shape of POST /api/v1/metrics. */
  samples: MappedRecords;
  /** Data points of kinds deploy-guard does not store, by metric: refused, and said so in partial_success. */
  unsupported: Map<string, number>;
  /** Duration points that are not well formed (bucket counts that do not fit the bounds). */
  refused: FieldError[];
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const valueOf = (p: NumberDataPoint) => (has(p, "asDouble") ? p.asDouble : has(p, "asInt") ? toNumber(p.asInt) : undefined);

/**
 * Metrics as deploy-guard stores them. `http.server.request.duration` (explicit buckets, delta or cumulative) becomes
 * per-minute request roll-ups with no per-request rows; gauges and sums become metric samples named as in OTLP, labelled
 * with their attributes (a monotonic cumulative sum as its increase since the previous point). Everything else (other
 * histograms, exponential histograms, summaries) is refused by name.
 */
export function mapMetrics(req: MetricsRequest, cumulative: CumulativeBatch): MappedMetrics {
  const out: MappedMetrics = { histograms: { records: [], where: [], skipped: 0, data: [] }, samples: { records: [], where: [], skipped: 0 }, unsupported: new Map(), refused: [] };
  req.resourceMetrics.forEach((rm, r) => {
    const origin = withOrigin(originOf(rm.resource));
    const resourceKey = JSON.stringify(attributes(rm.resource?.attributes));
    rm.scopeMetrics.forEach((sm, s) => sm.metrics.forEach((metric, m) => {
      const where = `resourceMetrics[${r}].scopeMetrics[${s}].metrics[${m}]`;
      const seriesKey = (attrs: Record<string, unknown>) => `${metric.name}\u0000${resourceKey}\u0000${JSON.stringify(attrs)}`;
      if (metric.histogram && DURATION_METRICS.has(metric.name)) {
        const cumulativePoints = metric.histogram.aggregationTemporality === TEMPORALITY_CUMULATIVE;
        metric.histogram.dataPoints.forEach((p, i) => {
          if ((p.flags & NO_RECORDED_VALUE) !== 0) return void out.histograms.skipped++;
          const attrs = attributes(p.attributes);
          const data = durationHistogram(p, metric.unit, cumulativePoints ? (v, f) => cumulative.delta(seriesKey(attrs), nanosToMs(p.startTimeUnixNano), nanosToMs(p.timeUnixNano), v, f) : undefined);
          if (typeof data === "string") return void out.refused.push({ path: `${where}.histogram.dataPoints[${i}]`, message: data });
          if (data === undefined) return void out.histograms.skipped++;
          if (data.count === 0) return;
          const status = integer(attrs, "http.response.status_code", "http.status_code");
          out.histograms.records.push({
            ...origin, timestamp: nanosToMs(p.timeUnixNano), route: text(attrs, "http.route"), status,
            level: status === undefined && text(attrs, "error.type") !== undefined ? "error" : undefined,
          });
          out.histograms.data.push(data);
          out.histograms.where.push(`${where}.histogram.dataPoints[${i}]`);
        });
        return;
      }
      const numbers = metric.gauge?.dataPoints ?? metric.sum?.dataPoints;
      if (!numbers) return void countUnsupported(out.unsupported, metric);
      const increase = metric.sum?.isMonotonic === true && metric.sum.aggregationTemporality === TEMPORALITY_CUMULATIVE;
      numbers.forEach((p, i) => {
        let value = valueOf(p);
        if ((p.flags & NO_RECORDED_VALUE) !== 0 || value === undefined) return void out.samples.skipped++;
        const attrs = attributes(p.attributes);
        if (increase) {
          value = cumulative.delta(seriesKey(attrs), nanosToMs(p.startTimeUnixNano), nanosToMs(p.timeUnixNano), [value])?.values[0];
          if (value === undefined) return void out.samples.skipped++;
        }
        out.samples.records.push({ ...origin, name: metric.name, value, timestamp: nanosToMs(p.timeUnixNano), tags: attrs });
        out.samples.where.push(`${where}.${metric.gauge ? "gauge" : "sum"}.dataPoints[${i}]`);
      });
    }));
  });
  return out;
}

function countUnsupported(into: Map<string, number>, metric: Metric): void {
  const kind = metric.histogram ? "histogram" : metric.exponentialHistogram ? "exponential histogram" : metric.summary ? "summary" : undefined;
  if (!kind) return;
  const points = (metric.histogram ?? metric.exponentialHistogram ?? metric.summary)!.dataPoints.length;
  if (points === 0) return;
  const key = `${metric.name} (${kind})`;
  into.set(key, (into.get(key) ?? 0) + points);
}
