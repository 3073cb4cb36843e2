"""The ``research`` command (also ``python -m research``).

Subcommands::

    research reports [--study NAME] [--only PATTERN] [--jobs N] [--force] [--show-code]
    research validate [--study NAME]
    research new NAME [--from FILE ...] [--language zh|en]
    research sample --out DIR [--scale X] [--seed N] [--allow-raw] [--parts PART ...]

Problems with the data or the study definition print one clear line to stderr and exit with
code 2; a batch in which some report failed exits with code 1 after its summary.
"""

from __future__ import annotations

import argparse
import sys

from research.defaults import SEED
from research.errors import DataError

EXIT_FAILED_REPORTS = 1
EXIT_DATA_ERROR = 2


def _reports(args: argparse.Namespace) -> int:
    from research.reports.runner import run_reports

    if args.jobs is not None and args.jobs < 1:
        raise DataError("--jobs must be at least 1", value=args.jobs)
    result = run_reports(
        args.study,
        only=args.only,
        jobs=args.jobs,
        force=args.force,
        show_code=args.show_code,
        progress=not args.no_progress,
    )
    print(result.summary())
    if not result.ok:
        failed = ", ".join(o.run_id for o in result.failed)
        print(f"research reports: {len(result.failed)} report(s) failed: {failed}", file=sys.stderr)
        return EXIT_FAILED_REPORTS
    return 0


def _validate(args: argparse.Namespace) -> int:
    from research.errors import display_path
    from research.validate import validate_study

    validation = validate_study(args.study)
    study = validation.study
    if study is None or not validation.ok:
        print(f"research validate: {validation.report()}", file=sys.stderr)
        return EXIT_DATA_ERROR
    print(
        f"OK: study {study.name!r} ({display_path(study.yml_path)}): {len(study.touchpoints)} "
        f"touchpoints, {len(study.definition.files)} data files, {len(study.runs)} report runs; "
        "every run's files, columns and parameters checked"
    )
    return 0


def _new(args: argparse.Namespace) -> int:
    from research.errors import display_path
    from research.scaffold import new_study
    from research.validate import validate_study

    scaffold = new_study(args.name, args.from_files, language=args.language)
    print(f"Created {display_path(scaffold.folder)}/")
    for proposal in scaffold.files:
        print(f"  {proposal.path:<40} role {proposal.role:<12} {proposal.note}")
    print(f"  {'study.yml':<40} the proposed study definition (lines marked 'check:' are guesses)")
    for reason in scaffold.demoted:
        print(f"The proposed evaluation was left commented out: {reason}")
    validation = validate_study(scaffold.folder)
    print(f"research validate: {'no problem found.' if validation.ok else validation.report()}")
    fill_in = ", fill in those marked FILL IN" if "FILL IN" in scaffold.text else ""
    print("Next steps:")
    print(f"  1. Edit {display_path(scaffold.yml_path)}: check the lines marked 'check:'{fill_in}.")
    print(f"  2. research validate --study {args.name}")
    print(f"  3. research reports --study {args.name}")
    return 0


def _sample(args: argparse.Namespace) -> int:
    from research.sample import generate

    folder = generate(args.out, seed=args.seed, scale=args.scale, allow_raw=args.allow_raw, parts=args.parts)
    print(f"sample study written to {folder}")
    return 0


# Each subcommand: name, handler, help (the one-line list of `research -h`), description.
_COMMANDS = (
    (
        "reports",
        _reports,
        "run the study's report notebooks and render HTML reports",
        "Run every report run of the study with papermill in parallel, render HTML to "
        "reports/<study>/, update reports/index.html. Unchanged runs are skipped.",
    ),
    (
        "validate",
        _validate,
        "dry-run every report run: study.yml, files, columns, scales, parameters",
        "Read study.yml and every declared file, check what each report run will use, "
        "and list all problems at once (exit code 2 if there are any).",
    ),
    (
        "new",
        _new,
        "start a study of your own: data/raw/NAME with a commented study.yml",
        "Scaffold data/raw/NAME/ with a commented study.yml; with --from, inspect "
        "CSV/XLSX/SAV files (and transcript folders) and propose roles and columns to edit.",
    ),
    (
        "sample",
        _sample,
        "generate the fictional sample study",
        "Write the seeded fictional sample study (the committed one is --scale 1).",
    ),
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``research`` command."""
    parser = argparse.ArgumentParser(
        prog="research", description="Touchpoint Workbench: customer touchpoint research in Jupyter."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub = {}
    for name, handler, help_line, description in _COMMANDS:
        sub[name] = commands.add_parser(name, help=help_line, description=description)
        sub[name].set_defaults(handler=handler)
    for name in ("reports", "validate"):
        sub[name].add_argument(
            "--study", default="sample", help="study name under data/raw or folder (default: sample)"
        )

    reports = sub["reports"]
    reports.add_argument(
        "--only", metavar="PATTERN", help="run only runs whose id matches this glob (e.g. 'survey-*')"
    )
    reports.add_argument(
        "--jobs", type=int, metavar="N", help="parallel worker processes (default: CPU cores)"
    )
    reports.add_argument("--force", action="store_true", help="re-run unchanged runs too")
    reports.add_argument("--show-code", action="store_true", help="show code cells in the HTML")
    reports.add_argument("--no-progress", action="store_true", help="no progress bar")

    new = sub["new"]
    new.add_argument("name", help="study name (a folder data/raw/NAME is created)")
    new.add_argument(
        "--from",
        dest="from_files",
        nargs="+",
        action="extend",
        default=[],
        metavar="FILE",
        help="data files or folders to copy in and inspect (CSV, XLSX, SAV, transcripts, "
        "codebook); the originals are not changed",
    )
    new.add_argument(
        "--language",
        choices=("zh", "en"),
        default=None,
        help="label language (default: zh if the files hold Chinese text, else en)",
    )

    sample = sub["sample"]
    sample.add_argument("--out", required=True, help="target study folder (replaced)")
    sample.add_argument("--scale", type=float, default=1.0, help="size multiplier (1 = committed sample)")
    sample.add_argument("--seed", type=int, default=SEED, help=f"random seed (default: {SEED})")
    sample.add_argument("--allow-raw", action="store_true", help="allow writing under data/raw")
    sample.add_argument("--parts", nargs="+", help="regenerate only these parts (e.g. surveys kpis)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``research`` console script; returns the exit code.

    Examples
    --------
    >>> main(["validate", "--study", "no-such-study"])
    2
    """
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except DataError as exc:
        print(f"research {args.command}: {exc}", file=sys.stderr)
        return EXIT_DATA_ERROR
    except KeyboardInterrupt:
        print(f"research {args.command}: interrupted", file=sys.stderr)
        return 130
