"""Service charts: response-time boxes against an SLA, and one line per category over the months."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ...i18n import t
from . import style


def plot_response_times(
    rows: pd.DataFrame,
    *,
    category: str = "category",
    hours: str = "response_hours",
    sla_hours: float | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Box plot of first-response hours per category on a log scale, with the SLA as a vertical line.

    ``rows``: one row per ticket.

    Parameters
    ----------
    category, hours : str
        Columns with the category and the hours to first response (missing = not answered, left out).
    sla_hours : float, optional
        Where to draw the SLA line.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.boxplot``.
    """
    data = rows.dropna(subset=[hours]) if rows is not None and len(rows) else rows
    names = sorted(data[category].unique().tolist()) if data is not None and len(data) else []
    ax = style.axes(ax, rows=len(names))
    if not names:
        return style.no_data(ax, lang, title)
    values = [np.clip(data.loc[data[category] == n, hours].to_numpy(dtype=float), 0.05, None) for n in names]
    box = ax.boxplot(values, orientation="horizontal", widths=0.55, patch_artist=True, **kwargs)
    for patch in box["boxes"]:
        patch.set(facecolor=style.PRIMARY_LIGHT, edgecolor=style.PRIMARY)
    for median in box["medians"]:
        median.set(color=style.PRIMARY, linewidth=1.5)
    style.rasterize_if_dense(box["fliers"])
    ax.set_yticks(np.arange(1, len(names) + 1), labels=names)
    style.log_scale(ax)
    if sla_hours:
        ax.axvline(sla_hours, color=style.BAD, linestyle="--", linewidth=1.2)
        label = f" {t('sup_sla_line', lang, h=f'{sla_hours:g}')}"
        ax.text(sla_hours, len(names) + 0.45, label, color=style.BAD, fontsize=8)
    ax.set_xlabel(t("sup_hours", lang))
    ax.grid(axis="x", color=style.GRID, linewidth=0.6)
    return style.finish(ax, title)


def plot_lines(
    frame: pd.DataFrame,
    *,
    x: str = "period",
    columns: list[str] | None = None,
    highlight: str | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """One line per column over the months (counts), the report month marked with a shaded band.

    ``frame``: one row per month.

    Parameters
    ----------
    x : str
        Column with the month label.
    columns : list of str, optional
        Columns drawn as lines (default: every column but ``x``).
    highlight : str, optional
        The month to shade.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to every ``ax.plot``.
    """
    ax = style.axes(ax)
    if frame is None or frame.empty:
        return style.no_data(ax, lang, title)
    columns = columns or [c for c in frame.columns if c != x]
    periods = frame[x].astype(str).tolist()
    positions = style.category_axis(ax, periods, horizontal=False)
    for k, column in enumerate(columns):
        values = frame[column].to_numpy(dtype=float)
        color = style.PALETTE[k % len(style.PALETTE)]
        ax.plot(positions, values, marker="o", markersize=3, color=color, label=column, **kwargs)
    if highlight in periods:
        i = periods.index(highlight)
        ax.axvspan(i - 0.4, i + 0.4, color=style.NEUTRAL_LIGHT, alpha=0.5, zorder=0)
    ax.set_ylim(bottom=0)
    style.top_legend(ax)
    return style.finish(ax, title)
