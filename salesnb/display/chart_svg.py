"""A chart as inline SVG with its text as text: drawn by the browser in the page's embedded font.

Rasterising a chart (Agg's glyph rendering) and encoding the PNG are a third of its cost; an SVG whose texts are
``<text>`` elements skips both, stays sharp at any zoom and weighs about half the PNG. The page embeds the
bundled CJK font (:mod:`salesnb.batch.webfont`) cut to the characters it shows, the SVG's texts included, so
the browser draws the chart's words with the very font matplotlib measured them in: the layout holds. The
texts name the page's font faces first and the usual Chinese system fonts after them (a notebook opened in
JupyterLab, outside a page). The same figure gives the same bytes on every run: a fixed ``svg.hashsalt``, no
date, ids derived from the chart's content.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
import numpy as np
from matplotlib.backends import backend_svg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import findfont, get_font
from matplotlib.textpath import TextToPath
from matplotlib.transforms import Affine2D

from .plotting.layout import (
    fit_layout,
    fits_its_canvas,
    has_constrained_layout,
    settle_titles,
    skip_needless_measuring,
    ticks_updated_once,
)
from .plotting.text_layout import texts_laid_out_once

CHART_CLASS = "salesnb-chart"  # the page template inlines the SVG outputs carrying this class (and only them)
HASH_SALT = "salesnb"
LATIN_FAMILY = "salesnb Latin"  # the page's face for the charts' ASCII (webfont.py): the bundled font's Latin
CJK_FAMILY = "salesnb CJK"  # the page's face for everything else
FONT_FAMILY = (
    f"'{LATIN_FAMILY}', '{CJK_FAMILY}', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', "
    "'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"
)
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_FAMILY = re.compile(r"font-family: ?[^;\"]*(; )?")
_ID = re.compile(r' id="([^"]*)"')
_REFERENCE = re.compile(r'(?:(?<=url\(#)|(?<=href="#))([^)"]+)')
_QUICK_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')  # the same ids, found 20x faster (_references)
_SIZE = re.compile(r'\bwidth="([\d.]+)pt" height="([\d.]+)pt"')
_HEAD = re.compile(r"\A.*?(?=<svg\b)", re.S)


FLIP_ONCE = [True]  # the SVG writer's flips composed as one matrix (_MeasuringRenderer._make_flip_transform)
_TEXT_TO_PATH = TextToPath()  # what the SVG renderer measures texts with


@functools.lru_cache(maxsize=8192)
def _text_extent(text: str, prop: object, ismath: bool | str) -> tuple[float, float, float]:
    return _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath)


@functools.lru_cache(maxsize=256)
def _font_height(prop: object) -> tuple[float, float, float]:
    """What matplotlib's text layout reads from the font's OS/2 (or hhea) table, scaled to points."""
    font = get_font(findfont(prop))
    scale = prop.get_size_in_points() / font.get_sfnt_table("head")["unitsPerEm"]
    for table, gap, ascent, descent in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        values = font.get_sfnt_table(table)
        if values is not None:
            return values[ascent] * scale, -values[descent] * scale, values[gap] * scale
    return None, None, None


class _MeasuringRenderer(RendererSVG):
    """The SVG renderer with its text measurements kept for the process: the same label costs once.

    An SVG text's extent depends only on the string and the font properties (the SVG is drawn at 72 dpi,
    unhinted), so a tick label measured for one chart serves every later chart.
    """

    def get_text_width_height_descent(self, s: str, prop: object, ismath: bool | str) -> tuple[float, float, float]:
        return _text_extent(s, prop.copy(), ismath)

    def _get_font_height_metrics(self, prop: object) -> tuple[float, float, float]:
        """The font's ascent, descent and line gap at ``prop``'s size, in points (cached like the extents).

        matplotlib asks the renderer for them before reading them from the font file on every text layout.
        """
        return _font_height(prop.copy())

    def _make_flip_transform(self, transform: object) -> object:
        """``transform`` then the flip to SVG's downward y, as one matrix: what the composite reads, made cheaper.

        matplotlib composes a new transform for every path and marker it writes (``transform`` + a new flip);
        the writer only reads its matrix, ``flip @ transform``, computed here by the same ``np.dot``. A clip
        path's flip stays matplotlib's own: its text names the clip path's id.
        """
        if self._naming_clip or not FLIP_ONCE[0] or type(transform) is not Affine2D:
            return super()._make_flip_transform(transform)
        if self._flip is None:
            self._flip = Affine2D().scale(1, -1).translate(0, self.height).get_matrix()
        return Affine2D(np.dot(self._flip, transform.get_matrix()))

    def _get_clip_attrs(self, gc: object) -> dict:
        self._naming_clip = True
        try:
            return super()._get_clip_attrs(gc)
        finally:
            self._naming_clip = False

    _naming_clip = False
    _flip = None


def figure_svg(figure: Figure, *, dpi: int = 110, alt: str = "") -> str:
    """``figure`` as an ``<svg>`` element for an HTML page, shown ``dpi`` pixels per inch, ``alt`` as its label.

    A figure made with constrained layout is laid out once by :func:`~salesnb.display.plotting.layout.fit_layout`
    with the renderer that then draws it, once. A figure without a layout engine (one a notebook made itself)
    is cropped to what it draws (``bbox_inches="tight"``), so that none of its labels is cut. Texts are
    ``<text>`` (``svg.fonttype: none``) in :data:`FONT_FAMILY`; element ids carry a prefix from the chart's
    content, so that several charts in one page never share one.
    """
    buffer = io.StringIO()
    figure.set_facecolor("white")
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": HASH_SALT, "svg.id": None}):
        if fits_its_canvas(figure):
            _draw_once(figure, buffer, dpi)
        else:
            figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=_NO_METADATA)
    return _for_the_page(buffer.getvalue(), dpi / 72, alt)


def _draw_once(figure: Figure, buffer: io.StringIO, dpi: int) -> None:
    """What ``savefig(format="svg")`` does, with the layout computed once by the renderer that draws."""
    saved_dpi = figure.dpi
    width, height = figure.get_size_inches()
    try:
        figure.dpi = 72  # what the SVG backend draws at: one unit is one point
        vector = _MeasuringRenderer(width * 72, height * 72, buffer, image_dpi=dpi, metadata=_NO_METADATA)
        renderer = MixedModeRenderer(figure, width, height, dpi, vector)
        skip_needless_measuring(figure)
        with ticks_updated_once(figure), texts_laid_out_once(), colors_written_once():
            if has_constrained_layout(figure) and fit_layout(figure, renderer):
                settle_titles(figure)
            figure.draw(renderer)
        renderer.finalize()
    finally:
        figure.dpi = saved_dpi


@contextmanager
def colors_written_once() -> Iterator[None]:
    """Within the block, the SVG writer turns each distinct colour into its ``#rrggbb`` once for the process.

    The writer converts the colour of every path, marker and text it writes (``rgb2hex``: 4-14 µs, most of it
    re-reading the colour); a chart writes a few hundred with a handful of distinct colours. The hex of an RGB(A)
    sequence depends only on its numbers, so it is kept under them (``to_hex`` reads them as floats).
    """
    backend_svg.rgb2hex = _hex
    try:
        yield
    finally:
        backend_svg.rgb2hex = _RGB2HEX


_RGB2HEX = backend_svg.rgb2hex  # matplotlib's own


def _hex(color: object, keep_alpha: bool = False) -> str:
    if keep_alpha or isinstance(color, np.ma.MaskedArray | str):
        return _RGB2HEX(color, keep_alpha)
    try:
        return _hex_of(tuple(color.tolist() if isinstance(color, np.ndarray) else color))
    except TypeError:  # not a sequence of numbers (unhashable): as matplotlib converts it
        return _RGB2HEX(color)


@functools.lru_cache(maxsize=1024)
def _hex_of(rgba: tuple[float, ...]) -> str:
    return _RGB2HEX(rgba)


def _for_the_page(svg: str, scale: float, alt: str) -> str:
    """The SVG document as an element of a page: no XML header, page fonts, unique ids, pixel size, label."""
    svg = _HEAD.sub("", svg, count=1)
    svg = _FAMILY.sub("", svg)  # every text inherits the root's families (one list, not one per text)
    prefix = "c" + hashlib.sha1(svg.encode("utf-8")).hexdigest()[:10] + "-"
    used = set(_references(svg))  # clip paths and markers; the artists' group ids only weigh
    svg = _ID.sub(lambda m: f' id="{prefix}{m.group(1)}"' if m.group(1) in used else "", svg)
    svg = _prefixed_references(svg, prefix)
    size = _SIZE.search(svg)
    if size is not None:  # points as pixels at the chart's dpi: as wide as its PNG was
        width, height = (round(float(size.group(i)) * scale) for i in (1, 2))
        svg = svg[: size.start()] + f'width="{width}" height="{height}"' + svg[size.end() :]
    label = f' role="img" aria-label="{html.escape(alt)}"' if alt else ' role="img"'
    # the texts keep their spaces (" 75.0%" beside its bar) as matplotlib measured them: a rule on the texts
    # themselves, as browsers do not pass white-space from the <svg> down to its texts
    svg = svg.replace("</style>", f" svg.{CHART_CLASS} text {{white-space: pre}}</style>", 1)
    style = f' style="max-width: 100%; height: auto; font-family: {FONT_FAMILY}"'
    return svg.replace("<svg ", f'<svg class="{CHART_CLASS}"{label}{style} ', 1)


def _references(svg: str) -> list[str]:
    """The ids ``svg`` refers to (``url(#id)``, ``href="#id"``): what :data:`_REFERENCE` finds, found faster.

    :data:`_REFERENCE` looks behind at every character; :data:`_QUICK_REFERENCE` reads the same references
    forward. They part only where a reference's text runs into ``href=`` right before the ``"#`` of another
    (possible only in a chart's own text): then the slow reading is used.
    """
    matches = _QUICK_REFERENCE.findall(svg)
    if _straddles(svg, matches):
        return _REFERENCE.findall(svg)
    return [name for _, name in matches]


def _prefixed_references(svg: str, prefix: str) -> str:
    """``svg`` with ``prefix`` before every id it refers to (see :func:`_references`)."""
    if _straddles(svg, _QUICK_REFERENCE.findall(svg)):
        return _REFERENCE.sub(lambda m: prefix + m.group(1), svg)
    return _QUICK_REFERENCE.sub(lambda m: m.group(1) + prefix + m.group(2), svg)


def _straddles(svg: str, matches: list[tuple[str, str]]) -> bool:
    """Whether a forward-read reference ends in ``href=`` (the look-behind reading would find one more)."""
    return any(name.endswith("href=") for _, name in matches) and 'href="#' in svg
