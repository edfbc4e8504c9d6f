"""Reference for src/analysis/poisson-residual-median.ts and robustDispersion (classify-rate.ts):
test/fixtures/stats/poisson-residual-median.json.

Run from the repository root:  python3 scripts/reference/generate_residual_median_fixture.py   (numpy, scipy).
Deterministic. The median of (k - mu)^2 / mu under Poisson(mu) is found by listing every k with scipy.stats.poisson.pmf
(out to a tail mass below 1e-15), sorting the squared residuals and taking the first at which the cumulative
probability reaches 1/2; blocks with different mu pool their atoms with weight 1/n each. robust phi is then
max(1, sample median of the blocks' squared residuals / that median), with the sample median defined as the
population one is (the lower median: the smallest value at which the empirical CDF reaches 1/2), so that pure Poisson
blocks give phi -> 1 at every count.
"""
import json
import os

import numpy as np
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats", "poisson-residual-median.json")


def atoms(mu):
    lo = int(stats.poisson.ppf(1e-15, mu))
    hi = int(stats.poisson.isf(1e-15, mu)) + 1
    k = np.arange(max(0, lo), hi + 1)
    return (k - mu) ** 2 / mu, stats.poisson.pmf(k, mu)


def pooled_median(means):
    values, probs = [], []
    for mu in means:
        v, p = atoms(mu)
        values.append(v)
        probs.append(p / len(means))
    v, p = np.concatenate(values), np.concatenate(probs)
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(p[order])
    return float(v[order][np.searchsorted(cum, 0.5 - 1e-13)])


def robust_phi(blocks):
    events = sum(e for e, x in blocks if x > 0)
    exposure = sum(x for e, x in blocks if x > 0)
    usable = [(e, x) for e, x in blocks if x > 0]
    means = [x * events / exposure for e, x in usable]
    squares = [(e - m) ** 2 / m for (e, x), m in zip(usable, means)]
    lower = float(np.sort(squares)[(len(squares) + 1) // 2 - 1])
    return max(1.0, lower / pooled_median(means))


single = [{"means": [mu], "median": pooled_median([mu])} for mu in (0.05, 0.3, 0.5, 1.0, 1.7, 2.0, 3.0, 5.0, 10.0, 25.0, 100.0, 1000.0, 10000.0)]
pooled = [{"means": m, "median": pooled_median(m)} for m in ([1.0, 2.0], [0.5, 1.0, 5.0, 20.0], [3.2, 3.7, 4.1, 2.9, 3.3, 3.6])]
rng = np.random.default_rng(20260111)
blocks = []
for mu, phi in ((1.0, 1.0), (5.0, 1.0), (40.0, 1.0), (40.0, 3.0), (400.0, 5.0)):
    exposure = rng.integers(900, 1100, size=12).astype(float)
    lam = mu * exposure / exposure.mean()
    counts = rng.poisson(lam) if phi == 1 else (phi * rng.poisson(lam / phi)).astype(int)
    b = [[int(e), float(x)] for e, x in zip(counts, exposure)]
    blocks.append({"mu": mu, "phi": phi, "blocks": b, "robustPhi": robust_phi(b)})
chi2_median = float(stats.chi2.median(1))
with open(OUT, "w") as f:
    json.dump({"chi2Median": chi2_median, "single": single, "pooled": pooled, "robust": blocks}, f, indent=1)
    f.write("\n")
print("wrote", OUT)
