"""Charts of people: the Lorenz curve of rep revenue, activity against revenue, target realism, commission."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ...i18n import t
from ..formatting import format_amount
from .lines import plot_trend
from .style import (
    BAD,
    DPI,
    GRID,
    NEUTRAL,
    PALETTE,
    PRIMARY,
    PRIMARY_LIGHT,
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


def plot_lorenz(
    frame: pd.DataFrame,
    *,
    x: str = "rep_share",
    y: str = "revenue_share",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a Lorenz curve (cumulative share of reps against cumulative share of revenue) and the equality line.

    Parameters
    ----------
    frame : pandas.DataFrame
        Points from (0, 0) to (1, 1), as :func:`salesnb.team.lorenz_points` returns them.
    x, y : str
        Columns with the cumulative share of reps and of revenue.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to the curve's ``ax.plot``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 4.2), dpi=DPI, layout="constrained")
    if frame is None or len(frame) < 2:
        return no_data(ax, lang, title)
    xs, ys = frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float)
    ax.plot([0, 1], [0, 1], color=NEUTRAL, linestyle="--", linewidth=1, label=t("team_equality", lang))
    ax.plot(xs, ys, color=PRIMARY, marker="o", markersize=3, linewidth=1.6, label=t("revenue", lang), **kwargs)
    ax.fill_between(xs, ys, xs, color=PRIMARY_LIGHT, alpha=0.35)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_formatter(pct_formatter())
    ax.yaxis.set_major_formatter(pct_formatter())
    ax.set_xlabel(t("team_cum_reps", lang))
    ax.set_ylabel(t("team_cum_revenue", lang))
    ax.grid(color=GRID, linewidth=0.6)
    top_legend(ax)
    return finish(ax, title)


def plot_activity(
    frame: pd.DataFrame,
    *,
    x: str = "activities",
    y: str = "revenue",
    label: str = "label",
    flag: str | None = "flagged",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Scatter of activities against revenue per rep, flagged reps in the problem colour and named.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per rep.
    x, y, label : str
        Columns with the activity count, the revenue and the rep's name.
    flag : str, optional
        Boolean column marking reps to highlight.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax)
    if frame is None or frame.empty:
        return no_data(ax, lang, title)
    flagged = frame[flag].to_numpy(dtype=bool) if flag and flag in frame else np.zeros(len(frame), dtype=bool)
    xs, ys = frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float)
    colors = [BAD if f else PRIMARY for f in flagged]
    ax.scatter(xs, ys, c=colors, s=28, alpha=0.85, **kwargs)
    for xv, yv, name, f in zip(xs, ys, frame[label], flagged, strict=True):
        if f:
            ax.annotate(str(name), (xv, yv), xytext=(4, 3), textcoords="offset points", fontsize=8)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(amount_formatter(lang))
    ax.set_xlabel(t("team_activities", lang))
    ax.set_ylabel(t("revenue", lang))
    ax.grid(color=GRID, linewidth=0.6)
    return finish(ax, title)


def plot_target_realism(
    frame: pd.DataFrame,
    *,
    x: str = "period",
    target: str = "target",
    expected: str = "expected",
    actual: str = "revenue",
    highlight: str | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw actual revenue as bars with the target and the seasonal run-rate as lines.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per month.
    x, target, expected, actual : str
        Columns with the month, the target, the seasonal run-rate and the actual revenue.
    highlight : str, optional
        The report month, drawn darker.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plot_trend(frame, x=x, y=actual, target=None, highlight=highlight, ax=ax, lang=lang, title=title, **kwargs)
    if frame is None or frame.empty:
        return ax
    positions = np.arange(len(frame))
    handles = list(ax.containers[:1])
    for column, color, style, name in (
        (target, TARGET, "-", t("target", lang)),
        (expected, BAD, "--", t("team_expected", lang)),
    ):
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        if not np.isnan(values).all():
            (line,) = ax.plot(positions, values, color=color, linestyle=style, marker="o", markersize=3, label=name)
            handles.append(line)
    top_legend(ax, handles=handles)
    return ax


def plot_commission(
    frame: pd.DataFrame,
    *,
    label: str = "label",
    parts: list[str] | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw each rep's commission as a horizontal bar stacked by tier, the total written at its end.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per rep, in display order (top to bottom).
    label : str
        Column with the rep's name.
    parts : list of str
        Columns stacked left to right (the tiers).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to every ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax, rows=0 if frame is None else len(frame))
    if frame is None or frame.empty or not parts:
        return no_data(ax, lang, title)
    positions = category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    left = np.zeros(len(frame))
    for k, part in enumerate(parts):
        values = frame[part].to_numpy(dtype=float)
        color = PALETTE[k % len(PALETTE)]
        ax.barh(positions, values, left=left, height=0.6, color=color, label=part, **kwargs)
        left += values
    bar_end_labels(ax, positions, left, [format_amount(v, lang) for v in left])
    ax.set_xlim(0, max(left.max(), 1e-9) * 1.2)
    ax.xaxis.set_major_formatter(amount_formatter(lang))
    top_legend(ax)
    return finish(ax, title)
