"""What each part of the sample-study generator hands back to the orchestrator."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from research.defaults import SEED


def read_data(name: str) -> Any:
    """The YAML data file *name* next to the generator's modules (tables and texts of the story)."""
    return yaml.safe_load((Path(__file__).parent / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SampleContext:
    """Where and how big to generate.

    ``scale`` multiplies respondent, event and series counts (1.0 = the committed sample);
    benchmarks generate bigger studies into ``data/processed`` with the same code.
    """

    out: Path
    seed: int = SEED
    scale: float = 1.0

    def rng(self, part: str) -> np.random.Generator:
        """An independent, reproducible random stream per part (adding a part shifts no other)."""
        return np.random.default_rng([self.seed, *part.encode()])


@dataclass
class SamplePart:
    """One pillar's share of the sample study.

    ``files`` become study.yml ``files:`` entries (id -> DataFile fields, paths relative to the
    study folder); ``runs`` become report runs; ``section`` is the pillar's study.yml section;
    ``truths`` is Markdown for the README's planted-truths chapter.
    """

    name: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    section: dict[str, Any] | None = None
    truths: str = ""


def kpi_definition(
    column: str, label: tuple[str, str], unit: tuple[str, str], higher_is_better: bool, threshold: float
) -> dict[str, Any]:
    """One KPI of study.yml's ``evaluation.kpis``; *label* and *unit* are (zh, en) pairs.

    *threshold* is the practical threshold: the smallest change that matters to the business.
    """
    return {
        "column": column,
        "label": dict(zip(("zh", "en"), label, strict=True)),
        "unit": dict(zip(("zh", "en"), unit, strict=True)),
        "higher_is_better": higher_is_better,
        "threshold": threshold,
    }
