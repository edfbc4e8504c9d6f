import type { Design, LinearFit } from "./capacity-types.ts";
import { leastSquares } from "./least-squares.ts";
import { huberFit } from "./robust-fit.ts";
import { fUpperTail, tQuantile, tUpperTail } from "./t-and-f.ts";

export interface CoefficientChange {
  name: string;
  before: number;
  after: number;
  /** after − before with its CI, in resource units per unit of volume. */
  change: number;
  ci_low: number;
  ci_high: number;
  /** after / before − 1 with its CI (delta method); null when the before estimate is not above zero. */
  relative: number | null;
  relative_ci_low: number | null;
  relative_ci_high: number | null;
  /** One-sided p-value that the cost rose. */
  p_value: number;
}

export interface ChowTest {
  f: number;
  df1: number;
  df2: number;
  p_value: number;
}

export interface FitComparison {
  before: LinearFit;
  after: LinearFit;
  /** Intercept first, then one per volume. */
  changes: CoefficientChange[];
  chow: ChowTest;
}

export interface FitOptions {
  confidence: number;
  robust: boolean;
}

export function fitDesign(d: Design, o: FitOptions): LinearFit {
  return (o.robust ? huberFit(d, o.confidence) : leastSquares(d, o.confidence)).fit;
}

function concat(a: Design, b: Design): Design {
  const join = (u: Float64Array, v: Float64Array) => {
    const out = new Float64Array(u.length + v.length);
    out.set(u);
    out.set(v, u.length);
    return out;
  };
  return { names: a.names, x: a.x.map((col, j) => join(col, b.x[j]!)), y: join(a.y, b.y) };
}

/** Chow (1960) test that one linear relationship holds on both sides, on the least-squares residuals. */
export function chowTest(before: Design, after: Design): ChowTest {
  const k = before.x.length + 1;
  const rss1 = leastSquares(before).fit.rss, rss2 = leastSquares(after).fit.rss;
  const pooled = leastSquares(concat(before, after)).fit.rss;
  const df1 = k, df2 = before.y.length + after.y.length - 2 * k;
  const f = rss1 + rss2 > 0 ? (pooled - rss1 - rss2) / df1 / ((rss1 + rss2) / df2) : Infinity;
  return { f, df1, df2, p_value: Number.isFinite(f) ? fUpperTail(Math.max(f, 0), df1, df2) : 0 };
}

/**
 * Per-coefficient change between two independent fits: difference with a Welch-style t interval on
 * √(se₁² + se₂²) and the smaller residual df; the ratio's interval by the delta method.
 */
export function coefficientChange(b: LinearFit["coefficients"][number], a: LinearFit["coefficients"][number], df: number, confidence: number): CoefficientChange {
  const change = a.estimate - b.estimate;
  const se = Math.hypot(a.se, b.se);
  const tCrit = tQuantile(1 - (1 - confidence) / 2, df);
  const p = se > 0 ? tUpperTail(change / se, df) : change > 0 ? 0 : 1;
  let relative: number | null = null, low: number | null = null, high: number | null = null;
  if (b.estimate > 0) {
    const ratio = a.estimate / b.estimate;
    const seRatio = Math.hypot(a.se, ratio * b.se) / b.estimate;
    relative = ratio - 1;
    low = relative - tCrit * seRatio;
    high = relative + tCrit * seRatio;
  }
  return { name: a.name, before: b.estimate, after: a.estimate, change, ci_low: change - tCrit * se, ci_high: change + tCrit * se, relative, relative_ci_low: low, relative_ci_high: high, p_value: p };
}

/** Fits both sides, compares every coefficient and tests the relationship as a whole. */
export function compareFits(before: Design, after: Design, o: FitOptions): FitComparison {
  const fb = fitDesign(before, o), fa = fitDesign(after, o);
  const df = Math.min(fb.df, fa.df);
  return {
    before: fb,
    after: fa,
    changes: fa.coefficients.map((c, j) => coefficientChange(fb.coefficients[j]!, c, df, o.confidence)),
    chow: chowTest(before, after),
  };
}
