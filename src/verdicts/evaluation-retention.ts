/**
 * Retention of the evaluation log. Every look of the sequential engine stores its whole verdict as an interim
 * evaluation — up to about 50 a release — and at thousands of deploys an hour those looks would soon be most of the
 * database. Interim evaluations of releases decided before the cut-off are deleted in chunks (deleteInChunks,
 * as telemetry retention does); each release's final evaluation and the verdict on the release itself are kept.
 */
import type { Store } from "../store/store.ts";
import { deleteInChunks } from "../telemetry/event-loop-slices.ts";

const CHUNK = 5_000;

export class EvaluationRetention {
  constructor(private readonly store: Store) {}

  /** Deletes interim evaluations of releases decided before `before`; returns how many went. */
  async prune(before: number, chunk = CHUNK): Promise<number> {
    const del = this.store.statement(`DELETE FROM evaluations WHERE id IN (SELECT e.id FROM evaluations e JOIN releases r ON r.id = e.release_id
      WHERE e.kind = 'interim' AND r.decided_at IS NOT NULL AND r.decided_at < ? LIMIT ?)`);
    return deleteInChunks(this.store, del, [before], chunk);
  }
}
