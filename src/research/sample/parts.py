"""What each part of the sample-study generator hands back to the orchestrator."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class SampleContext:
    """Where and how big to generate.

    ``scale`` multiplies respondent, event and series counts (1.0 = the committed sample);
    benchmarks generate bigger studies into ``data/processed`` with the same code.
    """

    out: Path
    seed: int = 20261126
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
