"""Reference values for src/analysis/new-signatures.ts (exact conditional Poisson test of events in new error kinds).

Writes test/fixtures/stats/new-signatures.json. Integer counts: scipy.stats.binomtest(c, c + h, share, "greater") and
the one-sided Clopper-Pearson lower bound (scipy.stats.beta.ppf), mapped to the rate ratio as R's poisson.test does.
Quasi-Poisson (non-integer) counts: the same tail as scipy.special.betainc(c, h + 1, share).
"""
import json
from pathlib import Path

from scipy import special, stats

OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "stats" / "new-signatures.json"

cases = []
for c, h, tc, th in [(3, 0, 200, 100_800), (1, 0, 200, 100_800), (14, 2, 600, 50_400), (5, 40, 6_000, 3_000_000),
                     (2, 10, 30, 7_200), (30, 200, 12_000, 1_000_000), (0, 5, 100, 10_000), (8, 0, 20, 50)]:
    share = tc / (tc + th)
    p = stats.binomtest(c, c + h, share, alternative="greater").pvalue if c > 0 else 1.0
    for alpha in (0.005, 0.05):
        low = stats.beta.ppf(alpha, c, h + 1) if c > 0 else 0.0
        ratio_low = low / (1 - low) * th / tc
        cases.append({"c": c, "h": h, "share": share, "alpha": alpha, "pValue": float(p), "ratioLow": float(ratio_low)})
for c, h, share in [(2.5, 0.0, 0.002), (0.7, 3.2, 0.01), (6.25, 1.5, 0.0004), (12.0, 0.5, 0.05)]:
    p = special.betainc(c, h + 1, share)
    low = stats.beta.ppf(0.005, c, h + 1)
    cases.append({"c": c, "h": h, "share": share, "alpha": 0.005, "pValue": float(p), "ratioLow": float(low / (1 - low) * (1 - share) / share)})

OUT.write_text(json.dumps({"generator": "scripts/reference/generate_new_signature_fixtures.py", "cases": cases}, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {OUT}")
