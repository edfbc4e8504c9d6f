/**
 * The anytime-valid test of a concurrent comparison. Given a minute's total events, the candidate group's count is
 * Binomial(total, θρa / (θρa + b)) for the groups' exposures a, b and their usual ratio ρ, so the rate both groups
 * share cancels however it wanders. The likelihood ratio against θ0, mixed over a prior on log θ, is a non-negative
 * martingale under θ0 (a supermartingale on the whole null side), so by Ville's inequality it crosses 1/α with
 * probability at most α at ANY minute: the test may be looked at every minute and stopped whenever it is decisive.
 */
import { AnalysisInputError } from "../analysis-error.ts";
import { gridSteps, logPriorWeights, MIXTURE_PRIOR_SD } from "./mixture-prior.ts";
export { MIXTURE_PRIOR_SD };
import type { MinuteCounts } from "./sequential-types.ts";

/** Which alternatives the mixture weighs: θ above θ0 (a rise is the alternative) or below it. */
export type MixtureSide = "above" | "below";

/** The running state of one mixture: log likelihood ratio at each grid θ, updated minute by minute. */
export interface MixtureState {
  readonly theta0: number;
  readonly side: MixtureSide;
  readonly rho: number;
  /** log θj for the grid. */
  readonly logThetas: Float64Array;
  readonly logRatios: Float64Array;
  /** Minutes folded in (silent ones included) and the events they carried. */
  minutes: number;
  candidateEvents: number;
  controlEvents: number;
}

export function createMixture(theta0: number, side: MixtureSide, rho: number): MixtureState {
  if (!(theta0 > 0 && Number.isFinite(theta0))) throw new AnalysisInputError("INVALID_INPUT", `θ0 must be positive, got ${theta0}`);
  if (!(rho > 0 && Number.isFinite(rho))) throw new AnalysisInputError("INVALID_INPUT", `ρ must be positive and finite, got ${rho}`);
  const sign = side === "above" ? 1 : -1;
  const logThetas = Float64Array.from(gridSteps, (s) => Math.log(theta0) + sign * s);
  return { theta0, side, rho, logThetas, logRatios: new Float64Array(gridSteps.length), minutes: 0, candidateEvents: 0, controlEvents: 0 };
}

function checkMinute(m: MinuteCounts, group: string): void {
  if (!(m.events >= 0 && m.exposure >= 0 && Number.isFinite(m.events + m.exposure)))
    throw new AnalysisInputError("INVALID_INPUT", `${group} minute has events ${m.events}, exposure ${m.exposure}`);
}

/**
 * Folds one minute in. A minute where either group served nothing, or no event happened, carries no information about
 * θ and leaves the ratio unchanged (the binomial has one outcome). Exposures may change from minute to minute.
 */
export function updateMixture(state: MixtureState, candidate: MinuteCounts, control: MinuteCounts): void {
  checkMinute(candidate, "candidate");
  checkMinute(control, "control");
  state.minutes++;
  const c = candidate.events, d = control.events, a = candidate.exposure, b = control.exposure;
  if (a <= 0 || b <= 0 || c + d === 0) return;
  state.candidateEvents += c;
  state.controlEvents += d;
  // log of c·log(πj/π0) + d·log((1−πj)/(1−π0)) with πj = θjρa/(θjρa + b): written so it never divides 0 by 0.
  const ra = state.rho * a, logTheta0 = Math.log(state.theta0);
  const logNull = Math.log(state.theta0 * ra + b);
  for (let j = 0; j < gridSteps.length; j++) {
    const lt = state.logThetas[j]!;
    state.logRatios[j]! += c * (lt - logTheta0) + (c + d) * (logNull - Math.log(Math.exp(lt) * ra + b));
  }
}

/** log of the mixture likelihood ratio: log Σ wj·Λj (log-sum-exp). */
export function logMixture(state: MixtureState): number {
  let top = -Infinity;
  for (let j = 0; j < gridSteps.length; j++) top = Math.max(top, state.logRatios[j]! + logPriorWeights[j]!);
  let sum = 0;
  for (let j = 0; j < gridSteps.length; j++) sum += Math.exp(state.logRatios[j]! + logPriorWeights[j]! - top);
  return top + Math.log(sum);
}

/** The log mixture after each minute of two aligned series (the pure form of the state above). */
export function mixtureLogPath(
  candidate: readonly MinuteCounts[],
  control: readonly MinuteCounts[],
  theta0: number,
  side: MixtureSide,
  rho: number,
): Float64Array {
  if (candidate.length !== control.length)
    throw new AnalysisInputError("INVALID_INPUT", `candidate has ${candidate.length} minutes, control ${control.length}`);
  const state = createMixture(theta0, side, rho);
  return Float64Array.from(candidate, (m, i) => {
    updateMixture(state, m, control[i]!);
    return logMixture(state);
  });
}
