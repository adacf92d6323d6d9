"""Line charts: a monthly trend against its baselines."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from . import style


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

    ``frame``: one row per month, in display order.

    Parameters
    ----------
    x, y, target : str
        Columns with the month label, the revenue and the target. The target line is drawn only when the
        column exists and has values; ``target=None`` never draws it.
    highlight : str, optional
        The month (as in ``x``) drawn in the primary colour, the others lighter; ``None`` draws all in primary.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.bar``.
    """
    ax = style.axes(ax)
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    style.require(frame, {"x": x, "y": y}, "plot_trend")
    if frame[y].isna().all():
        return style.no_data(ax, lang, title)
    periods = frame[x].astype(str).tolist()
    values = style.numbers(frame[y])
    positions, bars = style.month_bars(ax, periods, values, highlight, label=style._t("revenue", lang), **kwargs)
    if target is not None and target in frame.columns and frame[target].notna().any():
        targets = style.numbers(frame[target])
        (line,) = ax.plot(
            positions,
            targets,
            color=style.TARGET,
            marker="o",
            markersize=4,
            linewidth=1.4,
            label=style._t("target", lang),
        )
        style.top_legend(ax, handles=[bars, line])
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(style.amount_formatter(lang))
    ax.set_ylabel(style._t("revenue", lang))
    return style.finish(ax, title)
