"""Product charts: Pareto (bars and cumulative share), lifecycle stages, price against volume, bundle lift.

Every function has the house shape ``plot_x(frame, *, <columns>, ax=None, lang="zh", title=None, **kw) -> Axes``.
(``plot_pareto`` is the one Pareto chart of ``pareto.py`` with the product defaults.)
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ...i18n import t
from ..bounded import OTHER
from ..formatting import format_amount
from . import pareto, style

STAGE_COLORS: dict[str, str] = {  # lifecycle stages in order, and their colour
    "intro": style.PALETTE[4],
    "growth": style.GOOD,
    "mature": style.PRIMARY,
    "decline": style.BAD,
    "sporadic": style.NEUTRAL_LIGHT,
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
    """The product Pareto chart: :func:`.pareto.plot_pareto` with revenue bars and full product names.

    ``frame`` has one row per product, largest first; ``label``, ``value`` and ``cum`` name the product, its
    revenue and its cumulative share (0–1); ``line`` is the dashed share line (0.8 = the 80% of the Pareto rule).
    The points are not labelled; the "others" row of a bounded frame (``is_other``, see
    :mod:`salesnb.display.bounded`) is drawn grey. In a large catalogue the others (a thousand products) outsell
    the named ones many times over and would flatten them to slivers: a bar over :data:`OTHERS_CLIP` times the
    largest named one is cut at that height, hatched, with its amount written on it.
    Returns the bar axes (the cumulative line is on its twin).
    """
    ax = pareto.plot_pareto(
        frame, label=label, cumulative=cum, value=value, limit=line, annotate=False, max_label=None,
        value_label=t("prod_revenue", lang), cumulative_label=t("prod_cum_share", lang), ax=ax, lang=lang,
        title=title, **kwargs,
    )  # fmt: skip
    if frame is not None and OTHER in frame.columns and len(ax.patches) == len(frame):
        others = frame[OTHER].fillna(False).astype(bool).to_numpy()
        for bar, other in zip(ax.patches, others, strict=True):
            if other:
                bar.set_facecolor(style.NEUTRAL)
        _clip_others(ax, others, lang)
    return ax


OTHERS_CLIP = 1.5  # an "others" bar taller than this many times the largest named bar is cut at that height


def _clip_others(ax: Axes, others: np.ndarray, lang: str) -> None:
    """Cut each "others" bar above :data:`OTHERS_CLIP` × the largest named bar, hatched and labelled with its amount."""
    named = [bar.get_height() for bar, other in zip(ax.patches, others, strict=True) if not other]
    top = max(named, default=0.0)
    if top <= 0:
        return
    cap = top * OTHERS_CLIP
    clipped = False
    for bar, other in zip(ax.patches, others, strict=True):
        if other and bar.get_height() > cap:
            amount = bar.get_height()
            bar.set_height(cap)
            bar.set_hatch("//")
            bar.set_edgecolor("white")
            x = bar.get_x() + bar.get_width() / 2
            ax.text(  # half way up, on a white label: the cumulative line climbs to 100% across the bar's top
                x,
                cap / 2,
                format_amount(amount, lang),
                ha="center",
                va="center",
                fontsize=8,
                color=style.TARGET,
                bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none"},
            )
            clipped = True
    if clipped:
        ax.set_ylim(0, cap * 1.05)


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

    ``frame``: one row per product, as :func:`salesnb.product.lifecycle_frame` returns it.

    Parameters
    ----------
    label, value, stage : str
        Columns with the product name, the amount drawn and the stage key (``intro``/``growth``/``mature``/
        ``decline``).
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.barh``.
    """
    ax = style.axes(ax, rows=0 if frame is None else len(frame))
    if frame is None or len(frame) == 0:
        return style.no_data(ax, lang, title)
    values = frame[value].to_numpy(dtype=float)
    colors = [STAGE_COLORS.get(s, style.NEUTRAL) for s in frame[stage]]
    texts = [format_amount(v, lang) for v in values]
    style.labelled_bars(ax, frame[label].astype(str).tolist(), values, texts, color=colors, **kwargs)
    ax.set_xlim(0, max(np.nanmax(values), 1e-9) * 1.25)
    ax.xaxis.set_major_formatter(style.amount_formatter(lang))
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=color, label=t(f"prod_stage_{s}", lang))
        for s, color in STAGE_COLORS.items()
        if s in set(frame[stage])
    ]
    style.top_legend(ax, handles=handles)
    return style.finish(ax, title)


PCT_SPAN = 0.1  # a price or volume axis whose changes barely differ spans at least ±5%


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

    Volume changes are drawn clipped to −100%…+200%; the first three rows (the largest price effects, as
    :func:`salesnb.product.price_frame` sorts them) are labelled. ``**kwargs`` go to ``ax.scatter``; the rest
    as every chart (see the package docstring).
    """
    ax = style.axes(ax)
    if frame is None or len(frame) == 0:
        return style.no_data(ax, lang, title)
    xs, ys = frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float)
    ys = np.clip(ys, -1.0, 2.0)  # a product ramping up from almost nothing would flatten the others
    sizes = frame[size].to_numpy(dtype=float)
    sizes = 30 + 400 * sizes / max(np.nanmax(sizes), 1e-9)
    colors = [style.BAD if py < 0 else style.GOOD for py in ys]
    ax.scatter(xs, ys, s=sizes, c=colors, alpha=0.7, edgecolors="white", linewidths=0.6, **kwargs)
    ax.axhline(0, color=style.NEUTRAL, linewidth=0.8)
    ax.axvline(0, color=style.NEUTRAL, linewidth=0.8)
    for k in range(min(3, len(frame))):  # the frame comes sorted by the size of the price effect
        ax.annotate(str(frame[label].iloc[k]), (xs[k], ys[k]), xytext=(4, 4 + 8 * k), textcoords="offset points",
                    fontsize=7, color=style.TARGET)  # fmt: skip
    for axis in ("x", "y"):
        style.least_span(ax, axis, PCT_SPAN)
        getattr(ax, f"{axis}axis").set_major_formatter(style.pct_formatter())
    ax.set_xlabel(t("prod_price_change", lang))
    ax.set_ylabel(t("prod_units_change", lang))
    ax.grid(color=style.GRID, linewidth=0.6)
    return style.finish(ax, title)


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
    ``ax.barh``; the rest as every chart (see the package docstring).
    """
    ax = style.axes(ax, rows=0 if frame is None else len(frame))
    if frame is None or len(frame) == 0:
        return style.no_data(ax, lang, title)
    lift = frame[value].to_numpy(dtype=float)
    colors = [style.PRIMARY if v >= 1 else style.NEUTRAL for v in lift]
    style.labelled_bars(ax, frame[label].astype(str).tolist(), lift, [f"{v:.2f}" for v in lift], color=colors, **kwargs)
    style.reference_line(ax, 1.0)
    ax.set_xlim(0, max(lift.max(), 1.0) * 1.2)
    ax.set_xlabel(t("prod_lift", lang))
    return style.finish(ax, title)
