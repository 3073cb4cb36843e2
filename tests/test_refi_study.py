"""A study whose interviews come as a REFI-QDA project: ``coding: {qdpx: <file id>}``."""

from __future__ import annotations

import pytest
from test_refi_roundtrip import zip_fixture

from research import DataError
from research.coding import coding_files, load_codebook, load_codings, load_transcripts
from research.coding.preconditions import check_run
from research.coding.refi_codes import QdaCodebook
from research.coding.report import load_coding_data
from research.study import load_study


@pytest.fixture
def qdpx_study(minimal_study):
    folder = minimal_study()
    (folder / "coding").mkdir()
    zip_fixture("qualcoder", folder / "coding" / "project.qdpx")
    minimal_study(
        files={"project": {"path": "coding/project.qdpx", "role": "transcripts"}},
        coding={"qdpx": "project"},
    )
    return load_study(folder)


def test_a_qdpx_is_transcripts_codebook_and_codings(qdpx_study):
    files = coding_files(qdpx_study)
    assert (files.transcripts, files.codebook, files.codings) == ("project", "project", ("project",))
    transcripts = load_transcripts(qdpx_study)
    assert [t.id for t in transcripts] == ["interview02", "访谈01"]
    codebook = load_codebook(qdpx_study.file(files.codebook), study=qdpx_study)
    assert isinstance(codebook, QdaCodebook) and len(codebook.codable_ids) == 3
    codings = load_codings(qdpx_study, file_ids=files.codings, codebook=codebook, transcripts=transcripts)
    texts = {t.id: t.text for t in transcripts}
    # The same passages the fixture's selections mark (tests/data/refi/qualcoder/project.qde).
    assert sorted(texts[r.transcript_id][r.start : r.end] for r in codings.itertuples()) == sorted(
        [
            "打热线等了四十分钟才有人接",
            "门店排队也久",
            "店员态度很好",
            "on hold for half an hour",
            "The staff were friendly",
        ]
    )
    assert sorted(codings["coder"].unique()) == ["default", "陈静"]
    assert check_run(qdpx_study, {"language": "en"}) == []
    # The coding report's loader takes the project as it is (the coder with most codings leads).
    data = load_coding_data(qdpx_study)
    assert data.reference_coder == "陈静" and len(data.spans) == 3


def test_a_yaml_codebook_can_replace_the_projects(qdpx_study, minimal_study):
    # Codings of a project checked against another codebook: unknown codes are named.
    folder = qdpx_study.folder
    (folder / "codebook.yml").write_text("codes:\n  - {id: other, name: {en: Other}}\n", encoding="utf-8")
    minimal_study(
        files={
            "project": {"path": "coding/project.qdpx", "role": "transcripts"},
            "codebook": {"path": "codebook.yml", "role": "codebook"},
        },
        coding={"qdpx": "project", "codebook": "codebook"},
    )
    problems = check_run(load_study(folder), {})
    assert len(problems) == 1 and problems[0].message == "Unknown code"


def test_coding_qdpx_must_name_a_project_file(minimal_study):
    folder = minimal_study()
    (folder / "notes.txt").write_text("Q: hi\nA: hello\n", encoding="utf-8")
    minimal_study(files={"notes": {"path": "notes.txt", "role": "transcripts"}}, coding={"qdpx": "notes"})
    with pytest.raises(DataError, match=r"coding\.qdpx must name a REFI-QDA project file"):
        coding_files(load_study(folder))
