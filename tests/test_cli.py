"""The ``research`` command: validate, sample, and one end-to-end batch of the sample study."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, copy_sample

from research.cli import main
from research.coding import load_transcripts
from research.io import file_sha256
from research.privacy import find_personal_data
from research.reports.manifest import code_fingerprint
from research.study import load_study


def test_validate_ok(capsys):
    assert main(["validate", "--study", "sample"]) == 0
    assert capsys.readouterr().out.startswith("OK: study 'sample'")


def test_data_error_is_one_line_and_exit_2(capsys, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "study.yml").write_text("name: broken\ntitle: [unclosed\n", encoding="utf-8")
    assert main(["validate", "--study", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("research validate: study.yml is not valid YAML")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_reports_rejects_bad_jobs(capsys):
    assert main(["reports", "--jobs", "0"]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


def test_sample_subcommand_writes_a_valid_study(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path / "mini"), "--scale", "0.05"]) == 0
    assert load_study(tmp_path / "mini").name == "mini"  # a study is named after its folder
    assert main(["sample", "--out", str(tmp_path / "data" / "raw" / "x"), "--scale", "0.05"]) == 2


@pytest.mark.slow
def test_sample_batch_end_to_end(tmp_path):
    """The real sample batch through the console entry point with two workers."""
    copy_sample(tmp_path)
    shutil.copytree(PROJECT / "notebooks", tmp_path / "notebooks")
    study = load_study(tmp_path / "data" / "raw" / "sample", root=tmp_path)
    missing = sorted({r.notebook for r in study.runs} - {p.name for p in (tmp_path / "notebooks").iterdir()})
    assert not missing, f"notebooks registered in the sample study but missing: {missing}"
    raw_before = file_sha256(tmp_path / "data" / "raw")
    code_before = code_fingerprint.__wrapped__()  # uncached: the workbench source right now
    env = {**os.environ, "RESEARCH_PROJECT_ROOT": str(tmp_path)}
    command = [sys.executable, "-m", "research", "reports", "--study", "sample", "--jobs", "2"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    reports = tmp_path / "reports"
    index = (reports / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((tmp_path / "data/processed/sample/manifest.json").read_text(encoding="utf-8"))
    assert [r.id for r in study.runs] == list(manifest["runs"])
    for run in study.runs:
        assert manifest["runs"][run.id]["status"] == "ok", run.id
        page = (reports / "sample" / f"{run.id}.html").read_text(encoding="utf-8")
        assert len(page) > 10_000 and "This report failed" not in page
        # self-contained and inert: our template has no scripts, data outputs must not add any
        assert not re.search(r"<script", page, re.I), f"{run.id}: the report contains a script"
        results = json.loads((reports / "sample" / run.id / "results.json").read_text(encoding="utf-8"))
        assert results["results"] and results["provenance"]["study"] == "sample"
        assert f'href="sample/{run.id}.html"' in index
    assert f"{len(study.runs)} ok, 0 failed" in done.stdout
    assert file_sha256(tmp_path / "data" / "raw") == raw_before, "the batch wrote under data/raw"
    # No planted personal data item of the transcripts reaches any shared report.
    names = study.section("coding").get("redact_names", [])
    planted = {
        t.text[item.start : item.end]
        for t in load_transcripts(study)
        for item in find_personal_data(t.text, names)
    }
    assert len(planted) >= 6
    machine = {str(tmp_path), str(PROJECT), str(Path.home()), sys.prefix}
    for page in [*(reports / "sample").glob("*.html"), reports / "index.html"]:
        text = page.read_text(encoding="utf-8")
        assert not [item for item in planted if item in text], page.name
        # Nothing of the machine: no absolute path, no traceback, no warning text.
        assert not [folder for folder in machine if folder in text], page.name
        assert "Traceback" not in text and "Warning:" not in text, page.name
    warm = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert warm.returncode == 0, warm.stdout + warm.stderr
    if code_fingerprint.__wrapped__() == code_before:  # in a shared dev tree the source may change
        assert f"0 ok, 0 failed, {len(study.runs)} skipped" in warm.stdout
