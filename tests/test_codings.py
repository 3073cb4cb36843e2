"""Codings files in long form: reading, validation errors with row numbers, unit mapping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research import DataError
from research.coding import (
    CODING_COLUMNS,
    codebook_from_dict,
    codings_to_units,
    read_codings,
    transcript_from_text,
    units_frame,
    write_codings,
)

TEXT = "Q: How was the hotline?\nA: I was on hold for ages. The IVR was a maze.\nQ: And the bill?\nA: Fine."
TRANSCRIPTS = [transcript_from_text(TEXT, "en01")]
CODEBOOK = codebook_from_dict(
    {
        "codes": [
            {"id": "access", "name": {"en": "Access"}, "codable": False},
            {"id": "hotline_wait", "parent": "access", "name": {"en": "Wait"}},
            {"id": "ivr_maze", "parent": "access", "name": {"en": "IVR"}},
        ]
    }
)


def _span(text):
    start = TEXT.index(text)
    return start, start + len(text)


def _csv(tmp_path, rows, header="transcript_id,start,end,code,coder"):
    path = tmp_path / "codings.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_read_valid_codings_csv_and_xlsx(tmp_path):
    a, b = _span("on hold for ages")
    path = _csv(tmp_path, [f"en01,{a},{b},hotline_wait,A", "en01,60,70,ivr_maze,B"])
    frame = read_codings(path, codebook=CODEBOOK, transcripts=TRANSCRIPTS)
    assert list(frame.columns) == CODING_COLUMNS
    assert TEXT[frame.loc[0, "start"] : frame.loc[0, "end"]] == "on hold for ages"
    xlsx = write_codings(tmp_path / "out" / "codings.xlsx", frame)
    assert read_codings(xlsx).equals(frame)


@pytest.mark.parametrize(
    ("rows", "message", "row", "column"),
    [
        (["en01,5,10,hotline_wait,A", "en01,5,10,nope,A"], "Unknown code", 3, "code"),
        (["en01,5,10,access,A"], "theme is not codable", 2, "code"),
        (["en01,5,10,hotline_wait,A", "en99,5,10,hotline_wait,A"], "Unknown transcript", 3, "transcript_id"),
        (["en01,5,900,hotline_wait,A"], "outside its transcript", 2, "end"),
        (["en01,10,5,hotline_wait,A"], "ends before it starts", 2, "end"),
        (["en01,5,x,hotline_wait,A"], "whole-number", 2, "end"),
        (["en01,5,10,hotline_wait,"], "Empty value", 2, "coder"),
    ],
)
def test_bad_codings_name_file_row_and_column(tmp_path, rows, message, row, column):
    path = _csv(tmp_path, rows)
    with pytest.raises(DataError, match=message) as caught:
        read_codings(path, codebook=CODEBOOK, transcripts=TRANSCRIPTS)
    assert (caught.value.file, caught.value.row, caught.value.column) == (str(path), row, column)


def test_missing_column(tmp_path):
    path = _csv(tmp_path, ["en01,5,10,hotline_wait"], header="transcript_id,start,end,code")
    with pytest.raises(DataError, match="Missing required column") as caught:
        read_codings(path)
    assert caught.value.column == "coder"


def test_unit_level_codings_file(tmp_path):
    path = _csv(tmp_path, ["en01-T002-S02,ivr_maze,B"], header="unit_id,code,coder")
    frame = read_codings(path, transcripts=TRANSCRIPTS)
    assert TEXT[frame.loc[0, "start"] : frame.loc[0, "end"]] == "The IVR was a maze."
    assert frame.loc[0, "transcript_id"] == "en01"
    bad = _csv(tmp_path, ["en01-T009,ivr_maze,B"], header="unit_id,code,coder")
    with pytest.raises(DataError, match="Unknown unit id"):
        read_codings(bad, transcripts=TRANSCRIPTS)


def test_codings_to_units_by_overlap():
    units = units_frame(TRANSCRIPTS, unit="sentence")
    a, _ = _span("hold for ages")
    _, b = _span("The IVR")
    c, d = _span("Fine")
    codings = pd.DataFrame(
        {
            "transcript_id": ["en01"] * 4,
            "start": [a, a, c, b],  # span across two sentences; repeated; one-unit; touching only
            "end": [b, b, d, b + 1],
            "code": ["hotline_wait", "hotline_wait", "ivr_maze", "ivr_maze"],
            "coder": ["A", "A", "B", "B"],
        }
    )
    mapped = codings_to_units(codings, units)
    assert mapped.values.tolist() == [
        ["en01", "en01-T002-S01", "hotline_wait", "A"],
        ["en01", "en01-T002-S02", "hotline_wait", "A"],
        ["en01", "en01-T002-S02", "ivr_maze", "B"],
        ["en01", "en01-T004-S01", "ivr_maze", "B"],
    ]
    # A span ending exactly where a unit starts does not overlap it (end exclusive).
    unit_start = units.loc[units["unit_id"] == "en01-T002-S02", "start"].item()
    touching = codings.iloc[:1].assign(start=unit_start - 3, end=unit_start)
    assert codings_to_units(touching, units)["unit_id"].tolist() == ["en01-T002-S01"]


def test_write_codings_refuses_raw(tmp_path, project_copy):
    frame = pd.DataFrame({"transcript_id": ["en01"], "start": [0], "end": [2], "code": ["x"], "coder": ["A"]})
    with pytest.raises(DataError, match="data/raw"):
        write_codings(project_copy / "data" / "raw" / "codings.csv", frame)


def _brute_force(codings, units):
    rows = set()
    for c in codings.itertuples():
        for u in units.itertuples():
            if u.transcript_id == c.transcript_id and u.start < c.end and c.start < u.end:
                rows.add((u.transcript_id, u.unit_id, c.code, c.coder))
    return rows


def test_codings_to_units_equals_brute_force_on_random_spans():
    rng = np.random.default_rng(5)
    other_text = TEXT.replace("bill", "invoice")
    texts = [transcript_from_text(TEXT, "en01"), transcript_from_text(other_text, "en02")]
    units = units_frame(texts, unit="sentence").sample(frac=1.0, random_state=1)  # any row order
    starts = rng.integers(0, 80, size=200)
    codings = pd.DataFrame(
        {
            "transcript_id": rng.choice(["en01", "en02", "other"], size=200),
            "start": starts,
            "end": starts + rng.integers(1, 30, size=200),
            "code": rng.choice(["wait", "ivr"], size=200),
            "coder": rng.choice(["A", "B"], size=200),
        }
    )
    fast = codings_to_units(codings, units)
    assert set(fast.itertuples(index=False, name=None)) == _brute_force(codings, units)
    assert not fast.duplicated().any()
    # Overlapping units (turns and sentences together) take the pairwise path; same answer.
    mixed = pd.concat([units_frame(texts, unit="turn"), units])
    slow = codings_to_units(codings, mixed)
    assert set(slow.itertuples(index=False, name=None)) == _brute_force(codings, mixed)
