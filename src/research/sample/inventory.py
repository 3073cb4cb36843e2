"""Sample part: the touchpoint inventory report (the catalog itself lives in story.py)."""

from __future__ import annotations

from research.sample import story
from research.sample.parts import SampleContext, SamplePart


def generate(ctx: SampleContext) -> SamplePart:
    """The inventory report runs, one per study language."""
    n_back = sum(1 for t in story.CATALOG if t["visibility"] == "back-stage")
    return SamplePart(
        name="inventory",
        runs=[
            {
                "id": "inventory",
                "notebook": "00_touchpoint_inventory.ipynb",
                "title": "触点清单",
                "parameters": {"language": "zh"},
            },
            {
                "id": "inventory-en",
                "notebook": "00_touchpoint_inventory.ipynb",
                "title": "Touchpoint inventory",
                "parameters": {"language": "en"},
            },
        ],
        truths=(
            f"- The catalog has {len(story.CATALOG)} touchpoints across {len(story.STAGES)} journey "
            f"stages; {n_back} is back-stage (work-order system)."
        ),
    )
