"""Ctrl-C during a batch: queued runs are cancelled, the running one is marked `interrupted`
(no results.json, no old page shown as current), the index is rewritten, the exit code is 130."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import nbformat
import yaml

SLOW_CELLS = [
    "import pathlib, time\n"
    "pathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
    "(pathlib.Path(output_dir) / 'started').write_text('yes')\n"
    "time.sleep(120)",
]


def _slow_project(root):
    study = root / "data" / "raw" / "mini"
    study.mkdir(parents=True)
    (root / "notebooks").mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "research", "display_name": "research", "language": "python"}
    params = nbformat.v4.new_code_cell('study = "mini"\noutput_dir = ""')
    params.metadata["tags"] = ["parameters"]
    notebook.cells = [params, *(nbformat.v4.new_code_cell(s) for s in SLOW_CELLS)]
    nbformat.write(notebook, root / "notebooks" / "slow.ipynb")
    runs = [{"id": f"run{i}", "notebook": "slow.ipynb", "title": f"Slow {i}"} for i in range(3)]
    (study / "study.yml").write_text(yaml.safe_dump({"name": "mini", "runs": runs}), encoding="utf-8")
    return root


def test_ctrl_c_stops_the_batch_and_marks_the_running_report(tmp_path):
    root = _slow_project(tmp_path)
    # An old, successful-looking page of run0 that must not survive as current.
    (root / "reports" / "mini").mkdir(parents=True)
    (root / "reports" / "mini" / "run0.html").write_text("OLD PAGE", encoding="utf-8")
    env = {**os.environ, "RESEARCH_PROJECT_ROOT": str(root)}
    command = [sys.executable, "-m", "research", "reports", "--study", "mini", "--jobs", "1", "--no-progress"]
    batch = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    marker = root / "reports" / "mini" / "run0" / "started"
    deadline = time.monotonic() + 90
    while not marker.exists() and time.monotonic() < deadline and batch.poll() is None:
        time.sleep(0.2)
    assert marker.exists(), "the first run never started"
    stopped_at = time.monotonic()
    os.killpg(batch.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
    _, err = batch.communicate(timeout=60)
    assert batch.returncode == 130, err
    assert time.monotonic() - stopped_at < 30  # queued runs did not go on
    manifest = json.loads((root / "data" / "processed" / "mini" / "manifest.json").read_text())
    assert manifest["runs"]["run0"]["status"] == "interrupted"
    assert set(manifest["runs"]) == {"run0"}  # the queued runs never started
    assert not (root / "reports" / "mini" / "run1").exists()
    assert not (root / "reports" / "mini" / "run0" / "results.json").exists()
    page = (root / "reports" / "mini" / "run0.html").read_text(encoding="utf-8")
    assert "OLD PAGE" not in page and "was interrupted" in page
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "status-interrupted" in index
