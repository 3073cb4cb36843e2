"""Roll-outs in waves (staggered adoption): Callaway & Sant'Anna group-time effects.

When treated units start at different periods and effects differ by wave or grow with exposure,
the plain two-way fixed-effects DiD compares later waves with units already treated and weights
the waves unevenly, even negatively (Goodman-Bacon 2021; de Chaisemartin & D'Haultfoeuille 2020;
Sun & Abraham 2021). :func:`rollout_effects` estimates instead the effect of each wave ``g`` in
each period ``t``, ``ATT(g, t)``, as a 2x2 DiD of the wave against units not (yet) treated, and
aggregates them as the R package ``did`` (Callaway & Sant'Anna 2021) does:

- ``simple``: the average over all post-treatment ``(g, t)``, weighted by wave size;
- ``dynamic``: by event time ``e = t - g`` (an event study without contamination), and their
  average over ``e >= 0``;
- ``group``: per wave (the average over its post-treatment periods), and their size-weighted mean.

This is the unconditional estimator (no covariates), where ``did``'s outcome-regression, IPW and
doubly-robust estimators coincide. Base period as ``did``'s default ``base_period="varying"``:
the period before the wave for ``t >= g``, the previous period for pre-treatment ``t``.
Standard errors are the analytic ones from the influence functions (``bstrap=FALSE`` in ``did``),
including the estimation of the aggregation weights (``did``'s ``wif``); they are clustered by
unit. Intervals are pointwise normal intervals (``did`` prints bootstrap SEs and, for
event-time profiles, simultaneous bands, which are wider).

The panel must be balanced in the outcome (units with a missing period are left out, as
``did`` does by default); units already treated in the first period are left out (no
pre-period).

References
----------
Callaway & Sant'Anna (2021), "Difference-in-Differences with multiple time periods", Journal of
Econometrics 225(2), 200-230; R package ``did`` 2.x, ``att_gt`` and ``aggte``.
Goodman-Bacon (2021), Journal of Econometrics 225(2), 254-277.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from research import defaults
from research.checks import check_ci
from research.errors import DataError

Control = Literal["not_yet_treated", "never_treated"]
CONTROLS = ("not_yet_treated", "never_treated")

_COLUMNS = ["estimate", "se", "ci_low", "ci_high", "p_value"]


@dataclass
class RolloutResult:
    """Group-time effects of a roll-out in waves and their aggregations (see :func:`rollout_effects`)."""

    overall: pd.DataFrame
    event_time: pd.DataFrame
    groups: pd.DataFrame
    group_time: pd.DataFrame
    twfe: pd.DataFrame
    control: str
    n_units: int
    notes: list[str] = field(default_factory=list)
    summaries: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def summary(self) -> pd.DataFrame:
        """The overall effect (the ``simple`` aggregation) as one row.

        Returns
        -------
        DataFrame
            ``estimate, se, ci_low, ci_high, p_value, n, n_units, n_treated_units, n_waves,
            inference``.
        """
        return self.overall.copy()


class GroupTimeEffects(NamedTuple):
    """``ATT(g, t)`` of every wave and period with their influence functions (:func:`group_time_effects`).

    ``table``: one row per estimable cell; ``influence``: the influence functions (units x
    cells); ``wave_positions``: each unit's wave position (inf for never treated); ``notes``:
    sentences on units left out.
    """

    table: pd.DataFrame
    influence: np.ndarray
    wave_positions: np.ndarray
    notes: list[str]


def _wide(df: pd.DataFrame, outcome: str, unit: str, time: str, start: str):
    data = df[[unit, time, outcome, start]].copy()
    if data.duplicated([unit, time]).any():
        row = int(np.flatnonzero(data.duplicated([unit, time]).to_numpy())[0])
        raise DataError(
            "The same unit and period appear in more than one row",
            row=row + 2,
            column=time,
            hint="Keep one row per unit and period (aggregate first).",
        )
    spread = data.groupby(unit)[start].nunique(dropna=False)
    varying = spread.index[(spread > 1).to_numpy()]
    if len(varying):
        raise DataError(
            "The start period changes within a unit",
            column=start,
            value=str(varying[0]),
            hint="Give each unit one start period (the first period with the improvement), in every row; "
            "leave it empty for units that never got it.",
        )
    wide = data.pivot(index=unit, columns=time, values=outcome).sort_index(axis=1)
    first = data.groupby(unit)[start].first().reindex(wide.index)
    return wide, first


def _if_se(inf: np.ndarray, n: int) -> np.ndarray:
    """Standard errors from influence functions (n x k): ``sqrt(sum(psi^2)) / n`` as ``did``."""
    return np.sqrt((inf**2).sum(axis=0)) / n


def _weights_if(groups_of: np.ndarray, unit_group: np.ndarray, pg: np.ndarray) -> np.ndarray:
    """Influence function of estimated size weights ``pg_k / sum(pg)`` (``did``'s ``wif``)."""
    member = (unit_group[:, None] == groups_of[None, :]).astype(float) - pg[None, :]
    total = pg.sum()
    return member / total - member.sum(axis=1, keepdims=True) * (pg / total**2)[None, :]


def _row(estimate: float, inf: np.ndarray, n: int, z: float) -> dict:
    se = float(_if_se(inf[:, None], n)[0])
    return {
        "estimate": float(estimate),
        "se": se,
        "ci_low": float(estimate - z * se),
        "ci_high": float(estimate + z * se),
        "p_value": float(2 * stats.norm.sf(abs(estimate / se))) if se > 0 else np.nan,
    }


def group_time_effects(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    start: str,
    *,
    control: Control = "not_yet_treated",
) -> GroupTimeEffects:
    """``ATT(g, t)`` of every wave and period, with their influence functions.

    Parameters
    ----------
    data : DataFrame
        Panel, one row per unit and period.
    outcome, unit, time : str
        Outcome; unit; period (numbers, dates or anything ordered; consecutive values are
        consecutive periods).
    start : str
        First period with the improvement, on the scale of *time*; missing for units that never
        got it.
    control : {"not_yet_treated", "never_treated"}
        Comparison units for wave ``g`` in period ``t``: units never treated, plus (default)
        units whose start is after both ``t`` and the base period.

    Returns
    -------
    GroupTimeEffects
        ``table``: ``group, time, event_time, estimate, se, ci_low, ci_high, p_value, n_treated,
        n_control`` per estimable cell; ``influence``: the influence functions (units x cells);
        ``wave_positions``: each unit's wave position (inf for never treated); ``notes`` on units
        left out.

    Examples
    --------
    >>> panel = pd.DataFrame({"u": np.repeat([1, 2, 3, 4], 3), "t": np.tile([1, 2, 3], 4),
    ...                       "s": np.repeat([2, 3, np.nan, np.nan], 3),
    ...                       "y": [0, 1, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0]})
    >>> table = group_time_effects(panel, "y", "u", "t", "s").table
    >>> table[["group", "time", "estimate"]].to_dict("records")[:2]
    [{'group': 2, 'time': 2, 'estimate': 1.0}, {'group': 2, 'time': 3, 'estimate': 1.0}]
    """
    if control not in CONTROLS:
        raise DataError("Unknown control group", value=control, hint=f"Use one of {list(CONTROLS)}.")
    missing = [c for c in (outcome, unit, time, start) if c not in data.columns]
    if missing:
        raise DataError("Column not in the data", column=missing[0], hint=f"Columns: {list(data.columns)}")
    wide, first = _wide(data, outcome, unit, time, start)
    notes: list[str] = []
    periods = list(wide.columns)
    position = {p: i for i, p in enumerate(periods)}
    unknown = first.dropna()[~first.dropna().isin(position)]
    if len(unknown):
        raise DataError(
            "A start period is not a period of the series",
            column=start,
            value=str(unknown.iloc[0]),
            hint=f"Use values of the time column ({periods[0]} to {periods[-1]}).",
        )
    complete = wide.notna().all(axis=1)
    if not complete.all():
        notes.append(f"{int((~complete).sum())} unit(s) with a missing period are left out (balanced panel).")
    wide, first = wide[complete], first[complete]
    g_pos = first.map(position).astype(float).fillna(np.inf).to_numpy()
    early = g_pos == 0
    if early.any():
        notes.append(f"{int(early.sum())} unit(s) already treated in the first period are left out.")
        wide, g_pos = wide[~early], g_pos[~early]
    Y = wide.to_numpy(dtype=float)
    n, T = Y.shape
    waves = np.unique(g_pos[np.isfinite(g_pos)]).astype(int)
    if len(waves) == 0:
        raise DataError(
            "No treated units with a pre-period",
            column=start,
            hint="Give the start period of the units that got the improvement.",
        )
    rows, infs = [], []
    z = stats.norm.ppf(0.975)
    for g in waves:
        treated = g_pos == g
        for t in range(1, T):
            base = g - 1 if t >= g else t - 1
            never = np.isinf(g_pos)
            comparison = never if control == "never_treated" else (g_pos > max(t, base)) & ~treated
            if not comparison.any():
                continue
            delta = Y[:, t] - Y[:, base]
            mu1, mu0 = delta[treated].mean(), delta[comparison].mean()
            inf = np.zeros(n)
            inf[treated] = n / treated.sum() * (delta[treated] - mu1)
            inf[comparison] = -n / comparison.sum() * (delta[comparison] - mu0)
            rows.append(
                {
                    "group": periods[g],
                    "time": periods[t],
                    "group_position": g,
                    "time_position": t,
                    "event_time": t - g,
                    **_row(mu1 - mu0, inf, n, z),
                    "n_treated": int(treated.sum()),
                    "n_control": int(comparison.sum()),
                }
            )
            infs.append(inf)
    if not rows:
        raise DataError(
            "No wave has comparison units in any period",
            column=start,
            hint="Keep some units untreated (or treated later) to compare with.",
        )
    return GroupTimeEffects(pd.DataFrame(rows), np.column_stack(infs), g_pos, notes)


def _aggregate(
    att: np.ndarray,
    inf: np.ndarray,
    cells: np.ndarray,
    cell_pos: np.ndarray,
    g_pos: np.ndarray,
    pg: np.ndarray,
    z: float,
) -> tuple[dict, np.ndarray]:
    """Size-weighted mean of the cells *cells* with the weights' estimation effect."""
    weights = pg[cells] / pg[cells].sum()
    psi = inf[:, cells] @ weights + _weights_if(cell_pos[cells], g_pos, pg[cells]) @ att[cells]
    return _row(float(att[cells] @ weights), psi, len(g_pos), z), psi


def rollout_effects(
    data: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    start: str,
    *,
    control: Control = "not_yet_treated",
    ci: float = defaults.CI,
) -> RolloutResult:
    """Effect of an improvement rolled out in waves: Callaway & Sant'Anna, beside two-way FE.

    Parameters
    ----------
    data : DataFrame
        Panel, one row per unit and period.
    outcome, unit, time, start : str
        See :func:`group_time_effects`.
    control : {"not_yet_treated", "never_treated"}
        Comparison units (default: not yet treated, which includes the never treated).
    ci : float
        Confidence level of the pointwise normal intervals.

    Returns
    -------
    RolloutResult
        ``overall`` (one row, the ``simple`` aggregation: ``estimate, se, ci_low, ci_high,
        p_value, n, n_units, n_waves, inference``), ``event_time`` (``event_time, estimate, se,
        ci_low, ci_high, p_value, n_waves``; pre-treatment event times check parallel trends),
        ``groups`` (one row per wave: ``group, estimate, ...``), ``group_time`` (every
        ``ATT(g, t)``), ``twfe`` (the plain two-way fixed-effects estimate, CR1 by unit, for
        comparison) and ``summaries`` (the overall ``simple``, ``dynamic`` and ``group``
        aggregations).

    References
    ----------
    Callaway & Sant'Anna (2021); R package ``did`` (``att_gt``, ``aggte``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> units, weeks = 60, 12
    >>> panel = pd.DataFrame({"u": np.repeat(np.arange(units), weeks), "t": np.tile(np.arange(weeks), units)})
    >>> panel["s"] = panel["u"].map(lambda u: [4, 7, np.nan][u % 3])
    >>> panel["y"] = (panel["t"] >= panel["s"]) * 2.0 + rng.normal(size=len(panel))
    >>> res = rollout_effects(panel, "y", "u", "t", "s")
    >>> bool(res.overall.at[0, "ci_low"] < 2 < res.overall.at[0, "ci_high"])
    True
    """
    from research.evaluation.absorbed import absorbed_ols

    ci = check_ci(ci)
    table, inf, g_pos, notes = group_time_effects(data, outcome, unit, time, start, control=control)
    n = len(g_pos)
    z = float(stats.norm.ppf(1 - (1 - ci) / 2))
    att = table["estimate"].to_numpy()
    cell_g = table["group_position"].to_numpy()
    cell_t = table["time_position"].to_numpy()
    event = table["event_time"].to_numpy()
    sizes = {g: float(np.mean(g_pos == g)) for g in np.unique(cell_g)}
    pg = np.array([sizes[g] for g in cell_g])
    z_table = table.assign(
        **{
            "ci_low": table["estimate"] - z * table["se"],
            "ci_high": table["estimate"] + z * table["se"],
        }
    )
    post = np.flatnonzero(cell_t >= cell_g)
    if len(post) == 0:
        raise DataError(
            "No wave has a post-treatment period with comparison units",
            column=start,
            hint="With not-yet-treated comparisons the last wave needs never-treated units, or "
            "use control='not_yet_treated' with an earlier last wave.",
        )
    simple, _ = _aggregate(att, inf, post, cell_g, g_pos, pg, z)
    # dynamic: by event time, then the mean over e >= 0
    dyn_rows, dyn_psi = [], {}
    for e in np.unique(event):
        cells = np.flatnonzero(event == e)
        row, psi = _aggregate(att, inf, cells, cell_g, g_pos, pg, z)
        dyn_rows.append({"event_time": int(e), **row, "n_waves": len(cells)})
        dyn_psi[int(e)] = psi
    event_time = pd.DataFrame(dyn_rows)
    after = [e for e in dyn_psi if e >= 0]
    dynamic = _row(
        float(event_time.set_index("event_time").loc[after, "estimate"].mean()),
        np.mean([dyn_psi[e] for e in after], axis=0),
        n,
        z,
    )
    # group: mean over each wave's post-treatment periods, then the size-weighted mean of waves
    group_rows, group_psi = [], []
    for g in np.unique(cell_g[post]):
        cells = post[cell_g[post] == g]
        psi = inf[:, cells].mean(axis=1)
        group_rows.append(
            {
                "group": table.loc[cells[0], "group"],
                "group_position": int(g),
                **_row(float(att[cells].mean()), psi, n, z),
                "n_units": int(np.sum(g_pos == g)),
                "n_periods": len(cells),
            }
        )
        group_psi.append(psi)
    groups = pd.DataFrame(group_rows)
    theta = groups["estimate"].to_numpy()
    g_list = groups["group_position"].to_numpy()
    pg_g = np.array([sizes[g] for g in g_list])
    w = pg_g / pg_g.sum()
    psi = np.column_stack(group_psi) @ w + _weights_if(g_list, g_pos, pg_g) @ theta
    group_overall = _row(float(theta @ w), psi, n, z)
    inference = (
        f"Callaway-Sant'Anna group-time effects, {control.replace('_', '-')} comparisons, "
        "influence-function SEs clustered by unit"
    )
    n_treated = int(np.isfinite(g_pos).sum())
    overall = pd.DataFrame(
        [
            {
                **simple,
                "n": int(n * len(data[time].unique())),
                "n_units": n,
                "n_treated_units": n_treated,
                "n_waves": len(groups),
                "inference": inference,
            }
        ]
    )
    summaries = {
        name: pd.DataFrame([row])
        for name, row in (("simple", simple), ("dynamic", dynamic), ("group", group_overall))
    }
    # the plain two-way fixed-effects estimate, for comparison (biased with changing effects)
    observed = data.dropna(subset=[outcome])
    treated_now = (observed[start].notna() & (observed[time] >= observed[start])).to_numpy(dtype=float)
    fit = absorbed_ols(
        observed[outcome].to_numpy(dtype=float),
        treated_now[:, None],
        ["treated_post"],
        observed[[unit, time]],
        cluster=observed[unit].to_numpy(),
        cov_type="cluster",
    )
    low, high = fit.conf_int(ci)[0]
    twfe = pd.DataFrame(
        [
            {
                "estimate": float(fit.params[0]),
                "se": float(fit.bse[0]),
                "ci_low": float(low),
                "ci_high": float(high),
                "p_value": float(fit.pvalues[0]),
                "n": fit.n,
                "n_clusters": fit.n_clusters,
                "inference": f"two-way fixed effects, cluster-robust CR1, t({fit.df_t:.0f})",
            }
        ]
    )
    return RolloutResult(
        overall=overall,
        event_time=event_time,
        groups=groups.drop(columns="group_position"),
        group_time=z_table.drop(columns=["group_position", "time_position"]),
        twfe=twfe,
        control=control,
        n_units=n,
        notes=notes,
        summaries=summaries,
    )


def staggered(data: pd.DataFrame, unit: str, start: str) -> bool:
    """True when the treated units start at more than one period (a roll-out in waves).

    Examples
    --------
    >>> staggered(pd.DataFrame({"u": [1, 2, 3], "s": [5, 7, None]}), "u", "s")
    True
    """
    return data.groupby(unit)[start].first().dropna().nunique() > 1
