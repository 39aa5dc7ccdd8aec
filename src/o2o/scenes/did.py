"""Difference in differences and A/B comparisons with confidence intervals (numpy only).

``did(panel, outcome=..., unit=..., time=..., treated=..., post=...)`` fits the two-way fixed
effects model ``y_it = a_i + g_t + b * treated_i * post_t + e_it`` (``y = log(outcome)`` with
``log=True``, so ``b`` is a log change and ``exp(b) - 1`` the relative effect) and gives a
confidence interval from standard errors clustered by unit (a store's days are not independent).
``ab_test(df, outcome=..., group=..., treatment=..., control=...)`` compares two groups' means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError


@dataclass(frozen=True)
class DIDResult:
    """An effect estimate with its confidence interval.

    With ``log=True`` the estimate is a log change; ``pct`` / ``pct_low`` / ``pct_high`` give it as a
    relative change (``exp(x) - 1``).
    """

    estimate: float
    ci_low: float
    ci_high: float
    se: float
    n: int
    n_clusters: int
    level: float = 0.95
    log: bool = False
    dropped: int = 0

    @property
    def pct(self) -> float:
        return math.expm1(self.estimate) if self.log else float("nan")

    @property
    def pct_low(self) -> float:
        return math.expm1(self.ci_low) if self.log else float("nan")

    @property
    def pct_high(self) -> float:
        return math.expm1(self.ci_high) if self.log else float("nan")

    def contains(self, value: float) -> bool:
        """True when ``value`` lies inside the confidence interval."""
        return self.ci_low <= value <= self.ci_high

    def summary(self, lang: str = "zh") -> str:
        lv = f"{self.level:.0%}"
        if self.log:
            if lang == "en":
                return (f"Effect {self.pct:+.1%} ({lv} CI {self.pct_low:+.1%} to {self.pct_high:+.1%}), "
                        f"{self.n:,} rows, {self.n_clusters} clusters.")
            return f"效果 {self.pct:+.1%}({lv} 置信区间 {self.pct_low:+.1%} 至 {self.pct_high:+.1%}),{self.n:,} 行,{self.n_clusters} 个聚类。"
        if lang == "en":
            return (f"Effect {self.estimate:+,.3g} ({lv} CI {self.ci_low:+,.3g} to {self.ci_high:+,.3g}), "
                    f"{self.n:,} rows, {self.n_clusters} clusters.")
        return (f"效果 {self.estimate:+,.3g}({lv} 置信区间 {self.ci_low:+,.3g} 至 {self.ci_high:+,.3g}),"
                f"{self.n:,} 行,{self.n_clusters} 个聚类。")


@dataclass(frozen=True)
class ABResult(DIDResult):
    """An A/B difference (treatment minus control) with the two groups' means."""

    mean_treatment: float = float("nan")
    mean_control: float = float("nan")


def _norm_ppf(p: float) -> float:
    """Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9 after one Newton step)."""
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
         -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
         -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
         4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    lo = 0.02425
    if p < lo:
        q = math.sqrt(-2 * math.log(p))
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    elif p > 1 - lo:
        return -_norm_ppf(1 - p)
    else:
        q = p - 0.5
        r = q * q
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    e = 0.5 * math.erfc(-x / math.sqrt(2)) - p
    u = e * math.sqrt(2 * math.pi) * math.exp(x * x / 2)
    return x - u / (1 + x * u / 2)


def t_ppf(p: float, df: float) -> float:
    """Quantile of Student's t (Cornish-Fisher expansion around the normal; exact enough for CIs, df >= 3)."""
    z = _norm_ppf(p)
    if not math.isfinite(df) or df > 1e6:
        return z
    v = max(df, 1.0)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / v + g2 / v**2 + g3 / v**3 + g4 / v**4


def _codes(s: pd.Series) -> tuple[np.ndarray, int]:
    codes, uniq = pd.factorize(s, sort=True)
    return codes.astype(np.int64), len(uniq)


def _demean_two_way(y: np.ndarray, a: np.ndarray, na: int, b: np.ndarray, nb: int,
                    tol: float = 1e-12, max_iter: int = 500) -> np.ndarray:
    """Remove unit and time means (alternating projections; exact in one pass for a balanced panel)."""
    r = y.astype(float).copy()
    ca = np.maximum(np.bincount(a, minlength=na), 1)
    cb = np.maximum(np.bincount(b, minlength=nb), 1)
    scale = max(float(np.abs(r).max()) if len(r) else 0.0, 1.0)
    for _ in range(max_iter):
        r -= (np.bincount(a, r, na) / ca)[a]
        step = (np.bincount(b, r, nb) / cb)[b]
        r -= step
        if float(np.abs(step).max(initial=0.0)) < tol * scale:
            break
    return r


def _check_columns(df: pd.DataFrame, cols: dict[str, str | None]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise DataError("需要一个 DataFrame(表格)。", "A DataFrame (table) is needed.")
    missing = [c for c in cols.values() if c is not None and c not in df.columns]
    if missing:
        raise DataError(f"表格缺少列:{', '.join(missing)}。现有列:{', '.join(map(str, df.columns[:12]))}。",
                        f"The table lacks column(s) {', '.join(missing)}. It has: {', '.join(map(str, df.columns[:12]))}.")


def _prepare_y(df: pd.DataFrame, outcome: str, log: bool) -> tuple[np.ndarray, np.ndarray, int]:
    y = pd.to_numeric(df[outcome], errors="coerce").to_numpy(dtype=float)
    keep = np.isfinite(y)
    if log:
        keep &= y > 0
    dropped = int((~keep).sum())
    if log:
        y = np.log(np.where(keep, y, 1.0))
    return y, keep, dropped


def _bool(df: pd.DataFrame, col: str) -> np.ndarray:
    v = df[col]
    if v.dtype == bool:
        return v.to_numpy()
    num = pd.to_numeric(v, errors="coerce")
    if num.notna().all() and set(np.unique(num)) <= {0, 1}:
        return num.to_numpy().astype(bool)
    raise DataError(f"列 {col} 应该是 True/False(或 0/1)。", f"Column {col} must be True/False (or 0/1).")


def _cluster_se(x: np.ndarray, e: np.ndarray, sxx: float, groups: np.ndarray | None) -> tuple[float, int]:
    n = len(x)
    if groups is None:
        var = float(np.sum((x * e) ** 2)) / sxx**2 * n / max(n - 2, 1)
        return math.sqrt(max(var, 0.0)), n
    g, ng = _codes(pd.Series(groups))
    score = np.bincount(g, x * e, ng)
    corr = ng / max(ng - 1, 1) * (n - 1) / max(n - 2, 1)
    var = float(np.sum(score**2)) / sxx**2 * corr
    return math.sqrt(max(var, 0.0)), ng


def did(panel_df: pd.DataFrame, outcome: str = "sales_yuan", unit: str = "store_id", time: str = "date",
        treated: str = "treated", post: str = "post", log: bool = True, cluster: str | None = "store_id",
        level: float = 0.95) -> DIDResult:
    """Difference-in-differences with unit and time fixed effects and cluster-robust confidence intervals.

    ``treated`` marks the units that got the treatment (e.g. pilot stores), ``post`` the periods after
    it started. Rows with a missing outcome (or, with ``log=True``, an outcome <= 0, e.g. a closed
    day) are dropped and counted in ``dropped``. Clustering defaults to the unit.
    """
    _check_columns(panel_df, {"outcome": outcome, "unit": unit, "time": time, "treated": treated, "post": post,
                              "cluster": cluster})
    y, keep, dropped = _prepare_y(panel_df, outcome, log)
    d = (_bool(panel_df, treated) & _bool(panel_df, post)).astype(float)
    df = panel_df.loc[keep]
    y, d = y[keep], d[keep]
    if len(y) < 4 or d.min(initial=0) == d.max(initial=0):
        raise DataError("数据里没有同时包含处理组和对照组、处理前和处理后的观测,无法做双重差分。",
                        "The data lacks treated and untreated units before and after: no difference in differences.")
    a, na = _codes(df[unit])
    b, nb = _codes(df[time])
    yt = _demean_two_way(y, a, na, b, nb)
    dt = _demean_two_way(d, a, na, b, nb)
    sxx = float(dt @ dt)
    if sxx <= 1e-12:
        raise DataError("处理变量被固定效应完全吸收(例如所有单位同时被处理)。", "The treatment is absorbed by the fixed effects.")
    beta = float(dt @ yt) / sxx
    e = yt - beta * dt
    se, ng = _cluster_se(dt, e, sxx, df[cluster].to_numpy() if cluster else None)
    tq = t_ppf(0.5 + level / 2, (ng - 1) if cluster else (len(y) - 2))
    return DIDResult(beta, beta - tq * se, beta + tq * se, se, int(len(y)), int(ng), level, log, dropped)


def ab_test(df: pd.DataFrame, outcome: str, group: str, treatment: object = True, control: object = False,
            cluster: str | None = None, log: bool = False, level: float = 0.95) -> ABResult:
    """Difference of means (treatment - control) with a robust CI (clustered when ``cluster`` is given)."""
    _check_columns(df, {"outcome": outcome, "group": group, "cluster": cluster})
    sel = df[group].isin([treatment, control]).to_numpy()
    sub = df.loc[sel]
    y, keep, dropped = _prepare_y(sub, outcome, log)
    sub = sub.loc[keep]
    y = y[keep]
    t = (sub[group] == treatment).to_numpy().astype(float)
    if t.sum() == 0 or (1 - t).sum() == 0:
        raise DataError(f"列 {group} 中需要同时有处理组「{treatment}」和对照组「{control}」。",
                        f"Column {group} must contain both the treatment '{treatment}' and the control '{control}'.")
    mt, mc = float(y[t == 1].mean()), float(y[t == 0].mean())
    xc = t - t.mean()
    sxx = float(xc @ xc)
    beta = mt - mc
    e = y - np.where(t == 1, mt, mc)
    se, ng = _cluster_se(xc, e, sxx, sub[cluster].to_numpy() if cluster else None)
    tq = t_ppf(0.5 + level / 2, (ng - 1) if cluster else (len(y) - 2))
    return ABResult(beta, beta - tq * se, beta + tq * se, se, int(len(y)), int(ng), level, log, dropped,
                    mean_treatment=mt, mean_control=mc)


def pilot_panel(ds, outcome: str = "sales_yuan") -> pd.DataFrame:
    """The pilot's panel: 试点 and 对照 stores, every day, with ``treated`` and ``post`` columns."""
    stores = ds.stores[["store_id", "pilot_group"]]
    grp = stores[stores["pilot_group"].isin(["试点", "对照"])]
    daily = ds.daily_sales[["store_id", "date", outcome]].merge(grp, on="store_id")
    start = pd.Timestamp(ds.meta.get("pilot_truth", {}).get("start", "2015-08-01"))
    daily["treated"] = daily["pilot_group"] == "试点"
    daily["post"] = pd.to_datetime(daily["date"]) >= start
    return daily


__all__ = ["did", "ab_test", "DIDResult", "ABResult", "pilot_panel", "t_ppf"]
