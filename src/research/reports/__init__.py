"""Batch reports: run notebooks with papermill, render HTML, keep an index and a manifest.

Notebooks call :func:`finish` as their last step; the ``research reports`` command calls
:func:`run_reports` (:mod:`research.reports.runner`), which validates parameters
(:mod:`~research.reports.params`), skips unchanged runs (:mod:`~research.reports.manifest`),
renders HTML (:mod:`~research.reports.render`) and writes ``reports/index.html``
(:mod:`~research.reports.index`). papermill and nbconvert are imported only when a run executes.
"""

from research.reports.index import write_index
from research.reports.notebook import finish, output_folder, provenance, report_display
from research.reports.params import notebook_parameters
from research.reports.runner import BatchResult, run_reports
from research.reports.sections import notes, optional_section, show_note, show_table
from research.wording import Prose, report_language, use_language

__all__ = [
    "BatchResult",
    "Prose",
    "finish",
    "notebook_parameters",
    "notes",
    "optional_section",
    "output_folder",
    "provenance",
    "report_display",
    "report_language",
    "run_reports",
    "show_note",
    "show_table",
    "use_language",
    "write_index",
]
