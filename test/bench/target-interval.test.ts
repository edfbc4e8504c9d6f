import { describe, expect, it } from "vitest";
import { wilsonInterval } from "../../bench/accuracy/report-format.ts";

// scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson"), scipy 1.x.
const SCIPY = [
  { k: 86, n: 200, low: 0.36334322333434416, high: 0.4992951223584731 },
  { k: 0, n: 200, low: 0, high: 0.018845326377266575 },
  { k: 200, n: 200, low: 0.9811546736227335, high: 1 },
  { k: 13, n: 200, low: 0.03837635464915297, high: 0.10801907929906894 },
  { k: 5, n: 1000, low: 0.0021375355273244604, high: 0.011650955373375113 },
];

describe("the targets table's 95 % intervals (Wilson score, as scipy computes it)", () => {
  it.each(SCIPY)("$k of $n", ({ k, n, low, high }) => {
    const got = wilsonInterval(k / n, n);
    expect(got.low).toBeCloseTo(low, 12);
    expect(got.high).toBeCloseTo(high, 12);
  });
});
