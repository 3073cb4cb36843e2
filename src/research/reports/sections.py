"""Sections of a report that the data at hand may not support.

A report has a core result that always renders and secondary sections (segments, agreement,
NPS, pre-trends ...) that need data a study may not have. Such sections call their package
function through :func:`optional_section`: when the function raises
:class:`~research.errors.NotApplicable`, the report shows one plain sentence saying what is
missing and how to get it, and goes on. The sentences are kept and :func:`research.reports.finish`
writes them to ``results.json`` under ``notes``.

The module also holds what a report shows besides figures, in the run's language
(:func:`research.wording.use_language`): the headings and explanations of sections
(:class:`~research.wording.Prose`, from :mod:`research.wording`), the at-a-glance box (:func:`glance_html`) and tables
for readers (:func:`show_table`: no row index, shares as percentages, thousands separators,
units in headers). Tables use pandas' Styler rather than great_tables: measured with
great_tables 1.1.0, a three-row table is 10.3 KB of HTML (a CSS block per table) against
1.0 KB, and it would add six dependencies (babel, htmltools, faicons, ...) for formatting the
Styler already does; both render without scripts or network.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from research.errors import Bilingual, NotApplicable
from research.wording import label, resolve_language, say, words

T = TypeVar("T")

#: Notes shown in this kernel since it started (one report notebook per kernel).
_NOTES: list[dict[str, str]] = []


def show_note(text: str, *, section: str = "") -> None:
    """Show a plain note in the report (HTML-escaped) and keep it for ``results.json``.

    Parameters
    ----------
    text : str
        One or two plain sentences; a :class:`~research.errors.Bilingual` is shown in the
        report's language (:func:`use_language`).
    section : str, optional
        The section the note belongs to, for ``results.json``.

    Examples
    --------
    >>> show_note("The study declares no segment column.", section="segments")  # doctest: +SKIP
    """
    from research.privacy import redact

    text = redact(text.text() if isinstance(text, Bilingual) else text)
    _NOTES.append({"section": section, "note": text})
    _display_html(f'<p class="research-note"><em>{html.escape(text)}</em></p>', text)


def optional_section(function: Callable[..., T], *args: Any, section: str = "", **kwargs: Any) -> T | None:
    """Call *function*; if the data cannot support it, show why and return None.

    Parameters
    ----------
    function : callable
        A package function that raises :class:`~research.errors.NotApplicable` when what it
        needs is absent. Any other exception (a :class:`~research.errors.DataError` in the data)
        propagates.
    *args, **kwargs
        Passed to *function*.
    section : str, optional
        Name of the report section, kept with the note in ``results.json``.

    Returns
    -------
    The function's result, or None when the section was skipped.

    Examples
    --------
    >>> from research.errors import NotApplicable
    >>> def segments():
    ...     raise NotApplicable("The survey has no segment column.", "Name one with segment=.")
    >>> optional_section(segments, section="segments") is None
    The survey has no segment column. Name one with segment=.
    True
    >>> optional_section(max, 1, 2)
    2
    """
    try:
        return function(*args, **kwargs)
    except NotApplicable as reason:
        show_note(reason.text(), section=section)
        return None


def notes() -> list[dict[str, str]]:
    """The notes shown so far in this kernel, oldest first (copies)."""
    return [dict(note) for note in _NOTES]


# --------------------------------------------------------------------------------------------
# At a glance
# --------------------------------------------------------------------------------------------

GLANCE_CLASS = "research-glance"


def glance_html(sentences: Sequence[str], language: str | None = None) -> str:
    """The at-a-glance box of a report: a few sentences of its main results (HTML-escaped).

    The renderer (:func:`research.reports.render.render_report`) moves this box to the top of
    the report, under its title; its ``data-language`` attribute tells the renderer the report's
    language.

    Parameters
    ----------
    sentences : sequence of str
        The report's at-a-glance sentences (empty ones are left out).
    language : {"zh", "en"}, optional
        Default: the report's language (:func:`research.wording.use_language`).

    Returns
    -------
    str
        The box as HTML.

    Examples
    --------
    >>> box = glance_html(["Hotline <waits> rank first."], "en")
    >>> 'data-language="en"' in box, "&lt;waits&gt;" in box
    (True, True)
    """
    language = "zh" if resolve_language(language) == "zh" else "en"
    items = "".join(f"<li>{html.escape(text)}</li>" for text in sentences if text)
    return (
        f'<section class="{GLANCE_CLASS}" id="at-a-glance" data-language="{language}">'
        f"<h2>{say('reports', 'glance_title', language)}</h2><ul>{items}</ul></section>"
    )


def show_glance(sentences: Sequence[str], language: str | None = None) -> None:
    """Display the at-a-glance box (:func:`glance_html`) in the notebook."""
    _display_html(glance_html(sentences, language), " ".join(sentences))


def _display_html(markup: str, plain: str) -> None:
    """Display *markup* in a notebook; print *plain* outside IPython."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        print(plain)
        return
    if get_ipython() is None:
        print(plain)
        return
    display(HTML(markup))


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------

#: Column names shown as percentages when all their values lie in 0..1.
_SHARE_NAME = re.compile(
    r"(^|_)(share|reach|rate|proportion|negativity|top_box|bottom_box|conversion|drop_off)(_|$)"
)
_P_NAME = re.compile(r"(^|_)p(_value|_adjusted|_adj)?$|^p_")
_INTERVAL = ("ci_low", "ci_high", "se")


def _is_share(column: Any, values: pd.Series) -> bool:
    if not pd.api.types.is_float_dtype(values) or not _SHARE_NAME.search(str(column)):
        return False
    finite = values.dropna()
    return len(finite) > 0 and bool(finite.between(0, 1).all())


def _missing(value: Any) -> bool:
    return value is None or (np.ndim(value) == 0 and bool(pd.isna(value)))


def _escaped(fmt: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda value: "–" if _missing(value) else html.escape(fmt(value))


def _format_p(value: Any) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _format_percent(value: Any) -> str:
    return f"{value:.1%}"


def _number_formatter(precision: int) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        if isinstance(value, int | np.integer) or (float(value).is_integer() and abs(value) >= 1):
            return f"{value:,.0f}"
        # Large numbers need fewer decimals to be read: 1,024 rather than 1,024.307.
        decimals = 0 if abs(value) >= 1000 else 1 if abs(value) >= 100 else precision
        return f"{value:,.{decimals}f}"

    return fmt


def show_table(
    data: pd.DataFrame | pd.Series | None,
    *,
    percent: Sequence[str] | bool = (),
    units: Mapping[str, str] | None = None,
    columns: Mapping[str, str] | None = None,
    language: str | None = None,
    precision: int = 3,
    max_rows: int = 200,
) -> Any:
    """A table for readers: no row index, shares as percentages, thousands separators, units.

    Parameters
    ----------
    data : DataFrame or Series or None
        A named index (a pivot's rows) becomes the first column; an unnamed one is hidden.
        None gives None, so ``show_table(optional_section(...))`` works.
    percent : sequence of str or True
        Columns on 0..1 shown as percentages (``0.667`` -> ``66.7%``); True: every float column
        (a pivot of shares). Columns named like shares
        (``share``, ``reach``, ``*_rate``, ``negativity`` ...) with all values in 0..1 are
        percentages without being listed; when ``estimate`` is listed, its ``ci_low``,
        ``ci_high`` and ``se`` are too.
    units : mapping, optional
        Column -> unit, shown in the header (``wait_seconds (s)``).
    columns : mapping, optional
        Column -> header text. Without it, common tidy columns get Chinese headers in a zh
        report (the ``columns`` table of ``research/wording/reports.yml``); others keep their
        names.
    language : {"zh", "en"}, optional
        Default: the report's language (:func:`research.wording.use_language`).
    precision : int
        Decimals of non-integer numbers below 100 (one decimal to 1,000, none above); p-values
        show 3 decimals or ``<0.001``.
    max_rows : int
        Rows shown; a note says how many were left out.

    Returns
    -------
    pandas.io.formats.style.Styler or None
        Displayed as HTML by Jupyter; data text is HTML-escaped; missing values show as ``–``.

    Examples
    --------
    >>> table = pd.DataFrame({"code": ["wait"], "reach": [0.667], "mentions": [12345]})
    >>> page = show_table(table, language="en").to_html()
    >>> "66.7%" in page, "12,345" in page, ">0<" in page
    (True, True, False)
    """
    if data is None:
        return None
    language = resolve_language(language)
    frame = data
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(frame.name if frame.name is not None else "value")
    if any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    total = len(frame)
    frame = frame.head(max_rows)
    numeric = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    shares = set(numeric) if percent is True else set(percent or ())
    if "estimate" in shares:
        shares |= {c for c in _INTERVAL if c in frame.columns}
    shares |= {c for c in frame.columns if _is_share(c, frame[c])}
    formats: dict[Any, Callable[[Any], str]] = {}
    for column in frame.columns:
        values = frame[column]
        fmt: Callable[[Any], str] = str
        if column in shares and pd.api.types.is_numeric_dtype(values):
            fmt = _format_percent
        elif _P_NAME.search(str(column)) and pd.api.types.is_float_dtype(values):
            fmt = _format_p
        elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            fmt = _number_formatter(precision)
        formats[column] = _escaped(fmt)
    headers = {}
    for column in frame.columns:
        text = (columns or {}).get(column)
        if text is None:
            zh = language == "zh" and not isinstance(column, tuple)
            text = str(label(words("reports")["columns"], column, language) if zh else column)
        if units and column in units:
            text = f"{text} ({units[column]})"
        headers[column] = text
    from pandas.io.formats.style import Styler

    styler = (
        Styler(frame, cell_ids=False)
        .hide(axis="index")
        .format(formats)
        .format_index(lambda c: headers.get(c, c), axis="columns", escape="html")
        .set_table_attributes('class="research-table"')
    )
    if total > len(frame):
        styler = styler.set_caption(
            html.escape(say("reports", "more_rows", language, shown=len(frame), total=total))
        )
    return styler


def _html_table(frame: pd.DataFrame) -> str:
    """IPython's HTML formatter for DataFrames in a report notebook (see report_display).

    A frame the reader format cannot take (duplicate column names) is shown as pandas shows it.
    """
    try:
        return show_table(frame).to_html()
    except (ValueError, KeyError, TypeError):
        return frame.to_html()
