"""The study-aware layer of notebook 10 (research.coding.report): which coding is analysed,
and which sections step aside with one sentence."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from research import DataError, load_study
from research.coding import (
    AUTO_CODED,
    agreement_section,
    autocode_section,
    choose_reference_coder,
    code_frequencies,
    coding_results,
    cooccurrence_section,
    load_coding_data,
    pain_point_ranking,
    quotes_section,
    segment_section,
    sentiment_section,
    stage_section,
    touchpoint_ranking_section,
    touchpoint_section,
    unit_sentiment,
)
from research.errors import NotApplicable

TEXTS = "id,text\nr1,The app crashed again. Support was kind.\nr2,App crashed twice.\nr3,Nice and quick.\n"
CODEBOOK = {
    "codes": [
        {
            "id": "crash",
            "name": {"en": "App crashes"},
            "valence": "pain_point",
            "touchpoints": ["app"],
            "stages": ["use"],
            "keywords": {"en": ["crashed"]},
        },
        {
            "id": "kind",
            "name": {"en": "Kind support"},
            "valence": "delight",
            "stages": ["help"],
            "keywords": {"en": ["kind", "nice"]},
        },
        {"id": "refund", "name": {"en": "Refund"}, "valence": "pain_point", "keywords": {"en": ["refund"]}},
    ]
}


@pytest.fixture
def study(minimal_study):
    """A study without catalog or stages: one CSV of texts and a codebook; extra files on demand."""
    folder = minimal_study()
    (folder / "texts.csv").write_text(TEXTS, encoding="utf-8")
    (folder / "codebook.yml").write_text(yaml.safe_dump(CODEBOOK), encoding="utf-8")
    files = {
        "texts": {"path": "texts.csv", "role": "transcripts"},
        "codebook": {"path": "codebook.yml", "role": "codebook"},
    }

    def make(extra: dict[str, str] | None = None, **definition):
        declared = dict(files)
        for name, content in (extra or {}).items():
            (folder / name).write_text(content, encoding="utf-8")
            role = "respondents" if name.startswith("people") else "codings"
            declared[name.split(".")[0]] = {"path": name, "role": role}
        content = {"name": "mini", "files": declared, **definition}
        (folder / "study.yml").write_text(yaml.safe_dump(content), encoding="utf-8")
        return load_study("mini")

    return make


def test_without_codings_the_analysis_is_auto_coded(study):
    data = load_coding_data(study())
    assert data.auto_coded and data.reference_coder is None and AUTO_CODED in data.source()
    assert data.coded[["unit_id", "code"]].values.tolist() == [
        ["r1-T001", "crash"],
        ["r1-T001", "kind"],
        ["r2-T001", "crash"],
        ["r3-T001", "kind"],
    ]
    frequencies = code_frequencies(data.coded, data.codebook, respondents=data.respondent_ids)
    assert frequencies.set_index("code")["mentions"].to_dict() == {"crash": 2, "kind": 2, "refund": 0}
    ranking = pain_point_ranking(data.coded, data.codebook, respondents=data.respondent_ids)
    assert ranking["code"].tolist() == ["crash", "refund"] and ranking["score"].tolist()[1] == 0
    for section, args in [
        (agreement_section, ()),
        (autocode_section, ()),
        (touchpoint_section, ()),
        (segment_section, ("",)),
        (sentiment_section, (None,)),
    ]:
        with pytest.raises(NotApplicable):
            section(data, *args)
    # Without a catalog the touchpoint ranking still uses the codebook's links, labelled by id.
    by_touchpoint = touchpoint_ranking_section(data, None, "en")
    assert by_touchpoint[["touchpoint", "name", "mentions"]].values.tolist() == [["app", "app", 2]]
    # Without declared stages, the stages the codes name are the columns.
    assert stage_section(data, "en").to_dict() == {
        "use": {"App crashes": 2, "Kind support": 0},
        "help": {"App crashes": 0, "Kind support": 2},
    }
    results = coding_results(data, "en", frequencies, ranking)
    assert results["coding"] == AUTO_CODED and results["top_pain_points"] == ["crash"]
    assert results["agreement"] is None and results["segments"] is None


def test_nothing_coded_still_gives_the_core(study, minimal_study):
    loaded = study()
    (loaded.folder / "texts.csv").write_text("id,text\nr1,Fine.\n", encoding="utf-8")
    data = load_coding_data(loaded)
    assert data.coded.empty
    frequencies = code_frequencies(data.coded, data.codebook, respondents=data.respondent_ids)
    assert frequencies["mentions"].tolist() == [0, 0, 0]
    ranking = pain_point_ranking(data.coded, data.codebook, respondents=data.respondent_ids)
    assert ranking["score"].tolist() == [0.0, 0.0]
    with pytest.raises(NotApplicable, match="No code was applied"):
        cooccurrence_section(data, "en")
    with pytest.raises(NotApplicable, match="no quotes"):
        quotes_section(data, ["crash"], "en")


def test_reference_coder_is_the_one_who_coded_most():
    codings = pd.DataFrame(
        {"transcript_id": ["r1", "r1", "r2", "r3", "r1"], "coder": ["kim", "lee", "lee", "lee", "ann"]}
    )
    assert choose_reference_coder(codings) == "lee"
    assert choose_reference_coder(codings.iloc[[0, 1]]) == "kim"  # tie: first in the files
    assert choose_reference_coder(codings, "ann") == "ann"
    with pytest.raises(DataError, match="reference coder has no codings"):
        choose_reference_coder(codings, "A")


CODINGS_LEE = (
    "transcript_id,unit_id,code,coder\nr1,r1-T001,crash,lee\nr2,r2-T001,crash,lee\nr3,r3-T001,kind,lee\n"
)
CODINGS_KIM = "transcript_id,unit_id,code,coder\nr1,r1-T001,crash,kim\nr1,r1-T001,kind,kim\n"


def test_one_coder_has_no_agreement_two_coders_do(study):
    data = load_coding_data(study({"lee.csv": CODINGS_LEE}))
    assert data.reference_coder == "lee" and not data.auto_coded
    with pytest.raises(NotApplicable, match=r"Only one coder \(lee\)"):
        agreement_section(data)
    performance = autocode_section(data).set_index("code")
    assert performance.loc["overall", ["true_positive", "suggested", "reference"]].tolist() == [3, 4, 3]
    data = load_coding_data(study({"lee.csv": CODINGS_LEE, "kim.csv": CODINGS_KIM}))
    result = agreement_section(data, n_boot=0)
    assert data.reference_coder == "lee"  # coded three transcripts, kim one
    assert result.coders == ["kim", "lee"] and result.transcripts == ["r1"]  # files in id order
    with pytest.raises(DataError, match="Agreement coder without codings"):
        agreement_section(data, ["lee", "A"])
    check = sentiment_section(data, unit_sentiment(data.units, data.codebook))
    assert "coder lee" in check.basis and check.table["lexicon"].tolist()[0] == "built-in"


def test_segments_and_label_column_come_from_the_respondents_file(study):
    people = "id,plan,mood\nr1,basic,负面\nr2,basic,negative\nr3,pro,正面\n"
    data = load_coding_data(study({"people.csv": people}))
    table = segment_section(data, "plan", codes=["crash"])
    assert table.loc["crash"].to_dict() == {"basic": 1.0, "pro": 0.0}
    with pytest.raises(DataError, match="segment is not a column"):
        segment_section(data, "region")
    check = sentiment_section(data, unit_sentiment(data.units, data.codebook), "mood")
    assert check.extended.n == 3 and "'mood'" in check.basis
    with pytest.raises(DataError, match="not a column of the respondents file"):
        sentiment_section(data, None, "label")


def test_codes_that_never_share_a_unit_have_no_cooccurrence(study):
    loaded = study()
    (loaded.folder / "texts.csv").write_text("id,text\nr1,It crashed.\nr2,Nice.\n", encoding="utf-8")
    data = load_coding_data(loaded)
    assert data.coded["code"].nunique() == 2
    with pytest.raises(NotApplicable, match="No two codes were applied to the same paragraph"):
        cooccurrence_section(data, "en")
    # r1 of the shared texts carries both codes: then the section is there
    (loaded.folder / "texts.csv").write_text(TEXTS, encoding="utf-8")
    assert cooccurrence_section(load_coding_data(study()), "en").pairs()["count"].tolist() == [1]


def test_touchpoint_pain_gives_the_scorecard_each_touchpoints_interview_evidence(study):
    data = load_coding_data(study())  # auto-coded: "crashed" in r1 and r2, linked to touchpoint app
    sentiment = unit_sentiment(data.units, data.codebook)
    ranking = pain_point_ranking(
        data.coded, data.codebook, respondents=data.respondent_ids, sentiment=sentiment
    )
    by_touchpoint = touchpoint_ranking_section(data, sentiment, "en")
    frequencies = code_frequencies(data.coded, data.codebook, respondents=data.respondent_ids)
    results = coding_results(data, "en", frequencies, ranking, touchpoint_ranking=by_touchpoint)
    (app,) = results["touchpoint_pain"]
    # 2 of 3 texts mention the app's pain point, once each (counted by hand from TEXTS)
    assert (app["touchpoint"], app["respondents"], app["mentions"]) == ("app", 2, 2)
    assert app["reach"] == pytest.approx(2 / 3)
    assert app["top_codes"] == ["crash"]
    assert "crashed" in app["quote"]
    assert app["delight_reach"] is None  # the delight code names no touchpoint: missing, not 0
