"""Run a study's report notebooks in parallel, render them to HTML, keep manifest and index.

``research reports`` calls :func:`run_reports`. For each report run of the study (``runs:`` in
study.yml) it:

1. checks the run's parameters against the notebook's ``parameters`` cell (all runs, before
   anything executes: one bad run stops the batch with a clear message);
2. skips the run if its notebook, parameters, input files and the workbench code are unchanged
   since its last successful execution (see :mod:`research.reports.manifest`), unless forced;
3. executes the others with papermill in a pool of worker processes (kernel ``research``,
   working directory ``notebooks/``, ``RESEARCH_PROJECT_ROOT`` set), each worker rendering its
   HTML right after execution; a failing notebook is rendered too, with a banner, and does not
   stop the others;
4. updates ``data/processed/<study>/manifest.json`` and ``reports/index.html``.

A run that reads other runs' results declares them in study.yml (``needs: [run ids]``): the batch
runs in groups (:func:`generations`), each run after the runs it needs, and a run's fingerprint
includes the ``results.json`` of the runs it needs (:func:`needed_results`), so it re-runs when
they change. A needed run that failed leaves no results: the run that needs it still runs and
shows that evidence as missing.

Layout: ``reports/<study>/<run>.html``, ``reports/<study>/<run>/results.json`` (the notebook's
``output_dir``), executed notebooks in ``data/processed/<study>/executed/<run>.ipynb``.
papermill and nbconvert are imported in the workers only: the warm (nothing changed) path
loads the study, hashes files and reads the manifest.
"""

from __future__ import annotations

import fcntl
import fnmatch
import json
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from graphlib import TopologicalSorter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from research.errors import DataError
from research.io import file_sha256, read_text
from research.paths import ENV_ROOT, is_inside_raw, project_root, raw_dir, reports_dir
from research.reports.index import INDEX_NAME, write_index
from research.reports.manifest import (
    code_fingerprint,
    input_hashes,
    is_up_to_date,
    manifest_path,
    read_manifest,
    run_fingerprint,
    write_manifest,
)
from research.reports.params import check_parameters, notebook_parameters
from research.study import Study, StudyDefinition, resolve_study_folder

if TYPE_CHECKING:
    from research.validate import Validation

#: The Jupyter kernel every report runs in (registered by ``make setup``).
KERNEL_NAME = "research"
#: Seconds a kernel may take to start: generous, parallel batches on a busy machine are slow.
KERNEL_START_TIMEOUT_S = 300
#: Parameters every report notebook declares; the runner sets them.
STANDARD_PARAMETERS = ("study", "output_dir")


@dataclass(frozen=True)
class Job:
    """One report run, resolved to files: what a worker process needs (picklable)."""

    run_id: str
    title: str
    study: str
    notebook: Path
    parameters: dict[str, Any]
    executed: Path
    html: Path
    output_dir: Path
    cwd: Path
    root: Path
    show_code: bool = False
    fingerprint: str = ""
    needs: tuple[str, ...] = ()

    @property
    def results(self) -> Path:
        """The run's ``results.json``."""
        return self.output_dir / "results.json"

    def render(self, source: Path, status: str, generated_at: str, error: str | None) -> Path:
        """Render *source* (the executed notebook, or the notebook itself) as this run's HTML page."""
        from research.reports.render import render_report

        return render_report(
            source,
            self.html,
            title=self.title,
            study=self.study,
            run_id=self.run_id,
            parameters=self.parameters,
            status=status,
            generated_at=generated_at,
            error=error,
            show_code=self.show_code,
            private_folders=self.private_folders,
        )

    @property
    def running_marker(self) -> Path:
        """Exists while a worker executes this run (so Ctrl-C knows what was under way)."""
        return self.executed.with_suffix(".running")

    @property
    def private_folders(self) -> list[Path]:
        """Folders of this machine that a shared report must not show (see scrub_paths)."""
        from research.reports.render import machine_folders

        folders = [self.root, self.notebook.parent.parent, *machine_folders()]
        study = Path(str(self.parameters.get("study", "")))
        if study.is_absolute():
            folders.append(study.parent)
        return folders


@dataclass
class Outcome:
    """What happened to one run in this batch: ``ok``, ``failed`` or ``skipped`` (unchanged)."""

    run_id: str
    status: str
    duration_s: float = 0.0
    generated_at: str = ""
    error: str | None = None


@dataclass
class BatchResult:
    """The outcome of :func:`run_reports`: one :class:`Outcome` per selected run."""

    study: str
    outcomes: list[Outcome] = field(default_factory=list)
    index: Path | None = None
    wall_s: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        """The runs that failed or were interrupted."""
        return [o for o in self.outcomes if o.status in ("failed", "interrupted")]

    @property
    def ok(self) -> bool:
        """Whether every run succeeded."""
        return not self.failed

    def summary(self) -> str:
        """A plain-text table of the runs, then one line of counts."""
        width = max([len(o.run_id) for o in self.outcomes] + [3])
        lines = [f"{'run':<{width}}  {'status':<8}  {'seconds':>8}  note"]
        for o in self.outcomes:
            note = o.error or ("unchanged since last run" if o.status == "skipped" else "")
            seconds = f"{o.duration_s:8.1f}" if o.status != "skipped" else f"{'-':>8}"
            lines.append(f"{o.run_id:<{width}}  {o.status:<8}  {seconds}  {note}")
        counts = {s: sum(1 for o in self.outcomes if o.status == s) for s in ("ok", "failed", "skipped")}
        lines.append(
            f"{counts['ok']} ok, {counts['failed']} failed, {counts['skipped']} skipped (unchanged) "
            f"in {self.wall_s:.1f} s; index: {self.index}"
        )
        return "\n".join(lines)


def default_jobs() -> int:
    """Worker processes by default: the CPU cores this process may use.

    Examples
    --------
    >>> default_jobs() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def check_kernel(name: str = KERNEL_NAME) -> None:
    """Raise :class:`DataError` with the fix if the Jupyter kernel *name* is not installed.

    Examples
    --------
    >>> check_kernel()  # the research kernel is registered by `make setup`
    >>> check_kernel("no-such-kernel")
    Traceback (most recent call last):
    ...
    research.errors.DataError: Kernel 'no-such-kernel' not found. Run `make setup` ...
    """
    from jupyter_client.kernelspec import KernelSpecManager

    if name not in KernelSpecManager().find_kernel_specs():
        raise DataError(
            f"Kernel {name!r} not found",
            hint="Run `make setup` (or `python -m ipykernel install --sys-prefix --name research`).",
        )


def _study_argument(study: Study) -> str:
    """How the notebook should name the study so that ``load_study`` finds it again."""
    inside = study.folder.parent.resolve() == raw_dir(study.root).resolve()
    return study.name if inside and study.folder.name == study.name else str(study.folder)


def plan_jobs(
    study: Study, *, only: str | None = None, show_code: bool = False, check: bool = True
) -> list[Job]:
    """Resolve and validate the study's report runs (optionally those whose id matches *only*).

    Every run's notebook must exist and declare ``study`` and ``output_dir``; every run
    parameter must exist in the notebook's parameters cell with a matching type. The first
    problem raises :class:`DataError`, before anything is executed. With ``check=False`` the
    parameters are left to :func:`research.validate.validate_study`, which fails only the run.

    Examples
    --------
    >>> from research import load_study
    >>> [job.run_id for job in plan_jobs(load_study("sample"), only="inventory*")]
    ['inventory', 'inventory-en']
    """
    runs = study.runs
    if only:
        runs = [r for r in runs if fnmatch.fnmatchcase(r.id, only)]
        if not runs:
            raise DataError(
                "No report run matches --only",
                file=study.yml_path,
                value=only,
                hint=f"Run ids: {', '.join(r.id for r in study.runs) or '(none)'}; patterns use * and ?.",
            )
    notebooks = study.root / "notebooks"
    executed_dir = study.processed_dir / "executed"
    jobs = []
    for index, run in ((study.runs.index(r), r) for r in runs):
        notebook = notebooks / run.notebook
        if not notebook.is_file():
            raise DataError(
                "Notebook of a report run not found",
                file=study.yml_path,
                column=f"runs[{index}].notebook",
                value=run.notebook,
                hint=f"Notebooks are looked up in {notebooks}.",
            )
        defaults = notebook_parameters(notebook)
        missing = [name for name in STANDARD_PARAMETERS if name not in defaults]
        if missing:
            raise DataError(
                f"The notebook's parameters cell lacks {missing}",
                file=notebook,
                column="parameters",
                hint='Every report notebook declares  study = "sample"  and  output_dir = "".',
            )
        if check:
            check_parameters(run.parameters, defaults, file=study.yml_path, where=f"runs[{index}].parameters")
        output_dir = study.reports_dir / run.id
        parameters = {"study": _study_argument(study), "output_dir": str(output_dir), **run.parameters}
        jobs.append(
            Job(
                run_id=run.id,
                title=run.display_title,
                study=study.name,
                notebook=notebook,
                parameters=parameters,
                executed=executed_dir / f"{run.id}.ipynb",
                html=study.reports_dir / f"{run.id}.html",
                output_dir=output_dir,
                cwd=notebooks,
                root=study.root,
                show_code=show_code,
                needs=tuple(run.needs),
            )
        )
    return jobs


def generations(jobs: list[Job]) -> list[list[Job]]:
    """The jobs in groups to run one after the other: a job comes after the jobs it ``needs``.

    Needs outside *jobs* (runs not selected in this batch) are read as they are on disk. Within
    a group, jobs keep their order and run in parallel.

    Examples
    --------
    >>> from dataclasses import replace
    >>> base = Job("a", "", "s", Path("n"), {}, Path("e"), Path("h"), Path("o"), Path("."), Path("."))
    >>> jobs = [replace(base, run_id="card", needs=("x", "y")), replace(base, run_id="x"),
    ...         replace(base, run_id="y", needs=("x",))]
    >>> [[job.run_id for job in group] for group in generations(jobs)]
    [['x'], ['y'], ['card']]
    """
    selected = {job.run_id for job in jobs}
    sorter = TopologicalSorter({job.run_id: [n for n in job.needs if n in selected] for job in jobs})
    sorter.prepare()
    groups = []
    while sorter.is_active():
        ready = set(sorter.get_ready())
        groups.append([job for job in jobs if job.run_id in ready])
        sorter.done(*ready)
    return groups


def needed_results(job: Job, study: Study) -> dict[str, str]:
    """SHA-256 of the ``results.json`` of every run *job* needs (``"missing"`` when absent).

    Part of the job's fingerprint: a run that reads other runs' results re-runs when they change.

    Examples
    --------
    >>> from research import load_study
    >>> study = load_study("sample")
    >>> base = Job("a", "", "s", Path("n"), {}, Path("e"), Path("h"), Path("o"), Path("."), Path("."))
    >>> needed_results(base, study)
    {}
    """
    hashes = {}
    for needed in job.needs:
        results = study.reports_dir / needed / "results.json"
        hashes[f"results:{needed}"] = file_sha256(results) if results.is_file() else "missing"
    return hashes


# ---------------------------------------------------------------- worker side (own process)


class _Stopped(BaseException):
    """Raised in a worker when the batch is interrupted.

    It unwinds papermill (its kernel is shut down on the way out) and skips rendering, since the
    parent marks the run ``interrupted``.
    """


#: Set by the parent on Ctrl-C; a worker starts no new run once it is set.
_STOP_REQUESTED: Any = None


def _stop_worker(signum: int, frame: Any) -> None:
    raise _Stopped()


def _init_worker(root: str, log: str, stop_requested: Any) -> None:
    global _STOP_REQUESTED
    _STOP_REQUESTED = stop_requested
    # Ctrl-C reaches the whole process group; the parent decides what happens to each run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    os.environ[ENV_ROOT] = root  # inherited by the kernels papermill starts
    # Kernels inherit this process's stderr; their start-up chatter goes to a log file instead of
    # garbling the progress bar (a notebook's own errors are in its executed copy and HTML).
    Path(log).parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(handle, 2)
    os.close(handle)
    import nbconvert  # noqa: F401  (import once per worker, not once per run)
    import papermill  # noqa: F401


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def execute_job(job: Job) -> Outcome:
    """Execute one run with papermill and render its HTML (in a worker process).

    A failed execution still renders the partial notebook, with a banner; only the outcome's
    status tells the parent.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from research.reports.render import error_summary, scrub_paths

    if _STOP_REQUESTED is not None and _STOP_REQUESTED.is_set():
        return Outcome(job.run_id, "cancelled", 0.0, _now(), "cancelled by Ctrl-C before it started")
    started = time.perf_counter()
    status, error = "ok", None
    job.results.unlink(missing_ok=True)  # a stale results.json must not outlive a failed run
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    job.running_marker.touch()
    job.output_dir.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(job.notebook),
            str(job.executed),
            parameters=job.parameters,
            kernel_name=KERNEL_NAME,
            cwd=str(job.cwd),
            start_timeout=KERNEL_START_TIMEOUT_S,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            shutdown_kernel="immediate",  # outputs are saved; a graceful shutdown only adds wait
        )
    except _Stopped:  # the kernel is already shut down; the parent records the interruption
        os._exit(128 + signal.SIGTERM)
    except PapermillExecutionError as exc:
        status, error = "failed", error_summary(exc.ename, exc.evalue)
    except Exception as exc:  # kernel died, bad notebook JSON...: the batch goes on
        status, error = "failed", f"{type(exc).__name__}: {exc}"
    if status == "ok" and not job.results.exists():
        status = "failed"
        error = "The notebook wrote no results.json (its last cell should call research.reports.finish)"
    generated_at = _now()
    # No executed copy means the kernel never started: render the notebook itself with the banner.
    source = job.executed if job.executed.exists() else job.notebook
    if source.exists():
        try:
            job.render(source, status, generated_at, error)
        except Exception as exc:
            status, error = "failed", f"rendering HTML failed: {type(exc).__name__}: {exc}"
    else:
        job.html.unlink(missing_ok=True)
    if error:
        error = scrub_paths(error, job.private_folders)
    job.running_marker.unlink(missing_ok=True)
    return Outcome(job.run_id, status, time.perf_counter() - started, generated_at, error)


# ---------------------------------------------------------------- parent side


class _BatchLock:
    """One ``research reports`` per study at a time (the manifest has a single writer)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / ".reports.lock"

    def __enter__(self) -> _BatchLock:
        self.handle = open(self.path, "w")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _manifest_entry(job: Job, outcome: Outcome) -> dict[str, Any]:
    reports = job.html.parent.parent
    return {
        "title": job.title,
        "notebook": job.notebook.name,
        "parameters": job.parameters | {"output_dir": str(job.output_dir.relative_to(job.root))},
        "fingerprint": job.fingerprint,
        "status": outcome.status,
        "error": outcome.error,
        "duration_s": round(outcome.duration_s, 2),
        "generated_at": outcome.generated_at,
        "html": str(job.html.relative_to(reports)) if job.html.exists() else None,
        "results": str(job.results.relative_to(reports)) if job.results.exists() else None,
        "executed": str(job.executed.relative_to(job.root)),
    }


def _execute(jobs: list[Job], workers: int, progress: bool, log: Path, on_done: Any) -> None:
    """Run *jobs* in worker processes; on Ctrl-C cancel the queue and mark running runs interrupted.

    Raises KeyboardInterrupt after the interrupted runs are recorded (the caller rewrites the
    index and the command exits with 130).
    """
    from tqdm import tqdm

    context = multiprocessing.get_context()
    stop_requested = context.Event()
    initargs = (str(jobs[0].root), str(log), stop_requested)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=initargs
    )
    # Submit first: the workers are forked before the progress bar starts its monitor thread.
    futures = {pool.submit(execute_job, job): job for job in jobs}
    done: set[str] = set()
    try:
        with tqdm(
            total=len(jobs), desc="reports", unit="report", file=sys.stderr, disable=not progress
        ) as bar:
            for future in as_completed(futures):
                job = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker process itself died
                    outcome = Outcome(job.run_id, "failed", 0.0, _now(), f"worker crashed: {exc}")
                bar.set_postfix_str(f"{job.run_id} {outcome.status}", refresh=False)
                bar.update()
                done.add(job.run_id)
                on_done(job, outcome)
    except KeyboardInterrupt:
        stop_requested.set()
        for future in futures:
            future.cancel()
        _stop_workers(pool)
        for job in futures.values():
            if job.run_id not in done and job.running_marker.exists():
                on_done(job, _interrupted(job))
            job.running_marker.unlink(missing_ok=True)
        raise
    pool.shutdown(wait=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now: each shuts its kernel down on the way out (see _Stopped)."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=15)
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _interrupted(job: Job) -> Outcome:
    """Record a run stopped by Ctrl-C: no results, and a page that says so (never the old one)."""
    job.results.unlink(missing_ok=True)
    generated_at = _now()
    message = "Interrupted (Ctrl-C) before it finished; run the reports again to complete it."
    try:
        job.render(job.notebook, "interrupted", generated_at, message)
    except Exception:  # an interrupt must never leave the old page looking current
        job.html.unlink(missing_ok=True)
    return Outcome(job.run_id, "interrupted", 0.0, generated_at, message)


def _definition_only(study: str | Path, root: Path) -> Study | None:
    """The study without its pillar-section validation, or None if anything looks wrong.

    Pillar validators import the whole statistics stack (seconds); a batch where nothing changed
    needs only the runs and the input files. Skipping them is safe: an unchanged fingerprint
    means study.yml, data and code are those of the last successful, fully validated run. Any
    problem here falls back to :func:`research.validate.validate_study`, which names them all.
    """
    try:
        folder = resolve_study_folder(study, root)
        content = yaml.safe_load(read_text(folder / "study.yml"))
        loaded = Study(StudyDefinition.model_validate(content), folder, root)
    except Exception:
        return None
    if not all(loaded.file(file_id).exists() for file_id in loaded.definition.files):
        return None
    return loaded


def _refuse_study(validation: Validation) -> None:
    """Stop the batch before anything runs if the whole study has problems (all named at once)."""
    if validation.study is None or validation.study_wide:
        raise DataError(
            "The study cannot be run",
            file=validation.study.yml_path if validation.study else None,
            hint=validation.report() + "\nFix them, then check with 'research validate'.",
        )


def _refuse_unrunnable(jobs: list[Job], validation: Validation, record: Any) -> list[Job]:
    """The jobs whose preconditions hold; the others fail at once with every problem named.

    A problem of one run (its parameters, its columns) fails only that run.
    """
    runnable = []
    for job in jobs:
        problems = validation.for_run(job.run_id)
        if not problems:
            runnable.append(job)
            continue
        from research.reports.render import scrub_paths

        error = scrub_paths(" | ".join(str(problem) for problem in problems), job.private_folders)
        job.results.unlink(missing_ok=True)
        generated_at = _now()
        job.render(
            job.notebook,
            "failed",
            generated_at,
            f"Not run: {len(problems)} problem(s) in its data or parameters: {error}",
        )
        record(job, Outcome(job.run_id, "failed", 0.0, generated_at, error))
    return runnable


def _last_duration(entry: dict[str, Any] | None) -> float:
    duration = (entry or {}).get("duration_s")
    return float(duration) if isinstance(duration, int | float) else float("inf")


def run_reports(
    study: str | Path = "sample",
    *,
    only: str | None = None,
    jobs: int | None = None,
    force: bool = False,
    show_code: bool = False,
    progress: bool = True,
    root: Path | None = None,
) -> BatchResult:
    """Run the study's report notebooks and render them; skip unchanged runs.

    Parameters
    ----------
    study : str or Path
        Study name under ``data/raw`` or path to its folder.
    only : str, optional
        Glob pattern on run ids (``"survey-*"``): run only those.
    jobs : int, optional
        Worker processes (default: number of CPU cores).
    force : bool
        Re-run even unchanged runs.
    show_code : bool
        Show code cells in the HTML (default hidden).
    progress : bool
        Show a progress bar on stderr.
    root : Path, optional
        Project folder (default: found automatically).

    Returns
    -------
    BatchResult
        Per-run outcomes; ``result.ok`` is False if any run failed.

    Raises
    ------
    DataError
        If the study or a run's parameters are invalid, or the kernel is missing; nothing is
        executed then.

    Examples
    --------
    >>> result = run_reports("sample", jobs=2)  # doctest: +SKIP
    >>> print(result.summary())  # doctest: +SKIP
    run           status     seconds  note
    inventory     ok             4.0
    inventory-en  skipped          -  unchanged since last run
    1 ok, 0 failed, 1 skipped (unchanged) in 4.9 s; index: .../reports/index.html
    """
    from research.validate import validate_study  # imports this module's package: not at load

    started = time.perf_counter()
    root = Path(root or project_root()).resolve()
    loaded = _definition_only(study, root)
    validation = None
    if loaded is None:  # something is wrong with study.yml or its files: say everything at once
        validation = validate_study(study, root)
        _refuse_study(validation)
        loaded = validation.study
    assert loaded is not None  # _refuse_study raised otherwise
    if is_inside_raw(loaded.processed_dir):
        raise DataError("Study outputs would land under data/raw", file=loaded.processed_dir)
    planned = plan_jobs(loaded, only=only, show_code=show_code, check=False)
    inputs, code = input_hashes(loaded), code_fingerprint()
    result = BatchResult(study=loaded.name)
    path = manifest_path(loaded)
    with _BatchLock(loaded.processed_dir):
        manifest = read_manifest(path)
        as_read = json.dumps(manifest, sort_keys=True)
        known = {r.id for r in loaded.runs}
        manifest.update(study=loaded.name, title=loaded.title)
        manifest["runs"] = {k: v for k, v in manifest["runs"].items() if k in known}
        outcomes: dict[str, Outcome] = {}
        ran = False

        def record(job: Job, outcome: Outcome) -> None:
            outcomes[job.run_id] = outcome
            manifest["runs"][job.run_id] = _manifest_entry(job, outcome)
            write_manifest(path, manifest)

        # Runs that read other runs' results go after them; their fingerprint includes those
        # results as they are once the runs before them are done.
        for group in generations(planned):
            to_run = []
            for job in group:
                job = replace(
                    job,
                    fingerprint=run_fingerprint(
                        job.notebook, job.parameters, inputs | needed_results(job, loaded), code
                    ),
                )
                entry = manifest["runs"].get(job.run_id)
                if not force and is_up_to_date(entry, job.fingerprint, [job.html, job.results]):
                    outcomes[job.run_id] = Outcome(job.run_id, "skipped", 0.0, entry.get("generated_at", ""))
                else:
                    to_run.append(job)
            if to_run:
                validation = validation or validate_study(loaded.folder, root)
                _refuse_study(validation)
                to_run = _refuse_unrunnable(to_run, validation, record)
            if to_run:
                ran = True
                check_kernel()
                # Longest first (by last duration; new runs count as long): the batch ends sooner.
                to_run.sort(key=lambda job: -_last_duration(manifest["runs"].get(job.run_id)))

                workers = max(1, min(jobs or default_jobs(), len(to_run)))
                log = loaded.processed_dir / "reports.log"
                try:
                    _execute(to_run, workers, progress, log, record)
                except KeyboardInterrupt:
                    write_index(root)  # the index shows the interrupted runs as such
                    raise
        # Keep the study's run order in the manifest (and so in the index).
        manifest["runs"] = {r.id: manifest["runs"][r.id] for r in loaded.runs if r.id in manifest["runs"]}
        index = reports_dir(root) / INDEX_NAME
        if ran or json.dumps(manifest, sort_keys=True) != as_read or not index.exists():
            write_manifest(path, manifest)
            index = write_index(root)
        result.index = index  # nothing changed: the index on disk is current (warm path stays fast)
    result.outcomes = [outcomes[job.run_id] for job in planned]
    result.wall_s = time.perf_counter() - started
    return result
