"""Before/after improvement evaluation with a plain verdict.

Edit this file only by adding lines (str_replace), never by recreating it: two parts of the
pillar export from here.
"""

# --- designs (independent, panel), proportions, power, verdicts ---
# (exports added below)

# --- difference-in-differences, interrupted time series ---
# (exports added below)
