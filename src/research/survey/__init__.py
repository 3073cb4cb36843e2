"""Quantitative survey statistics on touchpoint satisfaction.

Edit this file only by adding lines (str_replace), never by recreating it: two parts of the
pillar export from here.
"""

# --- schema, metrics, weights, reliability ---
# (exports added below)
from research.survey.metrics import bottom_box as bottom_box
from research.survey.metrics import ces as ces
from research.survey.metrics import csat as csat
from research.survey.metrics import mean_ci as mean_ci
from research.survey.metrics import nps as nps
from research.survey.metrics import nps_difference as nps_difference
from research.survey.metrics import outcome_summary as outcome_summary
from research.survey.metrics import scorecard as scorecard
from research.survey.metrics import top_box as top_box
from research.survey.readers import read_margins as read_margins
from research.survey.readers import read_raw as read_raw
from research.survey.reliability import ReliabilityResult as ReliabilityResult
from research.survey.reliability import cronbach_alpha as cronbach_alpha
from research.survey.reliability import mcdonald_omega as mcdonald_omega
from research.survey.reliability import reliability as reliability
from research.survey.schema import SurveyData as SurveyData
from research.survey.schema import SurveySection as SurveySection
from research.survey.schema import load_survey as load_survey
from research.survey.schema import parse_section as parse_section
from research.survey.weights import RakeResult as RakeResult
from research.survey.weights import rake as rake

# isort: split
# --- comparisons, drivers, importance-performance, consistency ---
# (exports added below)
from research.survey.compare import Comparison as Comparison
from research.survey.compare import compare_means as compare_means
from research.survey.compare import compare_proportions as compare_proportions
from research.survey.compare import compare_ranks as compare_ranks
from research.survey.compare import compare_segments as compare_segments
from research.survey.compare import cramers_v as cramers_v
from research.survey.compare import dunn_test as dunn_test
from research.survey.compare import epsilon_squared as epsilon_squared
from research.survey.compare import eta_squared as eta_squared
from research.survey.compare import omega_squared as omega_squared
from research.survey.compare import segment_labels as segment_labels
from research.survey.consistency import channel_gap as channel_gap
from research.survey.consistency import channel_gaps as channel_gaps
from research.survey.consistency import experience_spread as experience_spread
from research.survey.consistency import spread_by_segment as spread_by_segment
from research.survey.drivers import DriverAnalysis as DriverAnalysis
from research.survey.drivers import bootstrap_importance as bootstrap_importance
from research.survey.drivers import key_drivers as key_drivers
from research.survey.drivers import r_squared as r_squared
from research.survey.drivers import relative_weights as relative_weights
from research.survey.drivers import shapley_r2 as shapley_r2
from research.survey.drivers import standardized_coefficients as standardized_coefficients
from research.survey.drivers import touchpoint_drivers as touchpoint_drivers
from research.survey.ipa import ipa as ipa
from research.survey.ipa import quadrant_label as quadrant_label
