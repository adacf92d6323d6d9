"""New chart figures at half their cost: a copy of a blank figure made once, instead of a figure built anew.

Building a figure and its axes (``plt.subplots``: spines, axis, their first ticks, titles, the style read from
``rcParams`` item by item) costs 10-20 ms; restoring the same blank figure from its pickled bytes costs a third
of it. :func:`subplots` keeps one pickled blank figure per shape (grid, size, dpi, layout, sharing) made while
``rcParams`` stood as they stand now, and unpickles a copy. The copy is the figure ``plt.subplots`` would make:
the same artists with the same properties (it draws the same bytes), registered with pyplot like it (a notebook
shows it, ``plt.close`` closes it). A style change (a notebook's ``rcParams``, a ``seaborn`` theme) makes a new
blank figure under the new style, so that a chart follows the style in force when it is made. Its axes make
their ticks as copies of a model tick (:mod:`.ticks`).
"""

from __future__ import annotations

import pickle
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt

from .ticks import stamp_ticks

_BLANKS: dict[tuple, bytes] = {}  # shape -> the pickled blank figure, for _STYLE
_STYLE: list[dict] = [{}]  # the rcParams the blank figures were made under
MAX_BLANKS = 64  # shapes kept (a chart's height follows its rows: a few dozen shapes in a workbook)


def subplots(nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[Any, Any]:
    """``plt.subplots(nrows, ncols, **kwargs)``, the same figure and axes, restored from a kept blank figure.

    ``kwargs`` are ``plt.subplots``' keywords (``figsize``, ``dpi``, ``layout``, ``sharey``, ...) with hashable
    values; an unhashable one (e.g. a ``gridspec_kw`` dict) makes the figure the usual way.
    """
    try:
        key = (nrows, ncols, tuple(sorted(kwargs.items())))
        hash(key)
    except TypeError:
        return plt.subplots(nrows, ncols, **kwargs)
    if not dict.__eq__(mpl.rcParams, _STYLE[0]):  # the style changed: blank figures of the old style are stale
        _BLANKS.clear()
        _STYLE[0] = dict.copy(mpl.rcParams)
    blank = _BLANKS.get(key)
    if blank is None:
        figure, axes = plt.subplots(nrows, ncols, **kwargs)
        if len(_BLANKS) < MAX_BLANKS:
            _BLANKS[key] = pickle.dumps(figure)  # while pyplot holds it: a copy is registered with pyplot too
        return _stamped(figure), axes
    figure = pickle.loads(blank)  # noqa: S301  (bytes this process pickled itself)
    return _stamped(figure), _axes_like_subplots(figure, nrows, ncols, kwargs.get("squeeze", True))


def _stamped(figure: Any) -> Any:
    """The figure, its axes making their new ticks as copies of a model tick (:mod:`.ticks`)."""
    for ax in figure.axes:
        stamp_ticks(ax.xaxis)
        stamp_ticks(ax.yaxis)
    return figure


def _axes_like_subplots(figure: Any, nrows: int, ncols: int, squeeze: bool) -> Any:
    """The figure's axes shaped as ``plt.subplots`` returns them: one Axes, or an array of rows × columns."""
    import numpy as np

    grid = np.empty((nrows, ncols), dtype=object)
    for ax in figure.axes:
        spec = ax.get_subplotspec()
        grid[spec.rowspan.start, spec.colspan.start] = ax
    return grid.item() if squeeze and grid.size == 1 else (grid.squeeze() if squeeze else grid)
