"""Charts for the workbooks, with Chinese labels drawn by a bundled CJK font.

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
from matplotlib.ticker import FuncFormatter, MaxNLocator, StrMethodFormatter

from .errors import ParameterError, SalesnbError
from .formatting import format_amount, format_int, format_pct
from .i18n import check_lang

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

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "revenue": "销售额",
        "target": "目标",
        "attainment": "达成率",
        "share": "占比",
        "amount": "金额",
        "current": "本期",
        "baseline": "上期",
        "period": "月份",
        "no_data": "无数据",
    },
    "en": {
        "revenue": "Revenue",
        "target": "Target",
        "attainment": "Attainment",
        "share": "Share",
        "amount": "Amount",
        "current": "This period",
        "baseline": "Last period",
        "period": "Month",
        "no_data": "No data",
    },
}


class MissingFontError(SalesnbError):
    """The bundled CJK font (from the ``mplfonts`` package) cannot be found."""


def label(key: str, lang: str = "zh") -> str:
    """Return the chart text for ``key`` in ``lang`` (``zh`` or ``en``); an unknown key is returned as is."""
    return _t(key, lang)


def _t(key: str, lang: str) -> str:
    return LABELS[check_lang(lang)].get(key, key)


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


def amount_formatter(lang: str = "zh") -> FuncFormatter:
    """Tick formatter writing amounts in 万/亿 (``zh``) or K/M/B (``en``), without a trailing ``.0`` (``20万``)."""
    check_lang(lang)
    return FuncFormatter(lambda value, _pos: re.sub(r"\.0(?=\D*$)", "", format_amount(value, lang)))


def pct_formatter(digits: int = 0) -> FuncFormatter:
    """Tick formatter writing ratios as percentages (``1.0`` → ``100%``)."""
    return FuncFormatter(lambda value, _pos: format_pct(value, digits))


# ---------------------------------------------------------------- helpers shared by the chart functions


def _axes(ax: Axes | None, rows: int = 0) -> Axes:
    """``ax``, or the axes of a new figure tall enough for ``rows`` horizontal bars."""
    if ax is not None:
        return ax
    height = max(FIGSIZE[1], ROW_HEIGHT * rows + 1.2)
    _, ax = plt.subplots(figsize=(FIGSIZE[0], height), dpi=DPI, layout="constrained")
    return ax


def _is_empty(frame: pd.DataFrame | None) -> bool:
    return frame is None or len(frame) == 0


def _require(frame: pd.DataFrame, columns: dict[str, str | None], func: str) -> None:
    """Raise a :class:`ParameterError` naming the keyword to change when a column is missing."""
    for keyword, column in columns.items():
        if column is not None and column not in frame.columns:
            raise ParameterError(
                f"{func}: column {column!r} not in the frame (columns: {list(frame.columns)}); pass {keyword}=<column>"
            )


def _numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _finish(ax: Axes, title: str | None) -> Axes:
    if title:
        ax.set_title(title)
    ax.set_axisbelow(True)
    return ax


def _no_data(ax: Axes, lang: str, title: str | None) -> Axes:
    ax.text(0.5, 0.5, _t("no_data", lang), ha="center", va="center", transform=ax.transAxes, color=NEUTRAL, fontsize=12)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return _finish(ax, title)


def _legend(ax: Axes, **kwargs: object) -> None:
    """Legend in one row above the plot, right-aligned (the title is left-aligned)."""
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, borderaxespad=0.2, **kwargs)


def _category_axis(ax: Axes, labels: Sequence[str], horizontal: bool) -> np.ndarray:
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


def _bar_end_labels(ax: Axes, positions: np.ndarray, ends: np.ndarray, texts: Sequence[str], **style: object) -> None:
    """Write ``texts`` just right of horizontal bars ending at ``ends`` (at 0 when the value is missing)."""
    for y, end, text in zip(positions, ends, texts, strict=True):
        ax.text(0 if np.isnan(end) else end, y, f" {text}", va="center", ha="left", fontsize=8, **style)


# ---------------------------------------------------------------- chart functions


def plot_trend(
    frame: pd.DataFrame,
    *,
    x: str = "period",
    y: str = "revenue",
    target: str | None = "target",
    highlight: str | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw monthly revenue as bars, the report month highlighted, with the target as a line.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per month, in display order.
    x, y, target : str
        Columns with the month label, the revenue and the target. The target line is drawn only when the
        column exists and has values; ``target=None`` never draws it.
    highlight : str, optional
        The month (as in ``x``) drawn in the primary colour, the others lighter; ``None`` draws all in primary.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new 8×3.6 in figure when ``None``.
    lang : {"zh", "en"}
        Language of the axis labels and units (万/亿 or K/M/B).
    title : str, optional
        Axes title.
    **kwargs
        Passed to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    if _is_empty(frame):
        return _no_data(ax, lang, title)
    _require(frame, {"x": x, "y": y}, "plot_trend")
    if frame[y].isna().all():
        return _no_data(ax, lang, title)
    periods = frame[x].astype(str).tolist()
    positions = _category_axis(ax, periods, horizontal=False)
    colors = [PRIMARY if highlight is None or p == str(highlight) else PRIMARY_LIGHT for p in periods]
    bars = ax.bar(positions, _numbers(frame[y]), width=0.65, color=colors, label=_t("revenue", lang), **kwargs)
    if target is not None and target in frame.columns and frame[target].notna().any():
        targets = _numbers(frame[target])
        (line,) = ax.plot(
            positions, targets, color=TARGET, marker="o", markersize=4, linewidth=1.4, label=_t("target", lang)
        )
        _legend(ax, handles=[bars, line])
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(amount_formatter(lang))
    ax.set_ylabel(_t("revenue", lang))
    return _finish(ax, title)


def plot_attainment(
    frame: pd.DataFrame,
    *,
    label: str = "segment",
    value: str = "attainment",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw the attainment ratio per segment as horizontal bars against a 100% line, worst at the top.

    Bars below 1 are drawn in ``COLORS["bad"]``, the others in ``COLORS["good"]``; each bar ends with its
    percentage. Rows with a missing ratio (no target) are left out.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per segment (product line, rep ...).
    label, value : str
        Columns with the segment name and the attainment ratio (1.0 = 100%).
    ax, lang, title, **kwargs
        As in :func:`plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not _is_empty(frame):
        _require(frame, {"label": label, "value": value}, "plot_attainment")
        frame = frame.assign(_ratio=_numbers(frame[value])).dropna(subset="_ratio").sort_values("_ratio", kind="stable")
    ax = _axes(ax, rows=0 if frame is None else len(frame))
    if _is_empty(frame):
        return _no_data(ax, lang, title)
    ratios = frame["_ratio"].to_numpy()
    positions = _category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    ax.barh(positions, ratios, height=0.6, color=[BAD if r < 1 else GOOD for r in ratios], **kwargs)
    ax.axvline(1.0, color=TARGET, linestyle="--", linewidth=1)
    _bar_end_labels(ax, positions, ratios, [format_pct(r) for r in ratios])
    ax.set_xlim(min(0.0, ratios.min() * 1.2), max(1.0, ratios.max()) * 1.2)
    ax.xaxis.set_major_formatter(pct_formatter())
    ax.set_xlabel(_t("attainment", lang))
    return _finish(ax, title)


def _shares(series: pd.Series) -> np.ndarray:
    values = _numbers(series)
    total = np.nansum(values)
    return values / total if total > 0 else np.full(len(values), np.nan)


def plot_composition(
    frame: pd.DataFrame,
    *,
    label: str = "segment",
    value: str = "revenue",
    baseline: str | None = None,
    legend: tuple[str, str] | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw each segment's share of the total as horizontal bars, optionally with a hatched baseline bar.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per segment, in display order (top to bottom).
    label, value : str
        Columns with the segment name and its amount (or share); shares are ``value / value.sum()``.
    baseline : str, optional
        Column with the baseline amount (or share), drawn as a thinner hatched bar under each segment's bar.
    legend : (str, str), optional
        Legend texts for the period and the baseline; default "本期"/"上期" ("This period"/"Last period").
    ax, lang, title, **kwargs
        As in :func:`plot_trend`; ``**kwargs`` go to the period's ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, rows=0 if frame is None else len(frame))
    if _is_empty(frame):
        return _no_data(ax, lang, title)
    _require(frame, {"label": label, "value": value, "baseline": baseline}, "plot_composition")
    shares = _shares(frame[value])
    if np.isnan(shares).all():
        return _no_data(ax, lang, title)
    base = _shares(frame[baseline]) if baseline is not None else np.array([np.nan])
    has_base = not np.isnan(base).all()
    names = legend or (_t("current", lang), _t("baseline", lang))
    positions = _category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    offset = 0.14 if has_base else 0.0
    ax.barh(positions - offset, shares, height=0.42 if has_base else 0.6, color=PRIMARY, label=names[0], **kwargs)
    _bar_end_labels(ax, positions - offset, shares, [format_pct(s) for s in shares])
    if has_base:
        ax.barh(positions + 0.22, base, height=0.2, color="white", edgecolor=NEUTRAL, hatch="////", label=names[1])
        _bar_end_labels(ax, positions + 0.22, base, [format_pct(s) for s in base], color=NEUTRAL)
        _legend(ax)
    ax.set_xlim(0, np.nanmax(np.concatenate([shares, base])) * 1.2)
    ax.xaxis.set_major_formatter(pct_formatter())
    ax.set_xlabel(_t("share", lang))
    return _finish(ax, title)


UNITS = ("amount", "pct", "count")


def _value_text(unit: str, lang: str):
    """How a bar's value is written: 万/亿 amounts, percentages, or whole counts (averages with one decimal)."""
    if unit == "pct":
        return format_pct
    if unit == "count":
        return lambda v: "—" if np.isnan(v) else (format_int(v) if float(v).is_integer() else f"{v:,.1f}")
    return lambda v: format_amount(v, lang)


def _value_axis(ax: Axes, unit: str, lang: str) -> None:
    if unit == "pct":
        ax.xaxis.set_major_formatter(pct_formatter())
    elif unit == "count":
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    else:
        ax.xaxis.set_major_formatter(amount_formatter(lang))


def plot_bar_compare(
    frame: pd.DataFrame,
    *,
    label: str = "segment",
    current: str = "current",
    baseline: str | None = "baseline",
    unit: str = "amount",
    scale: str = "shared",
    legend: tuple[str, str] | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw current against baseline value per row as grouped horizontal bars with formatted values.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item (segment, or metric such as order count and average order value).
    label, current, baseline : str
        Columns with the row name, the current value and the baseline value. Without a baseline (``None``, or
        a column with no value) each row gets one bar and there is no legend.
    unit : {"amount", "pct", "count"}
        How values and the axis are written: 万/亿 amounts, percentages (1.0 = 100%), or whole counts
        (a non-integer value, e.g. a usual monthly average, with one decimal).
    scale : {"shared", "row"}
        ``shared``: one axis for all rows. ``row``: each row's pair scaled to its own larger value, for rows
        in different units (orders vs order value); the axis is hidden and the labels give the real values.
    legend : (str, str), optional
        Legend texts; default "本期"/"上期" ("This period"/"Last period").
    ax, lang, title, **kwargs
        As in :func:`plot_trend`; ``**kwargs`` go to the ``ax.barh`` calls.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if scale not in ("shared", "row"):
        raise ParameterError(f"plot_bar_compare: scale must be 'shared' or 'row', got {scale!r}")
    if unit not in UNITS:
        raise ParameterError(f"plot_bar_compare: unit must be one of {UNITS}, got {unit!r}")
    ax = _axes(ax, rows=0 if frame is None else 2 * len(frame))
    if _is_empty(frame):
        return _no_data(ax, lang, title)
    _require(frame, {"label": label, "current": current, "baseline": baseline}, "plot_bar_compare")
    now = _numbers(frame[current])
    before = _numbers(frame[baseline]) if baseline is not None else np.full(len(frame), np.nan)
    if np.isnan(now).all() and np.isnan(before).all():
        return _no_data(ax, lang, title)
    paired = not np.isnan(before).all()
    unit_size = np.ones(len(frame))
    if scale == "row":
        largest = np.fmax(np.abs(now), np.abs(before))
        unit_size = np.where(np.isnan(largest) | (largest == 0), 1.0, largest)
    names = legend or (_t("current", lang), _t("baseline", lang))
    text = _value_text(unit, lang)
    positions = _category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    bars = (
        ((-0.2, now, PRIMARY, names[0]), (0.2, before, NEUTRAL_LIGHT, names[1]))
        if paired
        else ((0.0, now, PRIMARY, names[0]),)
    )
    height = 0.38 if paired else 0.6
    for shift, values, color, name in bars:
        ax.barh(positions + shift, values / unit_size, height=height, color=color, label=name, **kwargs)
        _bar_end_labels(ax, positions + shift, values / unit_size, [text(v) for v in values])
    ends = np.concatenate([now / unit_size, before / unit_size, [0.0]])
    ax.set_xlim(min(0.0, np.nanmin(ends) * 1.25), max(np.nanmax(ends), 1e-9) * 1.25)
    if scale == "row":
        ax.set_xticks([])
        ax.grid(False)
    else:
        _value_axis(ax, unit, lang)
    if paired:
        _legend(ax)
    return _finish(ax, title)


def plot_waterfall(
    steps: pd.DataFrame,
    *,
    label: str = "step",
    value: str = "value",
    total: str = "is_total",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a revenue bridge: a start total, signed steps floating on the running total, an end total.

    Total bars stand on zero in the primary colour and reset the running total to their value; a step
    bar spans from the running total before it to the one after it, green when it adds and orange when
    it takes away. Dotted connectors join each bar's end level to the next bar.

    Parameters
    ----------
    steps : pandas.DataFrame
        One row per bar, in order.
    label, value : str
        Columns with the bar name and the amount (the total, or the signed change).
    total : str
        Boolean column marking total rows; when absent, the first and last rows are the totals.
    ax, lang, title, **kwargs
        As in :func:`plot_trend`; ``**kwargs`` go to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    if _is_empty(steps):
        return _no_data(ax, lang, title)
    _require(steps, {"label": label, "value": value}, "plot_waterfall")
    values = np.nan_to_num(_numbers(steps[value]))
    if total in steps.columns:
        totals = steps[total].eq(True).to_numpy()
    else:
        totals = np.isin(np.arange(len(steps)), [0, len(steps) - 1])
    starts, ends, running = [], [], 0.0
    for amount, is_total in zip(values, totals, strict=True):
        start = 0.0 if is_total else running
        running = amount if is_total else running + amount
        starts.append(start)
        ends.append(running)
    low, high = np.minimum(starts, ends), np.maximum(starts, ends)
    colors = [PRIMARY if t else (GOOD if v >= 0 else BAD) for v, t in zip(values, totals, strict=True)]
    positions = _category_axis(ax, steps[label].astype(str).tolist(), horizontal=False)
    ax.bar(positions, high - low, bottom=low, width=0.6, color=colors, **kwargs)
    for i in positions[:-1]:
        ax.plot([i + 0.3, i + 0.7], [ends[i], ends[i]], color=NEUTRAL, linewidth=1.0, linestyle=":")
    for i, amount, is_total in zip(positions, values, totals, strict=True):
        text = format_amount(amount, lang)
        text = "+" + text if amount > 0 and not is_total else text
        ax.annotate(text, (i, high[i]), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=8)
    span = max(high.max() - min(low.min(), 0.0), 1e-9)
    ax.set_ylim(min(low.min(), 0.0) - 0.02 * span, high.max() + 0.12 * span)
    ax.yaxis.set_major_formatter(amount_formatter(lang))
    ax.set_ylabel(_t("revenue", lang))
    return _finish(ax, title)


setup_style()
STYLE: dict = style_snapshot()  # the house style, restored between the reports of a warm kernel
