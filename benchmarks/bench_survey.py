"""Benchmark of the survey pillar on a large synthetic survey.

``python benchmarks/bench_survey.py`` generates 1,000,000 respondents x 20 touchpoint items
(1-5), an overall satisfaction item, a 0-10 recommendation item and a 50-category segment
(seeded, in memory), then times, each against the plain way of doing the same work:

- NPS with intervals for the 50 segments: ``research.survey.nps`` per segment on the
  groupby's row indices, versus a pandas ``groupby().apply`` computing NPS and its trinomial
  SE per group;
- Cronbach's alpha of the 20 items: ``research.survey.cronbach_alpha`` versus
  ``pingouin.cronbach_alpha``;
- relative weights with 1,000 bootstrap resamples on 100,000 respondents:
  ``research.survey.bootstrap_importance`` (multinomial counts, moment sums by one matrix
  product per chunk) versus a loop that resamples rows, recomputes the relative weights and
  refits the regression with statsmodels (a few resamples timed, then extrapolated).

Goal: each of ours under 10 s on the 2-core reference machine.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pingouin as pg
import statsmodels.api as sm

from research.survey import bootstrap_importance, cronbach_alpha, nps, relative_weights

N_RESPONDENTS = 1_000_000
N_ITEMS = 20
N_SEGMENTS = 50
N_BOOT_ROWS = 100_000
N_RESAMPLES = 1000
PLAIN_RESAMPLES = 5


def synthetic_survey(seed: int = 20261126) -> pd.DataFrame:
    """Touchpoint items sharing a general disposition, an outcome driven by the first five."""
    rng = np.random.default_rng(seed)
    general = rng.normal(size=N_RESPONDENTS)
    latent = 3.4 + 0.5 * general[:, None] + rng.normal(scale=0.7, size=(N_RESPONDENTS, N_ITEMS))
    items = np.clip(np.rint(latent), 1, 5)
    coefficients = np.zeros(N_ITEMS)
    coefficients[:5] = [0.35, 0.30, 0.20, 0.15, 0.06]
    overall = 3.5 + (latent - 3.4) @ coefficients + rng.normal(scale=0.6, size=N_RESPONDENTS)
    recommend = np.clip(np.rint(2 * overall + rng.normal(scale=1.2, size=N_RESPONDENTS) - 0.5), 0, 10)
    frame = pd.DataFrame(items, columns=[f"tp{i:02d}" for i in range(N_ITEMS)])
    frame["overall"] = np.clip(np.rint(overall), 1, 5)
    frame["recommend"] = recommend
    frame["segment"] = rng.integers(0, N_SEGMENTS, size=N_RESPONDENTS)
    return frame


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def ours_nps(frame: pd.DataFrame) -> pd.DataFrame:
    scores = frame["recommend"].to_numpy()
    groups = frame.groupby("segment").indices
    return pd.concat(
        [nps(scores[rows]).assign(segment=key) for key, rows in groups.items()], ignore_index=True
    )


def plain_nps(frame: pd.DataFrame) -> pd.DataFrame:
    def one(scores: pd.Series) -> pd.Series:
        promoters, detractors = (scores >= 9).mean(), (scores <= 6).mean()
        se = np.sqrt((promoters + detractors - (promoters - detractors) ** 2) / len(scores))
        value = promoters - detractors
        return pd.Series(
            {"nps": 100 * value, "ci_low": 100 * (value - 1.96 * se), "ci_high": 100 * (value + 1.96 * se)}
        )

    return frame.groupby("segment")["recommend"].apply(one).unstack()


def plain_bootstrap_one(sample: pd.DataFrame, drivers: list[str], rng: np.random.Generator) -> np.ndarray:
    resample = sample.iloc[rng.integers(0, len(sample), size=len(sample))]
    weights = relative_weights(resample, "overall", drivers).raw_weight.to_numpy()
    sm.OLS(resample["overall"], sm.add_constant(resample[drivers])).fit()
    return weights


def main() -> None:
    frame, seconds = timed(synthetic_survey)
    drivers = [f"tp{i:02d}" for i in range(N_ITEMS)]
    print(
        f"synthetic survey: {N_RESPONDENTS:,} respondents x {N_ITEMS} items, generated in {seconds:.1f} s\n"
    )

    ours, t_ours = timed(ours_nps, frame)
    plain, t_plain = timed(plain_nps, frame)
    assert np.allclose(ours.sort_values("segment")["nps"].to_numpy(), plain["nps"].to_numpy())
    print(f"NPS with 95% CI for {N_SEGMENTS} segments")
    print(f"  research.survey.nps per segment ...... {t_ours:6.2f} s")
    print(f"  pandas groupby().apply ............... {t_plain:6.2f} s\n")

    items = frame[drivers]
    table, t_ours = timed(cronbach_alpha, items)
    alpha, low, high = (float(table.loc[0, c]) for c in ("alpha", "ci_low", "ci_high"))
    reference, t_plain = timed(pg.cronbach_alpha, data=items)
    assert abs(alpha - reference[0]) < 1e-9
    print(
        f"Cronbach's alpha of {N_ITEMS} items on {N_RESPONDENTS:,} respondents (alpha = {alpha:.4f}, "
        f"95% CI {low:.4f}-{high:.4f})"
    )
    print(f"  research.survey.cronbach_alpha ....... {t_ours:6.2f} s")
    print(f"  pingouin.cronbach_alpha .............. {t_plain:6.2f} s\n")

    sample = frame.iloc[:N_BOOT_ROWS]
    boot, t_ours = timed(bootstrap_importance, sample, "overall", drivers, n_boot=N_RESAMPLES, seed=1)
    rng = np.random.default_rng(1)
    _, t_few = timed(lambda: [plain_bootstrap_one(sample, drivers, rng) for _ in range(PLAIN_RESAMPLES)])
    top = boot.sort_values("estimate", ascending=False).head(3)
    print(
        f"Relative weights, {N_RESAMPLES:,} bootstrap resamples on {N_BOOT_ROWS:,} respondents x "
        f"{N_ITEMS} drivers (top: {', '.join(top.driver)})"
    )
    print(f"  research.survey.bootstrap_importance . {t_ours:6.2f} s")
    print(
        f"  plain loop (resample rows, relative weights + statsmodels OLS refit): "
        f"{t_few / PLAIN_RESAMPLES:.3f} s per resample, {PLAIN_RESAMPLES} timed, "
        f"extrapolated to {N_RESAMPLES:,}: {t_few / PLAIN_RESAMPLES * N_RESAMPLES:6.1f} s"
    )


if __name__ == "__main__":
    main()
