"""Text material of the sample interviews: the codebook and the sentence banks per code.

The material is data (codebook.yml and interview_texts.yml next to this module), kept apart
from :mod:`research.sample.interviews`, which assembles transcripts from it. Each code has
sentences in Chinese and English; most contain one of the code's keywords (so auto-coding finds
them), a few say the same thing in other words (so auto-coding misses some, as it would in real
interviews).
"""

from __future__ import annotations

from research.sample.parts import read_data

#: The codebook in the YAML form of :func:`research.coding.load_codebook` (data: codebook.yml
#: next to this module): each theme (``codable: false``) followed by its codes.
#: The codable codes (the entries with a parent theme).
CODES: list[dict] = [c for c in read_data("codebook.yml")["codes"] if "parent" in c]


def codebook_yaml_dict() -> dict:
    """The sample codebook in the YAML form of :func:`research.coding.load_codebook` (a fresh copy)."""
    return read_data("codebook.yml")


_TEXTS = read_data("interview_texts.yml")
#: Sentence banks: code -> language -> sentences. ``{...}`` placeholders are filled with
#: planted personal data in the few transcripts that carry it.
BANKS: dict[str, dict[str, list[str]]] = _TEXTS["banks"]
#: Sentences a negation window must not count as pain (the keyword is negated).
NEGATED: dict[str, list[str]] = _TEXTS["negated"]
#: Uncoded small talk.
FILLER: dict[str, list[str]] = _TEXTS["filler"]
#: Interviewer questions per touchpoint topic (the first touchpoint of a code picks its topic).
QUESTIONS: dict[str, dict[str, str]] = _TEXTS["questions"]
FOLLOW_UP: dict[str, list[str]] = _TEXTS["follow_up"]
#: Per language: the opening question and the respondents' possible answers.
OPENING: dict[str, list] = _TEXTS["opening"]
#: Per language: the closing question and the answer.
CLOSING: dict[str, list[str]] = _TEXTS["closing"]
