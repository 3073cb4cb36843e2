"""Quantitative survey statistics on touchpoint satisfaction.

The public API is re-exported here and imported on first use (see research._lazy).
"""

from research._lazy import lazy_exports

_EXPORTS = {
    "metrics": [
        "bottom_box",
        "box_rule",
        "box_text",
        "ces",
        "csat",
        "mean_ci",
        "nps",
        "nps_difference",
        "nps_item",
        "outcome_summary",
        "scorecard",
        "top_box",
    ],
    "readers": [
        "read_margins",
        "read_raw",
    ],
    "scale_reliability": [
        "ReliabilityResult",
        "cronbach_alpha",
        "mcdonald_omega",
        "reliability",
        "standardized_alpha",
    ],
    "schema": [
        "SurveyData",
        "SurveySection",
        "load_survey",
        "load_wave",
        "parse_section",
    ],
    "summary": [
        "plain_summary",
        "report_results",
    ],
    "texts": [
        "box_rules",
        "ipa_quadrants",
        "item_label",
        "outcome_notes",
        "outcomes_text",
        "performance_label",
        "scales_text",
        "scorecard_text",
        "show_notes",
        "study_outcomes",
    ],
    "weights": [
        "RakeResult",
        "rake",
    ],
    "compare": [
        "Comparison",
        "compare_means",
        "compare_proportions",
        "compare_ranks",
        "compare_segments",
        "cramers_v",
        "dunn_test",
        "epsilon_squared",
        "eta_squared",
        "omega_squared",
        "segment_labels",
    ],
    "consistency": [
        "channel_gap",
        "channel_gaps",
        "consistency_by_segment",
        "experience_spread",
        "spread_by_segment",
    ],
    "drivers": [
        "DriverAnalysis",
        "bootstrap_importance",
        "key_drivers",
        "r_squared",
        "relative_weights",
        "resolve_outcome",
        "shapley_r2",
        "standardized_coefficients",
        "touchpoint_drivers",
    ],
    "importance_performance": [
        "ipa",
        "quadrant_label",
    ],
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
