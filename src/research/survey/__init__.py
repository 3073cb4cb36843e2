"""Quantitative survey statistics on touchpoint satisfaction.

Edit this file only by adding lines (str_replace), never by recreating it: two parts of the
pillar export from here.
"""

# --- schema, metrics, weights, reliability ---
# (exports added below)

# --- comparisons, drivers, importance-performance, consistency ---
# (exports added below)
