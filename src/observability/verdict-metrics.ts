import type { RecordedVerdict, VerdictReaction } from "../verdicts/verdict-types.ts";
import type { Metrics } from "./metrics.ts";

/** The release row the recorder is handed carries these (src/verdicts/verdict-service.ts passes the ReleaseRow). */
type Timed = { deployFinishedAt?: number | null; analysisStart?: number | null };

/** From the deploy's finish, else the analysis start, to the verdict; undefined when the release carries neither. */
export function decisionSeconds(v: RecordedVerdict): number | undefined {
  const { deployFinishedAt, analysisStart } = v.release as RecordedVerdict["release"] & Timed;
  const from = deployFinishedAt ?? analysisStart;
  return from == null ? undefined : (v.now - from) / 1000;
}

/**
 * Counts the engine's final verdicts once they are committed (a verdict rolled back by a replica that lost the race is
 * never counted). The deploy tool's own outcomes and batch verdicts are not the engine deciding a release.
 */
export function metricsReaction(metrics: Metrics): VerdictReaction {
  return {
    name: "metrics",
    runs: "after-commit",
    react(v) {
      if (v.kind === "final" && v.verdict.status !== "analyzing") metrics.verdict(v.release, v.verdict.status, decisionSeconds(v));
      return Promise.resolve();
    },
  };
}
