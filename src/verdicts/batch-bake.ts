import type { Rule } from "../rules/rule-schema.ts";
import type { BatchSpan } from "./batch-evidence.ts";
import { batchSignals, type BatchJudgement } from "./batch-judge.ts";
import { sequentialSettings } from "./sequential-settings.ts";
import type { FinalVerdict, Verdict } from "./verdict.ts";

/** A batch's stored verdict; `provisional` marks a pass given by a bake, which a later fail may still overturn. */
export type BatchVerdict = Verdict & { provisional?: true };

/**
 * Why "may batch k+1 start?" cannot wait for the evidence at low traffic. At 300 rpm with 0.5 % errors, a first batch of
 * half the fleet sees 150 × 0.005 = 0.75 errors a minute, and so do the hosts not yet updated. Ruling out a doubling
 * (ratio 2) against a concurrent control of the same size at one-sided α = 1 % with 80 % power needs
 * (z_α + z_β)² · (1/a + 1/b) ≤ (ln 2)², i.e. a = b ≥ 2 · ((2.326 + 0.842) / 0.693)² ≈ 42 errors a group: 56 minutes even
 * for one look made at the best moment. A test that may look every minute (the mixture SPRT) pays about 1.5–2× that
 * for the right to stop at any look: ~100 minutes, as measured. No design answers in 10 minutes on 7.5 errors, so by
 * default (`proceed: bake`) a batch passes once its hosts ran `bake_minutes` without crossing a fail boundary, says so,
 * and stays watched; a fail found later fails the release.
 */
export function bakedPass(rule: Rule, judged: BatchJudgement, index: number, total: number, target: string): FinalVerdict | null {
  const { proceed, bake_minutes: bakeMinutes } = rule.batches;
  // The last batch leaves no host on the old version: its verdict is the release's, never a provisional one.
  if (proceed !== "bake" || index >= total || judged.verdict.status !== "analyzing") return null;
  if (judged.ownMinutes < bakeMinutes) return null;
  const next = index + 1;
  const onward = next === total
    ? `they stay watched until batch ${next} finishes, and the release is judged in full after it`
    : `they stay watched until batch ${next} finishes, whose verdict carries this evidence on, and the release is judged in full after the last batch`;
  const summary = `${target} may go on: no rise past the fail boundary in ${judged.ownMinutes} minutes on the updated hosts; `
    + `${floorWords(rule)} cannot be ruled out yet at this traffic; ${onward}.`;
  const verdict: FinalVerdict & { provisional: true } = {
    ...judged.verdict, status: "pass", score: null, final: true, summary, provisional: true,
  };
  delete verdict.decide_by;
  delete verdict.next_look_at;
  return verdict;
}

/** A provisional pass is watched until a later batch has finished (its own verdict carries the evidence on). */
export function watchEnded(spans: readonly BatchSpan[], index: number): boolean {
  return spans.some((b) => b.index > index && b.windowStart !== null);
}

export const isProvisional = (v: Verdict | null): boolean => (v as BatchVerdict | null)?.provisional === true;

/** The smallest rise the batch's signals are built to catch, in words ("a doubling", "a rise of 50 %"). */
function floorWords(rule: Rule): string {
  const floors = batchSignals(rule).map((s) => sequentialSettings(rule, s, 0.01).detect.relative);
  const relative = floors.length > 0 ? Math.min(...floors) : 1;
  return relative === 1 ? "a doubling of the error rate" : `a rise of ${Math.round(relative * 100)} % in the error rate`;
}
