"""The figure style renders Chinese with a real CJK font (no tofu boxes)."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

from research.plots import cjk_font_name, use_style


def test_chinese_labels_render_with_cjk_font(tmp_path):
    use_style()
    assert cjk_font_name() == "Noto Sans CJK SC"
    assert "NotoSansCJK" in font_manager.findfont(font_manager.FontProperties(family=cjk_font_name()))
    fig, ax = plt.subplots()
    ax.set_title("客服热线满意度")
    ax.set_xlabel("Week 周")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise here
        fig.savefig(tmp_path / "cjk.png")
    plt.close(fig)
