"""Charts of people: the Lorenz curve of rep revenue, activity against revenue, target realism, commission."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ...i18n import t
from ..formatting import format_amount
from . import style
from .figures import subplots
from .lines import plot_trend


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

    ``frame``: points from (0, 0) to (1, 1), as :func:`salesnb.team.lorenz_points` returns them.

    Parameters
    ----------
    x, y : str
        Columns with the cumulative share of reps and of revenue.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to the curve's ``ax.plot``.
    """
    if ax is None:
        _, ax = subplots(figsize=(5.0, 4.2), dpi=style.DPI, layout="constrained")
    if frame is None or len(frame) < 2:
        return style.no_data(ax, lang, title)
    xs, ys = frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float)
    ax.plot([0, 1], [0, 1], color=style.NEUTRAL, linestyle="--", linewidth=1, label=t("team_equality", lang))
    curve = ax.plot(
        xs, ys, color=style.PRIMARY, marker="o", markersize=3, linewidth=1.6, label=t("revenue", lang), **kwargs
    )
    area = ax.fill_between(xs, ys, xs, color=style.PRIMARY_LIGHT, alpha=0.35)
    style.rasterize_if_dense(curve, also=[area])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_formatter(style.pct_formatter())
    ax.yaxis.set_major_formatter(style.pct_formatter())
    ax.set_xlabel(t("team_cum_reps", lang))
    ax.set_ylabel(t("team_cum_revenue", lang))
    ax.grid(color=style.GRID, linewidth=0.6)
    style.top_legend(ax)
    return style.finish(ax, title)


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

    ``frame``: one row per rep.

    Parameters
    ----------
    x, y, label : str
        Columns with the activity count, the revenue and the rep's name.
    flag : str, optional
        Boolean column marking reps to highlight.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.scatter``.
    """
    ax = style.axes(ax)
    if frame is None or frame.empty:
        return style.no_data(ax, lang, title)
    flagged = frame[flag].to_numpy(dtype=bool) if flag and flag in frame else np.zeros(len(frame), dtype=bool)
    xs, ys = frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float)
    colors = [style.BAD if f else style.PRIMARY for f in flagged]
    style.point_cloud(ax, xs, ys, colors, s=28, alpha=0.85, **kwargs)
    for xv, yv, name, f in zip(xs, ys, frame[label], flagged, strict=True):
        if f:
            ax.annotate(str(name), (xv, yv), xytext=(4, 3), textcoords="offset points", fontsize=8)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(style.amount_formatter(lang))
    ax.set_xlabel(t("team_activities", lang))
    ax.set_ylabel(t("revenue", lang))
    ax.grid(color=style.GRID, linewidth=0.6)
    return style.finish(ax, title)


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

    ``frame``: one row per month.

    Parameters
    ----------
    x, target, expected, actual : str
        Columns with the month, the target, the seasonal run-rate and the actual revenue.
    highlight : str, optional
        The report month, drawn darker.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.bar``.
    """
    ax = plot_trend(frame, x=x, y=actual, target=None, highlight=highlight, ax=ax, lang=lang, title=title, **kwargs)
    if frame is None or frame.empty:
        return ax
    positions = np.arange(len(frame))
    handles = list(ax.containers[:1])
    for column, color, dash, name in (
        (target, style.TARGET, "-", t("target", lang)),
        (expected, style.BAD, "--", t("team_expected", lang)),
    ):
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        if not np.isnan(values).all():
            (line,) = ax.plot(positions, values, color=color, linestyle=dash, marker="o", markersize=3, label=name)
            handles.append(line)
    style.top_legend(ax, handles=handles)
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

    ``frame``: one row per rep, in display order (top to bottom).

    Parameters
    ----------
    label : str
        Column with the rep's name.
    parts : list of str
        Columns stacked left to right (the tiers).
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to every ``ax.barh``.
    """
    ax = style.axes(ax, rows=0 if frame is None else len(frame))
    if frame is None or frame.empty or not parts:
        return style.no_data(ax, lang, title)
    positions = style.category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    left = np.zeros(len(frame))
    for k, part in enumerate(parts):
        values = frame[part].to_numpy(dtype=float)
        color = style.PALETTE[k % len(style.PALETTE)]
        ax.barh(positions, values, left=left, height=0.6, color=color, label=part, **kwargs)
        left += values
    style.bar_end_labels(ax, positions, left, [format_amount(v, lang) for v in left])
    ax.set_xlim(0, max(left.max(), 1e-9) * 1.2)
    ax.xaxis.set_major_formatter(style.amount_formatter(lang))
    style.top_legend(ax)
    return style.finish(ax, title)
