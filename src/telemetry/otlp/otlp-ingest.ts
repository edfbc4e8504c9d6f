import { AppError, type FieldError } from "../../http/app-error.ts";
import { MAX_RECORDS } from "../../http/body-records.ts";
import type { Store } from "../../store/store.ts";
import type { TokenIdentity } from "../../tokens/token-service.ts";
import type { IngestPolicy } from "../ingest-policy.ts";
import { logEventOf } from "../log-event.ts";
import { metricSampleOf } from "../metric-sample.ts";
import type { TelemetryStore } from "../telemetry-store.ts";
import { CumulativeTracker } from "./cumulative-tracker.ts";
import { histogramRollups } from "./histogram-rollups.ts";
import { mapLogs } from "./log-mapper.ts";
import { mapMetrics } from "./metric-mapper.ts";
import type { LogsRequest, MetricsRequest, TracesRequest } from "./otlp-types.ts";
import { refusalMessage } from "./refusal-message.ts";
import { screen } from "./record-screen.ts";
import { mapSpans } from "./span-mapper.ts";

/** What an export came to: records stored, records refused and why (the partial_success message). */
export interface OtlpOutcome {
  accepted: number;
  rejected: number;
  message: string;
}

const NO_SIGNATURES = { signatures: [], minutes: [] };

function checkSize(count: number, what: string): void {
  if (count > MAX_RECORDS) throw new AppError("PAYLOAD_TOO_LARGE", `At most ${MAX_RECORDS} ${what} a request; this one has ${count}. Export smaller batches.`);
}

/**
 * OTLP exports stored through the same pipeline as POST /api/v1/logs and /metrics: the same validators, ingest bounds,
 * token scopes and late-data policy, and one write per export, answered after it commits. Unlike those endpoints a bad
 * record is refused on its own (OTLP's partial success); a token that may not write a service still refuses it all.
 */
export class OtlpIngest {
  private readonly cumulative = new CumulativeTracker();

  constructor(
    private readonly store: Store,
    private readonly telemetry: TelemetryStore,
    private readonly policy: IngestPolicy,
    private readonly now: () => number,
  ) {}

  async traces(req: TracesRequest, who: TokenIdentity | undefined): Promise<OtlpOutcome> {
    const mapped = mapSpans(req);
    checkSize(mapped.records.length, "server spans");
    const now = this.now();
    const ok = await screen(mapped, (v, raw) => logEventOf(v, 0, raw), this.policy, now);
    const late = this.policy.check(ok.kept, who, (i) => ok.where[i]!, "spans");
    if (ok.kept.length > 0) {
      const prepared = await this.telemetry.prepareLogs(ok.kept, late, now);
      await this.store.write(() => this.telemetry.writeLogs(prepared));
    }
    return outcome(ok.kept.length, ok.refused, "spans");
  }

  /** Log records are stored and mined for error signatures, but are not requests: they make no request roll-ups. */
  async logs(req: LogsRequest, who: TokenIdentity | undefined): Promise<OtlpOutcome> {
    const mapped = mapLogs(req);
    checkSize(mapped.records.length, "log records");
    const now = this.now();
    const ok = await screen(mapped, (v, raw) => logEventOf(v, 0, raw), this.policy, now);
    const late = this.policy.check(ok.kept, who, (i) => ok.where[i]!, "log records");
    if (ok.kept.length > 0) {
      const prepared = await this.telemetry.prepareLogs(ok.kept, late, now);
      await this.store.write(() => this.telemetry.writeLogs({ ...prepared, requestRollups: [], serviceRollups: [] }));
    }
    return outcome(ok.kept.length, ok.refused, "log records");
  }

  async metrics(req: MetricsRequest, who: TokenIdentity | undefined): Promise<OtlpOutcome> {
    const batch = this.cumulative.batch();
    const mapped = mapMetrics(req, batch);
    checkSize(mapped.histograms.records.length + mapped.samples.records.length, "data points");
    const now = this.now();
    const points = await screen(mapped.histograms, (v, raw) => logEventOf(v, 0, raw), this.policy, now);
    const samples = await screen(mapped.samples, (v, raw, where) => metricSampleOf(v, { records: [], where: () => where }, 0, raw), this.policy, now);
    const dated = [...points.kept, ...samples.kept];
    const late = this.policy.check(dated, who, (i) => (i < points.kept.length ? points.where[i]! : samples.where[i - points.kept.length]!), "data points");
    if (dated.length > 0) {
      const rollups = histogramRollups(points.kept, points.index.map((i) => mapped.histograms.data[i]!));
      await this.store.write(async () => {
        await this.telemetry.writeLogs({ events: [], ...rollups, signatures: NO_SIGNATURES, late: [], receivedAt: now });
        await this.telemetry.insertMetrics(samples.kept, late, now);
      });
    }
    batch.commit();
    const unsupported = [...mapped.unsupported].map(([metric, n]) => ({ path: metric, message: `${n} data point${n === 1 ? "" : "s"} of a kind deploy-guard does not store` }));
    const refused = [...mapped.refused, ...points.refused, ...samples.refused, ...unsupported];
    const rejected = mapped.refused.length + points.refused.length + samples.refused.length + [...mapped.unsupported.values()].reduce((a, b) => a + b, 0);
    return { accepted: dated.length, rejected, message: refusalMessage(refused, rejected, "data points") };
  }
}

function outcome(accepted: number, refused: FieldError[], what: string): OtlpOutcome {
  return { accepted, rejected: refused.length, message: refusalMessage(refused, refused.length, what) };
}
