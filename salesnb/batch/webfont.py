"""The bundled CJK font, cut down to the characters of one page and embedded in it.

Charts already draw Chinese with the bundled font. The page text (headings, tables, findings) would
otherwise depend on the reader's fonts: a colleague on an English system, a Linux desktop or a kiosk
browser sees empty boxes. Embedding the whole font would add 16 MB to every page; a subset holding
only the characters the page uses is a few hundred KB and keeps the page self-contained.
"""

from __future__ import annotations

import base64
import functools
import io
import re

from ..display.plotting import font_path

FAMILY = "salesnb CJK"
_TEXT_ONLY = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
_DRAWN = re.compile(r"[^\x00-\x7f\s]")  # every visible character beyond ASCII: CJK, ⓘ, ¶, —, ·, ×, ...


def page_characters(html_text: str) -> str:
    """The characters a reader can see on the page that the bundled font should draw, sorted.

    Markup, scripts and styles are ignored. Every non-ASCII character is kept: Chinese, full-width
    punctuation, and the symbols of the panels and the template (``ⓘ``, the heading anchors' ``¶``,
    ``—``, ``·``), which the reader's fallback font may lack just as it lacks Chinese. ASCII letters,
    digits and punctuation stay in the page's generic ``sans-serif``, which every system draws.
    """
    import html

    visible = html.unescape(_TEXT_ONLY.sub(" ", html_text))
    return "".join(sorted(set(_DRAWN.findall(visible))))


@functools.lru_cache(maxsize=1)
def _font_bytes() -> bytes:
    return font_path().read_bytes()


@functools.lru_cache(maxsize=64)
def subset_font(characters: str) -> bytes:
    """A WOFF font holding only ``characters``: about 70 KB and 0.4 s for a report page.

    No OpenType layout features (vertical and alternate forms would double the size for text a page
    never sets vertically) and no bounding-box recalculation (the slowest step, and the browser does
    not need it). fontTools comes with matplotlib.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # recalcTimestamp=False: the font (and so the page) must not change with the time it was made
    font = TTFont(io.BytesIO(_font_bytes()), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = []
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff"
    font.save(out, reorderTables=False)
    return out.getvalue()


def font_face_css(html_text: str) -> str:
    """An ``@font-face`` rule embedding the subset for this page (empty when the page shows ASCII only)."""
    characters = page_characters(html_text)
    if not characters:
        return ""
    data = base64.b64encode(subset_font(characters)).decode("ascii")
    return f'@font-face {{ font-family: "{FAMILY}"; src: url(data:font/woff;base64,{data}) format("woff"); }}'


def embed_font(html_text: str) -> str:
    """``html_text`` with the subset font embedded in its ``<head>`` (the page's CSS names ``FAMILY`` first)."""
    css = font_face_css(html_text)
    if not css or "</head>" not in html_text:
        return html_text
    return html_text.replace("</head>", f'<style type="text/css">{css}</style>\n</head>', 1)
