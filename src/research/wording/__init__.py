"""Every sentence a report shows, in Chinese and English: one module for all pillars.

Each pillar keeps its words in one YAML file beside this module (``coding.yml``,
``survey.yml``, ...) with two tables: ``sections`` (a heading and explanation per report section
and language) and ``sentences`` (lines a report prints, with ``{placeholders}``); a pillar may add
label tables (the inventory's ``labels`` and ``fields``, read with :func:`label`). Code asks for
them by pillar and key; ``language=None`` means the report's language (:func:`use_language`).

Examples
--------
>>> explain("survey", "drivers", "zh").heading
'关键驱动因素'
>>> say("survey", "r_squared", "en", outcome="Overall", r2=0.5284)
'Outcome: Overall; R² = 0.528'
>>> join(["A", "B"], "zh")
'A、B'
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

#: The pillars that have a sentence file here (``reports``: the report frame all pillars share;
#: ``plots``: the figures' axis labels, titles and legends).
PILLARS = (
    "inventory",
    "coding",
    "feedback",
    "survey",
    "evaluation",
    "journeys",
    "scorecard",
    "reports",
    "plots",
)

#: HTML class of the package's own prose (headings and explanations) in a report's outputs.
PROSE_CLASS = "research-prose"

_LANGUAGE = {"value": "en"}
_LIST_SEPARATOR = {"zh": "、", "en": ", "}


def use_language(language: str) -> str:
    """Set the language of this report's notes, tables and prose (``"zh"`` or ``"en"``).

    Notebooks call it once their ``language`` parameter is resolved; every function whose
    ``language`` is ``None`` then speaks it.

    Examples
    --------
    >>> use_language("zh"), report_language()
    ('zh', 'zh')
    >>> use_language("en")
    'en'
    """
    _LANGUAGE["value"] = "zh" if language == "zh" else "en"
    return _LANGUAGE["value"]


def report_language() -> str:
    """The language set by :func:`use_language` (default ``"en"``)."""
    return _LANGUAGE["value"]


def resolve_language(language: str | None) -> str:
    """*language*, or the report's language when it is ``None``.

    Examples
    --------
    >>> resolve_language("zh"), resolve_language(None) in ("zh", "en")
    ('zh', True)
    """
    return report_language() if language is None else language


@dataclass(frozen=True)
class Prose:
    """A heading and explanatory text of a report section, shown as HTML in a notebook.

    The text is Markdown written by the package (bold, code, lists); HTML in it is escaped.
    The heading carries a stable anchor (*anchor*, the section's key) that does not change with
    the report's language, so the index can link to a section of any run.

    Examples
    --------
    >>> html_text = Prose("Drivers", "What moves **satisfaction**.", anchor="drivers")._repr_html_()
    >>> '<h2 id="drivers">Drivers</h2>' in html_text, "<strong>satisfaction</strong>" in html_text
    (True, True)
    """

    heading: str = ""
    text: str = ""
    anchor: str = ""
    level: int = 2

    def _repr_html_(self) -> str:
        parts = [f'<div class="{PROSE_CLASS}">']
        if self.heading:
            anchor = f' id="{html.escape(self.anchor, quote=True)}"' if self.anchor else ""
            parts.append(f"<h{self.level}{anchor}>{html.escape(self.heading)}</h{self.level}>")
        if self.text:
            parts.append(_markdown(self.text))
        return "\n".join([*parts, "</div>"])

    def __str__(self) -> str:
        return "\n\n".join(part for part in (self.heading, self.text) if part)


def words_file(pillar: str) -> Path:
    """The YAML file of *pillar*'s sentences.

    Examples
    --------
    >>> words_file("coding").name
    'coding.yml'
    """
    if pillar not in PILLARS:
        raise KeyError(f"No wording for {pillar!r}; the pillars are {', '.join(PILLARS)}.")
    return Path(__file__).with_name(f"{pillar}.yml")


@lru_cache(maxsize=len(PILLARS))
def words(pillar: str) -> dict[str, Any]:
    """*pillar*'s sentence tables (``sections`` and ``sentences``), read once.

    Examples
    --------
    >>> sorted(words("coding"))
    ['sections', 'sentences']
    """
    import yaml

    return yaml.safe_load(words_file(pillar).read_text(encoding="utf-8"))


def explain(pillar: str, section: str, language: str | None = None) -> Prose:
    """Heading and explanation of *section* of *pillar*'s report in *language*.

    A section missing in *language* falls back to English.

    Examples
    --------
    >>> explain("coding", "ranking", "zh").heading
    '痛点排序'
    >>> explain("scorecard", "journey-map", "en").anchor
    'journey-map'
    """
    entry = words(pillar)["sections"][section]
    text = entry.get(resolve_language(language)) or entry["en"]
    return Prose(text.get("heading", ""), text.get("text", ""), anchor=section.replace("_", "-"))


def has_sentence(pillar: str, key: str) -> bool:
    """Whether *pillar* has a sentence *key* (for keys built from data, such as a design name).

    Examples
    --------
    >>> has_sentence("evaluation", "design_did"), has_sentence("evaluation", "design_nope")
    (True, False)
    """
    return key in (words(pillar).get("sentences") or {})


def say(pillar: str, key: str, language: str | None = None, **values: Any) -> str:
    """The sentence *key* of *pillar* in *language*, filled with *values* (:meth:`str.format`).

    A sentence missing in *language* falls back to English.

    Examples
    --------
    >>> say("coding", "method_supervised", "zh", folds=5)
    '用这些标签训练的模型（5 折交叉验证）'
    """
    entry = words(pillar)["sentences"][key]
    text = entry.get(resolve_language(language)) or entry["en"]
    return text.format(**values) if values else text


def join(items: Iterable[str], language: str | None = None) -> str:
    """*items* as one list in *language* (、 between Chinese items, a comma between English ones).

    Examples
    --------
    >>> join(["wait", "price"], "en")
    'wait, price'
    """
    return _LIST_SEPARATOR.get(resolve_language(language), ", ").join(items)


def label(labels: Mapping[str, Mapping[str, str]], key: str, language: str | None = None) -> str:
    """*key*'s label in *language* from a ``{key: {"zh": ..., "en": ...}}`` table (*key* if none).

    Examples
    --------
    >>> label({"improved": {"zh": "改善", "en": "improved"}}, "improved", "zh")
    '改善'
    >>> label({}, "other", "zh")
    'other'
    """
    entry = labels.get(key) or {}
    return entry.get(resolve_language(language)) or entry.get("en") or key


@lru_cache(maxsize=1)
def _markdown_renderer() -> Callable[[str], Any]:
    import mistune

    return mistune.create_markdown(escape=True)


def _markdown(text: str) -> str:
    return str(_markdown_renderer()(text)).strip()
