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
  constructor(private readonly current: (releaseId: string, batch?: number) => Promise<DecisionView | null>) {}

  async verdict(r: ReleaseRow): Promise<VerdictView> {
    return verdictView(r, await this.current(r.id));
  }

  async release(r: ReleaseRow): Promise<ReturnType<typeof releaseView>> {
    return releaseView(r, await this.current(r.id));
  }

  /** Batch k under the decision in force for batch k: its own, or the release's. */
  async batch(r: ReleaseRow, b: BatchRow): Promise<BatchGateView> {
    return batchGateView(r, b, await this.current(r.id, b.index));
  }
}
