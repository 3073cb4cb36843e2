"""Interview transcripts: reading, speaker turns, coding units, and the cases they belong to.

Offsets
-------
Every position (``Turn.start``, ``Unit.start``, the ``start``/``end`` of a coding) counts
Unicode code points from 0 into :attr:`Transcript.text`, end exclusive, exactly like Python
slicing and like REFI-QDA's ``startPosition``/``endPosition``. ``Transcript.text`` is the text as
a researcher sees it: decoded (UTF-8 with or without BOM, GBK/GB18030 detected, or the declared
encoding), the BOM dropped, and line endings normalised to ``\\n`` (CRLF and lone CR). So
``transcript.text[start:end]`` is always the coded passage, and the REFI-QDA export writes this
normalised text as the source so tools see the same positions.

Formats: ``.txt`` and ``.md`` (plain text), ``.docx`` (paragraphs joined by ``\\n``), ``.vtt``
and ``.srt`` subtitles (one line per cue; a WebVTT voice ``<v Name>`` becomes a ``Name:`` label).

Speaker turns start at a line beginning with a speaker label (``Q:``, ``访谈者：``,
``Interviewer:``, ...; see :data:`DEFAULT_SPEAKER_PATTERNS`, extended per study by
``coding.speaker_patterns`` in study.yml). A turn runs until the next label; its offsets cover
the body after the label. Text before the first label (a header) belongs to no turn.

A text without any speaker label (a customer review, a complaint, an open survey answer) is one
respondent's text: every non-empty line is a paragraph, a turn of speaker ``""`` and role
``respondent``. Its coding units are those paragraphs (unit ``turn`` or ``paragraph``) or their
sentences (unit ``sentence``).

Besides one file per transcript, a transcripts source may be one table (``.csv``, ``.tsv``,
``.xlsx``) with one text per row: an id column and a text column (``options.id_column``,
default ``id``; ``options.text_column``, default ``text``), e.g. an export of customer reviews.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from research.errors import DataError
from research.io import read_table, read_text

#: File suffixes read as transcripts.
TRANSCRIPT_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt")
#: File suffixes of a transcripts source that is one table with one text per row.
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xls", ".xlsm")
#: Coding units: a speaker turn (in a text without speaker labels: a paragraph), a sentence.
UNITS = ("turn", "paragraph", "sentence")

#: Built-in speaker labels: (regex of the label, role). A label is matched at the start of a
#: line, optionally after a timestamp (``[00:01:23]``) or Markdown emphasis, and must be
#: followed by a colon (``:`` or ``：``). Generic ``Name:`` labels count only when the same
#: name starts at least two lines, so header lines like ``日期：2025-06-01`` are not speakers.
DEFAULT_SPEAKER_PATTERNS: list[dict[str, str]] = [
    {"pattern": r"访谈者|访问者|采访者|访谈员|主持人|研究员|问", "role": "interviewer"},
    {"pattern": r"受访者|被访者|受访人|用户|客户|答", "role": "respondent"},
    {"pattern": r"(?i:interviewer|moderator|researcher)(?:\s*\d+)?|I|Q", "role": "interviewer"},
    {"pattern": r"(?i:respondent|participant|interviewee|customer)(?:\s*\d+)?|R|A|P", "role": "respondent"},
]
_GENERIC_NAME = r"[A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){0,2}|[\u4e00-\u9fff]{1,4}(?:先生|女士|经理|老师)?"
_LABEL_PREFIX = r"^[ \t]*(?:\[?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]?[ \t]*)?[>*_#\- \t]*"
_LABEL_SUFFIX = r"[ \t*_]*[:：][ \t*_]*"
ROLES = ("interviewer", "respondent", "other")

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[A-Za-z]")
# Sentence ends: Chinese 。！？； (and …), English . ! ? followed by space/end; closing quotes
# and brackets stay with their sentence; a line break always ends a sentence.
_CLOSERS = "”’\"'」』）)】"
_SENTENCE_END_RE = re.compile(
    rf"[。！？；!?…]+[{_CLOSERS}]*|(?<![0-9])\.+[{_CLOSERS}]*(?=\s|$)|\.[{_CLOSERS}]*(?=\s|$)|\n"
)
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "no", "approx"}
#: Abbreviations that are also common sentence-final words count only before a number ("No. 5").
_ABBREVIATIONS_BEFORE_NUMBER = {"no"}
_DOT_BEFORE_NUMBER_RE = re.compile(r"\.\s+\d")


@dataclass(frozen=True)
class Turn:
    """One speaker turn: ``text[start:end]`` is its body (after the speaker label).

    ``index`` counts turns from 1 in reading order.
    """

    index: int
    speaker: str
    role: str  # "interviewer" | "respondent" | "other"
    start: int
    end: int


@dataclass(frozen=True)
class Unit:
    """One coding unit: a whole turn, or one sentence of a turn.

    ``unit_id`` is ``"<transcript>-T<turn:03>"`` for turns and ``"...-S<n:02>"`` appended for
    sentences (both counted from 1); ``text`` equals ``Transcript.text[start:end]``.
    """

    unit_id: str
    transcript_id: str
    turn: int
    speaker: str
    role: str
    start: int
    end: int
    text: str


@dataclass
class Transcript:
    """One interview: its normalised text, language and speaker turns."""

    id: str
    text: str
    path: Path | None
    language: str  # "zh" | "en"
    turns: list[Turn] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"Transcript({self.id!r}, {self.language}, {len(self.text)} chars, {len(self.turns)} turns)"

    def units(self, unit: str = "turn") -> list[Unit]:
        """Coding units: ``"turn"`` (one per turn; ``"paragraph"`` is the same, the natural name
        for a text without speaker labels, whose turns are its paragraphs) or ``"sentence"``
        (sentences of each turn).

        Examples
        --------
        >>> t = transcript_from_text("访谈者：您好。\\n受访者：等了半天！没人接。", "zh01")
        >>> [u.text for u in t.units("sentence")]
        ['您好。', '等了半天！', '没人接。']
        >>> t.units()[1].unit_id
        'zh01-T002'
        >>> [(u.role, u.text) for u in transcript_from_text("Slow app. Rude staff.", "r1").units("sentence")]
        [('respondent', 'Slow app.'), ('respondent', 'Rude staff.')]
        """
        if unit not in UNITS:
            raise DataError(
                "Unknown coding unit", column="unit", value=unit, hint=f"Use one of {list(UNITS)}."
            )
        units = []
        for turn in self.turns:
            base = f"{self.id}-T{turn.index:03d}"
            if unit == "sentence":
                spans = split_sentences(self.text, turn.start, turn.end)
            else:
                spans = [(turn.start, turn.end)]
            for number, (start, end) in enumerate(spans, start=1):
                unit_id = f"{base}-S{number:02d}" if unit == "sentence" else base
                text = self.text[start:end]
                units.append(Unit(unit_id, self.id, turn.index, turn.speaker, turn.role, start, end, text))
        return units


def detect_language(text: str) -> str:
    """``"zh"`` if at least 20% of the letters are CJK characters, else ``"en"``.

    Examples
    --------
    >>> detect_language("我办了5G套餐"), detect_language("I waited on hold")
    ('zh', 'en')
    """
    cjk = len(_CJK_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    return "zh" if cjk and cjk / (cjk + latin) >= 0.2 else "en"


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF (positions then count one code point per line break)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` inside ``text[start:end]``, whitespace trimmed.

    Examples
    --------
    >>> s = "I waited. Mr. Li helped!  Done"
    >>> [s[a:b] for a, b in split_sentences(s)]
    ['I waited.', 'Mr. Li helped!', 'Done']
    """
    end = len(text) if end is None else end
    spans = []
    piece_start = start
    for match in _SENTENCE_END_RE.finditer(text, start, end):
        if match.group().startswith(".") and _is_abbreviation(text, match.start(), piece_start):
            continue
        _append_trimmed(text, piece_start, match.end(), spans)
        piece_start = match.end()
    _append_trimmed(text, piece_start, end, spans)
    return spans


def _is_abbreviation(text: str, dot: int, floor: int) -> bool:
    word_start = dot
    while word_start > floor and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    if word in _ABBREVIATIONS_BEFORE_NUMBER:  # "No. 5" vs "the answer was no. Then"
        return _DOT_BEFORE_NUMBER_RE.match(text, dot) is not None
    return word in _ABBREVIATIONS


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _compile_patterns(
    speaker_patterns: Sequence[dict[str, str]] | None, file: Path | str | None
) -> list[tuple[re.Pattern[str], str]]:
    compiled = []
    for index, item in enumerate([*(speaker_patterns or []), *DEFAULT_SPEAKER_PATTERNS]):
        role = item.get("role", "other")
        if role not in ROLES:
            raise DataError(
                "Unknown speaker role",
                file=file,
                column=f"coding.speaker_patterns[{index}].role",
                value=role,
                hint=f"Use one of {list(ROLES)}.",
            )
        try:
            label = re.compile(_LABEL_PREFIX + f"(?P<label>{item['pattern']})" + _LABEL_SUFFIX, re.MULTILINE)
        except (re.error, KeyError) as exc:
            raise DataError(
                f"Invalid speaker pattern: {exc}",
                file=file,
                column=f"coding.speaker_patterns[{index}].pattern",
                value=item.get("pattern"),
                hint="Write a Python regular expression for the label before the colon.",
            ) from None
        compiled.append((label, role))
    return compiled


def _find_labels(text: str, patterns: list[tuple[re.Pattern[str], str]]) -> list[tuple[int, int, str, str]]:
    """(line start, body start, speaker, role) for each line that opens a turn."""
    labels = []
    generic = re.compile(_LABEL_PREFIX + f"(?P<label>{_GENERIC_NAME})" + _LABEL_SUFFIX, re.MULTILINE)
    generic_hits: list[tuple[int, int, str]] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        for pattern, role in patterns:
            match = pattern.match(text, line_start, line_end)
            if match:
                labels.append((line_start, match.end(), match.group("label").strip(), role))
                break
        else:
            match = generic.match(text, line_start, line_end)
            if match:
                generic_hits.append((line_start, match.end(), match.group("label").strip()))
        line_start = line_end + 1
    names = [name for _, _, name in generic_hits]
    labels += [(a, b, name, "other") for a, b, name in generic_hits if names.count(name) >= 2]
    return sorted(labels)


def split_turns(
    text: str, speaker_patterns: Sequence[dict[str, str]] | None = None, *, file: Path | str | None = None
) -> list[Turn]:
    """Speaker turns of a normalised text (see the module docstring).

    Without any speaker label the text is one respondent's: every non-empty line (paragraph) is a
    turn of speaker ``""``, role ``"respondent"``.

    Examples
    --------
    >>> text = "Interviewer: How was the hotline?\\nRespondent: I was on hold for 40 minutes.\\nIt was awful."
    >>> [(t.speaker, t.role, text[t.start:t.end]) for t in split_turns(text)][1]
    ('Respondent', 'respondent', 'I was on hold for 40 minutes.\\nIt was awful.')
    """
    labels = _find_labels(text, _compile_patterns(speaker_patterns, file))
    turns: list[Turn] = []
    if not labels:
        spans: list[tuple[int, int]] = []
        line_start = 0
        for line in text.split("\n"):
            _append_trimmed(text, line_start, line_start + len(line), spans)
            line_start += len(line) + 1
        return [Turn(i, "", "respondent", a, b) for i, (a, b) in enumerate(spans, start=1)]
    for position, (_, body_start, speaker, role) in enumerate(labels):
        stop = labels[position + 1][0] if position + 1 < len(labels) else len(text)
        trimmed: list[tuple[int, int]] = []
        _append_trimmed(text, body_start, stop, trimmed)
        start, end = trimmed[0] if trimmed else (body_start, body_start)
        turns.append(Turn(len(turns) + 1, speaker, role, start, end))
    return turns


def transcript_from_text(
    text: str,
    transcript_id: str,
    *,
    path: Path | None = None,
    language: str | None = None,
    speaker_patterns: Sequence[dict[str, str]] | None = None,
) -> Transcript:
    """Build a :class:`Transcript` from text already decoded (line endings are normalised here).

    Examples
    --------
    >>> transcript_from_text("Q: Hi\\r\\nA: Hello", "en01").turns[1]
    Turn(index=2, speaker='A', role='respondent', start=9, end=14)
    """
    text = normalise_newlines(text.removeprefix("\ufeff"))
    if not text.strip():
        raise DataError(
            "The transcript is empty", file=path, value=transcript_id, hint="Remove the file or add its text."
        )
    language = language or detect_language(text)
    if language not in ("zh", "en"):
        raise DataError("Unknown transcript language", file=path, value=language, hint='Use "zh" or "en".')
    turns = split_turns(text, speaker_patterns, file=path)
    return Transcript(transcript_id, text, path, language, turns)


def _docx_text(path: Path) -> str:
    import docx  # python-docx; imported lazily, it is slow to import

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for broken files
        raise DataError(
            f"Cannot read the Word file: {exc}", file=path, hint="Open and re-save it as .docx."
        ) from None
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def _subtitle_text(path: Path, encoding: str | None) -> str:
    import io

    import webvtt

    content = normalise_newlines(read_text(path, encoding))
    subtitle_format = "srt" if path.suffix.lower() == ".srt" else "vtt"
    try:
        captions = webvtt.from_buffer(io.StringIO(content), format=subtitle_format)
    except Exception as exc:  # webvtt raises its own MalformedFileError / MalformedCaptionError
        raise DataError(
            f"Cannot parse the subtitle file: {exc}", file=path, hint="Check it opens in a video player."
        ) from None
    lines = []
    for caption in captions:
        body = " ".join(part.strip() for part in caption.text.split("\n") if part.strip())
        voice = getattr(caption, "voice", None)
        lines.append(f"{voice}: {body}" if voice else body)
    return "\n".join(lines)


def read_transcript(
    path: str | Path,
    *,
    encoding: str | None = None,
    transcript_id: str | None = None,
    language: str | None = None,
    speaker_patterns: Sequence[dict[str, str]] | None = None,
) -> Transcript:
    """Read one transcript file (``.txt``, ``.md``, ``.docx``, ``.vtt``, ``.srt``).

    Parameters
    ----------
    path : str or Path
        The transcript file.
    encoding : str, optional
        Text encoding; detected (UTF-8 with or without BOM, GBK/GB18030) when omitted.
    transcript_id : str, optional
        Defaults to the file name without suffix.
    language : {"zh", "en"}, optional
        Defaults to detection by the share of CJK characters.
    speaker_patterns : list of {"pattern": regex, "role": role}, optional
        Extra speaker labels, tried before :data:`DEFAULT_SPEAKER_PATTERNS`.

    Returns
    -------
    Transcript
        Text normalised to ``\\n`` line endings; offsets are code points into it.

    Raises
    ------
    DataError
        Missing, unreadable, undecodable or empty file, unsupported format.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "zh01.txt"
    >>> _ = p.write_bytes("访谈者：热线怎么样？\\r\\n受访者：等了40分钟。".encode("gbk"))
    >>> t = read_transcript(p)
    >>> t.id, t.language, t.text[t.turns[1].start:t.turns[1].end]
    ('zh01', 'zh', '等了40分钟。')
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TRANSCRIPT_SUFFIXES:
        raise DataError(
            f"Unsupported transcript format {path.suffix!r}",
            file=path,
            hint=f"Use one of {list(TRANSCRIPT_SUFFIXES)}; export Word files as .docx.",
        )
    if not path.exists():
        raise DataError("File not found", file=path, hint="Check the transcripts folder in study.yml.")
    if suffix == ".docx":
        text = _docx_text(path)
    elif suffix in (".vtt", ".srt"):
        text = _subtitle_text(path, encoding)
    else:
        text = read_text(path, encoding)
    return transcript_from_text(
        text,
        transcript_id or path.stem,
        path=path,
        language=language,
        speaker_patterns=speaker_patterns,
    )


def _coding_section(study: Any) -> dict[str, Any]:
    return study.section("coding") if hasattr(study, "section") else {}


def load_transcripts(study: Any, *, file_id: str | None = None) -> list[Transcript]:
    """Read every transcript of the source declared by *file_id*, sorted by id.

    The source is a folder of transcript files (the id of a transcript is its file stem), one
    transcript file, or one table with one text per row (``.csv``, ``.tsv``, ``.xlsx``; ids from
    ``options.id_column``, default ``id``, texts from ``options.text_column``, default ``text``;
    empty texts are skipped). The file's ``encoding`` and ``options.language`` in study.yml
    apply to all its transcripts; speaker patterns come from ``coding.speaker_patterns``.

    Raises
    ------
    DataError
        No transcripts, two transcripts with one id, an unreadable or empty file, a table
        without its id or text column.

    Examples
    --------
    >>> from research.study import load_study
    >>> study = load_study("sample")
    >>> transcripts = load_transcripts(study)  # doctest: +SKIP
    """
    section = _coding_section(study)
    if file_id is None:
        from research.coding.schema import coding_files

        file_id = coding_files(study, require_codebook=False).transcripts
    spec = study.file_spec(file_id)
    folder = study.file(file_id)
    patterns = section.get("speaker_patterns")
    language = spec.options.get("language")
    if folder.is_file() and folder.suffix.lower() in TABLE_SUFFIXES:
        return _table_transcripts(folder, spec, patterns)
    files = (
        sorted(p for p in folder.iterdir() if p.suffix.lower() in TRANSCRIPT_SUFFIXES and p.is_file())
        if folder.is_dir()
        else [folder]
    )
    if not files:
        raise DataError(
            "No transcripts found",
            file=folder,
            hint=f"Put {', '.join(TRANSCRIPT_SUFFIXES)} files there, or one table of texts "
            f"({', '.join(TABLE_SUFFIXES)}), or fix files.{file_id}.path.",
        )
    seen: dict[str, Path] = {}
    transcripts = []
    for path in files:
        if path.stem in seen:
            raise DataError(
                "Two transcripts share one id (file name without suffix)",
                file=path,
                value=path.stem,
                hint=f"Also {seen[path.stem].name}; rename one of them.",
            )
        seen[path.stem] = path
        transcripts.append(
            read_transcript(path, encoding=spec.encoding, language=language, speaker_patterns=patterns)
        )
    return sorted(transcripts, key=lambda t: t.id)


def _table_transcripts(
    path: Path, spec: Any, speaker_patterns: Sequence[dict[str, str]] | None
) -> list[Transcript]:
    """One transcript per row of a table of texts (see :func:`load_transcripts`)."""
    id_column = spec.options.get("id_column", "id")
    text_column = spec.options.get("text_column", "text")
    frame = read_table(
        path, encoding=spec.encoding, sheet=spec.sheet, required_columns=[id_column, text_column],
        dtype={id_column: str},
    )
    transcripts = []
    seen: dict[str, int] = {}
    for position, (raw_id, text) in enumerate(zip(frame[id_column], frame[text_column], strict=True)):
        row = position + 2
        if pd.isna(text) or not str(text).strip():
            continue
        transcript_id = "" if pd.isna(raw_id) else str(raw_id).strip()
        if not transcript_id:
            raise DataError("Empty text id", file=path, row=row, column=id_column)
        if transcript_id in seen:
            raise DataError(
                "Two texts share one id", file=path, row=row, column=id_column, value=transcript_id,
                hint=f"Row {seen[transcript_id]} has the same id; ids must be unique.",
            )
        seen[transcript_id] = row
        transcripts.append(
            transcript_from_text(
                str(text), transcript_id, path=path, language=spec.options.get("language"),
                speaker_patterns=speaker_patterns,
            )
        )
    if not transcripts:
        raise DataError(
            "No texts found", file=path, column=text_column, hint="The text column is empty in every row."
        )
    return sorted(transcripts, key=lambda t: t.id)


UNIT_COLUMNS = ["transcript_id", "unit_id", "turn", "speaker", "role", "start", "end", "text", "language"]


def units_frame(transcripts: Iterable[Transcript], unit: str = "turn") -> pd.DataFrame:
    """All coding units of *transcripts* as a tidy table, one row per unit.

    Columns: ``transcript_id, unit_id, turn, speaker, role, start, end, text, language``.

    Examples
    --------
    >>> t = transcript_from_text("Q: Any problems?\\nA: My bill doubled. Nobody told me.", "en01")
    >>> units_frame([t], unit="sentence")[["unit_id", "role", "text"]]
             unit_id         role              text
    0  en01-T001-S01  interviewer     Any problems?
    1  en01-T002-S01   respondent  My bill doubled.
    2  en01-T002-S02   respondent    Nobody told me.
    """
    rows = [
        (u.transcript_id, u.unit_id, u.turn, u.speaker, u.role, u.start, u.end, u.text, t.language)
        for t in transcripts
        for u in t.units(unit)
    ]
    frame = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    return frame.astype({"turn": "int64", "start": "int64", "end": "int64"})


def load_cases(
    study: Any,
    *,
    file_id: str | None = None,
    transcripts: Iterable[Transcript] | None = None,
    id_column: str | None = None,
) -> pd.DataFrame:
    """The respondent (case) table, indexed by ``transcript_id``.

    Parameters
    ----------
    study : Study
    file_id : str, optional
        Defaults to ``coding.respondents`` in study.yml, else the one file of role
        ``respondents``.
    transcripts : list of Transcript, optional
        When given, every transcript must have a case row.
    id_column : str, optional
        Column holding the transcript id; defaults to ``options.id_column`` of the file, else
        ``id``.

    Returns
    -------
    DataFrame
        One row per case, index ``transcript_id`` (join units with
        ``units.join(cases, on="transcript_id")``), the other columns as in the file.

    Raises
    ------
    DataError
        Missing id column, empty or duplicate ids (naming the rows), transcripts without a case.

    Examples
    --------
    >>> from research.study import load_study
    >>> cases = load_cases(load_study("sample"))  # doctest: +SKIP
    """
    if file_id is None:
        from research.coding.schema import coding_files

        file_id = coding_files(study, require_codebook=False).respondents
    if file_id is None:
        candidates = sorted(study.files_with_role("respondents"))
        if len(candidates) != 1:
            raise DataError(
                "Cannot tell which file holds the respondents",
                file=study.yml_path,
                column="coding.respondents",
                hint=f"Name it in study.yml coding.respondents (files with role respondents: {candidates}).",
            )
        file_id = candidates[0]
    spec = study.file_spec(file_id)
    path = study.file(file_id)
    id_column = id_column or spec.options.get("id_column", "id")
    frame = read_table(
        path, encoding=spec.encoding, sheet=spec.sheet, required_columns=[id_column], dtype=str
    )
    ids = frame[id_column].str.strip()
    for position in range(len(frame)):
        if pd.isna(ids.iloc[position]) or not ids.iloc[position]:
            raise DataError("Empty respondent id", file=path, row=position + 2, column=id_column)
    duplicated = ids[ids.duplicated(keep=False)]
    if len(duplicated):
        rows = [int(i) + 2 for i in duplicated.index]
        raise DataError(
            "Duplicate respondent id",
            file=path,
            row=rows[1],
            column=id_column,
            value=duplicated.iloc[0],
            hint=f"Rows {rows} share ids; each transcript needs exactly one case row.",
        )
    cases = frame.drop(columns=[id_column]).set_axis(pd.Index(ids, name="transcript_id"), axis=0)
    if transcripts is not None:
        missing = [t.id for t in transcripts if t.id not in cases.index]
        if missing:
            raise DataError(
                f"{len(missing)} transcript(s) have no case row",
                file=path,
                column=id_column,
                value=missing[0],
                hint=f"Add rows for {missing[:10]} (id = transcript file name without suffix).",
            )
    return cases
