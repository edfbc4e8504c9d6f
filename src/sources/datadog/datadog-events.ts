import type { v1 } from "@datadog/datadog-api-client";
import type { Logger } from "pino";
import type { Config } from "../../config.ts";
import type { EventSink } from "../event-sink.ts";
import { withRetries, type RetryPolicy } from "../bounded-retry.ts";
import { SourceError } from "../source.ts";
import { datadogApis, describeTarget, type DatadogApis } from "./datadog-client.ts";
import { toSourceError, type ErrorContext } from "./datadog-errors.ts";
import { deployEventBody, verdictEventBody, type DeployEvent, type VerdictEvent } from "./event-payloads.ts";

const POST_TIMEOUT_MS = 5000;

/**
 * Posts deploy events and verdicts to Datadog's event stream, for graph overlays and monitors.
 * Fire-and-forget: each post is retried a few times, then logged and dropped; the returned promise never rejects.
 */
export class DatadogEvents implements EventSink {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly ctx: ErrorContext;

  constructor(
    private readonly apis: () => Promise<DatadogApis>,
    ctx: { target: string; secrets: string[] },
    private readonly publicUrl: string | undefined,
    private readonly logger: Logger,
    private readonly retry: RetryPolicy,
  ) {
    this.ctx = { ...ctx, timeoutMs: POST_TIMEOUT_MS };
  }

  deploy(event: DeployEvent): Promise<void> {
    return this.post(deployEventBody(event, this.publicUrl), event.release_id, "deploy");
  }

  verdict(v: VerdictEvent): Promise<void> {
    return this.post(verdictEventBody(v, this.publicUrl), v.release_id, "verdict");
  }

  /** Waits for the posts under way (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private post(body: v1.EventCreateRequest, releaseId: string, kind: "deploy" | "verdict"): Promise<void> {
    const attempt = async () => {
      const apis = await this.apis();
      try {
        await apis.events.createEvent({ body }, apis.options(POST_TIMEOUT_MS));
      } catch (err) {
        throw toSourceError(err, this.ctx);
      }
    };
    const done = withRetries(attempt, this.retry, { retryable: (err) => err instanceof SourceError && err.retryable }).then(
      () => undefined,
      (err: unknown) => this.logger.warn({ release_id: releaseId, event: kind, reason: err instanceof Error ? err.message : String(err) }, "could not post the event to Datadog; dropped"),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return done;
  }
}

/** The Datadog event sink when DEPLOY_GUARD_DD_EVENTS=true (and the keys are set). */
export function createDatadogEvents(config: Config, logger: Logger, options: { backoffMs?: number } = {}): DatadogEvents | undefined {
  const dd = config.datadog;
  if (!dd?.events) return undefined;
  const retry = { retries: dd.maxRetries, backoffMs: options.backoffMs ?? 1000 };
  return new DatadogEvents(datadogApis(dd), { target: describeTarget(dd), secrets: [dd.apiKey, dd.appKey] }, config.publicUrl, logger, retry);
}
