"""Defaults shared by every pillar, so that one study gives one answer whichever function runs.

>>> from research import defaults
>>> defaults.CI, defaults.ALPHA, defaults.SEED
(0.95, 0.05, 20261126)
"""

#: Confidence level of every interval a function reports (parameter ``ci``).
CI = 0.95
#: Significance level of tests and power calculations (parameter ``alpha``).
ALPHA = 0.05
#: Seed of every resampling and random split (parameter ``seed``), so reruns reproduce.
SEED = 20261126
