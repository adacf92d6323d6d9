"""Flow charts: a waterfall whose steps add up to the total."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..formatting import format_amount
from . import style


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

    ``steps``: one row per bar, in order.

    Parameters
    ----------
    label, value : str
        Columns with the bar name and the amount (the total, or the signed change).
    total : str
        Boolean column marking total rows; when absent, the first and last rows are the totals.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.bar``.
    """
    ax = style.axes(ax)
    if style.is_empty(steps):
        return style.no_data(ax, lang, title)
    style.require(steps, {"label": label, "value": value}, "plot_waterfall")
    values = np.nan_to_num(style.numbers(steps[value]))
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
    colors = [
        style.PRIMARY if t else (style.GOOD if v >= 0 else style.BAD) for v, t in zip(values, totals, strict=True)
    ]
    positions = style.category_axis(ax, steps[label].astype(str).tolist(), horizontal=False)
    ax.bar(positions, high - low, bottom=low, width=0.6, color=colors, **kwargs)
    for i in positions[:-1]:
        ax.plot([i + 0.3, i + 0.7], [ends[i], ends[i]], color=style.NEUTRAL, linewidth=1.0, linestyle=":")
    for i, amount, is_total in zip(positions, values, totals, strict=True):
        text = format_amount(amount, lang)
        text = "+" + text if amount > 0 and not is_total else text
        ax.annotate(text, (i, high[i]), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=8)
    span = max(high.max() - min(low.min(), 0.0), 1e-9)
    ax.set_ylim(min(low.min(), 0.0) - 0.02 * span, high.max() + 0.12 * span)
    ax.yaxis.set_major_formatter(style.amount_formatter(lang))
    ax.set_ylabel(style._t("revenue", lang))
    return style.finish(ax, title)
