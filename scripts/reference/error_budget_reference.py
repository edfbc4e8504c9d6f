"""
Reference values for src/analysis/sequential/{binomial-mixture,error-budget}.ts (issue 11, the error-budget signal).
Writes test/fixtures/stats/error-budget.json. numpy + scipy only; deterministic, so re-running leaves git diff empty.

The one-sample mixture SPRT of an error rate against p0 = burn_rate x (1 - objective): likelihood ratio of Binomial(n, p)
against Binomial(n, p0), mixed over a half-normal prior (sd 0.7) on |logit p - logit p0| on np.linspace(0.01, 3, 48),
written here with scipy.special.log_expit / logsumexp. Clopper-Pearson by scipy.stats.beta.ppf, the exact one-sided
p-value by scipy.stats.binomtest. The look-by-look judge is re-implemented below for literal series, and the chance of
ever failing at a given true rate over the plan's looks is computed exactly by dynamic programming over the count.
"""
import json
from pathlib import Path

import numpy as np
from scipy.special import log_expit, logit, logsumexp
from scipy.stats import beta, binom, binomtest

OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "stats" / "error-budget.json"
STEPS = np.linspace(0.01, 3.0, 48)
LOGW = np.log(np.exp(-0.5 * (STEPS / 0.7) ** 2) / np.exp(-0.5 * (STEPS / 0.7) ** 2).sum())


def log_mixture(k, n, p0, side):
    z = logit(p0) + (STEPS if side == "above" else -STEPS)
    terms = k * (log_expit(z) - np.log(p0)) + (n - k) * (log_expit(-z) - np.log1p(-p0))
    return float(logsumexp(terms + LOGW))


def looks(first, every, maximum):
    return list(range(first, maximum + 1, every))


def judge(series, p0, alpha, beta_, min_samples, maximum, first=10, every=5):
    k = n = 0
    plan = set(looks(first, every, maximum))
    for t, (e, x) in enumerate(series[:maximum], start=1):
        k, n = k + e, n + x
        if t not in plan:
            continue
        if log_mixture(k, n, p0, "above") >= np.log(1 / alpha):
            return {"status": "fail", "minutes": t}
        if log_mixture(k, n, p0, "below") >= np.log(1 / beta_):
            return {"status": "pass", "minutes": t}
        if t == maximum:
            if n < max(1, min_samples):
                return {"status": "nodata", "minutes": t}
            return {"status": "pass" if k / n < p0 else "hold", "minutes": t}
    return {"status": "continue", "minutes": min(len(series), maximum)}


def fail_bars(p0, alpha, rpm, minutes):
    """Smallest error count that fails at each look with rpm requests a minute (None when no count does)."""
    bars = []
    for t in minutes:
        n = rpm * t
        ks = [k for k in range(n + 1) if log_mixture(k, n, p0, "above") >= np.log(1 / alpha)]
        bars.append(ks[0] if ks else None)
    return bars


def pass_bars(p0, beta_, rpm, minutes):
    """Largest error count that passes at each look (-1 when none does)."""
    bars = []
    for t in minutes:
        n = rpm * t
        ks = [k for k in range(n + 1) if log_mixture(k, n, p0, "below") >= np.log(1 / beta_)]
        bars.append(ks[-1] if ks else -1)
    return bars


def fail_probability(p, p0, alpha, rpm, maximum, by_minute=None):
    """P(fail at some look up to by_minute) with exactly rpm requests a minute and true error rate p (exact DP)."""
    plan = [t for t in looks(10, 5, maximum) if by_minute is None or t <= by_minute]
    bars = fail_bars(p0, alpha, rpm, plan)
    alive = np.zeros(rpm * maximum + 1)
    alive[0] = 1.0
    done, prev = 0.0, 0
    for t, bar in zip(plan, bars):
        step = binom.pmf(np.arange(rpm * (t - prev) + 1), rpm * (t - prev), p)
        alive = np.convolve(alive, step)[: rpm * maximum + 1]
        prev = t
        if bar is not None:
            done += alive[bar:].sum()
            alive[bar:] = 0.0
    return float(done)


def main():
    mixture = []
    for k, n, p0 in [(0, 200, 0.0144), (9, 300, 0.0144), (15, 300, 0.0144), (40, 1200, 0.0144), (3, 5000, 0.0144),
                     (120, 200, 0.5), (2, 40, 0.001), (0, 100000, 0.00005)]:
        for side in ("above", "below"):
            mixture.append({"events": k, "exposure": n, "p0": p0, "side": side, "logMixture": log_mixture(k, n, p0, side)})
    intervals = []
    for k, n, p0 in [(0, 200, 0.0144), (9, 300, 0.0144), (15, 300, 0.0144), (40, 1200, 0.0144), (300, 300, 0.0144)]:
        ci = (beta.ppf(0.025, k, n - k + 1) if k > 0 else 0.0, beta.ppf(0.975, k + 1, n - k) if k < n else 1.0)
        intervals.append({"events": k, "exposure": n, "p0": p0, "low": float(ci[0]), "high": float(ci[1]),
                          "exactPValue": float(binomtest(k, n, p0, alternative="greater").pvalue)})

    p0, alpha, beta_ = 14.4 * (1 - 0.999), 0.005, 0.05
    minutes = looks(10, 5, 60)
    flat = lambda rpm, e_every, minutes_: [(1 if (i + 1) % e_every == 0 else 0, rpm) for i in range(minutes_)]
    scenarios = {
        # 20 rpm, one error every 2 minutes = 2.5 %: burn 25 against a threshold of 14.4.
        "burning": {"series": flat(20, 2, 240)},
        # 20 rpm, no errors: the budget is not burning.
        "quiet": {"series": flat(20, 10 ** 9, 240)},
        # 20 rpm, one error every 4 minutes = 1.25 %, just under the threshold: undecided until the maximum.
        "nearThreshold": {"series": flat(20, 4, 240)},
        # 1 request a minute and no errors: too few requests to judge by the maximum of 60.
        "sparse": {"series": flat(1, 10 ** 9, 60), "maximum": 60},
    }
    for s in scenarios.values():
        s.update(judge(s["series"], p0, alpha, beta_, 100, s.get("maximum", 240)))

    design = {
        "p0": p0, "alpha": alpha, "beta": beta_, "rpm": 20, "looks": minutes,
        "failBars": fail_bars(p0, alpha, 20, minutes), "passBars": pass_bars(p0, beta_, 20, minutes),
        # The chance a release burning at 3 % (burn 30) at exactly 20 rpm fails by the 15th minute, and by the 60th.
        "failBy15At3Percent": fail_probability(0.03, p0, alpha, 20, 240, by_minute=15),
        "failBy60At3Percent": fail_probability(0.03, p0, alpha, 20, 240, by_minute=60),
        # The same by the 15th minute at 200 rpm.
        "failBy15At3Percent200rpm": fail_probability(0.03, p0, alpha, 200, 15, by_minute=15),
        # False fails: a release exactly at the threshold over all 47 looks of 240 minutes, at alpha 0.005 and 0.05.
        "falseFailAtThreshold": fail_probability(p0, p0, alpha, 20, 240),
        "falseFailAtThresholdAlpha05": fail_probability(p0, p0, 0.05, 20, 240),
    }
    OUT.write_text(json.dumps({"mixture": mixture, "intervals": intervals, "scenarios": scenarios, "design": design}, indent=1) + "\n")


if __name__ == "__main__":
    main()
