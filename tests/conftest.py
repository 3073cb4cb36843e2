"""Shared fixtures: the project root and small throwaway studies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "data" / "raw" / "sample"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start Spark (the session's ``spark_backend``, conftest_journeys.py) are slow.

    The other slow tests (papermill runs of notebooks, report batches) carry the mark in their
    module; ``make test-fast`` (``pytest -m "not slow"``) leaves all of them out.
    """
    for item in items:
        if "spark_backend" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder (data/raw, data/processed, reports) used as project root."""
    for sub in ("data/raw", "data/processed", "reports"):
        (tmp_path / sub).mkdir(parents=True)
    monkeypatch.setenv("RESEARCH_PROJECT_ROOT", str(tmp_path))
    return tmp_path


@pytest.fixture
def minimal_study(project_copy: Path):
    """Write a minimal valid study named ``mini``; returns a function to rewrite its study.yml."""
    folder = project_copy / "data" / "raw" / "mini"
    folder.mkdir()
    (folder / "kpis.csv").write_text("week,value\n1,2\n", encoding="utf-8")
    base = {
        "name": "mini",
        "title": "Mini study",
        "languages": ["en"],
        "touchpoints": [
            {
                "id": "store",
                "name": {"zh": "营业厅", "en": "Store"},
                "stage": "purchase",
                "phase": "purchase",
                "channel": "offline",
                "type": "physical",
            }
        ],
        "files": {"kpis": {"path": "kpis.csv", "role": "kpi_series"}},
    }

    def write(**changes):
        content = {**base, **changes}
        (folder / "study.yml").write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
        return folder

    write()
    return write


def copy_sample(target: Path) -> Path:
    """Copy the bundled sample study into *target*/data/raw/sample."""
    destination = target / "data" / "raw" / "sample"
    shutil.copytree(SAMPLE, destination)
    return destination
