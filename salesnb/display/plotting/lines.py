"""Line charts: a monthly trend against its baselines."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from .style import (
    PRIMARY,
    PRIMARY_LIGHT,
    TARGET,
    _t,
    amount_formatter,
    axes,
    category_axis,
    finish,
    is_empty,
    no_data,
    numbers,
    require,
    top_legend,
)


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
    ax = axes(ax)
    if is_empty(frame):
        return no_data(ax, lang, title)
    require(frame, {"x": x, "y": y}, "plot_trend")
    if frame[y].isna().all():
        return no_data(ax, lang, title)
    periods = frame[x].astype(str).tolist()
    positions = category_axis(ax, periods, horizontal=False)
    colors = [PRIMARY if highlight is None or p == str(highlight) else PRIMARY_LIGHT for p in periods]
    bars = ax.bar(positions, numbers(frame[y]), width=0.65, color=colors, label=_t("revenue", lang), **kwargs)
    if target is not None and target in frame.columns and frame[target].notna().any():
        targets = numbers(frame[target])
        (line,) = ax.plot(
            positions, targets, color=TARGET, marker="o", markersize=4, linewidth=1.4, label=_t("target", lang)
        )
        top_legend(ax, handles=[bars, line])
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(amount_formatter(lang))
    ax.set_ylabel(_t("revenue", lang))
    return finish(ax, title)
