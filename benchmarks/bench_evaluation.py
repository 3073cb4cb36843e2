"""Benchmark of the evaluation pillar at chain scale, side by side with pyfixest and the dense design.

``python benchmarks/bench_evaluation.py`` prints, for 200, 1,000 and 10,000 units x 104 weeks of
the sample generator's weekly KPI panel (``research.sample.kpis`` at a larger scale, written to
a temporary folder, never under data/raw), the time and the peak memory (resident set size of a
fresh process per measurement, data loaded included) of:

- ``research``: :func:`research.evaluation.diff_in_diff` with unit and week fixed effects
  absorbed, CR1 clustered by unit (fixest's small-sample correction); imports before the clock;
- ``research + WCR``: the same with the restricted wild cluster bootstrap-t, 9,999 Rademacher
  draws, p-value and test-inversion interval;
- ``pyfixest``: ``feols("y ~ did | unit + week", vcov={"CRV1": "unit"})`` (0.60; the first
  call in a fresh process includes numba's compilation);
- ``dense``: the design before issue 14 (statsmodels OLS on unit and week dummy columns, CR1),
  only where it fits (200 and 1,000 units).

It checks the goals of issue 14 (10,000 units: fit + CR1 <= 5 s and <= 2 GB; + 9,999 wild
bootstrap draws <= 30 s) and prints whether they are met. ``--sizes 200 1000`` runs fewer sizes.
The machine is shared: timings move with the other processes' load.

Then interrupted time series (Fourier seasonality, HAC) over 500 weekly KPI series.

Measured once on 2026-11-29 (2 cores shared with four other processes; seconds, peak GB):

=============  ==============  ==============  =========================  ===============
units x 104    research        research + WCR  pyfixest (1st / 2nd call)  dense
=============  ==============  ==============  =========================  ===============
200            0.05, 0.43      0.34, 0.50      1.56 / 0.02, 0.39          8.91, 0.49
1,000          0.13, 0.45      1.52, 0.64      2.07 / 0.13, 0.44          163.5, 4.5
10,000         0.57, 0.73      5.62, 0.90      2.38 / 0.42, 0.97          (does not fit)
=============  ==============  ==============  =========================  ===============

Same estimates everywhere; research's CR1 SE equals pyfixest's (0.5349 at 200 units), the dense
design's is larger (0.5375) because it counts the unit dummies nested in the clusters.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

GOALS = {"fit_seconds": 5.0, "fit_gb": 2.0, "boot_seconds": 30.0}
DENSE_UP_TO = 1_000


def _panel(units: int, folder: Path) -> Path:
    from research.sample import kpis
    from research.sample.parts import SampleContext

    panel = kpis.weekly_panel(SampleContext(out=folder, scale=units / 24))
    panel = panel[["unit", "week", "treated", "wait_seconds"]].copy()
    panel["post"] = (panel["week"] > 52).astype(int)
    path = folder / f"panel_{units}.pkl"
    with path.open("wb") as handle:
        pickle.dump(panel, handle)
    return path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _worker(method: str, path: str) -> None:
    with open(path, "rb") as handle:
        panel = pickle.load(handle)
    if method in ("research", "research_wcr"):  # imports outside the timing (pyfixest's: its JIT)
        from pyfixest.estimation import demean  # noqa: F401

        from research.evaluation import diff_in_diff
    loaded = _peak_mb()
    start = time.perf_counter()
    if method in ("research", "research_wcr"):
        boot = "wild" if method == "research_wcr" else "none"
        res = diff_in_diff(
            panel,
            "wait_seconds",
            "treated",
            "post",
            cluster="unit",
            fixed_effects=["unit", "week"],
            bootstrap=boot,
            n_boot=9999,
            boot_weights="rademacher",
        )
        estimate, se = float(res.estimate), float(res.se)
        extra = {"ci_low": float(res.ci_low), "ci_high": float(res.ci_high)}
    elif method == "pyfixest":
        import pyfixest as pf

        panel["did"] = panel["treated"] * panel["post"]
        fit = pf.feols("wait_seconds ~ did | unit + week", panel, vcov={"CRV1": "unit"})
        estimate, se = float(fit.coef()["did"]), float(fit.se()["did"])
        first = time.perf_counter() - start
        again = time.perf_counter()
        pf.feols("wait_seconds ~ did | unit + week", panel, vcov={"CRV1": "unit"})
        extra = {"first_call": first, "second_call": time.perf_counter() - again}
    elif method == "dense":
        import statsmodels.api as sm

        X = pd.concat(
            [
                (panel["treated"] * panel["post"]).astype(float).rename("did"),
                pd.get_dummies(panel["unit"], drop_first=False, dtype=float),
                pd.get_dummies(panel["week"], drop_first=True, dtype=float),
            ],
            axis=1,
        )
        codes = pd.factorize(panel["unit"])[0]
        fit = sm.OLS(panel["wait_seconds"].to_numpy(float), X.to_numpy()).fit(
            cov_type="cluster", cov_kwds={"groups": codes}, use_t=True
        )
        estimate, se = float(fit.params[0]), float(fit.bse[0])
        extra = {}
    else:
        raise SystemExit(f"unknown method {method}")
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": _peak_mb(),
                "loaded_mb": loaded,
                "estimate": estimate,
                "se": se,
                **extra,
            }
        )
    )


def _measure(method: str, path: Path) -> dict | None:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", method, str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        why = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode
        print(f"    {method}: failed ({why})")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_did(sizes: list[int]) -> None:
    print(
        "DiD with unit and week fixed effects, CR1 by unit (time: the call; memory: peak RSS of a "
        "fresh process, data included). Shared 2-core machine: timings move with the others' load."
    )
    header = ("units x 104 weeks", "method", "seconds", "peak MB", "estimate", "se")
    print("{:>20} {:>16} {:>9} {:>9} {:>10} {:>8}".format(*header))
    goals = {}
    with tempfile.TemporaryDirectory() as folder:
        for units in sizes:
            path = _panel(units, Path(folder))
            methods = ["research", "research_wcr", "pyfixest"] + (["dense"] if units <= DENSE_UP_TO else [])
            for method in methods:
                row = _measure(method, path)
                if row is None:
                    continue
                label = f"{units:,} ({units * 104:,} rows)"
                note = ""
                if method == "pyfixest":
                    note = f"  (first call incl. JIT; second call {row['second_call']:.2f} s)"
                if method == "research_wcr":
                    note = f"  (95% CI {row['ci_low']:.2f} to {row['ci_high']:.2f}, 9,999 draws)"
                print(
                    f"{label:>20} {method:>16} {row['seconds']:>9.2f} {row['peak_mb']:>9.0f} "
                    f"{row['estimate']:>10.4f} {row['se']:>8.4f}{note}"
                )
                if units == max(sizes):
                    goals[method] = row
            path.unlink()
    if 10_000 in sizes:
        fit, boot = goals.get("research"), goals.get("research_wcr")
        print("Goals of issue 14 at 10,000 units x 104 weeks:")
        if fit:
            ok = fit["seconds"] <= GOALS["fit_seconds"] and fit["peak_mb"] / 1024 <= GOALS["fit_gb"]
            print(
                f"  fit + CR1 {fit['seconds']:.2f} s (<= {GOALS['fit_seconds']:g} s), peak "
                f"{fit['peak_mb'] / 1024:.2f} GB (<= {GOALS['fit_gb']:g} GB): {'met' if ok else 'NOT met'}"
            )
        if boot:
            ok = boot["seconds"] <= GOALS["boot_seconds"]
            print(
                f"  fit + CR1 + 9,999 wild bootstrap draws {boot['seconds']:.2f} s "
                f"(<= {GOALS['boot_seconds']:g} s), peak {boot['peak_mb'] / 1024:.2f} GB: "
                f"{'met' if ok else 'NOT met'}"
            )


def bench_its(n_series: int = 500) -> None:
    from research.evaluation import interrupted_time_series

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
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], sys.argv[3])
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1_000, 10_000])
    parser.add_argument("--no-its", action="store_true")
    args = parser.parse_args()
    bench_did(args.sizes)
    if not args.no_its:
        bench_its()
