"""Importance-performance analysis (Martilla & James 1977).

Each touchpoint (or attribute) is placed by its importance (from the key driver analysis,
e.g. rescaled relative weights) and its performance (mean score). Crosshairs at the mean
(default) or median of each axis split the plane into four quadrants:

============================  ===========  ============  =============================
quadrant                      importance   performance   reading
============================  ===========  ============  =============================
``concentrate_here``          high         low           重点改进 / Concentrate here
``keep_up_the_good_work``     high         high          继续保持 / Keep up the good work
``low_priority``              low          low           低优先级 / Low priority
``possible_overkill``         low          high          过度投入 / Possible overkill
============================  ===========  ============  =============================

Points exactly on a crosshair count as "high".
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from research.errors import DataError
from research.wording import label, resolve_language, words

#: Quadrant key -> its label by language (``{"zh": ..., "en": ...}``), from ``survey.yml``.
QUADRANTS: dict[str, dict[str, str]] = words("survey")["quadrants"]


def quadrant_label(quadrant: str, language: str | None = None) -> str:
    """The display label of a quadrant key in the study language.

    Parameters
    ----------
    quadrant : str
        A key of :data:`QUADRANTS`.
    language : {"zh", "en"}, optional
        ``None``: the report's language.

    Returns
    -------
    str
        The quadrant's display name.

    Examples
    --------
    >>> quadrant_label("concentrate_here", "zh")
    '重点改进'
    """
    return label(QUADRANTS, quadrant, language)


def ipa(
    importance: pd.Series,
    performance: pd.Series,
    *,
    centre: Literal["mean", "median"] = "mean",
    language: str | None = None,
) -> pd.DataFrame:
    """Classify items into the four importance-performance quadrants.

    Parameters
    ----------
    importance : Series
        Importance per item (index = touchpoint or attribute id), e.g. the rescaled relative
        weights in percent.
    performance : Series
        Performance per item on the same index, e.g. mean satisfaction on the 1-5 scale.
    centre : {"mean", "median"}
        Where the crosshairs go (Martilla & James use the scale mid-point or the mean; the
        data-centred crosshair makes the chart relative).
    language : {"en", "zh"}
        Language of ``quadrant_label``.

    Returns
    -------
    DataFrame
        One row per item, sorted by importance (descending): ``item``, ``importance``,
        ``performance``, ``quadrant`` (key), ``quadrant_label``, ``importance_cut``,
        ``performance_cut`` (the crosshair positions).

    Examples
    --------
    >>> importance = pd.Series({"hotline": 28.0, "bill": 21.0, "store": 15.0, "wechat": 5.0})
    >>> performance = pd.Series({"hotline": 2.9, "bill": 3.9, "store": 3.1, "wechat": 3.8})
    >>> print(ipa(importance, performance)[["item", "quadrant"]].to_string(index=False))
       item              quadrant
    hotline      concentrate_here
       bill keep_up_the_good_work
      store          low_priority
     wechat     possible_overkill
    """
    language = resolve_language(language)
    if centre not in ("mean", "median"):
        raise DataError("Unknown crosshair position", value=centre, hint="Use 'mean' or 'median'.")
    importance = pd.Series(importance, dtype=float)
    performance = pd.Series(performance, dtype=float)
    missing = importance.index.symmetric_difference(performance.index)
    if len(missing):
        raise DataError(
            "Importance and performance must cover the same items",
            value=list(missing),
            hint="Compute both for the same touchpoints (drop the ones without scores).",
        )
    frame = pd.DataFrame({"importance": importance, "performance": performance.reindex(importance.index)})
    if frame.isna().any().any():
        item = frame.index[frame.isna().any(axis=1)][0]
        raise DataError(
            "Importance or performance is missing",
            value=item,
            hint="Every item needs both values; drop items without data.",
        )
    if len(frame) < 2:
        raise DataError("Importance-performance analysis needs at least two items", value=len(frame))
    importance_cut = float(getattr(frame["importance"], centre)())
    performance_cut = float(getattr(frame["performance"], centre)())
    high_importance = frame["importance"].to_numpy() >= importance_cut
    high_performance = frame["performance"].to_numpy() >= performance_cut
    quadrant = np.select(
        [
            high_importance & ~high_performance,
            high_importance & high_performance,
            ~high_importance & ~high_performance,
        ],
        ["concentrate_here", "keep_up_the_good_work", "low_priority"],
        default="possible_overkill",
    )
    result = frame.assign(quadrant=quadrant).rename_axis("item").reset_index()
    result["quadrant_label"] = [quadrant_label(q, language) for q in result["quadrant"]]
    result["importance_cut"] = importance_cut
    result["performance_cut"] = performance_cut
    return result.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
