"""research.journeys primitives on a small hand-made log with hand-computed expected values.

The log (``LOG``), in event order per person (times 2024-01-dd hh:mm):

- p1 (segment s1): web 01 09:00, web 01 09:10, app 01 09:30, hotline 02 10:00 (billing),
  hotline 04 10:00 (billing), purchase 05 12:00
- p2 (s1): web 01 09:00 (same time as p1's first web: ``event_seq`` orders them), store 01 11:00,
  purchase 03 11:00
- p3 (s1): web 02 08:00, hotline 02 08:20 (delivery), hotline 20 08:00 (delivery)
- p4 (s2): app 03 10:00, web 03 10:00 (tie in time, app first by ``event_seq``), an unmapped
  event 03 12:00 (touchpoint null)
- p5 (s2): web 05 09:00, store 05 09:30, purchase 05 13:30

Every expected value below is counted by hand from this list (the comments show the sums).
"""

from __future__ import annotations

from datetime import timedelta

import ibis
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from research.errors import DataError, NotApplicable
from research.journeys.behaviour import behaviour_table, time_between
from research.journeys.contacts import channel_switches, loops, repeat_contacts
from research.journeys.directly_follows import dfg
from research.journeys.funnels import compare_funnel_segments, funnel
from research.journeys.paths import flows, variants
from research.journeys.sessionization import episodes, episodize, sessionize, sessions

ROWS = [
    # person, time, touchpoint, channel, topic, segment
    ("p1", "2024-01-01 09:00", "web", "online", None, "s1"),
    ("p2", "2024-01-01 09:00", "web", "online", None, "s1"),
    ("p1", "2024-01-01 09:10", "web", "online", None, "s1"),
    ("p1", "2024-01-01 09:30", "app", "online", None, "s1"),
    ("p2", "2024-01-01 11:00", "store", "offline", None, "s1"),
    ("p3", "2024-01-02 08:00", "web", "online", None, "s1"),
    ("p3", "2024-01-02 08:20", "hotline", "offline", "delivery", "s1"),
    ("p1", "2024-01-02 10:00", "hotline", "offline", "billing", "s1"),
    ("p4", "2024-01-03 10:00", "app", "online", None, "s2"),
    ("p4", "2024-01-03 10:00", "web", "online", None, "s2"),
    ("p2", "2024-01-03 11:00", "purchase", "online", None, "s1"),
    ("p4", "2024-01-03 12:00", None, None, None, "s2"),
    ("p1", "2024-01-04 10:00", "hotline", "offline", "billing", "s1"),
    ("p1", "2024-01-05 12:00", "purchase", "online", None, "s1"),
    ("p5", "2024-01-05 09:00", "web", "online", None, "s2"),
    ("p5", "2024-01-05 09:30", "store", "offline", None, "s2"),
    ("p5", "2024-01-05 13:30", "purchase", "online", None, "s2"),
    ("p3", "2024-01-20 08:00", "hotline", "offline", "delivery", "s1"),
]


def make_log() -> pd.DataFrame:
    """The canonical columns; ``event_seq`` is the row order above (by time, ties as listed)."""
    frame = pd.DataFrame(ROWS, columns=["person_id", "ts", "touchpoint", "channel", "topic", "segment"])
    frame["ts"] = pd.to_datetime(frame["ts"]).astype("datetime64[us]")
    frame = frame.sort_values("ts", kind="stable").reset_index(drop=True)
    frame["event"] = frame["touchpoint"].fillna("unknown_event")
    frame["source"] = "crm"
    frame["source_priority"] = pd.Series(1, index=frame.index, dtype="int32")
    frame["source_seq"] = pd.Series(range(len(frame)), dtype="int64")
    frame["event_seq"] = pd.Series(range(len(frame)), dtype="int64")
    return frame


LOG = make_log()
STAGES = {"web": "explore", "app": "explore", "store": "contact", "hotline": "contact", "purchase": "buy"}


@pytest.fixture(scope="module")
def events():
    from research.journeys.engine import connect

    return connect("duckdb").create_table("j2_events", ibis.memtable(LOG))


def test_variants_raw(events):
    v = variants(events, outcome="purchase")
    # p2 and p5 share web > store > purchase; the three others are unique
    assert v["path"].iloc[0] == "web > store > purchase"
    assert v["n"].tolist() == [2, 1, 1, 1]
    assert v["share"].tolist() == pytest.approx([0.4, 0.2, 0.2, 0.2])
    assert v["cumulative_share"].tolist() == pytest.approx([0.4, 0.6, 0.8, 1.0])
    # durations: p2 01 09:00 -> 03 11:00 = 50 h = 180000 s, p5 4.5 h = 16200 s; median 98100
    assert v["median_duration_s"].iloc[0] == pytest.approx(98100.0)
    assert v["conversion"].iloc[0] == 1.0
    by_path = v.set_index("path")
    assert by_path.loc["web > web > app > hotline > hotline > purchase", "n_steps"] == 6
    assert by_path.loc["app > web", "conversion"] == 0.0  # p4's unmapped event is no step
    assert by_path.loc["web > hotline > hotline", "median_duration_s"] == pytest.approx(1555200.0)


def test_variants_collapsed_and_stage(events):
    collapsed = variants(events, level="collapsed")
    assert "web > app > hotline > purchase" in set(collapsed["path"])
    assert "web > hotline" in set(collapsed["path"])
    assert collapsed["conversion"].isna().all()  # no outcome named
    stage = variants(events, level="stage", stages=STAGES, outcome="purchase")
    # p1, p2, p5: explore > contact > buy; p3: explore > contact; p4: explore (ties by path)
    assert stage["path"].tolist() == ["explore > contact > buy", "explore", "explore > contact"]
    assert stage["n"].tolist() == [3, 1, 1]
    assert stage["cumulative_share"].tolist() == pytest.approx([0.6, 0.8, 1.0])
    assert variants(events, top=2)["n"].tolist() == [2, 1]
    with pytest.raises(DataError):
        variants(events, level="stage")


def test_dfg(events):
    g = dfg(events).set_index(["source", "target"])
    # web->store: p2 7200 s, p5 1800 s: median 4500, p90 1800 + 0.9 * 5400 = 6660
    assert g.loc[("web", "store"), ["n", "persons"]].tolist() == [2, 2]
    assert g.loc[("web", "store"), "median_s"] == pytest.approx(4500.0)
    assert g.loc[("web", "store"), "p90_s"] == pytest.approx(6660.0)
    # hotline->hotline: p1 172800 s, p3 1554000 s: median 863400, p90 172800 + 0.9 * 1381200
    assert g.loc[("hotline", "hotline"), "median_s"] == pytest.approx(863400.0)
    assert g.loc[("hotline", "hotline"), "p90_s"] == pytest.approx(1415880.0)
    assert g.loc[("app", "web"), "median_s"] == 0.0  # p4's tie in time
    # 12 transitions in all (p1 5, p2 2, p3 2, p4 1, p5 2); web leaves 5 times, twice to store
    assert g["n"].sum() == 12
    assert g.loc[("web", "store"), "share_of_source"] == pytest.approx(2 / 5)
    collapsed = dfg(events, collapse=True)
    assert not (collapsed["source"] == collapsed["target"]).any()


def test_funnel_eventual(events):
    f = funnel(events, ["web", "hotline", "purchase"])
    # all 5 enter at web; p1 and p3 reach hotline after it; only p1 purchases after that
    assert f["reached"].tolist() == [5, 2, 1]
    assert f["drop_off"].tolist() == [0, 3, 1]
    assert f["estimate"].tolist() == pytest.approx([1.0, 0.4, 0.2])
    assert f["step_conversion"].tolist() == pytest.approx([1.0, 0.4, 0.5])
    # Wilson interval, independent implementation: statsmodels proportion_confint(2, 5, "wilson")
    low, high = proportion_confint(2, 5, method="wilson")
    assert f.loc[1, ["ci_low", "ci_high"]].tolist() == pytest.approx([low, high])
    assert (low, high) == pytest.approx((0.1176, 0.7693), abs=1e-4)  # (z²/2n ...) by hand


def test_funnel_next_step_and_window(events):
    # next step: web then immediately store only for p2 and p5 (p1's web is followed by web)
    assert funnel(events, ["web", "store"], mode="next")["reached"].tolist() == [5, 2]
    # within one hour of entering: p5 (30 min) but not p2 (2 h)
    assert funnel(events, ["web", "store"], window=timedelta(hours=1))["reached"].tolist() == [5, 1]
    # seconds are accepted too; 2 h exactly is inside
    assert funnel(events, ["web", "store"], window=7200)["reached"].tolist() == [5, 2]
    with pytest.raises(DataError):
        funnel(events, ["web"])


def test_funnel_segments(events):
    f = funnel(events, ["web", "store", "purchase"], segment="segment")
    s1 = f[f["segment"] == "s1"]
    s2 = f[f["segment"] == "s2"]
    assert s1["reached"].tolist() == [3, 1, 1]  # p1, p2, p3 enter; p2 reaches store, purchase
    assert s2["reached"].tolist() == [2, 1, 1]  # p4, p5 enter; p5 goes on
    tests = compare_funnel_segments(f)
    # chi-square of 1/3 vs 1/2 without correction: pooled 2/5; by hand
    # sum (o - e)^2 / e = 0.1389, p = 0.7094 (scipy.stats.chi2_contingency(correction=False))
    from scipy.stats import chi2_contingency

    stat, p, _dof, _ = chi2_contingency([[1, 2], [1, 1]], correction=False)
    assert tests["statistic"].tolist() == pytest.approx([stat, stat])
    assert tests["p_value"].tolist() == pytest.approx([p, p])
    assert tests["p_adjusted"].tolist() == pytest.approx([min(1, 2 * p)] * 2)  # Holm, equal p
    with pytest.raises(NotApplicable):
        compare_funnel_segments(funnel(events, ["web", "store"]))


def test_repeat_contacts(events):
    r = repeat_contacts(events, ["hotline"], within=timedelta(days=7))
    # p1's 02 billing call is followed by a billing call 2 days later (repeat); p1's 04 call and
    # p3's two delivery calls (18 days apart) are not; upstream: p1's calls follow app, p3's web
    assert r[["upstream", "contacts", "persons", "repeats"]].values.tolist() == [
        ["app", 2, 1, 1],
        ["web", 2, 1, 0],
    ]
    assert r["estimate"].tolist() == [0.5, 0.0]
    low, high = proportion_confint(1, 2, method="wilson")
    assert r.loc[0, ["ci_low", "ci_high"]].tolist() == pytest.approx([low, high])
    # passing over app, p1's calls are traced back to web
    skipped = repeat_contacts(events, ["hotline"], not_upstream=["app"])
    assert skipped[["upstream", "contacts", "repeats"]].values.tolist() == [["web", 4, 1]]
    # 20 days catch p3's second call too
    overall = repeat_contacts(events, ["hotline"], within=timedelta(days=20), by_upstream=False)
    assert overall[["contacts", "repeats"]].values.tolist() == [[4, 2]]


def test_repeat_contacts_same_topic():
    log = LOG.copy()
    log.loc[log["topic"].eq("billing") & log["ts"].dt.day.eq(4), "topic"] = "delivery"
    table = ibis.memtable(log)
    assert repeat_contacts(table, ["hotline"], by_upstream=False)["repeats"].tolist() == [0]
    assert repeat_contacts(table, ["hotline"], by_upstream=False, same_topic=False)["repeats"].tolist() == [1]


def test_behaviour_table(events):
    b = behaviour_table(events, within=timedelta(days=7)).set_index("touchpoint")
    # 5 persons with a touchpoint event
    assert b.loc["web", ["persons", "volume"]].tolist() == [5, 6]
    assert b.loc["web", "reach"] == 1.0
    assert b.loc["web", "repeat_rate"] == pytest.approx(1 / 6)  # p1's web -> web 10 min later
    assert b.loc["web", "drop_off"] == pytest.approx(1 / 6)  # p4 ends on web
    assert b.loc["web", "median_to_next_s"] == 1200.0  # 600, 1200, 1200, 1800, 7200
    assert b.loc["hotline", ["reach", "repeat_rate", "drop_off"]].tolist() == pytest.approx([0.4, 0.25, 0.25])
    assert b.loc["hotline", "median_to_next_s"] == 172800.0  # 172800, 93600, 1554000
    assert b.loc["purchase", ["reach", "drop_off"]].tolist() == pytest.approx([0.6, 1.0])
    assert pd.isna(b.loc["purchase", "median_to_next_s"])
    assert b.loc["app", "median_to_next_s"] == 44100.0  # 88200 and 0
    assert b.loc["store", "events_per_person"] == 1.0


def test_time_between(events):
    r = time_between(events, "web", "purchase").iloc[0]
    # p1 01 09:00 -> 05 12:00 = 4 d 3 h = 356400; p2 180000; p5 16200; p3, p4 censored
    assert (r["journeys"], r["n"], r["censored"]) == (5, 3, 2)
    assert r["median_s"] == 180000.0
    assert r["q1_s"] == pytest.approx((16200 + 180000) / 2)
    assert r["q3_s"] == pytest.approx((180000 + 356400) / 2)


def test_sessions_and_episodes(events):
    s = sessions(events, timedelta(minutes=30))
    # p1 4 sessions (09:00-09:30 is one), p2 3, p3 2, p4 2, p5 2 (09:00 -> 09:30 exactly a gap)
    assert s.groupby("person_id").size().tolist() == [4, 3, 2, 2, 2]
    p4 = s[s["person_id"] == "p4"]
    assert p4["n_events"].tolist() == [2, 1] and p4["n_touchpoints"].tolist() == [2, 0]
    e = episodes(events, "web", "purchase", timedelta(days=3))
    # p1 converts in 363600 s > 3 days: censored; p2 and p5 convert; p3, p4 censored
    assert e.set_index("person_id")["converted"].to_dict() == {"p1": 0, "p2": 1, "p3": 0, "p4": 0, "p5": 1}
    assert e.set_index("person_id").loc["p2", "duration_s"] == 180000.0
    assert len(e) == 5  # p1's second web (before any purchase) stays in its first episode
    # with 5 days p1 converts (356400 s); a web after an outcome would open episode 2
    assert episodes(events, "web", "purchase", 5 * 86400)["converted"].sum() == 3


def test_flows(events):
    f = flows(events, "web", steps=2, top=1)
    # collapsed journeys after the first web: p1 app, hotline; p2 store, purchase; p3 hotline;
    # p4 (none); p5 store, purchase. Step 1: store 2, app 1, hotline 1 -> store named, rest other
    step1 = f[f["step"] == 1]
    assert step1[["source", "target", "n"]].values.tolist() == [["web", "other", 2], ["web", "store", 2]]
    back = flows(events, "purchase", steps=1, direction="backward", top=3)
    assert back[["target", "n"]].values.tolist() == [["store", 2], ["hotline", 1]]
    assert back["share"].tolist() == pytest.approx([2 / 3, 1 / 3])


def test_loops_and_channel_switches(events):
    lp = loops(events).set_index("touchpoint")
    # collapsed, no journey of LOG returns to a touchpoint after leaving it
    assert lp["returns"].sum() == 0
    looping = pd.DataFrame(
        {
            "person_id": ["a"] * 5 + ["b"] * 2,
            "ts": pd.date_range("2024-01-01", periods=7, freq="D"),
            "touchpoint": ["web", "app", "web", "web", "app", "web", "app"],
            "event_seq": range(7),
        }
    )
    lp = loops(ibis.memtable(looping)).set_index("touchpoint")
    # a: web > app > web > app (collapsed): one return to web, one to app; b visits each once
    assert lp.loc["web", ["journeys", "looping_journeys", "returns"]].tolist() == [2, 1, 1]
    assert lp.loc["app", "estimate"] == 0.5
    cs = channel_switches(events).set_index(["from_channel", "to_channel"])
    # online->offline: p1 app->hotline, p2 web->store, p3 web->hotline, p5 web->store;
    # offline->online: p1 hotline->purchase, p2, p5 store->purchase
    assert cs.loc[("online", "offline"), ["switches", "journeys"]].tolist() == [4, 4]
    assert cs.loc[("offline", "online"), ["switches", "journeys"]].tolist() == [3, 3]
    assert cs["switches_per_journey"].iloc[0] == pytest.approx(7 / 5)


def test_session_journeys(events):
    v = variants(sessionize(events, timedelta(minutes=30)), journey=["person_id", "session"], top=None)
    # 12 sessions with a touchpoint (p4's second holds only the unmapped event): "hotline" (p1
    # twice, p3) and "purchase" (p1, p2, p5) 3 each, six other paths once
    assert v["n"].sum() == 12
    assert v[["path", "n"]].head(2).values.tolist() == [["hotline", 3], ["purchase", 3]]
    assert v["share"].iloc[0] == 0.25
    assert "web > web > app" in set(v["path"])
    with pytest.raises(DataError):
        dfg(events, journey="no_such_column")


def test_episode_journeys(events):
    tagged = episodize(events, "web", "purchase")
    v = variants(tagged, journey=["person_id", "episode"], outcome="purchase", top=None)
    # one episode each: p2, p5 web > store > purchase; p1 from its first web to its purchase;
    # p3 censored (all later events); p4 from its web on (its app before web is left out)
    assert dict(zip(v["path"], v["n"], strict=True)) == {
        "web > store > purchase": 2,
        "web > hotline > hotline": 1,
        "web": 1,
        "web > web > app > hotline > hotline > purchase": 1,
    }
    assert v.set_index("path").loc["web", "conversion"] == 0.0


@pytest.fixture(scope="module")
def sample_log():
    from research import load_study
    from research.journeys import build_events
    from research.journeys.engine import connect, events

    path = build_events(load_study("sample"))
    return events(connect(), path), pd.read_parquet(path)


def test_variants_and_dfg_on_the_sample_equal_pandas(sample_log):
    # Independent reference: plain pandas on the same Parquet (sort by event_seq, join the steps,
    # shift for edges) and numpy's default (linear) quantiles; variants and dfg pack steps into
    # integers and code touchpoints, so their cells must still match these exactly.
    import numpy as np

    table, log = sample_log
    log = log[log["touchpoint"].notna()].sort_values("event_seq")
    person = log.groupby("person_id", sort=False)
    journeys = pd.DataFrame(
        {
            "path": person["touchpoint"].agg(" > ".join),
            "duration": (person["ts"].max() - person["ts"].min()).dt.total_seconds(),
            "converted": person["touchpoint"].agg(lambda s: float((s == "store").any())),
        }
    )
    expected = (
        journeys.groupby("path")
        .agg(
            n=("duration", "size"), median_duration_s=("duration", "median"), conversion=("converted", "mean")
        )
        .reset_index()
        .sort_values(["n", "path"], ascending=[False, True], kind="stable")
    )
    got = variants(table, outcome="store", top=None)
    assert got["path"].tolist() == expected["path"].tolist()
    assert got["n"].tolist() == expected["n"].tolist()
    medians = expected["median_duration_s"].to_numpy()
    assert got["median_duration_s"].to_numpy() == pytest.approx(medians, rel=1e-12)
    assert got["conversion"].to_numpy() == pytest.approx(expected["conversion"].to_numpy(), rel=1e-12)
    # top k keeps the k most frequent, ties at the cut broken by path as in the full list
    for k in (1, 7, 20, 25):
        assert variants(table, outcome="store", top=k)["path"].tolist() == expected["path"].head(k).tolist()

    log = log.sort_values(["person_id", "event_seq"])
    same = log["person_id"].to_numpy()[1:] == log["person_id"].to_numpy()[:-1]
    pairs = pd.DataFrame(
        {
            "source": log["touchpoint"].to_numpy()[:-1][same],
            "target": log["touchpoint"].to_numpy()[1:][same],
            "person_id": log["person_id"].to_numpy()[:-1][same],
            "gap": np.diff(log["ts"].to_numpy()).astype("timedelta64[us]").astype("int64")[same] / 1e6,
        }
    )
    ref = pairs.groupby(["source", "target"]).agg(
        n=("gap", "size"),
        persons=("person_id", "nunique"),
        median_s=("gap", lambda g: np.quantile(g, 0.5)),
        p90_s=("gap", lambda g: np.quantile(g, 0.9)),
    )
    graph = dfg(table).set_index(["source", "target"]).sort_index()
    assert graph.index.tolist() == ref.index.tolist()
    assert graph["n"].tolist() == ref["n"].tolist()
    assert graph["persons"].tolist() == ref["persons"].tolist()
    for column in ("median_s", "p90_s"):
        assert graph[column].to_numpy() == pytest.approx(ref[column].to_numpy(), rel=1e-12)


def test_dfg_quantiles_by_chunks_of_sources_are_unchanged(sample_log, monkeypatch):
    # Exact quantiles are computed a few sources at a time on large logs (bounded memory); on the
    # sample log, one source per query must give the very same frame as all sources in one query.
    from research.journeys import directly_follows

    table, _ = sample_log
    whole = dfg(table)
    monkeypatch.setattr(directly_follows, "QUANTILE_CHUNK", 1)
    assert len(directly_follows._chunks(whole.assign(source=whole["source"].factorize()[0]))) > 5
    pd.testing.assert_frame_equal(dfg(table), whole, check_exact=True)
