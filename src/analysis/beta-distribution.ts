import { logBetaKernel, logGamma } from "./gamma-function.ts";

const TINY = 1e-300;
const CF_EPSILON = 1e-15;
const CF_MAX_ITERATIONS = 100_000;

/** Both tails of the Beta(a, b) distribution at x, each computed without cancellation, plus ln of the prefactor. */
export interface BetaTails {
  lower: number;
  upper: number;
  logLower: number;
  logUpper: number;
  logKernel: number;
}

const guard = (v: number): number => (Math.abs(v) < TINY ? TINY : v);

// Continued fraction for I_x(a,b) by the modified Lentz method (Numerical Recipes 3rd ed. §6.4, betacf).
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1;
  let d = 1 / guard(1 - (qab * x) / qap);
  let h = d;
  for (let m = 1; m <= CF_MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < CF_EPSILON) break;
  }
  return h;
}

/** Lower and upper tails of Beta(a, b) at x (y = 1 − x passed in so callers keep its precision). */
export function betaTails(x: number, y: number, a: number, b: number): BetaTails {
  if (x <= 0) return { lower: 0, upper: 1, logLower: -Infinity, logUpper: 0, logKernel: -Infinity };
  if (y <= 0) return { lower: 1, upper: 0, logLower: 0, logUpper: -Infinity, logKernel: -Infinity };
  const logKernel = logBetaKernel(a, b, x, y);
  if (x < (a + 1) / (a + b + 2)) {
    const logLower = logKernel + Math.log(betaContinuedFraction(x, a, b) / a);
    const lower = Math.exp(logLower);
    return { lower, upper: -Math.expm1(logLower), logLower, logUpper: Math.log1p(-lower), logKernel };
  }
  const logUpper = logKernel + Math.log(betaContinuedFraction(y, b, a) / b);
  const upper = Math.exp(logUpper);
  return { lower: -Math.expm1(logUpper), upper, logLower: Math.log1p(-upper), logUpper, logKernel };
}

// Regularized incomplete beta I_x(a,b) by Lentz's continued fraction (Numerical Recipes §6.4) with Loader's prefactor.
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x) || !Number.isFinite(a + b)) return NaN;
  return betaTails(x, 1 - x, a, b).lower;
}

// Solves ln I_t(a,b) = logTarget for t by Newton steps in ln t, kept inside a bisection bracket.
function solveLowerTail(logTarget: number, a: number, b: number): number {
  let lo = 0, hi = 1;
  const tailGuess = Math.exp((logTarget + Math.log(a) + logGamma(a) + logGamma(b) - logGamma(a + b)) / a);
  let t = tailGuess > 0 && tailGuess < a / (a + b) ? tailGuess : a / (a + b);
  for (let iteration = 0; iteration < 300; iteration++) {
    const tails = betaTails(t, 1 - t, a, b);
    const gap = tails.logLower - logTarget;
    if (gap === 0) return t;
    if (gap < 0) lo = t;
    else hi = t;
    const slope = Math.exp(tails.logKernel - Math.log1p(-t) - tails.logLower);
    let next = t * Math.exp(-gap / slope);
    if (!(next > lo && next < hi)) next = lo > 0 && hi / lo > 1e3 ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * next || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;
}

// Quantile of Beta(a, b): safeguarded Newton on the smaller tail, so both 1e-300 and 1 − 1e-16 keep full precision.
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !(p >= 0 && p <= 1) || !Number.isFinite(a + b)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  if (p <= 0.5) return solveLowerTail(Math.log(p), a, b);
  return 1 - solveLowerTail(Math.log(1 - p), b, a);
}
