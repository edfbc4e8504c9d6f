"""Reference values for bench/accuracy/counterfactual-ceiling.ts (the benchmark's perfect-counterfactual ceiling).

The ceiling (as in the design review's verdict-sim/ceiling.py): the counterfactual count is known to be Poisson(mu0),
a one-sided exact Poisson test rejects at X >= c with P(X >= c | mu0) <= alpha, and its power for an effect f is
P(X >= c | f * mu0). Writes test/fixtures/stats/counterfactual-ceiling.json; deterministic.

    python3 scripts/reference/generate_ceiling_fixtures.py   # numpy, scipy
"""
import json
import pathlib

import numpy as np
from scipy.stats import poisson

OUT = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "stats" / "counterfactual-ceiling.json"

cases = []
for mu0 in (0.05, 0.5, 3.0, 9.6, 18.0, 27.0, 100.0, 480.0, 4800.0):
    for alpha in (0.01, 0.005):
        c = int(poisson.isf(alpha, mu0)) + 1
        for f in (1.25, 1.5, 2.0, 5.0):
            cases.append({"mu0": mu0, "alpha": alpha, "factor": f, "critical": c,
                          "power": float(poisson.sf(c - 1, f * mu0))})

tails = []
for mu in (0.3, 4.0, 37.5, 250.0, 3000.0):
    for k in (0, 1, int(mu), int(mu) + 1, int(mu * 1.3) + 2, int(mu * 0.6)):
        tails.append({"k": k, "mu": mu, "sf": float(poisson.sf(k - 1, mu))})

# ceiling.py's fleet average: base rates log-spaced 0.2-2 % (400 points), traffic rpm x minutes, alpha 1 %.
rates = np.exp(np.linspace(np.log(0.002), np.log(0.02), 400))
fleet = []
for rpm, minutes, f in ((20, 30, 2.0), (20, 240, 2.0), (100, 60, 2.0), (300, 30, 1.5)):
    mu0 = rpm * minutes * rates
    c = poisson.isf(0.01, mu0) + 1
    fleet.append({"rpm": rpm, "minutes": minutes, "factor": f, "alpha": 0.01,
                  "meanPower": float(poisson.sf(c - 1, f * mu0).mean())})

OUT.write_text(json.dumps({"generator": "scipy.stats.poisson", "cases": cases, "tails": tails, "fleet": fleet}, indent=1) + "\n")
print(f"wrote {OUT}: {len(cases)} cases, {len(tails)} tails, {len(fleet)} fleet averages")
