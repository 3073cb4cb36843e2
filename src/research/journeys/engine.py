"""One engine interface, two engines: Ibis on embedded DuckDB (default) or on PySpark.

Every journey analysis is written once as Ibis expressions over the canonical event table
(:func:`events`). DuckDB runs with an explicit memory limit and a spill directory (an in-memory
DuckDB does not spill without one) and without its progress bar; PySpark runs in local mode with
few shuffle partitions, no UI and the session time zone UTC (the table's timestamps are naive UTC).
Ordered aggregates (``collect(order_by=...)``) do not compile on PySpark in Ibis 12: number steps
with ``row_number()`` instead.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from research.errors import DataError

Kind = Literal["duckdb", "pyspark"]

_SPARK_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "1g",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
}


def spark_session(master: str = "local[2]", **conf: str) -> Any:
    """A (shared) local SparkSession configured small: 4 shuffle partitions, no UI, UTC."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataError(
            "PySpark is not installed", hint='Install the Spark extra: pip install ".[spark]"'
        ) from None
    builder = SparkSession.builder.master(master).appName("research-journeys")
    for name, value in {**_SPARK_CONF, **conf}.items():
        builder = builder.config(name, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def connect(
    kind: Kind = "duckdb",
    *,
    memory_limit: str = "2GB",
    temp_directory: str | Path | None = None,
    threads: int | None = None,
    session: Any = None,
    study: Any = None,
) -> Any:
    """An Ibis backend for journey analyses.

    Parameters
    ----------
    kind : {"duckdb", "pyspark"}
    memory_limit : str
        DuckDB's memory limit (it spills to *temp_directory* beyond it).
    temp_directory : str or Path, optional
        DuckDB's spill directory, e.g. ``data/processed/<study>/journeys/duckdb_tmp``. Without
        one an in-memory DuckDB cannot spill.
    threads : int, optional
        DuckDB threads (default: all cores).
    session : pyspark.sql.SparkSession, optional
        The Spark session to use (default: :func:`spark_session`).
    study : Study, optional
        When given without *temp_directory*, DuckDB spills to
        ``data/processed/<study>/journeys/duckdb_tmp/<pid>``.

    Examples
    --------
    >>> con = connect("duckdb", memory_limit="1GB")
    >>> con.raw_sql("SELECT current_setting('enable_progress_bar')").fetchall()
    [(False,)]
    """
    import ibis

    if kind == "duckdb":
        if temp_directory is None and study is not None:
            from research.journeys.ingest import spill_directory

            temp_directory = spill_directory(study)
        con = ibis.duckdb.connect()
        con.raw_sql("SET TimeZone='UTC'")
        # In Jupyter without ipywidgets DuckDB refuses to change the setting (and shows no bar).
        with contextlib.suppress(Exception):
            con.raw_sql("SET enable_progress_bar=false")
        con.raw_sql(f"SET memory_limit='{memory_limit}'")
        # results are sorted explicitly; not keeping insertion order lets DuckDB stream and spill
        con.raw_sql("SET preserve_insertion_order=false")
        if temp_directory is not None:
            Path(temp_directory).mkdir(parents=True, exist_ok=True)
            con.raw_sql(f"SET temp_directory='{Path(temp_directory)}'")
        if threads:
            con.raw_sql(f"SET threads={int(threads)}")
        return con
    if kind == "pyspark":
        return ibis.pyspark.connect(session or spark_session())
    raise DataError("Unknown engine", column="engine", value=kind, hint="Use 'duckdb' or 'pyspark'.")


def events(con: Any, path: str | Path, *, name: str = "events") -> Any:
    """The canonical event table at *path* (see :func:`research.journeys.build_events`) as an Ibis table.

    Examples
    --------
    >>> from research import load_study
    >>> from research.journeys import build_events
    >>> table = events(connect(), build_events(load_study("sample")))
    >>> int(table.count().execute())
    207037
    """
    path = Path(path)
    if not path.exists():
        raise DataError(
            "Event table not found", file=path, hint="Build it with research.journeys.build_events."
        )
    return con.read_parquet(str(path), table_name=name)


@contextlib.contextmanager
def materialized(table: Any) -> Iterator[Any]:
    """*table* computed once for several queries, dropped on exit.

    DuckDB: a temporary table (kept by DuckDB's buffer manager, so it spills to the connection's
    ``temp_directory``); it is created and dropped in SQL because Ibis 12's ``cache()`` cannot
    drop it on DuckDB 2.x. PySpark: Ibis' ``cache()`` (an in-memory DataFrame, unpersisted after).

    Examples
    --------
    >>> import ibis
    >>> con = connect()
    >>> t = con.create_table("numbers", ibis.memtable({"x": [1, 2, 3]}))
    >>> with materialized(t.mutate(y=t.x * 2)) as m:
    ...     int(m.y.sum().execute()), int(m.count().execute())
    (12, 3)
    """
    backend = table._find_backend(use_default=True)
    if backend.name != "duckdb":
        cached = table.cache()
        try:
            yield cached
        finally:
            cached.release()
        return
    name = f"_research_tmp_{uuid.uuid4().hex}"
    backend.create_table(name, table, temp=True)
    try:
        yield backend.table(name)
    finally:
        backend.raw_sql(f'DROP TABLE IF EXISTS temp.main."{name}"')
