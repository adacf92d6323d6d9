"""The house chart style: bundled CJK font, palette, tick formatters and the helpers every chart uses.

Every chart function has one shape: ``plot_x(frame, *, ax=None, lang="zh", title=None, <columns>=..., **kwargs)
-> Axes``. Column names are keyword arguments with defaults, ``**kwargs`` go to the main matplotlib call
(``ax.bar`` or ``ax.barh``), and an empty frame draws "无数据" / "No data" instead of failing.
Importing this module registers the Noto Sans CJK SC font shipped by ``mplfonts`` and sets the house style;
it never changes the matplotlib backend.
"""

from __future__ import annotations

import importlib.resources
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.font_manager import fontManager
from matplotlib.ticker import Formatter, FuncFormatter, NullFormatter

from ...errors import ParameterError, SalesnbError
from ...i18n import check_lang, t
from ..formatting import format_amount, format_pct
from .figures import subplots

FONT_PACKAGE = "mplfonts"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_NAME = "Noto Sans CJK SC"

# A calm corporate palette: blue for the subject, orange for a problem, green for good, greys for context.
PRIMARY = "#2F5D8A"
PRIMARY_LIGHT = "#A9BFD6"
GOOD = "#3A8F5C"
BAD = "#E07B39"
NEUTRAL = "#8C96A0"
NEUTRAL_LIGHT = "#CDD3D9"
TARGET = "#3C3C3C"
GRID = "#E6E6E6"
COLORS: dict[str, str] = {
    "primary": PRIMARY,
    "primary_light": PRIMARY_LIGHT,
    "good": GOOD,
    "bad": BAD,
    "neutral": NEUTRAL,
    "neutral_light": NEUTRAL_LIGHT,
    "target": TARGET,
    "grid": GRID,
}
PALETTE: list[str] = [PRIMARY, BAD, GOOD, NEUTRAL, "#6C8EBF", "#C9A227", "#8E6C9E", NEUTRAL_LIGHT]

FIGSIZE = (8.0, 3.6)  # inches
DPI = 110
ROW_HEIGHT = 0.32  # inches per bar in horizontal bar charts with many rows
FEW_BAR_HEIGHT = 0.6  # inches per bar in a chart of one to three bars (lower than the house height)
DENSE_MARKERS = 2000  # markers in one chart beyond which they are drawn as an image (rasterize_if_dense)


class MissingFontError(SalesnbError):
    """The bundled CJK font (from the ``mplfonts`` package) cannot be found."""


def label(key: str, lang: str = "zh") -> str:
    """Return the chart text for ``key`` in ``lang`` (``zh`` or ``en``); an unknown key is returned as is."""
    return _t(key, lang)


def _t(key: str, lang: str) -> str:
    """The chart text ``chart_<key>`` of ``texts/common.yaml`` (an unknown key is returned as is)."""
    text = t(f"chart_{key}", check_lang(lang))
    return key if text == f"chart_{key}" else text


def font_path() -> Path:
    """Return the path of the Noto Sans CJK SC font file shipped by ``mplfonts``.

    Raises
    ------
    MissingFontError
        If ``mplfonts`` is not installed or lacks the font file.
    """
    hint = f"install it with `pip install {FONT_PACKAGE}` (it ships {FONT_FILE}, needed for Chinese chart labels)"
    try:
        path = Path(str(importlib.resources.files(FONT_PACKAGE) / "fonts" / FONT_FILE))
    except ModuleNotFoundError as err:
        raise MissingFontError(f"the package {FONT_PACKAGE!r} is missing: {hint}") from err
    if not path.is_file():
        raise MissingFontError(f"{path} not found: re-{hint}")
    return path


def setup_style() -> None:
    """Register the bundled CJK font and set the house style in ``matplotlib.rcParams`` (called at import).

    Safe to call again, e.g. after a notebook changed the style with ``seaborn.set_theme``.
    """
    path = font_path()
    if not any(Path(entry.fname) == path for entry in fontManager.ttflist):
        fontManager.addfont(str(path))
    mpl.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT_NAME, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "text.parse_math": False,  # a "$" in a customer name is text, not TeX
            "axes.prop_cycle": cycler(color=PALETTE),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#B0B0B0",
            "axes.titlesize": 11,
            "axes.titlelocation": "left",
            "axes.labelsize": 9,
            "axes.labelcolor": "#4A4A4A",
            "xtick.labelsize": 8,
            "ytick.labelsize": 8,
            "xtick.color": "#4A4A4A",
            "ytick.color": "#4A4A4A",
            "legend.frameon": False,
            "legend.fontsize": 8,
        }
    )


def style_snapshot() -> dict:
    """The rcParams as they stand (taken once at import, after :func:`setup_style`), to restore later."""
    return dict(mpl.rcParams)


def restore_style(snapshot: dict) -> None:
    """Put back rcParams saved by :func:`style_snapshot` (undoes any style change a notebook made)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mpl.rcParams.update(snapshot)


def close_all() -> None:
    """Close every open matplotlib figure (frees memory in long notebooks and tests)."""
    plt.close("all")


_TRAILING_ZEROS = re.compile(r"(?:(\.\d*[1-9])|\.)0+(?=\D*$)")  # "20.0万" -> "20万", "2.50" -> "2.5"; "10" stays


def amount_formatter(lang: str = "zh") -> FuncFormatter:
    """Tick formatter: amounts in 万/亿 (``zh``) or K/M/B (``en``), no trailing decimal zeros (``20万``, ``2.5``)."""
    check_lang(lang)
    return FuncFormatter(lambda value, _pos: _TRAILING_ZEROS.sub(r"\1", format_amount(value, lang)))


class PctFormatter(Formatter):
    """Ratios as percentages (``1.0`` → ``100%``), with as many decimals as the ticks need to differ.

    Ticks 0.25% apart read ``0%, 0.3%, 0.5% ...``, not ``0%, 0%, 0%, 1%``: the decimals grow (up to three) until
    every tick of the axis has its own label.
    """

    def __init__(self, digits: int = 0) -> None:
        self.digits = digits
        self._ticks: set[float] = set()

    def set_locs(self, locs) -> None:  # noqa: ANN001 - matplotlib's own signature
        """Called by matplotlib with the axis' tick values before it asks for their labels."""
        self._ticks = set(np.asarray(locs, dtype=float).tolist())

    def __call__(self, value: float, pos: int | None = None) -> str:
        return format_pct(value, self._needed())

    def _needed(self) -> int:
        digits = self.digits
        while digits < 3 and len({format_pct(v, digits) for v in self._ticks}) < len(self._ticks):
            digits += 1
        return digits


def pct_formatter(digits: int = 0) -> PctFormatter:
    """Tick formatter writing ratios as percentages (``1.0`` → ``100%``), decimals as the ticks need."""
    return PctFormatter(digits)


def least_span(ax: Axes, axis: str, span: float) -> None:
    """Widen ``axis`` to at least ``span`` around its data's middle when the data barely differ.

    Prices all held show price changes of 0 or float dust (1e-7): matplotlib zooms into the dust and every tick of
    a percentage axis reads 0.000%. A flat cloud on a ±5% axis says "no price moved" at a glance.
    """
    target = getattr(ax, f"{axis}axis")
    low, high = target.get_data_interval()
    if np.isfinite(low) and np.isfinite(high) and high - low < span:
        middle = (low + high) / 2
        getattr(ax, f"set_{axis}lim")(middle - span / 2, middle + span / 2)


LOG_SPAN = 10  # data spanning less than this ratio stays on a linear axis (a log one would label no tick)


def log_scale(ax: Axes, axis: str = "x", formatter: Formatter | None = None) -> None:
    """A log ``axis`` labelled in plain numbers (``0.1, 1, 10``) or by ``formatter``, without minor labels.

    Matplotlib's own log labels are TeX (mathdefault markup), which a page's SVG with its text kept as
    text would print as written. Call it once the data is drawn: data spanning less than a decade (customer
    values of 37 to 48) keeps a linear axis, where a log one would hold no labelled tick at all.
    """
    target = getattr(ax, f"{axis}axis")
    low, high = target.get_data_interval()
    if low > 0 and high >= LOG_SPAN * low:
        getattr(ax, f"set_{axis}scale")("log")
        target.set_minor_formatter(NullFormatter())
    target.set_major_formatter(formatter or FuncFormatter(lambda value, _pos: f"{value:g}"))


# ---------------------------------------------------------------- helpers shared by the chart functions


def bars_height(rows: int) -> float:
    """Inches a chart of ``rows`` horizontal bars needs: the house height, lower for one or two bars, taller for many.

    Title, legend and axis take about 1.4 inches, a bar about 0.6 while there are few: one bar (a month whose
    buyers are all 老客户) in the house 3.6 inches was a slab filling the page's width and height.
    """
    if rows <= 0:
        return FIGSIZE[1]
    return max(min(FIGSIZE[1], FEW_BAR_HEIGHT * rows + 1.4), ROW_HEIGHT * rows + 1.2)


def axes(ax: Axes | None, rows: int = 0) -> Axes:
    """``ax``, or the axes of a new figure tall enough for ``rows`` horizontal bars (:func:`bars_height`)."""
    if ax is not None:
        return ax
    height = bars_height(rows)
    _, ax = subplots(figsize=(FIGSIZE[0], height), dpi=DPI, layout="constrained")
    return ax


def is_empty(frame: pd.DataFrame | None) -> bool:
    return frame is None or len(frame) == 0


def require(frame: pd.DataFrame, columns: dict[str, str | None], func: str) -> None:
    """Raise a :class:`ParameterError` naming the keyword to change when a column is missing."""
    for keyword, column in columns.items():
        if column is not None and column not in frame.columns:
            raise ParameterError(
                f"{func}: column {column!r} not in the frame (columns: {list(frame.columns)}); pass {keyword}=<column>"
            )


def numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def finish(ax: Axes, title: str | None) -> Axes:
    if title:
        ax.set_title(title)
    ax.set_axisbelow(True)
    return ax


def no_data(ax: Axes, lang: str, title: str | None) -> Axes:
    ax.text(0.5, 0.5, _t("no_data", lang), ha="center", va="center", transform=ax.transAxes, color=NEUTRAL, fontsize=12)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return finish(ax, title)


def top_legend(ax: Axes, **kwargs: object) -> None:
    """Legend in one row above the plot, right-aligned (the title is left-aligned)."""
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, borderaxespad=0.2, **kwargs)


def category_axis(ax: Axes, labels: Sequence[str], horizontal: bool) -> np.ndarray:
    """Put ``labels`` at positions 0..n-1 (top to bottom when ``horizontal``) and return the positions."""
    positions = np.arange(len(labels))
    if horizontal:
        ax.set_yticks(positions, labels=labels)
        ax.set_ylim(len(labels) - 0.5, -0.5)  # first row on top
        ax.grid(axis="x", color=GRID, linewidth=0.6)
    else:
        rotate = len(labels) > 8
        ax.set_xticks(positions, labels=labels, rotation=45 if rotate else 0, ha="right" if rotate else "center")
        ax.grid(axis="y", color=GRID, linewidth=0.6)
    return positions


def bar_end_labels(ax: Axes, positions: np.ndarray, ends: np.ndarray, texts: Sequence[str], **style: object) -> None:
    """Write ``texts`` just past the end of horizontal bars ending at ``ends`` (at 0 when the value is missing).

    Right of a bar that ends right of 0, left of one that ends left of it: a fall's label is not drawn over its bar.
    """
    for y, end, text in zip(positions, ends, texts, strict=True):
        at = 0.0 if np.isnan(end) else float(end)
        left = at < 0
        ax.text(at, y, f"{text} " if left else f" {text}", va="center", ha="right" if left else "left", fontsize=8,
                **style)  # fmt: skip


def highlight_colors(names: Sequence[str], highlight: str | None) -> list[str]:
    """The primary colour for the ``highlight`` name (for every name when it is ``None``), a lighter one elsewhere."""
    return [PRIMARY if highlight is None or n == str(highlight) else PRIMARY_LIGHT for n in names]


def month_bars(ax: Axes, periods: Sequence[str], values: np.ndarray, highlight: str | None, **kwargs: object):
    """One vertical bar per month, the ``highlight`` month in the primary colour; returns (positions, bars)."""
    positions = category_axis(ax, periods, horizontal=False)
    bars = ax.bar(positions, values, width=0.65, color=highlight_colors(periods, highlight), **kwargs)
    return positions, bars


def labelled_bars(
    ax: Axes, names: Sequence[str], values: np.ndarray, texts: Sequence[str], *, ends: np.ndarray | None = None,
    **kwargs: object,
) -> np.ndarray:  # fmt: skip
    """One horizontal bar per name (top to bottom), each ending with its text at ``ends`` (default the values).

    ``**kwargs`` (e.g. ``color``) go to ``ax.barh``; returns the bar positions.
    """
    positions = category_axis(ax, names, horizontal=True)
    ax.barh(positions, values, height=0.6, **kwargs)
    bar_end_labels(ax, positions, values if ends is None else ends, texts)
    return positions


def reference_line(ax: Axes, at: float, *, vertical: bool = True, label: str | None = None) -> None:
    """A dashed dark line marking a reference level (100%, a goal, an average, the 80% of a Pareto chart)."""
    extra = {} if label is None else {"label": label}
    (ax.axvline if vertical else ax.axhline)(at, color=TARGET, linestyle="--", linewidth=1, **extra)


def value_axis(axis, kind: str, lang: str) -> None:
    """Write the ticks of ``axis`` (``ax.xaxis`` / ``ax.yaxis``) as percentages (``pct``) or amounts (``amount``)."""
    if kind == "pct":
        axis.set_major_formatter(pct_formatter())
    elif kind == "amount":
        axis.set_major_formatter(amount_formatter(lang))


def axis_titles(ax: Axes, xlabel: str | None, ylabel: str | None, *, grid: bool = False) -> None:
    """Set the axis titles that are given, and a light grid on both axes when ``grid``."""
    if grid:
        ax.grid(color=GRID, linewidth=0.6)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)


def marker_count(artists: Sequence[object]) -> int:
    """How many markers ``artists`` draw: the points of scatters (collections) and of lines with markers."""
    count = 0
    for artist in artists:
        if hasattr(artist, "get_offsets"):
            count += len(artist.get_offsets())
        elif artist.get_marker() not in (None, "", "None", " "):
            count += len(artist.get_xdata())
    return count


def rasterize_if_dense(points: Sequence[object], also: Sequence[object] = ()) -> bool:
    """Draw ``points`` (and ``also``) as images inside the SVG when they hold over :data:`DENSE_MARKERS` markers.

    The SVG writes one element per marker: 137k customers make 24 MB of SVG and 4 s of CPU to write it (and as
    long for a browser to draw it), while at that density the reader sees the cloud's shape, not single points.
    Drawn as an image at the chart's dpi (what its PNG used to be) the same picture costs a fraction of that;
    the axes, grid, reference lines and texts stay vector. ``also``: artists that grow with the points (the
    fill under a curve through them). Below the threshold (a couple of thousand points still read one by one)
    nothing changes. Returns whether the artists are rasterised.
    """
    dense = marker_count(points) > DENSE_MARKERS
    if dense:
        for artist in [*points, *also]:
            artist.set_rasterized(True)
    return dense


def point_cloud(ax: Axes, x: np.ndarray, y: np.ndarray, colors: Sequence[str], **kwargs: object) -> None:
    """Scatter ``x`` against ``y`` with one colour per point (``**kwargs`` go to ``ax.scatter``).

    Up to :data:`DENSE_MARKERS` points: one collection, the points drawn in the frame's order. A denser cloud is
    rasterised (:func:`rasterize_if_dense`) and drawn as one collection per colour, the commonest first, so
    that the rarer colours (the points a chart highlights) stay on top: a one-colour collection is drawn by
    stamping one rendered marker (137k points in 0.1 s), a many-coloured one by rendering every marker (0.5 s).
    """
    colors = np.asarray(colors)
    if len(colors) <= DENSE_MARKERS:
        ax.scatter(x, y, c=colors, **kwargs)
        return
    names, counts = np.unique(colors, return_counts=True)
    layers = [
        ax.scatter(x[colors == name], y[colors == name], color=str(name), **kwargs)
        for name in names[np.argsort(-counts, kind="stable")]
    ]
    rasterize_if_dense(layers)
