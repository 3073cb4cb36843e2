"""Quantitative survey statistics on touchpoint satisfaction.

The public API is re-exported here and imported on first use (see research._lazy).
"""

from research._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    """
    analysis: compare_segments nps_item outcome_summary reliability resolve_outcome scorecard
        segment_labels touchpoint_drivers
    compare: ComparisonResult compare_means compare_proportions compare_ranks cramers_v dunn_test
        epsilon_squared eta_squared omega_squared
    consistency: channel_gap channel_gaps consistency_by_segment experience_spread spread_by_segment
    data: RowRange SurveyData load_survey load_wave
    drivers: DriverResult bootstrap_importance key_drivers r_squared relative_weights shapley_r2
        standardized_coefficients
    importance_performance: ipa quadrant_label
    metrics: BoxText bottom_box box_rule box_text ces csat mean_ci nps nps_difference top_box
    readers: WaveFile read_margins read_raw
    scale_reliability: ReliabilityResult cronbach_alpha item_reliability mcdonald_omega standardized_alpha
    schema: SurveySection parse_survey_section
    summary: plain_summary report_results survey_at_a_glance
    texts: box_rules ipa_quadrants item_label outcome_notes outcomes_text performance_label scales_text
        scorecard_text show_notes study_outcomes
    weights: RakeResult rake
    """,
)
