"""Every chart of the workbooks, in one shape: ``plot_x(frame, *, <columns>, ax=None, lang, title, **kw) -> Axes``.

``style`` holds the font, palette and the helpers the charts share (new axes, "no data", category axes, labelled
bars, reference lines, tick formats, legends); each other module one kind of chart. Importing the package
registers the bundled CJK font and sets the house style; it never changes the matplotlib backend.

What every chart takes and returns (its docstring says "ax, lang, title, **kwargs: as every chart" and
"``frame``: one row per ..."):

frame : pandas.DataFrame
    The numbers to draw (named ``frame`` unless another name says more); each chart says what one row is.
ax : matplotlib.axes.Axes, optional
    Where to draw; a new figure (8×3.6 in, taller for many horizontal bars) when ``None``.
lang : {"zh", "en"}
    Language of the axis labels and units (万/亿 or K/M/B).
title : str, optional
    Axes title (left-aligned).
**kwargs
    Passed to the chart's main matplotlib call (the chart names it, e.g. ``ax.bar`` or ``ax.barh``).

Returns the axes drawn on (``matplotlib.axes.Axes``); an empty frame draws "无数据" / "No data" instead of
failing, and a missing column raises a ``ParameterError`` naming the keyword to change. A chart whose markers
grow with the data (a point per customer or rep, the fliers of every deal) draws them as an image inside its
SVG once they pass ``style.DENSE_MARKERS`` (``style.rasterize_if_dense``, ``style.point_cloud``): the same
picture, its axes and texts still vector.
"""

# ruff: noqa: F401, F403  (this module re-exports the chart functions and the style)
from .bars import plot_attainment, plot_bar_compare, plot_composition
from .figures import subplots
from .flows import plot_waterfall
from .lines import plot_trend
from .style import *
from .style import MissingFontError, font_path, label, setup_style, style_snapshot

setup_style()
STYLE: dict = style_snapshot()  # the house style, restored between the reports of a warm kernel
