"""Benchmark: journey analytics on a large event log; DuckDB vs plain pandas vs pm4py vs PySpark.

Goals (issue 11):

- variants + directly-follows graph >= 5x faster than pm4py at <= 2 GB peak memory on 20M events;
- 100M events complete under a 4 GB memory limit by spilling to a temp directory (DuckDB's
  ``memory_limit`` 2GB inside a 4 GB resident-memory cap that a watchdog enforces by killing);
- the PySpark run of the same analyses on 2M events prints its time beside DuckDB's.

The log comes from the sample generator (``research.sample``, part ``events``; about 207,000
events per unit of ``--scale``) written into a temporary study, then ingested with
:func:`research.journeys.build_events` exactly as a study run does. The 100M case replicates the
ingested table (person ids suffixed and person numbers shifted per copy) instead of simulating
100M events in Python.

Each engine runs in its own child process so that its peak memory is its own: the summed
proportional set size (PSS) of the child and its children (the JVM for PySpark), sampled with
``PssSampler`` from ``bench_feedback.py``, and the process' maximum resident set; the larger is
reported. Bytes spilled are sampled from DuckDB's temp directory. pm4py (AGPL) is never a
dependency of the workbench: ``pip install pm4py`` into the venv to include it; without it the
pm4py run is skipped. pandas and pm4py results are checked against DuckDB's (top-20 variant
counts, every DFG edge count).

Usage::

    .venv/bin/python benchmarks/bench_journeys.py                      # 20M events + 100M case
    .venv/bin/python benchmarks/bench_journeys.py --events 2000000 --skip-100m
    .venv/bin/python benchmarks/bench_journeys.py --scale 10 --no-spark --no-pm4py
    .venv/bin/python benchmarks/bench_journeys.py --work /tmp/bj --reuse   # keep / reuse the log
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_feedback import PssSampler  # the one PSS helper of the benchmarks

EVENTS_PER_SCALE = 207_037  # events of the committed sample (scale 1)
FUNNEL = ["online_ads", "website", "sales_rep", "store"]
SERVICE = ["hotline"]
NOT_UPSTREAM = ["bill", "sms_notice"]
TOP = 20


# ---------------------------------------------------------------------------- child phases
def _timed(results: dict, name: str, func, *args, **kwargs):
    started = time.perf_counter()
    value = func(*args, **kwargs)
    results[name] = round(time.perf_counter() - started, 2)
    return value


def phase_ingest(args: argparse.Namespace, results: dict) -> None:
    from research import load_study
    from research.journeys import build_events

    study = load_study(Path(args.study))
    path = _timed(results, "ingest_s", build_events, study, force=True)
    results["table"] = str(path)


def phase_engine(args: argparse.Namespace, results: dict) -> None:
    """Variants + DFG, funnel, repeat contact through research.journeys on DuckDB or PySpark."""
    from research.journeys import connect, dfg, events, funnel, repeat_contacts, variants

    if args.phase == "duckdb":
        con = connect("duckdb", memory_limit=args.memory_limit, temp_directory=args.temp_directory)
    else:
        con = connect("pyspark")
    table = events(con, args.table)
    if args.phase == "pyspark":
        table = table.cache()  # read the Parquet once, as the golden tests do
        results["cache_s"] = round(_time(lambda: table.count().execute()), 2)
    top = _timed(results, "variants_s", variants, table, top=TOP)
    edges = _timed(results, "dfg_s", dfg, table)
    _timed(results, "funnel_s", funnel, table, FUNNEL)
    _timed(
        results,
        "repeat_contact_s",
        repeat_contacts,
        table,
        SERVICE,
        within=timedelta(days=7),
        same_topic=False,
        not_upstream=NOT_UPSTREAM,
    )
    results["variants_dfg_s"] = round(results["variants_s"] + results["dfg_s"], 2)
    _save(args, top[["path", "n"]], edges[["source", "target", "n"]])


def _time(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def phase_pandas(args: argparse.Namespace, results: dict) -> None:
    """A straightforward pandas implementation: sort, join paths, shift for edges."""
    import pandas as pd

    started = time.perf_counter()
    log = pd.read_parquet(args.table, columns=["person_id", "ts", "touchpoint", "event_seq"])
    log = log[log["touchpoint"].notna()].sort_values(["person_id", "event_seq"], kind="stable")
    results["read_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    paths = log.groupby("person_id", sort=False)["touchpoint"].agg(" > ".join)
    top = paths.value_counts().rename_axis("path").reset_index(name="n")
    top = top.sort_values(["n", "path"], ascending=[False, True]).head(TOP)
    results["variants_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    same = log["person_id"].to_numpy()[1:] == log["person_id"].to_numpy()[:-1]
    pairs = pd.DataFrame(
        {
            "source": log["touchpoint"].to_numpy()[:-1][same],
            "target": log["touchpoint"].to_numpy()[1:][same],
            "person_id": log["person_id"].to_numpy()[:-1][same],
            "gap": (log["ts"].to_numpy()[1:] - log["ts"].to_numpy()[:-1])[same] / pd.Timedelta(seconds=1),
        }
    )
    edges = (
        pairs.groupby(["source", "target"])
        .agg(n=("gap", "size"), persons=("person_id", "nunique"), median_s=("gap", "median"))
        .reset_index()
    )
    results["dfg_s"] = round(time.perf_counter() - started, 2)
    results["variants_dfg_s"] = round(results["variants_s"] + results["dfg_s"], 2)
    _save(args, top, edges[["source", "target", "n"]])


def phase_pm4py(args: argparse.Namespace, results: dict) -> None:
    import contextlib
    import io

    import pandas as pd

    with contextlib.redirect_stdout(io.StringIO()):  # pm4py prints a licence banner on import
        import pm4py

    results["version"] = pm4py.__version__
    log = pd.read_parquet(args.table, columns=["person_id", "ts", "touchpoint", "event_seq"])
    log = log[log["touchpoint"].notna()].reset_index(drop=True)  # event_seq order breaks ties
    frame = _timed(
        results,
        "format_s",
        pm4py.format_dataframe,
        log,
        case_id="person_id",
        activity_key="touchpoint",
        timestamp_key="ts",
    )
    found = _timed(results, "variants_s", pm4py.get_variants, frame)
    graph, _start, _end = _timed(results, "dfg_s", pm4py.discover_dfg, frame)
    results["variants_dfg_s"] = round(results["variants_s"] + results["dfg_s"], 2)
    top = pd.DataFrame({"path": [" > ".join(v) for v in found], "n": [int(c) for c in found.values()]})
    top = top.sort_values(["n", "path"], ascending=[False, True]).head(TOP)
    edges = pd.DataFrame([(s, t, int(n)) for (s, t), n in graph.items()], columns=["source", "target", "n"])
    _save(args, top, edges)


def _save(args: argparse.Namespace, top, edges) -> None:
    if args.out:
        top.reset_index(drop=True).to_parquet(f"{args.out}.variants.parquet")
        edges.reset_index(drop=True).to_parquet(f"{args.out}.dfg.parquet")


PHASES = {
    "ingest": phase_ingest,
    "duckdb": phase_engine,
    "pyspark": phase_engine,
    "pandas": phase_pandas,
    "pm4py": phase_pm4py,
}


class SpillSampler:
    """Peak bytes of the files under DuckDB's temp_directory (what it spilled), sampled in a thread."""

    def __init__(self, folder: str | None, interval: float = 0.2) -> None:
        import threading

        self.folder, self.interval, self.peak = folder, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _size(self) -> int:
        total = 0
        for root, _dirs, files in os.walk(self.folder or ""):
            for name in files:
                try:
                    total += os.path.getsize(os.path.join(root, name))
                except OSError:  # removed meanwhile
                    continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._size())
            self._stop.wait(self.interval)

    def __enter__(self) -> SpillSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def high_water_mb() -> float:
    """This process' peak resident set (VmHWM), in MB.

    Not ``getrusage``'s ``ru_maxrss``: Linux carries it over fork and exec, so a child started by
    a large parent reports the parent's peak.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_phase(args: argparse.Namespace) -> int:
    results: dict = {"phase": args.phase}
    with PssSampler() as sampler, SpillSampler(args.temp_directory) as spill:
        PHASES[args.phase](args, results)
    results["peak_mb"] = round(sampler.peak)
    results["maxrss_mb"] = round(high_water_mb())
    results["spilled_mb"] = round(spill.peak / 2**20)
    print("RESULT " + json.dumps(results))
    return 0


# ---------------------------------------------------------------------------- orchestration
def child(phase: str, work: Path, env: dict, cap_gb: float | None = None, **options: object) -> dict | None:
    """Run one phase in a fresh interpreter; return its results (None when it failed).

    With *cap_gb* the phase runs under a resident-memory cap: a watchdog sums the resident set
    of the child and its children every 50 ms and kills the run the moment it passes the cap.
    (An address-space cap, ``prlimit --as`` or ``ulimit -v``, does not measure memory: DuckDB
    reserves about twice its resident memory as address space, so 4 GB of it fails at 2 GB used.)
    """
    import psutil

    command = [sys.executable, __file__, "--phase", phase, "--out", str(work / phase)]
    for name, value in options.items():
        if value is not None:
            command += [f"--{name.replace('_', '-')}", str(value)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env)
        watched, peak, killed = psutil.Process(process.pid), 0, False
        while process.poll() is None:
            if cap_gb:
                rss = 0
                for proc in [watched, *watched.children(recursive=True)]:
                    try:
                        rss += proc.memory_info().rss
                    except (psutil.NoSuchProcess, psutil.AccessDenied):
                        continue
                peak = max(peak, rss)
                if rss > cap_gb * 2**30:
                    process.kill()
                    killed = True
            time.sleep(0.05)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if killed:
        print(f"  {phase} killed: resident memory passed the {cap_gb:.0f} GB cap")
        return None
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
            if cap_gb:
                result["watchdog_peak_mb"] = round(peak / 2**20)
            return result
    print(f"  {phase} failed (exit {process.returncode}):\n{stderr[-2000:]}")
    return None


def generate(root: Path, scale: float, reuse: bool = False) -> Path:
    from research.sample import generate as generate_sample

    folder = root / "data" / "raw" / "bench_journeys"
    if reuse and (folder / "events").exists():
        return folder
    folder.mkdir(parents=True)
    (folder / "study.yml").write_text("name: bench_journeys\n", encoding="utf-8")
    return generate_sample(folder, scale=scale, parts=["events"], allow_raw=True)


def small_duckdb(folder: Path):
    """A DuckDB connection for preparing tables: 2GB, spilling under *folder* (the parent stays small)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar=false")
    con.execute("SET memory_limit='2GB'")
    con.execute(f"SET temp_directory='{folder / 'prepare_tmp'}'")
    return con


def replicate(table: str, target: Path, events: int) -> int:
    """Write *table* copied until it holds >= *events* rows (person ids suffixed, numbers shifted)."""

    con = small_duckdb(target.parent)
    n, top, persons = con.execute(
        f"SELECT count(*), max(event_seq) + 1, max(person_num) FROM read_parquet('{table}')"
    ).fetchone()
    copies = math.ceil(events / n)
    con.execute(
        f"COPY (SELECT e.* REPLACE (e.person_id || '~' || r.copy AS person_id, "
        f"e.event_seq + r.copy * {top} AS event_seq, e.person_num + r.copy * {persons} AS person_num) "
        f"FROM read_parquet('{table}') e "
        f"CROSS JOIN range({copies}) r(copy) ORDER BY person_num, event_seq) "  # canonical file order
        f"TO '{target}' (FORMAT parquet)"
    )
    return n * copies


def subset(table: str, target: Path, events: int) -> int:
    """Write the events of a hash-chosen share of persons, about *events* rows."""

    con = small_duckdb(target.parent)
    (n,) = con.execute(f"SELECT count(*) FROM read_parquet('{table}')").fetchone()
    keep = max(1, round(n / events))
    con.execute(
        f"COPY (SELECT * FROM read_parquet('{table}') WHERE hash(person_id) % {keep} = 0 "
        f"ORDER BY person_num, event_seq) TO '{target}' (FORMAT parquet)"
    )
    (m,) = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
    return m


def rows(table: str | Path) -> int:
    """Rows of a Parquet file."""
    import duckdb

    return duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{table}')").fetchone()[0]


def agree(work: Path, phase: str) -> str:
    """Whether *phase*'s top variants and DFG edge counts equal DuckDB's."""
    import pandas as pd

    if not (work / "duckdb.variants.parquet").exists():
        return "not compared (no DuckDB result)"
    checks = []
    for kind, keys in (("variants", ["path"]), ("dfg", ["source", "target"])):
        mine = pd.read_parquet(work / f"{phase}.{kind}.parquet").set_index(keys)["n"].sort_index()
        ref = pd.read_parquet(work / f"duckdb.{kind}.parquet").set_index(keys)["n"].sort_index()
        checks.append(mine.astype("int64").equals(ref.astype("int64")))
    return "identical to DuckDB" if all(checks) else "DIFFERS from DuckDB (variants, dfg): " + str(checks)


def show(label: str, result: dict | None) -> None:
    if result is None:
        return
    keys = [
        k
        for k in (
            "ingest_s",
            "cache_s",
            "read_s",
            "format_s",
            "variants_s",
            "dfg_s",
            "variants_dfg_s",
            "funnel_s",
            "repeat_contact_s",
        )
        if k in result
    ]
    timings = ", ".join(f"{k[:-2]} {result[k]:.2f} s" for k in keys)
    peak = peak_gb(result)
    spilled = f", spilled {result['spilled_mb'] / 1024:.2f} GB" if result.get("spilled_mb") else ""
    print(f"  {label:<34} {timings}; peak {peak:.2f} GB{spilled}")


def peak_gb(result: dict) -> float:
    """Peak memory of a phase: the larger of sampled PSS (with children) and the process' max RSS."""
    return max(result["peak_mb"], result.get("maxrss_mb", 0), result.get("watchdog_peak_mb", 0)) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000_000, help="events to generate (about)")
    parser.add_argument("--scale", type=float, help="sample scale instead of --events")
    parser.add_argument("--big-events", type=int, default=100_000_000, help="the spill case")
    parser.add_argument("--skip-100m", action="store_true", help="skip the spill case")
    parser.add_argument("--spark-events", type=int, default=2_000_000)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--no-pm4py", action="store_true")
    parser.add_argument("--no-pandas", action="store_true")
    parser.add_argument("--memory-limit", default="1.5GB", help="DuckDB limit of the main run")
    parser.add_argument(
        "--big-memory-limit",
        default="2GB",
        help="DuckDB limit of the spill case (inside the 4 GB address-space cap)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the study generated earlier in --work (ingest still runs)"
    )
    parser.add_argument("--work", help="keep the generated study and tables here")
    # child-process options
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--table", help=argparse.SUPPRESS)
    parser.add_argument("--study", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--temp-directory", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return run_phase(args)

    scale = args.scale or args.events / EVENTS_PER_SCALE
    work_root = Path(args.work or tempfile.mkdtemp(prefix="bench_journeys_"))
    work_root.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RESEARCH_PROJECT_ROOT": str(work_root)}
    os.environ["RESEARCH_PROJECT_ROOT"] = str(work_root)
    work = work_root / "results"
    work.mkdir(exist_ok=True)
    print(f"Journey benchmark in {work_root} (scale {scale:.2f})")

    started = time.perf_counter()
    study = generate(work_root, scale, reuse=args.reuse)
    print(f"  generate (research.sample, not timed below) {time.perf_counter() - started:.1f} s")
    ingest = child("ingest", work, env, study=study)
    if ingest is None:
        return 1
    table = ingest["table"]
    n_events = rows(table)
    print(f"\n{n_events:,} events ({Path(table).stat().st_size / 2**20:.0f} MB Parquet)")
    show("ingest (build_events)", ingest)
    spill = work_root / "duckdb_tmp"
    main_run = child("duckdb", work, env, table=table, memory_limit=args.memory_limit, temp_directory=spill)
    show(f"DuckDB (limit {args.memory_limit})", main_run)
    pandas_run = None if args.no_pandas else child("pandas", work, env, table=table)
    if pandas_run:
        show("pandas", pandas_run)
        print(f"  {'':<34} {agree(work, 'pandas')}")
    pm4py_run = None
    if args.no_pm4py:
        print("  pm4py: skipped (--no-pm4py)")
    elif subprocess.run([sys.executable, "-c", "import pm4py"], capture_output=True).returncode:
        print(
            "  pm4py: not installed, skipped (pip install pm4py into the venv to compare; AGPL, "
            "never a dependency)"
        )
    else:
        pm4py_run = child("pm4py", work, env, table=table)
        if pm4py_run:
            show(f"pm4py {pm4py_run['version']}", pm4py_run)
            print(f"  {'':<34} {agree(work, 'pm4py')}")

    spark_run = spark_duck = None
    if not args.no_spark:
        small = table
        if n_events > 1.5 * args.spark_events:
            small = str(work_root / "spark_subset.parquet")
            subset(table, Path(small), args.spark_events)
        n_small = rows(small)
        print(f"\n{n_small:,} events on PySpark (local[2]) beside DuckDB")
        spark_duck = (
            main_run
            if small == table
            else child("duckdb", work, env, table=small, memory_limit=args.memory_limit, temp_directory=spill)
        )
        spark_run = child("pyspark", work, env, table=small)
        show("DuckDB", spark_duck)
        show("PySpark", spark_run)

    big_run = None
    cap_gb = 4.0
    if not args.skip_100m:
        big = work_root / "big.parquet"
        started = time.perf_counter()
        n_big = replicate(table, big, args.big_events)
        print(
            f"\n{n_big:,} events (replicated in {time.perf_counter() - started:.0f} s), DuckDB "
            f"memory_limit {args.big_memory_limit} with a temp_directory; a watchdog kills the run "
            f"if its resident memory passes {cap_gb:.0f} GB"
        )
        big_run = child(
            "duckdb",
            work,
            env,
            table=big,
            memory_limit=args.big_memory_limit,
            temp_directory=work_root / "duckdb_tmp_big",
            cap_gb=cap_gb,
        )
        show(f"DuckDB (limit {args.big_memory_limit}, capped)", big_run)
        big.unlink(missing_ok=True)

    goals: list[tuple[str, str, str]] = []
    if main_run and pm4py_run:
        mine, theirs = main_run["variants_dfg_s"], pm4py_run["variants_dfg_s"]
        speedup = theirs / max(mine, 1e-9)
        formatted = (theirs + pm4py_run["format_s"]) / max(mine, 1e-9)
        goals.append(
            (
                f"variants + DFG >= 5x faster than pm4py ({n_events:,} events)",
                f"{speedup:.1f}x ({mine:.1f} s vs {theirs:.1f} s; with pm4py's format_dataframe "
                f"{formatted:.1f}x)",
                "yes" if speedup >= 5 else "no",
            )
        )
    else:
        goals.append(
            (
                "variants + DFG >= 5x faster than pm4py",
                "not measured (" + ("the DuckDB run failed" if main_run is None else "pm4py skipped") + ")",
                "no",
            )
        )
    if main_run:
        goals.append(
            (
                f"DuckDB peak memory <= 2 GB ({n_events:,} events)",
                f"{peak_gb(main_run):.2f} GB (memory_limit {args.memory_limit})",
                "yes" if peak_gb(main_run) <= 2 else "no",
            )
        )
    if big_run:
        total = sum(big_run[k] for k in ("variants_s", "dfg_s", "funnel_s", "repeat_contact_s"))
        goals.append(
            (
                f"{n_big:,} events complete under a 4 GB cap by spilling",
                f"completed in {total:.0f} s, peak {peak_gb(big_run):.2f} GB, spilled "
                f"{big_run['spilled_mb'] / 1024:.2f} GB",
                "yes" if peak_gb(big_run) <= cap_gb else "no",
            )
        )
    else:
        goals.append(
            ("100M events under a 4 GB cap", "skipped (--skip-100m)" if args.skip_100m else "FAILED", "no")
        )
    if spark_run and spark_duck:
        total = ("variants_dfg_s", "funnel_s", "repeat_contact_s")
        spark_s, duck_s = (sum(run[k] for k in total) for run in (spark_run, spark_duck))
        goals.append(
            (
                f"PySpark beside DuckDB ({n_small:,} events; variants, DFG, funnel, repeat contact)",
                f"PySpark {spark_s:.1f} s (+ cache {spark_run.get('cache_s', 0):.1f} s), "
                f"DuckDB {duck_s:.1f} s",
                "yes",
            )
        )
    else:
        goals.append(("PySpark beside DuckDB", "skipped" if args.no_spark else "FAILED", "no"))
    goals.append(
        (
            f"ingest ({n_events:,} events; no goal, for reference)",
            f"{ingest['ingest_s']:.1f} s, peak {peak_gb(ingest):.2f} GB",
            "-",
        )
    )
    width = max(len(g) for g, _, _ in goals)
    print(f"\nGoals\n  {'goal':<{width}}  {'met':<3}  measured")
    for goal, measured, met in goals:
        print(f"  {goal:<{width}}  {met:<3}  {measured}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
