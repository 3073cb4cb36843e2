"""Embed exactly the CJK glyphs a report uses, so Chinese text renders on any machine.

A report must display fully offline, also on a colleague's laptop without Chinese fonts
(tofu boxes otherwise). Embedding the whole Noto Sans CJK font would add 16 MB per file; a
subset with only the characters present in the page is typically 50-150 KB. The font is the one
the figures use (Noto Sans CJK SC from ``mplfonts``, SIL Open Font License).
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

#: Family name the report CSS puts first in every font list. It holds only CJK glyphs, so Latin
#: text falls through to the reader's own fonts. (Listed last, Chromium skipped it for runs of
#: pure Chinese text on machines without CJK fonts and drew tofu.)
FAMILY = "Research CJK"
_FIRST_CJK = 0x2E80  # CJK radicals; everything above in the BMP that Latin fonts lack


def cjk_characters(text: str) -> str:
    """The distinct CJK (and full-width) characters of *text*, sorted.

    Examples
    --------
    >>> cjk_characters("热线 hotline 热线：满意")
    '意满热线：'
    """
    return "".join(sorted({c for c in text if ord(c) >= _FIRST_CJK}))


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule with a WOFF subset of the CJK font for the characters in *text*.

    Returns an empty string when *text* has no CJK characters.

    Examples
    --------
    >>> css = font_face_css("客服热线")
    >>> css.startswith('@font-face{font-family:"Research CJK"') and "font/woff" in css
    True
    >>> font_face_css("only latin")
    ''
    """
    characters = cjk_characters(text)
    if not characters:
        return ""
    import mplfonts
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from research.plots import CJK_FONT_FILE

    font = TTFont(Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE, lazy=True)
    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; woff2 would need the brotli package
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'@font-face{{font-family:"{FAMILY}";src:url(data:font/woff;base64,{data}) format("woff");}}'


def embed_cjk_font(page: str) -> str:
    """Insert the font subset for *page*'s own CJK text before ``</head>``.

    The family is put first in the page's font lists (JupyterLab's CSS variables and the body).
    """
    face = font_face_css(page)
    if not face:
        return page
    stack = f'"{FAMILY}", system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'
    mono = f'"{FAMILY}", SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace'
    style = (
        f"<style>{face}\n:root{{--jp-ui-font-family:{stack};--jp-content-font-family:{stack};"
        f"--jp-code-font-family:{mono};}}\n"
        f"body,table,th,td{{font-family:{stack};}}\npre,code{{font-family:{mono};}}</style>\n"
    )
    head_end = page.find("</head>")
    return page[:head_end] + style + page[head_end:] if head_end >= 0 else style + page
