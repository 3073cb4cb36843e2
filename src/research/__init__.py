"""Touchpoint Workbench: customer touchpoint research in Jupyter.

The public API is re-exported here for notebooks and imported on first use (see research._lazy),
so ``import research`` (and with it every ``import research.<pillar>``) loads no pandas:

>>> import research
>>> study = research.load_study("sample")
"""

from typing import TYPE_CHECKING

from research._lazy import lazy_exports

if TYPE_CHECKING:  # the names as mypy sees them; at run time __getattr__ imports them
    from research.errors import DataError
    from research.study import Study, load_study

__version__ = "0.1.0"
__all__ = ["DataError", "Study", "__version__", "load_study"]
__getattr__, __dir__, _ = lazy_exports(__name__, "errors: DataError study: Study load_study")
