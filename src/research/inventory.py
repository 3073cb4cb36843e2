"""The touchpoint inventory: the study's catalog as labelled tables and counts.

Notebook 00 shows these; other reports can reuse them. Values (channel, type, ...) and stage
names are labelled in the requested language; stages keep the study's journey order.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from research.errors import DataError, NotApplicable
from research.study import Study

#: Display labels of the catalog's classification values.
VALUE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "phase": {
        "pre-purchase": {"zh": "购前", "en": "Pre-purchase"},
        "purchase": {"zh": "购买", "en": "Purchase"},
        "usage": {"zh": "使用", "en": "Usage"},
        "feedback": {"zh": "反馈", "en": "Feedback"},
    },
    "channel": {"online": {"zh": "线上", "en": "Online"}, "offline": {"zh": "线下", "en": "Offline"}},
    "type": {
        "physical": {"zh": "实体", "en": "Physical"},
        "digital": {"zh": "数字", "en": "Digital"},
        "interpersonal": {"zh": "人际", "en": "Interpersonal"},
    },
    "visibility": {
        "front-stage": {"zh": "前台", "en": "Front-stage"},
        "back-stage": {"zh": "后台", "en": "Back-stage"},
    },
    "lifecycle": {
        "creation": {"zh": "导入期", "en": "Creation"},
        "development": {"zh": "成长期", "en": "Development"},
        "maturity": {"zh": "成熟期", "en": "Maturity"},
        "decline": {"zh": "衰退期", "en": "Decline"},
    },
}
#: Display names of the catalog's fields.
FIELD_LABELS = {
    "touchpoint": {"zh": "触点ID", "en": "Touchpoint id"},
    "name": {"zh": "触点", "en": "Touchpoint"},
    "stage": {"zh": "旅程阶段", "en": "Journey stage"},
    "phase": {"zh": "购买阶段", "en": "Phase"},
    "channel": {"zh": "渠道", "en": "Channel"},
    "type": {"zh": "类型", "en": "Type"},
    "visibility": {"zh": "可见性", "en": "Visibility"},
    "lifecycle": {"zh": "生命周期", "en": "Lifecycle"},
    "owner": {"zh": "负责部门", "en": "Owner"},
}
TOTAL_LABEL = {"zh": "合计", "en": "Total"}
CLASSIFICATIONS = ("stage", *VALUE_LABELS)


def _language(study: Study, language: str | None) -> str:
    return language or study.language


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
    language = _language(study, language)
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
        Label language (default: the study's).

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
    language = _language(study, language)
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
    language = _language(study, language)
    counts = inventory_counts(study)
    back = counts["by_visibility"]["back-stage"]
    rows = [
        (("研究", "Study"), study.title),
        (("说明", "Description"), study.definition.description),
        (("触点数", "Touchpoints"), str(counts["n_touchpoints"])),
    ]
    if study.has_catalog:
        journey = " → ".join(study.stage_label(s, language) for s in study.stages)
        rows += [
            (("其中后台触点", "of which back-stage"), str(back)),
            (("旅程阶段", "Journey stages"), journey),
        ]
    rows += [
        (("语言", "Languages"), ", ".join(study.definition.languages)),
        (("数据文件", "Data files"), str(len(study.definition.files))),
        (("报告", "Report runs"), str(len(study.runs))),
    ]
    item, value = ("项目", "值") if language == "zh" else ("Item", "Value")
    return pd.DataFrame([(zh if language == "zh" else en, v) for (zh, en), v in rows], columns=[item, value])


def data_files(study: Study, language: str | None = None) -> pd.DataFrame:
    """The study's declared data files: id, role, path (relative to the study folder), description.

    Examples
    --------
    >>> from research import load_study
    >>> files = data_files(load_study("sample"), "en")
    >>> files.loc[files["id"] == "kpi_weekly", "role"].item()
    'kpi_series'
    """
    language = _language(study, language)
    rows = [
        (file_id, spec.role, spec.path, spec.description) for file_id, spec in study.definition.files.items()
    ]
    columns = ["文件", "角色", "路径", "说明"] if language == "zh" else ["id", "role", "path", "description"]
    return pd.DataFrame(rows, columns=columns)
