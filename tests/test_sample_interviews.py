"""The sample interviews: formats, exact offsets, planted personal data, coder agreement level,
determinism of the generator."""

from __future__ import annotations

from pathlib import Path

import pytest

from research import load_study
from research.coding import (
    code_agreement,
    load_cases,
    load_codebook,
    load_codings,
    load_transcripts,
    units_frame,
)
from research.privacy import is_luhn_valid, is_valid_resident_id, redact
from research.sample import interviews
from research.sample.parts import SampleContext


@pytest.fixture(scope="module")
def sample():
    study = load_study("sample")
    transcripts = load_transcripts(study)
    codebook = load_codebook(study.file("codebook"), study=study)
    return study, transcripts, codebook


def test_transcripts_mix_languages_formats_and_encodings(sample):
    study, transcripts, _ = sample
    assert len(transcripts) == 24
    assert sum(t.language == "zh" for t in transcripts) == 16
    assert all(15 <= len(t.turns) <= 34 for t in transcripts)
    folder = study.file("transcripts")
    assert {p.suffix for p in folder.iterdir()} == {".txt", ".docx", ".vtt", ".md"}
    raw = {p.stem: p.read_bytes() for p in folder.glob("*.txt")}
    assert raw["R03"].startswith(b"\xef\xbb\xbf") and b"\r\n" in raw["R07"]
    with pytest.raises(UnicodeDecodeError):
        raw["R05"].decode("utf-8")  # GBK
    assert raw["R05"].decode("gbk").startswith("访谈者：")
    assert raw["R18"].startswith(b"Q: ")


def test_codings_point_at_their_text_exactly(sample):
    study, transcripts, codebook = sample
    codings = load_codings(study, codebook=codebook, transcripts=transcripts)  # validates spans and codes
    text = {t.id: t.text for t in transcripts}
    for row in codings.itertuples():
        assert text[row.transcript_id][row.start : row.end] == row.text
    assert set(codings.loc[codings["coder"] == "A", "transcript_id"]) == {t.id for t in transcripts}
    assert sorted(codings.loc[codings["coder"] == "B", "transcript_id"].unique()) == interviews.DOUBLE_CODED


def test_codebook_and_cases(sample):
    study, transcripts, codebook = sample
    assert len(codebook.codable_ids) == 22 and len(codebook) - len(codebook.codable_ids) == 6
    assert {c.valence for c in codebook.codes if c.codable} == {"pain_point", "delight", "neutral"}
    cases = load_cases(study, transcripts=transcripts)
    assert set(cases["region"]) <= {"east", "south", "north", "west"} and len(cases) == 24
    assert study.section("coding")["codings"] == ["codings_coder_a", "codings_coder_b"]


def test_planted_personal_data_is_valid_and_redactable(sample):
    study, transcripts, _ = sample
    assert is_valid_resident_id(interviews.VALID_ID) and not is_valid_resident_id(interviews.INVALID_ID)
    assert is_luhn_valid(interviews.BANK_CARD)
    text = {t.id: t.text for t in transcripts}
    assert interviews.VALID_ID in text["R08"] and interviews.BANK_CARD in text["R05"]
    names = study.section("coding")["redact_names"]
    cleaned = {tid: redact(body, names) for tid, body in text.items()}
    assert "[id]" in cleaned["R08"] and "[card]" in cleaned["R05"] and "[email]" in cleaned["R10"]
    assert "[phone]" in cleaned["R02"] and "[name]" in cleaned["R04"]
    assert interviews.INVALID_ID in cleaned["R12"]  # wrong check digit: an order number, kept


def test_coder_b_agrees_at_the_planted_level(sample):
    study, transcripts, codebook = sample
    units = units_frame(transcripts)
    codings = load_codings(study, codebook=codebook, transcripts=transcripts)
    result = code_agreement(codings, units[units["role"] == "respondent"], n_boot=0)
    overall = result.table.set_index("code").loc["overall"]
    assert 0.8 < overall["cohen_kappa"] < 0.97
    assert len(result.disagreements) > 5


def test_generator_is_deterministic_and_scales(tmp_path: Path):
    first = interviews.generate(SampleContext(out=tmp_path / "a", scale=0.25))
    second = interviews.generate(SampleContext(out=tmp_path / "b", scale=0.25))
    files_a = sorted((tmp_path / "a").rglob("*.*"))
    assert len(files_a) == 6 + 4  # 6 transcripts + respondents, codebook, two codings files
    for path in files_a:
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path
    assert first.truths == second.truths and "hotline" in first.truths
    assert {r["id"] for r in first.runs} == {"coding-zh", "coding-en"}
