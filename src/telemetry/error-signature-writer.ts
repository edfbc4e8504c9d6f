import { DEFAULT_DRAIN, DrainMiner, type DrainSettings } from "../analysis/log-templates/drain-miner.ts";
import { sampleMessage } from "../analysis/log-templates/secret-masker.ts";
import type { Statement, Store } from "../store/store.ts";
import type { LogEvent } from "./log-event.ts";
import { greater, lesser } from "./portable-sql.ts";

const MINUTE = 60_000;
/**
 * A template only ever gains wildcards, so of two the one with more is the newer: batches are mined in slices and may
 * be written in another order than they were mined.
 */
const WILDCARDS = (t: string) => `(length(${t}) - length(replace(${t}, '<*>', '')))`;
const MORE_GENERAL = `CASE WHEN ${WILDCARDS("excluded.template")} >= ${WILDCARDS("s.template")} THEN excluded.template ELSE s.template END`;
/** Services whose miners stay in memory; the least recently used is dropped and reloaded from the store when needed. */
const MAX_MINERS = 500;

interface SignatureRow { service: string; environment: string; fingerprint: string; template: string; sample: string; first: number; last: number }
interface MinuteRow { service: string; environment: string; fingerprint: string; minute: number; host: string; version: string; count: number }

/** One batch's kinds of error, mined and counted, ready to write inside the batch's transaction. */
export interface SignatureBatch {
  signatures: SignatureRow[];
  minutes: MinuteRow[];
}

/**
 * Names each error event's kind (a Drain template per service and environment) and counts kinds per minute, host and
 * version. A tally() loads the batch's miners, then mines outside the transaction (CPU only); write() runs inside the
 * caller's, so a batch of log events and its signatures are stored together or not at all.
 */
export class ErrorSignatureWriter {
  private readonly miners = new Map<string, DrainMiner>();
  private readonly loadTemplates: Statement<{ fingerprint: string; template: string }>;
  private readonly upsertSignature: Statement<unknown>;
  private readonly upsertMinute: Statement<unknown>;

  constructor(store: Store, private readonly drain: DrainSettings = DEFAULT_DRAIN) {
    this.loadTemplates = store.statement(
      "SELECT fingerprint, template FROM error_signatures WHERE service = ? AND environment = ? ORDER BY last_seen DESC LIMIT ?",
    );
    this.upsertSignature = store.statement(
      `INSERT INTO error_signatures AS s (service, environment, fingerprint, template, sample, first_seen, last_seen) VALUES (?,?,?,?,?,?,?)
       ON CONFLICT (service, environment, fingerprint) DO UPDATE SET template = ${MORE_GENERAL},
         first_seen = ${lesser("s.first_seen", "excluded.first_seen")}, last_seen = ${greater("s.last_seen", "excluded.last_seen")}`,
    );
    this.upsertMinute = store.statement(
      `INSERT INTO error_signature_minutes (service, environment, fingerprint, minute, host, version, count) VALUES (?,?,?,?,?,?,?)
       ON CONFLICT (service, environment, fingerprint, minute, host, version) DO UPDATE SET count = error_signature_minutes.count + excluded.count`,
    );
  }

  /**
   * An empty count for one batch of `events`, fed event by event (in slices by the caller). The miners of the batch's
   * services are loaded first (a read), so mining itself is CPU only.
   */
  async tally(events: readonly LogEvent[]): Promise<SignatureTally> {
    const miners = new Map<string, DrainMiner>();
    for (const e of events) {
      if (!e.isError || !e.message) continue;
      const key = minerKey(e.service, e.environment);
      if (!miners.has(key)) miners.set(key, await this.minerFor(e.service, e.environment));
    }
    return new SignatureTally((service, environment) => miners.get(minerKey(service, environment))!);
  }

  /** Call inside the write that stores the batch's log events. */
  async write(batch: SignatureBatch): Promise<void> {
    for (const s of batch.signatures) await this.upsertSignature.run(s.service, s.environment, s.fingerprint, s.template, s.sample, s.first, s.last);
    for (const m of batch.minutes) await this.upsertMinute.run(m.service, m.environment, m.fingerprint, m.minute, m.host, m.version, m.count);
  }

  private async minerFor(service: string, environment: string): Promise<DrainMiner> {
    const key = minerKey(service, environment);
    let miner = this.miners.get(key);
    if (miner) {
      this.miners.delete(key);
      this.miners.set(key, miner);
      return miner;
    }
    miner = new DrainMiner(this.drain);
    const stored = await this.loadTemplates.all(service, environment, this.drain.maxTemplates);
    // Another batch may have loaded it while this one waited on the read: keep one miner per service.
    const loaded = this.miners.get(key);
    if (loaded) return loaded;
    for (const row of stored) miner.load(row.fingerprint, row.template);
    if (this.miners.size >= MAX_MINERS) this.miners.delete(this.miners.keys().next().value!);
    this.miners.set(key, miner);
    return miner;
  }
}

const minerKey = (service: string, environment: string) => `${service}\u0000${environment}`;

/** One batch's kinds of error and their per-minute counts, as the events come. */
export class SignatureTally {
  private readonly signatures = new Map<string, SignatureRow>();
  private readonly minutes = new Map<string, MinuteRow>();

  constructor(private readonly minerFor: (service: string, environment: string) => DrainMiner) {}

  add(e: LogEvent): void {
    if (!e.isError || !e.message) return;
    const mined = this.minerFor(e.service, e.environment).add(e.message);
    if (!mined) return;
    const { fingerprint, template } = mined;
    const kindKey = `${e.service}\u0000${e.environment}\u0000${fingerprint}`;
    const s = this.signatures.get(kindKey);
    if (!s) this.signatures.set(kindKey, { service: e.service, environment: e.environment, fingerprint, template, sample: sampleMessage(e.message), first: e.ts, last: e.ts });
    else {
      s.template = template;
      s.first = Math.min(s.first, e.ts);
      s.last = Math.max(s.last, e.ts);
    }
    const minute = Math.floor(e.ts / MINUTE) * MINUTE, host = e.host ?? "", version = e.version ?? "";
    const minuteKey = `${kindKey}\u0000${minute}\u0000${host}\u0000${version}`;
    const m = this.minutes.get(minuteKey);
    if (m) m.count++;
    else this.minutes.set(minuteKey, { service: e.service, environment: e.environment, fingerprint, minute, host, version, count: 1 });
  }

  batch(): SignatureBatch {
    return { signatures: [...this.signatures.values()], minutes: [...this.minutes.values()] };
  }
}
