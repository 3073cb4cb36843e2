"""Before/after improvement evaluation with a plain verdict.

The public API is re-exported here and imported on first use (see research._lazy).
"""

from research._lazy import lazy_exports

_EXPORTS = {
    "designs": [
        "DesignChoice",
        "adjusted_difference",
        "choose_design",
        "compare_independent",
        "compare_paired",
        "compare_waves",
        "nps_codes",
    ],
    "power": [
        "mde_means",
        "mde_nps",
        "mde_proportion",
        "power_means",
        "power_proportions",
    ],
    "proportions": [
        "compare_proportions",
    ],
    "rtm": [
        "RegressionToMeanWarning",
        "regression_to_mean",
        "retest_correlation",
        "rtm_effect_cutoff",
    ],
    "verdicts": [
        "VERDICT_LABELS",
        "VERDICTS",
        "verdict",
        "verdict_table",
    ],
    "absorbed": [
        "AbsorbedFit",
        "absorbed_ols",
    ],
    "did": [
        "BootstrapResult",
        "SeriesDesign",
        "choose_series_design",
        "diff_in_diff",
        "evaluate_kpis",
        "event_study",
        "pretrend_test",
        "wild_cluster_bootstrap",
    ],
    "its": [
        "ItsFit",
        "fit_hac",
        "interrupted_time_series",
        "its_fit",
        "kpi_its",
        "newey_west_lags",
    ],
    "kpi_checks": [
        "PretrendChecks",
        "event_bin",
        "kpi_regression_to_mean",
        "pretrend_checks",
        "regression_to_mean_checks",
    ],
    "periods": [
        "Periods",
        "frequency_word",
        "intervention_period",
        "parse_periods",
        "season_applies",
    ],
    "report": [
        "RolloutChecks",
        "describe_series",
        "results_summary",
        "rollout_checks",
        "series_fit",
        "treated_label",
        "undeclared_thresholds",
    ],
    "rollout": [
        "RolloutResult",
        "group_time_effects",
        "rollout_effects",
    ],
    "waves": [
        "survey_wave_effects",
    ],
    "randomization": [
        "placebo_in_space",
    ],
    "schema": [
        "EvaluationSection",
        "KpiDefinition",
        "KpiSeries",
        "load_kpi_series",
    ],
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
