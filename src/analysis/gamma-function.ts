const LN_SQRT_2PI = 0.9189385332046728;
const LN_2PI = 1.8378770664093456;

// Stirling's series for lgamma(x) − [(x − ½)ln x − x + ln√(2π)], good to ~1e-17 for x ≥ 10.
function stirlingSeries(x: number): number {
  const r = 1 / (x * x);
  return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r * (1 / 1188 - r * (691 / 360360 - r / 156)))))) / x;
}

// ln Γ(x) by Stirling's series after shifting x up to ≥ 10, with the reflection formula for x < 0 (Abramowitz & Stegun 6.1.40, 6.1.17).
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  let y = x;
  let product = 1;
  while (y < 10) {
    product *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + LN_SQRT_2PI + stirlingSeries(y) - Math.log(product);
}

// Loader's stirlerr(n) = ln Γ(n+1) − [(n+½)ln n − n + ln√(2π)] (Loader 2000, "Fast and accurate computation of binomial probabilities").
export function stirlingError(n: number): number {
  if (n > 15) return stirlingSeries(n);
  return logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - LN_SQRT_2PI;
}

// Loader's deviance term bd0(x, m) = x ln(x/m) + m − x, by its series when x ≈ m to avoid cancellation (Loader 2000).
export function devianceTerm(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let s = (x - m) * v;
    if (Math.abs(s) < Number.MIN_VALUE) return s;
    let term = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      term *= v;
      const next = s + term / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
  }
  return x * Math.log(x / m) + m - x;
}

// ln of the binomial probability C(n,k) p^k q^(n−k) by Loader's saddle-point form, as R's dbinom_raw (Loader 2000).
export function logBinomialDensity(k: number, n: number, p: number, q: number): number {
  if (p === 0) return k === 0 ? 0 : -Infinity;
  if (q === 0) return k === n ? 0 : -Infinity;
  if (k < 0 || k > n) return -Infinity;
  if (k === 0) return n === 0 ? 0 : p < 0.1 ? -devianceTerm(n, n * q) - n * p : n * Math.log(q);
  if (k === n) return q < 0.1 ? -devianceTerm(n, n * p) - n * q : n * Math.log(p);
  const lc = stirlingError(n) - stirlingError(k) - stirlingError(n - k) - devianceTerm(k, n * p) - devianceTerm(n - k, n * q);
  return lc - 0.5 * (LN_2PI + Math.log(k) + Math.log1p(-k / n));
}

// ln[x^a (1−x)^b / B(a,b)], the incomplete-beta prefactor, via the same saddle-point form so large a, b lose no digits.
export function logBetaKernel(a: number, b: number, x: number, y: number): number {
  const n = a + b;
  const stirling = stirlingError(n) - stirlingError(a) - stirlingError(b);
  return 0.5 * (Math.log(a) + Math.log(b) - Math.log(n)) - LN_SQRT_2PI + stirling - devianceTerm(a, n * x) - devianceTerm(b, n * y);
}
