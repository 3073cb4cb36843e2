"""Batch reports: run notebooks with papermill, render HTML, keep an index and a manifest.

Notebooks call :func:`finish` as their last step; the ``research reports`` command uses
:mod:`research.reports.runner`.
"""

from research.reports.notebook import finish, output_folder, provenance

__all__ = ["finish", "output_folder", "provenance"]
