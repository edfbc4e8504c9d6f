"""Writes test/fixtures/stats/capacity.json: reference values for the capacity regression (src/analysis/capacity/).

Run from the repository root:  python3 scripts/reference/capacity_reference.py   (numpy and scipy only; deterministic)

- coefficients: numpy.linalg.lstsq on the design with an intercept column; SE from s^2 (X'X)^-1, CIs and two-sided
  p-values from scipy.stats.t; R^2, adjusted R^2, residual SD by their textbook formulas (Greene ch. 4);
- collinearity: VIF as the diagonal of the inverse correlation matrix, condition number as sqrt(max/min eigenvalue)
  of the correlation matrix (numpy.linalg.eigvalsh);
- Chow (1960): F from the pooled and the two separate lstsq residual sums, p from scipy.stats.f.sf;
- Huber: IRLS written here independently (weights min(1, k/|r/s|), k = 1.345, s = MAD/0.6745 of the residuals),
  iterated to convergence;
- NAB realTraffic: speed_6005 against occupancy_6005 joined on timestamp (committed in test/fixtures/nab, MIT, see SOURCES.md there).
"""
import csv
import json
import os

import numpy as np
from scipy import stats

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "test", "fixtures", "stats", "capacity.json")
NAB = os.path.join(ROOT, "test", "fixtures", "nab")


def ols(X, y, w=None, confidence=0.95):
    n, p = X.shape
    A = np.column_stack([np.ones(n), X])
    sw = np.ones(n) if w is None else np.sqrt(w)
    beta, *_ = np.linalg.lstsq(A * sw[:, None], y * sw, rcond=None)
    resid = y - A @ beta
    wts = np.ones(n) if w is None else w
    rss = float(np.sum(wts * resid**2))
    df = n - p - 1
    s2 = rss / df
    cov = s2 * np.linalg.inv((A * wts[:, None]).T @ A)
    se = np.sqrt(np.diag(cov))
    tcrit = stats.t.ppf(1 - (1 - confidence) / 2, df)
    ybar = np.sum(wts * y) / np.sum(wts)
    syy = float(np.sum(wts * (y - ybar) ** 2))
    r2 = 1 - rss / syy
    corr = np.corrcoef(X, rowvar=False) if w is None else None
    out = {
        "coefficients": beta.tolist(),
        "se": se.tolist(),
        "ci_low": (beta - tcrit * se).tolist(),
        "ci_high": (beta + tcrit * se).tolist(),
        "p_value": (2 * stats.t.sf(np.abs(beta / se), df)).tolist(),
        "r2": r2,
        "adj_r2": 1 - (1 - r2) * (n - 1) / df,
        "residual_sd": float(np.sqrt(s2)),
        "rss": rss,
        "df": df,
    }
    if corr is not None and p > 1:
        eig = np.linalg.eigvalsh(corr)
        out["vif"] = np.diag(np.linalg.inv(corr)).tolist()
        out["condition_number"] = float(np.sqrt(eig.max() / eig.min()))
    return out, resid


def huber(X, y, k=1.345):
    fit, resid = ols(X, y)
    prev = np.array(fit["coefficients"])
    for _ in range(200):
        s = np.median(np.abs(resid)) / 0.6744897501960817
        u = np.abs(resid) / s
        w = np.where(u <= k, 1.0, k / np.maximum(u, 1e-300))
        fit, resid = ols(X, y, w)
        cur = np.array(fit["coefficients"])
        if np.max(np.abs(cur - prev)) < 1e-12:
            break
        prev = cur
    return fit


def chow(X1, y1, X2, y2):
    k = X1.shape[1] + 1
    r1 = ols(X1, y1)[0]["rss"]
    r2 = ols(X2, y2)[0]["rss"]
    rp = ols(np.vstack([X1, X2]), np.concatenate([y1, y2]))[0]["rss"]
    df2 = len(y1) + len(y2) - 2 * k
    f = ((rp - r1 - r2) / k) / ((r1 + r2) / df2)
    return {"f": f, "df1": k, "df2": df2, "p_value": float(stats.f.sf(f, k, df2))}


def bank(rng, n, closed_cost=0.267, noise=1.5):
    phase = np.arange(n) / 288 * 2 * np.pi
    opened = rng.poisson(60 * (1 + 0.7 * np.sin(phase - 1.9))).astype(float)
    closed = rng.poisson(40 * (1 + 0.6 * np.sin(phase - 2.9))).astype(float)
    cpu = np.round(0.005 + 0.145 * opened + closed_cost * closed + noise * rng.standard_normal(n), 4)
    return np.column_stack([opened, closed]), cpu


def case(name, X, y, names, **extra):
    fit, _ = ols(X, y)
    return {"name": name, "names": names, "x": X.T.tolist(), "y": y.tolist(), "ols": fit, **extra}


def read_nab(name):
    with open(os.path.join(NAB, name)) as fh:
        return {r["timestamp"]: float(r["value"]) for r in csv.DictReader(fh)}


def main():
    rng = np.random.default_rng(20261121)
    cases = []
    X, y = bank(rng, 300)
    cases.append(case("bank", X, y, ["accounts_opened", "accounts_closed"]))

    base = rng.poisson(50, size=(120, 2)).astype(float)
    third = base[:, 0] + base[:, 1] + rng.normal(0, 0.5, 120)
    Xc = np.column_stack([base, third])
    yc = np.round(1 + Xc @ np.array([0.1, 0.2, 0.05]) + rng.normal(0, 1, 120), 4)
    cases.append(case("collinear", Xc, yc, ["orders", "refunds", "api_calls"]))

    Xo, yo = bank(rng, 200)
    yo[::17] += 40  # outliers: one minute in 17 a CPU spike unrelated to volume
    c = case("outliers", Xo, yo, ["accounts_opened", "accounts_closed"])
    c["huber"] = huber(Xo, yo)
    cases.append(c)

    X1, y1 = bank(rng, 150)
    X2, y2 = bank(rng, 150, closed_cost=0.267 * 1.3)
    chow_case = {"name": "release", "names": ["accounts_opened", "accounts_closed"],
                 "before": {"x": X1.T.tolist(), "y": y1.tolist(), "ols": ols(X1, y1)[0]},
                 "after": {"x": X2.T.tolist(), "y": y2.tolist(), "ols": ols(X2, y2)[0]},
                 "chow": chow(X1, y1, X2, y2)}

    occ, speed = read_nab("occupancy_6005.csv"), read_nab("speed_6005.csv")
    stamps = sorted(set(occ) & set(speed))
    Xn = np.array([[occ[t]] for t in stamps])
    yn = np.array([speed[t] for t in stamps])
    nab = {"files": ["occupancy_6005.csv", "speed_6005.csv"], "n": len(stamps), "ols": ols(Xn, yn)[0], "huber": huber(Xn, yn)}

    with open(OUT, "w") as fh:
        json.dump({"cases": cases, "chow": chow_case, "nab": nab}, fh, indent=1, allow_nan=False)
        fh.write("\n")


main()
