"""Input integrity of the coding pillar: faults refuse with a DataError, never a silent wrong result.

One broken copy of the sample study per fault class, made by the test (or a tiny fixture). Each
fault must be named by the dry run (:func:`research.coding.preconditions.check_run`, what
``research validate`` lists) with its file and line or row and what to do, and reading the data
must raise the same DataError. The sample itself must still load unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import copy_sample

from research.coding import code_frequencies, load_coding_data, validate_codings
from research.coding.codebook import Code
from research.coding.preconditions import check_run
from research.coding.transcripts import (
    load_transcripts,
    read_transcript,
    speaker_pattern_list,
    transcript_from_text,
    transcript_problems,
)
from research.errors import DataError
from research.study import load_study

RUN = {"language": "en", "segment": "region"}  # the sample's coding-en run
T = Path("interviews") / "transcripts"
# Turns per transcript of the sample as read before these checks existed (planted structure).
SAMPLE_TURNS = {
    "R01": 32,
    "R02": 26,
    "R03": 30,
    "R04": 28,
    "R05": 30,
    "R06": 16,
    "R07": 28,
    "R08": 22,
    "R09": 22,
    "R10": 16,
    "R11": 28,
    "R12": 20,
    "R13": 32,
    "R14": 28,
    "R15": 20,
    "R16": 18,
    "R17": 24,
    "R18": 24,
    "R19": 30,
    "R20": 24,
    "R21": 20,
    "R22": 28,
    "R23": 34,
    "R24": 24,
}


@pytest.fixture
def sample(project_copy: Path) -> Path:
    """A throwaway copy of the sample study (the project root is the copy's project)."""
    return copy_sample(project_copy)


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _edit_study(folder: Path, change) -> None:
    definition = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    change(definition)
    (folder / "study.yml").write_text(
        yaml.safe_dump(definition, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def _problem(problems: list[DataError], *needles: str) -> str:
    hits = [str(p) for p in problems if all(n in str(p) for n in needles)]
    assert hits, f"no problem mentions {needles}; got: {[str(p) for p in problems]}"
    return hits[0]


def _load_fails(*needles: str) -> str:
    with pytest.raises(DataError) as caught:
        load_transcripts(load_study("sample"))
    for needle in needles:
        assert needle in str(caught.value)
    return str(caught.value)


# --- the sample is untouched ---------------------------------------------------------------


def test_sample_still_loads_unchanged():
    study = load_study("sample")
    transcripts, problems = transcript_problems(study)
    assert problems == []
    assert {t.id: len(t.turns) for t in transcripts} == SAMPLE_TURNS
    # Coder A's reference coding of all 24 interviews lands on the same respondent turns:
    # planted main pain point hotline_wait 50 coded turns / 20 respondents (sample README).
    data = load_coding_data(study)
    frequencies = code_frequencies(data.coded, data.codebook, respondents=data.respondent_ids)
    row = frequencies.set_index("code").loc["hotline_wait"]
    assert (row["mentions"], row["respondents"]) == (50, 20)
    assert check_run(study, RUN) == []


# --- subtitle cues -------------------------------------------------------------------------


def test_vtt_cue_with_broken_timestamp(sample):
    # webvtt drops such a cue without a word; the codings after it would shift onto other turns.
    _edit(sample / T / "R20.vtt", "00:00:12.000 --> 00:00:23.000", "00:00:12,000 --> 00:00:23.000")
    message = _problem(check_run(load_study("sample"), RUN), "R20.vtt", "line 8")
    assert "cannot be read" in message and "00:01:02.345 --> 00:01:05.000" in message
    _load_fails("R20.vtt", "line 8")


def test_vtt_cue_without_timing_line(sample):
    _edit(sample / T / "R20.vtt", "00:00:12.000 --> 00:00:23.000\n", "")
    message = _problem(check_run(load_study("sample"), RUN), "R20.vtt")
    assert "line 7 '2' has no cue timing line" in message


def test_srt_cue_with_broken_timestamp(tmp_path):
    path = tmp_path / "zh07.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\n访谈者：顺利吗？\n\n"
        "2\n00:00:02,000 -> 00:00:05,000\n受访者：一直被挽留。\n\n"
        "3\n00:00:05,000 --> 00:00:06,000\n访谈者：明白。\n",
        encoding="utf-8",
    )
    broken = r"line 6 '00:00:02,000 -> 00:00:05,000' is not a cue timing"
    with pytest.raises(DataError, match=broken) as caught:
        read_transcript(path)
    assert "zh07.srt" in str(caught.value)


def test_speaker_label_errors_name_the_cue_line_of_a_subtitle_file(tmp_path):
    path = tmp_path / "en09.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nInterviewer: Hi\n\n"
        "00:00:02.000 --> 00:00:04.000\nRespondnet: Hello\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"'Respondnet' \(line 7\)"):
        read_transcript(path)


# --- speaker labels ------------------------------------------------------------------------


def test_misspelt_speaker_label(sample):
    text = (sample / T / "R03.txt").read_text(encoding="utf-8-sig")
    position = text.index("受访者：说实话，营业厅排了")
    (sample / T / "R03.txt").write_text(text[:position] + "受访着" + text[position + 3 :], encoding="utf-8")
    message = _problem(check_run(load_study("sample"), RUN), "R03.txt", "'受访着' (line 19)")
    assert "Labels seen: 访谈者 (interviewer), 受访者 (respondent)" in message
    assert "speaker_patterns" in message and "Correct the spelling" in message
    _load_fails("R03.txt", "受访着")


def test_undeclared_speaker_label_then_declared(sample):
    # Every respondent label of R07 renamed: before, its 14 respondent turns became role "other"
    # and left the analysis (respondent mentions fell without a word).
    _edit(sample / T / "R07.txt", "受访者：", "被访人：", count=-1)
    lines = "'被访人' (line 3, line 7, line 11 and"
    message = _problem(check_run(load_study("sample"), RUN), "R07.txt", lines)
    assert "respondent: ['被访人']" in message
    _edit_study(sample, lambda s: s["coding"].update(speaker_patterns={"respondent": ["^被访人[:：]"]}))
    study = load_study("sample")
    assert check_run(study, RUN) == []
    transcripts = load_transcripts(study)
    assert {t.id: len(t.turns) for t in transcripts} == SAMPLE_TURNS
    r07 = next(t for t in transcripts if t.id == "R07")
    assert sum(turn.role == "respondent" for turn in r07.turns) == 14


def test_unknown_names_in_a_transcript_without_builtin_labels():
    text = "王先生：您好\n李女士：排队太久\n王先生：抱歉\n李女士：好吧"
    with pytest.raises(DataError, match="Unknown speaker label"):
        transcript_from_text(text, "x")
    t = transcript_from_text(text, "x", speaker_patterns={"interviewer": "王先生", "respondent": "李女士"})
    assert [turn.role for turn in t.turns] == ["interviewer", "respondent"] * 2


def test_unlabelled_texts_and_header_lines_stay_legitimate():
    # No speaker label at all: one respondent's paragraphs, a "比如：" line is text.
    t = transcript_from_text("Slow app.\n比如：登录要三次。\nNote: the bill doubled.", "r1")
    assert [turn.role for turn in t.turns] == ["respondent"] * 3
    # A header before the first label belongs to no turn (日期 is not like any label seen).
    t = transcript_from_text("日期：2025-06-01\n访谈者：您好\n受访者：好", "x")
    assert [turn.speaker for turn in t.turns] == ["访谈者", "受访者"]
    # A header line misspelling a label seen is not silently a header.
    with pytest.raises(DataError, match=r"'访谈着' \(line 1\)"):
        transcript_from_text("访谈着：您好\n受访者：好\n访谈者：嗯", "x")


def test_label_shaped_text_line_in_a_labelled_transcript():
    text = "访谈者：哪里不满意？\n受访者：很多。\n比如：登录要三次。\n访谈者：明白。"
    with pytest.raises(DataError, match=r"'比如' \(line 3\).*not_speaker"):
        transcript_from_text(text, "x")
    t = transcript_from_text(text, "x", speaker_patterns={"not_speaker": ["比如"]})
    assert t.text[t.turns[1].start : t.turns[1].end] == "很多。\n比如：登录要三次。"
    # Times and web addresses at a line start are not labels.
    t = transcript_from_text("Q: When?\nA: Late.\n10:30 they came.\nhttps://example.com failed", "x")
    assert len(t.turns) == 2


def test_speaker_patterns_forms():
    assert speaker_pattern_list({"interviewer": ["^Q[:：]", "访谈者"], "respondent": "A："}) == [
        {"pattern": "Q", "role": "interviewer"},
        {"pattern": "访谈者", "role": "interviewer"},
        {"pattern": "A", "role": "respondent"},
    ]
    assert speaker_pattern_list([{"pattern": "客服", "role": "interviewer"}]) == [
        {"pattern": "客服", "role": "interviewer"}
    ]
    with pytest.raises(DataError, match="Unknown speaker role") as caught:
        speaker_pattern_list({"agent": ["x"]}, file="study.yml")
    assert caught.value.column == "coding.speaker_patterns.agent"
    with pytest.raises(DataError, match="Invalid speaker pattern") as caught:
        speaker_pattern_list({"respondent": ["A", "^:"]})
    assert caught.value.column == "coding.speaker_patterns.respondent[1]"


# --- codings whose text is not at their offsets --------------------------------------------


def test_coding_text_not_at_its_offsets(sample):
    # Offsets shifted by two characters (an edited transcript, an older export).
    _edit(sample / "interviews" / "codings_coder_a.csv", "R01,118,135,", "R01,120,137,")
    message = _problem(check_run(load_study("sample"), RUN), "codings_coder_a.csv", "row 2", "column 'text'")
    assert "'营业厅的小姑娘很耐心，讲得很清楚。'" in message
    assert "reads '厅的小姑娘很耐心，讲得很清楚。'" in message
    assert "re-export the codings" in message
    with pytest.raises(DataError, match="not the transcript's text"):
        load_coding_data(load_study("sample"))


def test_coding_text_mismatch_is_truncated_and_redacted():
    transcript = transcript_from_text("Q: Number?\nA: Call me on 13812345678 after six please.", "x")
    codings = pd.DataFrame(
        {
            "transcript_id": ["x", "x"],
            "start": [14, 14],
            "end": [54, 24],
            "code": ["c", "c"],
            "coder": ["A", "A"],
            "text": ["Call me on 13912345678 after six please, or write to me any time.", "Call me at"],
        }
    )
    with pytest.raises(DataError) as caught:
        validate_codings(codings, transcripts=[transcript], file="codings.csv")
    message = str(caught.value)
    assert "13912345678" not in message and "13812345678" not in message and "[phone]" in message
    assert "…" in message and "row 2" in message and "(also rows [3])" in message
    # Whitespace differences are not content: a cell with a line break where the text has one.
    codings = codings.iloc[[1]].assign(text="Call me \n on")
    assert len(validate_codings(codings, transcripts=[transcript], file="codings.csv")) == 1


# --- empty files ---------------------------------------------------------------------------


def test_empty_transcript(sample):
    (sample / T / "R05.txt").write_text("\n \n", encoding="utf-8")
    message = _problem(check_run(load_study("sample"), RUN), "R05.txt", "empty")
    assert "Remove the file or add its text" in message
    _load_fails("R05.txt", "empty")


def test_every_transcript_problem_at_once(sample):
    (sample / T / "R05.txt").write_text("", encoding="utf-8")
    _edit(sample / T / "R07.txt", "受访者：", "被访人：", count=-1)
    _edit(sample / T / "R20.vtt", "00:00:12.000 --> 00:00:23.000", "00:00:12.000 --> 00:00:2x.000")
    problems = check_run(load_study("sample"), RUN)
    for name in ("R05.txt", "R07.txt", "R20.vtt"):
        _problem(problems, name)
    # The codings of the unreadable transcripts are not reported as unknown transcripts too.
    assert not [p for p in problems if "are not transcripts" in str(p)]
    message = _load_fails("R05.txt")
    assert "2 more problem(s)" in message and "research validate" in message


# --- languages -----------------------------------------------------------------------------


def test_unsupported_transcript_language(sample):
    _edit_study(sample, lambda s: s["files"]["transcripts"].update(options={"language": "fr"}))
    message = _problem(check_run(load_study("sample"), RUN), "files.transcripts.options.language")
    assert "study.yml" in message and "'zh' or 'en'" in message
    _load_fails("files.transcripts.options.language")


def test_unsupported_report_language():
    study = load_study("sample")
    message = _problem(check_run(study, {**RUN, "language": "fr"}), "column 'language'", "'fr'")
    assert "zh" in message and "en" in message
    # A notebook run without the dry run stops at the first labelled table, not a KeyError.
    with pytest.raises(DataError, match=r"Unsupported language.*'zh' or 'en'"):
        Code("hotline_wait", None, {"en": "Long wait"}).label("fr")
    data = load_coding_data(study)
    with pytest.raises(DataError, match="column 'language'"):
        code_frequencies(data.coded, data.codebook, respondents=data.respondent_ids, language="fr")
