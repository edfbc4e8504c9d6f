"""Reference values for concurrentCeilingPower in bench/accuracy/counterfactual-ceiling.ts.

The concurrent ceiling: canary count X ~ Poisson(f * mu0), control count Y ~ Poisson(muc) over the same minutes, the
groups' usual ratio known. Given N = X + Y, X ~ Binomial(N, p) with p = f mu0 / (f mu0 + muc); the randomized
conditional test at level alpha under p0 = mu0 / (mu0 + muc) is UMP unbiased (Lehmann & Romano, TSH 3rd ed., 4.5).
Its power, summed exactly over N ~ Poisson(f mu0 + muc) with scipy; plus a Monte-Carlo check of the same test.
Writes test/fixtures/stats/concurrent-ceiling.json; deterministic.

    python3 scripts/reference/generate_concurrent_ceiling_fixtures.py   # numpy, scipy
"""
import json
import pathlib

import numpy as np
from scipy.stats import binom, poisson

OUT = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "stats" / "concurrent-ceiling.json"


def test_power_given_n(n, p0, p1, alpha):
    """Power of the randomized one-sided binomial test at level alpha, for each total n (vectorized over n)."""
    x = np.arange(0, n.max() + 1)
    out = np.zeros(len(n))
    for i, k in enumerate(n):
        sf0 = binom.sf(x[: k + 1], k, p0)  # P0(X > x)
        c = int(np.argmax(sf0 <= alpha))  # smallest c with P0(X > c) <= alpha
        gamma = (alpha - sf0[c]) / binom.pmf(c, k, p0)
        out[i] = binom.sf(c, k, p1) + gamma * binom.pmf(c, k, p1)
    return out


def power(mu0, muc, f, alpha):
    mean = f * mu0 + muc
    n = np.arange(max(1, int(mean - 12 * np.sqrt(mean) - 12)), int(mean + 12 * np.sqrt(mean) + 13))
    return float(np.sum(poisson.pmf(n, mean) * test_power_given_n(n, mu0 / (mu0 + muc), f * mu0 / (f * mu0 + muc), alpha)))


def monte_carlo(mu0, muc, f, alpha, sims, rng):
    x = rng.poisson(f * mu0, sims)
    n = x + rng.poisson(muc, sims)
    p0 = mu0 / (mu0 + muc)
    hit = 0.0
    for xi, ni in zip(x, n):
        if ni == 0:
            continue
        above = binom.sf(xi, ni, p0)
        at = binom.pmf(xi, ni, p0)
        hit += 1.0 if above + at <= alpha else max(0.0, (alpha - above) / at) if above < alpha else 0.0
    return hit / sims


cases = []
for mu0, muc in ((3.0, 3.0), (7.5, 11.25), (15.0, 15.0), (40.0, 60.0), (150.0, 150.0), (30.0, 90.0)):
    for alpha in (0.01, 0.005):
        for f in (1.0, 2.0, 5.0):
            cases.append({"mu0": mu0, "muControl": muc, "alpha": alpha, "factor": f, "power": power(mu0, muc, f, alpha)})

rng = np.random.default_rng(20261205)
mc = [{"mu0": 15.0, "muControl": 15.0, "alpha": 0.01, "factor": 2.0, "sims": 40000,
       "power": monte_carlo(15.0, 15.0, 2.0, 0.01, 40000, rng)}]

OUT.write_text(json.dumps({"cases": cases, "monteCarlo": mc}, indent=1) + "\n")
print(f"wrote {OUT} ({len(cases)} cases)")
