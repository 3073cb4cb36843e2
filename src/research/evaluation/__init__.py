"""Before/after improvement evaluation with a plain verdict.

Edit this file only by adding lines (str_replace), never by recreating it: two parts of the
pillar export from here.
"""

# --- designs (independent, panel), proportions, power, verdicts ---
# (exports added below)
# ruff: noqa: I001  (each section keeps its own import block; sorting would interleave them)
from research.evaluation.designs import DesignChoice as DesignChoice
from research.evaluation.designs import adjusted_difference as adjusted_difference
from research.evaluation.designs import choose_design as choose_design
from research.evaluation.designs import compare_independent as compare_independent
from research.evaluation.designs import compare_paired as compare_paired
from research.evaluation.designs import compare_waves as compare_waves
from research.evaluation.designs import nps_codes as nps_codes
from research.evaluation.power import mde_means as mde_means
from research.evaluation.power import mde_nps as mde_nps
from research.evaluation.power import mde_proportion as mde_proportion
from research.evaluation.power import power_means as power_means
from research.evaluation.power import power_proportions as power_proportions
from research.evaluation.proportions import compare_proportions as compare_proportions
from research.evaluation.rtm import RegressionToMeanWarning as RegressionToMeanWarning
from research.evaluation.rtm import regression_to_mean as regression_to_mean
from research.evaluation.rtm import retest_correlation as retest_correlation
from research.evaluation.rtm import rtm_effect_cutoff as rtm_effect_cutoff
from research.evaluation.verdict import VERDICT_LABELS as VERDICT_LABELS
from research.evaluation.verdict import VERDICTS as VERDICTS
from research.evaluation.verdict import verdict as verdict
from research.evaluation.verdict import verdict_table as verdict_table

# --- difference-in-differences, interrupted time series ---
# (exports added below)
from research.evaluation.did import (
    BootstrapResult,
    SeriesDesign,
    choose_series_design,
    diff_in_diff,
    evaluate_kpis,
    event_study,
    pretrend_test,
    wild_cluster_bootstrap,
)
from research.evaluation.its import (
    ItsFit,
    fit_hac,
    interrupted_time_series,
    its_fit,
    kpi_its,
    newey_west_lags,
)
from research.evaluation.schema import EvaluationSection, KpiSeries, load_kpi_series
