"""Event sources -> one tidy Parquet event table (the canonical journeys table), cached.

:func:`build_events` reads every source of the ``journeys:`` section (CSV, CSV.gz, Parquet or
JSON lines) with DuckDB, parses timestamps (UTC, naive), maps events to touchpoints (touchpoint
column, exact rules, regular expressions, catalog ids and synonyms), stitches identities
(connected components of the identity map's pairs and of the ids found in one row, with
networkx), pseudonymises person ids (keyed hash), drops exact duplicates once and numbers the
events in a deterministic order: timestamp, source priority, source row.

The canonical table, one row per event:

===============  =========  ======================================================
person_id        string     pseudonym of the stitched person
ts               timestamp  UTC, naive, microseconds
touchpoint       string     null when unmapped (kept, counted in the build report)
event            string     the source's event name
source           string     the source's name (or its per-row source column)
source_priority  int32      lower first when timestamps tie
source_seq       int64      row number within the source file (0-based)
channel          string     the source's channel column, else the catalog's channel
topic            string     the contact's topic/reason (null without one)
event_seq        int64      0..n-1, the global order (ts, source_priority, source_seq); the
                            file's rows are ordered by person_num, then event_seq
person_num       int32      1..persons, dense rank of person_id (an integer journey key: windows
                            and groups on it are 2-3x faster than on the pseudonym string)
outcome columns  boolean    one per ``outcomes:`` column of any source (null elsewhere)
===============  =========  ======================================================

The file lives in ``data/processed/<study>/journeys/events-<hash>.parquet`` where the hash covers
the section, the catalog, the input files' contents and the key's fingerprint; a sidecar
``.json`` holds the build report (:func:`build_report`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from research.errors import DataError
from research.io import file_sha256, write_bytes
from research.journeys.schema import SECTION, JourneysSection, Source, load_journeys_section
from research.privacy import pseudonymise

if TYPE_CHECKING:
    from research.study import Study

#: Bumped when the table's layout or the build's logic changes (part of the cache key).
FORMAT_VERSION = 3
PERSON_PREFIX = "P-"


class IdentityWarning(UserWarning):
    """An identity component is implausibly large (a shared "unknown" id links many people)."""


def journeys_dir(study: Study) -> Path:
    """``data/processed/<study>/journeys``, created."""
    folder = study.processed_dir / "journeys"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pseudonym_key(study: Study, section: JourneysSection | None = None) -> str:
    """The pseudonymisation key: the env var ``pseudonym_key_env``, else a per-checkout key file.

    The key file ``data/processed/<study>/journeys/pseudonym.key`` is created once with a random
    key; data/processed is not part of the repository.
    """
    section = section or load_journeys_section(study)
    key = os.environ.get(section.pseudonym_key_env)
    if key:
        return key
    path = journeys_dir(study) / "pseudonym.key"
    if not path.exists():
        # Linking a finished temporary file is atomic and fails if another process won the race,
        # so parallel report runs (zh and en) always share one key.
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pseudonym.")
        with os.fdopen(handle, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def spill_directory(study: Study) -> Path:
    """DuckDB's spill directory for this process: ``data/processed/<study>/journeys/duckdb_tmp/<pid>``."""
    return journeys_dir(study) / "duckdb_tmp" / str(os.getpid())


def events_hash(study: Study, section: JourneysSection | None = None) -> str:
    """Hash of everything the event table depends on (16 hex digits).

    The section, the touchpoint catalog, the input files' contents, the pseudonymisation key's
    fingerprint and :data:`FORMAT_VERSION`.

    Parameters
    ----------
    study : Study
        The study.
    section : JourneysSection, optional
        Its validated ``journeys:`` section (default: read it).

    Returns
    -------
    str
        16 hexadecimal digits.
    """
    section = section or load_journeys_section(study)
    files = [s.file for s in section.sources]
    files += [section.identity_map.file] if section.identity_map else []
    key = pseudonym_key(study, section)
    payload = {
        "version": FORMAT_VERSION,
        "section": section.model_dump(mode="json"),
        "catalog": [t.model_dump(mode="json") for t in study.touchpoints],
        "files": {f: file_sha256(study.file(f)) for f in files},
        "key": hashlib.sha256(key.encode()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The one number a ``SELECT count(*) ...`` returns."""
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _reader(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        return f"read_parquet({_sql_str(str(path))})"
    if re.search(r"\.(jsonl|ndjson|json)(\.gz)?$", name):
        return f"read_json({_sql_str(str(path))}, format='newline_delimited')"
    return f"read_csv({_sql_str(str(path))}, all_varchar=true, header=true)"


def _require_columns(path: Path, present: list[str], wanted: list[tuple[str, str | None]], what: str) -> None:
    """Raise a :class:`DataError` for the first (column, field) of *wanted* not in *present*."""
    for column, field in wanted:
        if column not in present:
            raise DataError(
                f"Column not in the {what}",
                file=path,
                column=column,
                value=field,
                hint=f"Columns of the file: {present}",
            )


def _header_rows(path: Path) -> int:
    """Offset from a 0-based data row to the row number a user sees (CSV: header = row 1)."""
    return 1 if re.search(r"\.(parquet|pq|jsonl|ndjson|json)(\.gz)?$", path.name.lower()) else 2


def connect_duckdb(
    temp_directory: Path | None = None, memory_limit: str = "2GB"
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for building: UTC, no progress bar, memory limit, spill directory."""
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    # In Jupyter without ipywidgets DuckDB refuses to change the setting (and shows no bar).
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar=false")
    con.execute(f"SET memory_limit={_sql_str(memory_limit)}")
    if temp_directory is not None:
        con.execute(f"SET temp_directory={_sql_str(str(temp_directory))}")
    return con


def source_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Column names of an event file."""
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {_reader(path)}").fetchall()]


def _load_source(
    con: duckdb.DuckDBPyConnection, study: Study, index: int, source: Source, priority: int
) -> None:
    """Read source *index* into temp table ``src_<index>`` with canonical column names."""
    path = study.file(source.file)
    if not path.exists():
        raise DataError(
            "Event file not found",
            file=path,
            column=f"{SECTION}.sources[{index}].file",
            hint="Check the path under files: in study.yml.",
        )
    try:
        present = source_columns(con, path)
    except duckdb.Error as exc:
        raise DataError("Cannot read the event file", file=path, hint=str(exc).splitlines()[0]) from None
    _require_columns(
        path,
        present,
        [(c, f"{SECTION}.sources[{index}].{field}") for field, c in source.columns()],
        "event file",
    )
    text = "NULLIF(TRIM(CAST({} AS VARCHAR)), '')".format
    raw_ts = text(_ident(source.timestamp))
    parsed = (
        f"try_strptime({raw_ts}, {_sql_str(source.timestamp_format)})"
        if source.timestamp_format
        else f"TRY_CAST({raw_ts} AS TIMESTAMP)"
    )
    if source.time_zone:
        parsed = f"timezone('UTC', timezone({_sql_str(source.time_zone)}, {parsed}))"
    ids = [text(_ident(c)) for c in source.id_columns]
    outcomes = "".join(f", TRY_CAST({_ident(c)} AS BOOLEAN) AS {_ident(c)}" for c in source.outcomes)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE src_{index} AS
        SELECT {", ".join(f"{e} AS __id{i}" for i, e in enumerate(ids))},
               {raw_ts} AS __ts_text,
               CAST(date_trunc('microsecond', {parsed}) AS TIMESTAMP) AS ts,
               {text(_ident(source.event_column))} AS event,
               {text(_ident(source.touchpoint)) if source.touchpoint else "NULL::VARCHAR"} AS __tp,
               {text(_ident(source.source_column)) if source.source_column else "NULL::VARCHAR"}
                   AS __source,
               {text(_ident(source.channel)) if source.channel else "NULL::VARCHAR"} AS __channel,
               {text(_ident(source.topic)) if source.topic else "NULL::VARCHAR"} AS topic
               {outcomes},
               CAST({priority} AS INTEGER) AS source_priority,
               CAST(row_number() OVER () - 1 AS BIGINT) AS source_seq
        FROM {_reader(path)}
    """)
    bad = con.execute(f"""
        SELECT source_seq, __ts_text, count(*) OVER () FROM src_{index}
        WHERE ts IS NULL ORDER BY source_seq LIMIT 1
    """).fetchall()
    if bad:
        seq, value, count = bad[0]
        fmt = f"format {source.timestamp_format!r}" if source.timestamp_format else "ISO 8601"
        raise DataError(
            "Timestamp cannot be parsed" + (f" ({count} rows in all)" if count > 1 else ""),
            file=path,
            row=int(seq) + _header_rows(path),
            column=source.timestamp,
            value=value,
            hint=f"Expected {fmt}; set {SECTION}.sources[{index}].timestamp_format to the strptime "
            "format of the column (e.g. '%d/%m/%Y %H:%M').",
        )


def hmac_sql(value: str, key: str, *, prefix: str, length: int) -> str:
    """DuckDB SQL computing :func:`research.privacy.pseudonymise` of the VARCHAR expression *value*.

    HMAC-SHA256 (RFC 2104) built from DuckDB's ``sha256`` over blobs: hash the key first when it
    is longer than the 64-byte block, pad it with zeros, then
    ``sha256((key ^ opad) || sha256((key ^ ipad) || value))``. Hashing in SQL instead of Python
    keeps ingest at tens of millions of events off the interpreter.

    Examples
    --------
    >>> import duckdb
    >>> from research.privacy import pseudonymise
    >>> sql = hmac_sql("'zh01'", "secret", prefix="R-", length=8)
    >>> duckdb.sql("SELECT " + sql).fetchall()[0][0] == pseudonymise("zh01", key="secret")
    True
    """
    block = key.encode("utf-8")
    if len(block) > 64:
        block = hashlib.sha256(block).digest()
    block = block.ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in block).hex()
    outer = bytes(b ^ 0x5C for b in block).hex()
    digest = f"sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || encode({value}))))"
    return f"{_sql_str(prefix)} || left({digest}, {int(length)})"


def _touchpoint_map(study: Study, section: JourneysSection, pairs: pd.DataFrame) -> pd.DataFrame:
    """Touchpoint for each distinct (source index, touchpoint value, event name)."""
    synonyms: dict[str, str] = {}
    for touchpoint in study.touchpoints:
        synonyms[touchpoint.id.lower()] = touchpoint.id
        for words in touchpoint.synonyms.values():
            for word in words:
                synonyms.setdefault(str(word).lower(), touchpoint.id)
    compiled = {
        i: [(r.touchpoint, set(r.equals), re.compile(r.pattern) if r.pattern else None) for r in s.rules]
        for i, s in enumerate(section.sources)
    }

    def lookup(index: int, value: Any, event: Any) -> str | None:
        source = section.sources[index]
        if isinstance(value, str):
            if not study.has_catalog:
                return value
            if value in synonyms.values():
                return value
            if source.catalog and value.lower() in synonyms:
                return synonyms[value.lower()]
        if isinstance(event, str):
            for touchpoint, names, _ in compiled[index]:
                if event in names:
                    return touchpoint
            for touchpoint, _, pattern in compiled[index]:
                if pattern is not None and pattern.search(event):
                    return touchpoint
            if source.catalog and study.has_catalog and event.lower() in synonyms:
                return synonyms[event.lower()]
        return None

    out = pairs.copy()
    out["touchpoint"] = [
        lookup(int(i), v, e) for i, v, e in zip(out["src"], out["tp"], out["event"], strict=True)
    ]
    return out


def _components(edges: pd.DataFrame, limit: int) -> tuple[dict[str, str], list[list[str]]]:
    """Canonical id (smallest id of its component) per linked id, and the oversized components."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_edges_from(edges.itertuples(index=False, name=None))
    canonical, large = {}, []
    for component in nx.connected_components(graph):
        ids = sorted(component)
        for node in ids:
            canonical[node] = ids[0]
        if len(ids) > limit:
            large.append(ids)
    return canonical, large


def build_events(study: Study, *, force: bool = False, memory_limit: str = "2GB") -> Path:
    """Build (or reuse) the study's canonical event table and return its Parquet path.

    Cached by :func:`events_hash`: a second call with unchanged inputs returns the same file at
    once. The build report (unmapped events with counts, duplicates dropped, rows without an id,
    oversized identity components) is written beside it; read it with :func:`build_report`.

    Raises
    ------
    DataError
        A source file or column that is missing, or a timestamp that does not parse (naming the
        file, row and value).

    Warns
    -----
    IdentityWarning
        When an identity component holds more than ``max_identity_component`` ids.

    Examples
    --------
    >>> import pandas as pd
    >>> from research import load_study
    >>> path = build_events(load_study("sample"))
    >>> table = pd.read_parquet(path)
    >>> list(table.columns[:4]), bool(table.groupby("person_num")["event_seq"].is_monotonic_increasing.all())
    (['person_id', 'ts', 'touchpoint', 'event'], True)
    """
    started = time.perf_counter()
    section = load_journeys_section(study)
    folder = journeys_dir(study)
    digest = events_hash(study, section)
    target = folder / f"events-{digest}.parquet"
    report_path = target.with_suffix(".json")
    if target.exists() and report_path.exists() and not force:
        large = build_report(target).get("large_components", [])
        _warn_large(large, section.max_identity_component)
        return target
    key = pseudonym_key(study, section)
    spill = spill_directory(study)
    spill.mkdir(parents=True, exist_ok=True)
    con = connect_duckdb(spill, memory_limit)
    try:
        report = _build(con, study, section, key, target)
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    report["seconds"] = round(time.perf_counter() - started, 2)
    report["input_hash"] = digest
    write_bytes(report_path, json.dumps(report, indent=1, ensure_ascii=False).encode())
    for old in folder.glob("events-*.parquet"):
        if old != target:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
    _warn_large(report["large_components"], section.max_identity_component)
    return target


def _warn_large(large: list[dict[str, Any]], limit: int) -> None:
    for component in large:
        warnings.warn(
            f"{component['size']} ids are linked into one person (more than {limit}); a shared "
            f"placeholder id such as {component['ids'][0]!r} probably links unrelated people. Remove "
            "it from the identity map or the id columns.",
            IdentityWarning,
            stacklevel=3,
        )


def _build(
    con: duckdb.DuckDBPyConnection, study: Study, section: JourneysSection, key: str, target: Path
) -> dict[str, Any]:
    priorities = section.priorities()
    outcomes = list(dict.fromkeys(c for s in section.sources for c in s.outcomes))
    for index, source in enumerate(section.sources):
        _load_source(con, study, index, source, priorities[index])
    selects = []
    for index, source in enumerate(section.sources):
        n_ids = len(source.id_columns)
        person = f"coalesce({', '.join(f'__id{i}' for i in range(n_ids))})" if n_ids > 1 else "__id0"
        extra = "".join(
            f", {_ident(c) if c in source.outcomes else 'NULL::BOOLEAN'} AS {_ident(c)}" for c in outcomes
        )
        selects.append(f"""
            SELECT {index} AS src, {person} AS raw_person, ts, event, __tp AS tp,
                   coalesce(__source, {_sql_str(source.source_name)}) AS source, __channel, topic,
                   source_priority, source_seq{extra}
            FROM src_{index}""")
    con.execute("CREATE TEMP VIEW ev_all AS " + " UNION ALL ".join(selects))
    no_id = con.execute("SELECT src, count(*) FROM ev_all WHERE raw_person IS NULL GROUP BY src").fetchall()
    con.execute("CREATE TEMP VIEW ev AS SELECT * FROM ev_all WHERE raw_person IS NOT NULL")

    # touchpoints: decided once per distinct (source, value, event)
    pairs = con.execute("SELECT DISTINCT src, tp, event FROM ev").df()
    mapping = _touchpoint_map(study, section, pairs)
    mapping["tp"] = mapping["tp"].astype(object)
    mapping["event"] = mapping["event"].astype(object)
    channels = pd.DataFrame(
        {
            "touchpoint": [t.id for t in study.touchpoints],
            "tp_channel": [t.channel for t in study.touchpoints],
        },
        dtype=object,
    )
    con.register("tp_map", mapping)
    con.register("tp_channels", channels)

    # identities: ids of one row and identity-map pairs are one person
    edge_sql = [
        f"SELECT __id0 AS a, __id{i} AS b FROM src_{s} WHERE __id0 IS NOT NULL AND __id{i} IS NOT NULL"
        for s, source in enumerate(section.sources)
        for i in range(1, len(source.id_columns))
    ]
    if section.identity_map:
        path = study.file(section.identity_map.file)
        present = source_columns(con, path)
        left, right = section.identity_map.columns or present[:2]
        _require_columns(path, present, [(left, None), (right, None)], "identity map")
        edge_sql.append(f"""SELECT NULLIF(TRIM(CAST({_ident(left)} AS VARCHAR)), '') AS a,
                                   NULLIF(TRIM(CAST({_ident(right)} AS VARCHAR)), '') AS b
                            FROM {_reader(path)}""")
    edges = (
        con.execute(
            "SELECT DISTINCT a, b FROM ("
            + " UNION ALL ".join(edge_sql)
            + ") WHERE a IS NOT NULL AND b IS NOT NULL"
        ).df()
        if edge_sql
        else pd.DataFrame({"a": [], "b": []})
    )
    canonical, large = _components(edges, section.max_identity_component)
    links = pd.DataFrame(
        {
            "raw": pd.array(list(canonical), dtype=object),
            "canon": pd.array(list(canonical.values()), dtype=object),
        }
    )
    con.register("links", links)
    # one keyed hash per distinct raw id, in SQL (the same pseudonyms as research.privacy)
    person = "coalesce(l.canon, d.raw_person)"
    con.execute(f"""
        CREATE TEMP TABLE pseudonyms AS
        SELECT *, CAST(dense_rank() OVER (ORDER BY person_id) AS INTEGER) AS person_num
        FROM (SELECT d.raw_person, {hmac_sql(person, key, prefix=PERSON_PREFIX, length=12)} AS person_id
              FROM (SELECT DISTINCT raw_person FROM ev) d LEFT JOIN links l ON l.raw = d.raw_person)
    """)

    outcome_cols = "".join(f", e.{_ident(c)}" for c in outcomes)
    con.execute(f"""
        CREATE TEMP VIEW mapped AS
        SELECT p.person_id, p.person_num, e.ts, m.touchpoint, e.event, e.source, e.source_priority,
               e.source_seq,
               coalesce(e.__channel, c.tp_channel) AS channel, e.topic{outcome_cols}
        FROM ev e
        JOIN pseudonyms p USING (raw_person)
        LEFT JOIN tp_map m ON m.src = e.src AND m.tp IS NOT DISTINCT FROM e.tp
                          AND m.event IS NOT DISTINCT FROM e.event
        LEFT JOIN tp_channels c ON c.touchpoint = m.touchpoint
    """)
    dup_key = "person_id, ts, touchpoint, event, source, channel, topic" + outcome_cols.replace("e.", "")
    # Row hashes seen more than once (a small table): only those rows go through the exact
    # deduplication (a hash collision merely sends a few more rows there); the rest pass as they are.
    con.execute(f"""
        CREATE TEMP TABLE dup_hashes AS
        SELECT hash({dup_key}) AS row_hash FROM mapped GROUP BY ALL HAVING count(*) > 1
    """)
    n_dup_hashes = _count(con, "SELECT count(*) FROM dup_hashes")
    total = _count(con, "SELECT count(*) FROM ev")
    if n_dup_hashes:
        hashed = f"(SELECT *, hash({dup_key}) AS row_hash FROM mapped)"
        deduplicated = f"""(
            SELECT * EXCLUDE (row_hash) FROM {hashed} h ANTI JOIN dup_hashes USING (row_hash)
            UNION ALL
            SELECT * EXCLUDE (row_hash) FROM {hashed} h SEMI JOIN dup_hashes USING (row_hash)
            QUALIFY row_number() OVER (PARTITION BY {dup_key} ORDER BY source_priority, source_seq) = 1
        )"""
    else:
        deduplicated = "mapped"
    # Sorting once into a table (parallel), then numbering in insertion order, is much faster
    # than a global row_number() OVER (ORDER BY ...) on tens of millions of rows. The file is then
    # written person by person (person_num, event_seq): every analysis groups or windows by person,
    # and a person's rows side by side halve the time of the per-person aggregates.
    con.execute(f"""
        CREATE TEMP TABLE deduped AS SELECT * FROM {deduplicated}
        ORDER BY ts, source_priority, source_seq, source, person_id
    """)
    rows = _count(con, "SELECT count(*) FROM deduped")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    con.execute(f"""
        COPY (
            SELECT person_id, ts, touchpoint, event, source, source_priority, source_seq, channel, topic,
                   event_seq, person_num {"".join(f", {_ident(c)}" for c in outcomes)}
            FROM (SELECT *, CAST(row_number() OVER () - 1 AS BIGINT) AS event_seq FROM deduped)
            ORDER BY person_num, event_seq
        ) TO {_sql_str(str(tmp))} (FORMAT parquet)
    """)
    os.replace(tmp, target)
    unmapped = con.execute("""
        SELECT source, event, count(*) AS n FROM deduped WHERE touchpoint IS NULL
        GROUP BY ALL ORDER BY n DESC, source, event
    """).fetchall()
    per_source = con.execute("SELECT source, count(*) FROM deduped GROUP BY 1 ORDER BY 1").fetchall()
    # dropping duplicates never removes a person
    n_persons = _count(con, "SELECT count(DISTINCT person_id) FROM pseudonyms")
    names = [s.source_name for s in section.sources]
    return {
        "rows": int(rows),
        "persons": int(n_persons),
        "rows_per_source": {str(s): int(n) for s, n in per_source},
        "duplicates_dropped": int(total - rows),
        "rows_without_id": {names[int(s)]: int(n) for s, n in no_id},
        "unmapped": [{"source": s, "event": e, "n": int(n)} for s, e, n in unmapped],
        "unmapped_rows": int(sum(n for _, _, n in unmapped)),
        "identity_links": len(edges),
        "large_components": [
            {
                "size": len(ids),
                "ids": [pseudonymise(i, key, prefix=PERSON_PREFIX, length=12) for i in ids[:5]],
            }
            for ids in large
        ],
    }


def build_report(path: Path) -> dict[str, Any]:
    """The build report written beside the event table *path* (see :func:`build_events`).

    Examples
    --------
    >>> from research import load_study
    >>> report = build_report(build_events(load_study("sample")))
    >>> report["persons"]
    19955
    """
    return json.loads(Path(path).with_suffix(".json").read_text())


def unmapped_events(path: Path) -> pd.DataFrame:
    """Events that map to no touchpoint: source, event, n (most frequent first).

    Examples
    --------
    >>> from research import load_study
    >>> unmapped_events(build_events(load_study("sample"))).columns.tolist()
    ['source', 'event', 'n']
    """
    frame = pd.DataFrame(build_report(path)["unmapped"], columns=["source", "event", "n"])
    return frame.astype({"n": "int64"})
