"""The touchpoint scorecard: every pillar's results joined per touchpoint.

A priority score, the journey's emotion curve and the findings that open the reports index.

The public API is re-exported here and imported on first use (see research._lazy).
"""

from research._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    """
    evidence: EVIDENCE_COLUMNS PILLARS RunResults choose_runs code_labels evaluation_verdict input_runs
        pillar_of read_run_results touchpoint_evidence
    findings: emerging_sentence priority_sentence top_findings verdict_sentence
    priority: COMPONENTS DEFAULT_WEIGHTS priority_components priority_scores sensitivity top_touchpoints
    report: Scorecard build_scorecard findings_table formula_text inputs_table quotes_table
        scorecard_results scorecard_table sensitivity_table
    stages: stage_emotion
    """,
)
