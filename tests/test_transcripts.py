"""Transcripts: formats, encodings, CRLF, speaker turns, sentence units, cases."""

from __future__ import annotations

import docx
import pytest

from research import DataError, load_study
from research.coding import (
    load_cases,
    load_transcripts,
    read_transcript,
    split_sentences,
    transcript_from_text,
    units_frame,
)

ZH = (
    "访谈者：您好，最近打过客服热线吗？\n受访者：打过。等了半天！转了好几层菜单；最后还是没人接。\n"
    "访谈者：后来呢？\n受访者：去营业厅办的。"
)
EN = (
    "Interviewer: How was the hotline?\n"
    "Respondent: I was on hold for 40 minutes. Mr. Li helped!\nIt cost 3.5 dollars."
)


def _body(t, turn):
    return t.text[turn.start : turn.end]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_txt_encodings_and_crlf_give_the_same_offsets(tmp_path, encoding, newline):
    path = tmp_path / "zh01.txt"
    path.write_bytes(ZH.replace("\n", newline).encode(encoding))
    t = read_transcript(path)
    reference = transcript_from_text(ZH, "zh01")
    assert t.text == ZH  # BOM dropped, CRLF -> LF
    assert t.turns == reference.turns
    assert t.id == "zh01" and t.language == "zh"
    assert [_body(t, turn) for turn in t.turns][1] == "打过。等了半天！转了好几层菜单；最后还是没人接。"


def test_declared_encoding(tmp_path):
    path = tmp_path / "zh.txt"
    path.write_bytes(ZH.encode("gbk"))
    assert read_transcript(path, encoding="gbk").text == ZH
    with pytest.raises(DataError, match="Cannot decode"):
        read_transcript(path, encoding="utf-8")


def test_turn_roles_speakers_and_offsets():
    t = transcript_from_text(EN, "en01")
    assert [(x.index, x.speaker, x.role) for x in t.turns] == [
        (1, "Interviewer", "interviewer"),
        (2, "Respondent", "respondent"),
    ]
    assert _body(t, t.turns[1]) == "I was on hold for 40 minutes. Mr. Li helped!\nIt cost 3.5 dollars."
    assert t.language == "en"


def test_sentence_units_chinese_and_english():
    zh = transcript_from_text(ZH, "zh01")
    assert [u.text for u in zh.units("sentence") if u.turn == 2] == [
        "打过。",
        "等了半天！",
        "转了好几层菜单；",
        "最后还是没人接。",
    ]
    en = transcript_from_text(EN, "en01")
    assert [u.text for u in en.units("sentence") if u.turn == 2] == [
        "I was on hold for 40 minutes.",
        "Mr. Li helped!",
        "It cost 3.5 dollars.",
    ]
    for unit in zh.units("sentence") + en.units("turn"):
        source = zh if unit.transcript_id == "zh01" else en
        assert source.text[unit.start : unit.end] == unit.text


def test_split_sentences_keeps_closing_quotes():
    text = "他说：“太慢了！”然后挂了。"
    assert [text[a:b] for a, b in split_sentences(text)] == ["他说：“太慢了！”", "然后挂了。"]


def test_split_sentences_english_edge_cases():
    # "no." ends a sentence unless a number follows ("No. 5"); a quote after a number stays.
    cases = {
        "The answer was no. Then I left.": ["The answer was no.", "Then I left."],
        "Ticket No. 5 was lost. Again.": ["Ticket No. 5 was lost.", "Again."],
        'I paid 50." Then he hung up.': ['I paid 50."', "Then he hung up."],
    }
    for text, expected in cases.items():
        assert [text[a:b] for a, b in split_sentences(text)] == expected


def test_unit_ids_and_frame():
    frame = units_frame([transcript_from_text(ZH, "zh01")], unit="turn")
    assert frame["unit_id"].tolist() == ["zh01-T001", "zh01-T002", "zh01-T003", "zh01-T004"]
    assert list(frame.columns) == [
        "transcript_id",
        "unit_id",
        "turn",
        "speaker",
        "role",
        "start",
        "end",
        "text",
        "language",
    ]
    assert frame["role"].tolist() == ["interviewer", "respondent"] * 2
    with pytest.raises(DataError, match="Unknown coding unit"):
        units_frame([transcript_from_text(ZH, "zh01")], unit="word")


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        ("Q: hi\nA: hello", ["Q", "A"]),
        ("主持人：你好\n用户：你好", ["主持人", "用户"]),
        ("I: hi\nR: hello", ["I", "R"]),
        ("[00:01:02] Interviewer: hi\n[00:01:09] Respondent: hello", ["Interviewer", "Respondent"]),
        ("**访谈者：** 你好\n**受访者：** 好", ["访谈者", "受访者"]),
    ],
)
def test_default_speaker_patterns(text, speakers):
    assert [t.speaker for t in transcript_from_text(text, "x").turns] == speakers


def test_undeclared_name_label_is_an_error_until_declared():
    # Before: an undeclared "John Smith:" became a speaker of role "other", silently out of the
    # respondents' analysis. Now it must be declared with its role.
    text = "Interviewer: hi\nJohn Smith: hello\nInterviewer: ok\nJohn Smith: bye"
    with pytest.raises(DataError, match=r"'John Smith' \(line 2, line 4\)"):
        transcript_from_text(text, "x")
    t = transcript_from_text(text, "x", speaker_patterns={"respondent": "John Smith"})
    assert [(x.speaker, x.role) for x in t.turns] == [
        ("Interviewer", "interviewer"),
        ("John Smith", "respondent"),
    ] * 2


def test_header_lines_and_configured_patterns():
    text = "日期：2025-06-01\n客服甲：您好\n受访者：排队太久\n客服甲：抱歉"
    t = transcript_from_text(text, "x", speaker_patterns=[{"pattern": "客服甲", "role": "interviewer"}])
    assert [(x.speaker, x.role) for x in t.turns] == [
        ("客服甲", "interviewer"),
        ("受访者", "respondent"),
        ("客服甲", "interviewer"),
    ]
    with pytest.raises(DataError, match=r"speaker_patterns\[0\]\.role"):
        transcript_from_text(text, "x", speaker_patterns=[{"pattern": "客服甲", "role": "agent"}])
    with pytest.raises(DataError, match="Invalid speaker pattern"):
        transcript_from_text(text, "x", speaker_patterns=[{"pattern": "客服(", "role": "other"}])


def test_markdown_docx_vtt_srt(tmp_path):
    md = tmp_path / "en02.md"
    md.write_text(
        "# Interview en02\n\n**Interviewer:** How was the install?\n\n**Respondent:** Nobody came.\n",
        encoding="utf-8",
    )
    t = read_transcript(md)
    assert [(x.role, _body(t, x)) for x in t.turns] == [
        ("interviewer", "How was the install?"),
        ("respondent", "Nobody came."),
    ]

    document = docx.Document()
    document.add_paragraph("访谈者：您好")
    document.add_paragraph("受访者：账单多扣了钱。")
    document.save(tmp_path / "zh05.docx")
    t = read_transcript(tmp_path / "zh05.docx")
    assert t.text == "访谈者：您好\n受访者：账单多扣了钱。" and t.turns[1].role == "respondent"

    (tmp_path / "en03.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>How was porting?\n\n"
        "00:00:03.000 --> 00:00:06.000\n<v Respondent>They kept calling me\nto stay.\n",
        encoding="utf-8",
    )
    t = read_transcript(tmp_path / "en03.vtt")
    assert t.text == "Interviewer: How was porting?\nRespondent: They kept calling me to stay."
    assert t.turns[1].role == "respondent"

    (tmp_path / "zh06.srt").write_bytes(
        "1\r\n00:00:01,000 --> 00:00:02,000\r\n访谈者：携号转网顺利吗？\r\n\r\n"
        "2\r\n00:00:02,000 --> 00:00:05,000\r\n受访者：一直被挽留。\r\n".encode("gbk")
    )
    t = read_transcript(tmp_path / "zh06.srt")
    assert t.text == "访谈者：携号转网顺利吗？\n受访者：一直被挽留。"


def test_bad_files_are_clear_errors(tmp_path):
    (tmp_path / "empty.txt").write_bytes("\ufeff  \r\n".encode())
    with pytest.raises(DataError, match="empty") as caught:
        read_transcript(tmp_path / "empty.txt")
    assert "empty.txt" in str(caught.value)
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(DataError, match="Unsupported transcript format"):
        read_transcript(tmp_path / "x.pdf")
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="Cannot read the Word file"):
        read_transcript(tmp_path / "broken.docx")
    (tmp_path / "bad.vtt").write_text("not a subtitle file", encoding="utf-8")
    with pytest.raises(DataError, match="subtitle"):
        read_transcript(tmp_path / "bad.vtt")
    with pytest.raises(DataError, match="File not found"):
        read_transcript(tmp_path / "missing.txt")


def test_unlabelled_text_is_one_respondents_paragraphs():
    t = transcript_from_text("First line. Still first.\n\nSecond line.", "x")
    assert [(x.speaker, x.role, _body(t, x)) for x in t.turns] == [
        ("", "respondent", "First line. Still first."),
        ("", "respondent", "Second line."),
    ]
    assert [u.text for u in t.units("paragraph")] == [u.text for u in t.units("turn")]
    assert [u.text for u in t.units("sentence")] == ["First line.", "Still first.", "Second line."]
    assert [u.unit_id for u in t.units("sentence")] == ["x-T001-S01", "x-T001-S02", "x-T002-S01"]


def _study_with_transcripts(minimal_study, files, respondents="id,region\nzh01,east\nen01,west\n", **coding):
    folder = minimal_study()
    (folder / "transcripts").mkdir(exist_ok=True)
    for name, content in files.items():
        (folder / "transcripts" / name).write_bytes(content)
    (folder / "respondents.csv").write_text(respondents, encoding="utf-8")
    minimal_study(
        files={
            "transcripts": {"path": "transcripts", "role": "transcripts"},
            "respondents": {"path": "respondents.csv", "role": "respondents"},
        },
        coding={"respondents": "respondents", **coding},
    )
    return load_study("mini")


def test_load_transcripts_and_cases(minimal_study):
    study = _study_with_transcripts(
        minimal_study,
        {"zh01.txt": ZH.encode("gbk"), "en01.txt": EN.encode("utf-8-sig"), "notes.csv": b"x"},
        speaker_patterns=[{"pattern": "客服甲", "role": "interviewer"}],
    )
    transcripts = load_transcripts(study)
    assert [t.id for t in transcripts] == ["en01", "zh01"]
    cases = load_cases(study, transcripts=transcripts)
    assert cases.index.name == "transcript_id"
    assert cases.loc["zh01", "region"] == "east"
    units = units_frame(transcripts).join(cases, on="transcript_id")
    assert set(units["region"]) == {"east", "west"}


def test_cases_errors(minimal_study):
    study = _study_with_transcripts(
        minimal_study,
        {"zh01.txt": ZH.encode(), "en01.txt": EN.encode(), "zh02.txt": ZH.encode()},
        respondents="id,region\nzh01,east\nen01,west\nzh01,north\n",
    )
    with pytest.raises(DataError, match="Duplicate respondent id") as caught:
        load_cases(study)
    assert caught.value.row == 4 and caught.value.value == "zh01"

    study = _study_with_transcripts(
        minimal_study, {"zh01.txt": ZH.encode(), "en01.txt": EN.encode(), "zh02.txt": ZH.encode()}
    )
    with pytest.raises(DataError, match="no case row") as caught:
        load_cases(study, transcripts=load_transcripts(study))
    assert caught.value.value == "zh02"


def test_duplicate_transcript_ids(minimal_study):
    study = _study_with_transcripts(minimal_study, {"zh01.txt": ZH.encode(), "zh01.md": ZH.encode()})
    with pytest.raises(DataError, match="share one id"):
        load_transcripts(study)


@pytest.mark.parametrize(
    ("coding", "message", "field"),
    [
        ({"unit": "word"}, "not allowed", "coding.unit"),
        ({"redact_name": ["x"]}, "unknown field", "coding.redact_name"),
        ({"codebook": "nope"}, "undeclared data file", "coding.codebook"),
        ({"codings": ["respondents"]}, "expected 'codings'", "files.respondents.role"),
        (
            {"speaker_patterns": [{"pattern": "客服(", "role": "interviewer"}]},
            "Invalid speaker pattern",
            "coding.speaker_patterns[0].pattern",
        ),
        (
            {"speaker_patterns": [{"pattern": "x", "role": "agent"}]},
            "Unknown speaker role",
            "coding.speaker_patterns[0].role",
        ),
        ({"speaker_patterns": {"agent": ["x"]}}, "Unknown speaker role", "coding.speaker_patterns.agent"),
        (
            {"speaker_patterns": {"respondent": ["A", "被访("]}},
            "Invalid speaker pattern",
            "coding.speaker_patterns.respondent[1]",
        ),
    ],
)
def test_coding_section_is_validated_on_load(minimal_study, coding, message, field):
    _study_with_transcripts(minimal_study, {"zh01.txt": ZH.encode()})
    minimal_study(
        files={
            "transcripts": {"path": "transcripts", "role": "transcripts"},
            "respondents": {"path": "respondents.csv", "role": "respondents"},
        },
        coding=coding,
    )
    with pytest.raises(DataError, match=message) as caught:
        load_study("mini", check_sections=True)
    assert caught.value.column == field
    assert caught.value.file.endswith("study.yml")


def test_coding_settings_defaults(minimal_study, monkeypatch):
    from research.coding import coding_settings

    study = _study_with_transcripts(minimal_study, {"zh01.txt": ZH.encode()}, pseudonym_key_env="MY_KEY")
    settings = coding_settings(study)
    assert (settings.transcripts, settings.unit) == ("transcripts", "turn")
    assert settings.respondents == "respondents"
    monkeypatch.setenv("MY_KEY", "secret")
    assert settings.pseudonym_key() == "secret"


def test_a_table_of_texts_is_a_transcripts_source(minimal_study):
    folder = minimal_study()
    table = 'review_id,body,stars\nr2,"Cold food. Late again!",1\nr1,外卖送得很快。,5\nr3,,3\n'
    (folder / "reviews.csv").write_text(table, encoding="utf-8")
    minimal_study(
        files={
            "reviews": {
                "path": "reviews.csv",
                "role": "transcripts",
                "options": {"id_column": "review_id", "text_column": "body"},
            }
        }
    )
    transcripts = load_transcripts(load_study("mini"))
    assert [(t.id, t.language) for t in transcripts] == [("r1", "zh"), ("r2", "en")]  # empty r3 skipped
    units = units_frame(transcripts, unit="sentence")
    assert units["text"].tolist() == ["外卖送得很快。", "Cold food.", "Late again!"]
    assert set(units["role"]) == {"respondent"}
    assert units_frame(transcripts, unit="paragraph")["unit_id"].tolist() == ["r1-T001", "r2-T001"]


@pytest.mark.parametrize(
    ("table", "options", "message"),
    [
        ("id,text\nr1,a\nr1,b\n", {}, "Two texts share one id"),
        ("id,body\nr1,a\n", {}, "text"),
        ("id,text\n,a\n", {}, "Empty text id"),
        ("id,text\nr1,\n", {}, "No texts found"),
    ],
)
def test_table_of_texts_errors(minimal_study, table, options, message):
    folder = minimal_study()
    (folder / "texts.csv").write_text(table, encoding="utf-8")
    minimal_study(files={"texts": {"path": "texts.csv", "role": "transcripts", "options": options}})
    with pytest.raises(DataError, match=message):
        load_transcripts(load_study("mini"))


def test_coding_files_found_by_role(minimal_study):
    from research.coding import coding_files

    folder = minimal_study()
    for name in ("texts.csv", "book.yml", "people.csv", "c1.csv", "c2.csv"):
        (folder / name).write_text("id,text\nr1,a\n", encoding="utf-8")
    files = {
        "texts": {"path": "texts.csv", "role": "transcripts"},
        "book": {"path": "book.yml", "role": "codebook"},
    }
    minimal_study(files=files)
    found = coding_files(load_study("mini"))
    assert (found.transcripts, found.codebook) == ("texts", "book")
    assert (found.respondents, found.codings) == (None, ())
    minimal_study(
        files={
            **files,
            "people": {"path": "people.csv", "role": "respondents"},
            "c2": {"path": "c2.csv", "role": "codings"},
            "c1": {"path": "c1.csv", "role": "codings"},
        }
    )
    found = coding_files(load_study("mini"))
    assert (found.respondents, found.codings) == ("people", ("c1", "c2"))
    minimal_study(files={**files, "more": {"path": "c1.csv", "role": "transcripts"}})
    with pytest.raises(DataError, match="Cannot tell which file is the transcripts") as caught:
        coding_files(load_study("mini"))
    assert caught.value.column == "coding.transcripts"
    minimal_study(files={"texts": {"path": "texts.csv", "role": "transcripts"}})
    with pytest.raises(DataError, match="declares no codebook"):
        coding_files(load_study("mini"))
