"""research.journeys.ingest and schema: sources -> the canonical event table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest_journeys import write_study

from research import load_study
from research.errors import DataError
from research.journeys import IdentityWarning, build_events, build_report, unmapped_events
from research.journeys.preconditions import check_run

COLUMNS = [
    "person_id",
    "ts",
    "touchpoint",
    "event",
    "source",
    "source_priority",
    "source_seq",
    "channel",
    "topic",
    "event_seq",
    "person_num",
]


def in_event_order(table: pd.DataFrame) -> pd.DataFrame:
    """The table's rows in event_seq order (the file is ordered by person, then event_seq)."""
    return table.sort_values("event_seq").reset_index(drop=True)


@pytest.fixture(scope="module")
def sample_table() -> tuple[Path, pd.DataFrame]:
    path = build_events(load_study("sample"))
    return path, pd.read_parquet(path)


def test_sample_builds_the_canonical_table(sample_table):
    path, table = sample_table
    report = build_report(path)
    # data/raw/sample/README.md: 207,037 events of 19,955 customers; no exact duplicates planted
    assert report["duplicates_dropped"] == 0
    assert len(table) == 207_037 == report["rows"]
    assert table["person_id"].nunique() == 19_955 == report["persons"]
    assert list(table.columns) == COLUMNS
    assert str(table["ts"].dtype) == "datetime64[us]"
    assert str(table["source_priority"].dtype) == "int32"
    # the file is written person by person, each person's events in event_seq order
    assert table["person_num"].is_monotonic_increasing
    assert table.groupby("person_num")["event_seq"].is_monotonic_increasing.all()
    table = table.sort_values("event_seq").reset_index(drop=True)
    assert table["event_seq"].tolist() == list(range(len(table)))
    order = table.sort_values(["ts", "source_priority", "source_seq"], kind="stable")
    assert order["event_seq"].tolist() == table["event_seq"].tolist()
    # the sample file is sorted by time, so the global order is the source's row order
    assert (table["source_seq"] == table["event_seq"]).all()
    assert table["touchpoint"].notna().all() and report["unmapped"] == []
    assert set(table["source"]) == {"app", "crm", "hotline", "web"}
    assert set(table["channel"]) == {"online", "offline"}
    assert table["person_id"].str.startswith("P-").all()
    assert not table["person_id"].str.startswith("C0").any()  # pseudonymised
    # person_num: 1..persons, one per pseudonym, ordered like the pseudonyms
    pairs = table[["person_id", "person_num"]].drop_duplicates()
    assert pairs["person_num"].is_unique and pairs["person_id"].is_unique
    assert sorted(pairs["person_num"]) == list(range(1, 19_956))
    assert (pairs.sort_values("person_id")["person_num"].diff().dropna() > 0).all()


def test_sample_is_cached_and_stable(sample_table):
    path, table = sample_table
    stamp = path.stat().st_mtime_ns
    study = load_study("sample")
    assert build_events(study) == path and path.stat().st_mtime_ns == stamp  # cache hit
    again = pd.read_parquet(build_events(study, force=True))
    pd.testing.assert_frame_equal(table, again)


def _sources(tmp: Path) -> dict:
    web = pd.DataFrame(
        {
            "visitor": ["A1", "A1", "B2", "B2", "C3"],
            "when": [
                "2025-03-01 09:00:00",
                "2025-03-01 10:00:00",
                "2025-03-02 08:00:00",
                "2025-03-02 08:00:00",
                "2025-03-03 12:00:00",
            ],
            "what": ["page_home", "page_cart", "page_home", "page_home", "newsletter_open"],
        }
    )
    calls = (
        "\n".join(
            json.dumps(r)
            for r in [
                # 17:00 Shanghai = 09:00 UTC: ties with A1's page_home; the web source comes first
                {
                    "phone": "p-555",
                    "account": None,
                    "at": "01/03/2025 17:00",
                    "code": "CALL_IN",
                    "reason": "bill",
                },
                {
                    "phone": "p-777",
                    "account": "B2",
                    "at": "02/03/2025 18:30",
                    "code": "call centre",
                    "reason": None,
                },
                {
                    "phone": None,
                    "account": "D4",
                    "at": "03/03/2025 08:00",
                    "code": "visit_shop",
                    "reason": "x",
                },
            ]
        )
        + "\n"
    )
    ids = "left,right\nA1,p-555\n"
    web.to_csv(tmp / "web.csv", index=False)
    return {
        "files": {"calls.jsonl": calls, "ids.csv": ids},
        "declared": {
            "web": {"path": "web.csv", "role": "event_log"},
            "calls": {"path": "calls.jsonl", "role": "event_log"},
            "ids": {"path": "ids.csv", "role": "other"},
        },
        "journeys": {
            "sources": [
                {
                    "file": "calls",
                    "name": "hotline",
                    "person_id": ["phone", "account"],
                    "timestamp": "at",
                    "timestamp_format": "%d/%m/%Y %H:%M",
                    "time_zone": "Asia/Shanghai",
                    "event": "code",
                    "topic": "reason",
                    "priority": 1,
                    "rules": [{"touchpoint": "hotline", "equals": ["CALL_IN"]}],
                },
                {
                    "file": "web",
                    "person_id": "visitor",
                    "timestamp": "when",
                    "event": "what",
                    "priority": 0,
                    "rules": [{"touchpoint": "website", "pattern": "^page_"}],
                },
            ],
            "identity_map": {"file": "ids", "columns": ["left", "right"]},
        },
    }


def test_multi_source_fixture(project_copy):
    folder = project_copy / "data" / "raw" / "multi"
    folder.mkdir(parents=True)
    spec = _sources(folder)
    write_study(project_copy, "multi", spec["files"], spec["journeys"], spec["declared"])
    path = build_events(load_study("multi"))
    table = in_event_order(pd.read_parquet(path))
    report = build_report(path)
    assert report["duplicates_dropped"] == 1  # B2's page_home twice at 08:00
    assert len(table) == 7
    # A1 and p-555 (identity map) are one person; p-777 and B2 (one row) are one person
    first = table[table["event"] == "CALL_IN"].iloc[0]
    assert first["ts"] == pd.Timestamp("2025-03-01 09:00:00")  # Shanghai -> UTC
    a1 = table.loc[table["event"] == "page_cart", "person_id"].iloc[0]
    assert first["person_id"] == a1
    b2 = table.loc[table["event"] == "page_home", "person_id"]
    assert table.loc[table["event"] == "call centre", "person_id"].iloc[0] in set(b2)
    assert table["person_id"].nunique() == 4  # A1, B2, C3, D4
    # ties: same ts, the lower priority (web) first
    tie = table[table["ts"] == pd.Timestamp("2025-03-01 09:00:00")]
    assert tie["source"].tolist() == ["web", "hotline"]
    # rules, regex, catalog synonyms; the rest kept unmapped and counted
    mapped = dict(zip(table["event"], table["touchpoint"], strict=False))
    assert mapped["CALL_IN"] == "hotline" and mapped["call centre"] == "hotline"
    assert mapped["page_home"] == "website"
    assert table.loc[table["touchpoint"] == "hotline", "channel"].eq("offline").all()
    unmapped = unmapped_events(path)
    assert unmapped.to_dict("records") == [
        {"source": "hotline", "event": "visit_shop", "n": 1},
        {"source": "web", "event": "newsletter_open", "n": 1},
    ]
    assert table["touchpoint"].isna().sum() == 2
    assert table.loc[table["event"] == "CALL_IN", "topic"].iloc[0] == "bill"
    assert table["event_seq"].tolist() == list(range(7))


def test_shared_unknown_id_warns(project_copy):
    events = "id,ts,ev\n" + "".join(f"u{i},2025-01-01 00:00:{i:02d},store\n" for i in range(60))
    ids = "a,b\n" + "".join(f"u{i},unknown\n" for i in range(60))
    write_study(
        project_copy,
        "shared",
        {"ev.csv": events, "ids.csv": ids},
        {
            "sources": [{"file": "ev", "person_id": "id", "timestamp": "ts", "touchpoint": "ev"}],
            "identity_map": "ids",
        },
        {"ev": {"path": "ev.csv", "role": "event_log"}, "ids": {"path": "ids.csv", "role": "other"}},
    )
    with pytest.warns(IdentityWarning, match="61 ids are linked into one person"):
        path = build_events(load_study("shared"))
    assert build_report(path)["large_components"][0]["size"] == 61


def test_bad_timestamp_names_file_row_and_value(project_copy):
    events = "id,ts,ev\nx,2025-01-01 10:00,store\ny,yesterday,store\nz,also bad,store\n"
    write_study(
        project_copy,
        "bad",
        {"ev.csv": events},
        {"sources": [{"file": "ev", "person_id": "id", "timestamp": "ts", "touchpoint": "ev"}]},
        {"ev": {"path": "ev.csv", "role": "event_log"}},
    )
    study = load_study("bad")
    with pytest.raises(DataError) as caught:
        build_events(study)
    error = caught.value
    assert error.row == 3 and error.value == "yesterday" and Path(error.file).name == "ev.csv"
    assert "2 rows in all" in str(error)
    problems = check_run(study, {})
    assert [(p.row, p.value) for p in problems] == [(3, "yesterday")]


def test_section_errors_name_the_field(project_copy):
    write_study(
        project_copy,
        "wrong",
        {"ev.csv": "id,ts\n"},
        {"sources": [{"file": "ev", "person_id": "id", "timestamp": "ts", "evnt": "x"}]},
        {"ev": {"path": "ev.csv", "role": "event_log"}},
    )
    with pytest.raises(DataError, match=r"journeys\.sources"):
        load_study("wrong", check_sections=True)


def test_check_run_lists_every_problem(project_copy):
    write_study(
        project_copy,
        "many",
        {"ev.csv": "id,ts,ev\nx,2025-01-01,store\n"},
        {
            "sources": [
                {
                    "file": "ev",
                    "person_id": "idx",
                    "timestamp": "ts",
                    "touchpoint": "ev",
                    "rules": [{"touchpoint": "nowhere", "equals": ["a"]}],
                },
                {"file": "missing", "person_id": "id", "timestamp": "ts", "event": "ev"},
            ]
        },
        {"ev": {"path": "ev.csv", "role": "event_log"}},
    )
    problems = check_run(load_study("many"), {"segment": "tier", "start_touchpoint": "moon"})
    columns = [p.column for p in problems]
    assert "journeys.sources[1].file" in columns
    assert "journeys.sources[0].rules[0].touchpoint" in columns
    assert "idx" in columns and "segment" in columns and "start_touchpoint" in columns
    sample = Path(__file__).resolve().parents[1] / "data" / "raw" / "sample"
    assert check_run(load_study(sample), {"segment": "channel_preference"}) == []


def test_key_from_environment(project_copy, monkeypatch):
    from research.privacy import pseudonymise

    write_study(
        project_copy,
        "keyed",
        {"ev.csv": "id,ts,ev\nx1,2025-01-01 10:00,store\n"},
        {
            "sources": [{"file": "ev", "person_id": "id", "timestamp": "ts", "touchpoint": "ev"}],
            "pseudonym_key_env": "JOURNEY_TEST_KEY",
        },
        {"ev": {"path": "ev.csv", "role": "event_log"}},
    )
    study = load_study("keyed")
    default = pd.read_parquet(build_events(study))["person_id"].iloc[0]
    assert (study.processed_dir / "journeys" / "pseudonym.key").exists()
    monkeypatch.setenv("JOURNEY_TEST_KEY", "k1")
    keyed = pd.read_parquet(build_events(study))["person_id"].iloc[0]
    assert keyed == pseudonymise("x1", "k1", prefix="P-", length=12) != default
    assert len(list((study.processed_dir / "journeys").glob("events-*.parquet"))) == 1  # old removed


def test_parquet_source_with_native_timestamps_and_outcomes(project_copy):
    folder = project_copy / "data" / "raw" / "pq"
    folder.mkdir(parents=True)
    pd.DataFrame(
        {
            "cid": ["a", "b", "a"],
            "at": pd.to_datetime(
                ["2025-05-01 10:00:00.123456", "2025-05-01 11:00:00.000000", "2025-05-02 09:00:00.000000"]
            ),
            "tp": ["store", "phone", "website"],
            "paid": [1, 0, None],
        }
    ).to_parquet(folder / "ev.parquet")
    write_study(
        project_copy,
        "pq",
        {},
        {
            "sources": [
                {
                    "file": "ev",
                    "person_id": "cid",
                    "timestamp": "at",
                    "touchpoint": "tp",
                    "outcomes": ["paid"],
                }
            ]
        },
        {"ev": {"path": "ev.parquet", "role": "event_log"}},
    )
    table = in_event_order(pd.read_parquet(build_events(load_study("pq"))))
    assert table["ts"].iloc[0] == pd.Timestamp("2025-05-01 10:00:00.123456")
    assert table["touchpoint"].tolist() == ["store", "hotline", "website"]  # "phone": a synonym
    assert table["paid"].tolist() == [True, False, None]
    assert table["event"].tolist() == ["store", "phone", "website"]


def test_study_without_catalog(project_copy):
    folder = project_copy / "data" / "raw" / "bare"
    folder.mkdir(parents=True)
    (folder / "ev.csv").write_text("id,ts,ev,tp\nx,2025-01-01,a,kiosk\ny,2025-01-02,b,\n", encoding="utf-8")
    study = {
        "name": "bare",
        "languages": ["en"],
        "files": {"ev": {"path": "ev.csv", "role": "event_log"}},
        "journeys": {
            "sources": [
                {"file": "ev", "person_id": "id", "timestamp": "ts", "event": "ev", "touchpoint": "tp"}
            ]
        },
    }
    (folder / "study.yml").write_text(yaml.safe_dump(study), encoding="utf-8")
    path = build_events(load_study("bare"))
    table = in_event_order(pd.read_parquet(path))
    assert table["touchpoint"].iloc[0] == "kiosk" and pd.isna(table["touchpoint"].iloc[1])
    assert table["channel"].isna().all()
    assert build_report(path)["unmapped_rows"] == 1


@pytest.mark.parametrize("key", ["k1", "x" * 64, "long key " * 20, "密钥-ключ"])
def test_sql_pseudonyms_equal_python_hmac(key):
    # Reference: Python's hmac module (RFC 2104 HMAC-SHA256) via research.privacy.pseudonymise;
    # keys shorter than, equal to and longer than the 64-byte block, non-ASCII ids and keys.
    import duckdb

    from research.journeys.ingest import hmac_sql
    from research.privacy import pseudonymise

    ids = ["x1", "C0001234", "客户-7", "o'neil", "a" * 200]
    frame = pd.DataFrame({"raw": ids})
    con = duckdb.connect()
    con.register("ids", frame)
    got = con.execute(f"SELECT {hmac_sql('raw', key, prefix='P-', length=12)} FROM ids").fetchall()
    assert [g for (g,) in got] == [pseudonymise(i, key, prefix="P-", length=12) for i in ids]
