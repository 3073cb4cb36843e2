"""Qualitative interview coding.

Transcripts, codebooks, REFI-QDA exchange, auto-coding, agreement, analysis and sentiment.
The public API is re-exported here and imported on first use (see research._lazy).
"""

from research._lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    """
    agreement: AgreementResult code_agreement cohen_kappa fleiss_kappa krippendorff_alpha
    codebook: Code Codebook codebook_from_dict load_codebook write_codebook
    codings: CODING_COLUMNS codings_to_units combine_codings load_codings read_codings validate_codings
        write_codings
    refi: QdaCodebook QdaProject project_from_workbench read_qdc read_qdpx read_qdpx_cases
        restore_workbench_fields validate_qdc validate_qdpx write_qdc write_qdpx
    schema: CodingFiles CodingSection coding_files coding_settings
    report: AUTO_CODED CodingData SentimentCheck agreement_section autocode_section choose_reference_coder
        coding_at_a_glance coding_names coding_results cooccurrence_section frequent_words_section
        load_coding_data quote_codes quotes_section segment_section sentiment_section stage_section
        top_pain_points touchpoint_ranking_section touchpoint_section
    transcripts: DEFAULT_SPEAKER_PATTERNS Transcript Turn Unit load_cases load_transcripts read_transcript
        split_sentences transcript_from_text units_frame
    analysis: Cooccurrence code_by_segment code_crosstab code_frequencies cooccurrence pain_point_ranking
        representative_quotes
    autocoding: attribute_touchpoints autocode autocode_performance
    sentiment: LABEL_SYNONYMS SentimentAgreement explain_sentiment label_agreement parse_sentiment_labels
        sentiment_agreement text_sentiment unit_sentiment
    tokens: keyword_in_context study_tokenizer word_frequencies
    """,
)
