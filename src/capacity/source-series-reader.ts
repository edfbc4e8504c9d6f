import { callSource, type CallPolicy } from "../sources/source-call.ts";
import type { Sources } from "../sources/registry.ts";
import { notConfigured, SOURCE_INFO } from "../sources/source-info.ts";
import { NoDataError, type MetricSource, type SourceQuery } from "../sources/source.ts";
import type { SeriesRead } from "./capacity-rule.ts";

const MINUTE = 60_000;
/** Points a query may ask for: under Prometheus' 11,000 a series, and within what Datadog answers at full resolution. */
const POINTS = 1440;
const PARALLEL = 4;

/** A capacity series an outside source could not give: the comparison is then no data, and says why. */
export class CapacitySourceError extends Error {
  override name = "CapacitySourceError";
}

/**
 * Reads one capacity series from Prometheus, Datadog or Elasticsearch through callSource (its timeout and bounded
 * retries), at the model's interval: a volume's count per interval and the resource's level, keyed by the interval's
 * first minute, which resample() reads as the pushed per-minute series summed and averaged over the interval.
 */
export class SourceSeriesReader {
  constructor(
    private readonly sources: Sources,
    private readonly policy: CallPolicy,
  ) {}

  async read(series: SeriesRead, w: Pick<SourceQuery, "service" | "environment" | "start" | "end">, intervalMinutes: number): Promise<Map<number, number>> {
    const source = this.sources.get(series.source);
    if (!source) throw new CapacitySourceError(`${series.name}: ${notConfigured(series.source)}`);
    const chunk = POINTS * intervalMinutes * MINUTE;
    const chunks: SourceQuery[] = [];
    for (let from = w.start; from < w.end; from += chunk) {
      chunks.push({ ...w, start: from, end: Math.min(w.end, from + chunk), stepSeconds: intervalMinutes * 60, signal: this.signalOf(series) });
    }
    const out = new Map<number, number>();
    for (let i = 0; i < chunks.length; i += PARALLEL) {
      const answers = await Promise.all(chunks.slice(i, i + PARALLEL).map((q) => this.chunk(series, source, q)));
      for (const answer of answers) for (const [t, v] of answer) out.set(t, v);
    }
    return out;
  }

  private signalOf(series: SeriesRead): SourceQuery["signal"] {
    return { name: series.name, kind: series.count ? "error_rate" : "metric", metric: series.name, query: series.query };
  }

  private async chunk(series: SeriesRead, source: MetricSource, q: SourceQuery): Promise<Map<number, number>> {
    try {
      const answer = await callSource(source, q, this.policy);
      if (answer.kind === "counts") return new Map(answer.points.map((p) => [p.t, p.exposure]));
      if (answer.kind === "values") return new Map(answer.points.map((p) => [p.t, p.value]));
      throw new CapacitySourceError(`${series.name}: ${SOURCE_INFO[series.source].label} answered a latency histogram, not one value per interval`);
    } catch (err) {
      // An empty span is a gap the fit can live with (fewer points); an outage is not.
      if (err instanceof NoDataError) return new Map();
      if (err instanceof CapacitySourceError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new CapacitySourceError(this.sources.scrub(`${series.name}: ${SOURCE_INFO[series.source].label} failed: ${message}`));
    }
  }
}
