"""Each text of a chart laid out once per render: the layout's measuring and the draw share it.

matplotlib lays a text out (its lines, their extents, the rotated box, the alignment offsets) every time it is
measured and again when it is drawn: a tick label two or three times per render. The layout depends only on
the text, its font, size, alignment, rotation, line spacing, the figure's dpi and the renderer, not on where the
text stands, so :func:`texts_laid_out_once` keeps it under those for the duration of one render. A wrapped
text (its lines depend on where it stands) is laid out every time, as matplotlib does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from matplotlib.text import Text

_LAYOUT = Text._get_layout  # matplotlib's own
_ATTRIBUTES = ("_linespacing", "_multialignment", "_horizontalalignment", "_verticalalignment")


@contextmanager
def texts_laid_out_once() -> Iterator[None]:
    """Within the block, a text with the same layout inputs as one already laid out reuses that layout."""
    kept: dict = {}

    def get_layout(text: Text, renderer: object) -> tuple:
        if text.get_wrap():
            return _LAYOUT(text, renderer)
        font = text.get_fontproperties()
        key = (
            id(renderer),
            type(text),
            text.get_text(),
            (tuple(font.get_family()), font.get_slant(), font.get_variant(), font.get_weight()),
            (font.get_stretch(), font.get_size(), font.get_file(), font.get_math_fontfamily()),
            text.get_figure(root=True).dpi,
            text.get_usetex(),
            text.get_parse_math(),
            *(getattr(text, name, None) for name in _ATTRIBUTES),
            text.get_rotation(),
            text.get_rotation_mode(),
        )
        layout = kept.get(key)
        if layout is None:
            layout = kept[key] = _LAYOUT(text, renderer)
        return layout

    Text._get_layout = get_layout
    try:
        yield
    finally:
        Text._get_layout = _LAYOUT
