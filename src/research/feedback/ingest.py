"""Feedback items of a study as one tidy table, every item kept.

:func:`load_feedback` reads each source of the ``feedback:`` section and each open-ended survey
item, and stacks them into one row per item: ``item_id, source, file, row, time, week, month,
text, language, touchpoint, rating, respondent_id, wave, score`` (plus the survey's segment
columns when open items are linked). Items are never dropped: an empty text stays as an empty
string (``blank`` is True) and is counted by :func:`summary`; an undated item has ``time`` NaT.

Texts stay raw here; show them through :func:`research.privacy.redact` (quotes, examples).
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research.errors import DataError
from research.feedback.schema import (
    SECTION,
    FeedbackSection,
    OpenItem,
    Source,
    codebook_file,
    load_feedback_section,
)
from research.io import decode_text, detect_encoding, read_table, read_text, require_columns

if TYPE_CHECKING:
    from research.coding import Codebook
    from research.study import Study

#: Columns of the tidy items table, in order.
COLUMNS = [
    "item_id",
    "source",
    "file",
    "row",
    "time",
    "week",
    "month",
    "text",
    "blank",
    "language",
    "touchpoint",
    "rating",
    "respondent_id",
    "wave",
    "score",
]
_CJK = re.compile(r"[\u3400-\u9fff]")


# ----------------------------------------------------------------------------------------------
# readers
# ----------------------------------------------------------------------------------------------


def read_jsonl(path: str | Path, *, encoding: str | None = None) -> pd.DataFrame:
    r"""Read a JSON lines file (one JSON object per line; ``.jsonl``, ``.jsonl.gz``, ``.ndjson``).

    The encoding is detected as for CSV files (UTF-8, UTF-8 with BOM, GBK); blank lines are
    skipped. A line that is not JSON, or not an object, is a :class:`DataError` naming its
    line number.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> tickets = pathlib.Path(tempfile.mkdtemp(), "tickets.jsonl")
    >>> _ = tickets.write_bytes('{"id": 1, "text": "扣费不对"}\n\n{"id": 2, "text": "thanks"}\n'.encode("gbk"))
    >>> read_jsonl(tickets)
       id  text
    0   1  扣费不对
    1   2  thanks
    """
    path = Path(path)
    if not path.exists():
        raise DataError("File not found", file=path, hint="Check the path in study.yml.")
    if path.is_dir():
        raise DataError("Expected a JSON lines file, found a folder", file=path, hint="Name one file.")
    text = _read_gzip_text(path, encoding) if path.suffix.lower() == ".gz" else read_text(path, encoding)
    if not text.strip():
        raise DataError("The file is empty", file=path, hint="Export it again.")
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(
                f"Not valid JSON: {exc.msg}",
                file=path,
                row=number,
                value=line[:60],
                hint="JSON lines files hold one JSON object per line; check quotes and commas there.",
            ) from None
        if not isinstance(record, dict):
            raise DataError(
                "A line is not a JSON object",
                file=path,
                row=number,
                value=line[:60],
                hint='Each line must be one object, e.g. {"id": 1, "text": "..."}.',
            )
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    frame.attrs["rows"] = [n for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    return frame


def _read_gzip_text(path: Path, encoding: str | None) -> str:
    """The text of a gzip-compressed file, its encoding detected as for CSV files."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise DataError(f"Cannot read the file: {exc}", file=path) from None
    return decode_text(
        data,
        encoding or detect_encoding(data[: 1 << 20], file=path),
        file=path,
        what="decompressed file",
        hint="Declare the encoding of the compressed text in study.yml, or leave it out to auto-detect.",
    )


def read_feedback_file(study: Study, file_id: str) -> pd.DataFrame:
    """A declared feedback file as read (CSV/TSV/XLSX via :func:`research.io.read_table`, JSON lines).

    The returned frame has ``attrs["rows"]``: the row or line number of each record as a
    researcher sees it in the file (header = row 1 for tables).
    """
    spec = study.file_spec(file_id)
    path = study.file(file_id)
    suffixes = [s.lower() for s in path.suffixes]
    if {".jsonl", ".ndjson", ".json"} & set(suffixes):
        return read_jsonl(path, encoding=spec.encoding)
    frame = read_table(path, encoding=spec.encoding, sheet=spec.sheet, **spec.options)
    frame.attrs["rows"] = list(range(2, len(frame) + 2))
    return frame


# ----------------------------------------------------------------------------------------------
# column parsers (each raises a DataError naming file, row and column)
# ----------------------------------------------------------------------------------------------


def _first(mask: np.ndarray | pd.Series) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0])


def _refuse(
    bad: pd.Series,
    values: pd.Series,
    message: str,
    hint: str,
    *,
    file: Any,
    rows: list[int] | None,
    column: str | None,
    show_value: bool = True,
) -> None:
    """Raise a :class:`DataError` naming the first *bad* cell of *values* (nothing when none is bad)."""
    if not bad.any():
        return
    at = _first(bad)
    raise DataError(
        message,
        file=file,
        row=rows[at] if rows else at + 2,
        column=column,
        value=values.iloc[at] if show_value else None,
        hint=hint,
    )


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype(str).str.strip().isin(["", "nan", "NaT", "None"])


def parse_times(
    values: pd.Series, *, file: Any = None, rows: list[int] | None = None, column: str | None = None
) -> pd.Series:
    """Dates or date-times of a column; blank cells become NaT, anything else unreadable is an error.

    Time zones are converted to UTC and dropped (one clock for every source).

    Examples
    --------
    >>> parse_times(pd.Series(["2025-03-01 08:30", "", "2025/03/02"])).dt.strftime("%Y-%m-%d").tolist()
    ['2025-03-01', nan, '2025-03-02']
    """
    blank = _blank(values)
    text = values.where(~blank, None)
    parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)
    _refuse(
        parsed.isna() & ~blank,
        values,
        "Not a date or time",
        "Use ISO dates such as 2025-03-01 or 2025-03-01 08:30 (leave the cell empty when unknown), "
        "or name another time_column.",
        file=file,
        rows=rows,
        column=column,
    )
    return parsed.dt.tz_convert(None).astype("datetime64[ns]")


def parse_ratings(
    values: pd.Series,
    scale: tuple[float, float] | None = None,
    *,
    file: Any = None,
    rows: list[int] | None = None,
    column: str | None = None,
) -> pd.Series:
    """Numeric ratings; blanks are NaN; text or values outside *scale* are errors.

    Examples
    --------
    >>> parse_ratings(pd.Series(["5", "", 2]), (1, 5)).tolist()
    [5.0, nan, 2.0]
    """
    blank = _blank(values)
    numbers = pd.to_numeric(values.where(~blank, None), errors="coerce").astype(float)
    where = {"file": file, "rows": rows, "column": column}
    _refuse(
        numbers.isna() & ~blank,
        values,
        "Not a number",
        "Ratings must be numbers (stars, 0-10 scores).",
        **where,
    )
    if scale is not None:
        _refuse(
            numbers.notna() & ~numbers.between(*scale),
            values,
            f"Rating outside the scale {scale[0]:g}-{scale[1]:g}",
            "Fix the value, or the rating_min/rating_max of this source in study.yml.",
            **where,
        )
    return numbers


def text_language(texts: pd.Series) -> pd.Series:
    """``zh`` for texts with a Chinese character, else ``en`` (per item).

    Examples
    --------
    >>> text_language(pd.Series(["信号差", "too slow", ""])).tolist()
    ['zh', 'en', 'en']
    """
    return pd.Series(np.where(texts.astype(str).str.contains(_CJK), "zh", "en"), index=texts.index)


def _clean_text(values: pd.Series) -> pd.Series:
    return values.where(values.notna(), "").astype(str).str.strip()


def _ids(
    values: pd.Series | None, rows: list[int], prefix: str, *, file: Any, column: str | None
) -> list[str]:
    if values is None:
        return [f"{prefix}:{row}" for row in rows]
    text = _clean_text(values)
    _refuse(
        text == "",
        text,
        "Empty item id",
        "Give every item an id, or leave id_column out to number items by row.",
        file=file,
        rows=rows,
        column=column,
        show_value=False,
    )
    _refuse(
        text.duplicated(),
        text,
        "Duplicate item id",
        "Each item needs its own id; leave id_column out to number items by row.",
        file=file,
        rows=rows,
        column=column,
    )
    return [f"{prefix}:{v}" for v in text]


# ----------------------------------------------------------------------------------------------
# sources and open items
# ----------------------------------------------------------------------------------------------


def _check_touchpoints(study: Study, values: pd.Series, *, file: Any, rows: list[int], column: str) -> None:
    if not study.has_catalog:
        return
    known = {t.id for t in study.touchpoints}
    _refuse(
        values.notna() & (values != "") & ~values.isin(known),
        values,
        "Unknown touchpoint",
        f"Use ids of the touchpoints: catalog: {sorted(known)}",
        file=file,
        rows=rows,
        column=column,
    )


def source_items(study: Study, source: Source, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tidy items of one declared source (see :data:`COLUMNS`).

    Parameters
    ----------
    study : Study
        The study declaring the source.
    source : Source
        One entry of ``feedback.sources``.
    data : DataFrame, optional
        The source file as read (default: read it with :func:`read_feedback_file`).

    Returns
    -------
    DataFrame
        One row per record of the file, the columns of :data:`COLUMNS` (without the period helpers).
    """
    path = study.file(source.file)
    frame = read_feedback_file(study, source.file) if data is None else data
    rows = list(frame.attrs.get("rows") or range(2, len(frame) + 2))
    require_columns(frame, source.columns, file=path)
    text = _clean_text(frame[source.text_column])
    items = pd.DataFrame(
        {
            "item_id": _ids(
                frame[source.id_column] if source.id_column else None,
                rows,
                source.file,
                file=path,
                column=source.id_column,
            ),
            "source": _clean_text(frame[source.source_column]).replace("", source.file)
            if source.source_column
            else source.name,
            "file": source.file,
            "row": rows,
            "text": text,
        }
    )
    items["time"] = (
        parse_times(frame[source.time_column], file=path, rows=rows, column=source.time_column).to_numpy()
        if source.time_column
        else pd.NaT
    )
    items["language"] = source.language or text_language(text)
    if source.touchpoint_column:
        touchpoint = _clean_text(frame[source.touchpoint_column])
        _check_touchpoints(study, touchpoint, file=path, rows=rows, column=source.touchpoint_column)
        items["touchpoint"] = touchpoint.replace("", None).to_numpy()
    else:
        items["touchpoint"] = source.touchpoint
    items["rating"] = (
        parse_ratings(
            frame[source.rating_column],
            source.rating_scale,
            file=path,
            rows=rows,
            column=source.rating_column,
        ).to_numpy()
        if source.rating_column
        else np.nan
    )
    items["respondent_id"] = (
        _clean_text(frame[source.respondent_column]).replace("", None).to_numpy()
        if source.respondent_column
        else None
    )
    items["wave"] = None
    items["score"] = np.nan
    for column, name in ((source.code_label_column, "label_codes"), (source.type_label_column, "label_type")):
        if column:
            items[name] = _clean_text(frame[column]).replace("", None).to_numpy()
    return items


def _score_item(study: Study, parsed: FeedbackSection) -> str:
    survey = study.section("survey") or {}
    item = parsed.score_item or (survey.get("outcomes") or {}).get("nps")
    if not item:
        raise DataError(
            "No score to link open answers to",
            file=study.yml_path,
            column=f"{SECTION}.score_item",
            hint="Name the survey's 0-10 recommendation item under survey.outcomes.nps "
            "or feedback.score_item.",
        )
    return str(item)


def open_item_items(study: Study, parsed: FeedbackSection, item: OpenItem, index: int) -> pd.DataFrame:
    """The tidy items of one open-ended survey item, joined to the respondents' scores."""
    from research.survey import load_survey

    score = _score_item(study, parsed)
    survey = study.section("survey")
    waves = list(survey.get("waves") or {})
    respondent = str(survey.get("respondent_id") or "respondent_id")
    field = f"{SECTION}.open_items[{index}]"
    if item.file:
        path = study.file(item.file)
        frame = read_feedback_file(study, item.file)
        rows = list(frame.attrs.get("rows") or range(2, len(frame) + 2))
        id_column = item.respondent_column or respondent
        require_columns(
            frame, [item.text_column, id_column, *([item.wave_column] if item.wave_column else [])], file=path
        )
        ids = _clean_text(frame[id_column])
        wave = (
            _clean_text(frame[item.wave_column])
            if item.wave_column
            else pd.Series(item.wave or waves[0], index=frame.index)
        )
        _refuse(
            ~wave.isin(waves),
            wave,
            "Not a survey wave",
            f"Declared waves: {waves}",
            file=path,
            rows=rows,
            column=item.wave_column,
        )
        texts = frame[item.text_column]
        prefix = item.file
        item_ids = _ids(
            frame[item.id_column] if item.id_column else None, rows, prefix, file=path, column=item.id_column
        )
        file_id = item.file
    else:
        data = load_survey(study, item.wave, weighting="none", segments=[item.text_column])
        frame = data.responses
        rows = (
            data.source["row"].astype(int).tolist()
            if data.source is not None
            else list(range(2, len(frame) + 2))
        )
        ids = frame["respondent_id"].astype(str)
        wave = frame["wave"].astype(str)
        texts = frame[item.text_column]
        item_ids = [f"{item.wave}:{i}" for i in ids]
        path, file_id = None, (survey["waves"][item.wave].get("files") or [""])[0]
    scores = _respondent_scores(study, score, sorted(set(wave)), field)
    key = pd.MultiIndex.from_arrays([wave.to_numpy(), ids.to_numpy()])
    joined = scores.reindex(key)
    if item.file and joined[score].isna().all() and len(frame):
        raise DataError(
            "No answer's respondent id is in the survey",
            file=path,
            column=item.respondent_column or respondent,
            value=ids.iloc[0],
            hint="The respondent ids must be those of the survey files (same wave).",
        )
    text = _clean_text(texts)
    dates = {w: (survey["waves"][w] or {}).get("date") for w in waves}
    items = pd.DataFrame(
        {
            "item_id": item_ids,
            "source": item.name,
            "file": file_id,
            "row": rows,
            "text": text.to_numpy(),
            "time": pd.to_datetime(wave.map(dates).to_numpy()),
            "language": item.language or text_language(text).to_numpy(),
            "touchpoint": None,
            "rating": np.nan,
            "respondent_id": ids.to_numpy(),
            "wave": wave.to_numpy(),
            "score": joined[score].to_numpy(dtype=float),
        }
    )
    for column in scores.columns.drop(score):
        if column not in COLUMNS:
            items[column] = joined[column].to_numpy()
    return items


def _respondent_scores(study: Study, score: str, waves: list[str], field: str) -> pd.DataFrame:
    """Per (wave, respondent id): the score item and the survey's segments."""
    from research.survey import load_survey

    data = load_survey(study, waves, weighting="none")
    columns = [score, *data.segments]
    table = data.responses.assign(respondent_id=data.responses["respondent_id"].astype(str))
    table = table.drop_duplicates(["wave", "respondent_id"]).set_index(["wave", "respondent_id"])
    if score not in table.columns:
        raise DataError(
            "The score item is not in the survey files",
            column=field,
            value=score,
            hint="Name a survey item as feedback.score_item.",
        )
    return table[columns]


def load_feedback(study: Study) -> pd.DataFrame:
    r"""Every feedback item of *study*: one tidy row per item, none dropped.

    Returns
    -------
    DataFrame
        :data:`COLUMNS` (``time``, ``week`` and ``month`` NaT for undated items; ``week`` is the
        Monday and ``month`` the first day of the item's period; ``score`` is the linked survey
        score, NaN for stream items), plus the survey's segment columns for open items.

    Raises
    ------
    DataError
        No ``feedback:`` section; a file, column, date, rating, touchpoint or id that is wrong
        (naming file, row and column).

    Examples
    --------
    >>> import tempfile, pathlib, yaml
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "fb"
    >>> folder.mkdir()
    >>> _ = (folder / "reviews.csv").write_text("when,review\n2025-03-03,太慢了\n,\n", encoding="utf-8")
    >>> _ = (folder / "codebook.yml").write_text("codes: [{id: slow, name: {zh: 慢}}]", encoding="utf-8")
    >>> _ = (folder / "study.yml").write_text(yaml.safe_dump({"name": "fb", "files": {
    ...     "reviews": {"path": "reviews.csv", "role": "feedback"},
    ...     "codebook": {"path": "codebook.yml", "role": "codebook"}},
    ...     "feedback": {"sources": [{"file": "reviews", "text_column": "review", "time_column": "when"}]}}))
    >>> from research import load_study
    >>> items = load_feedback(load_study(folder))
    >>> items[["item_id", "source", "text", "blank", "language"]]
         item_id   source text  blank language
    0  reviews:2  reviews  太慢了  False       zh
    1  reviews:3  reviews        True       en
    >>> items["week"].dt.strftime("%Y-%m-%d").tolist()
    ['2025-03-03', nan]
    """
    parsed = load_feedback_section(study)
    parts = [source_items(study, source) for source in parsed.sources]
    parts += [open_item_items(study, parsed, item, i) for i, item in enumerate(parsed.open_items)]
    return stack_items(parts)


def stack_items(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack item tables and add the period helpers (``week``, ``month``) and ``blank``.

    Parameters
    ----------
    parts : list of DataFrame
        Items of each source and open item (:func:`source_items`, :func:`open_item_items`).

    Returns
    -------
    DataFrame
        :data:`COLUMNS` then any extra columns, one row per item.

    Raises
    ------
    DataError
        The same item id in two parts.
    """
    items = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    items["time"] = pd.to_datetime(items["time"])
    items["week"] = items["time"].dt.to_period("W-SUN").dt.start_time
    items["month"] = items["time"].dt.to_period("M").dt.start_time
    items["blank"] = items["text"].astype(str).str.strip() == ""
    duplicated = items["item_id"].duplicated()
    if duplicated.any():
        raise DataError(
            "Duplicate item id across feedback sources",
            column="item_id",
            value=items["item_id"].iloc[_first(duplicated)],
            hint="Two sources read the same file with the same ids; declare each file once.",
        )
    extra = [c for c in items.columns if c not in COLUMNS]
    return items[COLUMNS + extra]


def summary(data: pd.DataFrame) -> pd.DataFrame:
    """Per source: items, empty texts, undated items, ratings, linked scores, first and last date.

    Empty texts are counted here (they are kept in the items table, never dropped).

    Parameters
    ----------
    data : DataFrame
        The items (:func:`load_feedback`).

    Returns
    -------
    DataFrame
        One row per source: ``source``, ``n``, ``blank``, ``undated``, ``rated``, ``scored``,
        ``first``, ``last``.

    Examples
    --------
    >>> items = stack_items([pd.DataFrame({"item_id": ["a:1", "a:2"], "source": "a", "text": ["ok", ""],
    ...                             "time": [pd.Timestamp("2025-01-02"), pd.NaT], "rating": np.nan,
    ...                             "score": np.nan, "file": "a", "row": [2, 3], "language": "en",
    ...                             "touchpoint": None, "respondent_id": None, "wave": None})])
    >>> summary(items)[["source", "n", "blank", "undated"]]
      source  n  blank  undated
    0      a  2      1        1
    """
    grouped = data.groupby("source", sort=False)
    table = pd.DataFrame(
        {
            "n": grouped.size(),
            "blank": grouped["blank"].sum(),
            "undated": grouped["time"].apply(lambda t: int(t.isna().sum())),
            "rated": grouped["rating"].apply(lambda r: int(r.notna().sum())),
            "scored": grouped["score"].apply(lambda s: int(s.notna().sum())),
            "first": grouped["time"].min(),
            "last": grouped["time"].max(),
        }
    ).reset_index()
    return table.astype({"n": int, "blank": int})


def load_codebook_of(study: Study) -> Codebook:
    """The codebook feedback is classified with (``feedback.codebook`` or the study's only one)."""
    from research.coding import load_codebook

    parsed = load_feedback_section(study)
    return load_codebook(study.file(codebook_file(study, parsed)), study=study)
