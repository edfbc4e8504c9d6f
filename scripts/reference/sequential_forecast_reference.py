"""
Reference values for src/analysis/sequential/{forecast-baseline,seasonal-profile,aa-wander,group-sequential}.ts:
an independent numpy/scipy implementation of the seasonal forecast (level of the last 7 h x shrunk hour-of-day profile),
the A/A wander tau^2(t) (DerSimonian-Laird moments over origins every 30 min) and one look's z, on a deterministic
integer history that the test rebuilds from the same formula. Writes test/fixtures/stats/sequential-forecast.json.

    python3 scripts/reference/sequential_forecast_reference.py
"""
import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from scipy.stats import norm, poisson

MINUTE, HOUR, DAY = 60_000, 3_600_000, 86_400_000
DAILY = [0, 0, 1, 1, 2, 3, 4, 5, 6, 6, 7, 7, 7, 6, 6, 5, 4, 3, 2, 1, 1, 0, 0, 0]
START = int(datetime(2024, 3, 4, 5, 17, tzinfo=timezone.utc).timestamp() * 1000)
HIST = int(4.5 * 1440)
GAP = 5
CAND = 60
MAX_T = 60


def hour_of_day(ms):
    return (ms // HOUR) % 24


def minute(j, bump=0):
    ms = START + j * MINUTE
    return (j * 104729 + 17) % 7 + DAILY[hour_of_day(ms)] + ((j // 37) * 31) % 9 + bump, 250 + (j * 7919) % 101


history = np.array([minute(j) for j in range(HIST)], dtype=float)
candidate = np.array([minute(HIST + GAP + k, k % 3) for k in range(CAND)], dtype=float)
cand_start = START + (HIST + GAP) * MINUTE


def shrunk_profile(e, n):
    """e, n: (blocks, bins). Per-harmonic Wiener (moment, empirical-Bayes) shrinkage of the log bin ratios, via numpy's FFT."""
    blocks, bins = e.shape
    Ek, Nk = e.sum(0), n.sum(0)
    Eb, Nb = e.sum(1), n.sum(1)
    overall = np.log((Ek.sum() + 0.5) / Nk.sum())
    valid = Nk > 0
    raw = np.zeros(bins)
    raw[valid] = np.log((Ek[valid] + 0.5) / Nk[valid]) - overall
    noises = []
    for k in np.flatnonzero(valid):
        ok = (n[:, k] > 0) & (Nb > 0)
        x = np.log((e[ok, k] + 0.5) / n[ok, k]) - np.log((Eb[ok] + 0.5) / Nb[ok])
        if len(x) >= 2:
            noises.append(np.var(x, ddof=1) / len(x))
    noise = float(np.mean(noises))
    centred = np.where(valid, raw - raw[valid].mean(), 0.0)
    X = np.fft.rfft(centred)
    power = np.abs(X) ** 2 / bins  # an orthonormal coefficient pair's mean power (one coefficient at Nyquist)
    between = np.maximum(0.0, power - noise)
    gain = np.where(between + noise > 0, between / (between + noise), 0.0)
    gain[0] = 0.0
    dims = np.array([0] + [1 if 2 * j == bins else 2 for j in range(1, len(X))])
    kept = float((gain * dims).sum())
    return np.fft.irfft(X * gain, n=bins), noise * kept / bins, kept / (bins - 1)


def fit(series, start, origin):
    """The 'daily' forecaster fitted on series[:origin]."""
    t_origin = start + origin * MINUTE
    first, end = -(-start // HOUR), t_origin // HOUR
    blocks = min(7, (end - first) // 24)
    e = np.zeros((blocks, 24)); n = np.zeros((blocks, 24))
    for b in range(blocks):
        for k in range(24):
            hs = (end - (b + 1) * 24 + k) * HOUR
            a = (hs - start) // MINUTE
            h = hour_of_day(hs)
            e[b, h] = series[a:a + 60, 0].sum(); n[b, h] = series[a:a + 60, 1].sum()
    hour_log, pvar, w = shrunk_profile(e, n)
    frm = max(0, origin - 420)
    js = np.arange(frm, origin)
    fac = np.exp(hour_log[hour_of_day(start + js * MINUTE)])
    weighted = (series[frm:origin, 1] * fac).sum()
    ev = series[frm:origin, 0].sum()
    return dict(level=(ev + 0.5) / weighted, var_log=1 / (ev + 0.5) + pvar, hour_log=hour_log, weight=w, events=ev, profile_var=pvar)


def rate(f, mins, start, count):
    js = np.arange(count)
    fac = np.exp(f["hour_log"][hour_of_day(start + js * MINUTE)])
    return f["level"] * (mins[:count, 1] * fac).sum() / mins[:count, 1].sum()


def supports_daily(origin):
    t_origin = START + origin * MINUTE
    return t_origin // HOUR - (-(-START // HOUR)) >= 48


def count_noise(e, mu):
    # E[log((X + 1/2)/mu)^2], X ~ Poisson(mu), exactly (scipy) below 30 expected events; the observed 1/(e + 1/2) above
    if mu >= 30:
        return 1 / (e + 0.5)
    x = np.arange(0, int(np.ceil(mu + 12 * np.sqrt(mu) + 30)) + 1)
    return float((poisson.pmf(x, mu) * np.log((x + 0.5) / mu) ** 2).sum())


sq = np.zeros(MAX_T); noise = np.zeros(MAX_T); cnt = np.zeros(MAX_T); at30 = []
origin = HIST - 30
while origin > 0 and supports_daily(origin):
    f = fit(history, START, origin)
    for t in range(1, min(MAX_T, HIST - origin) + 1):
        seg = history[origin:origin + t]
        e, n = seg[:, 0].sum(), seg[:, 1].sum()
        fr = rate(f, seg, START + origin * MINUTE, t)
        lr = np.log((e + 0.5) / n) - np.log(fr)
        sq[t - 1] += lr * lr; noise[t - 1] += count_noise(e, fr * n) + f["var_log"]; cnt[t - 1] += 1
        if t == 30:
            at30.append(lr)
    origin -= 30
tau2 = [max(0.0, (sq[i] - noise[i]) / cnt[i]) for i in range(MAX_T)]

f = fit(history, START, HIST)
look = 30
e = candidate[:look, 0].sum(); n = candidate[:look, 1].sum()
fr = rate(f, candidate, cand_start, look)
L = np.log((e + 0.5) / n) - np.log(fr)
V = 1 / (e + 0.5) + f["var_log"] + tau2[look - 1]  # the Wald sd the verdict's interval shows
mu = fr * n
# the fail z: the count's log variance matched to the Poisson signed-root deviance under the forecast's mean
count_var = lambda m: 1 / np.cbrt((e + 0.5) ** 2 * (m + 0.5))
z = L / np.sqrt(count_var(mu) + f["var_log"] + tau2[look - 1])
# the monotone envelope over baseline counts u = u0·e^s (the expected count scales with u) is not active here
u0 = f["events"] + 0.5
rest = f["var_log"] - 1 / u0 + tau2[look - 1]
s_grid = np.linspace(0, max(L, 0), 2001)
z_grid = (L - s_grid) / np.sqrt(rest + 1 / (u0 * np.exp(s_grid)) + count_var(mu * np.exp(s_grid)))
assert z_grid.max() <= z + 1e-12

out = {
    "source": "scripts/reference/sequential_forecast_reference.py (numpy, scipy.stats.norm)",
    "historyStart": START, "historyMinutes": HIST, "gapMinutes": GAP, "candidateMinutes": CAND, "maxMinutes": MAX_T,
    "forecast": {"level": f["level"], "varLog": f["var_log"], "hourLog": f["hour_log"].tolist(), "weight": f["weight"],
                 "rates": {str(t): rate(f, candidate, cand_start, t) for t in (10, 30, 60)}},
    "tau2ByMinutes": tau2, "pairs30": int(cnt[29]), "aaLogRatios30": sorted(float(x) for x in at30),
    "look": {"minutes": look, "events": e, "exposure": n, "forecastRate": fr, "logRatio": L, "sd": float(np.sqrt(V)), "z": z,
             "pOneSided": float(norm.sf(z))},
}
Path(__file__).resolve().parents[2].joinpath("test/fixtures/stats/sequential-forecast.json").write_text(json.dumps(out, indent=1) + "\n")
print("weight", f["weight"], "tau2(30)", tau2[29], "z", z, "pairs", int(cnt[29]))
