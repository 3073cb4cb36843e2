"""Sample part: the touchpoint scorecard runs (notebook 50), which read the pillar reports."""

from __future__ import annotations

from pathlib import Path

from research.sample.parts import SampleContext, SamplePart

NOTEBOOK = "50_touchpoint_scorecard.ipynb"
#: The runs each scorecard reads, per report language (the after wave is the latest survey).
NEEDS = {
    "zh": ["coding-zh", "survey-after", "evaluation-hotline", "journeys-zh", "feedback-zh"],
    "en": ["coding-en", "survey-after", "evaluation-hotline", "journeys-en", "feedback-en"],
}
TITLES = {"zh": "触点记分卡与旅程地图", "en": "Touchpoint scorecard and journey map"}


def generate(ctx: SampleContext) -> SamplePart:
    """The scorecard runs, one per study language, once notebook 50 exists."""
    notebooks = Path(__file__).resolve().parents[3] / "notebooks"
    if not (notebooks / NOTEBOOK).exists():  # added with the notebook
        return SamplePart(name="scorecard")
    runs = [
        {
            "id": "scorecard" if language == "zh" else "scorecard-en",
            "notebook": NOTEBOOK,
            "title": TITLES[language],
            "parameters": {"language": language},
            "needs": list(needs),
        }
        for language, needs in NEEDS.items()
    ]
    return SamplePart(name="scorecard", runs=runs)
