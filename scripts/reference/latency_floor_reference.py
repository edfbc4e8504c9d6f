"""Reference for bench/calibration/calibration-jobs.ts: the latency detect-floor release of the boundary calibration.

The benchmark's latency model (bench/accuracy/traffic-model.ts): per host a mixture of a fast log-normal (median m·k_h,
sigma 0.45) and a slow one (3 % of requests, median 4·m·k_h, sigma 0.6), hosts k = 0.95/1/1.05/1.25 evenly loaded.
A tail-only release moves requests to the slow path (share f). For p95 rises r this writes the slow share that gives
the rise and the share of requests beyond the pre-deploy p95 (÷ 0.05), and the rise whose share is 1.5 × 0.05
(the latency signal's detect floor, detect.relative 0.5). Run: python3 scripts/reference/latency_floor_reference.py
"""
import json
from pathlib import Path

import numpy as np
from scipy import optimize, stats

HOSTS = np.array([0.95, 1.0, 1.05, 1.25])
FAST_SIGMA, SLOW_SIGMA, SLOW_RATIO, SLOW_SHARE = 0.45, 0.6, 4.0, 0.03


def cdf(x, f):
    fast = stats.lognorm.cdf(x, s=FAST_SIGMA, scale=HOSTS)
    slow = stats.lognorm.cdf(x, s=SLOW_SIGMA, scale=SLOW_RATIO * HOSTS)
    return float(np.mean((1 - f) * fast + f * slow))


def p95(f):
    return optimize.brentq(lambda x: cdf(x, f) - 0.95, 1e-3, 1e3, xtol=1e-14)


P95_0 = p95(SLOW_SHARE)


def slow_share_for_rise(rise):
    return optimize.brentq(lambda f: p95(f) - (1 + rise) * P95_0, SLOW_SHARE, 0.5, xtol=1e-14)


def exceedance_ratio(rise):
    return (1 - cdf(P95_0, slow_share_for_rise(rise))) / 0.05


rises = [0.05, 0.1, 0.2, 0.25, 0.4]
floor_rise = optimize.brentq(lambda r: exceedance_ratio(r) - 1.5, 1e-6, 1.0, xtol=1e-12)
out = {
    "source": "scipy.stats.lognorm + scipy.optimize.brentq (scripts/reference/latency_floor_reference.py)",
    "p95": P95_0,
    "tail": [{"rise": r, "slowShare": slow_share_for_rise(r), "exceedanceRatio": exceedance_ratio(r)} for r in rises],
    "floor": {"ratio": 1.5, "rise": floor_rise, "slowShare": slow_share_for_rise(floor_rise)},
}
path = Path(__file__).resolve().parents[2] / "test/fixtures/stats/latency-floor.json"
path.write_text(json.dumps(out, indent=2) + "\n")
print(json.dumps(out["floor"]))
