"""Every chart of the workbooks, in one shape: ``plot_x(frame, *, <columns>, ax=None, lang, title) -> Axes``.

``style`` holds the font, palette and helpers; each other module one kind of chart. Importing the package
registers the bundled CJK font and sets the house style; it never changes the matplotlib backend.
"""

# ruff: noqa: F401, F403  (this module re-exports the chart functions and the style)
from .bars import plot_attainment, plot_bar_compare, plot_composition
from .flows import plot_waterfall
from .lines import plot_trend
from .style import *
from .style import MissingFontError, font_path, label, setup_style, style_snapshot

setup_style()
STYLE: dict = style_snapshot()  # the house style, restored between the reports of a warm kernel
