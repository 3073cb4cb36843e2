"""Headings and explanations of the scorecard report in zh and en (``prose.yml``)."""

from __future__ import annotations

from research.reports.sections import prose, read_words
from research.wording import Prose, words_file

WORDS = words_file("scorecard")


def explain(section: str, language: str) -> Prose:
    """Heading and explanation of a section of the scorecard report in *language*.

    Examples
    --------
    >>> explain("priority", "zh").heading
    '触点记分卡与改进优先级'
    >>> explain("journey-map", "en").anchor
    'journey-map'
    """
    return prose(read_words(WORDS)["sections"], section, language)
