"""Reference values for bench/accuracy/before-after-ceiling.ts (the before/after oracle's test, per release).

- GLS level of the window's log wander given the AR(1) states: v = 1 / (1' S^-1 1) with S the conditional covariance
  of slow + fast AR(1) (bench/accuracy/traffic-model.ts errorSlow, errorFast), by numpy.linalg.solve.
- Power of the randomized level-alpha test on X ~ Poisson(A e^U), U ~ N(0, v), against Poisson(f A e^u) at a given
  level u: the null tail integrated with scipy.integrate.quad, the boundary found by scanning counts.
Writes test/fixtures/stats/before-after-ceiling.json; deterministic.

    python3 scripts/reference/generate_before_after_ceiling_fixtures.py   # numpy, scipy
"""
import json
import pathlib

import numpy as np
from scipy import integrate
from scipy.stats import norm, poisson

OUT = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "stats" / "before-after-ceiling.json"
SLOW, FAST = (0.98, 0.15), (0.6, 0.25)


def conditional_cov(rho, sd, n):
    t = np.arange(1, n + 1)
    T, S = np.meshgrid(t, t)
    return sd**2 * (rho ** np.abs(T - S) - rho ** (T + S))


def gls(n):
    s = conditional_cov(*SLOW, n) + conditional_cov(*FAST, n)
    x = np.linalg.solve(s, np.ones(n))
    return x / x.sum(), 1 / x.sum()


def null_tail(k, known, v):
    """P(X >= k) for X ~ Poisson(known e^U), U ~ N(0, v)."""
    if k <= 0:
        return 1.0
    sd = np.sqrt(v)
    f = lambda z: norm.pdf(z) * poisson.sf(k - 1, known * np.exp(sd * z))
    return integrate.quad(f, -10, 10, epsabs=1e-14, epsrel=1e-12, limit=200)[0]


def power(known, v, level, factor, alpha):
    c = 1
    while null_tail(c, known, v) > alpha:
        c += 1
    edge = null_tail(c - 1, known, v) - null_tail(c, known, v)
    chance = (alpha - null_tail(c, known, v)) / edge if edge > 0 else 0.0
    mu = factor * known * np.exp(level)
    return float(poisson.sf(c - 1, mu) + chance * poisson.pmf(c - 1, mu)), c


levels = {}
for n in (5, 10, 15):
    w, v = gls(n)
    levels[str(n)] = {"variance": float(v), "weights": [float(x) for x in w]}

cases = []
for known in (1.5, 5.5, 20.0, 80.0):
    for v in (levels["10"]["variance"], 0.05):
        for level, factor in ((0.0, 5.0), (-0.4, 5.0), (0.2, 2.0), (0.0, 1.0)):
            for alpha in (0.01, 0.005):
                p, c = power(known, v, level, factor, alpha)
                cases.append({"known": known, "variance": v, "level": level, "factor": factor, "alpha": alpha, "power": p, "critical": c})

OUT.write_text(json.dumps({"levels": levels, "cases": cases}, indent=1) + "\n")
print(f"wrote {OUT} ({len(cases)} cases); v(10) = {levels['10']['variance']:.5f}")
