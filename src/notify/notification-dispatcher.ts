import { and, eq, lte } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../store/db.ts";
import { notifications } from "../store/schema/index.ts";
import type { NotificationPayload } from "../verdicts/verdict-recorder.ts";
import { DeliveryError, type Notifier } from "./notifier.ts";

const MAX_ATTEMPTS = 8;

/** Exponential backoff with jitter: 5 s, 10 s, 20 s … capped at 10 minutes. */
export function backoffMs(attempt: number, random = Math.random): number {
  return Math.min(600_000, 5000 * 2 ** (attempt - 1)) * (0.8 + 0.4 * random());
}

/** Delivers the outbox; runs apart from verdicts, so a dead channel delays nothing but its own alerts. */
export class NotificationDispatcher {
  private running = false;

  constructor(
    private readonly db: Db,
    private readonly notifiers: readonly Notifier[],
    private readonly publicUrl: string | undefined,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get channels(): string[] {
    return this.notifiers.map((n) => n.channel);
  }

  async deliverDue(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const due = this.db.select().from(notifications)
        .where(and(eq(notifications.status, "pending"), lte(notifications.nextAttemptAt, this.now()))).limit(100).all();
      await Promise.all(due.map((n) => this.deliver(n.id, n.channel, n.payload as NotificationPayload, n.attempts)));
      return due.length;
    } finally {
      this.running = false;
    }
  }

  private async deliver(id: number, channel: string, payload: NotificationPayload, attempts: number): Promise<void> {
    const notifier = this.notifiers.find((n) => n.channel === channel);
    const attempt = attempts + 1;
    const link = this.publicUrl ? `${this.publicUrl.replace(/\/$/, "")}/releases/${payload.release_id}` : undefined;
    try {
      if (!notifier) throw new DeliveryError(`channel '${channel}' is not configured`, false);
      await notifier.send(payload, { release: link });
      this.db.update(notifications).set({ status: "sent", attempts: attempt, sentAt: this.now(), lastError: null }).where(eq(notifications.id, id)).run();
      this.logger.info({ notification: id, channel, release: payload.release_id }, "alert sent");
    } catch (err) {
      const retryable = !(err instanceof DeliveryError) || err.retryable;
      const giveUp = !retryable || attempt >= MAX_ATTEMPTS;
      this.db.update(notifications)
        .set({ status: giveUp ? "failed" : "pending", attempts: attempt, lastError: (err as Error).message, nextAttemptAt: this.now() + backoffMs(attempt) })
        .where(eq(notifications.id, id)).run();
      this.logger.warn({ notification: id, channel, attempt, giveUp, error: (err as Error).message }, "alert not delivered");
    }
  }
}
