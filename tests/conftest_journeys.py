"""Fixtures of the journeys tests: one small local Spark session per test session, fixture studies.

Imported by tests/test_journeys_*.py (``from conftest_journeys import ...``), so the Spark
session (local[2], 4 shuffle partitions, no UI) starts once however many journey tests use it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CATALOG = [
    {
        "id": "hotline",
        "name": {"en": "Hotline"},
        "stage": "purchase",
        "phase": "usage",
        "channel": "offline",
        "type": "interpersonal",
        "synonyms": {"en": ["call centre", "phone"]},
    },
    {
        "id": "website",
        "name": {"en": "Website"},
        "stage": "purchase",
        "phase": "pre-purchase",
        "channel": "online",
        "type": "digital",
    },
    {
        "id": "store",
        "name": {"en": "Store"},
        "stage": "purchase",
        "phase": "purchase",
        "channel": "offline",
        "type": "physical",
    },
]


@pytest.fixture(scope="session")
def spark_backend():
    """An Ibis PySpark backend on one local[2] session shared by all tests."""
    pytest.importorskip("pyspark")
    from research.journeys.engine import connect, spark_session

    session = spark_session()
    yield connect("pyspark", session=session)
    session.stop()


def write_study(
    root: Path, name: str, files: dict[str, str | bytes], journeys: dict, declared: dict[str, dict]
) -> Path:
    """A study ``name`` under *root*/data/raw with *files* (name -> content) and a catalog."""
    folder = root / "data" / "raw" / name
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, content in files.items():
        path = folder / file_name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    study = {
        "name": name,
        "languages": ["en"],
        "touchpoints": CATALOG,
        "files": declared,
        "journeys": journeys,
    }
    (folder / "study.yml").write_text(yaml.safe_dump(study, allow_unicode=True), encoding="utf-8")
    return folder
