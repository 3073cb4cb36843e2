"""Before/after improvement evaluation with a plain verdict.

The public API is re-exported here and imported on first use (see research._lazy).
"""

from research._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    """
    designs: DesignChoice adjusted_difference choose_design compare_independent compare_paired
        compare_waves nps_codes
    power: mde_means mde_nps mde_proportion power_means power_proportions
    proportions: proportion_difference
    rtm: RegressionToMeanWarning regression_to_mean retest_correlation rtm_effect_cutoff
    verdicts: VERDICT_LABELS VERDICTS verdict verdict_table
    absorbed: AbsorbedFit absorbed_ols
    did: BootstrapResult DidResult diff_in_diff event_study pretrend_test wild_cluster_bootstrap
    its: ItsFit fit_hac interrupted_time_series newey_west_lags
    kpis: KpiEffectsResult SeriesDesign choose_series_design evaluate_kpis kpi_its
    kpi_checks: PretrendChecks event_bin kpi_regression_to_mean pretrend_checks regression_to_mean_checks
    periods: Periods SeasonCheck frequency_word intervention_period parse_periods season_applies
    report: RolloutChecks describe_series evaluation_at_a_glance results_summary rollout_checks series_fit
        treated_label undeclared_thresholds
    rollout: GroupTimeEffects RolloutResult group_time_effects rollout_effects
    waves: survey_wave_effects
    randomization: placebo_in_space
    schema: EvaluationSection KpiDefinition KpiSeries load_kpi_series
    """,
)
