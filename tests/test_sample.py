"""The seeded sample-study generator: deterministic, refuses data/raw, output loads."""

from __future__ import annotations

import pytest

from research import DataError, load_study
from research.io import file_sha256
from research.sample import generate


def _hashes(folder):
    # Office files (xlsx, docx) embed creation times; compare the text and CSV outputs.
    return {
        p.relative_to(folder).as_posix(): file_sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix not in {".xlsx", ".docx", ".sav"}
    }


def test_generator_is_deterministic_and_valid(tmp_path):
    first = generate(tmp_path / "a" / "mini", scale=0.05)
    second = generate(tmp_path / "b" / "mini", scale=0.05)
    assert _hashes(first) == _hashes(second)
    study = load_study(first)
    assert study.runs, "the sample registers report runs"
    assert "Planted truths" in (first / "README.md").read_text(encoding="utf-8")


def test_generator_refuses_data_raw_without_flag(tmp_path):
    target = tmp_path / "data" / "raw" / "sample"
    with pytest.raises(DataError, match="data/raw"):
        generate(target, scale=0.05)
    assert not target.exists()


def test_committed_sample_is_small_enough():
    from conftest import SAMPLE

    total = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert total < 10 * 1024 * 1024, f"sample study is {total / 1e6:.1f} MB"
