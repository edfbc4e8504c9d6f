/**
 * The release and verdict types every concern shares, in a leaf module: it imports only analysis and rule types, so
 * decisions, notify and capacity can name a verdict without importing the verdict service (or each other) back.
 */
import type { VerdictStatus } from "../analysis/score.ts";
import type { Rule } from "../rules/rule-schema.ts";
import type { Check, FinalVerdict } from "./verdict.ts";

export type { VerdictStatus } from "../analysis/score.ts";
export type { Check, CheckNumbers, FinalVerdict, Onset, Verdict } from "./verdict.ts";
export { isFinal } from "./verdict.ts";

/** Which release a verdict, alert, decision or rollback is about. */
export interface ReleaseIdentity {
  id: string;
  service: string;
  environment: string;
  version: string;
}

/** An engine look (interim), the release's end (final), one batch of a rolling deploy, or the deploy tool's own outcome. */
export type RecordedKind = "interim" | "final" | "batch" | "outcome";

/** A verdict as the recorder stored it, for the reactions that follow it. */
export interface RecordedVerdict {
  kind: RecordedKind;
  release: ReleaseIdentity;
  verdict: { status: VerdictStatus | "analyzing"; score: number | null; summary: string; checks: readonly Check[] };
  /** The rule it was judged by; undefined for an outcome the deploy tool reported. */
  rule: Rule | undefined;
  /** An interim verdict whose status differs from the last look's; always true for the other kinds. */
  changed: boolean;
  now: number;
}

/**
 * What follows a recorded verdict. `in-transaction` reactions write with the verdict, in the caller's transaction
 * (stored together or not at all), and may return a kick (deliver what is due) to run once that transaction has ended;
 * `after-commit` reactions are network calls, run once the verdict is committed and never awaited by it.
 */
export type VerdictReaction =
  | { readonly name: string; readonly runs: "in-transaction"; react(v: RecordedVerdict): Promise<(() => void) | void> }
  | { readonly name: string; readonly runs: "after-commit"; react(v: RecordedVerdict): Promise<void> };

/** The last stage of judging a release's final verdict, before it is stored: checks that need the whole window (capacity). */
export interface FinalVerdictStage {
  complete(release: ReleaseIdentity, verdict: FinalVerdict, rule: Rule): Promise<FinalVerdict>;
}

/** Asks for the rule's rollback in the final verdict's transaction (src/decisions/rollback-requests.ts). */
export interface FinalVerdictHook {
  onFinalVerdict(release: ReleaseIdentity, status: VerdictStatus, summary: string, rule: Rule, now: number): Promise<void>;
}
