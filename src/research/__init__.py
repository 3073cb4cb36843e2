"""Touchpoint Workbench: customer touchpoint research in Jupyter.

The public API is re-exported here for notebooks:

>>> import research
>>> study = research.load_study("sample")
"""

from research.errors import DataError
from research.study import Study, load_study

__all__ = ["DataError", "Study", "__version__", "load_study"]
__version__ = "0.1.0"
