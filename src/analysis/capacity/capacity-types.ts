/** Columns of a regression: one Float64Array per business volume, the resource, and optional case weights. */
export interface Design {
  names: readonly string[];
  x: readonly Float64Array[];
  y: Float64Array;
  weights?: Float64Array | undefined;
}

export interface Coefficient {
  /** "intercept", or the volume's name. */
  name: string;
  estimate: number;
  se: number;
  ci_low: number;
  ci_high: number;
  t: number;
  p_value: number;
}

export interface LinearFit {
  method: "ols" | "huber";
  n: number;
  /** Residual degrees of freedom, n − (features + 1). */
  df: number;
  confidence: number;
  /** The intercept first, then one per volume, in the design's order. */
  coefficients: Coefficient[];
  r2: number;
  adj_r2: number;
  /** Residual standard deviation, √(RSS / df). */
  residual_sd: number;
  rss: number;
  /** Belsley–Kuh–Welsch condition number of the centred, unit-scaled volumes. */
  condition_number: number;
  vif: Record<string, number>;
  /** Plain sentences: collinear volumes, too few points, outliers down-weighted. */
  warnings: string[];
  /** Mean of each volume and of the resource over the fit. */
  means: Record<string, number>;
  /** Robust fits only: IRLS iterations and how many points got a weight below 1. */
  robust?: { iterations: number; downweighted: number; tuning: number };
}

export const FIT_ERROR_CODES = ["TOO_FEW_POINTS", "CONSTANT_VOLUME", "SINGULAR"] as const;

/** The data cannot be fitted at all; callers turn it into "no data" with the message as the reason. */
export class CapacityFitError extends Error {
  override readonly name = "CapacityFitError";

  constructor(
    readonly code: (typeof FIT_ERROR_CODES)[number],
    message: string,
  ) {
    super(message);
  }
}
