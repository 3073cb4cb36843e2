"""The batch runner on a throwaway project: parallel runs, skip, force, failure isolation,
parameter validation, and HTML that is code-free, escaped and self-contained."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml

import research
from research import DataError
from research.reports.runner import check_kernel, run_reports

pytestmark = pytest.mark.slow  # runs report batches (papermill)

XSS = "<script>alert(1)</script>"
CODE_MARKER = "CODE_MARKER_7f3a"


def _notebook(*sources: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "research",
        "display_name": "Python (research)",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell(
        'study = "mini"  # study\noutput_dir = ""  # report folder\nx = 1.0  # a number'
    )
    params.metadata["tags"] = ["parameters"]
    notebook.cells = [params, *(nbformat.v4.new_code_cell(s) for s in sources)]
    return notebook


GOOD = [
    f"import time\n{CODE_MARKER} = time.time()\ntime.sleep(1.0)",
    "import pandas as pd\nimport research\ns = research.load_study(study)\n"
    "pd.DataFrame({'touchpoint': [t.name.en for t in s.touchpoints]})",
    "from research.reports import finish\n"
    "finish({'x': x, 'started': CODE_MARKER_7f3a, 'ended': time.time()}, study=s, parameters={'x': x},\n"
    "       output_dir=output_dir, notebook='good.ipynb')",
]
BAD = [
    "import os, warnings\nimport research\nprint('first step done')\nprint(os.getcwd(), research.__file__)\n"
    "warnings.warn('a library warning')",
    "raise ValueError('planted failure <b>')",
    "print('never reached')",
]


def _study(runs: list[dict]) -> dict:
    return {
        "name": "mini",
        "title": f"Mini {XSS}",
        "languages": ["en"],
        "touchpoints": [
            {
                "id": "store",
                "name": {"en": f"Store {XSS}"},
                "stage": "purchase",
                "phase": "purchase",
                "channel": "offline",
                "type": "physical",
            }
        ],
        "files": {"kpis": {"path": "kpis.csv", "role": "kpi_series"}},
        "runs": runs,
    }


RUNS = [
    {"id": "a", "notebook": "good_a.ipynb", "title": f"Report A {XSS}", "parameters": {"x": 2}},
    {"id": "b", "notebook": "good_b.ipynb", "title": "Report B", "parameters": {"x": 3.5}},
    {"id": "bad", "notebook": "bad.ipynb", "title": "Failing report", "parameters": {}},
]


def _make_project(root: Path, runs: list[dict]) -> Path:
    study = root / "data" / "raw" / "mini"
    study.mkdir(parents=True)
    (root / "notebooks").mkdir()
    (study / "kpis.csv").write_text("week,value\n1,2\n", encoding="utf-8")
    (study / "study.yml").write_text(yaml.safe_dump(_study(runs), allow_unicode=True), encoding="utf-8")
    nbformat.write(_notebook(*GOOD), root / "notebooks" / "good_a.ipynb")
    nbformat.write(_notebook(*GOOD), root / "notebooks" / "good_b.ipynb")
    nbformat.write(_notebook(*BAD), root / "notebooks" / "bad.ipynb")
    return root


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One cold batch of three runs (one failing) with two workers."""
    root = _make_project(tmp_path_factory.mktemp("project"), RUNS)
    result = run_reports("mini", jobs=2, progress=False, root=root)
    return root, result


def _results(root: Path, run_id: str) -> dict:
    return json.loads((root / "reports" / "mini" / run_id / "results.json").read_text(encoding="utf-8"))


def _html(root: Path, run_id: str) -> str:
    return (root / "reports" / "mini" / f"{run_id}.html").read_text(encoding="utf-8")


def test_cold_batch_outcomes(batch):
    root, result = batch
    status = {o.run_id: o.status for o in result.outcomes}
    assert status == {"a": "ok", "b": "ok", "bad": "failed"}
    assert not result.ok
    assert "ValueError: planted failure <b>" in result.failed[0].error
    assert _results(root, "a")["results"]["x"] == 2
    assert _results(root, "b")["results"]["x"] == 3.5
    assert not (root / "reports" / "mini" / "bad" / "results.json").exists()
    assert (root / "data" / "processed" / "mini" / "executed" / "a.ipynb").exists()
    assert "1 failed" in result.summary()


def test_runs_execute_in_parallel(batch):
    root, _ = batch
    a, b = _results(root, "a")["results"], _results(root, "b")["results"]
    # Each notebook sleeps 1 s between 'started' and 'ended': with two workers they overlap.
    assert a["started"] < b["ended"] and b["started"] < a["ended"]


def test_failed_report_is_rendered_with_banner(batch):
    root, _ = batch
    page = _html(root, "bad")
    assert "This report failed" in page
    assert "first step done" in page  # output before the failure is kept
    assert "never reached" not in page
    assert "planted failure &lt;b&gt;" in page and "planted failure <b>" not in page
    # A reader sees the error message, never a traceback, a warning or a path of the machine.
    assert "Traceback" not in page and "----&gt;" not in page and "a library warning" not in page
    for folder in (root, Path.home(), Path(research.__file__).parents[2]):
        assert str(folder) not in page
    assert "notebooks" in page and "research/__init__.py" in page  # shown relative instead


def test_html_hides_code_and_parameters_cells(batch):
    root, _ = batch
    page = _html(root, "a")
    assert CODE_MARKER not in page
    assert "import pandas" not in page
    assert "Parameter x</th><td>2</td>" in page  # parameters shown in the header table


def test_html_escapes_data_text(batch):
    root, _ = batch
    for run_id in ("a", "b"):
        page = _html(root, run_id)
        assert XSS not in page
        assert "Store &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Report A &lt;script&gt;" in _html(root, "a")


def test_html_is_self_contained(batch):
    root, _ = batch
    for run_id in ("a", "bad"):
        page = _html(root, run_id)
        assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
        assert not re.search(r"<link[^>]*href\s*=\s*[\"']?(https?:)?//", page, re.I)
        assert not re.search(r"""import\s*\(?\s*["']https?://""", page)
        assert not re.search(r"@import\s+url\(\s*[\"']?https?://", page)


def test_index_lists_every_run(batch):
    root, _ = batch
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    for run_id in ("a", "b", "bad"):
        assert f'href="mini/{run_id}.html"' in index
    assert "Report A &lt;script&gt;alert(1)&lt;/script&gt;" in index and XSS not in index
    assert 'class="status-failed"' in index and "1 failed" in index
    assert "<script" not in index
    manifest = json.loads(
        (root / "data" / "processed" / "mini" / "manifest.json").read_text(encoding="utf-8")
    )
    assert list(manifest["runs"]) == ["a", "b", "bad"]
    assert manifest["runs"]["a"]["status"] == "ok" and manifest["runs"]["bad"]["status"] == "failed"
    assert all(len(entry["fingerprint"]) == 64 for entry in manifest["runs"].values())


def test_warm_skip_change_and_force(batch):
    root, _ = batch
    page_a = root / "reports" / "mini" / "a.html"
    first_mtime = page_a.stat().st_mtime_ns

    warm = run_reports("mini", jobs=2, progress=False, root=root)
    # unchanged runs are skipped; the one that failed last time is tried again
    assert {o.run_id: o.status for o in warm.outcomes} == {"a": "skipped", "b": "skipped", "bad": "failed"}
    assert page_a.stat().st_mtime_ns == first_mtime

    notebook = nbformat.read(root / "notebooks" / "good_b.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("A new closing remark."))
    nbformat.write(notebook, root / "notebooks" / "good_b.ipynb")
    changed = run_reports("mini", only="[ab]", progress=False, root=root)
    assert {o.run_id: o.status for o in changed.outcomes} == {"a": "skipped", "b": "ok"}
    assert "A new closing remark." in _html(root, "b")

    forced = run_reports("mini", only="a", force=True, show_code=True, progress=False, root=root)
    assert [(o.run_id, o.status) for o in forced.outcomes] == [("a", "ok")]
    page = page_a.read_text(encoding="utf-8")
    assert page_a.stat().st_mtime_ns != first_mtime
    assert CODE_MARKER in page  # --show-code
    assert "# Parameters" not in page and "x = 1.0" not in page  # papermill's cells stay hidden
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="mini/{r}.html"' in index for r in ("a", "b", "bad"))  # --only keeps the others


def test_invalid_parameters_fail_only_their_run_before_running(tmp_path):
    runs = [dict(RUNS[0]), {**RUNS[1], "parameters": {"x": "3.5"}}]
    root = _make_project(tmp_path, runs)
    result = run_reports("mini", progress=False, root=root)
    outcomes = {o.run_id: o for o in result.outcomes}
    assert outcomes["a"].status == "ok" and outcomes["b"].status == "failed"
    assert "Wrong type for notebook parameter 'x'" in outcomes["b"].error
    assert "runs[1].parameters.x" in outcomes["b"].error
    assert not (root / "data" / "processed" / "mini" / "executed" / "b.ipynb").exists()  # never ran
    page = _html(root, "b")
    assert "Not run: 1 problem(s)" in page and "Wrong type for notebook parameter" in page


def test_unknown_parameter_and_missing_notebook(tmp_path):
    root = _make_project(tmp_path, [{**RUNS[0], "parameters": {"langauge": 1}}])
    result = run_reports("mini", progress=False, root=root)
    assert [o.status for o in result.outcomes] == ["failed"]
    assert "Unknown notebook parameter" in result.outcomes[0].error
    (root / "data" / "raw" / "mini" / "study.yml").write_text(
        yaml.safe_dump(_study([{**RUNS[0], "notebook": "nope.ipynb"}])), encoding="utf-8"
    )
    with pytest.raises(DataError, match="Notebook of a report run not found") as info:
        run_reports("mini", progress=False, root=root)
    assert info.value.column == "runs[0].notebook"
    with pytest.raises(DataError, match="No report run matches"):
        run_reports("mini", only="zzz*", progress=False, root=root)


def test_missing_kernel_says_how_to_fix():
    with pytest.raises(DataError, match=r"make setup.*ipykernel install --sys-prefix --name research"):
        check_kernel("no-such-kernel-xyz")
    check_kernel()  # the research kernel is installed in the venv


def test_full_validation_before_running_not_on_the_warm_path(tmp_path, monkeypatch):
    import research.validate as validate

    root = _make_project(tmp_path, [RUNS[0]])
    calls = []
    full_check = validate.validate_study
    monkeypatch.setattr(validate, "validate_study", lambda *a, **k: calls.append(a) or full_check(*a, **k))
    assert run_reports("mini", progress=False, root=root).ok
    assert len(calls) == 1  # pillar sections validated before anything executed
    warm = run_reports("mini", progress=False, root=root)
    assert [o.status for o in warm.outcomes] == ["skipped"]
    assert len(calls) == 1  # unchanged inputs: the heavy validators are not imported again


NEEDS_READER = [
    "import json, pathlib, time\nimport research\nfrom research.reports import finish\n"
    "s = research.load_study(study)\n"
    "read = json.loads((pathlib.Path(output_dir).parent / 'a' / 'results.json').read_text())['results']\n"
    "finish({'read_x': read['x'], 'read_ended': read['ended'], 'started': time.time()}, study=s,\n"
    "       parameters={}, output_dir=output_dir, notebook='reader.ipynb')",
]


def test_needs_order_the_batch_and_rerun_the_reader(tmp_path):
    runs = [{"id": "card", "notebook": "reader.ipynb", "needs": ["a"]}, RUNS[0], RUNS[1]]
    root = _make_project(tmp_path, runs)
    nbformat.write(_notebook(*NEEDS_READER), root / "notebooks" / "reader.ipynb")
    first = run_reports("mini", jobs=3, progress=False, root=root)
    assert {o.run_id: o.status for o in first.outcomes} == {"card": "ok", "a": "ok", "b": "ok"}
    card = _results(root, "card")["results"]
    assert card["read_x"] == 2 and card["started"] > card["read_ended"]  # ran after what it reads
    warm = run_reports("mini", progress=False, root=root)
    assert {o.status for o in warm.outcomes} == {"skipped"}
    # The needed run changes (forced): the reader re-runs although nothing of its own changed.
    again = run_reports("mini", only="[ac]*", force=False, progress=False, root=root)
    assert {o.run_id: o.status for o in again.outcomes} == {"card": "skipped", "a": "skipped"}
    run_reports("mini", only="a", force=True, progress=False, root=root)
    after = run_reports("mini", progress=False, root=root)
    assert {o.run_id: o.status for o in after.outcomes} == {"card": "ok", "a": "skipped", "b": "skipped"}


@pytest.mark.parametrize(
    ("needs", "column", "message"),
    [
        ({"card": ["nope"]}, "runs[0].needs[0]", "not another run"),
        ({"card": ["a"], "a": ["card"]}, "runs[].needs", "cycle"),
    ],
)
def test_unknown_or_cyclic_needs_are_data_errors(tmp_path, needs, column, message):
    from research.validate import validate_study

    runs = [{"id": "card", "notebook": "good_a.ipynb"}, dict(RUNS[0])]
    for run in runs:
        run["needs"] = needs.get(run["id"], [])
    root = _make_project(tmp_path, runs)
    validation = validate_study("mini", root)
    assert not validation.ok
    error = validation.problems[0].error
    assert isinstance(error, DataError) and error.column == column and message in str(error)
    with pytest.raises(DataError, match="The study cannot be run"):
        run_reports("mini", progress=False, root=root)
