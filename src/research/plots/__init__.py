"""Figures: one style, a colour-blind-safe palette and a CJK-capable font for every chart.

Call :func:`use_style` once (the notebooks' first cell does, and every figure function calls it
too, which is cheap after the first time). Chinese labels render with Noto Sans CJK SC, shipped
by the ``mplfonts`` package from PyPI, so a fresh machine needs no system fonts. Figure
functions live in submodules per pillar (``research.plots.journey`` ...), return the matplotlib
``Figure`` and never call ``plt.show()``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.rcsetup import cycler

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: Diverging pair for bad / good (pain point / delight), also colour-blind safe.
NEGATIVE, POSITIVE, NEUTRAL = "#D55E00", "#0072B2", "#999999"

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


@lru_cache(maxsize=1)
def cjk_font_name() -> str:
    """Register the bundled CJK font with matplotlib and return its family name.

    Examples
    --------
    >>> cjk_font_name()
    'Noto Sans CJK SC'
    """
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@lru_cache(maxsize=1)
def use_style() -> None:
    """Apply the workbench figure style (fonts, palette, sizes) to matplotlib."""
    family = cjk_font_name()
    plt.rcParams.update(
        {
            # Latin glyphs from DejaVu Sans, Chinese from Noto Sans CJK: matplotlib falls back
            # per glyph only through a list of concrete families, not through a generic one.
            "font.family": ["DejaVu Sans", family],
            "font.sans-serif": ["DejaVu Sans", family],
            "axes.unicode_minus": False,
            "axes.prop_cycle": cycler(color=PALETTE),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "savefig.bbox": "tight",
            "figure.figsize": (8, 4.5),
            "axes.titlesize": 12,
            "axes.labelsize": 10,
        }
    )


def empty_note(ax: Any, note: str, color: str | None = None) -> None:
    """Write *note* in the middle of *ax*: the axes has nothing to draw.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> empty_note(ax, "no data")
    >>> ax.texts[0].get_text()
    'no data'
    """
    ax.text(0.5, 0.5, note, transform=ax.transAxes, ha="center", va="center", color=color)
