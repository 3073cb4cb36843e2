"""Fault injection: one broken copy of the sample study per fault class, each made by the test.

Every fault must end in one of two ways: a clear DataError naming the place (file, field, row or
column) and the fix, found by the dry run (`research validate`) before anything runs; or a
correct result with a note. Never a silent wrong result, a traceback, or personal data in the
message. Faults of the pillars' own data (transcripts, KPI series, survey levels) have their own
tests beside the pillar (tests/test_coding_integrity.py, tests/test_eval_*.py,
tests/test_survey_*.py); this file holds the study-wide ones and the all-at-once check.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT, copy_sample

from research.validate import validate_study

# Each test copies the whole sample study and dry-runs every report run of it (~5 s).
pytestmark = pytest.mark.slow

PHONE = "13912345678"


@pytest.fixture
def broken_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[str]]:
    """Copy the sample into a throwaway project, apply *fault*, return the dry run's messages."""
    monkeypatch.setenv("RESEARCH_PROJECT_ROOT", str(tmp_path))
    folder = copy_sample(tmp_path)
    shutil.copytree(PROJECT / "notebooks", tmp_path / "notebooks")

    def run(fault: Callable[[Path, dict], dict | None], study: str = "sample") -> list[str]:
        definition = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
        changed = fault(folder, definition)
        (folder / "study.yml").write_text(
            yaml.safe_dump(changed or definition, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        validation = validate_study(study, root=tmp_path)
        messages = [str(problem) for problem in validation.problems]
        for message in messages:
            assert str(tmp_path) not in message, "a path of the machine in a message"
        return messages

    return run


def _one(messages: list[str], *needles: str) -> str:
    hits = [m for m in messages if all(n in m for n in needles)]
    assert hits, f"no problem mentions {needles}; got: {messages}"
    return hits[0]


# --- containment: a study reads only its own folder and writes only its own outputs ---------


def test_path_outside_the_study_folder(broken_sample):
    def fault(folder, study):
        study["files"]["margins"]["path"] = "../../../../../etc/passwd"

    _one(broken_sample(fault), "outside the study folder", "files.margins.path")


def test_root_folder_as_path(broken_sample):
    def fault(folder, study):
        study["files"]["events"]["path"] = "/"

    _one(broken_sample(fault), "outside the study folder", "files.events.path")


def test_symlink_leading_out_of_the_study(broken_sample, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("variable,category,share\n", encoding="utf-8")

    def fault(folder, study):
        os.symlink(outside, folder / "survey" / "linked.csv")
        study["files"]["margins"]["path"] = "survey/linked.csv"

    _one(broken_sample(fault), "outside the study folder", "files.margins.path")


def test_copied_study_that_keeps_another_name(broken_sample, tmp_path):
    shutil.copytree(tmp_path / "data" / "raw" / "sample", tmp_path / "data" / "raw" / "mine")

    def fault(folder, study):
        pass  # the copy under data/raw/mine still says name: sample

    messages = broken_sample(fault, study="mine")
    _one(messages, "not its folder's name", "'name'")


def test_name_that_is_a_path(broken_sample):
    def fault(folder, study):
        study["name"] = "../../x"

    _one(broken_sample(fault), "name", "'../../x'")


# --- readers: every option and format problem is a DataError naming file and field ----------


def test_unknown_reader_option(broken_sample):
    def fault(folder, study):
        study["files"]["margins"]["options"] = {"seperator": ";"}

    _one(broken_sample(fault), "Unknown reader option", "seperator", "margins.csv")


def test_unknown_encoding_suggests_the_detected_one(broken_sample):
    def fault(folder, study):
        study["files"]["survey_before"]["encoding"] = "gbk2"

    _one(broken_sample(fault), "Unknown encoding 'gbk2'", "gb18030", "before.csv")


def test_header_rows_that_is_not_a_number(broken_sample):
    def fault(folder, study):
        study["files"]["survey_after"]["options"] = {"header_rows": "two"}

    _one(broken_sample(fault), "header_rows must be the number of header lines", "after.xlsx")


def test_empty_survey_file(broken_sample):
    def fault(folder, study):
        (folder / "survey" / "before.csv").write_bytes(b"")

    _one(broken_sample(fault), "The file is empty", "before.csv")


def test_bom_file_declared_gbk(broken_sample):
    def fault(folder, study):
        path = folder / "survey" / "before.csv"
        path.write_bytes(path.read_bytes().decode("gbk").encode("utf-8-sig"))

    _one(broken_sample(fault), "byte-order mark", "before.csv")


def test_csv_renamed_xlsx(broken_sample):
    def fault(folder, study):
        (folder / "survey" / "margins.csv").rename(folder / "survey" / "margins.xlsx")
        study["files"]["margins"]["path"] = "survey/margins.xlsx"

    _one(broken_sample(fault), "not an Excel workbook", "margins.xlsx")


def test_header_only_survey_file(broken_sample):
    def fault(folder, study):
        path = folder / "survey" / "before.csv"
        path.write_bytes(path.read_bytes().split(b"\n", 1)[0] + b"\n")

    _one(broken_sample(fault), "no data rows", "before.csv")


# --- personal data never leaves through an error ---------------------------------------------


def test_personal_data_in_a_failing_cell_is_masked(broken_sample):
    def fault(folder, study):
        path = folder / "survey" / "before.csv"
        lines = path.read_bytes().decode("gbk").splitlines()
        cells = lines[1].split(",")
        cells[6] = PHONE  # a phone number typed into a rating column
        lines[1] = ",".join(cells)
        path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))

    messages = broken_sample(fault)
    assert messages, "the out-of-range cell was not reported"
    assert all(PHONE not in m for m in messages)
    _one(messages, "[phone]")


# --- run parameters ---------------------------------------------------------------------------


def test_misspelled_parameter_gets_the_closest_name(broken_sample):
    def fault(folder, study):
        study["runs"][0]["parameters"] = {"langauge": "zh"}

    _one(broken_sample(fault), "Unknown notebook parameter", "Did you mean 'language'?", "runs[0]")


def test_every_problem_at_once(broken_sample):
    """Done-when of the issue: a deliberately broken copy gets all its problems in one dry run."""

    def fault(folder, study):
        study["runs"][0]["parameters"] = {"langauge": "zh"}  # study-wide run list
        study["files"]["margins"]["options"] = {"seperator": ";"}  # a reader option
        study["files"]["customers"]["path"] = "events/missing.csv"  # a missing file
        survey_run = next(r for r in study["runs"] if r["notebook"].startswith("20_"))
        survey_run["parameters"]["segment"] = "tierr"  # a segment that is not a column
        evaluation_run = next(r for r in study["runs"] if r["notebook"].startswith("30_"))
        evaluation_run["parameters"]["kpis"] = ["no_such_kpi"]  # a KPI that is not declared
        coding_run = next(r for r in study["runs"] if r["notebook"].startswith("10_"))
        coding_run["parameters"]["reference_coder"] = "Z"  # a coder without codings

    messages = broken_sample(fault)
    _one(messages, "langauge")
    _one(messages, "seperator")
    _one(messages, "files.customers.path")
    _one(messages, "tierr")
    _one(messages, "no_such_kpi")
    _one(messages, "'Z'")


# --- batch faults --------------------------------------------------------------------------


def test_a_pillar_problem_fails_only_the_runs_of_that_pillar(broken_sample, tmp_path):
    def fault(folder, study):
        study["evaluation"]["kpis"][0]["column"] = "no_such_kpi"  # not in the KPI file

    messages = broken_sample(fault)
    _one(messages, "evaluation:", "no_such_kpi")
    from research.reports.runner import run_reports
    from research.study import load_study

    assert load_study("sample", root=tmp_path).name == "sample"  # loading is not blocked
    result = run_reports("sample", only="[ie][nv]*", progress=False, root=tmp_path)
    status = {o.run_id: o.status for o in result.outcomes}
    # a problem of the evaluation section fails every evaluation run, the roll-out's included
    assert status == {
        "inventory": "ok",
        "inventory-en": "ok",
        "evaluation-hotline": "failed",
        "evaluation-stores": "failed",
    }
    failed = next(o for o in result.outcomes if o.run_id == "evaluation-hotline")
    assert "Not run" not in failed.error and "no_such_kpi" in failed.error


def test_unsupported_report_language(broken_sample):
    def fault(folder, study):
        study["runs"][0]["parameters"] = {"language": "fr"}

    _one(broken_sample(fault), "Unsupported language", "runs[0].parameters.language", "'fr'")


# --- the KPI series ----------------------------------------------------------------------------


def _edit_kpis(folder: Path, edit: Callable[[list[list[str]]], None]) -> None:
    path = folder / "kpis" / "weekly_kpis.csv"
    rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()]
    edit(rows)
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


def test_duplicate_unit_period_rows(broken_sample):
    def fault(folder, study):
        _edit_kpis(folder, lambda rows: rows.insert(5, list(rows[3])))

    _one(broken_sample(fault), "weekly_kpis.csv", "row")


def test_kpi_cell_with_a_unit_written_in(broken_sample):
    def fault(folder, study):
        def edit(rows):
            column = rows[0].index("wait_seconds")
            rows[7][column] = rows[7][column] + "s"

        _edit_kpis(folder, edit)

    _one(broken_sample(fault), "weekly_kpis.csv", "row 8", "wait_seconds")


def test_all_missing_kpi_is_skipped_with_a_note_and_the_others_reported(broken_sample, tmp_path):
    def fault(folder, study):
        def edit(rows):
            column = rows[0].index("fcr")
            for row in rows[1:]:
                row[column] = ""

        _edit_kpis(folder, edit)

    broken_sample(fault)
    from research.evaluation import evaluate_kpis, load_kpi_series
    from research.study import load_study

    series = load_kpi_series(load_study("sample", root=tmp_path))
    evaluation = evaluate_kpis(series, n_boot=999)
    effects = evaluation.effects
    skipped = effects.set_index("kpi").loc["fcr"]
    assert "has no values" in skipped["note"] and "pre-intervention" not in skipped["note"]
    assert effects.set_index("kpi").drop("fcr")["estimate"].notna().all()


def test_unit_of_the_treated_touchpoint_marked_untreated_is_noted(broken_sample, tmp_path):
    def fault(folder, study):
        def edit(rows):
            unit, treated = rows[0].index("unit"), rows[0].index("treated")
            first = rows[1][unit]
            for row in rows[1:]:
                if row[unit] == first:
                    row[treated] = "0"

        _edit_kpis(folder, edit)

    broken_sample(fault)
    from research.evaluation import load_kpi_series
    from research.study import load_study

    series = load_kpi_series(load_study("sample", root=tmp_path))
    assert len(series.notes) == 1 and "marked untreated" in series.notes[0]


# --- a pillar that fails to import is a problem, not a section or run left unchecked --------


def test_a_pillar_that_fails_to_import_is_a_problem(broken_sample, monkeypatch):
    from research import study as study_module
    from research import validate

    monkeypatch.setitem(study_module.SECTION_VALIDATORS, "survey", "research.survey.schema_gone")
    monkeypatch.setitem(
        validate.RUN_CHECKS, "20_survey_statistics.ipynb", "research.survey.preconditions_gone"
    )
    messages = broken_sample(lambda folder, study: None)
    _one(messages, "survey pillar failed to import", "research.survey.schema_gone")
    _one(messages, "survey pillar failed to import", "research.survey.preconditions_gone")
