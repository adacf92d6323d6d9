"""Product charts: Pareto (bars and cumulative share), lifecycle stages, price against volume, bundle lift.

Every function has the house shape ``plot_x(frame, *, <columns>, ax=None, lang="zh", title=None, **kw) -> Axes``.
(The general Pareto chart is meant to live in ``pareto.py``; this one stays self-contained until they merge.)
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ...i18n import t
from ..formatting import format_amount
from .style import (
    BAD,
    GOOD,
    GRID,
    NEUTRAL,
    PALETTE,
    PRIMARY,
    TARGET,
    amount_formatter,
    axes,
    bar_end_labels,
    category_axis,
    finish,
    no_data,
    pct_formatter,
    top_legend,
)

STAGE_COLORS: dict[str, str] = {  # lifecycle stages in order, and their colour
    "intro": PALETTE[4],
    "growth": GOOD,
    "mature": PRIMARY,
    "decline": BAD,
}


def plot_pareto(
    frame: pd.DataFrame,
    *,
    label: str = "product_name",
    value: str = "revenue",
    cum: str = "cum_share",
    line: float = 0.8,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a Pareto chart: bars of ``value`` largest first and the cumulative share as a line on a second axis.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item, sorted largest first.
    label, value, cum : str
        Columns with the item name, its amount and its cumulative share (0–1).
    line : float
        Cumulative share marked with a dashed line (0.8 = the 80% of the Pareto rule).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes
        The bar axes (the cumulative line is on its twin).
    """
    ax = axes(ax)
    if frame is None or len(frame) == 0:
        return no_data(ax, lang, title)
    positions = category_axis(ax, frame[label].astype(str).tolist(), horizontal=False)
    ax.bar(positions, frame[value].to_numpy(dtype=float), width=0.7, color=PRIMARY, **kwargs)
    ax.yaxis.set_major_formatter(amount_formatter(lang))
    ax.set_ylabel(t("prod_revenue", lang))
    twin = ax.twinx()
    twin.plot(positions, frame[cum].to_numpy(dtype=float), color=BAD, marker="o", markersize=3, linewidth=1.4)
    twin.axhline(line, color=TARGET, linestyle="--", linewidth=1)
    twin.set_ylim(0, 1.05)
    twin.yaxis.set_major_formatter(pct_formatter())
    twin.set_ylabel(t("prod_cum_share", lang))
    twin.spines["right"].set_visible(True)
    return finish(ax, title)


def plot_lifecycle(
    frame: pd.DataFrame,
    *,
    label: str = "product_name",
    value: str = "recent",
    stage: str = "stage",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw one horizontal bar per product (its recent revenue), coloured by lifecycle stage, in frame order.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per product, as :func:`salesnb.product.lifecycle_frame` returns it.
    label, value, stage : str
        Columns with the product name, the amount drawn and the stage key (``intro``/``growth``/``mature``/
        ``decline``).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax, rows=0 if frame is None else len(frame))
    if frame is None or len(frame) == 0:
        return no_data(ax, lang, title)
    positions = category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    values = frame[value].to_numpy(dtype=float)
    colors = [STAGE_COLORS.get(s, NEUTRAL) for s in frame[stage]]
    ax.barh(positions, values, height=0.6, color=colors, **kwargs)
    bar_end_labels(ax, positions, values, [format_amount(v, lang) for v in values])
    ax.set_xlim(0, max(np.nanmax(values), 1e-9) * 1.25)
    ax.xaxis.set_major_formatter(amount_formatter(lang))
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=color, label=t(f"prod_stage_{s}", lang))
        for s, color in STAGE_COLORS.items()
        if s in set(frame[stage])
    ]
    top_legend(ax, handles=handles)
    return finish(ax, title)


def plot_price_volume(
    frame: pd.DataFrame,
    *,
    x: str = "price_change",
    y: str = "units_change",
    size: str = "revenue",
    label: str = "product_name",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Scatter the price change (x) against the volume change (y) of each item, dots sized by ``size``.

    Volume changes are drawn clipped to −100%…+200%; the first three rows (the largest price moves, as
    :func:`salesnb.product.price_frame` sorts them) are labelled. ``**kwargs`` go to ``ax.scatter``; the rest
    as in :func:`salesnb.display.plotting.plot_trend`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax)
    if frame is None or len(frame) == 0:
        return no_data(ax, lang, title)
    xs, ys = frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float)
    ys = np.clip(ys, -1.0, 2.0)  # a product ramping up from almost nothing would flatten the others
    sizes = frame[size].to_numpy(dtype=float)
    sizes = 30 + 400 * sizes / max(np.nanmax(sizes), 1e-9)
    colors = [BAD if py < 0 else GOOD for py in ys]
    ax.scatter(xs, ys, s=sizes, c=colors, alpha=0.7, edgecolors="white", linewidths=0.6, **kwargs)
    ax.axhline(0, color=NEUTRAL, linewidth=0.8)
    ax.axvline(0, color=NEUTRAL, linewidth=0.8)
    for k in range(min(3, len(frame))):  # the frame comes sorted by the size of the price change
        ax.annotate(str(frame[label].iloc[k]), (xs[k], ys[k]), xytext=(4, 4 + 8 * k), textcoords="offset points",
                    fontsize=7, color=TARGET)  # fmt: skip
    ax.xaxis.set_major_formatter(pct_formatter())
    ax.yaxis.set_major_formatter(pct_formatter())
    ax.set_xlabel(t("prod_price_change", lang))
    ax.set_ylabel(t("prod_units_change", lang))
    ax.grid(color=GRID, linewidth=0.6)
    return finish(ax, title)


def plot_lift(
    frame: pd.DataFrame,
    *,
    label: str = "pair",
    value: str = "lift",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw one horizontal bar per pair with its lift, a dashed line at 1 (bought together as often as by chance).

    Pairs with a lift of at least 1 are drawn in the primary colour, the others grey; ``**kwargs`` go to
    ``ax.barh``; the rest as in :func:`salesnb.display.plotting.plot_trend`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax, rows=0 if frame is None else len(frame))
    if frame is None or len(frame) == 0:
        return no_data(ax, lang, title)
    positions = category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    lift = frame[value].to_numpy(dtype=float)
    ax.barh(positions, lift, height=0.6, color=[PRIMARY if v >= 1 else NEUTRAL for v in lift], **kwargs)
    ax.axvline(1.0, color=TARGET, linestyle="--", linewidth=1)
    bar_end_labels(ax, positions, lift, [f"{v:.2f}" for v in lift])
    ax.set_xlim(0, max(lift.max(), 1.0) * 1.2)
    ax.set_xlabel(t("prod_lift", lang))
    return finish(ax, title)
