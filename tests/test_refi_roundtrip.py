"""REFI-QDA round trips of projects and codebooks shaped like other tools' exports.

Fixtures: tests/data/refi (README there says where each quirk comes from). "Equal" means equal
after Canonical XML 2.0 (W3C, 2013; ``xml.etree.ElementTree.canonicalize`` with
``strip_text=True``): the same elements, attributes, namespaces, text and processing
instructions, up to attribute order and whitespace around text. Validity is checked with
xmlschema against the REFI-QDA 1.5 schemas, independently of the code under test.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xmlschema

from research import DataError
from research.coding import read_qdc, read_qdpx, restore_workbench_fields, write_qdc, write_qdpx
from research.coding.codebook import Codebook, codebook_from_dict
from research.coding.refi import SCHEMA_DIR, project_from_workbench
from research.coding.refi_codes import QdaCodebook, stable_guid
from research.coding.transcripts import transcript_from_text

FIXTURES = Path(__file__).parent / "data" / "refi"
PROJECTS = ["qualcoder", "atlasti", "nvivo"]
CODEBOOKS = ["atlasti_codebook.qdc", "qualcoder_codebook.qdc"]


@pytest.fixture(scope="module")
def schemas():
    return {
        "project": xmlschema.XMLSchema(str(SCHEMA_DIR / "Project-mrt2019.xsd")),
        "codebook": xmlschema.XMLSchema(str(SCHEMA_DIR / "Codebook.xsd")),
    }


def _members(folder: Path) -> dict[str, bytes]:
    files = sorted(f for f in folder.rglob("*") if f.is_file())
    return {f.relative_to(folder).as_posix(): f.read_bytes() for f in files}


def zip_fixture(name: str, out: Path) -> Path:
    """The fixture folder zipped member for member into a .qdpx."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in _members(FIXTURES / name).items():
            archive.writestr(member, data)
    return out


def canonical(data: bytes) -> str:
    return ET.canonicalize(data.decode("utf-8-sig"), strip_text=True)


def _valid(schema: xmlschema.XMLSchema, data: bytes) -> list[str]:
    return [str(error.reason) for error in schema.iter_errors(data.decode("utf-8-sig"))]


@pytest.mark.parametrize("name", PROJECTS)
def test_project_round_trip_is_lossless_and_valid(tmp_path, schemas, name):
    source = zip_fixture(name, tmp_path / f"{name}.qdpx")
    members = _members(FIXTURES / name)
    assert _valid(schemas["project"], members["project.qde"]) == []  # the fixture itself is valid

    out = write_qdpx(tmp_path / f"{name}_out.qdpx", read_qdpx(source))
    with zipfile.ZipFile(out) as archive:
        written = {member: archive.read(member) for member in archive.namelist()}
    assert sorted(written) == sorted(members)
    for member, data in members.items():
        if member != "project.qde":
            assert written[member] == data, member  # sources byte for byte (BOM, CRLF, encoding)
    assert canonical(written["project.qde"]) == canonical(members["project.qde"])
    assert _valid(schemas["project"], written["project.qde"]) == []


@pytest.mark.parametrize("name", CODEBOOKS)
def test_codebook_round_trip_is_lossless_and_valid(tmp_path, schemas, name):
    data = (FIXTURES / name).read_bytes()
    assert _valid(schemas["codebook"], data) == []
    out = write_qdc(tmp_path / name, read_qdc(FIXTURES / name))
    assert canonical(out.read_bytes()) == canonical(data)
    assert _valid(schemas["codebook"], out.read_bytes()) == []


def test_qualcoder_project_read_into_objects(tmp_path):
    project = read_qdpx(zip_fixture("qualcoder", tmp_path / "q.qdpx"))
    assert project.name == "营业厅访谈.qda" and project.origin == "QualCoder 3.5"
    assert project.created == "2024-03-18T09:12:44Z"
    assert project.description == "营业厅与热线服务的顾客访谈，两位编码员。"
    assert [u.name for u in project.users] == ["default", "陈静"]
    # Codes keep GUIDs, names, colours, descriptions (verbatim, multi-line) and parents.
    codebook = project.codebook
    wait = next(c for c in codebook.codes if c.name == {"zh": "热线等待"})
    record = codebook.records[wait.id]
    written = ET.fromstring(_members(FIXTURES / "qualcoder")["project.qde"])
    assert record.guid == next(e.get("guid") for e in written.iter() if e.get("name") == "热线等待")
    assert record.description == (
        "Caller waits on hold before reaching an agent.\nInclude transfers between queues."
    )
    assert wait.color == "#F781F3" and codebook.code(wait.parent).codable is False
    staff = next(c.id for c in codebook.codes if c.name == {"zh": "员工态度好"})
    assert codebook.records[staff].description == ""  # an empty <Description /> stays
    # Sources: text, description, source variables; notes (journal file with BOM, annotation).
    first = next(s for s in project.text_sources if s.name == "访谈01.txt")
    assert first.description == "第一次访谈，营业厅" and first.creating_user == project.users[1].guid
    assert [v.value for v in first.values] == ["营业厅"]
    journal, annotation = project.notes
    assert journal.name == "研究日志" and journal.text == "第二轮访谈前先统一编码规则。\n" and journal.bom
    assert annotation.inline and annotation.text == "回访时确认等待时长"
    assert first.text[annotation.selections[0].start : annotation.selections[0].end] == "四十分钟"
    # Cases with variables, keyed by their source's transcript id.
    cases = project.case_variables()
    assert cases.loc["访谈01", "年龄段"] == "30-39" and cases.loc["访谈01", "访谈时长"] == "42.5"
    assert cases.loc["interview02", "年龄段"] == "40-49"
    assert [v.type for v in project.variables] == ["Text", "Float", "Text"]
    # Workbench views: transcripts and codings with coder names and memos.
    texts = {t.id: t.text for t in project.transcripts}
    codings = project.codings
    got = sorted(
        (r.transcript_id, texts[r.transcript_id][r.start : r.end], r.coder, r.memo)
        for r in codings.itertuples()
    )
    assert got == sorted(
        [
            ("访谈01", "打热线等了四十分钟才有人接", "陈静", "典型的等待抱怨"),
            ("访谈01", "门店排队也久", "陈静", ""),
            ("访谈01", "店员态度很好", "default", ""),
            ("interview02", "on hold for half an hour", "default", ""),
            ("interview02", "The staff were friendly", "陈静", "Praise, but only after the long wait."),
        ]
    )


def test_atlasti_project_crlf_bom_sets_and_notes(tmp_path):
    project = read_qdpx(zip_fixture("atlasti", tmp_path / "a.qdpx"))
    transcripts, codebook, codings = project  # the older tuple form still unpacks
    texts = {t.id: t.text for t in transcripts}
    assert "\r" not in texts["R01"] and all(s.bom for s in project.text_sources)
    assert sorted(texts[r.transcript_id][r.start : r.end] for r in codings.itertuples()) == sorted(
        ["The app crashed twice during payment", "The refund took three weeks", "等了三个星期"]
    )
    assert [(c.id, c.parent) for c in codebook.codes] == [
        ("app_problems", None),
        ("crash", "app_problems"),
        ("refund_delay", None),
    ]
    assert codebook.guid("crash") == codebook.records["crash"].guid and codebook.guid("crash").isupper()
    assert [(s.name, len(s.member_codes), len(s.member_sources)) for s in project.sets] == [
        ("Pain points", 2, 0),
        ("Wave 1", 0, 2),
    ]
    memo = project.notes[0]
    selection = project.text_sources[0].selections[1]
    assert selection.note_refs == [memo.guid] and memo.text.startswith("Refunds are")
    assert project.extra_attributes["{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"].startswith(
        "urn:QDA-XML:project:1.0"
    )
    assert project.modified == "2024-05-06T08:05:12Z" and project.users[0].id == "MS"


def test_nvivo_project_keeps_what_the_workbench_does_not_model(tmp_path):
    project = read_qdpx(zip_fixture("nvivo", tmp_path / "n.qdpx"))
    assert project.source_folder == "Sources" and project.base_path == ""
    assert len(project.text_sources) == 1 and len(project.sources) == 2  # the picture is kept as XML
    binary = [n for n in _members(FIXTURES / "nvivo") if n.endswith((".docx", ".png"))]
    assert sorted(project.files) == sorted(binary)
    case = project.cases[0]
    assert [(v.kind, v.value) for v in case.values] == [
        ("BooleanValue", "false"),
        ("IntegerValue", "4"),
        ("DateValue", "2025-02-18"),
        ("TextValue", "North"),
    ]
    codings = project.codings
    whole = codings[codings["code"] == "branch_visits"]
    length = len(project.transcripts[0].text)
    assert whole[["start", "end", "coder"]].values.tolist() == [[0, length, "Coder"]]
    assert codings.loc[codings["code"] == "waiting_time", "coder"].tolist() == ["unknown"]


def test_changed_codes_keep_guid_and_description_and_carry_workbench_fields(tmp_path, schemas):
    project = read_qdpx(zip_fixture("qualcoder", tmp_path / "q.qdpx"))
    codebook = project.codebook
    wait = next(c for c in codebook.codes if c.name == {"zh": "热线等待"})
    changed = dataclasses.replace(
        wait,
        name={"zh": "热线等待", "en": "Hotline wait"},
        valence="pain_point",
        touchpoints=("hotline",),
        keywords={"zh": ["等了"]},
    )
    new_code = codebook_from_dict({"codes": [{"id": "new_code", "name": {"en": "Added here"}}]}).codes[0]
    codes = [changed if c.id == wait.id else c for c in codebook.codes] + [new_code]
    project.codebook = QdaCodebook(codes, records=codebook.records, sets=codebook.sets)
    out = write_qdpx(tmp_path / "changed.qdpx", project, language="zh")
    again = write_qdpx(tmp_path / "again.qdpx", project, language="zh")
    assert out.read_bytes() == again.read_bytes()  # stable GUIDs for the added code
    with zipfile.ZipFile(out) as archive:
        qde = archive.read("project.qde")
    assert _valid(schemas["project"], qde) == []
    text = qde.decode("utf-8")
    assert "[touchpoint-workbench]" not in text and "<?touchpoint-workbench {" in text
    assert f'guid="{stable_guid("code", "new_code")}"' in text
    back = read_qdpx(out).codebook
    assert back.code(wait.id) == changed and back.code("new_code") == new_code
    assert back.records[wait.id].guid == codebook.records[wait.id].guid
    assert back.records[wait.id].description == codebook.records[wait.id].description  # verbatim
    assert back.records[wait.id].name == "热线等待"  # the name other tools show is unchanged
    # The codings still point at the same code (same GUID).
    assert (read_qdpx(out).codings["code"] == wait.id).sum() == 2


def test_fields_come_back_after_a_tool_dropped_them(tmp_path):
    # Export, let a "tool" re-export (it keeps GUIDs, descriptions and positions but drops the
    # processing instructions), read it back and restore the fields from our codebook.
    codebook = codebook_from_dict(
        {
            "codes": [
                {"id": "access", "name": {"zh": "服务可达性", "en": "Access"}, "codable": False},
                {
                    "id": "hotline_wait",
                    "parent": "access",
                    "name": {"zh": "热线等待久", "en": "Long wait"},
                    "definition": "Waiting on the hotline.",
                    "include": "hold",
                    "valence": "pain_point",
                    "touchpoints": ["hotline"],
                    "keywords": {"zh": ["等了半天"]},
                    "color": "#D55E00",
                },
                {"id": "staff_helpful", "name": {"en": "Helpful staff"}, "valence": "delight"},
            ]
        }
    )
    text = "Q: Hotline?\nA: On hold for ages. Staff were kind."
    t = transcript_from_text(text, "en01")
    starts = [text.index("On hold"), text.index("Staff")]
    codings = pd.DataFrame(
        {
            "transcript_id": ["en01", "en01"],
            "start": starts,
            "end": [32, len(text)],
            "code": ["hotline_wait", "staff_helpful"],
            "coder": ["A", "A"],
        }
    )
    ours = write_qdpx(tmp_path / "ours.qdpx", [t], codebook, codings)
    theirs = tmp_path / "theirs.qdpx"
    with zipfile.ZipFile(ours) as source, zipfile.ZipFile(theirs, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "project.qde":
                root = ET.fromstring(data)  # the standard parser drops processing instructions
                data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
            target.writestr(name, data)
    project = read_qdpx(theirs)
    assert project.codebook.codes != codebook.codes  # ids from names, no valence
    project.codebook = restore_workbench_fields(project.codebook, codebook)
    assert project.codebook.codes == codebook.codes
    assert project.codings[["code"]].values.ravel().tolist() == ["hotline_wait", "staff_helpful"]


def test_workbench_codebook_description_is_for_people(tmp_path):
    codebook = codebook_from_dict(
        {
            "codes": [
                {
                    "id": "wait",
                    "name": {"zh": "等待久", "en": "Long wait"},
                    "definition": "Waiting.",
                    "include": "hold",
                    "valence": "pain_point",
                    "patterns": {"en": ["a?>b"]},
                },
            ]
        }
    )
    path = write_qdc(tmp_path / "cb.qdc", codebook, language="en")
    root = ET.parse(path).getroot()
    description = root.find(
        "{urn:QDA-XML:codebook:1.0}Codes/{urn:QDA-XML:codebook:1.0}Code/{urn:QDA-XML:codebook:1.0}Description"
    ).text
    assert description == "Waiting.\n\nInclude: hold"
    assert read_qdc(path).codes == codebook.codes  # "?>" inside a pattern survives the instruction


def test_legacy_trailer_is_still_read(tmp_path):
    path = tmp_path / "old.qdc"
    path.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="d9b3ef7c-7a4c-4a0c-9f3c-7c1d0f1a2b3c" '
        'name="Long wait" isCodable="true"><Description>Waiting.\n\n[touchpoint-workbench] '
        '{"id": "wait", "name": {"en": "Long wait"}, "definition": "Waiting.", "valence": "pain_point"}'
        "</Description></Code></Codes></CodeBook>",
        encoding="utf-8",
    )
    code = read_qdc(path).codes[0]
    assert (code.id, code.valence, code.definition) == ("wait", "pain_point", "Waiting.")


def test_workbench_project_is_stable_and_guids_follow_the_codebook(tmp_path):
    t = transcript_from_text("Q: Hotline?\nA: On hold for ages.", "en01")
    source_codebook = read_qdc(FIXTURES / "atlasti_codebook.qdc")
    codings = pd.DataFrame(
        {"transcript_id": ["en01"], "start": [15], "end": [32], "code": ["crash"], "coder": ["A"]}
    )
    first = project_from_workbench([t], source_codebook, codings)
    second = project_from_workbench([t], source_codebook, codings)
    assert first.sources[0].guid == second.sources[0].guid == stable_guid("source", "en01")
    coding = first.sources[0].selections[0].codings[0]
    assert coding.code_guid == source_codebook.records["crash"].guid  # the tool's GUID, no duplicate
    assert isinstance(first.codebook, Codebook)


def test_errors_name_the_place(tmp_path):
    with pytest.raises(DataError, match="redact=True applies to transcripts"):
        write_qdpx(tmp_path / "x.qdpx", read_qdpx(zip_fixture("atlasti", tmp_path / "a.qdpx")), redact=True)
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("project.qde", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    with pytest.raises(DataError, match="root element must be Project"):
        read_qdpx(bad)
    missing = tmp_path / "missing.qdpx"
    with zipfile.ZipFile(missing, "w") as archive:
        archive.writestr("project.qde", _members(FIXTURES / "qualcoder")["project.qde"])
    with pytest.raises(DataError, match="missing from the project archive"):
        read_qdpx(missing)
