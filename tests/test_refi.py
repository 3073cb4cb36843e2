"""REFI-QDA exchange: schema-valid output, exact round trips, BOM/CRLF sources from tools."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xmlschema

from research import DataError, load_study
from research.coding import (
    codebook_from_dict,
    load_codebook,
    load_codings,
    load_transcripts,
    read_qdc,
    read_qdpx,
    transcript_from_text,
    validate_qdc,
    validate_qdpx,
    write_qdc,
    write_qdpx,
)
from research.coding.refi import SCHEMA_DIR

KEY = ["transcript_id", "start", "end", "code", "coder"]
CODEBOOK = codebook_from_dict(
    {
        "codebook": "Test",
        "codes": [
            {
                "id": "access",
                "name": {"zh": "服务可达性", "en": "Access"},
                "codable": False,
                "definition": "Reaching us.",
                "color": "#0072B2",
            },
            {
                "id": "hotline_wait",
                "parent": "access",
                "name": {"zh": "热线等待久", "en": "Long wait"},
                "definition": "Waiting on the hotline.",
                "include": "hold",
                "exclude": "IVR",
                "example": "等了半天",
                "valence": "pain_point",
                "touchpoints": ["hotline"],
                "stages": ["after-sales"],
                "keywords": {"zh": ["等了半天"], "en": ["on hold"]},
                "patterns": {"en": [r"\bon hold for \d+"]},
                "color": "#D55E00",
            },
            {"id": "ivr_maze", "parent": "hotline_wait", "name": {"en": "IVR maze"}},
            {"id": "staff_helpful", "name": {"zh": "店员热情"}, "valence": "delight"},
        ],
    }
)


@pytest.fixture(scope="module")
def sample():
    study = load_study("sample")
    transcripts = load_transcripts(study)
    codebook = load_codebook(study.file("codebook"), study=study)
    codings = load_codings(study, codebook=codebook, transcripts=transcripts)
    return study, transcripts, codebook, codings


def _schema(name):
    return xmlschema.XMLSchema(str(SCHEMA_DIR / name))


def test_qdc_validates_and_round_trips(tmp_path):
    for language in ("zh", "en"):
        path = write_qdc(tmp_path / f"cb_{language}.qdc", CODEBOOK, language=language)
        _schema("Codebook.xsd").validate(str(path))  # raises if invalid
        validate_qdc(path)
        back = read_qdc(path)
        assert back.codes == CODEBOOK.codes  # ids, names, hierarchy, descriptions, colours, rules
    text = (tmp_path / "cb_en.qdc").read_text(encoding="utf-8")
    assert 'name="Long wait"' in text and 'color="#D55E00"' in text and 'isCodable="false"' in text


def test_qdc_from_another_tool(tmp_path):
    path = tmp_path / "tool.qdc"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="X">'
        "<Codes>"
        '<Code guid="{AAAAAAAA-0000-4000-8000-000000000001}" name="Hotline" isCodable="false" color="#F00">'
        "<Description>All about the hotline.</Description>"
        '<Code guid="aaaaaaaa-0000-4000-8000-000000000002" name="等待时间长" isCodable="true"/>'
        '<Code guid="aaaaaaaa-0000-4000-8000-000000000003" name="Hotline" isCodable="true"/>'
        "</Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    validate_qdc(path)
    codes = read_qdc(path).codes
    assert [(c.id, c.parent, c.codable) for c in codes] == [
        ("hotline", None, False),
        ("code_aaaaaaaa", "hotline", True),
        ("hotline_2", "hotline", True),
    ]
    assert codes[0].color == "#FF0000" and codes[0].definition == "All about the hotline."
    assert codes[1].name == {"zh": "等待时间长"}


def test_qdpx_of_the_sample_validates_and_round_trips_exactly(tmp_path, sample):
    _, transcripts, codebook, codings = sample
    path = write_qdpx(tmp_path / "sample.qdpx", transcripts, codebook, codings)
    with zipfile.ZipFile(path) as archive:
        _schema("Project-mrt2019.xsd").validate(archive.read("project.qde").decode("utf-8"))
    validate_qdpx(path)

    back_transcripts, back_codebook, back_codings = read_qdpx(path)
    assert [(t.id, t.text, t.turns) for t in back_transcripts] == [
        (t.id, t.text, t.turns) for t in transcripts
    ]
    assert back_codebook.codes == codebook.codes
    ours = codings[KEY].sort_values(KEY).reset_index(drop=True)
    theirs = back_codings[KEY].sort_values(KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, theirs)
    # Byte-identical when written again (deterministic GUIDs, no timestamps).
    again = write_qdpx(tmp_path / "again.qdpx", transcripts, codebook, codings)
    assert again.read_bytes() == path.read_bytes()
    # Read and written back as a whole project: the same XML (C14N 2.0) and sources, still valid.
    back = write_qdpx(tmp_path / "back.qdpx", read_qdpx(path))
    with zipfile.ZipFile(path) as first, zipfile.ZipFile(back) as second:
        assert sorted(first.namelist()) == sorted(second.namelist())
        for name in first.namelist():
            if name != "project.qde":
                assert first.read(name) == second.read(name)
        canonical = [
            ET.canonicalize(a.read("project.qde").decode("utf-8"), strip_text=True) for a in (first, second)
        ]
        assert canonical[0] == canonical[1]
    validate_qdpx(back)


def test_selection_positions_are_code_points_into_the_sources(tmp_path, sample):
    # Checked on the raw XML and source files, independently of read_qdpx.
    _, transcripts, codebook, codings = sample
    path = write_qdpx(tmp_path / "sample.qdpx", transcripts, codebook, codings)
    texts = {t.id: t.text for t in transcripts}
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde").decode("utf-8")
        pattern = r'<TextSource guid="([^"]+)" name="([^"]+)" plainTextPath="internal://([^"]+)"'
        sources = re.findall(pattern, qde)
        assert len(sources) == len(transcripts)
        for _, name, file in sources:
            assert archive.read(f"sources/{file}").decode("utf-8") == texts[name]
    spans = {(r.transcript_id, r.start, r.end) for r in codings.itertuples()}
    found = set()
    for source in re.finditer(r'<TextSource guid="[^"]+" name="([^"]+)"(.*?)</TextSource>', qde, flags=re.S):
        for start, end in re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', source.group(2)):
            found.add((source.group(1), int(start), int(end)))
    assert found == spans


def test_memo_round_trip_and_unknown_code_error(tmp_path):
    t = transcript_from_text("Q: Hotline?\nA: On hold for 40 minutes. The staff was nice.", "en01")
    codings = pd.DataFrame(
        [
            ("en01", 15, 38, "hotline_wait", "A", "clear case"),
            ("en01", 15, 38, "ivr_maze", "A", "clear case"),
            ("en01", 39, 57, "staff_helpful", "B", ""),
        ],
        columns=[*KEY, "memo"],
    )
    path = write_qdpx(tmp_path / "p.qdpx", [t], CODEBOOK, codings)
    validate_qdpx(path)
    _, _, back = read_qdpx(path)
    assert sorted(back[[*KEY, "memo"]].itertuples(index=False, name=None)) == sorted(
        codings.itertuples(index=False, name=None)
    )
    with pytest.raises(DataError, match="Unknown code"):
        write_qdpx(tmp_path / "bad.qdpx", [t], CODEBOOK, codings.assign(code="nope"))
    with pytest.raises(DataError, match="not exported"):
        write_qdpx(tmp_path / "bad.qdpx", [], CODEBOOK, codings)


def _tool_project(tmp_path: Path, source_bytes: bytes, selections: str, inline: bool = False) -> Path:
    code_guid = "11111111-2222-4333-8444-555555555555"
    user_guid = "{99999999-2222-4333-8444-555555555555}"
    source = (
        f'<TextSource guid="aaaaaaaa-2222-4333-8444-555555555555" name="R09.txt">'
        f"<PlainTextContent>{source_bytes.decode('utf-8-sig')}</PlainTextContent>{selections}</TextSource>"
        if inline
        else f'<TextSource guid="aaaaaaaa-2222-4333-8444-555555555555" name="R09.txt" '
        f'plainTextPath="internal://aaaaaaaa-2222-4333-8444-555555555555.txt">{selections}</TextSource>'
    )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="tool">'
        f'<Users><User guid="{user_guid}" name="Coder Li"/></Users>'
        f'<CodeBook><Codes><Code guid="{code_guid}" name="Long wait" isCodable="true"/></Codes></CodeBook>'
        f"<Sources>{source}</Sources></Project>"
    )
    path = tmp_path / "tool.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        if not inline:
            archive.writestr("sources/aaaaaaaa-2222-4333-8444-555555555555.txt", source_bytes)
    return path


def _selection(start, end, user="{99999999-2222-4333-8444-555555555555}"):
    return (
        f'<PlainTextSelection guid="bbbbbbbb-2222-4333-8444-{start:012d}" startPosition="{start}" '
        f'endPosition="{end}" creatingUser="{user}"><Coding guid="cccccccc-2222-4333-8444-{start:012d}" '
        f'creatingUser="{user}"><CodeRef targetGUID="11111111-2222-4333-8444-555555555555"/></Coding>'
        "</PlainTextSelection>"
    )


def test_tool_sources_with_bom_and_crlf(tmp_path):
    stored = "访谈者：热线怎么样？\r\n受访者：等了四十分钟。\r\n访谈者：还有呢？\r\n受访者：转了好几层菜单。"
    # Positions count the text as stored (CRLF = 2 code points), BOM excluded.
    first = stored.index("等了四十分钟")
    second = stored.index("转了好几层菜单")
    selections = _selection(first, first + 6) + _selection(second, second + 7)
    path = _tool_project(tmp_path, "\ufeff".encode() + stored.encode("utf-8"), selections)
    transcripts, codebook, codings = read_qdpx(path)
    text = transcripts[0].text
    assert transcripts[0].id == "R09" and "\r" not in text and len(transcripts[0].turns) == 4
    assert [text[r.start : r.end] for r in codings.itertuples()] == ["等了四十分钟", "转了好几层菜单"]
    assert codings["coder"].unique().tolist() == ["Coder Li"]
    assert codings["code"].unique().tolist() == ["long_wait"]
    assert codebook.codes[0].name == {"en": "Long wait"}

    # Inline PlainTextContent: XML parsers deliver line ends as LF, so positions count LF text.
    as_parsed = stored.replace("\r\n", "\n")
    first = as_parsed.index("等了四十分钟")
    inline = _tool_project(tmp_path, stored.encode("utf-8"), _selection(first, first + 6), inline=True)
    transcripts, _, codings = read_qdpx(inline)
    text = transcripts[0].text
    assert text[codings.loc[0, "start"] : codings.loc[0, "end"]] == "等了四十分钟"


def test_tool_project_errors(tmp_path):
    stored = "Q: hi\nA: on hold"
    outside = _tool_project(tmp_path, stored.encode(), _selection(10, 99))
    with pytest.raises(DataError, match="outside its source"):
        read_qdpx(outside)
    not_zip = tmp_path / "x.qdpx"
    not_zip.write_bytes(b"nope")
    with pytest.raises(DataError, match=r"Not a readable \.qdpx"):
        read_qdpx(not_zip)
    unknown = _tool_project(tmp_path, stored.encode(), _selection(3, 5).replace("11111111-", "22222222-"))
    with pytest.raises(DataError, match="code that is not in the codebook"):
        read_qdpx(unknown)


def test_redacted_export_maps_spans_through_the_masks(tmp_path):
    text = "Q: 联系方式？\nA: 手机13812345678，找王芳。等了四十分钟。\nQ: 好的。"
    t = transcript_from_text(text, "zh09")

    def span(part):
        start = text.index(part)
        return start, start + len(part)

    rows = [
        ("zh09", *span("手机13812345678"), "hotline_wait", "A"),  # ends at the end of the phone
        ("zh09", *span("345678，找王芳。等了"), "hotline_wait", "A"),  # starts inside the phone
        ("zh09", *span("等了四十分钟。"), "hotline_wait", "B"),  # after both masks
    ]
    codings = pd.DataFrame(rows, columns=KEY)
    path = write_qdpx(tmp_path / "shared.qdpx", [t], CODEBOOK, codings, redact=True, redact_names=["王芳"])
    validate_qdpx(path)
    transcripts, _, back = read_qdpx(path)
    shared = transcripts[0].text
    assert "13812345678" not in shared and "王芳" not in shared
    got = sorted(shared[r.start : r.end] for r in back.itertuples())
    assert got == sorted(["手机[phone]", "[phone]，找[name]。等了", "等了四十分钟。"])


def test_cases_travel_as_variables(tmp_path, sample):
    from research.coding import load_cases, read_qdpx_cases

    study, transcripts, codebook, codings = sample
    cases = load_cases(study, transcripts=transcripts)
    path = write_qdpx(tmp_path / "cases.qdpx", transcripts, codebook, codings, cases=cases)
    validate_qdpx(path)
    back = read_qdpx_cases(path)
    expected = cases.astype(str).where(cases.notna())
    pd.testing.assert_frame_equal(
        back.sort_index()[list(cases.columns)], expected.sort_index(), check_dtype=False
    )


def test_redacted_sample_export(tmp_path, sample):
    from research.privacy import redact

    study, transcripts, codebook, codings = sample
    names = study.section("coding")["redact_names"]
    path = write_qdpx(
        tmp_path / "shared.qdpx", transcripts, codebook, codings, redact=True, redact_names=names
    )
    validate_qdpx(path)
    shared, _, back = read_qdpx(path)
    shared_text = {t.id: t.text for t in shared}
    for t in transcripts:
        assert shared_text[t.id] == redact(t.text, names)
    original = {t.id: t.text for t in transcripts}
    ours = sorted(redact(original[r.transcript_id][r.start : r.end], names) for r in codings.itertuples())
    theirs = sorted(shared_text[r.transcript_id][r.start : r.end] for r in back.itertuples())
    assert ours == theirs  # every selection still covers the same (now redacted) passage
