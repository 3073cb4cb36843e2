"""Benchmark: classify 1M short feedback texts (codes, type, sentiment); time and peak memory.

Goal (issue 15): 1M texts classified in <= 60 s on 2 cores at <= 2 GB.

The texts are built like the sample's feedback (``research.sample.feedback``): one to three
snippets of the sample codebook's codes or of uncoded remarks, a type tail, 12% English, and a
number in most texts (minutes waited, yuan charged, days, an order count) so that nearly every
text is distinct: the chunk-level de-duplication of identical texts cannot flatter the result.
The classification streams to Parquet (``classify_to_parquet``) exactly as a study run does.

Usage::

    .venv/bin/python benchmarks/bench_feedback.py            # 1M texts, 2 workers
    .venv/bin/python benchmarks/bench_feedback.py --n 200000 --workers 1 --stages

``--stages`` first times each stage (codes, type, sentiment) alone on a slice, single process.
Peak memory: the summed proportional set size (PSS) of the process and its workers, sampled
while the classification runs (forked workers share the parent's pages; PSS counts each shared
page once in all). The RSS upper bound (parent peak + largest worker peak x workers) is printed
beside it.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

GOAL_SECONDS, GOAL_MB = 60.0, 2048.0


def texts(n: int, seed: int = 0) -> pd.DataFrame:
    """*n* short feedback texts in the sample's style, mostly distinct."""
    from research.sample import feedback as sample

    rng = np.random.default_rng(seed)
    codes = list(sample.SNIPPETS)
    numbers = {
        "zh": ["等了{}分钟", "多扣了{}元", "第{}次了", "{}天了"],
        "en": ["{} minutes", "{} yuan", "{} times"],
    }
    rows, languages = [], []
    for _ in range(n):
        language = "en" if rng.random() < sample.EN_SHARE else "zh"
        k = int(rng.choice([0, 1, 2, 3], p=[0.15, 0.55, 0.22, 0.08]))
        if k == 0:
            pool = sample.GAP_TEXTS if rng.random() < 0.6 else sample.PLAIN_TEXTS
            parts = [str(rng.choice(pool[language]))]
        else:
            parts = [str(rng.choice(sample.SNIPPETS[c][language])) for c in rng.choice(codes, size=k)]
        if rng.random() < 0.9:
            parts.append(str(rng.choice(numbers[language])).format(int(rng.integers(1, 500))))
        kind = str(rng.choice(list(sample.TAILS)))
        tails = sample.TAILS[kind][0 if language == "zh" else 1]
        joiner = "，" if language == "zh" else ", "
        rows.append(joiner.join(parts) + joiner + str(rng.choice(tails)))
        languages.append(language)
    return pd.DataFrame({"item_id": [f"i{i}" for i in range(n)], "text": rows, "language": languages})


def codebook():
    from research.coding import codebook_from_dict
    from research.sample.interview_texts import codebook_yaml_dict

    return codebook_from_dict(codebook_yaml_dict())


def peak_mb(workers: int) -> float:
    """Upper bound: the parent's peak RSS plus the largest child's peak RSS per worker."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own + (children * workers if workers > 1 else 0.0)


class PssSampler:
    """Peak of the summed proportional set size (PSS) of this process and its children.

    Forked workers share the parent's pages; RSS counts every shared page once per process,
    PSS splits it between the processes that share it, so the sum is the memory the machine
    actually holds for the run. Sampled every *interval* seconds in a thread.
    """

    def __init__(self, interval: float = 0.2) -> None:
        import threading

        import psutil

        self.process, self.interval, self.peak = psutil.Process(), interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total_mb(self) -> float:
        import psutil

        total = 0
        for process in [self.process, *self.process.children(recursive=True)]:
            try:
                total += process.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return total / 2**20

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total_mb())
            self._stop.wait(self.interval)

    def __enter__(self) -> PssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def stages(items: pd.DataFrame, book) -> None:
    """Throughput of each stage alone (one process), on the same texts."""
    from research.coding import autocode
    from research.coding.sentiment import score_text
    from research.feedback.classification import _units
    from research.feedback.types import classify_type

    units = _units(items)
    autocode(units.head(100), book, negation=True)
    score_text("还行", "zh", book)
    for name, run in (
        ("codes (autocode, negation)", lambda: autocode(units, book, negation=True)),
        ("type (cue rules, negation)", lambda: classify_type(items["text"], items["language"])),
        (
            "sentiment (interview scorer)",
            lambda: [
                score_text(t, lang, book) for t, lang in zip(items["text"], items["language"], strict=True)
            ],
        ),
    ):
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
        print(f"  {name:30s} {len(items) / seconds:10,.0f} texts/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument("--stages", action="store_true", help="time each stage alone first")
    args = parser.parse_args(argv)

    from research.feedback.classification import classify_to_parquet, read_parquet_folder

    start = time.perf_counter()
    items = texts(args.n)
    print(
        f"{args.n:,} texts built in {time.perf_counter() - start:.1f} s; "
        f"mean length {items['text'].str.len().mean():.1f} characters; "
        f"distinct {items['text'].nunique() / len(items):.1%}"
    )
    book = codebook()
    if args.stages:
        print("Per-stage throughput (one process, 50,000 texts):")
        stages(items.head(50_000), book)
    with tempfile.TemporaryDirectory() as tmp, PssSampler() as sampler:
        start = time.perf_counter()
        folder = classify_to_parquet(
            items,
            book,
            Path(tmp) / "classified",
            workers=args.workers,
            chunk_size=args.chunk_size,
            progress=False,
        )
        seconds = time.perf_counter() - start
        labels = read_parquet_folder(folder, "labels")
        codes = read_parquet_folder(folder, "codes")
    memory = sampler.peak
    print(
        f"Peak memory: {memory:,.0f} MB summed PSS of the process tree (sampled every "
        f"{sampler.interval} s; RSS upper bound {peak_mb(args.workers):,.0f} MB)"
    )
    uncoded = 1 - labels["n_codes"].gt(0).mean()
    print(
        f"Classified {len(labels):,} texts ({len(codes):,} code rows, {uncoded:.1%} uncoded) with "
        f"{args.workers} worker(s): {seconds:.1f} s ({len(labels) / seconds:,.0f} texts/s), "
        f"peak memory {memory:,.0f} MB"
    )
    met = seconds <= GOAL_SECONDS * args.n / 1_000_000 and memory <= GOAL_MB
    print(
        f"Goal (1M in <= {GOAL_SECONDS:.0f} s on 2 cores, <= {GOAL_MB:.0f} MB): "
        f"{'met' if met else 'NOT met'}" + ("" if args.n == 1_000_000 else " (time scaled to n)")
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
