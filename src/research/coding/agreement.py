"""Inter-coder agreement.

Cohen's kappa, Fleiss' kappa, Krippendorff's alpha, and per-code agreement of coders' codings
at the unit level.

The coefficients come from the field's libraries (statsmodels ``cohens_kappa`` /
``fleiss_kappa``, the ``krippendorff`` package); this module shapes codings into their inputs.

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
Measurement*, 20(1), 37-46. Fleiss, J. L. (1971). Measuring nominal scale agreement among many
raters. *Psychological Bulletin*, 76(5), 378-382. Krippendorff, K. (2011). Computing
Krippendorff's alpha-reliability. Annenberg School for Communication, University of Pennsylvania.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import krippendorff
import numpy as np
import pandas as pd

from research import defaults
from research.checks import check_ci
from research.coding.codings import codings_to_units
from research.errors import DataError
from research.privacy import redact

LEVELS = ("nominal", "ordinal", "interval", "ratio")
#: Label of the row pooling every code in agreement and auto-coding tables.
POOLED = "overall"
AGREEMENT_COLUMNS = [
    "code",
    "units",
    "units_coded_by_any",
    "percent_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "alpha_ci_low",
    "alpha_ci_high",
]


def _sorted_categories(values: Sequence[Any]) -> list[Any]:
    unique = list(dict.fromkeys(values))
    try:
        return sorted(unique)
    except TypeError:
        return sorted(unique, key=str)


def cohen_kappa(
    a: Sequence[Any],
    b: Sequence[Any],
    kappa_weights: str | None = None,
    *,
    categories: Sequence[Any] | None = None,
) -> float:
    """Cohen's kappa of two coders' labels of the same units (Cohen 1960), optionally weighted.

    Parameters
    ----------
    a, b : array-like
        Labels by coder A and coder B, one per unit; pairs with a missing label are dropped.
    kappa_weights : {None, "linear", "quadratic"}
        Unweighted kappa, or weighted kappa with linear (Cicchetti-Allison) or quadratic
        (Fleiss-Cohen) disagreement weights over the category order.
    categories : sequence, optional
        Ordered categories (needed for weighted kappa when some are unused); default: the
        sorted labels seen. Weighted kappa of text labels requires them: the alphabetical
        order of ``"high" < "low" < "medium"`` is not the scale's order.

    Returns
    -------
    float
        Kappa in [-1, 1]; NaN when chance agreement is 1 (both coders used one category only).

    Examples
    --------
    >>> round(cohen_kappa(["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15,
    ...                   ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15), 3)
    0.4
    """
    if kappa_weights not in (None, "linear", "quadratic"):
        raise DataError(
            "Unknown kappa weights", value=kappa_weights, hint='Use None, "linear" or "quadratic".'
        )
    left, right = pd.Series(list(a), dtype=object), pd.Series(list(b), dtype=object)
    if len(left) != len(right):
        raise DataError(
            "The two coders' label lists differ in length",
            value=f"{len(left)} vs {len(right)}",
            hint="Pass one label per unit for each coder, in the same unit order.",
        )
    keep = left.notna() & right.notna()
    left, right = left[keep], right[keep]
    if not len(left):
        raise DataError("No unit has labels from both coders", hint="Check the coders' unit ids match.")
    if categories is None:
        seen = [*left, *right]
        if kappa_weights is not None and not all(
            isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) for v in seen
        ):
            raise DataError(
                "Weighted kappa of text labels needs the categories in scale order",
                value=_sorted_categories(seen),
                hint='Pass categories=["low", "medium", "high"] (the order of the scale).',
            )
        categories = _sorted_categories(seen)
    index = {category: position for position, category in enumerate(categories)}
    unknown = [v for v in [*left, *right] if v not in index]
    if unknown:
        raise DataError(
            "A label is not among the categories", value=unknown[0], hint=f"Categories: {categories}"
        )
    table = np.zeros((len(categories), len(categories)))
    np.add.at(table, ([index[v] for v in left], [index[v] for v in right]), 1)
    row, column = table.sum(1) / table.sum(), table.sum(0) / table.sum()
    if np.isclose((row * column).sum(), 1.0):
        return float("nan")
    from statsmodels.stats import inter_rater  # lazy: pulls in scipy.stats

    if kappa_weights is None:
        return float(inter_rater.cohens_kappa(table, return_results=False))
    return float(inter_rater.cohens_kappa(table, wt=kappa_weights, return_results=False))


def fleiss_kappa(table: Any) -> float:
    """Fleiss' kappa for many raters (Fleiss 1971).

    Parameters
    ----------
    table : array-like or DataFrame, subjects x categories
        How many raters put each subject into each category; every row sums to the same number
        of raters (at least 2).

    Returns
    -------
    float
        NaN when chance agreement is 1 (every rating in one category).

    Examples
    --------
    >>> round(fleiss_kappa([[3, 0], [0, 3], [2, 1], [1, 2]]), 3)
    0.333
    """
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2 or counts.shape[0] < 1 or counts.shape[1] < 2:
        raise DataError("Fleiss' kappa needs a subjects x categories table of counts", value=counts.shape)
    if (counts < 0).any() or not np.allclose(counts, np.round(counts)):
        raise DataError("The table must hold non-negative whole counts")
    totals = counts.sum(1)
    if not np.allclose(totals, totals[0]) or totals[0] < 2:
        bad = int(np.argmax(~np.isclose(totals, totals[0]))) if not np.allclose(totals, totals[0]) else 0
        raise DataError(
            "Every subject must be rated by the same number of raters (at least 2)",
            row=bad + 1,
            value=totals[bad],
            hint="For missing ratings use krippendorff_alpha, which allows them.",
        )
    shares = counts.sum(0) / counts.sum()
    if np.isclose((shares**2).sum(), 1.0):
        return float("nan")
    from statsmodels.stats import inter_rater  # lazy: pulls in scipy.stats

    return float(inter_rater.fleiss_kappa(counts, method="fleiss"))


def krippendorff_alpha(reliability_data: Any, level_of_measurement: str = "nominal") -> float:
    """Krippendorff's alpha for any number of coders, with missing values (Krippendorff 2011).

    Parameters
    ----------
    reliability_data : array-like or DataFrame, coders x units
        One row per coder, one column per unit; NaN (or None) where a coder did not code a unit.
        Nominal labels may be strings.
    level_of_measurement : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement (the difference function).

    Returns
    -------
    float
        NaN when there is no variation at all (a single value in the data).

    Examples
    --------
    >>> round(krippendorff_alpha([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    ...                           [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]), 3)
    0.095
    """
    level = level_of_measurement
    if level not in LEVELS:
        raise DataError("Unknown level of measurement", value=level, hint=f"Use one of {list(LEVELS)}.")
    table = reliability_data.to_numpy() if hasattr(reliability_data, "to_numpy") else reliability_data
    raw = np.asarray(table, dtype=object)
    raw = np.where(pd.isna(raw), np.nan, raw)  # None, pd.NA, NaT -> NaN
    if raw.ndim != 2 or raw.shape[0] < 2:
        raise DataError("Krippendorff's alpha needs a coders x units table with at least two coders (rows)")
    try:
        values = raw.astype(float)
    except (TypeError, ValueError):
        if level != "nominal":
            raise DataError(
                f"{level} alpha needs numeric values", hint="Code the categories as numbers."
            ) from None
        missing = pd.isna(raw)
        categories = _sorted_categories([v for v in raw[~missing]])
        mapping = {c: float(i) for i, c in enumerate(categories)}
        values = np.array([[np.nan if pd.isna(v) else mapping[v] for v in row] for row in raw])
    if np.unique(values[~np.isnan(values)]).size < 2:
        return float("nan")
    pairable = (~np.isnan(values)).sum(0) >= 2
    if not pairable.any():
        raise DataError("No unit is coded by two coders", hint="Alpha needs units coded at least twice.")
    return float(krippendorff.alpha(reliability_data=values, level_of_measurement=cast(Any, level)))


# --- agreement of codings --------------------------------------------------------------------


@dataclass
class AgreementResult:
    """Result of :func:`code_agreement`.

    ``table``: one row per code plus ``overall`` (columns :data:`AGREEMENT_COLUMNS`);
    ``disagreements``: one row per unit and code the coders disagree on, for reconciliation.
    """

    table: pd.DataFrame
    disagreements: pd.DataFrame
    coders: list[str]
    transcripts: list[str]
    n_boot: int

    def summary(self) -> pd.DataFrame:
        """The agreement table: one row per code plus ``overall``.

        Returns
        -------
        DataFrame
            Columns :data:`AGREEMENT_COLUMNS`.
        """
        return self.table.copy()

    def __repr__(self) -> str:
        overall = self.table.iloc[-1]
        return (
            f"AgreementResult({len(self.coders)} coders, {int(overall['units'])} units, "
            f"{len(self.table) - 1} codes, overall alpha {overall['krippendorff_alpha']:.3f})"
        )


def _binary_alpha_parts(present: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Per-unit disagreement and count of 1s for nominal alpha of binary data, m coders.

    For complete binary data alpha = 1 - (n - 1) * sum_u d_u / (n0 * n1) with
    d_u = k_u (m - k_u) / (m - 1), k_u the coders marking unit u, n = m * units (Krippendorff
    2011, coincidence matrix form). Summing per-unit parts lets the bootstrap reweight units.
    """
    m = present.shape[0]
    ones = present.sum(0).astype(float)
    return ones * (m - ones) / (m - 1), ones, m


def _alpha_from_parts(d: np.ndarray, ones: np.ndarray, values: np.ndarray) -> np.ndarray:
    n1 = ones
    n0 = values - ones
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (values - 1.0) * d / (n0 * n1)
    return np.where((n0 > 0) & (n1 > 0), alpha, np.nan)


def _bootstrap_intervals(
    d: np.ndarray, ones: np.ndarray, values_per_unit: np.ndarray, n_boot: int, seed: int, ci: float
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals (confidence level *ci*) of binary nominal alpha, resampling units with replacement.

    *d* and *ones* are units x estimates (one column per code plus the pooled one); every
    resample reweights all columns at once (a unit drawn twice counts twice). Resamples in
    which alpha is undefined (no unit, or every unit, coded) are left out, so for a rare code
    the interval is conditional on the code occurring in the resample.
    """
    n_units, n_estimates = d.shape
    if n_boot <= 0 or n_units == 0:
        return np.full(n_estimates, np.nan), np.full(n_estimates, np.nan)
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, 4_000_000 // n_units))
    draws = []
    for first in range(0, n_boot, chunk):
        size = min(chunk, n_boot - first)
        picks = rng.integers(0, n_units, size=(size, n_units)) + np.arange(size)[:, None] * n_units
        weights = np.bincount(picks.ravel(), minlength=size * n_units).reshape(size, n_units).astype(float)
        values = weights.sum(1)[:, None] * values_per_unit[None, :]
        draws.append(_alpha_from_parts(weights @ d, weights @ ones, values))
    alphas = np.vstack(draws)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN bounds
        tail = round(50 * (1 - ci), 10)  # 2.5 exactly for ci=0.95
        low, high = np.nanpercentile(alphas, [tail, 100 - tail], axis=0)
    return low, high


def code_agreement(
    data: pd.DataFrame,
    units: pd.DataFrame,
    codes: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = defaults.SEED,
    *,
    ci: float = defaults.CI,
    coders: Sequence[str] | None = None,
    redact_names: Sequence[str] = (),
) -> AgreementResult:
    r"""Agreement of two or more coders, per code and overall, at the unit level.

    Each coder's spans are mapped to coding units by overlap
    (:func:`research.coding.codings_to_units`); for every unit and code a coder either applied
    the code (1) or not (0). Only transcripts that every coder coded (has at least one coding
    of) are compared, with all their units. Pass only the units the coders were asked to code
    (e.g. respondent turns): every extra absent-absent unit raises percent agreement and alpha.

    Per code: ``units`` compared, ``units_coded_by_any``, ``percent_agreement`` (share of units
    on which all coders agree, absent-absent included; a proportion 0..1), ``cohen_kappa``
    (exactly two coders, else NaN), ``krippendorff_alpha`` (nominal) with a percentile
    bootstrap interval over units (``alpha_ci_low``, ``alpha_ci_high``; confidence level *ci*). The ``overall``
    row pools every unit x code decision (alpha over all of them, bootstrap clustered by unit).

    Parameters
    ----------
    data : DataFrame
        The codings, long form with a ``coder`` column holding at least two coders.
    units : DataFrame
        From :func:`research.coding.units_frame` (the unit of analysis: turns or sentences).
    codes : sequence of str, optional
        Codes to report; default every code any coder applied, sorted.
    n_boot : int
        Bootstrap resamples (0 for no interval).
    seed : int
        Seed of the bootstrap.
    ci : float
        Confidence level of the bootstrap interval.
    coders : sequence of str, optional
        Coders to compare; default all coders in *data*.
    redact_names : sequence of str
        Names masked in the disagreement texts (the texts are always redacted).

    Returns
    -------
    AgreementResult

    Examples
    --------
    >>> from research.coding.transcripts import transcript_from_text, units_frame
    >>> t = transcript_from_text("Q: a\nA: wait\nQ: b\nA: bill\nQ: c\nA: wait, bill", "r1")
    >>> units = units_frame([t])
    >>> def span(turn):
    ...     return units.loc[turn - 1, "start"], units.loc[turn - 1, "end"]
    >>> rows = [("A", 2, "wait"), ("B", 2, "wait"), ("A", 4, "bill"), ("B", 4, "bill"),
    ...         ("A", 6, "wait"), ("A", 6, "bill"), ("B", 6, "bill")]
    >>> codings = pd.DataFrame([("r1", *span(turn), code, coder) for coder, turn, code in rows],
    ...                        columns=["transcript_id", "start", "end", "code", "coder"])
    >>> result = code_agreement(codings, units, n_boot=0)
    >>> result.table[["code", "units_coded_by_any", "percent_agreement"]]
          code  units_coded_by_any  percent_agreement
    0     bill                   2           1.000000
    1     wait                   2           0.833333
    2  overall                   3           0.916667
    >>> result.disagreements[["unit_id", "code", "coded_by", "not_coded_by"]].values.tolist()
    [['r1-T006', 'wait', 'A', 'B']]
    """
    ci = check_ci(ci)
    if "coder" not in data.columns:
        raise DataError("The codings have no coder column", column="coder")
    codings = data.assign(coder=data["coder"].astype(str))  # coder ids 1, 2 read as ints
    coders = sorted(codings["coder"].unique()) if coders is None else [str(c) for c in coders]
    if len(coders) < 2:
        raise DataError(
            "Agreement needs codings of at least two coders",
            value=coders,
            hint="Combine the coders' files (research.coding.load_codings) before calling.",
        )
    codings = codings[codings["coder"].isin(coders)]
    by_coder = [set(codings.loc[codings["coder"] == c, "transcript_id"]) for c in coders]
    shared = sorted(set.intersection(*by_coder))
    if not shared:
        raise DataError(
            "No transcript was coded by all coders",
            value=coders,
            hint="Agreement compares the same transcripts; have each coder code a common subset.",
        )
    compared_units = units[units["transcript_id"].isin(shared)].reset_index(drop=True)
    mapped = codings_to_units(codings[codings["transcript_id"].isin(shared)], compared_units)
    codes = sorted(mapped["code"].unique()) if codes is None else list(codes)
    n_units = len(compared_units)
    unit_index = pd.Series(np.arange(n_units), index=compared_units["unit_id"])
    code_index = {code: k for k, code in enumerate(codes)}
    present = np.zeros((len(coders), len(codes), n_units), dtype=bool)
    mapped = mapped[mapped["code"].isin(code_index)]
    present[
        mapped["coder"].map({c: i for i, c in enumerate(coders)}).to_numpy(),
        mapped["code"].map(code_index).to_numpy(),
        unit_index.loc[mapped["unit_id"]].to_numpy(),
    ] = True

    parts = [_binary_alpha_parts(present[:, k, :]) for k in range(len(codes))]
    d = np.column_stack([p[0] for p in parts] + [sum((p[0] for p in parts), np.zeros(n_units))])
    ones = np.column_stack([p[1] for p in parts] + [sum((p[1] for p in parts), np.zeros(n_units))])
    per_unit = np.array([len(coders)] * len(codes) + [len(coders) * len(codes)], dtype=float)
    lows, highs = _bootstrap_intervals(d, ones, per_unit, n_boot, seed, ci)

    rows = [_agreement_row(code, present[:, k, :], lows[k], highs[k]) for k, code in enumerate(codes)]
    pooled = present.transpose(0, 2, 1).reshape(len(coders), n_units * len(codes))
    overall = _agreement_row(POOLED, pooled, lows[-1], highs[-1])
    overall["units"] = n_units
    overall["units_coded_by_any"] = int(present.any(axis=(0, 1)).sum())
    rows.append(overall)
    table = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)

    disagreements = _disagreements(present, coders, codes, compared_units, redact_names)
    return AgreementResult(table, disagreements, coders, shared, n_boot)


def _agreement_row(code: str, matrix: np.ndarray, low: float, high: float) -> dict[str, Any]:
    items = matrix.shape[1]
    agree = (matrix.all(0) | ~matrix.any(0)).mean() if items else float("nan")
    kappa = (
        cohen_kappa(matrix[0].astype(int), matrix[1].astype(int), categories=[0, 1])
        if matrix.shape[0] == 2 and items
        else float("nan")
    )
    alpha = krippendorff_alpha(matrix.astype(float)) if items else float("nan")
    if np.isnan(alpha):
        low = high = float("nan")
    return {
        "code": code,
        "units": items,
        "units_coded_by_any": int(matrix.any(0).sum()),
        "percent_agreement": float(agree),
        "cohen_kappa": kappa,
        "krippendorff_alpha": alpha,
        "alpha_ci_low": float(low),
        "alpha_ci_high": float(high),
    }


def _disagreements(
    present: np.ndarray,
    coders: list[str],
    codes: list[str],
    units: pd.DataFrame,
    redact_names: Sequence[str],
) -> pd.DataFrame:
    columns = ["transcript_id", "unit_id", "text", "code", "coded_by", "not_coded_by"]
    split = np.asarray(present.any(0) & ~present.all(0))  # codes x units
    rows = []
    for unit_position in np.flatnonzero(split.any(0)):
        unit = units.iloc[unit_position]
        for k in np.flatnonzero(split[:, unit_position]):
            applied = present[:, k, unit_position]
            rows.append(
                (
                    unit["transcript_id"],
                    unit["unit_id"],
                    redact(unit["text"], redact_names),
                    codes[k],
                    ", ".join(c for c, a in zip(coders, applied, strict=True) if a),
                    ", ".join(c for c, a in zip(coders, applied, strict=True) if not a),
                )
            )
    return pd.DataFrame(rows, columns=columns)
