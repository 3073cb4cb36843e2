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


def lazy_exports(package: str, exports: dict[str, list[str]]) -> LazyExports:
    """Build ``__getattr__``, ``__dir__`` and ``__all__`` for *package*.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : dict of str to list of str
        Submodule name (relative to the package) -> the names it exports.

    Returns
    -------
    LazyExports
        To unpack into the package's ``__getattr__, __dir__, __all__``.
    """
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
