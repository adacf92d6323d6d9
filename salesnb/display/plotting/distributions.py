"""Distribution and ratio charts: box plots against the usual months, goal bars, size-band mix, lead scores."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ...i18n import t
from ..formatting import format_pct
from .style import (
    BAD,
    GOOD,
    NEUTRAL,
    NEUTRAL_LIGHT,
    PRIMARY,
    PRIMARY_LIGHT,
    TARGET,
    axes,
    bar_end_labels,
    category_axis,
    finish,
    is_empty,
    legend,
    no_data,
    pct_formatter,
)


def plot_boxes(
    frame: pd.DataFrame,
    *,
    group: str = "stage",
    value: str = "days",
    when: str = "when",
    order: list[str] | None = None,
    n: int = 3,
    horizontal: bool = False,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw box plots of ``value`` per group, the month (blue) beside the usual months (grey).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per observation with the group, the value and ``when`` (``period`` or ``baseline``).
    group, value, when : str
        Column names.
    order : list of str, optional
        Groups in display order; default their order of appearance.
    n : int
        Number of usual months (for the legend).
    horizontal : bool
        Draw the boxes horizontally.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plot_trend`; ``**kwargs`` go to ``ax.boxplot``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax)
    if is_empty(frame):
        return no_data(ax, lang, title)
    groups = order or list(dict.fromkeys(frame[group]))
    positions = category_axis(ax, groups, horizontal=horizontal)
    handles = []
    for shift, key, color, name in (
        (-0.18, "period", PRIMARY, t("proc_when_period", lang)),
        (0.18, "baseline", NEUTRAL_LIGHT, t("proc_when_baseline", lang, n=n)),
    ):
        data = [frame.loc[(frame[group] == g) & (frame[when] == key), value].to_numpy(dtype=float) for g in groups]
        keep = [i for i, d in enumerate(data) if len(d)]
        if not keep:
            continue
        parts = ax.boxplot(
            [data[i] for i in keep],
            positions=positions[keep] + shift,
            widths=0.3,
            orientation="horizontal" if horizontal else "vertical",
            patch_artist=True,
            showfliers=True,
            flierprops={"markersize": 2, "markeredgecolor": NEUTRAL},
            medianprops={"color": TARGET},
            manage_ticks=False,
            **kwargs,
        )
        for box in parts["boxes"]:
            box.set_facecolor(color)
            box.set_edgecolor(NEUTRAL)
        handles.append(plt.matplotlib.patches.Patch(facecolor=color, edgecolor=NEUTRAL, label=name))
    (ax.set_xlabel if horizontal else ax.set_ylabel)(t("proc_days", lang))
    if handles:
        legend(ax, handles=handles)
    return finish(ax, title)


def plot_goal_bars(
    frame: pd.DataFrame,
    *,
    label: str = "label",
    value: str = "share",
    goal: float = 0.9,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a ratio per row as horizontal bars against a dashed goal line, bars under the goal in orange.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item, top to bottom.
    label, value : str
        Columns with the item name and its ratio (1.0 = 100%).
    goal : float
        Where the goal line is drawn.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax, rows=0 if frame is None else len(frame))
    if is_empty(frame):
        return no_data(ax, lang, title)
    ratios = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)
    positions = category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    colors = [BAD if r < goal else GOOD for r in np.nan_to_num(ratios, nan=goal)]
    ax.barh(positions, np.nan_to_num(ratios), height=0.6, color=colors, **kwargs)
    ax.axvline(goal, color=TARGET, linestyle="--", linewidth=1)
    bar_end_labels(ax, positions, np.nan_to_num(ratios), [format_pct(r) for r in ratios])
    ax.set_xlim(0, 1.15)
    ax.xaxis.set_major_formatter(pct_formatter())
    return finish(ax, title)


def plot_band_mix(
    frame: pd.DataFrame,
    *,
    bands: list[str],
    source: str = "source",
    band: str = "size_band",
    share: str = "share",
    usual: str = "usual_share",
    n: int = 3,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw each source's company-size mix as two 100% stacked bars: this month and the usual months.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per source and band (as :func:`salesnb.process.lead_fit_frame` returns it).
    bands : list of str
        Band labels in order (smallest first).
    source, band, share, usual : str
        Column names.
    n : int
        Number of usual months (for the row labels).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    sources = list(dict.fromkeys(frame[source])) if not is_empty(frame) else []
    ax = axes(ax, rows=2 * len(sources))
    if not sources:
        return no_data(ax, lang, title)
    labels, now_rows, base_rows = [], [], []
    for name in sources:
        rows = frame[frame[source] == name].set_index(band)
        labels += [f"{name} · {t('proc_when_period', lang)}", f"{name} · {t('proc_when_baseline', lang, n=n)}"]
        now_rows.append([float(rows[share].get(b, 0.0)) for b in bands])
        base = rows[usual].reindex(bands).fillna(0.0)
        base_rows.append(list(base.to_numpy(dtype=float)))
    matrix = np.array([row for pair in zip(now_rows, base_rows, strict=True) for row in pair])
    positions = category_axis(ax, labels, horizontal=True)
    left = np.zeros(len(labels))
    colors = [BAD, PRIMARY_LIGHT, PRIMARY, "#1F3E5C", NEUTRAL]
    for k, name in enumerate(bands):
        ax.barh(positions, matrix[:, k], left=left, height=0.7, color=colors[k % len(colors)], label=name, **kwargs)
        left += matrix[:, k]
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(pct_formatter())
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=len(bands), borderaxespad=0.2)
    return finish(ax, title)


def plot_scores(
    frame: pd.DataFrame,
    *,
    label: str = "label",
    value: str = "score",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw lead scores (0–1) as horizontal bars, best at the top, each ending with its percentage.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per lead, best first.
    label, value : str
        Columns with the lead's label and its score.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax, rows=0 if frame is None else len(frame))
    if is_empty(frame):
        return no_data(ax, lang, title)
    scores = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)
    positions = category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    ax.barh(positions, np.nan_to_num(scores), height=0.6, color=PRIMARY, **kwargs)
    bar_end_labels(ax, positions, np.nan_to_num(scores), [format_pct(s) for s in scores])
    ax.set_xlim(0, min(1.0, max(np.nanmax(scores), 0.05) * 1.3))
    ax.xaxis.set_major_formatter(pct_formatter())
    ax.set_xlabel(t("proc_score", lang))
    return finish(ax, title)
