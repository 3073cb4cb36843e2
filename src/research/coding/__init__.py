"""Qualitative interview coding: transcripts, codebooks, REFI-QDA exchange, auto-coding,
agreement, analysis and sentiment.

Edit this file only by adding lines (str_replace), never by recreating it: two parts of the
pillar export from here.
"""

# --- transcripts, codebook, REFI-QDA, codings files, agreement ---
# (exports added below)

# --- auto-coding, sentiment, analysis ---
# (exports added below)
