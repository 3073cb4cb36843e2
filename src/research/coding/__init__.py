"""Qualitative interview coding: transcripts, codebooks, REFI-QDA exchange, auto-coding,
agreement, analysis and sentiment.

Edit this file only by adding lines (str_replace), never by recreating it: two parts of the
pillar export from here.
"""

# --- transcripts, codebook, REFI-QDA, codings files, agreement ---
# (exports added below)
from research.coding.agreement import AgreementResult as AgreementResult
from research.coding.agreement import code_agreement as code_agreement
from research.coding.agreement import cohen_kappa as cohen_kappa
from research.coding.agreement import fleiss_kappa as fleiss_kappa
from research.coding.agreement import krippendorff_alpha as krippendorff_alpha
from research.coding.codebook import Code as Code
from research.coding.codebook import Codebook as Codebook
from research.coding.codebook import codebook_from_dict as codebook_from_dict
from research.coding.codebook import load_codebook as load_codebook
from research.coding.codebook import write_codebook as write_codebook
from research.coding.codings import CODING_COLUMNS as CODING_COLUMNS
from research.coding.codings import codings_to_units as codings_to_units
from research.coding.codings import combine_codings as combine_codings
from research.coding.codings import load_codings as load_codings
from research.coding.codings import read_codings as read_codings
from research.coding.codings import validate_codings as validate_codings
from research.coding.codings import write_codings as write_codings
from research.coding.refi import read_qdc as read_qdc
from research.coding.refi import read_qdpx as read_qdpx
from research.coding.refi import read_qdpx_cases as read_qdpx_cases
from research.coding.refi import validate_qdc as validate_qdc
from research.coding.refi import validate_qdpx as validate_qdpx
from research.coding.refi import write_qdc as write_qdc
from research.coding.refi import write_qdpx as write_qdpx
from research.coding.schema import CodingSection as CodingSection
from research.coding.schema import coding_settings as coding_settings
from research.coding.transcripts import DEFAULT_SPEAKER_PATTERNS as DEFAULT_SPEAKER_PATTERNS
from research.coding.transcripts import Transcript as Transcript
from research.coding.transcripts import Turn as Turn
from research.coding.transcripts import Unit as Unit
from research.coding.transcripts import load_cases as load_cases
from research.coding.transcripts import load_transcripts as load_transcripts
from research.coding.transcripts import read_transcript as read_transcript
from research.coding.transcripts import split_sentences as split_sentences
from research.coding.transcripts import transcript_from_text as transcript_from_text
from research.coding.transcripts import units_frame as units_frame

# isort: split
# --- auto-coding, sentiment, analysis ---
# (exports added below)
from research.coding.analysis import Cooccurrence as Cooccurrence
from research.coding.analysis import code_by_segment as code_by_segment
from research.coding.analysis import code_crosstab as code_crosstab
from research.coding.analysis import code_frequencies as code_frequencies
from research.coding.analysis import cooccurrence as cooccurrence
from research.coding.analysis import pain_point_ranking as pain_point_ranking
from research.coding.analysis import representative_quotes as representative_quotes
from research.coding.autocode import attribute_touchpoints as attribute_touchpoints
from research.coding.autocode import autocode as autocode
from research.coding.autocode import autocode_performance as autocode_performance
from research.coding.sentiment import SentimentAgreement as SentimentAgreement
from research.coding.sentiment import sentiment_agreement as sentiment_agreement
from research.coding.sentiment import unit_sentiment as unit_sentiment
from research.coding.tokens import keyword_in_context as keyword_in_context
from research.coding.tokens import study_tokenizer as study_tokenizer
from research.coding.tokens import word_frequencies as word_frequencies
