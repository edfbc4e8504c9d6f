import { createHash } from "node:crypto";
import { lt } from "drizzle-orm";
import { slackActionsSeen } from "../store/schema/index.ts";
import type { Store } from "../store/store.ts";

/**
 * A signature is accepted while its timestamp is within 5 minutes of now, either side, so the same signed press
 * stays valid for up to 10 minutes after it first arrives; ids are kept longer than that.
 */
export const KEEP_SEEN_MS = 15 * 60_000;

/** Remembers which Slack button presses were handled, so a replay of a signed press decides nothing. */
export class SlackReplayGuard {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time a press is seen; false for every replay of it within KEEP_SEEN_MS. */
  async firstTime(key: string): Promise<boolean> {
    const now = this.now();
    const id = createHash("sha256").update(key).digest("hex");
    return this.store.write(async () => {
      await this.store.db.delete(slackActionsSeen).where(lt(slackActionsSeen.seenAt, now - KEEP_SEEN_MS));
      const inserted = await this.store.db.insert(slackActionsSeen).values({ actionKey: id, seenAt: now }).onConflictDoNothing()
        .returning({ key: slackActionsSeen.actionKey });
      return inserted.length === 1;
    });
  }
}
