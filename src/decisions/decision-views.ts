import type { ReleaseRow } from "../store/schema/index.ts";
import type { BatchRow } from "../verdicts/batch-verdicts.ts";
import { batchGateView, type BatchGateView } from "../verdicts/batch-verdict-view.ts";
import { releaseView, verdictView, type VerdictView } from "../verdicts/verdict-view.ts";
import type { DecisionView } from "./decision-overlay.ts";

/**
 * The one place a verdict meets the decision in force: every handler, page and gate asks here instead of pairing
 * `decisions.current` with a view itself, so a batch gets its own decision and none gets another's.
 */
export class DecidedViews {
  constructor(private readonly current: (releaseId: string, batch?: number) => DecisionView | null) {}

  verdict(r: ReleaseRow): VerdictView {
    return verdictView(r, this.current(r.id));
  }

  release(r: ReleaseRow): ReturnType<typeof releaseView> {
    return releaseView(r, this.current(r.id));
  }

  /** Batch k under the decision in force for batch k: its own, or the release's. */
  batch(r: ReleaseRow, b: BatchRow): BatchGateView {
    return batchGateView(r, b, this.current(r.id, b.index));
  }
}
