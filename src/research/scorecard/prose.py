"""Headings and explanations of the scorecard report in zh and en (``prose.yml``)."""

from __future__ import annotations

from pathlib import Path

from research.reports.sections import Prose, prose, read_words

WORDS = Path(__file__).with_name("prose.yml")


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
