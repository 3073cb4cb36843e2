"""Randomisation inference for one or two treated units: placebo-in-space permutation.

With one or two treated units a cluster-robust or wild-bootstrap interval has to pretend it
knows how the effect's estimate would spread, which it cannot learn from one treated cluster
(Conley & Taber 2011; MacKinnon & Webb 2018). :func:`placebo_in_space` instead compares the
actual two-way fixed-effects difference-in-differences with the same estimate for every other
way of handing the treatment to the same number of units (Abadie, Diamond & Hainmueller 2010):
estimate, p-value and interval all come from that one permutation distribution.

All placebo estimates come from one small linear-algebra step rather than one regression per
placebo: by Frisch-Waugh-Lovell the coefficient of ``treated x post`` for an assignment ``S`` is
``s'u / s'Gs``, where ``G`` and ``u`` are the unit-by-unit cross-products of the per-unit
``post`` columns after the unit and period fixed effects are partialled out. ``G`` and ``u``
are built from unit x period aggregates (N x T matrices), so unbalanced panels get the exact
OLS within estimator too.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from research import defaults
from research.checks import check_ci
from research.errors import DataError
from research.evaluation.did import require_post_period

#: Default cap on the number of assignments; above it a seeded random sample is drawn.
MAX_PLACEBOS = 5000
_CHUNK = 256


def _as_list(treated_units: Sequence[Hashable] | Hashable) -> list[Hashable]:
    if isinstance(treated_units, str | bytes) or not np.iterable(treated_units):
        return [treated_units]
    return list(dict.fromkeys(treated_units))


def _match_units(wanted: list[Hashable], units: pd.Index, unit: str, everything: pd.Series) -> list[int]:
    """Positions of the treated units in *units*; a study.yml string may name an integer unit."""
    by_text: dict[str, list[int]] = {}
    for position, label in enumerate(units):
        by_text.setdefault(str(label), []).append(position)
    found, missing = [], []
    for label in wanted:
        if label in units:
            found.append(int(units.get_loc(label)))
        elif len(by_text.get(str(label), [])) == 1:
            found.append(by_text[str(label)][0])
        else:
            missing.append(label)
    empty = [label for label in missing if (everything.astype(str) == str(label)).any()]
    if empty:
        raise DataError(
            "A treated unit has no outcome values",
            column=unit,
            value=empty[0],
            hint="Fill in the outcome of the treated unit(s).",
        )
    if missing:
        shown = ", ".join(map(repr, missing))
        examples = ", ".join(map(repr, list(units[:8])))
        raise DataError(
            f"Treated unit(s) not in the data: {shown}",
            column=unit,
            value=missing[0] if len(missing) == 1 else missing,
            hint=f"Use the labels of the {unit!r} column exactly (e.g. {examples}).",
        )
    return sorted(set(found))


def _refuse_first(values: pd.Series, bad: np.ndarray, message: str, column: str, hint: str) -> None:
    """Raise a DataError naming the first row of *values* where *bad* holds (none: return)."""
    if bad.any():
        first = int(np.argmax(bad))
        raise DataError(message, row=first + 2, column=column, value=values.iloc[first], hint=hint)


def _prepare(
    frame: pd.DataFrame, outcome: str, unit: str, time: str, post: str
) -> tuple[pd.DataFrame, pd.Index, pd.Index]:
    """Check and clean the panel: rows with a missing outcome are dropped, the rest must be whole."""
    for column in (outcome, unit, time, post):
        if column not in frame.columns:
            raise DataError("Column not in the data", column=column, hint=f"Columns: {list(frame.columns)}")
    data = frame[[outcome, unit, time, post]].copy()
    data.columns = ["y", "unit", "time", "post"]
    for column, name in (("unit", unit), ("time", time), ("post", post)):
        empty = data[column].isna().to_numpy()
        if empty.any():
            raise DataError(
                "Missing value", row=int(np.argmax(empty)) + 2, column=name, hint="Fill in every row."
            )
    if not pd.api.types.is_numeric_dtype(data["y"]) or pd.api.types.is_bool_dtype(data["y"]):
        numeric = pd.to_numeric(data["y"], errors="coerce")
        bad = (numeric.isna() & data["y"].notna()).to_numpy()
        _refuse_first(
            data["y"], bad, "The outcome is not numeric", outcome, "Use a number per unit and period."
        )
        data["y"] = numeric.astype(float)
    _refuse_first(
        data["post"],
        ~data["post"].isin([0, 1, True, False]).to_numpy(),
        "Expected a 0/1 indicator",
        post,
        "Code 1 for periods from the intervention on, 0 before.",
    )
    data["post"] = data["post"].astype(int)
    mixed = data.groupby("time", sort=False)["post"].nunique()
    if (mixed > 1).any():
        raise DataError(
            "The post indicator differs between units in the same period",
            column=post,
            value=mixed.index[mixed.to_numpy() > 1][0],
            hint="Placebo-in-space inference needs one intervention date for all units.",
        )
    duplicated = data.duplicated(["unit", "time"]).to_numpy()
    if duplicated.any():
        row = int(np.argmax(duplicated))
        raise DataError(
            "More than one row for the same unit and period",
            row=row + 2,
            column=f"{unit}, {time}",
            value=(data["unit"].iloc[row], data["time"].iloc[row]),
            hint="Aggregate to one value per unit and period first.",
        )
    data = data[data["y"].notna()]
    if not (data["post"] == 0).any():
        raise DataError(
            "No pre-intervention period: no before/after comparison is possible",
            column=post,
            hint="Add periods before the intervention (post = 0).",
        )
    require_post_period(data["post"], post)
    units = pd.Index(pd.unique(data["unit"]))
    times = pd.Index(pd.unique(data["time"]))
    return data, units, times


def _cross_products(data: pd.DataFrame, units: pd.Index, times: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """``G = C'MC`` and ``u = C'My`` for the per-unit post columns ``C`` (``M``: two-way FE residualiser).

    ``M = M_U - M_U T (T'M_U T)^+ T'M_U`` with ``M_U`` the within-unit demeaning and ``T`` the
    period dummies; every product is a unit x period aggregate, so no n x N matrix is formed.
    """
    i = units.get_indexer(data["unit"])
    t = times.get_indexer(data["time"])
    n_units, n_times = len(units), len(times)
    observed = np.zeros((n_units, n_times))
    observed[i, t] = 1.0
    values = np.zeros((n_units, n_times))
    values[i, t] = data["y"].to_numpy(dtype=float)
    p = np.zeros(n_times)
    p[t] = data["post"].to_numpy(dtype=float)
    n_i = observed.sum(axis=1)
    y_bar = values.sum(axis=1) / n_i
    p_bar = observed @ p / n_i
    demeaned = observed * (values - y_bar[:, None])  # M_U y on observed cells
    d = (observed @ p) * (1.0 - p_bar)  # diag of C'M_U C
    b = observed * (p[None, :] - p_bar[:, None])  # C'M_U T
    q = np.diag(observed.sum(axis=0)) - observed.T @ (observed / n_i[:, None])  # T'M_U T
    c = (demeaned * p[None, :]).sum(axis=1)  # C'M_U y
    e = demeaned.sum(axis=0)  # T'M_U y
    solved = np.linalg.pinv(q, hermitian=True) @ np.column_stack([b.T, e])
    g = np.diag(d) - b @ solved[:, :n_units]
    u = c - b @ solved[:, n_units]
    return (g + g.T) / 2, u


def _assignments(
    pool: np.ndarray, actual: tuple[int, ...], max_placebos: int, seed: int | None
) -> tuple[np.ndarray, bool, int]:
    """Index rows of every assignment of ``len(actual)`` units from *pool* (actual first)."""
    k = len(actual)
    total = math.comb(len(pool), k)
    if total <= max_placebos:
        rows = [actual] + [c for c in itertools.combinations(pool.tolist(), k) if c != actual]
        return np.array(rows, dtype=int), True, total
    rng = np.random.default_rng(seed)
    chosen: dict[tuple[int, ...], None] = {actual: None}
    while len(chosen) < max_placebos:
        draw = np.sort(rng.choice(pool, size=(2 * max_placebos, k), replace=True), axis=1)
        for row in map(tuple, draw.tolist()):
            if len(set(row)) == k:
                chosen.setdefault(row, None)
                if len(chosen) == max_placebos:
                    break
    return np.array(list(chosen), dtype=int), False, total


def _p_values(a: np.ndarray, b: np.ndarray, estimate: float, taus: np.ndarray) -> np.ndarray:
    """Share of assignments with ``|a - b tau| >= |estimate - tau|`` at each *tau* (ties count)."""
    out = np.empty(len(taus))
    for start in range(0, len(taus), _CHUNK):
        tau = taus[start : start + _CHUNK, None]
        placebo = np.abs(a[None, :] - b[None, :] * tau)
        actual = np.abs(estimate - tau)
        tol = 1e-10 * (placebo + actual) + 1e-14
        out[start : start + _CHUNK] = (placebo >= actual - tol).mean(axis=1)
    return out


def _invert(a: np.ndarray, b: np.ndarray, estimate: float, alpha: float) -> tuple[float, float, bool]:
    """Bounds of the set of constant effects the permutation test does not reject at *alpha*.

    Under ``H0: effect = tau`` the placebo estimate of assignment ``S`` is ``a_S - b_S tau`` and the
    actual one ``estimate - tau``, so each placebo's comparison flips only at the two roots of
    ``(a_S - b_S tau)^2 = (estimate - tau)^2``; the p-value is a step function between those roots,
    and testing every root and every midpoint finds the accepted set exactly.
    Returns ``(low, high, convex)``; an unbounded side is NaN.
    """
    roots = []
    for denominator, numerator in ((b - 1.0, a - estimate), (b + 1.0, a + estimate)):
        ok = np.abs(denominator) > 1e-12
        roots.append(numerator[ok] / denominator[ok])
    points = np.unique(np.concatenate([*roots, np.array([estimate])]))
    points = points[np.isfinite(points)]
    span = max(points.max() - points.min(), abs(estimate), 1.0)
    grid = np.concatenate([points, (points[1:] + points[:-1]) / 2])
    grid = np.sort(np.concatenate([grid, [points.min() - span, points.max() + span]]))
    accepted = _p_values(a, b, estimate, grid) > alpha
    where = np.flatnonzero(accepted)
    low = np.nan if where[0] == 0 else float(grid[where[0]])
    high = np.nan if where[-1] == len(grid) - 1 else float(grid[where[-1]])
    convex = bool(accepted[where[0] : where[-1] + 1].all())
    return low, high, convex


def placebo_in_space(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    treated_units: Sequence[Hashable] | Hashable,
    post: str,
    ci: float = defaults.CI,
    statistic: Literal["did"] = "did",
    max_placebos: int = MAX_PLACEBOS,
    seed: int | None = defaults.SEED,
) -> pd.DataFrame:
    """Effect of an intervention on one or a few treated units, with randomisation inference.

    The estimate is the two-way fixed-effects difference-in-differences coefficient of
    ``outcome ~ C(unit) + C(time) + treated:post`` (OLS within estimator, exact on unbalanced
    panels; on a balanced panel it is the treated units' post-minus-pre mean change minus that
    of the other units). Inference is the placebo-in-space permutation test (Abadie, Diamond &
    Hainmueller 2010; the randomisation-inference reading of Conley & Taber 2011 and
    MacKinnon & Webb 2020): the treatment is handed in turn to every set of ``n_treated``
    units (each other unit when one unit is treated, every pair when two are), the same
    estimate is recomputed, and the two-sided p-value is the share of all assignments,
    the actual one included, whose ``|placebo|`` is at least ``|estimate|``. No p-value below
    ``p_min = 1 / n_placebos`` is possible. The interval inverts that test under a constant
    additive effect: it holds every effect ``tau`` for which the test on
    ``outcome - tau * treated * post`` gives ``p > 1 - ci``; it is computed exactly (the
    p-value only changes where a placebo's comparison flips). With fewer than ``1 / (1 - ci)``
    assignments no effect can be rejected and the bounds are NaN, said in ``note``.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per unit and period. Rows with a missing outcome are left out.
    outcome : str
        Numeric outcome column.
    unit : str
        Unit column (branch, state, country): the level the treatment was assigned to.
    time : str
        Period column (any labels; only equality matters).
    treated_units : sequence of labels, or one label
        The treated unit(s), as they appear in *unit* (a string also matches an integer label).
    post : str
        0/1 column, 1 from the intervention on; the same in every unit for a given period.
    ci : float
        Confidence level of the inverted interval.
    statistic : {"did"}
        Test statistic: the DiD coefficient itself (the only one offered).
    max_placebos : int
        Enumerate all assignments when there are at most this many, else use a seeded random
        sample of this many (the actual one included).
    seed : int or None
        Seed of that sample.

    Returns
    -------
    DataFrame
        One row: ``estimate, ci_low, ci_high, p_value, n, n_units, n_treated, n_placebos, p_min,
        method, note``. ``n`` is the number of observations (rows) used, ``n_placebos`` the
        number of assignments, ``note`` None or a sentence on what limits the result.
        ``attrs["placebos"]``: one row per assignment with ``unit`` (the label, or a tuple of
        labels with several treated units), ``estimate`` and ``actual`` (True for the real one).

    Raises
    ------
    DataError
        Missing columns or values, treated units not in the data (named), no treated unit, fewer
        than two untreated units with data before and after, no pre- or post-period, a ``post``
        that is not 0/1 or differs between units in one period, duplicate unit-period rows.

    References
    ----------
    Abadie, Diamond & Hainmueller (2010), "Synthetic control methods for comparative case
    studies", JASA 105(490), sec. 2.4 (placebo studies); Conley & Taber (2011), "Inference with
    'difference in differences' with a small number of policy changes", REStat 93(1);
    MacKinnon & Webb (2020), "Randomization inference for difference-in-differences with few
    treated clusters", J. Econometrics 218(2); Cunningham (2021), Causal Inference: The
    Mixtape, ch. 10.

    Examples
    --------
    Twenty sites over eight periods; site 0 improved from period 5 on by 3 points:

    >>> import numpy as np
    >>> import pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> panel = pd.DataFrame([(s, w) for s in range(20) for w in range(8)], columns=["site", "period"])
    >>> panel["post"] = (panel["period"] >= 5).astype(int)
    >>> panel["y"] = panel["site"] + rng.normal(0, 1, len(panel))
    >>> panel.loc[(panel["site"] == 0) & (panel["post"] == 1), "y"] += 3
    >>> res = placebo_in_space(panel, outcome="y", unit="site", time="period",
    ...                        treated_units=[0], post="post")
    >>> int(res.at[0, "n_placebos"]), float(res.at[0, "p_min"]), float(res.at[0, "p_value"])
    (20, 0.05, 0.05)
    >>> bool(res.at[0, "ci_low"] < 3 < res.at[0, "ci_high"])
    True
    """
    if statistic != "did":
        raise DataError("Unknown test statistic", value=statistic, hint="Use statistic='did'.")
    ci = check_ci(ci)
    if max_placebos < 2:
        raise DataError("max_placebos must be at least 2", value=max_placebos)
    wanted = _as_list(treated_units)
    if not wanted:
        raise DataError(
            "No treated unit given", column=unit, hint="Name the improved unit(s) in treated_units."
        )
    panel, units, times = _prepare(data, outcome, unit, time, post)
    treated = _match_units(wanted, units, unit, data[unit])
    g, u = _cross_products(panel, units, times)
    scale = max(float(np.abs(np.diag(g)).max()), 1e-300)
    pool = np.flatnonzero(np.diag(g) > 1e-9 * scale)  # units with data before and after
    lacking = [units[j] for j in treated if j not in set(pool.tolist())]
    if lacking:
        raise DataError(
            "A treated unit has no data before or no data after the intervention",
            column=unit,
            value=lacking[0],
            hint="The effect needs the treated unit's outcome both before and after.",
        )
    controls = [j for j in pool.tolist() if j not in treated]
    if len(controls) < 2:
        raise DataError(
            f"Only {len(controls)} untreated unit(s) with data before and after the intervention",
            column=unit,
            hint="Placebo-in-space inference needs at least two comparison units (with one "
            "treated unit, 19 or more to be able to reach p <= 0.05).",
        )
    actual = tuple(treated)
    rows, enumerated, total = _assignments(pool, actual, max_placebos, seed)
    is_actual = np.isin(np.arange(u.size), actual).astype(float)
    u_s = u[rows].sum(axis=1)
    g_ss = g[rows[:, :, None], rows[:, None, :]].sum(axis=(1, 2))
    g_sa = (g[rows] @ is_actual).sum(axis=1)
    a, b = u_s / g_ss, g_sa / g_ss
    estimate = float(a[0])
    n_placebos = len(rows)
    alpha = 1 - ci
    p_value = float(_p_values(a, b, estimate, np.array([0.0]))[0])
    p_min = 1 / n_placebos
    notes = []
    if p_min > alpha + 1e-12:
        ci_low = ci_high = np.nan
        notes.append(
            f"With {n_placebos} assignments the smallest attainable p-value is {p_min:.3g}, so no "
            f"effect can be rejected at the {ci:.0%} level and the interval is unbounded; it needs "
            f"at least {math.ceil(1 / alpha - 1e-9)} assignments (more comparison units)."
        )
    else:
        ci_low, ci_high, convex = _invert(a, b, estimate, alpha)
        if np.isnan(ci_low) or np.isnan(ci_high):
            notes.append(
                "The interval is unbounded on the side(s) shown as NaN: the placebos "
                "cannot rule out effects that large."
            )
        if not convex:
            notes.append(
                "The effects the test does not reject do not form one interval; the "
                "bounds are its outer limits."
            )
    left_out = len(units) - len(pool)
    if left_out:
        notes.append(
            f"{left_out} unit(s) with no data before or no data after the intervention only help "
            "estimate the period effects; they never receive the placebo treatment."
        )
    k = len(actual)
    what = "units" if k == 1 else f"sets of {k} units" if k > 2 else "pairs of units"
    method = f"placebo-in-space permutation over {len(pool)} units"
    if k > 1:
        method += f" ({'all ' if enumerated else ''}{n_placebos} {what})"
    if not enumerated:
        method = (
            f"placebo-in-space permutation, seeded random sample of {n_placebos} of {total} "
            f"{what} from {len(pool)} units"
        )
    method += " (Abadie et al. 2010); interval by test inversion"
    labels = [units[r[0]] if k == 1 else tuple(units[j] for j in r) for r in rows]
    placebos = pd.DataFrame({"unit": labels, "estimate": a, "actual": np.arange(n_placebos) == 0})
    result = pd.DataFrame(
        [
            {
                "estimate": estimate,
                "ci_low": ci_low,
                "ci_high": ci_high,
                "p_value": p_value,
                "n": len(panel),
                "n_units": len(units),
                "n_treated": k,
                "n_placebos": n_placebos,
                "p_min": p_min,
                "method": method,
                "note": " ".join(notes) or None,
            }
        ]
    )
    result.attrs["placebos"] = placebos
    return result
