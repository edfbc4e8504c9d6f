"""Writes the reference values the statistics tests compare against (test/fixtures/stats/*.json).

Run from the repository root:  python3 scripts/reference/generate_stats_fixtures.py
Needs numpy, scipy and mpmath (mpmath ships with scipy's usual installs). Output is deterministic.

Sources of truth:
- special functions: mpmath at 40 significant digits for ln-gamma and the normal distribution; scipy.special
  (Boost's ibeta / ibeta_inv) for the incomplete beta and its inverse; scipy.stats.binom for the binomial tails;
- rate tests: scipy.stats.binomtest on the conditional binomial (two-sided "minlike", as R's binom.test) and
  scipy.stats.beta.ppf for Clopper-Pearson, mapped to the rate ratio as R's poisson.test does;
- Mann-Whitney p-values and U: scipy.stats.mannwhitneyu, with R's method rule (exact iff both n < 50 and no ties);
  intervals: r_wilcox_port.py (R's own algorithm) for plain arrays; for weighted samples the exact jump points of R's
  z statistic by brute force over all pairwise differences, asserted equal to R's root finder run with a 1e-12 tolerance;
- Benjamini-Hochberg: scipy.stats.false_discovery_control (same numbers as R's p.adjust "BH").
"""
import json
import math
import os

import mpmath
import numpy as np
from scipy import special, stats

import r_wilcox_port as rw

mpmath.mp.dps = 40
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")


def write(name, payload):
    with open(os.path.join(OUT, name), "w") as fh:
        json.dump(payload, fh, indent=1, allow_nan=False)
        fh.write("\n")


def num(v):
    return float(v) if math.isfinite(float(v)) else ("Infinity" if v > 0 else "-Infinity")


def special_functions():
    lg = [1e-300, 1e-10, 0.1, 0.5, 1, 1.5, 2, 2.5, 3.7, 9.99, 10, 15.5, 100, 1234.5, 1e6, 1e15, -0.5, -2.5, -10.3]
    beta = [(0.3, 2, 5), (0.01, 0.5, 0.5), (0.999, 0.5, 3), (0.5, 1, 1), (1e-8, 1, 1e6), (0.2, 50, 200), (0.25, 50, 200),
            (0.5, 1e5, 1e5), (0.499, 1e5, 1e5), (0.9, 30.5, 2.5), (0.05, 3, 1e4), (1e-3, 0.1, 20), (0.7, 1e3, 400)]
    quant = [(0.025, 1, 1e6), (0.975, 5, 10), (1e-300, 10, 10), (0.5, 2, 3), (0.025, 3, 98), (0.975, 4, 97), (0.995, 0.5, 0.5),
             (1e-10, 2, 2), (1 - 1e-12, 2, 2), (0.05, 5000, 6001), (0.95, 6001, 5000), (0.3, 0.05, 0.05)]
    z = [-37.5, -37, -30, -20, -10, -8, -6, -5.7, -5.6, -3, -1.96, -1, -0.67449, -0.5, -1e-20, 0, 0.3, 0.6744, 0.7, 1, 1.96, 3, 5, 6, 8, 8.3]
    p = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.01, 0.025, 0.05, 0.075, 0.1, 0.3, 0.5, 0.7, 0.925, 0.95, 0.975, 0.99, 0.999999, 1 - 1e-12]
    binom = [(3, 10, 0.5), (0, 10, 0.1), (10, 10, 0.3), (2, 1000, 0.001), (15, 1000, 0.005), (5000, 11000, 0.5), (6000, 11000, 0.5),
             (3, 20, 0.95), (50, 100, 0.5), (0, 1, 0.5), (120, 130, 0.5), (40, 2000, 0.05)]
    return {
        "logGamma": [[x, float(mpmath.log(abs(mpmath.gamma(mpmath.mpf(x)))))] for x in lg],
        "incompleteBeta": [[x, a, b, float(special.betainc(a, b, x))] for x, a, b in beta],
        "betaQuantile": [[q, a, b, float(special.betaincinv(a, b, q))] for q, a, b in quant],
        "normalCdf": [[v, float(mpmath.ncdf(v))] for v in z],
        "normalQuantile": [[q, float(mpmath.findroot(lambda t: mpmath.ncdf(t) - mpmath.mpf(q), special.ndtri(q)))] for q in p],
        "binomial": [[k, n, pr, float(stats.binom.cdf(k, n, pr)), float(stats.binom.sf(k - 1, n, pr))] for k, n, pr in binom],
    }


def rate_case(name, be, bx, ce, cx, alternative, confidence):
    total = be + ce
    share = cx / (cx + bx)
    alt = {"two-sided": "two-sided", "greater": "greater", "less": "less"}[alternative]
    pvalue = stats.binomtest(ce, total, share, alternative=alt).pvalue
    alpha = (1 - confidence) / 2 if alternative == "two-sided" else 1 - confidence
    lo = 0.0 if ce == 0 or alternative == "less" else stats.beta.ppf(alpha, ce, total - ce + 1)
    hi = 1.0 if ce == total or alternative == "greater" else stats.beta.ppf(1 - alpha, ce + 1, total - ce)
    to_ratio = lambda q: math.inf if q == 1 else q / (1 - q) * bx / cx  # noqa: E731  (R: pp/(1 - pp)*T[2]/T[1])
    ratio = math.inf if be == 0 else (ce / cx) / (be / bx)
    return {"name": name, "input": {"baselineEvents": be, "baselineExposure": bx, "candidateEvents": ce, "candidateExposure": cx,
                                    "alternative": alternative, "confidence": confidence},
            "expected": {"ratio": num(ratio), "ratioLow": num(to_ratio(lo)), "ratioHigh": num(to_ratio(hi)), "pValue": float(pvalue)}}


def rate_comparisons():
    cases = []
    for alt in ["two-sided", "greater", "less"]:
        cases += [
            rate_case(f"equal traffic, 20 vs 35 errors ({alt})", 20, 10000, 35, 10000, alt, 0.95),
            rate_case(f"5% canary, 400/200000 vs 31/10000 ({alt})", 400, 200000, 31, 10000, alt, 0.95),
            rate_case(f"large counts 5000 vs 5300 per million ({alt})", 5000, 1e6, 5300, 1e6, alt, 0.99),
            rate_case(f"zero baseline events, 12 candidate ({alt})", 0, 50000, 12, 50000, alt, 0.95),
            rate_case(f"zero candidate events, 9 baseline ({alt})", 9, 20000, 0, 20000, alt, 0.9),
            rate_case(f"fractional exposures ({alt})", 7, 1234.5, 3, 987.25, alt, 0.95),
        ]
    cases += [
        rate_case("observed equals expected count (two-sided p = 1)", 10, 500, 10, 500, "two-sided", 0.95),
        rate_case("tiny p-value: 2 vs 300 errors", 2, 100000, 300, 100000, "two-sided", 0.95),
        rate_case("zero baseline, 200 candidate errors on 1% canary", 0, 990000, 200, 10000, "greater", 0.95),
        rate_case("asymmetric tail, 1 vs 9 on 30/70 split", 1, 70, 9, 30, "two-sided", 0.8),
    ]
    return cases


def minstd(spec):
    state, out = spec["seed"], []
    for _ in range(spec["n"]):
        state = state * 48271 % 2147483647
        u = state / 2147483647
        out.append(spec["offset"] + (math.floor(u * spec["levels"]) if "levels" in spec else spec["scale"] * u))
    return out


def plain(sample):
    if isinstance(sample, dict) and "generator" in sample:
        return np.asarray(minstd(sample), float), None
    if isinstance(sample, dict):
        return np.repeat(np.asarray(sample["values"], float), np.asarray(sample["weights"], int)), sample
    return np.asarray(sample, float), None


def counted(sample):
    totals = {}
    for v, w in zip(sample["values"], sample["weights"]):
        totals[v] = totals.get(v, 0) + w
    values = np.array(sorted(totals), float)
    return values, np.array([totals[v] for v in values], float)


def weighted_reference(xw, yw, alternative, conf, correct):
    """Median and rank-position bounds by brute force over the weighted matrix of distinct-value differences."""
    xv, xc = counted(xw)
    yv, yc = counted(yw)
    d = np.subtract.outer(xv, yv).ravel()
    w = np.outer(xc, yc).ravel()
    order = np.argsort(d, kind="stable")
    d, cum = d[order], np.cumsum(w[order])
    n_pairs = xc.sum() * yc.sum()
    quantile = lambda t, strict=False: d[np.argmax(cum > t)] if strict else d[np.argmax(cum >= t)]  # noqa: E731
    median = (quantile(n_pairs / 2) + quantile(n_pairs / 2, True)) / 2
    nx, ny = xc.sum(), yc.sum()
    ties = (xc**3 - xc).sum() + (yc**3 - yc).sum()
    sigma = math.sqrt((nx * ny / 12) * ((nx + ny + 1) - ties / ((nx + ny) * (nx + ny - 1))))
    half = 0.5 if correct else 0.0
    lower_q, upper_q = rw.bound_quantiles(alternative, conf)

    def bound(zq, c):
        target = n_pairs - (n_pairs / 2 + c + zq * sigma)
        return d[-1] if target > n_pairs else quantile(target)

    low = -math.inf if lower_q is None else bound(lower_q, half)
    high = math.inf if upper_q is None else bound(upper_q, -half)
    return median, low, high


def mw_case(name, baseline, candidate, alternative, confidence, correct=True, check_roots=False):
    y, yw = plain(baseline)
    x, xw = plain(candidate)
    ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
    exact = len(x) < 50 and len(y) < 50 and not ties
    res = stats.mannwhitneyu(x, y, alternative=alternative,
                             use_continuity=correct, method="exact" if exact else "asymptotic")
    u = float(res.statistic)
    if exact:
        assert abs(rw.exact_p_value(u, len(x), len(y), alternative) - res.pvalue) < 1e-13
    weighted = xw is not None or yw is not None
    if exact:
        low, high = rw.exact_interval(x, y, alternative, confidence)
        shift = float(np.median(np.subtract.outer(x, y)))
    elif weighted:
        as_weighted = lambda s, raw: s if s is not None else {"values": list(raw), "weights": [1] * len(raw)}  # noqa: E731
        shift, low, high = weighted_reference(as_weighted(xw, x), as_weighted(yw, y), alternative, confidence, correct)
        if check_roots:
            tight = rw.asymptotic_interval(x, y, alternative, confidence, correct, tol=1e-12)
            for mine, root in zip((low, high), tight):
                assert mine == root or abs(mine - root) < 1e-9, (name, mine, root)
    else:
        low, high = rw.asymptotic_interval(x, y, alternative, confidence, correct)
        shift = float(np.median(np.subtract.outer(x, y)))
    return {"name": name, "baseline": baseline, "candidate": candidate, "options": {"alternative": alternative, "confidence": confidence, "correct": correct},
            "expected": {"method": "exact" if exact else "normal", "u": u, "pValue": float(res.pvalue), "shift": float(shift),
                         "shiftLow": num(low), "shiftHigh": num(high)}}


def mann_whitney():
    rng = np.random.default_rng(20240611)
    small_b = [round(float(v), 6) for v in rng.normal(100, 15, 12)]
    small_c = [round(float(v), 6) for v in rng.normal(112, 15, 15)]
    tied_b = [int(v) for v in rng.integers(1, 9, 20)]
    tied_c = [int(v) for v in rng.integers(2, 10, 24)]
    mid_b = [round(float(v), 4) for v in rng.lognormal(3, 0.4, 60)]
    mid_c = [round(float(v), 4) for v in rng.lognormal(3.1, 0.4, 75)]
    gen = lambda seed, n, offset=0.0, **kw: {"generator": "minstd", "seed": seed, "n": n, "offset": offset, **kw}  # noqa: E731
    edges = np.unique(np.round(np.geomspace(1, 3000, 300), 3))
    hist = lambda mu, total: [int(c) for c in rng.multinomial(total, np.diff(stats.lognorm.cdf(np.append(edges, 1e9), 0.5, scale=mu)))]  # noqa: E731
    hb = {"values": [float(v) for v in edges], "weights": hist(120, 100000)}
    hc = {"values": [float(v) for v in edges], "weights": hist(126, 100000)}
    small_w_b = {"values": [1, 2, 3, 5, 8, 13], "weights": [3, 7, 4, 2, 1, 1]}
    small_w_c = {"values": [2, 3, 5, 8, 13, 21], "weights": [2, 5, 6, 3, 2, 1]}
    cases = []
    for alt in ["two-sided", "greater", "less"]:
        cases += [
            mw_case(f"small, no ties, exact ({alt})", small_b, small_c, alt, 0.95),
            mw_case(f"small with ties, normal ({alt})", tied_b, tied_c, alt, 0.9),
            mw_case(f"60 vs 75, no ties, normal ({alt})", mid_b, mid_c, alt, 0.95),
            mw_case(f"small weighted with ties ({alt})", small_w_b, small_w_c, alt, 0.95, check_roots=True),
        ]
    cases += [
        mw_case("small, no ties, exact, 99%", small_b[:7], small_c[:9], "two-sided", 0.99),
        mw_case("largest exact size, 49 vs 45", [round(float(v), 6) for v in rng.normal(0, 1, 49)],
                [round(float(v), 6) for v in rng.normal(0.3, 1, 45)], "two-sided", 0.95),
        mw_case("ties without continuity correction", tied_b, tied_c, "two-sided", 0.95, correct=False),
        mw_case("raw 2000 vs 2500 continuous (minstd)", gen(11, 2000, scale=100.0), gen(29, 2500, 0.5, scale=100.0), "two-sided", 0.95),
        mw_case("raw 3000 vs 3000 heavy ties (minstd, 40 levels)", gen(7, 3000, levels=40), gen(8, 3000, 1.0, levels=40), "greater", 0.98),
        mw_case("raw 5000 vs 5000 continuous (minstd)", gen(101, 5000, scale=250.0), gen(202, 5000, 2.0, scale=250.0), "two-sided", 0.95),
        mw_case("histogram 300 buckets, 100000 requests each (greater)", hb, hc, "greater", 0.95, check_roots=True),
        mw_case("histogram 300 buckets, 100000 requests each (two-sided)", hb, hc, "two-sided", 0.99, check_roots=True),
    ]
    return cases


def benjamini_hochberg():
    vectors = [
        [0.01, 0.04, 0.03, 0.005, 0.5],
        [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269, 0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986],
        [0.2, 0.2, 0.2, 0.01, 0.01],
        [0.9, 0.95, 1.0, 0.99],
        [1e-12, 0.5, 3e-8, 0.049, 0.051, 0.02],
    ]
    return [{"pValues": v, "expected": [float(q) for q in stats.false_discovery_control(v, method="bh")]} for v in vectors]


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write("special-functions.json", special_functions())
    write("rate-comparisons.json", rate_comparisons())
    write("mann-whitney.json", mann_whitney())
    write("benjamini-hochberg.json", benjamini_hochberg())
    print("wrote", sorted(os.listdir(OUT)))
