"""Bar charts: attainment, composition, current against baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from ...errors import ParameterError
from ..formatting import format_amount, format_int, format_pct
from . import style


def plot_attainment(
    frame: pd.DataFrame,
    *,
    label: str = "segment",
    value: str = "attainment",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    xlabel: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw the attainment ratio per segment as horizontal bars against a 100% line, worst at the top.

    Bars below 1 are drawn in ``COLORS["bad"]``, the others in ``COLORS["good"]``; each bar ends with its
    percentage. Rows with a missing ratio (no target) are left out.

    ``frame``: one row per segment (product line, rep ...).

    Parameters
    ----------
    label, value : str
        Columns with the segment name and the attainment ratio (1.0 = 100%).
    xlabel : str, optional
        The axis title (default: attainment, 达成率); any ratio against a 100% line reads the same way.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.barh``.
    """
    if not style.is_empty(frame):
        style.require(frame, {"label": label, "value": value}, "plot_attainment")
        frame = (
            frame.assign(_ratio=style.numbers(frame[value]))
            .dropna(subset="_ratio")
            .sort_values("_ratio", kind="stable")
        )
    ax = style.axes(ax, rows=0 if frame is None else len(frame))
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    ratios = frame["_ratio"].to_numpy()
    colors = [style.BAD if r < 1 else style.GOOD for r in ratios]
    style.labelled_bars(ax, frame[label].astype(str).tolist(), ratios, [format_pct(r) for r in ratios], color=colors,
                        **kwargs)  # fmt: skip
    style.reference_line(ax, 1.0)
    ax.set_xlim(min(0.0, ratios.min() * 1.2), max(1.0, ratios.max()) * 1.2)
    ax.xaxis.set_major_formatter(style.pct_formatter())
    ax.set_xlabel(xlabel or style._t("attainment", lang))
    return style.finish(ax, title)


def _shares(series: pd.Series) -> np.ndarray:
    values = style.numbers(series)
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

    ``frame``: one row per segment, in display order (top to bottom).

    Parameters
    ----------
    label, value : str
        Columns with the segment name and its amount (or share); shares are ``value / value.sum()``.
    baseline : str, optional
        Column with the baseline amount (or share), drawn as a thinner hatched bar under each segment's bar.
    legend : (str, str), optional
        Legend texts for the period and the baseline; default "本期"/"上期" ("This period"/"Last period").
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to the period's ``ax.barh``.
    """
    ax = style.axes(ax, rows=0 if frame is None else len(frame))
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    style.require(frame, {"label": label, "value": value, "baseline": baseline}, "plot_composition")
    shares = _shares(frame[value])
    if np.isnan(shares).all():
        return style.no_data(ax, lang, title)
    base = _shares(frame[baseline]) if baseline is not None else np.array([np.nan])
    has_base = not np.isnan(base).all()
    names = legend or (style._t("current", lang), style._t("baseline", lang))
    positions = style.category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    offset = 0.14 if has_base else 0.0
    ax.barh(positions - offset, shares, height=0.42 if has_base else 0.6, color=style.PRIMARY, label=names[0], **kwargs)
    style.bar_end_labels(ax, positions - offset, shares, [format_pct(s) for s in shares])
    if has_base:
        ax.barh(
            positions + 0.22, base, height=0.2, color="white", edgecolor=style.NEUTRAL, hatch="////", label=names[1]
        )
        style.bar_end_labels(ax, positions + 0.22, base, [format_pct(s) for s in base], color=style.NEUTRAL)
        style.top_legend(ax)
    ax.set_xlim(0, np.nanmax(np.concatenate([shares, base])) * 1.2)
    ax.xaxis.set_major_formatter(style.pct_formatter())
    ax.set_xlabel(style._t("share", lang))
    return style.finish(ax, title)


UNITS = ("amount", "pct", "count", "score")


def _value_text(unit: str, lang: str):
    """How a bar's value is written: 万/亿 amounts, percentages, whole counts (averages with one decimal) or scores.

    A score (a survey's mean rating) always has one decimal: 72.0 beside 72.6, not 72.
    """
    if unit == "pct":
        return format_pct
    if unit == "score":
        return lambda v: "—" if np.isnan(v) else f"{v:,.1f}"
    if unit == "count":
        return lambda v: "—" if np.isnan(v) else (format_int(v) if float(v).is_integer() else f"{v:,.1f}")
    return lambda v: format_amount(v, lang)


def _value_axis(ax: Axes, unit: str, lang: str) -> None:
    if unit in ("count", "score"):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    else:
        style.value_axis(ax.xaxis, unit, lang)


def plot_bar_compare(
    frame: pd.DataFrame,
    *,
    label: str = "segment",
    current: str = "current",
    baseline: str | None = "baseline",
    unit: str = "amount",
    scale: str = "shared",
    row_units: str | None = None,
    legend: tuple[str, str] | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw current against baseline value per row as grouped horizontal bars with formatted values.

    ``frame``: one row per item (segment, or metric such as order count and average order value).

    Parameters
    ----------
    label, current, baseline : str
        Columns with the row name, the current value and the baseline value. Without a baseline (``None``, or
        a column with no value) each row gets one bar and there is no legend.
    unit : {"amount", "pct", "count", "score"}
        How values and the axis are written: 万/亿 amounts, percentages (1.0 = 100%), whole counts
        (a non-integer value, e.g. a usual monthly average, with one decimal), or scores (one decimal always).
    scale : {"shared", "row"}
        ``shared``: one axis for all rows. ``row``: each row's pair scaled to its own larger value, for rows
        in different units (orders vs order value); the axis is hidden and the labels give the real values.
    row_units : str, optional
        With ``scale="row"``: a column with each row's own unit (one of ``unit``'s values) for its labels, so
        that the orders read ``270`` and the order value ``7.09`` in one chart; default ``unit`` for every row.
    legend : (str, str), optional
        Legend texts; default "本期"/"上期" ("This period"/"Last period").
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to the ``ax.barh`` calls.
    """
    if scale not in ("shared", "row"):
        raise ParameterError(f"plot_bar_compare: scale must be 'shared' or 'row', got {scale!r}")
    if unit not in UNITS:
        raise ParameterError(f"plot_bar_compare: unit must be one of {UNITS}, got {unit!r}")
    if row_units is not None and scale != "row":
        raise ParameterError("plot_bar_compare: row_units needs scale='row' (a shared axis has one unit)")
    ax = style.axes(ax, rows=0 if frame is None else 2 * len(frame))
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    style.require(
        frame, {"label": label, "current": current, "baseline": baseline, "row_units": row_units}, "plot_bar_compare"
    )
    unknown = sorted(set(frame[row_units]) - set(UNITS)) if row_units is not None else []
    if unknown:
        raise ParameterError(f"plot_bar_compare: row_units has {unknown}; each row's unit must be one of {UNITS}")
    now = style.numbers(frame[current])
    before = style.numbers(frame[baseline]) if baseline is not None else np.full(len(frame), np.nan)
    if np.isnan(now).all() and np.isnan(before).all():
        return style.no_data(ax, lang, title)
    paired = not np.isnan(before).all()
    unit_size = np.ones(len(frame))
    if scale == "row":
        largest = np.fmax(np.abs(now), np.abs(before))
        unit_size = np.where(np.isnan(largest) | (largest == 0), 1.0, largest)
    names = legend or (style._t("current", lang), style._t("baseline", lang))
    texts = [_value_text(u, lang) for u in (frame[row_units] if row_units is not None else [unit] * len(frame))]
    positions = style.category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    bars = (
        ((-0.2, now, style.PRIMARY, names[0]), (0.2, before, style.NEUTRAL_LIGHT, names[1]))
        if paired
        else ((0.0, now, style.PRIMARY, names[0]),)
    )
    height = 0.38 if paired else 0.6
    for shift, values, color, name in bars:
        ax.barh(positions + shift, values / unit_size, height=height, color=color, label=name, **kwargs)
        style.bar_end_labels(
            ax, positions + shift, values / unit_size, [text(v) for text, v in zip(texts, values, strict=True)]
        )
    ends = np.concatenate([now / unit_size, before / unit_size, [0.0]])
    ax.set_xlim(min(0.0, np.nanmin(ends) * 1.25), max(np.nanmax(ends), 1e-9) * 1.25)
    if scale == "row":
        ax.set_xticks([])
        ax.grid(False)
    else:
        _value_axis(ax, unit, lang)
    if paired:
        style.top_legend(ax)
    return style.finish(ax, title)
