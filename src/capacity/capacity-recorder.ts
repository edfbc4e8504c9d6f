import type { Rule } from "../rules/rule-schema.ts";
import { VerdictRecorder, type ReleaseIdentity } from "../verdicts/verdict-recorder.ts";
import type { FinalVerdict } from "../verdicts/verdict.ts";
import type { CapacityService } from "./capacity-service.ts";

/**
 * The verdict recorder with the capacity check added to every final verdict of a release whose rule has a model,
 * so the rise in cost per unit is scored, stored and alerted like any other signal.
 */
export class CapacityAwareRecorder extends VerdictRecorder {
  constructor(
    private readonly capacity: CapacityService,
    ...args: ConstructorParameters<typeof VerdictRecorder>
  ) {
    super(...args);
  }

  override recordFinal(release: ReleaseIdentity, verdict: FinalVerdict, rule: Rule, now: number): void {
    // In place: callers (evaluateNow) answer from the verdict object they passed in.
    Object.assign(verdict, this.capacity.amendFinal(release, verdict, rule));
    super.recordFinal(release, verdict, rule, now);
  }
}
