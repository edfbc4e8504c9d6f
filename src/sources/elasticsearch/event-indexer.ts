import type { Client, estypes } from "@elastic/elasticsearch";
import type { Logger } from "pino";
import type { Config } from "../../config.ts";
import type { DeployEventOut, EventSink, VerdictEventOut } from "../event-sink.ts";
import { createElasticsearchClient, describeTarget, secretsOf, type ClientOptions } from "./elasticsearch-client.ts";
import { deployDocument, documentId, verdictDocument, type EventDocument } from "./event-documents.ts";
import { toSourceError, type ErrorContext } from "./source-errors.ts";

interface Pending {
  id: string;
  doc: EventDocument;
  attempts: number;
}

export interface IndexerOptions {
  /** Events sent together in one `_bulk` request. */
  batchSize?: number;
  /** Attempts per event before it is logged and dropped. */
  maxAttempts?: number;
  /** The first wait after a failed attempt; doubled each time, at most a minute. */
  backoffMs?: number;
  /** Events held while Elasticsearch is away; the oldest go first past this. */
  maxQueued?: number;
}

/** Item statuses worth another attempt: the cluster was busy or failing, not the document wrong. */
const retryable = (status: number) => status === 429 || status >= 500;

/**
 * Indexes deploy events and verdicts for Kibana annotations through `_bulk`, in memory, in the background: a
 * failure is retried with backoff, then logged and dropped, and never reaches the verdict that caused it.
 */
export class EventIndexer implements EventSink {
  private queue: Pending[] = [];
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly o: Required<IndexerOptions>;

  constructor(
    private readonly client: Client,
    private readonly index: string,
    private readonly logger: Logger,
    private readonly errors: ErrorContext,
    options: IndexerOptions = {},
  ) {
    this.o = { batchSize: 200, maxAttempts: 5, backoffMs: 1000, maxQueued: 10_000, ...options };
  }

  deploy(e: DeployEventOut): Promise<void> {
    this.enqueue(deployDocument(e));
    return Promise.resolve();
  }

  verdict(v: VerdictEventOut): Promise<void> {
    this.enqueue(verdictDocument(v));
    return Promise.resolve();
  }

  /** Sends everything queued now, once (shutdown, tests); failures stay queued for their retry. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sending;
    this.sending = this.sendAll().finally(() => (this.sending = undefined));
    await this.sending;
  }

  /** Events waiting for their (next) attempt. */
  queued(): number {
    return this.queue.length;
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private enqueue(doc: EventDocument): void {
    this.queue.push({ id: documentId(doc), doc, attempts: 0 });
    if (this.queue.length > this.o.maxQueued) {
      const dropped = this.queue.splice(0, this.queue.length - this.o.maxQueued);
      this.logger.warn({ dropped: dropped.length, index: this.index }, "events index unreachable for long; oldest events dropped");
    }
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  private async sendAll(): Promise<void> {
    const failed: Pending[] = [];
    while (this.queue.length > 0) failed.push(...(await this.send(this.queue.splice(0, this.o.batchSize))));
    const again = failed.filter((p) => p.attempts < this.o.maxAttempts);
    if (again.length < failed.length) {
      this.logger.warn({ dropped: failed.length - again.length, index: this.index }, "events could not be indexed after every attempt; dropped");
    }
    if (again.length === 0) return;
    this.queue.unshift(...again);
    const attempts = Math.min(...again.map((p) => p.attempts));
    this.schedule(Math.min(60_000, this.o.backoffMs * 2 ** (attempts - 1)));
  }

  /** One `_bulk` request; returns the events to try again. */
  private async send(batch: Pending[]): Promise<Pending[]> {
    const operations = batch.flatMap((p) => [{ create: { _index: this.index, _id: p.id } }, p.doc]);
    let answer: estypes.BulkResponse;
    try {
      answer = await this.client.bulk({ operations });
    } catch (err) {
      const e = toSourceError(err, this.errors);
      this.logger.warn({ index: this.index, events: batch.length, reason: e.message }, "could not index events; will retry");
      return e.retryable ? batch.map((p) => ({ ...p, attempts: p.attempts + 1 })) : this.drop(batch, e.message);
    }
    if (!answer.errors) return [];
    return this.partialFailure(batch, answer.items);
  }

  /** `errors: true` means some items failed; each item answers in order, so item i is batch[i]. */
  private partialFailure(batch: Pending[], items: estypes.BulkResponseItem[] | Partial<Record<string, estypes.BulkResponseItem>>[]): Pending[] {
    const retry: Pending[] = [];
    const rejected: { id: string; status: number; type: string; reason: string }[] = [];
    batch.forEach((p, i) => {
      const item = Object.values(items[i] ?? {})[0] as estypes.BulkResponseItem | undefined;
      if (!item) return void retry.push({ ...p, attempts: p.attempts + 1 });
      // 409 on create: this event was indexed by an earlier attempt whose answer was lost.
      if (!item.error || item.status === 409) return;
      if (retryable(item.status)) retry.push({ ...p, attempts: p.attempts + 1 });
      else rejected.push({ id: p.id, status: item.status, type: item.error.type, reason: item.error.reason ?? "" });
    });
    if (retry.length > 0) this.logger.warn({ index: this.index, failed: retry.length, of: batch.length }, "some events were not indexed; will retry them");
    if (rejected.length > 0) this.logger.error({ index: this.index, rejected }, "Elasticsearch refused some events; dropped");
    return retry;
  }

  private drop(batch: Pending[], reason: string): Pending[] {
    this.logger.error({ index: this.index, dropped: batch.length, reason }, "Elasticsearch refused the events; dropped");
    return [];
  }
}

/** The events indexer when DEPLOY_GUARD_ES_EVENTS_INDEX is set (with DEPLOY_GUARD_ES_URL or _CLOUD_ID). */
export function createEventIndexer(config: Config, logger: Logger, options: IndexerOptions & ClientOptions = {}): EventIndexer | undefined {
  const es = config.elasticsearch;
  if (!es?.eventsIndex) return undefined;
  const errors = { target: describeTarget(es), index: es.eventsIndex, timeoutMs: es.timeoutMs, secrets: secretsOf(es) };
  return new EventIndexer(createElasticsearchClient(es, options), es.eventsIndex, logger, errors, options);
}
