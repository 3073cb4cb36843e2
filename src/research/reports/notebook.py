"""What every report notebook does at its end: save key figures, show provenance.

A report notebook has two standard parameters, ``study`` and ``output_dir``. The batch runner
sets ``output_dir`` to the report's folder under ``reports/<study>/<run id>/``; run
interactively with ``output_dir = ""``, results go to ``data/processed/<study>/<notebook>/``.
"""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
import sys
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from research.io import file_sha256, write_json
from research.reports.sections import _html_table, notes, show_glance, show_note
from research.study import Study
from research.wording import say

_PACKAGE_DIR = Path(__file__).resolve().parents[1]

#: Packages whose versions every report records.
PROVENANCE_PACKAGES = (
    "research",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "pingouin",
    "matplotlib",
    "papermill",
    "nbconvert",
)


def _warning_for_readers(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """Warnings the workbench raises for the reader become plain notes; the rest goes to stderr.

    A warning from the package itself (regression to the mean, a thin segment) is meant for the
    reader: it is shown as a note without the machine's file paths. Warnings from libraries go
    to stderr, which the executed notebook keeps and the shared report leaves out.
    """
    if Path(filename).resolve().is_relative_to(_PACKAGE_DIR):
        show_note(str(message), section="warning")
    else:
        sys.stderr.write(f"{category.__name__}: {message}\n")


def report_display(precision: int = 3) -> None:
    """Display settings for report notebooks: whole sentences, readable tables, plain warnings.

    Plain-language columns (verdict sentences, readings, quotes) must not be cut to pandas'
    default 50 characters in a report; numbers show *precision* significant decimals. Every
    DataFrame a report shows is formatted for readers by
    :func:`~research.reports.sections.show_table` (no row index, shares as percentages,
    thousands separators). Warnings are shown as notes for the reader when the workbench raised
    them, and never with a path of the machine.

    Examples
    --------
    >>> import warnings
    >>> shown = warnings.showwarning
    >>> with pd.option_context("display.max_colwidth", 50, "display.precision", 6,
    ...                        "display.max_rows", 60, "display.width", 80):  # leave them as found
    ...     report_display()
    ...     print(pd.get_option("display.max_colwidth") is None)
    True
    >>> warnings.showwarning = shown
    """
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.precision", precision)
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.width", 200)
    warnings.showwarning = _warning_for_readers
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _html_table)


def output_folder(study: Study, output_dir: str | Path, notebook: str) -> Path:
    """The folder a notebook writes ``results.json`` to (created if missing)."""
    folder = Path(output_dir) if output_dir else study.processed_dir / Path(notebook).stem
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _git_commit(root: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def provenance(study: Study, parameters: dict[str, Any], inputs: list[str] | None = None) -> dict[str, Any]:
    """What a report was made from: input file hashes, parameters, versions, git commit.

    Parameters
    ----------
    study : Study
    parameters : dict
        The notebook's parameters as executed.
    inputs : list of str, optional
        Ids of the study's data files the report read (default: all declared files).

    Examples
    --------
    >>> from research import load_study
    >>> info = provenance(load_study("sample"), {"study": "sample"}, inputs=[])
    >>> sorted(info)
    ['generated_at', 'git_commit', 'inputs', 'packages', 'parameters', 'python', 'study']
    """
    ids = sorted(study.definition.files) if inputs is None else inputs
    files = [("study.yml", study.yml_path)] + [(i, study.file(i)) for i in ids]
    return {
        "study": study.name,
        "parameters": parameters,
        "inputs": [
            {"id": file_id, "path": str(path.relative_to(study.root)), "sha256": file_sha256(path)}
            for file_id, path in files
        ],
        "packages": {name: _version(name) for name in PROVENANCE_PACKAGES},
        "python": platform.python_version(),
        "git_commit": _git_commit(study.root),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def finish(
    results: dict[str, Any],
    *,
    study: Study,
    parameters: dict[str, Any],
    output_dir: str | Path,
    notebook: str,
    inputs: list[str] | None = None,
    summary: Sequence[str] | None = None,
    language: str | None = None,
) -> pd.DataFrame:
    """Write ``results.json`` (key figures + provenance) and return the provenance table.

    The returned DataFrame is what the notebook's final "Provenance" cell displays. With a
    *summary*, the at-a-glance box is shown (the renderer moves it to the top of the report)
    and its sentences are kept in ``results.json`` under ``at_a_glance``.

    Parameters
    ----------
    results : dict
        The report's key figures (plain JSON types, numpy scalars are converted). The notes of
        sections the data could not support (:func:`~research.reports.optional_section`) are
        added under ``notes``.
    study : Study
    parameters : dict
        The notebook's parameters as executed.
    output_dir : str or Path
        The ``output_dir`` parameter ("" when run interactively).
    notebook : str
        The notebook's file name, e.g. ``"00_touchpoint_inventory.ipynb"``.
    inputs : list of str, optional
        Ids of the data files the report used (default: all).
    summary : sequence of str, optional
        The report's at-a-glance sentences (a pillar's ``at_a_glance(results, language)``).
    language : {"zh", "en"}, optional
        The report's language, for the at-a-glance box and the provenance table (default: the
        study's main language).
    """
    info = provenance(study, parameters, inputs)
    folder = output_folder(study, output_dir, notebook)
    results = {**results, "notes": results.get("notes", notes())}
    if summary:
        results["at_a_glance"] = list(summary)
        show_glance(list(summary), language or study.language)
    write_json(folder / "results.json", {"results": results, "provenance": info})
    language = "zh" if (language or study.language) == "zh" else "en"

    def words(key: str) -> str:
        return say("reports", f"provenance_{key}", language)

    rows = [(words("study"), info["study"]), (words("generated"), info["generated_at"])]
    rows += [("git commit", info["git_commit"] or words("no_git")), ("python", info["python"])]
    rows += [(f"{words('parameter')} {k}", repr(v)) for k, v in parameters.items()]
    rows += [(f"{words('input')} {i['path']}", i["sha256"][:16]) for i in info["inputs"]]
    rows += [(f"{words('package')} {k}", v or words("not_installed")) for k, v in info["packages"].items()]
    return pd.DataFrame(rows, columns=["item", "value"])
