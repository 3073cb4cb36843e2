"""The sample KPI panel: size, determinism, story consistency, planted truths."""

from research.sample import kpis, story
from research.sample.parts import SampleContext


def test_committed_file_matches_generator(tmp_path):
    part = kpis.generate(SampleContext(out=tmp_path))
    fresh = (tmp_path / "kpis" / kpis.FILE_NAME).read_bytes()
    from research import load_study

    committed = load_study("sample").file(kpis.FILE_ID).read_bytes()
    assert fresh == committed  # deterministic and regenerated
    assert len(fresh) < 1_500_000
    assert part.files[kpis.FILE_ID]["role"] == "kpi_series"
    assert part.runs[0]["id"] == "evaluation-hotline"


def test_panel_follows_the_story(tmp_path):
    frame = kpis.weekly_panel(SampleContext(out=tmp_path))
    assert frame["week"].max() == story.SERIES_WEEKS
    assert frame.loc[frame["week"] == 53, "week_start"].iloc[0] == story.INTERVENTION_DATE.isoformat()
    treated = frame.drop_duplicates("unit").query("treated == 1")
    assert set(treated["touchpoint"]) == {story.IMPROVED_TOUCHPOINT}
    assert set(frame["touchpoint"]) == {story.IMPROVED_TOUCHPOINT, *story.COMPARISON_TOUCHPOINTS}
    assert frame["fcr"].between(0, 1).all() and frame["satisfaction"].between(1, 5).all()


def test_raw_difference_in_means_near_planted(tmp_path):
    # the simplest 2x2 comparison of means (no model) already shows the planted wait-time drop
    frame = kpis.weekly_panel(SampleContext(out=tmp_path))
    frame["post"] = frame["week"] > 52
    means = frame.groupby(["treated", "post"])["wait_seconds"].mean()
    did = (means[1, True] - means[1, False]) - (means[0, True] - means[0, False])
    assert abs(did - kpis.planted_did_effect("wait_seconds")) < 10


def test_scale_changes_units(tmp_path):
    frame = kpis.weekly_panel(SampleContext(out=tmp_path, scale=2.0))
    assert frame["unit"].nunique() == 2 * sum(kpis.UNITS_PER_TOUCHPOINT.values()) == 48
    assert len(frame) == 48 * story.SERIES_WEEKS


def test_committed_rollout_file_matches_generator(tmp_path):
    # The store roll-out panel (second improvement) is regenerated, not edited: same bytes.
    from research import load_study
    from research.sample import rollout

    part = kpis.generate(SampleContext(out=tmp_path))
    fresh = (tmp_path / "kpis" / rollout.FILE_NAME).read_bytes()
    assert fresh == load_study("sample").file(rollout.FILE_ID).read_bytes()
    assert part.runs[1]["id"] == rollout.RUN_ID
    assert part.section["improvements"][rollout.IMPROVEMENT]["start_column"] == "queue_start"
    frame = rollout.store_panel(SampleContext(out=tmp_path))
    assert len(frame) == 36 * story.SERIES_WEEKS
    starts = frame.drop_duplicates("store")["queue_start"].value_counts()
    assert starts.to_dict() == {"": 9, **{d.isoformat(): 9 for d in rollout.WAVE_STARTS}}
    # before its start a store carries no effect: the first wave's stores start at the same level
    # as the waiting ones (same trend, season, shocks; only unit levels and noise differ)
    before = frame[frame["week_start"] < rollout.WAVE_STARTS[0].isoformat()]
    means = before.groupby(before["queue_start"] == "")["queue_minutes"].mean()
    assert abs(means[True] - means[False]) < 3.0
