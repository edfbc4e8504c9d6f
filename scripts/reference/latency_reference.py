"""
Reference values for the latency statistics of the sequential engine (log-shift.ts, quantile-ratio.ts); writes
test/fixtures/stats/latency-sequential.json. numpy and scipy only; deterministic output.

- log-scale Hodges–Lehmann: the median of ALL pairwise log differences (brute force, weighted by count products).
  Exact interval (both samples < 50, untied): R's rule, order statistics at qwilcox(alpha/2), with the null distribution
  of U by the classic counting recursion, checked against scipy.stats.mannwhitneyu(method="exact").
  Tied histograms: the interval by inverting scipy.stats.mannwhitneyu (asymptotic, continuity correction) on the
  expanded data, probed at the midpoints between neighbouring distinct differences (exact integer bucket arithmetic).
- quantile intervals: ranks from scipy.stats.binom by exhaustive search over all ranks; bounds from the bucket edges.
"""
import json
import math
from pathlib import Path

import numpy as np
from scipy import stats

FLOOR_MS, GROWTH, BUCKETS = 0.01, 1.05, 512
LOG_G = math.log(GROWTH)
OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "stats" / "latency-sequential.json"


def bucket_value(b):
    return FLOOR_MS if b <= 0 else FLOOR_MS * GROWTH ** (b - 0.5)


def lower_edge(b):
    return 0.0 if b <= 0 else FLOOR_MS * GROWTH ** (b - 1)


def upper_edge(b):
    return math.inf if b >= BUCKETS - 1 else FLOOR_MS * GROWTH ** b


def u_null_cdf(m, n):
    """P(U <= u) for u = 0..m*n under H0, by the counting recursion f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u)."""
    f = {}
    def count(a, b):
        if (a, b) in f:
            return f[(a, b)]
        if a == 0 or b == 0:
            res = np.zeros(a * b + 1); res[0] = 1.0
        else:
            res = np.zeros(a * b + 1)
            left = count(a - 1, b); res[b:b + len(left)] += left
            right = count(a, b - 1); res[:len(right)] += right
        f[(a, b)] = res
        return res
    c = count(m, n)
    return np.cumsum(c) / c.sum()


def exact_case(name, seed, nb, nc, ratio, conf):
    rng = np.random.default_rng(seed)
    base = np.round(np.exp(rng.normal(math.log(80), 0.4, nb)), 6)
    cand = np.round(np.exp(rng.normal(math.log(80 * ratio), 0.4, nc)), 6)
    lx, ly = np.log(cand), np.log(base)
    diffs = np.sort((lx[:, None] - ly[None, :]).ravel())
    cdf = u_null_cdf(nc, nb)
    # the recursion agrees with scipy's exact distribution
    u_obs = stats.mannwhitneyu(cand, base, method="exact").statistic
    assert abs(cdf[int(u_obs)] - stats.mannwhitneyu(cand, base, method="exact", alternative="less").pvalue) < 1e-12
    alpha = 1 - conf
    qu = max(1, int(np.searchsorted(cdf, alpha / 2 - 1e-15)))   # qwilcox: smallest q with P(U <= q) >= alpha/2
    mn = nb * nc
    return dict(name=name, kind="raw", baseline=base.tolist(), candidate=cand.tolist(), confidence=conf,
                expected=dict(logShift=float(np.median(diffs)), logLow=float(diffs[qu - 1]), logHigh=float(diffs[mn - qu])))


def histogram_case(name, seed, nb, nc, ratio, conf, median_ms=80.0, sd=0.5):
    rng = np.random.default_rng(seed)
    def hist(n, med):
        b = np.ceil(np.log(np.exp(rng.normal(math.log(med), sd, n)) / FLOOR_MS) / LOG_G).astype(int)
        return np.bincount(np.clip(b, 0, BUCKETS - 1), minlength=BUCKETS)
    hb, hc = hist(nb, median_ms), hist(nc, median_ms * ratio)
    xb = np.repeat(np.arange(BUCKETS), hb); xc = np.repeat(np.arange(BUCKETS), hc)
    # all pairwise differences in whole buckets, weighted by count products
    ib, ic = np.nonzero(hb)[0], np.nonzero(hc)[0]
    d = (ic[:, None] - ib[None, :]).ravel(); w = (hc[ic][:, None] * hb[ib][None, :]).ravel().astype(float)
    order = np.argsort(d, kind="stable"); d, w = d[order], w[order]
    cum = np.cumsum(w); half = cum[-1] / 2
    i = int(np.searchsorted(cum, half))
    med = float(d[i]) if cum[i] > half else (float(d[i]) + float(d[np.searchsorted(d, d[i], side="right")])) / 2
    distinct = np.unique(d)
    def accepted(shift):
        return stats.mannwhitneyu(xc - shift, xb, alternative="two-sided", method="asymptotic", use_continuity=True).pvalue > 1 - conf
    mids = (distinct[:-1] + distinct[1:]) / 2
    ok = np.array([accepted(s) for s in mids])
    first, last = int(np.argmax(ok)), len(ok) - 1 - int(np.argmax(ok[::-1]))
    assert ok[first:last + 1].all()
    return dict(name=name, kind="histogram", baseline={str(b): int(hb[b]) for b in ib}, candidate={str(b): int(hc[b]) for b in ic},
                confidence=conf, expected=dict(logShift=med * LOG_G, logLow=float(distinct[first]) * LOG_G, logHigh=float(distinct[last + 1]) * LOG_G))


def ranks(n, q, conf):
    tail = (1 - conf) / 2
    k = np.arange(0, n + 2)
    cdf_below = np.where(k >= 1, stats.binom.cdf(k - 1, n, q), 0.0)       # P(B <= r - 1)
    r = int(k[(cdf_below <= tail) & (k <= n)].max())
    sf_at = stats.binom.sf(k - 1, n, q)                                     # P(B >= s)
    s = int(k[(sf_at <= tail) & (k >= 1)].min())
    return r, s


def quantile_case(name, counts, q, conf):
    h = np.zeros(BUCKETS, dtype=int)
    for b, c in counts.items():
        h[int(b)] = c
    n = int(h.sum()); cum = np.cumsum(h)
    r, s = ranks(n, q, conf)
    at = lambda k: int(np.searchsorted(cum, k))                             # bucket of the k-th smallest
    target = q * n; b = int(np.searchsorted(cum, target - 1e-9)); below = cum[b] - h[b]
    value = lower_edge(b) * GROWTH ** min(1, max(0, (target - below) / h[b]))
    return dict(name=name, counts=counts, q=q, confidence=conf,
                expected=dict(rankLow=r, rankHigh=s, value=value, low=0.0 if r == 0 else lower_edge(at(r)),
                              high="Infinity" if s > n else upper_edge(at(s))))


def main():
    shift_cases = [
        exact_case("raw 12 vs 9, candidate x1.3 (exact)", 1, 12, 9, 1.3, 0.95),
        exact_case("raw 30 vs 25, unchanged (exact, 90 %)", 2, 30, 25, 1.0, 0.90),
        exact_case("raw 7 vs 11, candidate x0.8 (exact, 99 %)", 3, 7, 11, 0.8, 0.99),
        histogram_case("histogram 400 vs 250, all x1.25", 4, 400, 250, 1.25, 0.95),
        histogram_case("histogram 900 vs 600, unchanged, wide", 5, 900, 600, 1.0, 0.95, sd=0.9),
        histogram_case("histogram 150 vs 80, x1.1 (99 %)", 6, 150, 80, 1.1, 0.99, median_ms=12.0),
    ]
    rank_cases = [dict(n=n, q=q, confidence=c, rankLow=ranks(n, q, c)[0], rankHigh=ranks(n, q, c)[1])
                  for n, q, c in [(20, 0.95, 0.95), (59, 0.95, 0.95), (100, 0.95, 0.95), (1000, 0.95, 0.975),
                                  (60000, 0.95, 0.95), (250, 0.5, 0.95), (7, 0.5, 0.9), (3000, 0.99, 0.99)]]
    rng = np.random.default_rng(7)
    b = np.ceil(np.log(np.exp(rng.normal(math.log(120), 0.6, 2000)) / FLOOR_MS) / LOG_G).astype(int)
    counts = {str(k): int(v) for k, v in enumerate(np.bincount(b)) if v > 0}
    quantile_cases = [quantile_case("lognormal 2000, p95", counts, 0.95, 0.95),
                      quantile_case("lognormal 2000, median", counts, 0.5, 0.99),
                      quantile_case("ten requests, p95 (no upper bound)", {"200": 6, "210": 3, "230": 1}, 0.95, 0.95)]
    OUT.write_text(json.dumps(dict(logShift=shift_cases, ranks=rank_cases, quantiles=quantile_cases), indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
