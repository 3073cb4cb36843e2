"""Survey waves of a study, read, validated, coded and weighted into one tidy container.

:func:`load_survey` reads the files a study's ``survey:`` section names (see
:mod:`research.survey.schema`) and returns a :class:`SurveyData`: one row per respondent and
wave, items coded to numbers, survey weights declared or raked. This is the study-aware layer:
the statistics modules (:mod:`research.survey.metrics`, :mod:`~research.survey.drivers`, ...)
take its tables, never the container.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from research.errors import DataError
from research.study import Study, load_study, require_declared
from research.survey.readers import read_margins, read_wave_file
from research.survey.schema import Scale, items_table, parse_survey_section
from research.survey.weights import RakeResult, rake
from research.wording import resolve_language


class RowRange(NamedTuple):
    """The scale range of a report row's items (:meth:`SurveyData.row_range`)."""

    low: int
    high: int


@dataclass
class SurveyData:
    """One or more survey waves of a study, cleaned and coded.

    Attributes
    ----------
    responses : DataFrame
        One row per respondent and wave: ``respondent_id``, ``wave``, ``weight`` (1.0 when the
        study has neither weights nor margins), the segment columns (codes), and one numeric
        column per item (scale codes; NaN = missing, "don't know" or "not applicable";
        reverse-keyed items already reversed so that higher is always better).
    items : DataFrame
        One row per item: ``item``, ``touchpoint`` (None for study-level outcomes),
        ``attribute``, ``scale``, ``scale_min``, ``scale_max``, ``reverse``, ``label_zh``,
        ``label_en``.
    outcome : dict
        ``{"overall": item, "nps": item, "ces": item}`` (None where the study has none).
    segments : list of str
        Segment columns of ``responses``.
    waves : list of str
        Waves in ``responses``, in study.yml order.
    source : DataFrame
        Per response row: the ``file`` and spreadsheet ``row`` it came from (for error messages).
    weighting : dict
        Per wave, the :class:`research.survey.weights.RakeResult` when the wave was raked.
    scales : dict
        Scale name -> :class:`Scale` (labels per code).
    language : str
        The study's main language.
    """

    responses: pd.DataFrame
    items: pd.DataFrame
    outcome: dict[str, str | None]
    segments: list[str]
    waves: list[str] = field(default_factory=list)
    source: pd.DataFrame | None = None
    weighting: dict[str, RakeResult] = field(default_factory=dict)
    scales: dict[str, Scale] = field(default_factory=dict)
    language: str = "en"

    def __repr__(self) -> str:
        return (
            f"SurveyData({len(self.responses)} responses, waves {self.waves}, "
            f"{len(self.items)} items, segments {self.segments})"
        )

    @property
    def touchpoints(self) -> list[str]:
        """The report rows, in item order.

        Touchpoints rated by at least one item, and for items without a touchpoint their
        attribute group (or the item itself); see :class:`research.survey.schema.Item`.
        """
        column = "group" if "group" in self.items.columns else "touchpoint"
        return list(dict.fromkeys(self.items[column].dropna()))

    def touchpoint_items(self, touchpoint: str) -> list[str]:
        """The item ids of the row *touchpoint* (a touchpoint, attribute group or item).

        Parameters
        ----------
        touchpoint : str
            A report row: touchpoint, attribute group or item.

        Returns
        -------
        list of str
            Its item ids.
        """
        column = "group" if "group" in self.items.columns else "touchpoint"
        items = self.items.loc[self.items[column] == touchpoint, "item"].tolist()
        if not items:
            raise DataError(
                "No survey items rate this touchpoint",
                value=touchpoint,
                hint=f"Touchpoints with items: {self.touchpoints}",
            )
        return items

    def row_range(self, row: str) -> RowRange:
        """The scale range (lowest ``scale_min``, highest ``scale_max``) of a row's items.

        Parameters
        ----------
        row : str
            A report row.

        Returns
        -------
        RowRange
            ``low`` and ``high``.

        Examples
        --------
        >>> load_survey("sample", "before").row_range("hotline")
        RowRange(low=1, high=5)
        """
        items = self.items[self.items["item"].isin(self.touchpoint_items(row))]
        return RowRange(int(items["scale_min"].min()), int(items["scale_max"].max()))

    def row_labels(self, study: Study, language: str | None = None) -> dict[str, str]:
        """Display names of the rows in *language*.

        A touchpoint row shows the catalog's name (its id without a catalog); a row of one item
        without a touchpoint shows the item's label (its id without a label); an attribute
        group of several items shows the attribute.

        Parameters
        ----------
        study : Study
            The study (its catalog names the touchpoints).
        language : {"zh", "en"}, optional
            ``None``: the report's language.

        Returns
        -------
        dict
            Row id -> display name.

        Examples
        --------
        >>> from research import load_study
        >>> study = load_study("sample")
        >>> load_survey(study, "before").row_labels(study, "en")["hotline"]
        'Service hotline'
        """
        language = resolve_language(language)
        labels = {}
        for row in self.touchpoints:
            items = self.items[self.items["item"].isin(self.touchpoint_items(row))]
            first = items.iloc[0]
            if first["touchpoint"] is not None and not pd.isna(first["touchpoint"]):
                labels[row] = study.touchpoint_label(row, language)
            elif len(items) == 1:
                other = "zh" if language == "en" else "en"
                labels[row] = first.get(f"label_{language}") or first.get(f"label_{other}") or row
            else:
                labels[row] = row
        return labels

    def touchpoint_scores(self, exclude: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
        """Respondent x row table: mean of the row's answered items.

        NaN where the respondent answered none of them (did not use the touchpoint, or did not
        know). Same index as :attr:`responses`; these are the inputs of key-driver analysis.
        Items in *exclude* are left out (a row left with no item is dropped).

        Parameters
        ----------
        exclude : list of str
            Item ids to leave out.

        Returns
        -------
        DataFrame
            One column per row, one row per respondent.

        Examples
        --------
        >>> data = load_survey("sample", "before")
        >>> scores = data.touchpoint_scores()
        >>> "hotline" in scores.columns and len(scores) == len(data.responses)
        True
        """
        columns = {}
        for tp in self.touchpoints:
            items = [i for i in self.touchpoint_items(tp) if i not in exclude]
            if items:
                columns[tp] = self.responses[items].mean(axis=1, skipna=True)
        return pd.DataFrame(columns, index=self.responses.index)

    def wave(self, name: str) -> SurveyData:
        """The responses of one wave as their own :class:`SurveyData`.

        Parameters
        ----------
        name : str
            A wave of :attr:`waves`.

        Returns
        -------
        SurveyData
            Its respondents only.
        """
        if name not in self.waves:
            raise DataError("Unknown survey wave", value=name, hint=f"Waves: {self.waves}")
        keep = (self.responses["wave"] == name).to_numpy()
        return SurveyData(
            responses=self.responses.loc[keep].reset_index(drop=True),
            items=self.items,
            outcome=self.outcome,
            segments=self.segments,
            waves=[name],
            source=None if self.source is None else self.source.loc[keep].reset_index(drop=True),
            weighting={k: v for k, v in self.weighting.items() if k == name},
            scales=self.scales,
            language=self.language,
        )


def load_survey(
    study: Study | str,
    wave: str | list[str] | None = None,
    *,
    file_id: str | None = None,
    weighting: Literal["auto", "none", "required"] = "auto",
    segments: list[str] | tuple[str, ...] = (),
) -> SurveyData:
    """Read, validate and code the survey waves of a study.

    Parameters
    ----------
    study : Study or str
        A loaded study or its name (``"sample"``).
    wave : str or list of str, optional
        Wave name(s) from ``survey.waves``; all waves when omitted.
    file_id : str, optional
        Read only this declared file (of any wave) instead of whole waves.
    weighting : {"auto", "none", "required"}
        Where the survey weights come from. ``"auto"``: the weight column if study.yml declares one, otherwise raking of each wave
        to the declared population margins (``survey.weighting``), otherwise 1.0.
        ``"none"``: every weight 1.0. ``"required"``: as ``"auto"``, but a study with neither
        a weight column nor margins is a :class:`DataError` (a report that says "weighted" must
        be weighted).
    segments : list of str
        Further columns of the survey files to keep as segments, beyond ``survey.segments``:
        their values are the segment codes as they are (text, stripped; SPSS value labels
        applied). A segment declared in ``survey.segments`` with no labels behaves the same.

    Returns
    -------
    SurveyData

    Raises
    ------
    DataError
        Naming file, spreadsheet row, column and value for: unknown answer labels, codes out
        of the scale's range, duplicate respondent ids within a wave, missing required columns,
        empty waves, unknown segment labels, invalid weights.

    Examples
    --------
    >>> data = load_survey("sample", "before")
    >>> data.outcome["nps"]
    'recommend'
    >>> bool(data.responses["recommend"].between(0, 10).all() or data.responses["recommend"].isna().any())
    True
    """
    if isinstance(study, str):
        study = load_study(study)
    section = parse_survey_section(study, study.section("survey"))
    if not study.section("survey"):
        raise DataError("The study has no survey: section", file=study.yml_path, column="survey")
    if weighting not in ("auto", "none", "required"):
        raise DataError("Unknown weighting option", value=weighting, hint="Use 'auto', 'none' or 'required'.")
    if weighting == "required" and section.weight is None and section.weighting is None:
        raise DataError(
            "Weighting was asked for, but the survey declares neither a weight column nor margins",
            file=study.yml_path,
            column="survey.weighting",
            hint="Declare population margins (survey.weighting.margins, a file with role margins) or a "
            "weight column (survey.weight), or run unweighted (weighted: false).",
        )
    extra = [c for c in dict.fromkeys(segments) if c and c not in section.segments]

    if file_id is not None:
        owners = [name for name, spec in section.waves.items() if file_id in spec.files]
        study.file_spec(file_id)  # unknown ids raise with the list of declared files
        plan = {owners[0] if owners else file_id: [file_id]}
    else:
        names = list(section.waves) if wave is None else [wave] if isinstance(wave, str) else list(wave)
        for name in names:
            require_declared(
                study, name, list(section.waves), "Unknown survey wave", "survey.waves", "Declared waves"
            )
        plan = {name: section.waves[name].files for name in names}

    frames, sources = [], []
    for wave_name, file_ids in plan.items():
        parts = [read_wave_file(study, section, fid, extra_segments=extra) for fid in file_ids]
        responses = pd.concat([p.responses for p in parts], ignore_index=True)
        source = pd.concat([p.source for p in parts], ignore_index=True)
        if responses.empty:
            raise DataError(
                "The survey wave has no respondents",
                file=study.file(file_ids[0]),
                value=wave_name,
                hint="Check the export: it has a header but no data rows.",
            )
        _check_unique_ids(responses, source, wave_name)
        responses.insert(1, "wave", wave_name)
        frames.append(responses)
        sources.append(source)
    responses = pd.concat(frames, ignore_index=True)
    source = pd.concat(sources, ignore_index=True)

    raked: dict[str, RakeResult] = {}
    if weighting == "none" or (section.weight is None and section.weighting is None):
        responses.insert(2, "weight", 1.0)
    elif section.weight is not None:
        responses.insert(2, "weight", _checked_weights(responses.pop("__weight__"), source))
    else:
        config = section.weighting
        assert config is not None  # neither a weight column nor margins was handled above
        margins = read_margins(study, section, config.margins)
        variables = config.variables or sorted(margins["variable"].unique())
        weight = pd.Series(np.nan, index=responses.index)
        for wave_name in plan:
            rows = responses["wave"] == wave_name
            result = rake(
                responses.loc[rows],
                margins,
                variables=variables,
                trim=config.trim,
                max_iter=config.max_iter,
                tolerance=config.tolerance,
                source=source.loc[rows],
            )
            weight.loc[rows] = result.weights
            raked[wave_name] = result
        responses.insert(2, "weight", weight.to_numpy())
    responses = responses.drop(columns="__weight__", errors="ignore")
    return SurveyData(
        responses=responses,
        items=items_table(section),
        outcome=section.outcomes.model_dump(),
        segments=[*section.segments, *extra],
        waves=list(plan),
        source=source,
        weighting=raked,
        scales=dict(section.scales),
        language=study.language,
    )


def _check_unique_ids(responses: pd.DataFrame, source: pd.DataFrame, wave: str) -> None:
    duplicated = responses["respondent_id"].duplicated(keep="first")
    if duplicated.any():
        at = int(np.flatnonzero(duplicated.to_numpy())[0])
        value = responses["respondent_id"].iloc[at]
        first = int(np.flatnonzero((responses["respondent_id"] == value).to_numpy())[0])
        raise DataError(
            f"Duplicate respondent id in wave {wave!r}",
            file=source["file"].iloc[at],
            row=int(source["row"].iloc[at]),
            column="respondent_id",
            value=value,
            hint=f"It first appears in {source['file'].iloc[first]} row {int(source['row'].iloc[first])}; "
            "remove the repeated interview or give it its own id.",
        )


def _checked_weights(values: pd.Series, source: pd.DataFrame) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers <= 0)
    if bad.any():
        at = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            "Survey weight must be a positive number",
            file=source["file"].iloc[at],
            row=int(source["row"].iloc[at]),
            column="weight",
            value=values.iloc[at],
            hint="Fix the weight or drop the respondent; weights are not frequency counts.",
        )
    return numbers.to_numpy(dtype=float)


def load_wave(study: Study | str, wave: str = "", *, weighted: bool = False, segment: str = "") -> SurveyData:
    """The survey data of one report run: one wave, weighted only when asked, with its segment.

    Parameters
    ----------
    study : Study or str
        A loaded study or its name.
    wave : str
        A wave under ``survey.waves``; empty: the first declared wave.
    weighted : bool
        True: the declared weight column or raking to the declared margins, and a
        :class:`DataError` when the survey declares neither (``weighting="required"``).
    segment : str
        A segment column to keep (declared under ``survey.segments`` or any column of the
        survey files, whose values are then the codes); empty: none beyond the declared ones.

    Returns
    -------
    SurveyData
        The wave, coded.

    Examples
    --------
    >>> data = load_wave("sample")
    >>> data.waves, float(data.responses["weight"].std())
    (['before'], 0.0)
    """
    if isinstance(study, str):
        study = load_study(study)
    if not wave:
        waves = list((study.section("survey") or {}).get("waves") or {})
        wave = waves[0] if waves else ""
    return load_survey(
        study,
        wave or None,
        weighting="required" if weighted else "none",
        segments=[segment] if segment else [],
    )
