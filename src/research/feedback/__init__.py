"""Customer feedback analytics: reviews, comments, complaint tickets and open-ended answers.

The public API is re-exported here and imported on first use (see research._lazy).
"""

from research._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    """
    schema: FeedbackSection OpenItem Source load_feedback_section parse_feedback_section
    ingest: load_codebook_of load_feedback read_jsonl summary text_language
    types: TYPES classify_type explain_type
    stats: UNCODED EmergingResult code_shares code_trend codebook_gaps detractor_lift emerging_issues
        importance
    preconditions: check_run
    classification: Classified classify classify_study classify_to_parquet read_parquet_folder
    report: FeedbackData SupervisedCheck detractors emerging_text feedback_at_a_glance feedback_results
        code_importance gaps load_feedback_data negativity quotes shares sources_summary supervised
        touchpoint_feed trends
    """,
)
