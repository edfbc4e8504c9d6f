/**
 * The mixing prior shared by the anytime-valid tests (mixture-sprt.ts, binomial-mixture.ts): a half-normal on the
 * distance from the null (|log θ − log θ0|, or |logit p − logit p0|), sd 0.7, on 48 points from 0.01 to 3, as the
 * review's seqlib.py has it.
 */
export const MIXTURE_PRIOR_SD = 0.7;
const GRID_POINTS = 48;
const GRID_FIRST = 0.01, GRID_LAST = 3.0;

export const gridSteps: readonly number[] = Array.from({ length: GRID_POINTS }, (_, i) =>
  i === GRID_POINTS - 1 ? GRID_LAST : GRID_FIRST + (i * (GRID_LAST - GRID_FIRST)) / (GRID_POINTS - 1),
);

export const logPriorWeights: Float64Array = (() => {
  const w = gridSteps.map((s) => Math.exp(-0.5 * (s / MIXTURE_PRIOR_SD) ** 2));
  const total = w.reduce((a, x) => a + x, 0);
  return Float64Array.from(w, (x) => Math.log(x / total));
})();
