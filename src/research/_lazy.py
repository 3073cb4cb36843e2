"""Lazy re-exports for the pillar packages.

``import research.survey`` must stay cheap: loading a study validates each pillar's study.yml
section through ``research.<pillar>.schema``, and importing a package runs its ``__init__``.
Eagerly importing every statistics module there (pingouin, statsmodels, jieba) would make every
``load_study`` and every warm ``research reports`` pay seconds of imports. Names are resolved on
first use instead (PEP 562).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, NamedTuple


class LazyExports(NamedTuple):
    """A package's ``__getattr__``, ``__dir__`` and ``__all__`` (unpack them in this order)."""

    getattr: Callable[[str], Any]
    dir: Callable[[], list[str]]
    all: list[str]


def lazy_exports(package: str, table: str) -> LazyExports:
    """Build ``__getattr__``, ``__dir__`` and ``__all__`` for *package*.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    table : str
        What each submodule exports: its name (relative to the package) and a colon, then the
        names it exports, separated by white space (lines may wrap).

    Returns
    -------
    LazyExports
        To unpack into the package's ``__getattr__, __dir__, __all__``.

    Examples
    --------
    >>> lazy_exports("research", "errors: DataError study: Study load_study").all
    ['DataError', 'Study', 'load_study']
    """
    exports = _parse_table(table)
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module_name = where[name]
        module = importlib.import_module(f"{package}.{module_name}")
        # Importing a submodule binds it on the package under its own name, which would hide a
        # function of the same name (``autocode.autocode``); bind all its exports instead.
        namespace = importlib.import_module(package).__dict__
        for exported in exports[module_name]:
            namespace[exported] = getattr(module, exported)
        return namespace[name]

    names = sorted(where)

    def __dir__() -> list[str]:
        return sorted({*importlib.import_module(package).__dict__, *names})

    return LazyExports(__getattr__, __dir__, names)


def _parse_table(table: str) -> dict[str, list[str]]:
    """Submodule -> the names it exports, from a :func:`lazy_exports` table.

    Examples
    --------
    >>> _parse_table('''
    ...     engine: connect events
    ...     paths: flows
    ...         variants
    ... ''')
    {'engine': ['connect', 'events'], 'paths': ['flows', 'variants']}
    >>> _parse_table("engine: connect paths:")
    Traceback (most recent call last):
    ...
    ValueError: export table: 'paths' exports no name
    >>> _parse_table("engine: connect paths: connect")
    Traceback (most recent call last):
    ...
    ValueError: export table: 'connect' is exported twice
    """
    exports: dict[str, list[str]] = {}
    names: list[str] | None = None
    for word in table.split():
        if word.endswith(":"):
            names = exports.setdefault(word[:-1], [])
        elif names is None:
            raise ValueError(f"export table: {word!r} comes before any 'module:'")
        elif any(word in listed for listed in exports.values()):
            raise ValueError(f"export table: {word!r} is exported twice")
        else:
            names.append(word)
    for module, names in exports.items():
        if not names:
            raise ValueError(f"export table: {module!r} exports no name")
    return exports
