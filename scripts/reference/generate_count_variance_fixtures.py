"""Reference values for countLogVariance in src/analysis/sequential/group-sequential.ts.

For a Poisson count x against a known mean m (no wander, no baseline noise), three z for a rise:
- the exact upper tail, z = Phi^-1(1 - P(X >= x)) with scipy.stats.poisson;
- the signed-root deviance sign(x - m) * sqrt(2 (x log(x/m) - x + m)) (the likelihood-ratio statistic);
- the Wald z on the log ratio with the observed count's variance, log((x + 1/2)/m) * sqrt(x + 1/2).
Writes test/fixtures/stats/count-variance.json; deterministic.

    python3 scripts/reference/generate_count_variance_fixtures.py   # numpy, scipy
"""
import json
import pathlib

import numpy as np
from scipy.stats import norm, poisson

OUT = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "stats" / "count-variance.json"

cases = []
for m in (2.0, 5.0, 10.0, 30.0, 100.0, 400.0):
    for ratio in (1.5, 2.0, 3.0):
        x = int(round(m * ratio))
        exact = float(norm.isf(poisson.sf(x - 1, m)))
        deviance = float(np.sqrt(2 * (x * np.log(x / m) - x + m)))
        wald = float(np.log((x + 0.5) / m) * np.sqrt(x + 0.5))
        cases.append({"mean": m, "count": x, "exactZ": exact, "devianceZ": deviance, "waldZ": wald})

# E[log((X + 1/2)/mu)^2] for X ~ Poisson(mu): the no-wander mean square of an A/A window (aa-wander.ts haldaneSquareExact)
squares = []
for mu in (0.001, 0.01, 0.04, 0.1, 0.3, 1.0, 2.0, 5.0, 10.0, 29.0):
    x = np.arange(0, 400)
    squares.append({"mean": mu, "haldaneSquare": float((poisson.pmf(x, mu) * np.log((x + 0.5) / mu) ** 2).sum()),
                    "meanInverse": float((poisson.pmf(x, mu) / (x + 0.5)).sum())})

OUT.write_text(json.dumps({"source": "scripts/reference/generate_count_variance_fixtures.py (scipy.stats.poisson, norm)", "cases": cases, "haldaneSquares": squares}, indent=1) + "\n")
print(len(cases), "cases")
