"""The bundled CJK font, cut down to the characters of one page and embedded in it.

Charts already draw Chinese with the bundled font. The page text (headings, tables, findings) would
otherwise depend on the reader's fonts: a colleague on an English system, a Linux desktop or a kiosk
browser sees empty boxes. Embedding the whole font would add 16 MB to every page; a subset holding
only the characters the page uses is a few hundred KB and keeps the page self-contained.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import os
import re
from pathlib import Path

from ..display.plotting import font_path

FAMILY = "salesnb CJK"
_TEXT_ONLY = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
# Beyond GB2312's symbols: Latin-1 and Latin Extended, general punctuation to the misc. symbols and arrows
# (ⓘ, —, ·, ×, arrows, box drawing, geometric shapes), CJK symbols and punctuation, full-width forms.
BASE_RANGES = ((0x00A0, 0x024F), (0x2000, 0x2BFF), (0x3000, 0x303F), (0xFF00, 0xFFEF))
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
def full_font_bytes() -> bytes:
    """The bundled CJK font file (16 MB), read once per process."""
    return font_path().read_bytes()


@functools.lru_cache(maxsize=1)
def full_font_code_points() -> frozenset[int]:
    """The code points the bundled font draws (its cmap), read once per process when needed."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(full_font_bytes()), lazy=True).getBestCmap())


def _cut(font_bytes: bytes, characters: str, *, flavor: str | None) -> bytes:
    """``font_bytes`` cut down to ``characters``: no layout features, no bounding-box recalculation.

    fontTools renumbers the kept glyphs in their original order and drops the subroutines no kept glyph
    calls, so cutting from the base font (itself cut this way) gives the same bytes as cutting from the
    full font: the base is a shortcut, never a different result (a test holds this).
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # recalcTimestamp=False: the font (and so the page) must not change with the time it was made
    font = TTFont(io.BytesIO(font_bytes), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = flavor
    options.layout_features = []
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = flavor
    font.save(out, reorderTables=False)
    return out.getvalue()


def base_characters() -> str:
    """The characters of the base font, before keeping those the bundled font has: GB2312 and symbols.

    GB2312's 6,763 hanzi cover the everyday Chinese of a sales report (names included, in practice); its
    682 symbols and the ranges below cover the punctuation and the signs of the panels and the template.
    """
    codes = (bytes([high, low]) for high in range(0xA1, 0xF8) for low in range(0xA1, 0xFF))
    chars = set()
    for code in codes:
        with contextlib.suppress(UnicodeDecodeError):
            chars.add(code.decode("gb2312"))
    chars.update(chr(c) for first, last in BASE_RANGES for c in range(first, last + 1))
    return "".join(sorted(chars))


def cache_dir() -> Path:
    """Where the base font is kept between runs: ``$XDG_CACHE_HOME/salesnb/webfont`` (``~/.cache/...``)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "salesnb" / "webfont"


def _base_path() -> Path:
    """The base font's file, named by the salesnb version and a hash of the bundled font and the base's characters.

    A new font, a new release or another character set is a new file: a stale cut is never used.
    """
    from .. import __version__

    digest = hashlib.sha256(full_font_bytes() + base_characters().encode("utf-8")).hexdigest()[:16]
    return cache_dir() / f"base-{__version__}-{digest}.otf"


@functools.lru_cache(maxsize=1)
def base_font() -> tuple[bytes, frozenset[int]]:
    """The base font (the bundled font cut to :func:`base_characters`) and the code points it draws.

    Cut once (about 10 s) and kept on disk; a process reads it back in milliseconds. Two processes cutting
    it at once both write a whole file under a private name, then rename it into place: the last one wins
    with the same bytes. A cache folder that cannot be written only costs the cut in every process.
    """
    from fontTools.ttLib import TTFont

    path = _base_path()
    try:
        data = path.read_bytes()
        return data, frozenset(TTFont(io.BytesIO(data), lazy=True).getBestCmap())
    except Exception:  # missing, unreadable or damaged: cut it (again)
        drawn = full_font_code_points()
        data = _cut(full_font_bytes(), "".join(c for c in base_characters() if ord(c) in drawn), flavor=None)
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            private = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            private.write_bytes(data)
            private.replace(path)
    return data, frozenset(TTFont(io.BytesIO(data), lazy=True).getBestCmap())


@functools.lru_cache(maxsize=64)
def subset_font(characters: str) -> bytes:
    """A WOFF font holding only ``characters``: about 70 KB for a report page.

    No OpenType layout features (vertical and alternate forms would double the size for text a page
    never sets vertically) and no bounding-box recalculation (the browser does not need it). Cut from the
    small base font when it has every character (a report page, nearly always), else from the full font;
    the bytes are the same either way. fontTools comes with matplotlib.
    """
    base, drawn = base_font()
    missing = {ord(c) for c in characters} - drawn
    # a character neither font draws changes nothing: the page's own fallback font draws it either way
    source = full_font_bytes() if missing and missing & full_font_code_points() else base
    return _cut(source, characters, flavor="woff")


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
