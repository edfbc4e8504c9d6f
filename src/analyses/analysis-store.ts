import { and, eq } from "drizzle-orm";
import { first, type Store } from "../store/store.ts";
import { analyses, type AnalysisRow } from "../store/schema/index.ts";
import type { Verdict } from "../verdicts/verdict.ts";

export type NewAnalysis = typeof analyses.$inferInsert;

/** The analyses table: every access awaited through the Store. */
export class AnalysisStore {
  constructor(private readonly store: Store) {}

  find(id: string): Promise<AnalysisRow | undefined> {
    return first(this.store.db.select().from(analyses).where(eq(analyses.id, id)).limit(1));
  }

  byKey(key: string): Promise<AnalysisRow | undefined> {
    return first(this.store.db.select().from(analyses).where(eq(analyses.idempotencyKey, key)).limit(1));
  }

  /** Inserts unless the id or the idempotency key is taken (by a re-POST, here or on another replica); true when inserted. */
  insert(row: NewAnalysis): Promise<boolean> {
    return this.store.write(async () => (await this.store.db.insert(analyses).values(row).onConflictDoNothing().returning({ id: analyses.id })).length === 1);
  }

  /** Records the verdict of an analysis still analyzing; false when another poll or replica recorded one first. */
  decide(id: string, verdict: Verdict, now: number): Promise<boolean> {
    return this.store.write(async () => {
      const done = await this.store.db.update(analyses)
        .set({ status: verdict.status, score: verdict.score, summary: verdict.summary, verdict, decidedAt: now })
        .where(and(eq(analyses.id, id), eq(analyses.status, "analyzing")))
        .returning({ id: analyses.id });
      return done.length === 1;
    });
  }
}
