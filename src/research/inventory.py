"""The touchpoint inventory: the study's catalog as labelled tables and counts.

Notebook 00 shows these; other reports can reuse them. Values (channel, type, ...) and stage
names are labelled in the requested language; stages keep the study's journey order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from research.errors import DataError, NotApplicable
from research.study import Study
from research.wording import join, label, resolve_language, say, words

#: Display labels of the catalog's classification values (``labels:`` of the inventory's wording).
VALUE_LABELS: dict[str, dict[str, dict[str, str]]] = words("inventory")["labels"]
#: Display names of the catalog's fields.
FIELD_LABELS: dict[str, dict[str, str]] = words("inventory")["fields"]
TOTAL_LABEL = FIELD_LABELS["total"]
CLASSIFICATIONS = ("stage", *VALUE_LABELS)


def require_catalog(study: Study) -> None:
    """Raise :class:`NotApplicable` if the study declares no touchpoint catalog.

    Examples
    --------
    >>> from research import load_study
    >>> require_catalog(load_study("sample"))  # the sample has one: nothing happens
    """
    if not study.has_catalog:
        raise NotApplicable(
            "The study declares no touchpoint catalog.",
            "Add a touchpoints: list to study.yml (id, name, stage, phase, channel, type) to see "
            "the catalog and the journey map.",
        )


def _labels(study: Study, field: str, language: str) -> list[tuple[str, str]]:
    """(value, label) of a field, in its natural order (stages: the study's journey order)."""
    if field == "stage":
        return [(s, study.stage_label(s, language)) for s in study.stages]
    if field not in VALUE_LABELS:
        raise DataError(
            "Unknown catalog classification", column=field, hint=f"Use one of {list(CLASSIFICATIONS)}."
        )
    return [(v, names[language]) for v, names in VALUE_LABELS[field].items()]


def catalog_table(study: Study, language: str | None = None) -> pd.DataFrame:
    """The touchpoint catalog with names and classifications labelled in *language*.

    One row per touchpoint, in journey-stage order; columns ``touchpoint`` (id), ``name``,
    ``stage``, ``phase``, ``channel``, ``type``, ``visibility``, ``lifecycle``, ``owner``.

    Examples
    --------
    >>> from research import load_study
    >>> table = catalog_table(load_study("sample"), "en")
    >>> table.loc[table.touchpoint == "hotline", ["name", "stage", "channel"]].values.tolist()
    [['Service hotline', 'After-sales', 'Offline']]
    """
    require_catalog(study)
    language = resolve_language(language)
    catalog = study.catalog
    table = pd.DataFrame(
        {
            "touchpoint": catalog["touchpoint"],
            "name": [study.touchpoint_label(t, language) for t in catalog["touchpoint"]],
        }
    )
    for field in ("stage", *VALUE_LABELS):
        labels = dict(_labels(study, field, language))
        table[field] = catalog[field].astype(str).map(labels)
    table["owner"] = catalog["owner"]
    return table


def catalog_crosstab(
    study: Study, rows: str = "stage", columns: str = "channel", language: str | None = None
) -> pd.DataFrame:
    """Number of touchpoints by two classifications (e.g. journey stage x channel), with totals.

    Parameters
    ----------
    study : Study
    rows, columns : str
        Classifications: ``stage``, ``phase``, ``channel``, ``type``, ``visibility``,
        ``lifecycle``. Categories keep their natural order (stages: the study's order) and
        empty ones are shown with 0.
    language : {"zh", "en"}, optional
        Label language (default: the report's, :func:`research.wording.use_language`).

    Returns
    -------
    pandas.DataFrame
        Counts (number of touchpoints) with a total row and column.

    Examples
    --------
    >>> from research import load_study
    >>> catalog_crosstab(load_study("sample"), "stage", "channel", "en")
    Channel        Online  Offline  Total
    Journey stage
    Awareness           1        1      2
    Consideration       2        0      2
    Decision            0        1      1
    Purchase            2        1      3
    After-sales         3        3      6
    Total               8        6     14
    """
    require_catalog(study)
    language = resolve_language(language)
    row_labels, column_labels = _labels(study, rows, language), _labels(study, columns, language)
    catalog = study.catalog
    table = pd.crosstab(
        pd.Categorical(catalog[rows].astype(str), categories=[v for v, _ in row_labels]),
        pd.Categorical(catalog[columns].astype(str), categories=[v for v, _ in column_labels]),
        dropna=False,
    )
    table.index = pd.Index([label for _, label in row_labels], name=FIELD_LABELS[rows][language])
    table.columns = pd.Index([label for _, label in column_labels], name=FIELD_LABELS[columns][language])
    total = TOTAL_LABEL[language]
    table[total] = table.sum(axis=1)
    table.loc[total] = table.sum(axis=0)
    return table.astype(int)


def inventory_counts(study: Study) -> dict[str, Any]:
    """Key figures of the catalog as plain JSON types (for ``results.json``).

    Examples
    --------
    >>> from research import load_study
    >>> counts = inventory_counts(load_study("sample"))
    >>> counts["n_touchpoints"], counts["by_visibility"]["back-stage"]
    (14, 1)
    """
    catalog = study.catalog
    counts: dict[str, Any] = {"n_touchpoints": len(catalog), "n_stages": len(study.stages)}
    for field in CLASSIFICATIONS:
        order = [value for value, _ in _labels(study, field, "en")]
        observed = catalog[field].astype(str).value_counts()
        counts[f"by_{field}"] = {value: int(observed.get(value, 0)) for value in order}
    return counts


def overview(study: Study, language: str | None = None) -> pd.DataFrame:
    """A two-column summary of the study for a report's opening: title, languages, counts.

    Examples
    --------
    >>> from research import load_study
    >>> overview(load_study("sample"), "en").iloc[2].tolist()
    ['Touchpoints', '14']
    """
    language = resolve_language(language)
    counts = inventory_counts(study)
    back = counts["by_visibility"]["back-stage"]
    rows = [("study", study.title), ("description", study.definition.description)]
    rows.append(("touchpoints", str(counts["n_touchpoints"])))
    if study.has_catalog:
        journey = " → ".join(study.stage_label(s, language) for s in study.stages)
        rows += [("back_stage", str(back)), ("stages", journey)]
    rows += [
        ("languages", ", ".join(study.definition.languages)),
        ("files", str(len(study.definition.files))),
        ("runs", str(len(study.runs))),
    ]
    names = words("inventory")["overview"]
    return pd.DataFrame(
        [(label(names, key, language), shown) for key, shown in rows],
        columns=[label(names, "item", language), label(names, "value", language)],
    )


def data_files(study: Study, language: str | None = None) -> pd.DataFrame:
    """The study's declared data files: id, role, path (relative to the study folder), description.

    Examples
    --------
    >>> from research import load_study
    >>> files = data_files(load_study("sample"), "en")
    >>> files.loc[files["id"] == "kpi_weekly", "role"].item()
    'kpi_series'
    """
    language = resolve_language(language)
    rows = [
        (file_id, spec.role, spec.path, spec.description) for file_id, spec in study.definition.files.items()
    ]
    names = words("inventory")["data_files"]
    return pd.DataFrame(rows, columns=[label(names, key, language) for key in names])


def inventory_at_a_glance(
    results: Mapping[str, Any], language: str | None = None, stage_labels: Mapping[str, str] | None = None
) -> list[str]:
    """Three to five sentences summing up the catalog, from :func:`inventory_counts`.

    Parameters
    ----------
    results : mapping
        The counts of :func:`inventory_counts`.
    language : {"zh", "en"}, optional
        Language of the sentences (default: the report's).
    stage_labels : mapping, optional
        Stage id -> display name (default: the ids).

    Returns
    -------
    list of str
        The sentences of the report's at-a-glance box.

    Examples
    --------
    >>> counts = {"n_touchpoints": 3, "n_stages": 2, "by_stage": {"buy": 2, "use": 1},
    ...           "by_channel": {"online": 2, "offline": 1}, "by_type": {"digital": 2, "physical": 1},
    ...           "by_visibility": {"front-stage": 3, "back-stage": 0},
    ...           "by_lifecycle": {"creation": 1, "maturity": 2}}
    >>> for line in inventory_at_a_glance(counts, "zh", {"buy": "购买"}):
    ...     print(line)
    触点清单共有 3 个触点，分布在 2 个旅程阶段。
    按渠道：线上 2 个、线下 1 个；按类型：数字 2 个、实体 1 个。
    触点最多的阶段：购买（2 个）。
    处于导入期或衰退期、最可能在研究期间变化的触点：1 个。
    """
    language = resolve_language(language)

    def line(key: str, **values: Any) -> str:
        return say("inventory", key, language, **values)

    def counts(field: str) -> str:
        labels = VALUE_LABELS.get(field, {})
        named = {value: labels.get(value, {}).get(language, value) for value in labels}
        return join(
            (
                line(
                    "count",
                    n=n,
                    label=named.get(value, value).lower() if language == "en" else named.get(value, value),
                )
                for value, n in (results.get(f"by_{field}") or {}).items()
                if n
            ),
            language,
        )

    n = int(results.get("n_touchpoints") or 0)
    if not n:
        return [line("no_catalog")]
    lines = [
        line("size", n=n, stages=int(results.get("n_stages") or 0)),
        line("channels", items=counts("channel"), types=counts("type")),
    ]
    stages = results.get("by_stage") or {}
    if stages:
        busiest = max(stages, key=stages.__getitem__)
        lines.append(line("busiest", stage=(stage_labels or {}).get(busiest, busiest), n=stages[busiest]))
    back = (results.get("by_visibility") or {}).get("back-stage", 0)
    if back:
        lines.append(line("back", n=back))
    lifecycle = results.get("by_lifecycle") or {}
    changing = lifecycle.get("creation", 0) + lifecycle.get("decline", 0)
    if changing:
        lines.append(line("changing", n=changing))
    return lines[:5]
