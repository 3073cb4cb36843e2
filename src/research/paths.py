"""Where things live: the project root, raw inputs, derived data and reports.

The project root is found, in order, from the ``RESEARCH_PROJECT_ROOT`` environment variable,
from the working directory or any parent holding ``data/raw``, and finally from the source
checkout this package was installed from (editable installs). Notebooks executed by papermill
run with the ``notebooks/`` folder as working directory, so the upward search finds the root.
"""

from __future__ import annotations

import os
from pathlib import Path

from research.errors import DataError

ENV_ROOT = "RESEARCH_PROJECT_ROOT"


def _looks_like_root(path: Path) -> bool:
    return (path / "data" / "raw").is_dir()


def project_root() -> Path:
    """Return the project folder (the one holding ``data/raw``).

    Examples
    --------
    >>> (project_root() / "data" / "raw").is_dir()
    True
    """
    env = os.environ.get(ENV_ROOT)
    if env:
        root = Path(env).expanduser().resolve()
        if not _looks_like_root(root):
            raise DataError(
                f"{ENV_ROOT} points to a folder without data/raw",
                file=root,
                hint="Set it to the project folder (the one with data/raw) or unset it.",
            )
        return root
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if _looks_like_root(candidate):
            return candidate
    source_checkout = Path(__file__).resolve().parents[2]
    if _looks_like_root(source_checkout):
        return source_checkout
    raise DataError(
        "Cannot find the project folder (a folder with data/raw)",
        file=here,
        hint=f"Run from inside the project or set {ENV_ROOT}.",
    )


def raw_dir(root: Path | None = None) -> Path:
    """``data/raw`` of the project: immutable inputs, never written by the workbench."""
    return (root or project_root()) / "data" / "raw"


def processed_dir(root: Path | None = None) -> Path:
    """``data/processed`` of the project: everything derived, reproducible from raw."""
    return (root or project_root()) / "data" / "processed"


def reports_dir(root: Path | None = None) -> Path:
    """``reports`` of the project: rendered HTML and each report's ``results.json``."""
    return (root or project_root()) / "reports"


def is_inside_raw(path: Path) -> bool:
    """True if *path* lies under any ``data/raw`` folder (where nothing may be written)."""
    parts = Path(path).resolve().parts
    return any(parts[i : i + 2] == ("data", "raw") for i in range(len(parts) - 1))
