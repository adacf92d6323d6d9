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
from collections.abc import Iterator
from pathlib import Path

from ..display.chart_svg import CHART_CLASS, LATIN_FAMILY
from ..display.chart_svg import CJK_FAMILY as FAMILY
from ..display.plotting import font_path

_TEXT_ONLY = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
# Beyond GB2312's symbols: Latin-1 and Latin Extended, general punctuation to the misc. symbols and arrows
# (ⓘ, —, ·, ×, arrows, box drawing, geometric shapes), CJK symbols and punctuation, full-width forms.
# Printable ASCII too, for the charts' Latin face (latin_font).
BASE_RANGES = ((0x0021, 0x007E), (0x00A0, 0x024F), (0x2000, 0x2BFF), (0x3000, 0x303F), (0xFF00, 0xFFEF))
LATIN = "".join(chr(c) for c in range(0x21, 0x7F))  # printable ASCII: the charts' Latin letters, digits, signs
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
    return _code_points(full_font_bytes())


def _cut(font_bytes: bytes, characters: str, *, flavor: str | None) -> bytes:
    """``font_bytes`` cut down to ``characters``: no layout features, no bounding-box recalculation."""
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


def _to_truetype(otf_bytes: bytes) -> bytes:
    """``otf_bytes`` (CFF outlines) as a TrueType font: the same shapes drawn with quadratic curves.

    Cubic curves become quadratic ones within 1 unit of the 1,000-unit em (invisible at any size a page
    uses), and the hints go. Cutting a page's subset from TrueType outlines only copies each glyph's bytes,
    where CFF outlines must be run and recompiled with their subroutines: about 3x faster, and the subset
    is some 15% smaller.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(io.BytesIO(otf_bytes), recalcBBoxes=False, recalcTimestamp=False)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements"):
        setattr(maxp, field, 0)
    maxp.maxZones, maxp.maxSizeOfInstructions, maxp.maxComponentElements, maxp.maxComponentDepth = 1, 0, 0, 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True  # glyph bounds, and the maxp counts, from the new outlines
    out = io.BytesIO()
    font.save(out)
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
    return cache_dir() / f"base-{__version__}-{digest}.ttf"


def _read_base(path: Path) -> tuple[bytes, frozenset[int]] | None:
    """The base font kept at ``path`` and its code points, or ``None`` when missing, unreadable or damaged."""
    try:
        data = path.read_bytes()
        return data, _code_points(data)
    except Exception:
        return None


def _code_points(font_bytes: bytes) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(font_bytes), lazy=True).getBestCmap())


@contextlib.contextmanager
def _only_one_maker(path: Path) -> Iterator[None]:
    """Hold a lock beside ``path`` (Linux, macOS) so that two workers starting together make the base once."""
    try:
        import fcntl

        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_name(f"{path.name}.lock"), "w")  # noqa: SIM115 (held across the yield)
    except (ImportError, OSError):  # no locking here, or a read-only cache: each process makes its own
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@functools.lru_cache(maxsize=1)
def base_font() -> tuple[bytes, frozenset[int]]:
    """The base font (the bundled font cut to :func:`base_characters`, as TrueType) and the code points it draws.

    Made once (some 10-20 s) and kept on disk; a process reads it back in milliseconds. A process that finds
    another one making it waits for it; the file is written under a private name, then renamed into place.
    A cache folder that cannot be written only costs the making in every process.
    """
    path = _base_path()
    kept = _read_base(path)
    if kept is not None:
        return kept
    with _only_one_maker(path):
        kept = _read_base(path)  # made by the process we waited for
        if kept is not None:
            return kept
        drawn = full_font_code_points()
        base = _cut(full_font_bytes(), "".join(c for c in base_characters() if ord(c) in drawn), flavor=None)
        data = _to_truetype(base)
        with contextlib.suppress(OSError):
            private = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            private.write_bytes(data)
            private.replace(path)
    return _read_base(path) or (data, _code_points(data))


@functools.lru_cache(maxsize=64)
def subset_font(characters: str) -> bytes:
    """A WOFF font holding only ``characters``: about 60 KB for a report page.

    No OpenType layout features (vertical and alternate forms would double the size for text a page
    never sets vertically) and no bounding-box recalculation (the browser does not need it). Cut from the
    TrueType base font when it has every character (a report page, nearly always), else from the full
    (CFF) font: the same characters always take the same route, so a page is the same from run to run.
    fontTools comes with matplotlib.
    """
    base, drawn = base_font()
    missing = {ord(c) for c in characters} - drawn
    # a character neither font draws changes nothing: the page's own fallback font draws it either way
    if missing and missing & full_font_code_points():
        return _cut(full_font_bytes(), characters, flavor="woff")
    from .fontcut import cut  # the same glyphs as _cut gives, ten times faster (the base read once per process)

    return cut(base, characters) or _cut(base, characters, flavor="woff")


def latin_font() -> bytes:
    """The bundled font's printable ASCII as WOFF (about 8 KB), cut once per process (:func:`subset_font`).

    The charts' SVG texts name it first (:data:`~salesnb.display.chart_svg.LATIN_FAMILY`): their digits and
    letters are drawn in the font matplotlib measured them in, as the charts' Chinese is; the page's own
    text keeps the reader's ``sans-serif`` for ASCII.
    """
    return subset_font(LATIN)


def font_face_css(html_text: str) -> str:
    """The ``@font-face`` rules embedding this page's fonts (empty when it shows ASCII only and no chart).

    The CJK subset holds the page's non-ASCII characters, those of its charts' texts included; a page with a
    chart also gets the Latin face (:func:`latin_font`).
    """
    rules = []
    characters = page_characters(html_text)
    if characters:
        rules.append(_font_face(FAMILY, subset_font(characters)))
    if f'class="{CHART_CLASS}"' in html_text:
        rules.append(_font_face(LATIN_FAMILY, latin_font()))
    return "\n".join(rules)


def _font_face(family: str, woff: bytes) -> str:
    data = base64.b64encode(woff).decode("ascii")
    return f'@font-face {{ font-family: "{family}"; src: url(data:font/woff;base64,{data}) format("woff"); }}'


def embed_font(html_text: str) -> str:
    """``html_text`` with the subset font embedded in its ``<head>`` (the page's CSS names ``FAMILY`` first)."""
    css = font_face_css(html_text)
    if not css or "</head>" not in html_text:
        return html_text
    return html_text.replace("</head>", f'<style type="text/css">{css}</style>\n</head>', 1)
