"""Customer charts: a ranking of rows, a monthly series, tier movements, value against P(alive)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..formatting import format_amount, format_int, format_pct
from . import style
from .figures import subplots


def plot_ranking(
    frame: pd.DataFrame,
    *,
    label: str = "segment",
    value: str = "value",
    reference: float | None = None,
    reference_label: str | None = None,
    highlight: str | None = None,
    kind: str = "pct",
    labels: str | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw one value per row as horizontal bars in frame order, with an optional reference line.

    ``frame``: one row per item, in display order (top to bottom).

    Parameters
    ----------
    label, value : str
        Columns with the row name and the value.
    reference : float, optional
        A dashed vertical line (e.g. the company average), labelled ``reference_label``.
    highlight : str, optional
        The row drawn in the primary colour; the others are lighter. ``None`` draws all in primary.
    kind : {"pct", "amount", "int"}
        How values are written at the bar ends and on the axis.
    labels : str, optional
        Column of texts written at a bar's end instead of its value where not empty (a region new this month:
        新增, where its growth is no number).
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.barh``.
    """
    ax = style.axes(ax, rows=0 if frame is None else len(frame))
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    style.require(frame, {"label": label, "value": value}, "plot_ranking")
    values = style.numbers(frame[value])
    if np.isnan(values).all():
        return style.no_data(ax, lang, title)
    names = frame[label].astype(str).tolist()
    fmt = {
        "pct": format_pct,
        "amount": lambda v: format_amount(v, lang),
        "int": format_int,
    }[kind]
    colors = style.highlight_colors(names, highlight)
    texts = [fmt(v) for v in values]
    if labels is not None:  # a row's own text where it has one
        own = frame[labels].tolist()
        texts = [str(mine) if isinstance(mine, str) and mine else text for mine, text in zip(own, texts, strict=True)]
    style.labelled_bars(ax, names, np.nan_to_num(values), texts, ends=values, color=colors, **kwargs)
    known = reference is not None and not math.isnan(reference)  # a company without a target: no line
    ends = np.concatenate([values[~np.isnan(values)], [0.0, reference] if known else [0.0]])
    low, high = min(0.0, ends.min() * 1.25), max(ends.max() * 1.25, 1e-9)
    ax.set_xlim(low, high)
    if known:
        style.reference_line(ax, reference, label=reference_label)
        if reference_label:
            style.top_legend(ax)
    style.value_axis(ax.xaxis, kind, lang)
    return style.finish(ax, title)


def plot_monthly(
    frame: pd.DataFrame,
    *,
    x: str = "period",
    y: str = "value",
    reference: str | None = None,
    reference_label: str | None = None,
    highlight: str | None = None,
    kind: str = "int",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a monthly count or rate as bars, the report month highlighted, with a dashed usual-level line.

    ``frame``: one row per month, in order.

    Parameters
    ----------
    x, y : str
        Columns with the month label and the value.
    reference : str, optional
        Column with the usual level of each month, drawn as a dashed line labelled ``reference_label``.
    highlight : str, optional
        The month drawn in the primary colour, the others lighter.
    kind : {"int", "pct", "amount"}
        Axis format of the values.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.bar``.
    """
    ax = style.axes(ax)
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    style.require(frame, {"x": x, "y": y, "reference": reference}, "plot_monthly")
    values = style.numbers(frame[y])
    if np.isnan(values).all():
        return style.no_data(ax, lang, title)
    periods = frame[x].astype(str).tolist()
    positions, _ = style.month_bars(ax, periods, np.nan_to_num(values), highlight, **kwargs)
    if reference is not None and frame[reference].notna().any():
        ax.plot(
            positions, style.numbers(frame[reference]), color=style.TARGET, linestyle="--", linewidth=1.2,
            marker="o", markersize=3, label=reference_label,
        )  # fmt: skip
        if reference_label:
            style.top_legend(ax)
    ax.set_ylim(bottom=0)
    if kind in ("pct", "amount"):
        style.value_axis(ax.yaxis, kind, lang)
    else:  # a count: whole ticks, and an axis up to 1 at least (none all year drew 0.00 … 0.05 customers)
        ax.set_ylim(top=max(ax.get_ylim()[1], 1.0))
        ax.yaxis.get_major_locator().set_params(integer=True)
    return style.finish(ax, title)


def plot_transitions(
    matrix: pd.DataFrame,
    *,
    labels: list[str] | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a from × to count matrix as an annotated heatmap (stayers on the diagonal).

    ``matrix``: square counts, rows "from", columns "to", same order.

    Parameters
    ----------
    labels : list of str, optional
        Display names of the rows/columns (default: the index).
    xlabel, ylabel : str, optional
        Axis titles (the "to" and the "from" side).
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.imshow``.
    """
    if ax is None:
        _, ax = subplots(figsize=(style.FIGSIZE[0] * 0.75, 3.8), dpi=style.DPI, layout="constrained")
    if matrix is None or matrix.size == 0 or matrix.to_numpy().sum() == 0:
        return style.no_data(ax, lang, title)
    values = matrix.to_numpy(dtype=float)
    names = labels or [str(v) for v in matrix.index]
    cmap = kwargs.pop("cmap", "Blues")
    ax.imshow(values, cmap=cmap, aspect="auto", **kwargs)
    ax.set_xticks(range(len(names)), labels=names)
    ax.set_yticks(range(len(names)), labels=names)
    ax.grid(False)
    top = values.max()
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            color = "white" if values[i, j] > 0.6 * top else "#333333"
            ax.text(j, i, format_int(values[i, j]), ha="center", va="center", fontsize=8, color=color)
    for spine in ax.spines.values():
        spine.set_visible(False)
    style.axis_titles(ax, xlabel, ylabel)
    return style.finish(ax, title)


def plot_clv(
    frame: pd.DataFrame,
    *,
    value: str = "total_value",
    alive: str = "p_alive",
    risk: float | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    **kwargs: object,
) -> Axes:
    """Scatter historic value (log scale) against P(alive); customers below ``risk`` drawn in the warning colour.

    ``frame``: one row per customer.

    Parameters
    ----------
    value, alive : str
        Columns with the historic revenue and the probability of being active.
    risk : float, optional
        P(alive) below which a customer is at risk (a dashed line).
    xlabel, ylabel : str, optional
        Axis titles.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.scatter``.
    """
    ax = style.axes(ax)
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    style.require(frame, {"value": value, "alive": alive}, "plot_clv")
    x, y = style.numbers(frame[value]), style.numbers(frame[alive])
    keep = (x > 0) & ~np.isnan(y)
    if not keep.any():
        return style.no_data(ax, lang, title)
    x, y = x[keep], y[keep]
    colors = np.where((risk is not None) & (y < (risk or 0)), style.BAD, style.PRIMARY)
    style.point_cloud(ax, x, y, colors, s=10, alpha=0.55, linewidths=0, **kwargs)
    style.log_scale(ax, formatter=style.amount_formatter(lang))
    ax.yaxis.set_major_formatter(style.pct_formatter())
    ax.set_ylim(-0.03, 1.03)
    if risk is not None:
        style.reference_line(ax, risk, vertical=False)
    style.axis_titles(ax, xlabel, ylabel, grid=True)
    return style.finish(ax, title)
