"""Refuse notebooks committed with outputs or execution counts (the pre-commit hook).

Usage: ``python scripts/check_notebooks_clean.py [NOTEBOOK ...]`` (default: notebooks/*.ipynb).
Prints one line per offending cell and exits 1 if there is any. tests/test_notebooks_clean.py
runs the same check (with the rest of the notebook contract) in the test suite.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def dirty_cells(path: Path) -> list[str]:
    """One line per code cell of *path* that has outputs or an execution count."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{path}: cell {number} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"{path}: cell {number} has an execution count")
    return problems


def main(paths: list[str]) -> int:
    """Check *paths* (all notebooks when empty); return the exit code."""
    notebooks = [Path(p) for p in paths] or sorted(NOTEBOOKS.glob("*.ipynb"))
    problems = [line for path in notebooks for line in dirty_cells(path)]
    for line in problems:
        print(line)
    if problems:
        print("Clear the outputs before committing (Jupyter: Edit > Clear Outputs of All Cells).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
