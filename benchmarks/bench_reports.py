"""Benchmark of the report batch on the sample study; prints its figures.

1. plain loop: every run as a serial loop of the ``papermill`` and ``jupyter nbconvert``
   command-line tools (subprocesses), the baseline a researcher would script by hand;
2. cold: ``research reports --force --jobs <cores>`` (parallel workers, HTML rendered in them);
3. warm: ``research reports`` again with nothing changed (only hashing and the manifest).

Goals: cold <= 0.6 x plain loop; warm <= 2 s. Runs in a throwaway copy of the project (the
sample study and notebooks/), so the real reports/ folder is untouched. Runs whose notebook is
not in notebooks/ yet are left out (and listed).

Usage: ``python benchmarks/bench_reports.py [--jobs N]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _copy_project(target: Path) -> list[dict]:
    shutil.copytree(PROJECT / "data" / "raw" / "sample", target / "data" / "raw" / "sample")
    shutil.copytree(PROJECT / "notebooks", target / "notebooks")
    yml = target / "data" / "raw" / "sample" / "study.yml"
    definition = yaml.safe_load(yml.read_text(encoding="utf-8"))
    present = {p.name for p in (target / "notebooks").glob("*.ipynb")}
    missing = [r["id"] for r in definition["runs"] if r["notebook"] not in present]
    if missing:
        print(f"left out (notebook not in notebooks/ yet): {', '.join(missing)}")
        definition["runs"] = [r for r in definition["runs"] if r["notebook"] in present]
        yml.write_text(yaml.safe_dump(definition, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return definition["runs"]


def _timed(command: list[str], env: dict, cwd: Path) -> tuple[float, bool]:
    """Wall time of a command and whether it succeeded."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - started, done.returncode == 0


def plain_loop(root: Path, runs: list[dict], env: dict) -> dict[str, tuple[float, bool]]:
    """Serial papermill + nbconvert command-line calls, one run after the other: per run
    (seconds, succeeded)."""
    out = root / "data" / "processed" / "plain"
    out.mkdir(parents=True, exist_ok=True)
    timings = {}
    for run in runs:
        executed = out / f"{run['id']}.ipynb"
        parameters = {"study": "sample", "output_dir": str(root / "reports" / "plain" / run["id"])}
        parameters |= run.get("parameters", {})
        execute = [str(BIN / "papermill"), str(root / "notebooks" / run["notebook"]), str(executed)]
        execute += ["-k", "research", "--cwd", str(root / "notebooks"), "--no-progress-bar"]
        execute += ["-y", yaml.safe_dump(parameters, allow_unicode=True)]
        seconds, ok = _timed(execute, env, root)
        render = [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)]
        seconds += _timed(render, env, root)[0]
        timings[run["id"]] = (seconds, ok)
    return timings


def _keep_runs(root: Path, keep: set[str]) -> None:
    yml = root / "data" / "raw" / "sample" / "study.yml"
    definition = yaml.safe_load(yml.read_text(encoding="utf-8"))
    definition["runs"] = [r for r in definition["runs"] if r["id"] in keep]
    yml.write_text(yaml.safe_dump(definition, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--warm-repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_reports_") as tmp:
        root = Path(tmp)
        runs = _copy_project(root)
        env = {**os.environ, "RESEARCH_PROJECT_ROOT": str(root)}
        research = [str(BIN / "research"), "reports", "--study", "sample", "--no-progress"]

        timings = plain_loop(root, runs, env)
        failing = sorted(run_id for run_id, (_, ok) in timings.items() if not ok)
        if failing:  # a failing run is re-tried on every batch: no warm figure with it in
            print(f"left out (notebook fails at the moment): {', '.join(failing)}")
            _keep_runs(root, {run_id for run_id, (_, ok) in timings.items() if ok})
        ok_runs = [run_id for run_id, (_, ok) in timings.items() if ok]
        plain = sum(timings[run_id][0] for run_id in ok_runs)
        print(f"sample batch: {len(ok_runs)} runs, {args.jobs} worker(s), {os.cpu_count()} CPU(s)")
        print(f"plain loop (papermill + jupyter nbconvert CLIs, serial): {plain:6.1f} s")

        cold, ok = _timed([*research, "--force", "--jobs", str(args.jobs)], env, root)
        print(
            f"cold  research reports --jobs {args.jobs}:               {cold:6.1f} s  "
            f"= {cold / plain:.2f} x plain loop (goal <= 0.6){'' if ok else '  (some run failed!)'}"
        )

        warm_times: list[float] = []
        for _ in range(args.warm_repeats + 3):
            started = time.perf_counter()
            done = subprocess.run(research, env=env, cwd=root, capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            if f"0 ok, 0 failed, {len(ok_runs)} skipped" in done.stdout:
                warm_times.append(elapsed)
            else:  # the workbench source changed meanwhile (shared dev tree): runs re-executed
                print(f"(a warm run re-executed changed runs in {elapsed:.1f} s; not counted)")
            if len(warm_times) == args.warm_repeats:
                break
        if warm_times:
            warm = statistics.median(warm_times)
            print(
                f"warm  research reports (no change), median of {len(warm_times)}: "
                f"{warm:6.2f} s (goal <= 2 s)"
            )
        else:
            print("warm: no run without changes (source kept changing); measure again later")


if __name__ == "__main__":
    main()
