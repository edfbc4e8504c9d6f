"""Reference values for dispersion, tail-test, detection-power and change-point (test/fixtures/stats/*.json).

Run from the repository root:  python3 scripts/reference/generate_detection_fixtures.py   (numpy, scipy). Deterministic.

Sources of truth (no statsmodels: every formula is written out here, independently of the TypeScript):
- dispersion: Pearson chi-square / (k - 1) with numpy; the Wald log-ratio test with scipy.stats.norm (1/2 added to
  both counts when one is 0), with the exact conditional test (scipy.stats.binomtest) beside it, to show how far the
  Wald p-value is from the exact one at phi = 1;
- tail test: numpy.quantile(method="inverted_cdf") for the threshold, counts strictly above it, scipy.stats.binomtest
  on the conditional binomial (as compareRates / R's poisson.test);
- detection power, rates: the exact power of the Wald test (with its zero-count correction) summed over both count
  distributions with scipy.stats.poisson, a 40 000-replicate simulation of the same test, and the textbook normal
  formula for comparison; shifts: Noether's formula and a 4 000-replicate simulation with scipy.stats.mannwhitneyu on
  log-normal samples;
- change points: brute-force scans over every split with scipy.stats.poisson.logpmf / numpy, and permutation
  p-values from 20 000 numpy permutations (the TypeScript uses its own generator and 999, so they agree within
  Monte Carlo error only).
"""
import json
import math
import os

import numpy as np
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
rng = np.random.default_rng(20250301)


def write(name, payload):
    with open(os.path.join(OUT, name), "w") as fh:
        json.dump(payload, fh, indent=1, allow_nan=False)
        fh.write("\n")


def num(v):
    return float(v) if math.isfinite(float(v)) else ("Infinity" if v > 0 else "-Infinity")


# ---------- dispersion ----------

def pearson_phi(intervals):
    used = [(e, x) for e, x in intervals if x > 0]
    e = np.array([u[0] for u in used], float)
    x = np.array([u[1] for u in used], float)
    if len(used) < 5 or e.sum() == 0:
        return 1.0, len(used)
    expected = x * e.sum() / x.sum()
    return max(1.0, float(((e - expected) ** 2 / expected).sum() / (len(used) - 1))), len(used)


def corrected(be, bx, ce, cx):
    """Haldane-Anscombe 1/2 on both counts when one is 0; returns the counts and the log rate ratio, which is cut to 0
    when the correction would point against the data (0 candidate events read as a rise, or the reverse)."""
    half = np.where((be == 0) | (ce == 0), 0.5, 0.0)
    eb, ec = be + half, ce + half
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.log(ec / cx) - np.log(eb / bx)
    lr = np.where(ce == 0, np.minimum(lr, 0.0), lr)
    lr = np.where(be == 0, np.maximum(lr, 0.0), lr)
    return eb, ec, lr


def wald(be, bx, ce, cx, phi, alternative, confidence):
    eb, ec, log_ratio = (float(v) for v in corrected(np.float64(be), bx, np.float64(ce), cx))
    se = math.sqrt(phi * (1 / eb + 1 / ec))
    z = log_ratio / se
    p = {"greater": stats.norm.sf(z), "less": stats.norm.cdf(z), "two-sided": 2 * stats.norm.sf(abs(z))}[alternative]
    q = stats.norm.ppf(confidence if alternative != "two-sided" else (1 + confidence) / 2)
    ratio = math.inf if be == 0 else (ce / cx) / (be / bx)
    low = 0.0 if alternative == "less" or ratio == 0 else math.exp(log_ratio - q * se)
    high = math.inf if alternative == "greater" or ratio == math.inf else math.exp(log_ratio + q * se)
    return {"pValue": float(min(1.0, p)), "ratio": num(ratio), "ratioLow": num(low), "ratioHigh": num(high)}


def dispersion():
    stationary = [[int(v), 1000] for v in rng.poisson(20, 30)]
    wandering = [[int(rng.poisson(20 * m)), 1000] for m in rng.lognormal(0, 0.4, 30)]
    traffic = [int(v) for v in rng.integers(300, 3000, 40)]
    varying = [[int(rng.poisson(0.01 * x * m)), x] for x, m in zip(traffic, rng.gamma(4, 0.25, 40))]
    phi_cases = [
        ("stationary Poisson minutes", stationary),
        ("minutes whose rate wanders (log-normal, sd 0.4)", wandering),
        ("traffic varies 300-3000 a minute, gamma-mixed rate", varying),
        ("four intervals are too few", [[3, 100], [9, 100], [1, 100], [12, 100]]),
        ("no events at all", [[0, 500]] * 8),
        ("minutes without traffic are skipped", [[5, 100], [0, 0], [30, 100], [2, 100], [0, 0], [18, 100], [7, 100]]),
    ]
    phis = [{"name": n, "intervals": [{"events": e, "exposure": x} for e, x in iv],
             "expected": dict(zip(("phi", "intervals"), pearson_phi(iv)))} for n, iv in phi_cases]
    tests = []
    for name, be, bx, ce, cx, phi in [
        ("balanced, 80 vs 120 errors", 80, 10000, 120, 10000, 1.0),
        ("balanced, 150 vs 180 errors", 150, 10000, 180, 10000, 1.0),
        ("half exposure, 400 vs 240", 400, 10000, 240, 5000, 1.0),
        ("double exposure, 40 vs 120", 40, 10000, 120, 20000, 1.0),
        ("overdispersed phi 3.2, 80 vs 120", 80, 10000, 120, 10000, 3.2),
        ("10% canary phi 2, 400 vs 60", 400, 100000, 60, 10000, 2.0),
        ("zero baseline, 200 candidate errors, 1% canary", 0, 990000, 200, 10000, 1.0),
        ("zero candidate, 30 baseline errors, phi 1.5", 30, 20000, 0, 20000, 1.5),
        ("zero candidate events in a 10-request window: no false rise", 1000, 100000, 0, 10, 1.0),
        ("fractional (weighted) counts", 12.5, 1234.5, 20.25, 987.25, 1.3),
    ]:
        for alternative in ["two-sided", "greater", "less"]:
            exact = stats.binomtest(int(ce), int(be + ce), cx / (bx + cx), alternative=alternative).pvalue if float(be).is_integer() and float(ce).is_integer() else None
            tests.append({"name": f"{name} ({alternative})", "baseline": {"events": be, "exposure": bx}, "candidate": {"events": ce, "exposure": cx},
                          "phi": phi, "alternative": alternative, "confidence": 0.95, "expected": wald(be, bx, ce, cx, phi, alternative, 0.95),
                          "exactPValue": None if exact is None else float(exact)})
    return {"dispersion": phis, "rateTests": tests}


# ---------- tail test ----------

def expand(sample):
    if isinstance(sample, dict):
        return np.repeat(np.asarray(sample["values"], float), np.asarray(sample["weights"], int))
    return np.asarray(sample, float)


def tail(b, c, q, side, alternative, confidence):
    if side == "lower":
        b, c = -b, -c
    t = float(np.quantile(b, q, method="inverted_cdf"))
    bk, ck = int((b > t).sum()), int((c > t).sum())
    p = 1.0 if bk + ck == 0 else stats.binomtest(ck, bk + ck, len(c) / (len(b) + len(c)), alternative=alternative).pvalue
    ratio = (ck / len(c)) / (bk / len(b)) if bk > 0 else (math.inf if ck > 0 else 1.0)
    return {"side": side, "threshold": -t if side == "lower" else t, "baselineShare": bk / len(b), "candidateShare": ck / len(c),
            "ratio": num(ratio), "pValue": float(p)}


def tail_case(name, baseline, candidate, q, alternative, confidence=0.95):
    b, c = expand(baseline), expand(candidate)
    if alternative != "two-sided":
        tails = [tail(b, c, q, "upper", alternative, confidence)]
        p = tails[0]["pValue"]
    else:
        tails = [tail(b, c, q, "upper", "greater", confidence), tail(b, c, q, "lower", "greater", confidence)]
        p = min(1.0, 2 * min(t["pValue"] for t in tails))
    return {"name": name, "baseline": baseline, "candidate": candidate, "options": {"quantile": q, "alternative": alternative, "confidence": confidence},
            "expected": {"pValue": float(p), "tails": tails}}


def tail_test():
    r = lambda a: [round(float(v), 3) for v in a]  # noqa: E731
    base = r(rng.normal(200, 20, 400))
    wide = r(rng.normal(200, 40, 400))
    same = r(rng.normal(200, 20, 300))
    shifted = r(rng.normal(204, 20, 400))
    edges = np.unique(np.round(np.geomspace(1, 3000, 300), 3))
    hist = lambda mu, s, total: [int(v) for v in rng.multinomial(total, np.diff(stats.lognorm.cdf(np.append(edges, 1e9), s, scale=mu)))]  # noqa: E731
    hb = {"values": [float(v) for v in edges], "weights": hist(120, 0.5, 100000)}
    hc = {"values": [float(v) for v in edges], "weights": hist(120, 0.6, 20000)}
    small = {"values": [10, 20, 30, 40, 50], "weights": [40, 30, 20, 6, 4]}
    small_c = {"values": [10, 20, 30, 40, 50], "weights": [30, 25, 25, 10, 10]}
    cases = []
    for alternative in ["greater", "less", "two-sided"]:
        cases += [tail_case(f"same median, doubled spread ({alternative})", base, wide, 0.95, alternative),
                  tail_case(f"same distribution ({alternative})", base, same, 0.95, alternative),
                  tail_case(f"shift of 0.2 sd ({alternative})", base, shifted, 0.95, alternative),
                  tail_case(f"300-bucket histograms, wider candidate ({alternative})", hb, hc, 0.99, alternative)]
    cases += [tail_case("ties at a bucketed threshold: 5 buckets", small, small_c, 0.9, "greater"),
              tail_case("ties at a bucketed threshold: 5 buckets (spread)", small, small_c, 0.9, "two-sided"),
              tail_case("raw integers with heavy ties", [int(v) for v in rng.integers(0, 12, 500)], [int(v) for v in rng.integers(0, 13, 300)], 0.9, "greater")]
    return cases


# ---------- detection power ----------

def count_support(mean, phi):
    """Values and probabilities of phi * Poisson(mean / phi), tails beyond 1e-13 dropped."""
    m = mean / phi
    if m == 0:
        return np.array([0.0]), np.array([1.0])
    k = np.arange(stats.poisson.ppf(1e-13, m), stats.poisson.isf(1e-13, m) + 1)
    return phi * k, stats.poisson.pmf(k, m)


def wald_z(b, c, bx, cx, phi):
    eb, ec, lr = corrected(b, bx, c, cx)
    z = lr / np.sqrt(phi * (1 / eb + 1 / ec))
    return np.where((b == 0) & (c == 0), -np.inf, z)


def rate_power_exact(rb, bx, cx, rel, absolute, alpha, phi):
    """Exact power of the Wald test: the sum over both count distributions of P(b) P(c) [z > z_alpha]."""
    rate = max(rb * (1 + rel), rb + absolute)
    bv, bp = count_support(rb * bx, phi)
    cv, cp = count_support(rate * cx, phi)
    reject = wald_z(bv[:, None], cv[None, :], bx, cx, phi) > stats.norm.ppf(1 - alpha)
    return float(bp @ reject.astype(float) @ cp)


def rate_power_normal(rb, bx, cx, rel, absolute, alpha, phi):
    """The textbook normal formula, kept to show how much it overstates power at small counts."""
    rate = max(rb * (1 + rel), rb + absolute)
    eb, ec = rb * bx, rate * cx
    return float(stats.norm.cdf(math.log(rate / rb) / math.sqrt(phi * (1 / eb + 1 / ec)) - stats.norm.ppf(1 - alpha))) if eb > 0 else None


def rate_power_simulated(rb, bx, cx, rel, absolute, alpha, phi, reps=40000):
    rate = max(rb * (1 + rel), rb + absolute)
    b = phi * rng.poisson(rb * bx / phi, reps)
    c = phi * rng.poisson(rate * cx / phi, reps)
    return float((wald_z(b, c, bx, cx, phi) > stats.norm.ppf(1 - alpha)).mean())


def exposure_for(power, rb, bx, rel, absolute, alpha, phi):
    """Smallest candidate exposure with exact power >= target, by bisection on a log scale."""
    rate = max(rb * (1 + rel), rb + absolute)
    lo, hi = 0.01 / rate, 1e6 / rate
    if rate_power_exact(rb, bx, hi, rel, absolute, alpha, phi) < power:
        return math.inf
    while hi / lo > 1.001:
        mid = math.sqrt(lo * hi)
        lo, hi = (lo, mid) if rate_power_exact(rb, bx, mid, rel, absolute, alpha, phi) >= power else (mid, hi)
    return hi


def shift_power_formula(m, n, shift, sd, alpha):
    p = stats.norm.cdf(math.log1p(shift) / (sd * math.sqrt(2)))
    return float(stats.norm.cdf(abs(p - 0.5) * math.sqrt(12 * m * n / (m + n)) - stats.norm.ppf(1 - alpha)))


def shift_power_simulated(m, n, shift, sd, alpha, reps=4000):
    b = rng.normal(0, sd, (reps, m))
    c = rng.normal(math.log1p(shift), sd, (reps, n))
    p = stats.mannwhitneyu(c, b, alternative="greater", axis=1, method="asymptotic").pvalue
    return float((p < alpha).mean())


def detection_power():
    rates = []
    for rb, bx, cx, rel, absolute, alpha, phi in [
        (0.01, 100000, 10000, 0.5, 0.0, 0.01, 1.0), (0.01, 100000, 5000, 0.5, 0.0, 0.01, 1.0), (0.01, 100000, 1000, 0.5, 0.0, 0.01, 1.0),
        (0.01, 5000, 5000, 0.5, 0.0, 0.05, 1.0), (0.001, 100000, 10000, 1.0, 0.0, 0.01, 1.0), (0.001, 1000000, 5000, 2.0, 0.0, 0.01, 1.0),
        (0.01, 100000, 10000, 0.2, 0.005, 0.01, 1.0), (0.01, 100000, 20000, 0.5, 0.0, 0.01, 3.0), (0.05, 20000, 2000, 0.3, 0.0, 0.05, 2.0),
        (0.0, 200000, 5000, 0.5, 0.001, 0.01, 1.0), (0.0, 200000, 1000, 0.5, 0.001, 0.01, 1.0), (0.0, 50000, 3000, 0.0, 0.002, 0.05, 2.0),
    ]:
        args = (rb, bx, cx, rel, absolute, alpha, phi)
        rates.append({"input": {"baselineRate": rb, "baselineExposure": bx, "candidateExposure": cx, "relativeEffect": rel, "absoluteEffect": absolute, "alpha": alpha, "phi": phi},
                      "exact": rate_power_exact(*args), "simulated": rate_power_simulated(*args), "normalFormula": rate_power_normal(*args),
                      "exposureFor80": num(exposure_for(0.8, rb, bx, rel, absolute, alpha, phi))})
    shifts = []
    for m, n, shift, cv, alpha in [(200, 200, 0.1, 0.5, 0.05), (500, 100, 0.1, 0.5, 0.01), (100, 100, 0.2, 1.0, 0.01), (1000, 300, 0.05, 0.4, 0.01), (60, 30, 0.3, 0.6, 0.05)]:
        sd = math.sqrt(math.log1p(cv * cv))
        p = stats.norm.cdf(math.log1p(shift) / (sd * math.sqrt(2)))
        k = ((stats.norm.ppf(1 - alpha) + stats.norm.ppf(0.8)) / (p - 0.5)) ** 2 / 12
        shifts.append({"input": {"baselineN": m, "candidateN": n, "relativeShift": shift, "cv": cv, "alpha": alpha},
                       "formula": shift_power_formula(m, n, shift, sd, alpha), "simulated": shift_power_simulated(m, n, shift, sd, alpha),
                       "samplesFor80": num(math.ceil(k * m / (m - k)) if m > k else math.inf)})
    return {"rates": rates, "shifts": shifts}


# ---------- change points ----------

def count_scan(events, exposure, min_segment=3):
    e, x = np.asarray(events, float), np.asarray(exposure, float)
    one = stats.poisson.logpmf(e, x * e.sum() / x.sum()).sum()
    best = (-math.inf, None)
    for k in range(min_segment, len(e) - min_segment + 1):
        r1, r2 = e[:k].sum() / x[:k].sum(), e[k:].sum() / x[k:].sum()
        two = stats.poisson.logpmf(e[:k], x[:k] * r1).sum() + stats.poisson.logpmf(e[k:], x[k:] * r2).sum()
        if two - one > best[0] + 1e-12:
            best = (two - one, k)
    return best


def mean_scan(values, min_segment=3):
    v = np.asarray(values, float)
    best = (-math.inf, None)
    for k in range(min_segment, len(v) - min_segment + 1):
        sse = ((v[:k] - v[:k].mean()) ** 2).sum() + ((v[k:] - v[k:].mean()) ** 2).sum()
        gain = ((v - v.mean()) ** 2).sum() - sse
        if gain > best[0] + 1e-9:
            best = (gain, k)
    return best


def permutation_p(stat, scan, columns, reps=20000):
    n, hits = len(columns[0]), 0
    for _ in range(reps):
        order = rng.permutation(n)
        hits += scan(*[np.asarray(c)[order] for c in columns])[0] >= stat * (1 - 1e-12)
    return (1 + hits) / (1 + reps)


def fast_count_stat(e, x, m=3):
    ce, cx = np.cumsum(e)[m - 1:len(e) - m], np.cumsum(x)[m - 1:len(e) - m]
    te, tx = e.sum(), x.sum()
    xl = lambda a, b: np.where(a > 0, a * np.log(np.where(a > 0, a, 1) / b), 0.0)  # noqa: E731
    return (float((xl(ce, cx) + xl(te - ce, tx - cx) - xl(np.array(te), tx)).max()),)


def fast_mean_stat(v, m=3):
    n, k = len(v), np.arange(m, len(v) - m + 1)
    s = np.cumsum(v)[k - 1]
    return (float((k * (n - k) / n * (s / k - (v.sum() - s) / (n - k)) ** 2).max()),)


def checked(brute, fast):
    assert abs(brute - fast[0]) < 1e-9 * max(1.0, abs(brute)), (brute, fast)
    return fast[0]


def change_points():
    out = []
    minute, t0 = 60000, 1_700_000_000_000
    exposure = [int(v) for v in rng.integers(800, 1200, 60)]
    for name, step_at, after in [("error rate 0.5% -> 1.5% at minute 37", 37, 0.015), ("stationary 0.5% error rate", None, 0.005)]:
        rates = [0.005 if step_at is None or i < step_at else after for i in range(60)]
        events = [int(rng.poisson(r * x)) for r, x in zip(rates, exposure)]
        llr, k = count_scan(events, exposure)
        e, x = np.array(events, float), np.array(exposure, float)
        out.append({"kind": "count", "name": name, "series": [{"t": t0 + i * minute, "events": ev, "exposure": ex} for i, (ev, ex) in enumerate(zip(events, exposure))],
                    "expected": {"index": k, "llr": llr, "before": e[:k].sum() / x[:k].sum(), "after": e[k:].sum() / x[k:].sum(),
                                 "pValue": permutation_p(checked(llr, fast_count_stat(e, x)), fast_count_stat, [e, x])}})
    for name, shift in [("p95 latency 180 ms -> 215 ms at minute 25", 35.0), ("stationary latency", 0.0)]:
        values = [round(float(v), 2) for v in rng.normal(180, 15, 50) + np.where(np.arange(50) >= 25, shift, 0.0)]
        gain, k = mean_scan(values)
        v = np.array(values)
        out.append({"kind": "mean", "name": name, "series": [{"t": t0 + i * minute, "value": val} for i, val in enumerate(values)],
                    "expected": {"index": k, "explained": gain / ((v - v.mean()) ** 2).sum(), "before": v[:k].mean(), "after": v[k:].mean(),
                                 "pValue": permutation_p(checked(gain, fast_mean_stat(v)), fast_mean_stat, [v])}})
    return out


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write("dispersion.json", dispersion())
    write("tail-test.json", tail_test())
    write("detection-power.json", detection_power())
    write("change-point.json", change_points())
    print("wrote dispersion.json tail-test.json detection-power.json change-point.json")
