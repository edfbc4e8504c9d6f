export { logGamma } from "./gamma-function.ts";
export { regularizedIncompleteBeta, betaQuantile } from "./beta-distribution.ts";
export { normalCdf, normalQuantile } from "./normal-distribution.ts";
export { binomialCdf, binomialSf } from "./binomial-distribution.ts";
