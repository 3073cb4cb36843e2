"""Plain verdicts on KPI changes: improved, worsened, no detectable change, or inconclusive.

A verdict reads the confidence interval against a *practical-significance threshold* (the
smallest change that matters to the business, in the KPI's unit), never the p-value alone.
With ``good`` meaning the direction in which the KPI gets better (up when higher is better):

``improved``
    the interval excludes 0 on the good side **and** the estimate is at least the threshold in
    the good direction;
``worsened``
    the mirror image: the interval excludes 0 on the bad side and the estimate is at least the
    threshold in the bad direction;
``no detectable change``
    the whole interval lies strictly within ``(-threshold, +threshold)``: any change is smaller
    than what matters (an equivalence conclusion, as in two one-sided tests at ``(1 - ci) / 2``);
    this includes a statistically significant but practically negligible change;
``inconclusive``
    anything else: the interval is too wide to tell a relevant change from none, or a real change
    may or may not reach the threshold.

Many KPIs at once (:func:`verdict_table`): the p-values are adjusted for multiplicity with
:func:`research.multitest.adjust_pvalues` (Holm by default, Benjamini-Hochberg FDR as an option)
and a directional verdict (improved / worsened) additionally needs the *adjusted* p-value below
``1 - ci``; otherwise it falls back to the interval-only rules above (usually ``inconclusive``).
The sentence then says the change did not survive the correction (or, when the row's own test
was not significant even before it, that the test is not significant). Rows without a p-value
are judged by their interval only. Thresholds and directions taken from the table's
``threshold`` / ``higher_is_better`` columns apply row by row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from research import defaults
from research.checks import check_ci
from research.errors import DataError
from research.multitest import adjust_pvalues
from research.wording import label, resolve_language, say, words

if TYPE_CHECKING:
    from research.study import Study

IMPROVED = "improved"
WORSENED = "worsened"
NO_CHANGE = "no detectable change"
INCONCLUSIVE = "inconclusive"
VERDICTS = (IMPROVED, WORSENED, NO_CHANGE, INCONCLUSIVE)

#: Each verdict's words in Chinese and English (``verdicts`` of wording/evaluation.yml).
VERDICT_LABELS: dict[str, dict[str, str]] = words("evaluation")["verdicts"]


def _finite(*values: float) -> bool:
    return all(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in values)


def verdict(
    estimate: float, ci_low: float, ci_high: float, threshold: float, higher_is_better: bool = True
) -> str:
    """Classify one KPI change by its interval and a practical-significance threshold.

    Parameters
    ----------
    estimate : float
        The change (after minus before) in the KPI's unit.
    ci_low, ci_high : float
        Its confidence interval.
    threshold : float
        Smallest change that matters, in the KPI's unit (>= 0).
    higher_is_better : bool
        ``False`` for KPIs such as wait time or complaint rate, where a decrease is good.

    Returns
    -------
    str
        ``"improved"``, ``"worsened"``, ``"no detectable change"`` or ``"inconclusive"``; see the
        module docstring for the rule. Missing (NaN) inputs give ``"inconclusive"``.

    Examples
    --------
    Wait time (lower is better) fell 90 s, interval -110 to -70 s, threshold 30 s:

    >>> verdict(-90, -110, -70, threshold=30, higher_is_better=False)
    'improved'
    >>> verdict(0.02, -0.05, 0.09, threshold=0.25)
    'no detectable change'
    >>> verdict(0.20, -0.10, 0.50, threshold=0.25)
    'inconclusive'
    """
    threshold = float(threshold)
    if math.isnan(threshold) or threshold < 0:
        raise DataError(
            "The practical-significance threshold must be a number >= 0",
            column="threshold",
            value=threshold,
            hint="Give the smallest change that matters, in the KPI's unit.",
        )
    if not _finite(float(estimate), float(ci_low), float(ci_high)):
        return INCONCLUSIVE
    if ci_low > ci_high:
        raise DataError(
            "The interval's lower bound is above its upper bound",
            column="ci_low",
            value=(ci_low, ci_high),
            hint="Pass ci_low before ci_high.",
        )
    sign = 1.0 if higher_is_better else -1.0
    # Orient everything so that positive means "better".
    good_est = sign * estimate
    good_low, good_high = sorted((sign * ci_low, sign * ci_high))
    if good_low > 0 and good_est >= threshold:
        return IMPROVED
    if good_high < 0 and good_est <= -threshold:
        return WORSENED
    if -threshold < good_low and good_high < threshold:
        return NO_CHANGE
    return INCONCLUSIVE


def _per_kpi(option: Mapping[str, object] | object, kpis: pd.Series, name: str) -> list:
    if not isinstance(option, Mapping):
        return [option] * len(kpis)
    missing = sorted(set(kpis) - set(option))
    if missing:
        raise DataError(
            f"No {name} given for some KPIs",
            column=name,
            value=missing,
            hint=f"Add them to the {name} mapping (KPI -> value) or pass a single value.",
        )
    return [option[k] for k in kpis]


def _decimals(reference: float) -> int:
    """Decimals that show a number at the resolution of the threshold (or the estimate)."""
    reference = abs(reference)
    if not reference or math.isnan(reference):
        return 2
    return int(np.clip(1 - math.floor(math.log10(reference)), 0, 4))


def _sentence(row: pd.Series, language: str, ci: float) -> str:
    digits = _decimals(row["threshold"] or row["estimate"])

    def num(x: float) -> str:
        return f"{x:.{digits}f}"

    def line(key: str, **values: object) -> str:
        return say("evaluation", key, language, **values)

    unit = str(row["unit"]) if _finite(row["unit"]) and str(row["unit"]) else ""
    # Latin units (s, points) keep a space after the number; Chinese ones (秒, 分) do not.
    unit = f" {unit}" if unit and (language != "zh" or unit[0].isascii()) else unit
    subject = " · ".join(str(s) for s in (row["touchpoint_label"], row["kpi_label"]) if str(s))
    estimate = row["estimate"]
    move = line("went_up" if estimate >= 0 else "went_down")
    size = num(abs(estimate))
    # No estimate, or no interval (a point estimate only): say so instead of printing "nan".
    if not _finite(float(estimate)):
        return line("verdict_no_estimate", subject=subject)
    if not _finite(float(row["ci_low"]), float(row["ci_high"])):
        return line("verdict_no_interval", subject=subject, move=move, size=size, unit=unit)
    level = f"{round(ci * 100):d}%"
    ci_text = line("ci_text", level=level, low=num(row["ci_low"]), high=num(row["ci_high"]))
    change = line("change", move=move, size=size, unit=unit, ci=ci_text)
    # No practical threshold (0): the verdict reads the interval against zero alone.
    unjudged = "_unjudged" if not row["threshold"] else ""
    key = "verdict_" + row["verdict"].replace("no detectable change", "no_change") + unjudged
    text = line(key, subject=subject, change=change, ci=ci_text, threshold=num(row["threshold"]), unit=unit)
    # "adjustment": significant alone but not after the correction; "test": the row's own test
    # is not significant although its interval excludes 0 (e.g. Newcombe interval vs pooled z).
    failed = row["_direction_failed"]
    if failed == "adjustment":
        text += line("verdict_not_after_adjustment", p=f"{row['p_adjusted']:.3f}")
    elif failed == "test":
        text += line("verdict_test_not_significant", p=f"{row['p_value']:.3f}")
    return text


def verdict_table(
    data: pd.DataFrame,
    thresholds: Mapping[str, float] | float | None = None,
    higher_is_better: Mapping[str, bool] | bool | None = None,
    language: str | None = None,
    padjust: Literal["holm", "fdr", "bonferroni", "none"] = "holm",
    ci: float = defaults.CI,
    study: Study | None = None,
) -> pd.DataFrame:
    """One verdict and one plain-language sentence per KPI, with multiplicity-adjusted p-values.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per KPI (and touchpoint) with columns ``kpi``, ``estimate`` (or ``difference``, as
        returned by :func:`proportion_difference`), ``ci_low``, ``ci_high``, ``p_value``; optional
        ``touchpoint`` (catalog id), ``unit``, ``kpi_label`` and ``touchpoint_label``.
    thresholds : float or dict, optional
        Practical-significance threshold per KPI (``{kpi: value}``) in the KPI's unit, or one
        value for all. Default: the ``threshold`` column of *data* (as
        :func:`research.evaluation.evaluate_kpis` returns it from the study definition).
    higher_is_better : bool or dict, optional
        Direction per KPI (``{kpi: bool}``) or one value for all. Default: the
        ``higher_is_better`` column of *data*, else True.
    language : {"zh", "en"} or None
        Language of the verdict labels and sentences (``None``: the report's language).
    padjust : {"holm", "fdr", "bonferroni", "none"}
        Multiple-comparison correction across the rows (Holm by default).
    ci : float
        Confidence level of the intervals in *data* (also the decision level:
        ``alpha = 1 - ci``).
    study : Study, optional
        Used to label touchpoint ids in the study's language when ``touchpoint_label`` is absent.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``threshold``, ``higher_is_better``, ``p_adjusted``, ``verdict``
        (code: improved / worsened / no detectable change / inconclusive), ``verdict_label`` (in
        ``language``) and ``sentence``.

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "kpi": ["wait_time", "fcr"], "touchpoint": ["hotline", "hotline"],
    ...     "estimate": [-90.0, 0.01], "ci_low": [-110.0, -0.01], "ci_high": [-70.0, 0.03],
    ...     "p_value": [0.0001, 0.33], "unit": ["s", ""]})
    >>> out = verdict_table(rows, thresholds={"wait_time": 30, "fcr": 0.05},
    ...                     higher_is_better={"wait_time": False, "fcr": True}, language="en")
    >>> out["verdict"].tolist()
    ['improved', 'no detectable change']
    >>> print(out["sentence"].iloc[0])
    hotline · wait_time: improved, down 90 s (95% CI -110 to -70), at least the practical threshold of 30 s.
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError("verdict_table needs a DataFrame with one row per KPI", value=type(data).__name__)
    language = resolve_language(language)
    if language not in ("zh", "en"):
        raise DataError("Unknown language", column="language", value=language, hint="Use 'zh' or 'en'.")
    ci = check_ci(ci)
    table = data.copy()
    if "estimate" not in table.columns and "difference" in table.columns:
        table["estimate"] = table["difference"]
    required = ["kpi", "estimate", "ci_low", "ci_high"] + (["p_value"] if padjust != "none" else [])
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise DataError(
            "The results table lacks columns the verdict needs",
            column=", ".join(missing),
            hint="Rows need kpi, estimate, ci_low, ci_high and p_value (for the "
            "multiple-comparison correction); stack the compare_* outputs with a "
            "kpi column.",
        )
    table = table.reset_index(drop=True)
    if "p_value" not in table.columns:
        table["p_value"] = np.nan
    for column in ("touchpoint", "unit"):
        if column not in table.columns:
            table[column] = ""
    if "kpi_label" not in table.columns:
        table["kpi_label"] = table["kpi"].astype(str)
    if "touchpoint_label" not in table.columns:
        if study is not None:
            table["touchpoint_label"] = [
                study.touchpoint_label(t, language) if t else "" for t in table["touchpoint"]
            ]
        else:
            table["touchpoint_label"] = table["touchpoint"].fillna("").astype(str)
    # Defaults come from the table row by row: the same KPI may appear for several touchpoints
    # with different thresholds or directions, so a {kpi: value} lookup would mix them up.
    if thresholds is None:
        if "threshold" not in table.columns:
            raise DataError(
                "No practical-significance thresholds given",
                column="threshold",
                hint="Pass thresholds={kpi: value} or a results table with a threshold column.",
            )
        threshold_values = table["threshold"].tolist()
    else:
        threshold_values = _per_kpi(thresholds, table["kpi"], "thresholds")
    if higher_is_better is None:
        directions = (
            table["higher_is_better"].tolist() if "higher_is_better" in table.columns else [True] * len(table)
        )
    else:
        directions = _per_kpi(higher_is_better, table["kpi"], "higher_is_better")
    table["threshold"] = [float(t) for t in threshold_values]
    table["higher_is_better"] = [bool(h) for h in directions]
    table["p_adjusted"] = adjust_pvalues(table["p_value"].astype(float).to_numpy(), method=padjust)

    alpha = 1 - ci
    verdicts, failed = [], []
    for row in table.itertuples(index=False):
        code = verdict(row.estimate, row.ci_low, row.ci_high, row.threshold, row.higher_is_better)
        demoted = ""
        if code in (IMPROVED, WORSENED) and _finite(row.p_adjusted) and row.p_adjusted >= alpha:
            # A directional estimate reaches the threshold, so its interval cannot lie within
            # the equivalence band: without the direction only "inconclusive" remains.
            demoted = "test" if row.p_value >= alpha else "adjustment"
            code = INCONCLUSIVE
        verdicts.append(code)
        failed.append(demoted)
    table["verdict"] = verdicts
    table["verdict_label"] = [label(VERDICT_LABELS, v, language) for v in verdicts]
    table["_direction_failed"] = failed
    table["sentence"] = [_sentence(row, language, ci) for _, row in table.iterrows()]
    return table.drop(columns="_direction_failed")
