"""The reports manifest: what each report run was made from, so unchanged runs can be skipped.

``data/processed/<study>/manifest.json`` keeps, per run id, a fingerprint of everything the
report depends on (the notebook file, its parameters, study.yml and every declared data file,
the workbench version and source code) plus the outcome of its last execution (status,
duration, time generated, where the HTML is). A run is up to date when its fingerprint is
unchanged, its last execution succeeded and its outputs still exist.

This module is on the warm path of ``research reports``: it only hashes files and reads JSON
(no papermill or nbconvert imports), so a no-change batch takes well under a second or two.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from research.io import file_sha256, write_json
from research.study import Study

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def manifest_path(study: Study) -> Path:
    """``data/processed/<study>/manifest.json``."""
    return study.processed_dir / MANIFEST_NAME


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest at *path*; an empty one if it is missing or unreadable (then all runs re-run).

    Examples
    --------
    >>> read_manifest("/nonexistent/manifest.json")
    {'version': 1, 'study': None, 'runs': {}}
    """
    empty: dict[str, Any] = {"version": MANIFEST_VERSION, "study": None, "runs": {}}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return empty
    data.setdefault("runs", {})
    return data


def write_manifest(path: str | Path, manifest: dict[str, Any]) -> Path:
    """Write the manifest atomically."""
    return write_json(path, manifest)


def input_hashes(study: Study) -> dict[str, str]:
    """SHA-256 of study.yml and of every declared data file (folders hash all their files)."""
    hashes = {"study.yml": file_sha256(study.yml_path)}
    for file_id in sorted(study.definition.files):
        hashes[file_id] = file_sha256(study.file(file_id))
    return hashes


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Version and source hash of the installed ``research`` package.

    A report depends on the workbench code as much as on its data: a fix in a statistic must
    re-run the reports that use it, also in a development checkout where the version number
    does not change.
    """
    import research

    package = Path(research.__file__).parent
    digest = hashlib.sha256(research.__version__.encode())
    for source in sorted(package.rglob("*.py")):
        digest.update(str(source.relative_to(package)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def run_fingerprint(
    notebook: str | Path, parameters: dict[str, Any], inputs: dict[str, str], code: str
) -> str:
    """One hash of everything a run's report depends on.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> nb = pathlib.Path(tempfile.mkdtemp()) / "n.ipynb"
    >>> _ = nb.write_text("{}")
    >>> a = run_fingerprint(nb, {"language": "zh"}, {"study.yml": "0" * 64}, "code")
    >>> a == run_fingerprint(nb, {"language": "en"}, {"study.yml": "0" * 64}, "code")
    False
    """
    content = {
        "notebook": file_sha256(notebook),
        "parameters": parameters,
        "inputs": inputs,
        "code": code,
    }
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def is_up_to_date(entry: dict[str, Any] | None, fingerprint: str, outputs: Iterable[Path]) -> bool:
    """True if the recorded run has this fingerprint, succeeded, and its outputs exist."""
    if not entry or entry.get("fingerprint") != fingerprint or entry.get("status") != "ok":
        return False
    return all(Path(p).exists() for p in outputs)
