"""Sections of a report that the data at hand may not support.

A report has a core result that always renders and secondary sections (segments, agreement,
NPS, pre-trends ...) that need data a study may not have. Such sections call their package
function through :func:`optional_section`: when the function raises
:class:`~research.errors.NotApplicable`, the report shows one plain sentence saying what is
missing and how to get it, and goes on. The sentences are kept and :func:`research.reports.finish`
writes them to ``results.json`` under ``notes``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, TypeVar

from research.errors import NotApplicable

T = TypeVar("T")

#: Notes shown in this kernel since it started (one report notebook per kernel).
_NOTES: list[dict[str, str]] = []


def show_note(text: str, *, section: str = "") -> None:
    """Show a plain note in the report (HTML-escaped) and keep it for ``results.json``.

    Parameters
    ----------
    text : str
        One or two plain sentences.
    section : str, optional
        The section the note belongs to, for ``results.json``.

    Examples
    --------
    >>> show_note("The study declares no segment column.", section="segments")  # doctest: +SKIP
    """
    from research.privacy import redact

    text = redact(text)
    _NOTES.append({"section": section, "note": text})
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    display(HTML(f'<p class="research-note"><em>{html.escape(text)}</em></p>'))


def optional_section(
    function: Callable[..., T], *args: Any, section: str = "", **kwargs: Any
) -> T | None:
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
        show_note(str(reason), section=section)
        return None


def notes() -> list[dict[str, str]]:
    """The notes shown so far in this kernel, oldest first (copies)."""
    return [dict(note) for note in _NOTES]
