"""Funnel charts: the narrowing funnel, the segment × step conversion grid, the daily conversion watch."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..formatting import format_int, format_pct
from . import style
from .figures import subplots


def plot_funnel(
    frame: pd.DataFrame,
    *,
    label: str = "label",
    value: str = "count",
    share: str = "pct_prev",
    centred: bool = True,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a funnel: one centred horizontal bar per step, narrowing down, labelled with count and % of previous.

    ``frame``: one row per step, top to bottom.

    Parameters
    ----------
    label, value, share : str
        Columns with the step name, its count and its conversion from the previous step (drawn when present).
    centred : bool
        Centre the bars (a funnel); ``False`` starts them at zero (stock per stage).
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.barh``.
    """
    ax = style.axes(ax, rows=0 if frame is None else len(frame))
    if style.is_empty(frame) or not (pd.to_numeric(frame[value], errors="coerce").fillna(0) > 0).any():
        return style.no_data(ax, lang, title)
    counts = pd.to_numeric(frame[value], errors="coerce").fillna(0).to_numpy(dtype=float)
    widest = counts.max()
    positions = style.category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    colors = [style.NEUTRAL if i == 0 else style.PRIMARY for i in range(len(counts))]
    if len(counts) > 1 and centred:
        colors[-1] = style.GOOD
    left = (widest - counts) / 2 if centred else np.zeros(len(counts))
    ax.barh(positions, counts, left=left, height=0.7, color=colors, **kwargs)
    shares = frame[share].to_numpy(dtype=float) if share in frame.columns else np.full(len(counts), np.nan)
    for y, count, pct in zip(positions, counts, shares, strict=True):
        text = format_int(count) + ("" if np.isnan(pct) else f"  ({format_pct(pct, 0)})")
        if count >= widest * 0.35:
            ax.text(widest / 2 if centred else count / 2, y, text, ha="center", va="center", fontsize=8, color="white")
        else:
            end = (widest + count) / 2 if centred else count
            ax.text(end, y, f" {text}", ha="left", va="center", fontsize=8, color=style.TARGET)
    ax.set_xlim(0, widest * 1.05)
    ax.set_xticks([])
    ax.grid(False)
    for side in ("bottom", "left"):
        ax.spines[side].set_visible(False)
    return style.finish(ax, title)


def plot_conversion_matrix(
    frame: pd.DataFrame,
    *,
    row: str = "segment",
    column: str = "label",
    value: str = "pct_prev",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a segment × step grid of conversion ratios, darker where more moves on, each cell labelled.

    ``frame``: long frame, one row per segment and step (as :func:`salesnb.process.funnel_frame` returns it).

    Parameters
    ----------
    row, column, value : str
        Columns with the segment, the step and the ratio.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.imshow``.
    """
    if style.is_empty(frame):
        return style.no_data(style.axes(ax), lang, title)
    rows, columns = list(dict.fromkeys(frame[row].astype(str))), list(dict.fromkeys(frame[column].astype(str)))
    grid = (
        frame.assign(_r=frame[row].astype(str), _c=frame[column].astype(str))
        .pivot_table(index="_r", columns="_c", values=value, aggfunc="first", sort=False, dropna=False)
        .reindex(index=rows, columns=columns)
        .to_numpy(dtype=float)
    )
    if ax is None:
        _, ax = subplots(
            figsize=(max(6.0, 0.9 * len(columns) + 1.5), max(2.4, 0.4 * len(rows) + 1.2)),
            dpi=style.DPI,
            layout="constrained",
        )
    shown = np.clip(grid, 0, 1.5)
    ax.imshow(np.ma.masked_invalid(shown), cmap="Blues", vmin=0, vmax=1.5, aspect="auto", **kwargs)
    ax.set_xticks(
        range(len(columns)),
        labels=columns,
        rotation=30 if len(columns) > 5 else 0,
        ha="right" if len(columns) > 5 else "center",
    )
    ax.set_yticks(range(len(rows)), labels=rows)
    for i in range(len(rows)):
        for j in range(len(columns)):
            if not np.isnan(grid[i, j]):
                ax.text(
                    j,
                    i,
                    format_pct(grid[i, j], 0),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if shown[i, j] > 0.9 else style.TARGET,
                )
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return style.finish(ax, title)


def plot_daily_watch(
    frame: pd.DataFrame,
    *,
    stage: str = "stage",
    date: str = "date",
    value: str = "conversion",
    line: str = "warning_line",
    alert: str = "alert",
    axes: np.ndarray | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> np.ndarray:
    """Draw one small chart per stage: the daily conversion, its dashed warning line, alert days marked.

    ``frame``: one row per stage and day (as :func:`salesnb.process.daily_watch_frame` returns it).

    Parameters
    ----------
    stage, date, value, line, alert : str
        Columns with the stage, the day, the conversion, the warning line and the alert flag.
    axes : numpy.ndarray of Axes, optional
        One axes per stage; new small multiples when ``None``.
    lang, title, **kwargs: as every chart (see the package docstring);
        ``title`` on the first chart, ``**kwargs`` to ``ax.plot``.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
    """
    stages = list(dict.fromkeys(frame[stage])) if not style.is_empty(frame) else []
    if axes is None:
        cols = min(3, max(1, len(stages)))
        rows = max(1, math.ceil(len(stages) / cols))
        _, grid = subplots(
            rows,
            cols,
            figsize=(style.FIGSIZE[0], 2.2 * rows + 0.4),
            dpi=style.DPI,
            layout="constrained",
            sharey=True,
            squeeze=False,
        )
        axes = grid.ravel()
        for extra in axes[len(stages) :]:
            extra.set_visible(False)
    axes = np.atleast_1d(axes)
    if not stages:
        style.no_data(axes[0], lang, title)
        return axes
    for ax, name in zip(axes, stages, strict=False):
        rows = frame[frame[stage] == name]
        ax.plot(rows[date], rows[value], color=style.PRIMARY, linewidth=1.4, **kwargs)
        ax.axhline(float(rows[line].iloc[0]), color=style.BAD, linestyle="--", linewidth=1)
        hit = rows[rows[alert].astype(bool)]
        ax.scatter(hit[date], hit[value], color=style.BAD, s=12, zorder=3)
        ax.set_title(str(name), fontsize=9)
        ax.yaxis.set_major_formatter(style.pct_formatter())
        ax.xaxis.set_major_formatter(plt.matplotlib.dates.DateFormatter("%d"))
        ax.grid(axis="y", color=style.GRID, linewidth=0.6)
        ax.set_ylim(0, 1.05)
    if title:
        axes[0].figure.suptitle(title, x=0.01, ha="left", fontsize=11)
    return axes
