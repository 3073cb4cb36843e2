"""Benchmark of the evaluation pillar: wild cluster bootstrap and interrupted time series.

``python benchmarks/bench_evaluation.py`` prints timings for
- the restricted wild cluster bootstrap-t (9,999 draws, p-value and test-inversion interval) of a
  two-way fixed-effects DiD on a 200-store x 104-week panel (the sample generator at a larger
  scale, written to a temporary folder, never under data/raw);
- interrupted time series (Fourier seasonality, HAC) over 500 weekly KPI series.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from research.evaluation import diff_in_diff, interrupted_time_series
from research.sample import kpis
from research.sample.parts import SampleContext


def bench_bootstrap() -> None:
    with tempfile.TemporaryDirectory() as folder:
        panel = kpis.weekly_panel(SampleContext(out=Path(folder), scale=200 / 24))
    panel["post"] = (panel["week"] > 52).astype(int)
    n_units = panel["unit"].nunique()
    start = time.perf_counter()
    res = diff_in_diff(
        panel,
        "wait_seconds",
        "treated",
        "post",
        cluster="unit",
        fixed_effects=["unit", "week_start"],
        bootstrap="wild",
        n_boot=9999,
        weights="rademacher",
    )
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    diff_in_diff(
        panel,
        "wait_seconds",
        "treated",
        "post",
        cluster="unit",
        fixed_effects=["unit", "week_start"],
        bootstrap="none",
    )
    fit_only = time.perf_counter() - start
    print(f"DiD, {n_units} units x 104 weeks = {len(panel):,} rows, two-way FE ({n_units + 103 + 2} columns)")
    print(f"  OLS + CR1 only: {fit_only:.2f} s")
    print(
        "  + wild cluster bootstrap-t, 9,999 Rademacher draws, p-value + CI by test inversion: "
        f"{elapsed:.2f} s"
    )
    print(
        f"  estimate {res.at[0, 'estimate']:.2f} s, "
        f"95% CI {res.at[0, 'ci_low']:.2f} to {res.at[0, 'ci_high']:.2f}"
    )


def bench_its(n_series: int = 500) -> None:
    rng = np.random.default_rng(1)
    weeks = pd.date_range("2024-07-08", periods=104, freq="7D")
    t = np.arange(104)
    frames = [
        pd.DataFrame({"week": weeks, "y": 100 + 0.2 * t - 10 * (t >= 52) + rng.normal(0, 3, 104)})
        for _ in range(n_series)
    ]
    start = time.perf_counter()
    for frame in frames:
        interrupted_time_series(frame, "y", "week", weeks[52], seasonality="fourier")
    elapsed = time.perf_counter() - start
    print(
        f"ITS (Fourier seasonality, Newey-West HAC) over {n_series} series of 104 weeks: {elapsed:.2f} s "
        f"({1000 * elapsed / n_series:.1f} ms per series)"
    )


if __name__ == "__main__":
    bench_bootstrap()
    bench_its()
