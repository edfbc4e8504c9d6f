import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { EffectAttemptStore } from "../store/effect-attempt-store.ts";
import type { Statement, Store } from "../store/store.ts";
import type { DigestPayload, NotificationPayload } from "./notification-payload.ts";
import { DeliveryError, type Notifier } from "./notifier.ts";
import { OutsideWrite } from "./outside-write.ts";
import { NO_METRICS, type Metrics } from "../observability/metrics.ts";

const MAX_ATTEMPTS = 8;
/** A delivery's claim: several times a send's 5 s timeout; a replica that dies mid-send hands it over after this. */
export const DELIVERY_LEASE_MS = 30_000;

/** Exponential backoff with jitter: 5 s, 10 s, 20 s … capped at 10 minutes. */
export function backoffMs(attempt: number, random = Math.random): number {
  // Whole milliseconds: the times are integer columns (bigint on PostgreSQL, which refuses a fraction).
  return Math.round(Math.min(600_000, 5000 * 2 ** (attempt - 1)) * (0.8 + 0.4 * random()));
}

interface Row {
  id: number;
  release_id: string;
  channel: string;
  target: string | null;
  kind: "verdict" | "digest";
  payload: string;
  attempts: number;
  created_at: number;
}

/** Stable for the life of one notification, and not guessable from the release id alone. */
export function alertIdempotencyKey(row: { id: number; release_id: string; created_at: number }): string {
  return `dg-alert-${row.id}-${createHash("sha256").update(`${row.id}|${row.release_id}|${row.created_at}`).digest("hex").slice(0, 24)}`;
}

/**
 * Delivers the outbox; runs apart from verdicts, so a dead channel delays nothing but its own alerts. Channels are
 * sent to in parallel; one release's alerts to one target go in order, a later one waiting while an earlier one is
 * retried, so an edited Slack message never goes back to an older state.
 */
export class NotificationDispatcher {
  private inFlight: Promise<number> | undefined;
  private rerun: Promise<number> | undefined;
  private readonly s: Record<"due" | "claim" | "unclaim" | "sent" | "failed" | "ref" | "saveRef", Statement<unknown>>;
  private readonly attempts: EffectAttemptStore;
  private readonly outside: OutsideWrite;

  constructor(
    private readonly store: Store,
    private readonly notifiers: readonly Notifier[],
    private readonly publicUrl: string | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    replicaId?: string,
    private readonly metrics: Pick<Metrics, "deliveryFailed"> = NO_METRICS,
  ) {
    this.attempts = new EffectAttemptStore(store, replicaId);
    this.outside = new OutsideWrite(store);
    const p = (sql: string) => store.statement<unknown>(sql);
    this.s = {
      due: p(`SELECT n.id, n.release_id, n.channel, n.target, n.kind, n.payload, n.attempts, n.created_at FROM notifications n
        WHERE n.status = 'pending' AND n.next_attempt_at <= ? AND NOT EXISTS (
          SELECT 1 FROM notifications o WHERE o.status = 'pending' AND o.kind = 'verdict' AND n.kind = 'verdict' AND o.id < n.id
            AND o.release_id = n.release_id AND o.channel = n.channel AND o.target IS NOT DISTINCT FROM n.target AND o.next_attempt_at > ?)
        ORDER BY n.id LIMIT 100`),
      // Replicas read the same due rows; a conditional UPDATE moves the row's next attempt past the lease, and only one
      // replica's changes it (the others wait on its row lock, then find it no longer due). No SKIP LOCKED needed: the
      // claim is one short write, and a lost claim costs one statement.
      claim: p("UPDATE notifications SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND attempts = ? AND next_attempt_at <= ?"),
      // Only while no other attempt is under way: another replica may have claimed it again once the lease ran out.
      unclaim: p(`UPDATE notifications SET next_attempt_at = ? WHERE id = ? AND status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM effect_attempts WHERE effect = 'alert' AND subject = ? AND status = 'started')`),
      sent: p("UPDATE notifications SET status = 'sent', attempts = ?, sent_at = ?, last_error = NULL WHERE id = ?"),
      failed: p("UPDATE notifications SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?"),
      ref: p("SELECT ref FROM message_refs WHERE release_id = ? AND channel = ? AND target = ?"),
      saveRef: p(`INSERT INTO message_refs (release_id, channel, target, ref, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (release_id, channel, target) DO UPDATE SET ref = excluded.ref, updated_at = excluded.updated_at`),
    };
  }

  get channels(): string[] {
    return this.notifiers.map((n) => n.channel);
  }

  /** Alert deliveries this replica has claimed and not finished (/readyz). */
  get claimsInFlight(): number {
    return this.attempts.inFlight;
  }

  /**
   * Delivers what is due; calls during a run share one follow-up run, so nothing queued before a call is left waiting.
   * A call made inside a write (a kick from a verdict or decision) runs after that write commits.
   */
  deliverDue(): Promise<number> {
    if (this.store.inWrite()) return this.outside.run(() => this.deliverDue());
    if (!this.inFlight) {
      this.inFlight = this.run().finally(() => {
        this.inFlight = undefined;
      });
      return this.inFlight;
    }
    // A run in progress read the outbox before this call: one more run after it sees what was queued since.
    this.rerun ??= this.inFlight.then(() => {
      this.rerun = undefined;
      return this.deliverDue();
    });
    return this.rerun;
  }

  private async run(): Promise<number> {
    for (const o of await this.attempts.orphans("alert", this.now())) {
      // Its claim died with it (on SQLite that is known at once, before the claim's lease has run out): due now.
      await this.store.write(() => this.s.unclaim.run(this.now(), Number(o.subject), o.subject));
      this.logger.warn({ notification: Number(o.subject), attempt: o.attempt }, "an alert delivery was cut off by a restart; it is retried with its idempotency key");
    }
    const now = this.now();
    const due = (await this.s.due.all(now, now)) as Row[];
    const queues = new Map<string, Row[]>();
    for (const row of due) {
      const key = row.kind === "digest" ? `digest#${row.id}` : `${row.release_id}|${row.channel}|${row.target ?? ""}`;
      queues.set(key, [...(queues.get(key) ?? []), row]);
    }
    await Promise.all([...queues.values()].map(async (rows) => {
      for (const row of rows) if (!(await this.deliver(row))) break;
    }));
    return due.length;
  }

  private async deliver(row: Row): Promise<boolean> {
    const notifier = this.notifiers.find((n) => n.channel === row.channel);
    const attempt = row.attempts + 1;
    const target = row.target ?? undefined;
    const log = { notification: row.id, channel: row.channel, target: row.target, release: row.release_id, kind: row.kind };
    const idempotencyKey = alertIdempotencyKey(row);
    const uncertainSince = await this.attempts.unknownSince("alert", String(row.id));
    // Claim and 'started' record commit together before the call goes out: a crash during it leaves a 'started' row,
    // never a silent second send; a claim another replica won sends nothing (and holds back this queue's later rows).
    const now = this.now();
    const record = await this.store.write(async () => {
      if ((await this.s.claim.run(now + DELIVERY_LEASE_MS, row.id, row.attempts, now)) !== 1) return undefined;
      return this.attempts.start("alert", String(row.id), idempotencyKey, now, DELIVERY_LEASE_MS);
    });
    if (!record) return false;
    try {
      if (!notifier) throw new DeliveryError(`channel '${row.channel}' is not configured`, false);
      if (row.kind === "digest") {
        if (!notifier.sendDigest) throw new DeliveryError(`channel '${row.channel}' cannot send digests`, false);
        await notifier.sendDigest(JSON.parse(row.payload) as DigestPayload, { release: undefined, target, idempotencyKey, uncertainSince });
      } else {
        const stored = JSON.parse(row.payload) as NotificationPayload;
        const payload = { ...stored, checks: stored.checks ?? [] };
        const link = this.publicUrl ? `${this.publicUrl.replace(/\/$/, "")}/releases/${encodeURIComponent(row.release_id)}` : undefined;
        const ref = ((await this.s.ref.get(row.release_id, row.channel, row.target ?? "")) as { ref: string } | undefined)?.ref;
        const receipt = await notifier.send(payload, { release: link, target, ref, idempotencyKey, uncertainSince });
        const saved = receipt?.ref;
        if (saved) await this.store.write(() => this.s.saveRef.run(row.release_id, row.channel, row.target ?? "", saved, this.now()));
      }
      await this.store.write(async () => {
        await this.s.sent.run(attempt, this.now(), row.id);
        await this.attempts.finish(record.id, "succeeded", null, this.now());
      });
      this.logger.info(log, "alert sent");
      return true;
    } catch (err) {
      const retryable = !(err instanceof DeliveryError) || err.retryable;
      const giveUp = !retryable || attempt >= MAX_ATTEMPTS;
      const message = err instanceof DeliveryError ? err.message : `unexpected ${(err as Error).name ?? "error"} in the notifier`;
      await this.store.write(async () => {
        await this.s.failed.run(giveUp ? "failed" : "pending", attempt, message, this.now() + backoffMs(attempt), row.id);
        await this.attempts.finish(record.id, "failed", message, this.now());
      });
      this.logger.warn({ ...log, attempt, giveUp, error: message }, "alert not delivered");
      this.metrics.deliveryFailed(row.channel, giveUp);
      return false;
    }
  }
}
