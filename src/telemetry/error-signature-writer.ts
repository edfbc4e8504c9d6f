import type { Statement } from "better-sqlite3";
import { DEFAULT_DRAIN, DrainMiner, type DrainSettings } from "../analysis/log-templates/drain-miner.ts";
import { sampleMessage } from "../analysis/log-templates/secret-masker.ts";
import type { Db } from "../store/db.ts";
import type { LogEvent } from "./log-event.ts";

const MINUTE = 60_000;
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
 * version. prepare() mines outside the transaction (CPU only); write() runs inside the caller's, so a batch of log
 * events and its signatures are stored together or not at all.
 */
export class ErrorSignatureWriter {
  private readonly miners = new Map<string, DrainMiner>();
  private readonly loadTemplates: Statement;
  private readonly upsertSignature: Statement;
  private readonly upsertMinute: Statement;

  constructor(db: Db, private readonly drain: DrainSettings = DEFAULT_DRAIN) {
    const sqlite = db.$client;
    this.loadTemplates = sqlite.prepare(
      "SELECT fingerprint, template FROM error_signatures WHERE service = ? AND environment = ? ORDER BY last_seen DESC LIMIT ?",
    );
    this.upsertSignature = sqlite.prepare(
      `INSERT INTO error_signatures (service, environment, fingerprint, template, sample, first_seen, last_seen) VALUES (?,?,?,?,?,?,?)
       ON CONFLICT DO UPDATE SET template = excluded.template,
         first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
    );
    this.upsertMinute = sqlite.prepare(
      `INSERT INTO error_signature_minutes (service, environment, fingerprint, minute, host, version, count) VALUES (?,?,?,?,?,?,?)
       ON CONFLICT DO UPDATE SET count = count + excluded.count`,
    );
  }

  prepare(events: readonly LogEvent[]): SignatureBatch {
    const signatures = new Map<string, SignatureRow>();
    const minutes = new Map<string, MinuteRow>();
    for (const e of events) {
      if (!e.isError || !e.message) continue;
      const mined = this.minerFor(e.service, e.environment).add(e.message);
      if (!mined) continue;
      const { fingerprint, template } = mined;
      const kindKey = `${e.service}\u0000${e.environment}\u0000${fingerprint}`;
      const s = signatures.get(kindKey);
      if (!s) signatures.set(kindKey, { service: e.service, environment: e.environment, fingerprint, template, sample: sampleMessage(e.message), first: e.ts, last: e.ts });
      else {
        s.template = template;
        s.first = Math.min(s.first, e.ts);
        s.last = Math.max(s.last, e.ts);
      }
      const minute = Math.floor(e.ts / MINUTE) * MINUTE, host = e.host ?? "", version = e.version ?? "";
      const minuteKey = `${kindKey}\u0000${minute}\u0000${host}\u0000${version}`;
      const m = minutes.get(minuteKey);
      if (m) m.count++;
      else minutes.set(minuteKey, { service: e.service, environment: e.environment, fingerprint, minute, host, version, count: 1 });
    }
    return { signatures: [...signatures.values()], minutes: [...minutes.values()] };
  }

  /** Call inside the transaction that stores the batch's log events. */
  write(batch: SignatureBatch): void {
    for (const s of batch.signatures) this.upsertSignature.run(s.service, s.environment, s.fingerprint, s.template, s.sample, s.first, s.last);
    for (const m of batch.minutes) this.upsertMinute.run(m.service, m.environment, m.fingerprint, m.minute, m.host, m.version, m.count);
  }

  private minerFor(service: string, environment: string): DrainMiner {
    const key = `${service}\u0000${environment}`;
    let miner = this.miners.get(key);
    if (miner) {
      this.miners.delete(key);
      this.miners.set(key, miner);
      return miner;
    }
    miner = new DrainMiner(this.drain);
    const stored = this.loadTemplates.all(service, environment, this.drain.maxTemplates) as { fingerprint: string; template: string }[];
    for (const row of stored) miner.load(row.fingerprint, row.template);
    if (this.miners.size >= MAX_MINERS) this.miners.delete(this.miners.keys().next().value!);
    this.miners.set(key, miner);
    return miner;
  }
}
