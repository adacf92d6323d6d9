"""The Pareto chart: items largest first as bars, the cumulative share as a line, an optional share line."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..formatting import format_pct
from . import style


def shorten_labels(names: list[str], width: int) -> list[str]:
    """Names longer than ``width`` cut to ``width - 1`` characters and ``…``, told apart where that makes them alike.

    Names sharing their start all read alike once cut (an ERP's ``Customer#000002398``, ``Customer#000000598``: ten
    bars of "Custome…"; 中国移动通信集团北京有限公司 and …上海有限公司): such a group keeps its end instead
    (``Cus…2398``), else the stretch where its names first differ (``…北京有…``). Names cut to a unique label,
    and names short enough, are kept as they are.
    """
    cut = [n if len(n) <= width else n[: width - 1] + "…" for n in names]
    groups: dict[str, list[int]] = {}
    for k, label in enumerate(cut):
        groups.setdefault(label, []).append(k)
    for label, members in groups.items():
        if len(members) < 2 or not label.endswith("…"):
            continue
        group = [names[k] for k in members]
        tail = max(1, (width - 1) // 2)
        ends = [n[: width - 1 - tail] + "…" + n[-tail:] for n in group]
        differ = next((i for i in range(len(min(group, key=len)) + 1) if len({n[:i] for n in group}) > 1), None)
        if len(set(ends)) < len(ends) and differ is not None:  # alike to their end: where they first differ
            start = max(differ - 2, 0)
            ends = ["…" + n[start : start + width - 2] + "…" for n in group]
        for k, shown in zip(members, ends, strict=True):
            cut[k] = shown
    return cut


def plot_pareto(
    frame: pd.DataFrame,
    *,
    label: str = "name",
    share: str = "share",
    cumulative: str = "cum_share",
    value: str | None = None,
    limit: float | None = None,
    annotate: bool = True,
    max_label: int | None = 8,
    value_label: str | None = None,
    cumulative_label: str | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw each item as a bar with the cumulative share as a line (a Pareto chart).

    Two layouts: without ``value`` the bars are each item's ``share`` and the cumulative line shares their
    percentage axis; with ``value`` the bars are amounts (e.g. revenue) and the cumulative share is drawn on a
    twin percentage axis (0–105%).

    ``frame``: one row per item, largest first.

    Parameters
    ----------
    label, share, cumulative : str
        Columns with the item name, its share (0–1) and the running total of shares (0–1).
    value : str, optional
        Column with the item's amount: bars of amounts, the cumulative share on a twin axis.
    limit : float, optional
        A dashed horizontal line at this share (e.g. a concentration warning level, or 0.8 for the 80/20 rule).
    annotate : bool
        Write the cumulative share above each point of the line.
    max_label : int, optional
        Shorten item names longer than this to ``max_label - 1`` characters and ``…`` (``None``: keep them).
    value_label, cumulative_label : str, optional
        Axis titles of the bars (with ``value``) and of the cumulative share (twin axis).
    ax, lang, title, **kwargs: as every chart (see the package docstring); ``**kwargs`` go to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes
        The bar axes (with ``value``, the cumulative line is on its twin).
    """
    ax = style.axes(ax)
    if style.is_empty(frame):
        return style.no_data(ax, lang, title)
    columns = {"label": label, "cumulative": cumulative, "share" if value is None else "value": value or share}
    style.require(frame, columns, "plot_pareto")
    names = frame[label].astype(str).tolist()
    if max_label:
        names = shorten_labels(names, max_label)
    positions = style.category_axis(ax, names, horizontal=False)
    cum = style.numbers(frame[cumulative])
    if value is None:
        ax.bar(positions, style.numbers(frame[share]), width=0.65, color=style.PRIMARY, **kwargs)
        line_ax = ax
    else:
        ax.bar(positions, style.numbers(frame[value]), width=0.7, color=style.PRIMARY, **kwargs)
        ax.yaxis.set_major_formatter(style.amount_formatter(lang))
        if value_label:
            ax.set_ylabel(value_label)
        line_ax = ax.twinx()
    line_ax.plot(positions, cum, color=style.BAD, marker="o", markersize=3, linewidth=1.4)
    if annotate:
        for x, y in zip(positions, cum, strict=True):
            line_ax.annotate(
                format_pct(y, 0), (x, y), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=7
            )
    if limit is not None:
        style.reference_line(line_ax, limit, vertical=False)
    if value is None:
        ax.set_ylim(0, max(np.nanmax(cum), limit or 0.0) * 1.15 + 1e-9)
    else:
        line_ax.set_ylim(0, 1.05)
        line_ax.spines["right"].set_visible(True)
        if cumulative_label:
            line_ax.set_ylabel(cumulative_label)
    line_ax.yaxis.set_major_formatter(style.pct_formatter())
    return style.finish(ax, title)
