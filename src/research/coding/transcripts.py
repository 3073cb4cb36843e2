r"""Interview transcripts: reading, speaker turns, coding units, and the cases they belong to.

Offsets
-------
Every position (``Turn.start``, ``Unit.start``, the ``start``/``end`` of a coding) counts
Unicode code points from 0 into :attr:`Transcript.text`, end exclusive, exactly like Python
slicing and like REFI-QDA's ``startPosition``/``endPosition``. ``Transcript.text`` is the text as
a researcher sees it: decoded (UTF-8 with or without BOM, GBK/GB18030 detected, or the declared
encoding), the BOM dropped, and line endings normalised to ``\n`` (CRLF and lone CR). So
``transcript.text[start:end]`` is always the coded passage, and the REFI-QDA export writes this
normalised text as the source so tools see the same positions.

Formats: ``.txt`` and ``.md`` (plain text), ``.docx`` (paragraphs joined by ``\n``), ``.vtt``
and ``.srt`` subtitles (one line per cue; a WebVTT voice ``<v Name>`` becomes a ``Name:`` label).

Speaker turns start at a line beginning with a speaker label (``Q:``, ``访谈者：``,
``Interviewer:``, ...; see :data:`DEFAULT_SPEAKER_PATTERNS`, extended per study by
``coding.speaker_patterns`` in study.yml). A turn runs until the next label; its offsets cover
the body after the label. Text before the first label (a header such as ``日期：2025-06-01``)
belongs to no turn.

Unknown speaker labels are errors, never guesses. A transcript *has speaker labels* when a line
starts with a known label (declared or built in) or when one undeclared ``Name:`` opens two or
more lines. In such a transcript, every line after the first label that starts with a
label-shaped prefix (:data:`LABEL_SHAPE`: up to 20 characters without spaces, or up to three
capitalised words, holding a letter, then ``:`` or ``：``) that no pattern knows is an unknown
label (``Respondnet:``, ``被访人：``, ``John Smith:``): its turns would be dropped or given to the
previous speaker, so reading the transcript fails with a :class:`~research.errors.DataError`
naming the file, the lines and the labels seen. A header line before the first label is
reported too when its label looks like a known one (``访谈着：`` next to ``访谈者：``). Declare
labels with their role in ``coding.speaker_patterns``; a label-shaped start that is ordinary
text (``比如：``) is declared with role ``not_speaker``.

Subtitles are checked cue by cue: a cue whose timing line cannot be read, or text outside any
cue, is a DataError naming the file's line (a parser would drop the cue silently and every
coding after it would land on the wrong turn).

A text without any speaker label (a customer review, a complaint, an open survey answer) is one
respondent's text: every non-empty line is a paragraph, a turn of speaker ``""`` and role
``respondent``. Its coding units are those paragraphs (unit ``turn`` or ``paragraph``) or their
sentences (unit ``sentence``).

Besides one file per transcript, a transcripts source may be one table (``.csv``, ``.tsv``,
``.xlsx``) with one text per row: an id column and a text column (``options.id_column``,
default ``id``; ``options.text_column``, default ``text``), e.g. an export of customer reviews.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from research.coding.codebook import check_language
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
#: Role of a declared label-shaped line start that is ordinary text, not a speaker (``比如：``).
NOT_SPEAKER = "not_speaker"
#: Roles a ``coding.speaker_patterns`` entry may give.
PATTERN_ROLES = (*ROLES, NOT_SPEAKER)
#: A label-shaped line start: optional timestamp and Markdown emphasis, then up to 20 characters
#: without spaces or up to three capitalised words (``Kevin Zhou``, ``Speaker 2``), holding a
#: letter, then a colon that does not start a URL (``https://``).
LABEL_SHAPE = re.compile(
    _LABEL_PREFIX
    + r"(?P<label>(?=[^:：\n]*[^\W\d_])(?:[A-Z][\w.'-]*(?:[ \t]+(?:[A-Z][\w.'-]*|\d+)){1,2}|[^\s:：]{1,20}))"
    + r"[ \t*_]*[:：](?!//)",
    re.MULTILINE,
)
_SIMILAR = 0.6  # difflib ratio above which a header label is taken for a misspelt known label

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
        r"""Coding units of the transcript.

        ``"turn"`` (one per turn; ``"paragraph"`` is the same, the natural name for a text
        without speaker labels, whose turns are its paragraphs) or ``"sentence"`` (sentences of
        each turn).

        Examples
        --------
        >>> t = transcript_from_text("访谈者：您好。\n受访者：等了半天！没人接。", "zh01")
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
    spans: list[tuple[int, int]] = []
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


def speaker_pattern_list(value: Any, *, file: Path | str | None = None) -> list[dict[str, str]]:
    """``coding.speaker_patterns`` as a list of ``{"pattern": regex, "role": role}``.

    Two forms are accepted: a mapping from role to one pattern or a list of them (the short
    form), or a list of ``{pattern, role}`` entries. A pattern is a Python regular expression
    of the label before the colon; a leading ``^`` and a trailing colon (``:``, ``：``,
    ``[:：]``) are optional. Roles: ``interviewer``, ``respondent``, ``other`` (a third
    speaker, not analysed as a respondent) and ``not_speaker`` (a label-shaped line start that
    is ordinary text, such as ``比如：``).

    Raises
    ------
    DataError
        Unknown role, a pattern that is empty or not a regular expression, naming the field
        (``coding.speaker_patterns.respondent[1]``).

    Examples
    --------
    >>> speaker_pattern_list({"interviewer": ["^Q[:：]", "访谈者"], "respondent": "客户"})
    [{'pattern': 'Q', 'role': 'interviewer'}, {'pattern': '访谈者', 'role': 'interviewer'}, \
{'pattern': '客户', 'role': 'respondent'}]
    >>> speaker_pattern_list([{"pattern": "Agent", "role": "interviewer"}])
    [{'pattern': 'Agent', 'role': 'interviewer'}]
    """
    field = "coding.speaker_patterns"
    entries: list[tuple[str, str, Any, Any]] = []  # (field of the pattern, field of the role, pattern, role)
    if value is None:
        return []
    if isinstance(value, dict):
        for role, patterns in value.items():
            listed = patterns if isinstance(patterns, list) else [patterns]
            entries += [
                (f"{field}.{role}[{i}]", f"{field}.{role}", pattern, role) for i, pattern in enumerate(listed)
            ]
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                item = {"pattern": getattr(item, "pattern", item), "role": getattr(item, "role", "other")}
            pattern, role = item.get("pattern"), item.get("role", "other")
            entries.append((f"{field}[{i}].pattern", f"{field}[{i}].role", pattern, role))
    else:
        raise DataError(
            "speaker_patterns must map roles to label patterns",
            file=file,
            column=field,
            hint="E.g. speaker_patterns: {interviewer: ['访谈者', 'Q'], respondent: ['受访者', 'A']}.",
        )
    result = []
    for path, role_path, pattern, role in entries:
        if role not in PATTERN_ROLES:
            raise DataError(
                "Unknown speaker role",
                file=file,
                column=role_path,
                value=role,
                hint=f"Use one of {list(PATTERN_ROLES)}.",
            )
        text = str(pattern).strip() if pattern is not None else ""
        text = re.sub(r"(?:\[[:：]{1,2}\]|[:：])$", "", text.removeprefix("^")).strip()
        try:
            if not text:
                raise re.error("empty pattern")
            re.compile(text)
        except re.error as exc:
            raise DataError(
                f"Invalid speaker pattern: {exc}",
                file=file,
                column=path,
                value=pattern,
                hint="Write a Python regular expression of the label before the colon, e.g. '受访者|客户'.",
            ) from None
        result.append({"pattern": text, "role": str(role)})
    return result


def _compile_patterns(speaker_patterns: Any, file: Path | str | None) -> list[tuple[re.Pattern[str], str]]:
    compiled = []
    for item in [*speaker_pattern_list(speaker_patterns, file=file), *DEFAULT_SPEAKER_PATTERNS]:
        label = re.compile(_LABEL_PREFIX + f"(?P<label>{item['pattern']})" + _LABEL_SUFFIX, re.MULTILINE)
        compiled.append((label, item["role"]))
    return compiled


@dataclass(frozen=True)
class _Line:
    number: int  # 0-based index of the line in the text
    start: int  # offset of the line start
    body: int  # offset after the label
    label: str


def _clean_label(label: str) -> str:
    return label.strip().strip("*_").strip()


def _scan_labels(
    text: str, patterns: list[tuple[re.Pattern[str], str]]
) -> tuple[list[tuple[int, int, str, str]], list[_Line], list[tuple[str, str]]]:
    """Speaker labels (line start, body start, speaker, role), unknown labels, labels seen."""
    generic = re.compile(_GENERIC_NAME)  # a name that opens two lines makes a text labelled
    known: list[tuple[_Line, str]] = []
    shaped: list[_Line] = []
    line_start = 0
    for number, line in enumerate(text.split("\n")):
        line_end = line_start + len(line)
        for pattern, role in patterns:
            match = pattern.match(text, line_start, line_end)
            if match:
                if role != NOT_SPEAKER:
                    known.append((_Line(number, line_start, match.end(), match.group("label").strip()), role))
                break
        else:
            match = LABEL_SHAPE.match(text, line_start, line_end)
            if match:
                shaped.append(_Line(number, line_start, match.end(), _clean_label(match.group("label"))))
        line_start = line_end + 1
    names = [s.label for s in shaped if generic.fullmatch(s.label)]
    repeated = [s for s in shaped if names.count(s.label) >= 2]
    if not known and not repeated:
        return [], [], []  # no speaker labels: one respondent's text
    first = min(line.start for line in [*(k for k, _ in known), *repeated])
    seen = list(dict.fromkeys((line.label, role) for line, role in known))

    def looks_known(label: str) -> bool:
        ratios = (difflib.SequenceMatcher(None, label.lower(), name.lower()).ratio() for name, _ in seen)
        return any(ratio >= _SIMILAR for ratio in ratios)

    unknown = [s for s in shaped if s.start >= first or looks_known(s.label)]
    labels = sorted((line.start, line.body, line.label, role) for line, role in known)
    return labels, unknown, seen


def _unknown_label_error(
    unknown: list[_Line],
    seen: list[tuple[str, str]],
    file: Path | str | None,
    where: Callable[[int], str],
    row: int | None,
) -> DataError:
    by_label: dict[str, list[int]] = {}
    for line in unknown:
        by_label.setdefault(line.label, []).append(line.number)
    parts = []
    for label, numbers in by_label.items():
        shown = ", ".join(where(n) for n in numbers[:3])
        more = f" and {len(numbers) - 3} more" if len(numbers) > 3 else ""
        parts.append(f"{label!r} ({shown}{more})")
    first = next(iter(by_label))
    seen_text = ", ".join(f"{name} ({role})" for name, role in seen) or "none"
    return DataError(
        f"Unknown speaker label(s) in a transcript with speaker labels: {'; '.join(parts[:10])}"
        + (f"; {len(parts) - 10} more labels" if len(parts) > 10 else "")
        + "; their turns would be dropped or given to the previous speaker",
        file=file,
        row=row,
        value=first,
        hint=f"Labels seen: {seen_text}. Correct the spelling, or declare the label with its role in "
        f"study.yml, e.g. coding: {{speaker_patterns: {{respondent: [{first!r}]}}}} (roles "
        f"{', '.join(ROLES)}); if the line is text and not a speaker, declare it under "
        f"speaker_patterns: {{{NOT_SPEAKER}: [{first!r}]}}",
    )


def _line_number(number: int) -> str:
    return f"line {number + 1}"


def _paragraph_number(number: int) -> str:
    return f"paragraph {number + 1}"


def split_turns(
    text: str,
    speaker_patterns: Any = None,
    *,
    file: Path | str | None = None,
    where: Callable[[int], str] = _line_number,
    row: int | None = None,
) -> list[Turn]:
    r"""Speaker turns of a normalised text (see the module docstring).

    Without any speaker label the text is one respondent's: every non-empty line (paragraph) is a
    turn of speaker ``""``, role ``"respondent"``.

    Parameters
    ----------
    text : str
        Normalised text (``\n`` line endings).
    speaker_patterns : mapping or list, optional
        Declared labels (:func:`speaker_pattern_list`), tried before the built-in ones.
    file : str or Path, optional
        The file, for error messages.
    where : callable, optional
        Describes the 0-based line *i* of *text* in the file for error messages (default
        ``"line i+1"``; a subtitle file names the cue's line, a Word file the paragraph).
    row : int, optional
        Row of a table of texts the text comes from.

    Raises
    ------
    DataError
        Unknown speaker labels in a text with speaker labels (see the module docstring).

    Examples
    --------
    >>> text = "Interviewer: How was the hotline?\nRespondent: I was on hold for 40 minutes.\nIt was awful."
    >>> [(t.speaker, t.role, text[t.start:t.end]) for t in split_turns(text)][1]
    ('Respondent', 'respondent', 'I was on hold for 40 minutes.\nIt was awful.')
    >>> split_turns("Interviewer: Hi\nRespondnet: Hello")
    Traceback (most recent call last):
    ...
    research.errors.DataError: Unknown speaker label(s) in a transcript with speaker labels:
    'Respondnet' (line 2); ...
    """
    labels, unknown, seen = _scan_labels(text, _compile_patterns(speaker_patterns, file))
    if unknown:
        raise _unknown_label_error(unknown, seen, file, where, row)
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
    speaker_patterns: Any = None,
    where: Callable[[int], str] = _line_number,
    row: int | None = None,
) -> Transcript:
    r"""Build a :class:`Transcript` from text already decoded (line endings are normalised here).

    *where* and *row* only shape error messages (see :func:`split_turns`).

    Raises
    ------
    DataError
        Empty text, a language other than ``zh``/``en``, unknown speaker labels.

    Examples
    --------
    >>> transcript_from_text("Q: Hi\r\nA: Hello", "en01").turns[1]
    Turn(index=2, speaker='A', role='respondent', start=9, end=14)
    """
    text = normalise_newlines(text.removeprefix("\ufeff"))
    if not text.strip():
        raise DataError(
            "The transcript is empty",
            file=path,
            row=row,
            value=transcript_id,
            hint="Remove the file or add its text.",
        )
    language = check_language(language, file=path) if language else detect_language(text)
    turns = split_turns(text, speaker_patterns, file=path, where=where, row=row)
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


#: A cue timing line as the subtitle parser reads it (WebVTT: ``00:01:02.345 --> 00:01:05.000``
#: with optional hours and cue settings; SRT: ``00:01:02,345 --> 00:01:05,000``).
_CUE_TIMING = {
    "vtt": re.compile(
        r"\s*(?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3}\s*-->\s*(?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3}(?:\s.*)?"
    ),
    "srt": re.compile(r"\s*\d+:\d{1,2}:\d{1,2}[,.]\d+\s*-->\s*\d+:\d{1,2}:\d{1,2}[,.]\d+\s*"),
}
_TIME_LIKE = re.compile(r"\s*\d+:\d")  # a timing line whose arrow is broken ("->", "—>")
_CUE_EXAMPLE = {"vtt": "00:01:02.345 --> 00:01:05.000", "srt": "00:01:02,345 --> 00:01:05,000"}
_VTT_BLOCKS = ("WEBVTT", "NOTE", "STYLE", "REGION")


def _subtitle_cues(content: str, subtitle_format: str, path: Path) -> list[int]:
    """1-based file lines of the cue timing lines; a DataError for every cue that cannot be read.

    Every line holding ``-->`` must be a readable timing line, and every block of text (lines
    between blank lines) must hold one, except the WebVTT header, NOTE, STYLE and REGION blocks
    and a lone SRT cue number: otherwise the parser would drop the cue without a word.
    """
    timing = _CUE_TIMING[subtitle_format]
    timing_lines: list[int] = []
    bad: list[str] = []
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*content.split("\n"), ""], start=1):
        if line.strip():
            block.append((number, line))
            if "-->" in line:
                if timing.fullmatch(line):
                    timing_lines.append(number)
                else:
                    bad.append(f"line {number} {line.strip()[:60]!r} is not a cue timing")
            continue
        if block and not any("-->" in text for _, text in block):
            first_number, first = block[0]
            lone_number = subtitle_format == "srt" and len(block) == 1 and first.strip().isdigit()
            header = subtitle_format == "vtt" and first.strip().startswith(_VTT_BLOCKS)
            broken = [(n, text) for n, text in block[:2] if _TIME_LIKE.match(text)]
            if broken:
                bad.append(f"line {broken[0][0]} {broken[0][1].strip()[:60]!r} is not a cue timing")
            elif not lone_number and not header:
                bad.append(f"line {first_number} {first.strip()[:60]!r} has no cue timing line")
        block = []
    if bad:
        raise DataError(
            f"{len(bad)} subtitle cue(s) cannot be read: {'; '.join(bad[:5])}"
            + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
            + "; their text would be dropped and the codings after them would land on the wrong turns",
            file=path,
            hint=f"Write each cue as an optional number, a timing line like {_CUE_EXAMPLE[subtitle_format]}, "
            "then its text, with a blank line between cues (check the file opens in a video player).",
        )
    return timing_lines


def _subtitle_text(path: Path, encoding: str | None) -> tuple[str, list[int]]:
    """The text of a subtitle file (one line per cue) and the file line of each cue's text."""
    import io

    import webvtt

    content = normalise_newlines(read_text(path, encoding)).removeprefix("\ufeff")
    subtitle_format = "srt" if path.suffix.lower() == ".srt" else "vtt"
    try:
        captions = webvtt.from_buffer(io.StringIO(content), format=subtitle_format)
    except Exception as exc:  # webvtt raises its own MalformedFileError / MalformedCaptionError
        raise DataError(
            f"Cannot parse the subtitle file: {exc}", file=path, hint="Check it opens in a video player."
        ) from None
    timing_lines = _subtitle_cues(content, subtitle_format, path)
    if len(timing_lines) != len(captions):  # a cue the check let through but the parser dropped
        raise DataError(
            f"Only {len(captions)} of the {len(timing_lines)} subtitle cues could be read; the text of "
            "the others would be dropped and the codings after them would land on the wrong turns",
            file=path,
            hint=f"Check each cue's timing line ({_CUE_EXAMPLE[subtitle_format]}) and that the file "
            "opens in a video player.",
        )
    lines = []
    for caption in captions:  # type: ignore[attr-defined]  # webvtt's WebVTT is iterable, untyped
        body = " ".join(part.strip() for part in caption.text.split("\n") if part.strip())
        voice = getattr(caption, "voice", None)
        lines.append(f"{voice}: {body}" if voice else body)
    return "\n".join(lines), [number + 1 for number in timing_lines]


def read_transcript(
    path: str | Path,
    *,
    encoding: str | None = None,
    transcript_id: str | None = None,
    language: str | None = None,
    speaker_patterns: Any = None,
) -> Transcript:
    r"""Read one transcript file (``.txt``, ``.md``, ``.docx``, ``.vtt``, ``.srt``).

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
    speaker_patterns : mapping or list, optional
        Extra speaker labels (:func:`speaker_pattern_list`), tried before
        :data:`DEFAULT_SPEAKER_PATTERNS`.

    Returns
    -------
    Transcript
        Text normalised to ``\n`` line endings; offsets are code points into it.

    Raises
    ------
    DataError
        Missing, unreadable, undecodable or empty file, unsupported format, a subtitle cue
        that cannot be read, unknown speaker labels (naming the line).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "zh01.txt"
    >>> _ = p.write_bytes("访谈者：热线怎么样？\r\n受访者：等了40分钟。".encode("gbk"))
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
    where: Callable[[int], str] = _line_number
    if suffix == ".docx":
        text = _docx_text(path)
        where = _paragraph_number
    elif suffix in (".vtt", ".srt"):
        text, cue_lines = _subtitle_text(path, encoding)
        where = lambda i: f"line {cue_lines[i]}" if i < len(cue_lines) else _line_number(i)  # noqa: E731
    else:
        text = read_text(path, encoding)
    return transcript_from_text(
        text,
        transcript_id or path.stem,
        path=path,
        language=language,
        speaker_patterns=speaker_patterns,
        where=where,
    )


def _coding_section(study: Any) -> dict[str, Any]:
    return study.section("coding") if hasattr(study, "section") else {}


def load_transcripts(study: Any, *, file_id: str | None = None) -> list[Transcript]:
    """Read every transcript of the source declared by *file_id*, sorted by id.

    The source is a folder of transcript files (the id of a transcript is its file stem), one
    transcript file, a REFI-QDA project (``.qdpx``: its text sources, named by the source name
    without suffix), or one table with one text per row (``.csv``, ``.tsv``, ``.xlsx``; ids from
    ``options.id_column``, default ``id``, texts from ``options.text_column``, default ``text``;
    empty texts are skipped). The file's ``encoding`` and ``options.language`` in study.yml
    apply to all its transcripts; speaker patterns come from ``coding.speaker_patterns``.

    Raises
    ------
    DataError
        The first problem of :func:`transcript_problems` (its message counts the others).

    Examples
    --------
    >>> from research.study import load_study
    >>> study = load_study("sample")
    >>> transcripts = load_transcripts(study)  # doctest: +SKIP
    """
    transcripts, problems = transcript_problems(study, file_id=file_id)
    if problems:
        first = problems[0]
        if len(problems) > 1:
            raise DataError(
                f"{first.message} ({len(problems) - 1} more problem(s) in the transcripts; "
                "`research validate` lists them all)",
                file=first.file,
                row=first.row,
                column=first.column,
                value=first.value,
                hint=first.hint,
            )
        raise first
    return transcripts


class TranscriptProblems(NamedTuple):
    """The transcripts of a source that could be read, and every problem found reading it."""

    #: The transcripts read, sorted by id; complete only when there are no problems.
    transcripts: list[Transcript]
    #: One DataError per problem.
    problems: list[DataError]


def transcript_problems(study: Any, *, file_id: str | None = None) -> TranscriptProblems:
    """Read every transcript of a source and collect every problem instead of stopping at one.

    Checks (each a :class:`~research.errors.DataError` naming the file and, where there is one,
    the line or row): the source's ``options.language`` allowed, ``coding.speaker_patterns``
    valid, no transcripts, unreadable or empty files, subtitle cues that cannot be read,
    unknown speaker labels, two transcripts with one id, a table without its columns, empty
    text ids.

    Returns
    -------
    TranscriptProblems
        ``transcripts`` that could be read (sorted by id) and ``problems``; the transcripts
        are complete only when there are no problems.

    Examples
    --------
    >>> from research.study import load_study
    >>> transcripts, problems = transcript_problems(load_study("sample"))
    >>> len(transcripts), problems
    (24, [])
    """
    if file_id is None:
        from research.coding.schema import coding_files

        file_id = coding_files(study, require_codebook=False).transcripts
    yml = getattr(study, "yml_path", None)
    spec = study.file_spec(file_id)
    folder = study.file(file_id)
    problems: list[DataError] = []
    try:
        patterns = speaker_pattern_list(_coding_section(study).get("speaker_patterns"), file=yml)
    except DataError as problem:
        return TranscriptProblems([], [problem])
    language = spec.options.get("language") or None
    if language is not None:
        try:
            check_language(language, file=yml, column=f"files.{file_id}.options.language")
        except DataError as problem:
            problems.append(problem)
            language = None
    if folder.is_file() and folder.suffix.lower() == ".qdpx":  # a REFI-QDA project's text sources
        from research.coding.refi import read_qdpx

        try:
            project = read_qdpx(folder, language=language, speaker_patterns=patterns)
        except DataError as problem:
            return TranscriptProblems([], [*problems, problem])
        return TranscriptProblems(project.transcripts, problems)
    if folder.is_file() and folder.suffix.lower() in TABLE_SUFFIXES:
        transcripts = _table_transcripts(folder, spec, patterns, language, problems)
        return TranscriptProblems(sorted(transcripts, key=lambda t: t.id), problems)
    files = (
        sorted(p for p in folder.iterdir() if p.suffix.lower() in TRANSCRIPT_SUFFIXES and p.is_file())
        if folder.is_dir()
        else [folder]
    )
    if not files:
        problems.append(
            DataError(
                "No transcripts found",
                file=folder,
                hint=f"Put {', '.join(TRANSCRIPT_SUFFIXES)} files there, or one table of texts "
                f"({', '.join(TABLE_SUFFIXES)}), or fix files.{file_id}.path.",
            )
        )
    seen: dict[str, Path] = {}
    transcripts = []
    for path in files:
        if path.stem in seen:
            problems.append(
                DataError(
                    "Two transcripts share one id (file name without suffix)",
                    file=path,
                    value=path.stem,
                    hint=f"Also {seen[path.stem].name}; rename one of them.",
                )
            )
            continue
        seen[path.stem] = path
        try:
            transcripts.append(
                read_transcript(path, encoding=spec.encoding, language=language, speaker_patterns=patterns)
            )
        except DataError as problem:
            problems.append(problem)
    return TranscriptProblems(sorted(transcripts, key=lambda t: t.id), problems)


def _table_transcripts(
    path: Path,
    spec: Any,
    speaker_patterns: list[dict[str, str]],
    language: str | None,
    problems: list[DataError],
) -> list[Transcript]:
    """One transcript per row of a table of texts (see :func:`load_transcripts`)."""
    id_column = spec.options.get("id_column", "id")
    text_column = spec.options.get("text_column", "text")
    try:
        frame = read_table(
            path,
            encoding=spec.encoding,
            sheet=spec.sheet,
            required_columns=[id_column, text_column],
            dtype={id_column: str},
        )
    except DataError as problem:
        problems.append(problem)
        return []
    transcripts = []
    seen: dict[str, int] = {}
    for position, (raw_id, text) in enumerate(zip(frame[id_column], frame[text_column], strict=True)):
        row = position + 2
        if pd.isna(text) or not str(text).strip():
            continue
        transcript_id = "" if pd.isna(raw_id) else str(raw_id).strip()
        if not transcript_id:
            problems.append(DataError("Empty text id", file=path, row=row, column=id_column))
            continue
        if transcript_id in seen:
            problems.append(
                DataError(
                    "Two texts share one id",
                    file=path,
                    row=row,
                    column=id_column,
                    value=transcript_id,
                    hint=f"Row {seen[transcript_id]} has the same id; ids must be unique.",
                )
            )
            continue
        seen[transcript_id] = row
        try:
            transcripts.append(
                transcript_from_text(
                    str(text),
                    transcript_id,
                    path=path,
                    language=language,
                    speaker_patterns=speaker_patterns,
                    where=lambda i: f"line {i + 1} of its text",
                    row=row,
                )
            )
        except DataError as problem:
            problems.append(problem)
    if not transcripts and not problems:
        problems.append(
            DataError(
                "No texts found", file=path, column=text_column, hint="The text column is empty in every row."
            )
        )
    return transcripts


UNIT_COLUMNS = ["transcript_id", "unit_id", "turn", "speaker", "role", "start", "end", "text", "language"]


def units_frame(transcripts: Iterable[Transcript], unit: str = "turn") -> pd.DataFrame:
    r"""All coding units of *transcripts* as a tidy table, one row per unit.

    Columns: ``transcript_id, unit_id, turn, speaker, role, start, end, text, language``.

    Examples
    --------
    >>> t = transcript_from_text("Q: Any problems?\nA: My bill doubled. Nobody told me.", "en01")
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
