r"""Codings in long form: one row per coded span (transcript, start, end, code, coder).

Positions are code points into :attr:`research.coding.Transcript.text` (line endings
normalised to ``\n``), end exclusive. A file may instead name coding units (``unit_id``
column without ``start``/``end``); the spans are then taken from the transcripts' units.
Optional columns kept as they are: ``unit_id``, ``text``, ``memo``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from research.errors import DataError
from research.io import read_table, require_columns, write_table

#: Required columns of a codings table, in this order.
CODING_COLUMNS = ["transcript_id", "start", "end", "code", "coder"]
#: Optional columns kept when present.
OPTIONAL_CODING_COLUMNS = ["unit_id", "text", "memo"]


def _transcript_map(transcripts: Any) -> dict[str, Any]:
    if transcripts is None:
        return {}
    if isinstance(transcripts, Mapping):
        return dict(transcripts)
    return {t.id: t for t in transcripts}


def _spans_from_units(frame: pd.DataFrame, transcripts: dict[str, Any], path: Path | None) -> pd.DataFrame:
    if not transcripts:
        raise DataError(
            "The codings name units but have no start/end columns",
            file=path,
            column="start",
            hint="Pass transcripts= so unit ids can be resolved, or add start and end columns.",
        )
    spans = {}
    for transcript in transcripts.values():
        for unit in ("turn", "sentence"):
            for u in transcript.units(unit):
                spans[u.unit_id] = (u.transcript_id, u.start, u.end)
    starts, ends = [], []
    for position, unit_id in enumerate(frame["unit_id"]):
        if unit_id not in spans:
            raise DataError(
                "Unknown unit id",
                file=path,
                row=position + 2,
                column="unit_id",
                value=unit_id,
                hint="Unit ids look like zh01-T003 (turn) or zh01-T003-S02 (sentence).",
            )
        transcript_id, start, end = spans[unit_id]
        if "transcript_id" in frame and frame["transcript_id"].iloc[position] != transcript_id:
            raise DataError(
                "The unit belongs to another transcript",
                file=path,
                row=position + 2,
                column="transcript_id",
                value=frame["transcript_id"].iloc[position],
                hint=f"Unit {unit_id} is in transcript {transcript_id}.",
            )
        starts.append(start)
        ends.append(end)
    frame = frame.copy()
    frame["transcript_id"] = [spans[u][0] for u in frame["unit_id"]]
    frame["start"], frame["end"] = starts, ends
    return frame


def _as_int(frame: pd.DataFrame, column: str, path: Path | None) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    for position, (raw, number) in enumerate(zip(frame[column], values, strict=True)):
        if pd.isna(number) or float(number) != int(number):
            raise DataError(
                "Not a whole-number character position",
                file=path,
                row=position + 2,
                column=column,
                value=raw,
                hint="Positions count characters (code points) from 0 into the transcript text.",
            )
    return values.astype("int64")


def _squeeze(text: Any) -> str:
    """Text with every run of whitespace as one space (line breaks in a cell are not content)."""
    return " ".join(str(text).split())


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _check_quoted_text(
    frame: pd.DataFrame, texts: dict[str, Any], path: Path | None, *, within_unit: bool
) -> None:
    """The optional ``text`` column must be the transcript's text at the coding's offsets.

    A mismatch means the offsets point elsewhere (an edited transcript, a shifted cue, a
    codings file of another version): the coding would silently count for the wrong passage.
    Whitespace differences are ignored; codings that name a unit need their text inside it.
    """
    wrong = []
    rows = zip(frame["transcript_id"], frame["start"], frame["end"], frame["text"], strict=True)
    for position, (transcript_id, start, end, quoted) in enumerate(rows):
        if pd.isna(quoted) or not str(quoted).strip():
            continue
        found = _squeeze(texts[transcript_id].text[start:end])
        expected = _squeeze(quoted)
        if (expected not in found) if within_unit else (expected != found):
            wrong.append((position + 2, expected, found))
    if wrong:
        row, expected, found = wrong[0]
        others = [r for r, _, _ in wrong[1:]]
        raise DataError(
            f"The text of {len(wrong)} coding(s) is not the transcript's text at their start/end: "
            f"row {row} has {_shown(expected)} but the transcript there reads {_shown(found)}"
            + (f" (also rows {others[:10]}{' ...' if len(others) > 10 else ''})" if others else ""),
            file=path,
            row=row,
            column="text",
            hint="The transcript or the codings changed since coding: re-export the codings from the "
            "transcripts as they are now, or correct start/end (code points from 0, line endings as \\n).",
        )


def validate_codings(
    data: pd.DataFrame,
    *,
    codebook: Any = None,
    transcripts: Any = None,
    file: str | Path | None = None,
) -> pd.DataFrame:
    """Check a codings table and return it with clean dtypes (see :func:`read_codings`).

    Examples
    --------
    >>> frame = pd.DataFrame({"transcript_id": ["zh01"], "start": [5], "end": [2],
    ...                       "code": ["hotline_wait"], "coder": ["A"]})
    >>> validate_codings(frame)
    Traceback (most recent call last):
    ...
    research.errors.DataError: The span ends before it starts [row 2, column 'end', value 2]. ...
    """
    path = Path(file) if file is not None else None
    texts = _transcript_map(transcripts)
    frame = data.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    from_units = "unit_id" in frame and ("start" not in frame or "end" not in frame)
    if from_units:
        frame = _spans_from_units(frame, texts, path)
    require_columns(frame, CODING_COLUMNS, file=path)
    for column in ("transcript_id", "code", "coder"):
        for position, value in enumerate(frame[column]):
            if pd.isna(value) or not str(value).strip():
                raise DataError("Empty value", file=path, row=position + 2, column=column)
        frame[column] = frame[column].astype(str).str.strip()
    frame["start"] = _as_int(frame, "start", path)
    frame["end"] = _as_int(frame, "end", path)
    codable = set(codebook.codable_ids) if codebook is not None else None
    for position, row in enumerate(frame.itertuples(index=False)):
        excel_row = position + 2
        if row.start < 0 or row.end <= row.start:
            raise DataError(
                "The span ends before it starts" if row.end < row.start else "Empty or negative span",
                file=path,
                row=excel_row,
                column="end" if row.end <= row.start else "start",
                value=row.end if row.end <= row.start else row.start,
                hint="Each coding needs 0 <= start < end.",
            )
        if codable is not None and row.code not in codable:
            known = codebook.code(row.code) if row.code in codebook else None
            raise DataError(
                "A theme is not codable" if known is not None else "Unknown code",
                file=path,
                row=excel_row,
                column="code",
                value=row.code,
                hint="Use a codable code id of the codebook"
                + (f" (codebook: {codebook.path})." if codebook.path else "."),
            )
        if texts:
            transcript = texts.get(row.transcript_id)
            if transcript is None:
                raise DataError(
                    "Unknown transcript",
                    file=path,
                    row=excel_row,
                    column="transcript_id",
                    value=row.transcript_id,
                    hint=f"Transcript ids are file names without suffix, e.g. {sorted(texts)[:5]}.",
                )
            if row.end > len(transcript.text):
                raise DataError(
                    f"The span lies outside its transcript ({len(transcript.text)} characters)",
                    file=path,
                    row=excel_row,
                    column="end",
                    value=row.end,
                    hint="Positions count code points into the text with line endings as \\n.",
                )
    if texts and "text" in frame.columns:
        _check_quoted_text(frame, texts, path, within_unit=from_units)
    extras = [c for c in OPTIONAL_CODING_COLUMNS if c in frame.columns]
    others = [c for c in frame.columns if c not in CODING_COLUMNS and c not in extras]
    return frame[CODING_COLUMNS + extras + others].reset_index(drop=True)


def read_codings(
    path: str | Path,
    *,
    codebook: Any = None,
    transcripts: Any = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    r"""Read a codings file in long form and validate it.

    The file is a CSV, CSV.GZ, TSV or XLSX table, or the codings of a REFI-QDA ``.qdpx`` project.

    Parameters
    ----------
    path : str or Path
    codebook : Codebook, optional
        When given, every code must be a codable code of it.
    transcripts : list of Transcript or dict, optional
        When given, every transcript id must exist and every span lie inside its text; also
        needed to resolve a file that names ``unit_id`` instead of ``start``/``end``.

    Returns
    -------
    DataFrame
        Columns :data:`CODING_COLUMNS` (``start``/``end`` as int64) then any optional ones.

    Raises
    ------
    DataError
        Missing columns, empty values, non-integer positions, empty spans, unknown code,
        unknown transcript, span outside its text, a ``text`` column that is not the transcript's
        text at the span; naming file, row (header = 1) and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "codings.csv"
    >>> _ = p.write_text("transcript_id,start,end,code,coder\nzh01,5,12,hotline_wait,A\n")
    >>> read_codings(p).dtypes["start"]
    dtype('int64')
    """
    path = Path(path)
    if path.suffix.lower() == ".qdpx":  # a REFI-QDA project: its codings, coder = user name
        from research.coding.refi import read_qdpx

        frame = read_qdpx(path).codings
    else:
        frame = read_table(path, encoding=encoding, sheet=sheet, dtype={"transcript_id": str, "coder": str})
    return validate_codings(frame, codebook=codebook, transcripts=transcripts, file=path)


def write_codings(path: str | Path, codings: pd.DataFrame) -> Path:
    """Write codings in long form (CSV or XLSX by suffix; atomic, refuses ``data/raw``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> frame = pd.DataFrame({"transcript_id": ["en01"], "start": [0], "end": [4],
    ...                       "code": ["bill_shock"], "coder": ["A"]})
    >>> p = write_codings(pathlib.Path(tempfile.mkdtemp()) / "out.csv", frame)
    >>> read_codings(p).equals(frame)
    True
    """
    clean = validate_codings(codings, file=path)
    return write_table(clean, path)


def codings_to_units(data: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    r"""Map coded spans to the coding units they overlap (by at least one character).

    Parameters
    ----------
    data : DataFrame
        Long form (:data:`CODING_COLUMNS`).
    units : DataFrame
        From :func:`research.coding.units_frame`.

    Returns
    -------
    DataFrame
        ``transcript_id, unit_id, code, coder``, one row per unit, code and coder (a unit
        coded twice with the same code by one coder counts once), in unit order.

    Examples
    --------
    >>> from research.coding.transcripts import transcript_from_text, units_frame
    >>> t = transcript_from_text("Q: Hi.\nA: Long wait. Rude staff.", "en01")
    >>> units = units_frame([t], unit="sentence")
    >>> spans = pd.DataFrame({"transcript_id": ["en01"], "start": [10], "end": [26],
    ...                       "code": ["wait"], "coder": ["A"]})
    >>> codings_to_units(spans, units)["unit_id"].tolist()
    ['en01-T002-S01', 'en01-T002-S02']
    """
    columns = ["transcript_id", "unit_id", "code", "coder"]
    if data.empty or units.empty:
        return pd.DataFrame(columns=columns)
    hits = _overlaps_sorted(data, units)
    if hits is None:  # overlapping units (a custom segmentation): pairwise comparison
        left = data[CODING_COLUMNS].rename(columns={"start": "coding_start", "end": "coding_end"})
        right = units[["transcript_id", "unit_id", "start", "end"]].reset_index(names="unit_order")
        merged = left.merge(right, on="transcript_id", how="inner")
        overlap = (merged["start"] < merged["coding_end"]) & (merged["coding_start"] < merged["end"])
        hits = merged.loc[overlap, ["unit_order", "transcript_id", "unit_id", "code", "coder"]]
    mapped = hits.sort_values(["unit_order", "code", "coder"], kind="stable")
    return mapped[columns].drop_duplicates().reset_index(drop=True)


def _overlaps_sorted(codings: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame | None:
    """Coding-unit overlaps by binary search, for units that do not overlap each other.

    Transcripts are laid end to end on one axis (offset by a gap longer than any text), so one
    ``searchsorted`` finds, for every coding, the first unit ending after its start and the
    last unit starting before its end. Returns None when units overlap.
    """
    order = units.reset_index(drop=True).reset_index(names="unit_order")
    order = order.sort_values(["transcript_id", "start"], kind="stable").reset_index(drop=True)
    transcript = order["transcript_id"].to_numpy()
    starts, ends = order["start"].to_numpy(np.int64), order["end"].to_numpy(np.int64)
    same = transcript[1:] == transcript[:-1]
    if (ends[:-1][same] > starts[1:][same]).any():
        return None
    ids = pd.Index(pd.unique(transcript))
    gap = int(max(ends.max(), codings["end"].max())) + 1
    unit_offset = ids.get_indexer(transcript).astype(np.int64) * gap
    coding_ids = ids.get_indexer(codings["transcript_id"].to_numpy())
    known = coding_ids >= 0
    coding_offset = coding_ids[known].astype(np.int64) * gap
    coding_starts = codings["start"].to_numpy(np.int64)[known] + coding_offset
    coding_ends = codings["end"].to_numpy(np.int64)[known] + coding_offset
    first = np.searchsorted(ends + unit_offset, coding_starts, side="right")
    stop = np.searchsorted(starts + unit_offset, coding_ends, side="left")
    counts = np.maximum(stop - first, 0)
    which = np.repeat(np.arange(len(first)), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    unit_rows = first[which] + within
    chosen = codings.loc[known, ["code", "coder"]].iloc[which]
    return pd.DataFrame(
        {
            "unit_order": order["unit_order"].to_numpy()[unit_rows],
            "transcript_id": transcript[unit_rows],
            "unit_id": order["unit_id"].to_numpy()[unit_rows],
            "code": chosen["code"].to_numpy(),
            "coder": chosen["coder"].to_numpy(),
        }
    )


def coders(data: pd.DataFrame) -> list[str]:
    """The coders of a codings table, sorted."""
    return sorted(data["coder"].astype(str).unique())


def combine_codings(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Stack several coders' codings tables into one long table."""
    frames = [t for t in tables if len(t)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CODING_COLUMNS)


def load_codings(
    study: Any,
    *,
    file_ids: Iterable[str] | None = None,
    codebook: Any = None,
    transcripts: Any = None,
) -> pd.DataFrame:
    """Read and stack the study's codings files (``coding.codings`` in study.yml).

    Each file is validated as in :func:`read_codings`; a ``coder`` column is required in each.

    Examples
    --------
    >>> from research.study import load_study
    >>> codings = load_codings(load_study("sample"))  # doctest: +SKIP
    """
    if file_ids is None:
        file_ids = study.section("coding").get("codings") or sorted(study.files_with_role("codings"))
    tables = []
    for file_id in file_ids:
        spec = study.file_spec(file_id)
        tables.append(
            read_codings(
                study.file(file_id),
                codebook=codebook,
                transcripts=transcripts,
                encoding=spec.encoding,
                sheet=spec.sheet,
            )
        )
    return combine_codings(tables)
