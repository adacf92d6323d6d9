"""Distribution and ratio charts: box plots against the usual months, goal bars, size-band mix, lead scores."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ...i18n import t
from ..formatting import format_pct
from . import style


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

    ``frame``: one row per observation with the group, the value and ``when`` (``period`` or ``baseline``).

    Parameters
    ----------
    group, value, when : str
        Column names.
    order : list of str, optional
        Groups in display order; default their order of appearance.
    n : int
        Number of usual months (for the legend).
    horizontal : bool
        Draw the boxes horizontally.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.boxplot``.
    """
    ax = style.axes(ax)
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    groups = order or list(dict.fromkeys(frame[group]))
    positions = style.category_axis(ax, groups, horizontal=horizontal)
    handles, fliers = [], []
    for shift, key, color, name in (
        (-0.18, "period", style.PRIMARY, t("proc_when_period", lang)),
        (0.18, "baseline", style.NEUTRAL_LIGHT, t("proc_when_baseline", lang, n=n)),
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
            flierprops={"markersize": 2, "markeredgecolor": style.NEUTRAL},
            medianprops={"color": style.TARGET},
            manage_ticks=False,
            **kwargs,
        )
        for box in parts["boxes"]:
            box.set_facecolor(color)
            box.set_edgecolor(style.NEUTRAL)
        fliers += parts["fliers"]
        handles.append(plt.matplotlib.patches.Patch(facecolor=color, edgecolor=style.NEUTRAL, label=name))
    style.rasterize_if_dense(fliers)
    (ax.set_xlabel if horizontal else ax.set_ylabel)(t("proc_days", lang))
    if handles:
        style.top_legend(ax, handles=handles)
    return style.finish(ax, title)


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

    ``frame``: one row per item, top to bottom.

    Parameters
    ----------
    label, value : str
        Columns with the item name and its ratio (1.0 = 100%).
    goal : float
        Where the goal line is drawn.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.barh``.
    """
    ax = style.axes(ax, rows=0 if frame is None else len(frame))
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    ratios = style.numbers(frame[value])
    colors = [style.BAD if r < goal else style.GOOD for r in np.nan_to_num(ratios, nan=goal)]
    names, texts = frame[label].astype(str).tolist(), [format_pct(r) for r in ratios]
    style.labelled_bars(ax, names, np.nan_to_num(ratios), texts, color=colors, **kwargs)
    style.reference_line(ax, goal)
    ax.set_xlim(0, 1.15)
    ax.xaxis.set_major_formatter(style.pct_formatter())
    return style.finish(ax, title)


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

    ``frame``: one row per source and band (as :func:`salesnb.process.lead_fit_frame` returns it).

    Parameters
    ----------
    bands : list of str
        Band labels in order (smallest first).
    source, band, share, usual : str
        Column names.
    n : int
        Number of usual months (for the row labels).
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.barh``.
    """
    sources = list(dict.fromkeys(frame[source])) if not style.is_empty(frame) else []
    ax = style.axes(ax, rows=2 * len(sources))
    if not sources:
        return style.no_data(ax, lang, title)
    labels, now_rows, base_rows = [], [], []
    for name in sources:
        rows = frame[frame[source] == name].set_index(band)
        labels += [f"{name} · {t('proc_when_period', lang)}", f"{name} · {t('proc_when_baseline', lang, n=n)}"]
        now_rows.append([float(rows[share].get(b, 0.0)) for b in bands])
        base = rows[usual].reindex(bands).fillna(0.0)
        base_rows.append(list(base.to_numpy(dtype=float)))
    matrix = np.array([row for pair in zip(now_rows, base_rows, strict=True) for row in pair])
    positions = style.category_axis(ax, labels, horizontal=True)
    left = np.zeros(len(labels))
    colors = [style.BAD, style.PRIMARY_LIGHT, style.PRIMARY, "#1F3E5C", style.NEUTRAL]
    for k, name in enumerate(bands):
        ax.barh(positions, matrix[:, k], left=left, height=0.7, color=colors[k % len(colors)], label=name, **kwargs)
        left += matrix[:, k]
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(style.pct_formatter())
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=len(bands), borderaxespad=0.2)
    return style.finish(ax, title)


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

    ``frame``: one row per lead, best first.

    Parameters
    ----------
    label, value : str
        Columns with the lead's label and its score.
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.barh``.
    """
    ax = style.axes(ax, rows=0 if frame is None else len(frame))
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    scores = style.numbers(frame[value])
    names, texts = frame[label].astype(str).tolist(), [format_pct(s) for s in scores]
    style.labelled_bars(ax, names, np.nan_to_num(scores), texts, color=style.PRIMARY, **kwargs)
    ax.set_xlim(0, min(1.0, max(np.nanmax(scores), 0.05) * 1.3))
    ax.xaxis.set_major_formatter(style.pct_formatter())
    ax.set_xlabel(t("proc_score", lang))
    return style.finish(ax, title)
