"""Driver charts of the overview: the revenue tree (boxes joined by lines) and the stacked driver bars.

Also :func:`node_value`, the format these charts share with the driver tables (as they share
``formatting.signed_amount``), so a number reads the same in the chart and in the table under it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from ...i18n import t
from ..formatting import format_amount, format_int, format_pct, signed_amount
from . import style
from .figures import subplots

PART_COLORS: dict[str, str] = {"volume": style.NEUTRAL, "mix": style.PALETTE[4], "rate": style.PALETTE[5]}


def node_value(node: str, value: float | None, lang: str) -> str:
    """A revenue-tree factor's value: an amount for money nodes, a whole number of buyers, else 2 decimals."""
    if value is None or pd.isna(value):
        return "—"
    if node in ("revenue", "order_value", "price_per_unit"):
        return format_amount(value, lang)
    if node == "buyers":
        return format_int(value)
    return f"{value:,.2f}"


def plot_revenue_tree(
    frame: pd.DataFrame,
    *,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    baseline_label: str | None = None,
) -> Axes:
    """Draw the revenue tree of :func:`salesnb.drivers.revenue_tree` as boxes joined by lines, one level per row.

    Each box shows the factor, its value now and in the baseline, its change and its contribution to the revenue
    change; the box edge is green for a positive contribution and orange for a negative one.

    ``frame``: as returned by :func:`salesnb.drivers.revenue_tree` (node, parent, label, baseline, value, change,
    contribution).

    Parameters
    ----------
    ax, lang, title: as every chart (see the package docstring).
    baseline_label : str, optional
        Name of the baseline shown in the boxes (default "基准期" / "Baseline").
    """
    if ax is None:
        _, ax = subplots(figsize=(9.0, 4.6), dpi=style.DPI, layout="constrained")
    if frame is None or len(frame) == 0:
        return style.no_data(ax, lang, title)
    base_name = baseline_label or t("drv_baseline", lang)
    rows = frame.set_index("node")
    level1 = [n for n in ("buyers", "orders_per_buyer", "order_value") if n in rows.index]
    level2 = [n for n in ("units_per_order", "price_per_unit") if n in rows.index]
    where = {"revenue": (0.5, 0.84)}
    where.update({n: (x, 0.5) for n, x in zip(level1, (1 / 6, 1 / 2, 5 / 6), strict=False)})
    where.update({n: (x, 0.14) for n, x in zip(level2, (0.68, 0.96), strict=False)})
    for node, (x, y) in where.items():
        parent = rows.loc[node, "parent"]
        if isinstance(parent, str) and parent in where:
            px, py = where[parent]
            ax.plot([px, px, x, x], [py - 0.1, (py + y) / 2, (py + y) / 2, y + 0.1], color=style.NEUTRAL,
                    linewidth=0.9, zorder=1)  # fmt: skip
    for node, (x, y) in where.items():
        row = rows.loc[node]
        contribution = row["contribution"]
        edge = style.NEUTRAL if pd.isna(contribution) else (style.GOOD if contribution >= 0 else style.BAD)
        text = (
            f"{row['label']}\n{node_value(node, row['value'], lang)}"
            f"  ({format_pct(row['change'], signed=True)})\n"
            f"{base_name} {node_value(node, row['baseline'], lang)}\n"
            f"{t('drv_change' if node == 'revenue' else 'drv_contrib_short', lang)} "
            f"{signed_amount(contribution, lang)}"
        )
        box = {"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": edge, "linewidth": 1.6}
        ax.text(x, y, text, ha="center", va="center", fontsize=8, zorder=2, linespacing=1.4, bbox=box)
    ax.set_xlim(0, 1.08)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    return style.finish(ax, title)


def plot_drivers(
    frame: pd.DataFrame,
    *,
    label: str = "label",
    parts: tuple[str, ...] = ("volume", "mix", "rate"),
    total: str = "gap",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw each segment's contribution as stacked horizontal bars of its parts (positive right, negative left).

    One bar per row of ``frame``, in its order from the top.

    Parameters
    ----------
    label : str
        Column with the row name.
    parts : (str, str, str)
        Columns with the volume, mix and rate effects (they add up to ``total``); one column alone is drawn as
        one bar without a legend (a summary's change, with no orders to split it by).
    total : str
        Column with the row's total, marked with a black tick and labelled.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to every ``ax.barh``.
    """
    ax = style.axes(ax, rows=0 if frame is None else len(frame))
    if frame is None or len(frame) == 0:
        return style.no_data(ax, lang, title)
    positions = style.category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    right = np.zeros(len(frame))
    left = np.zeros(len(frame))
    for k, part in enumerate(parts):
        values = np.nan_to_num(frame[part].to_numpy(dtype=float))
        start = np.where(values >= 0, right, left)
        color = PART_COLORS[("volume", "mix", "rate")[k]] if len(parts) == len(PART_COLORS) else style.PALETTE[0]
        ax.barh(positions, values, left=start, height=0.6, color=color, **kwargs)
        right = np.where(values >= 0, right + values, right)
        left = np.where(values < 0, left + values, left)
    totals = np.nan_to_num(frame[total].to_numpy(dtype=float))
    ax.scatter(totals, positions, marker="|", s=220, color=style.TARGET, zorder=3)
    for y, value, end in zip(positions, totals, np.where(totals >= 0, right, left), strict=True):
        ax.text(end, y, f" {signed_amount(value, lang)} ", ha="left" if value >= 0 else "right", va="center",
                fontsize=8)  # fmt: skip
    ax.axvline(0, color=style.TARGET, linewidth=0.8)
    span = max(np.max(right), -np.min(left), 1e-9)
    ax.set_xlim(np.min(left) - 0.35 * span, np.max(right) + 0.35 * span)
    ax.xaxis.set_major_formatter(style.amount_formatter(lang))
    if len(parts) == len(PART_COLORS):
        _parts_legend(ax, lang)
    return style.finish(ax, title)


def _parts_legend(ax: Axes, lang: str) -> None:
    """Legend of the three effects in one row above the plot, right-aligned like :func:`.style.top_legend`."""
    handles = [Patch(color=color, label=t(f"drv_part_{part}", lang)) for part, color in PART_COLORS.items()]
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, borderaxespad=0.2)
