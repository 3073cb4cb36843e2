"""Raking survey weights to population margins (iterative proportional fitting).

Raking (Deming & Stephan 1940) adjusts weights one variable at a time until the weighted
sample shares of every variable match the population margins. The fixed point is the
minimum-discrimination-information solution ``w_i = base_i * prod_v f_v(category_i)``, the same
table a Poisson log-linear model with an offset fits (Bishop, Fienberg & Holland 1975, ch. 3);
the tests check exactly that. Weight trimming caps weights inside each sweep, as in ANES
raking (DeBell & Krosnick 2009; the R package ``anesrake``). Design effect and effective n
come from :mod:`research.weighting` (Kish 1965).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from research.errors import DataError
from research.weighting import design_effect, effective_n


@dataclass
class RakeResult:
    """Raked weights and how the fit went.

    Attributes
    ----------
    weights : Series
        One weight per row of the input (same index), scaled to mean 1 (they sum to n).
    iterations : int
        Full sweeps over the variables.
    converged : bool
        Whether every weighted margin is within ``tolerance`` of its target.
    max_margin_error : float
        Largest absolute difference between a weighted share and its target (proportion, 0..1).
    design_effect, n_eff : float
        Kish's design effect of the weights and effective sample size.
    trimmed : int
        Weights capped at a trimming bound in the last sweep.
    margins : DataFrame
        ``variable, category, target, sample_share, weighted_share`` (proportions 0..1).
    """

    weights: pd.Series
    iterations: int
    converged: bool
    max_margin_error: float
    design_effect: float
    n_eff: float
    trimmed: int
    margins: pd.DataFrame = field(repr=False)

    def summary(self) -> pd.DataFrame:
        """The diagnostics as a one-row table.

        Returns
        -------
        DataFrame
            n, n_eff, design effect, iterations, convergence, trimming and the weight range.
        """
        return pd.DataFrame(
            [
                {
                    "n": len(self.weights),
                    "n_eff": self.n_eff,
                    "design_effect": self.design_effect,
                    "iterations": self.iterations,
                    "converged": self.converged,
                    "max_margin_error": self.max_margin_error,
                    "trimmed": self.trimmed,
                    "min_weight": float(self.weights.min()),
                    "max_weight": float(self.weights.max()),
                }
            ]
        )


def margins_table(margins: pd.DataFrame | dict[str, dict[Any, float]]) -> pd.DataFrame:
    """Margins as a tidy ``variable, category, share`` table (accepts the dict form too).

    Parameters
    ----------
    margins : DataFrame or dict
        A ``variable, category, share`` table or ``{variable: {category: share}}``.

    Returns
    -------
    DataFrame
        ``variable, category, share``.

    Examples
    --------
    >>> margins_table({"tier": {"gold": 0.1, "standard": 0.9}})
      variable  category  share
    0     tier      gold    0.1
    1     tier  standard    0.9
    """
    if isinstance(margins, dict):
        rows = [(v, c, s) for v, shares in margins.items() for c, s in shares.items()]
        return pd.DataFrame(rows, columns=["variable", "category", "share"])
    missing = [c for c in ("variable", "category", "share") if c not in margins.columns]
    if missing:
        raise DataError(
            f"Margins table lacks column(s) {missing}",
            hint="Margins need the columns variable, category, share (proportions).",
        )
    return margins[["variable", "category", "share"]].reset_index(drop=True)


def rake(
    data: pd.DataFrame,
    margins: pd.DataFrame | dict[str, dict[Any, float]],
    *,
    variables: list[str] | None = None,
    base_weights: pd.Series | np.ndarray | None = None,
    trim: tuple[float, float] | None = None,
    max_iter: int = 100,
    tolerance: float = 1e-6,
    source: pd.DataFrame | None = None,
) -> RakeResult:
    """Rake weights so that weighted sample shares match population margins.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, with a column per raking variable.
    margins : DataFrame or dict
        Population shares (proportions 0..1): a ``variable, category, share`` table (as in a
        margins.csv) or ``{variable: {category: share}}``. Shares of each variable must sum to 1.
    variables : list of str, optional
        Variables to rake on (default: all in *margins*).
    base_weights : array-like, optional
        Design weights to start from (default 1).
    trim : (low, high), optional
        Cap weights at ``low`` and ``high`` times the mean weight inside every sweep
        (e.g. ``(0.3, 3.0)``). Margins are still met when the caps allow it.
    max_iter : int
        Maximum number of sweeps.
    tolerance : float
        Convergence: every weighted share within this of its target.
    source : DataFrame, optional
        ``file`` and ``row`` per data row, to name them in error messages.

    Returns
    -------
    RakeResult
        Weights (mean 1) and diagnostics.

    Raises
    ------
    DataError
        Missing values in a raking variable, a category with respondents but no margin (or a
        zero share), a margin category without respondents, shares not summing to 1, or no
        convergence within *max_iter* sweeps.

    Examples
    --------
    Six respondents, two thirds women in the sample, half in the population:

    >>> sample = pd.DataFrame({"sex": ["f", "f", "f", "f", "m", "m"]})
    >>> result = rake(sample, {"sex": {"f": 0.5, "m": 0.5}})
    >>> result.weights.round(3).tolist()
    [0.75, 0.75, 0.75, 0.75, 1.5, 1.5]
    >>> round(result.n_eff, 3), result.converged
    (5.333, True)
    """
    table = margins_table(margins)
    variables = list(variables) if variables is not None else list(dict.fromkeys(table["variable"]))
    n = len(data)
    if n == 0:
        raise DataError("Cannot rake an empty sample", hint="Check the wave or filter you selected.")
    weights = np.ones(n) if base_weights is None else np.asarray(base_weights, dtype=float).copy()
    if len(weights) != n or np.isnan(weights).any() or (weights <= 0).any():
        raise DataError("Base weights must be positive, one per respondent", value=len(weights))

    def where(position: int) -> dict[str, Any]:
        if source is None:
            return {"row": position + 2}
        return {"file": source["file"].iloc[position], "row": int(source["row"].iloc[position])}

    codes, targets = [], []
    for variable in variables:
        if variable not in data.columns:
            raise DataError(
                "Raking variable is not a column of the data",
                column=variable,
                hint=f"Columns: {list(data.columns)[:30]}",
            )
        shares = table[table["variable"] == variable]
        if shares.empty:
            raise DataError(
                "No margins for the raking variable",
                column=variable,
                hint="Add its population shares to the margins file.",
            )
        total = shares["share"].sum()
        if abs(total - 1) > 0.01:
            raise DataError(
                "Margin shares do not sum to 1",
                column=variable,
                value=round(float(total), 4),
                hint="Give proportions of the population that sum to 1 per variable.",
            )
        target = dict(zip(shares["category"], shares["share"] / total, strict=True))
        values = data[variable]
        if values.isna().any():
            at = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise DataError(
                "Missing value in a raking variable",
                column=variable,
                **where(at),
                hint="Impute the segment or drop the respondent before raking.",
            )
        unknown = ~values.isin(list(target))
        if unknown.any():
            at = int(np.flatnonzero(unknown.to_numpy())[0])
            raise DataError(
                "Category without a population margin",
                column=variable,
                value=values.iloc[at],
                **where(at),
                hint=f"Margins of {variable!r} cover {list(target)}.",
            )
        categories = list(target)
        index = pd.Categorical(values, categories=categories).codes
        counts = np.bincount(index, minlength=len(categories))
        for position, category in enumerate(categories):
            if counts[position] == 0 and target[category] > 0:
                raise DataError(
                    "A margin category has no respondents, raking cannot reach it",
                    column=variable,
                    value=category,
                    hint="Collapse it with a neighbouring category in data and margins.",
                )
            if counts[position] > 0 and target[category] == 0:
                raise DataError(
                    "Respondents fall in a category with population share 0",
                    column=variable,
                    value=category,
                    hint="Drop them or correct the margins.",
                )
        codes.append(index)
        targets.append(np.array([target[c] for c in categories]))

    def margin_error(w: np.ndarray) -> float:
        total = w.sum()
        return max(
            float(np.max(np.abs(np.bincount(c, weights=w, minlength=len(t)) / total - t)))
            for c, t in zip(codes, targets, strict=True)
        )

    converged, iterations, trimmed = False, 0, 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        for index, shares in zip(codes, targets, strict=True):
            current = np.bincount(index, weights=weights, minlength=len(shares)) / weights.sum()
            factor = np.divide(shares, current, out=np.ones_like(shares), where=current > 0)
            weights = weights * factor[index]
        if trim is not None:
            low, high = trim[0] * weights.mean(), trim[1] * weights.mean()
            trimmed = int(np.sum((weights <= low) | (weights >= high)))
            weights = np.clip(weights, low, high)
        if margin_error(weights) < tolerance:
            converged = True
            break
    error = margin_error(weights)
    if not converged:
        raise DataError(
            f"Raking did not converge in {max_iter} sweeps (largest margin error {error:.4f})",
            value=variables,
            hint=("Widen the trimming bounds, " if trim is not None else "")
            + "collapse sparse categories or rake on fewer variables; check that the margins fit the sample.",
        )
    weights = weights / weights.mean()
    report = []
    for variable, index, shares in zip(variables, codes, targets, strict=True):
        categories = list(table.loc[table["variable"] == variable, "category"])
        report.append(
            pd.DataFrame(
                {
                    "variable": variable,
                    "category": categories,
                    "target": shares,
                    "sample_share": np.bincount(index, minlength=len(shares)) / n,
                    "weighted_share": np.bincount(index, weights=weights, minlength=len(shares))
                    / weights.sum(),
                }
            )
        )
    return RakeResult(
        weights=pd.Series(weights, index=data.index, name="weight"),
        iterations=iterations,
        converged=converged,
        max_margin_error=error,
        design_effect=design_effect(weights),
        n_eff=effective_n(weights),
        trimmed=trimmed,
        margins=pd.concat(report, ignore_index=True),
    )
