"""The charts' layout computed once from measured text extents: constrained layout's result, at half its cost.

matplotlib's constrained layout engine measures every axes' decorations (tick labels, titles, legends) twice
before each draw, then the draw measures them again: the text layout of tick labels is most of a chart's cost.
:func:`fit_layout` measures once, with the renderer that then draws, places each axes of the figure's grid so
that its decorations end ``w_pad``/``h_pad`` from the figure's edges and its neighbours (what the engine does
for a grid of axes, twins and a suptitle), and measures a second time only when the new axes sizes moved a
tick (a value axis picks its ticks from its length).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
from matplotlib.ticker import ScalarFormatter
from matplotlib.transforms import Bbox

from .ticks import stamp_ticks, unstamp_ticks


@dataclass
class _Grid:
    """The margins the decorations need around each column and row of one grid (figure fractions)."""

    ncols: int
    nrows: int
    left: np.ndarray = field(init=False)
    right: np.ndarray = field(init=False)
    top: np.ndarray = field(init=False)
    bottom: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.left, self.right = np.zeros(self.ncols), np.zeros(self.ncols)
        self.top, self.bottom = np.zeros(self.nrows), np.zeros(self.nrows)


def skip_needless_measuring(figure: object) -> None:
    """Spare matplotlib measurements that cannot move anything on this figure (same pixels, ~20% less time).

    Before every layout pass and draw, matplotlib places each axis label below/beside all the tick labels of
    its axis, and lifts each axes title above any top tick labels or offset text ("1e6"), measuring every tick
    label again each time. An empty axis label draws nothing wherever it is, so it is pinned
    (``set_label_coords``); a title cannot be lifted when no axes of the figure has ticks or a label at the top
    and no y axis can show an offset text (no ``ScalarFormatter``), so its automatic placement is switched off.
    Call just before the figure's last draw: a label set afterwards would stay where it was pinned.
    """
    every = figure.get_axes()
    for ax in every:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                axis.set_label_coords(0.5, 0.5)  # anywhere: an empty text has no extent and draws nothing
    titles_stay = all(
        ax.xaxis.get_ticks_position() == "bottom"
        and ax.xaxis.get_label_position() == "bottom"
        and not isinstance(ax.yaxis.get_major_formatter(), ScalarFormatter)
        and not ax.child_axes
        for ax in every
    )
    if titles_stay:
        for ax in every:
            ax._autotitlepos = False  # what set_title(y=...) sets; set_title itself would reset the title's style


def fits_its_canvas(figure: object) -> bool:
    """Whether the figure's layout engine (constrained or tight) keeps every label inside the canvas."""
    return isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine | TightLayoutEngine)


def has_constrained_layout(figure: Figure) -> bool:
    """Whether ``figure`` would be laid out by matplotlib's constrained layout engine at its next draw."""
    return isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)


def fit_layout(figure: Figure, renderer: object) -> bool:
    """Lay out a figure made with ``layout="constrained"`` once, measuring with ``renderer``; then no engine.

    The engine's padding parameters (``w_pad``, ``h_pad``, ``wspace``, ``hspace``) are kept. Returns ``False``
    (and leaves the engine in place) for a figure this cannot lay out: axes outside a grid, sub-figures, or
    decorations larger than the figure.
    """
    engine = figure.get_layout_engine()
    axes = [ax for ax in figure.get_axes() if ax.get_in_layout()]
    grids = {id(ax.get_subplotspec().get_gridspec()) for ax in axes if ax.get_subplotspec() is not None}
    if not axes or figure.subfigs or len(grids) != 1 or any(ax.get_subplotspec() is None for ax in axes):
        return False
    params = engine.get()
    width, height = figure.get_size_inches()
    pads = (params["w_pad"] / width, params["h_pad"] / height, params["wspace"], params["hspace"])
    for _ in range(2):  # a second pass only when the first moved a tick (the ticks it measured are gone)
        measured = _shown_ticks(axes)
        if not _place(figure, axes, renderer, pads):
            return False
        if _shown_ticks(axes) == measured:
            break
    figure.set_layout_engine("none")
    return True


def settle_titles(figure: Figure) -> None:
    """Keep each axes' titles where the last measurement left them, when nothing lifted them off the axes' top.

    Before every draw matplotlib lifts a title above whatever the axes shows at its top (top ticks, the y axis'
    offset text), measuring every tick label again. A title still at ``y=1.0`` after :func:`fit_layout`
    measured the figure has nothing to clear: its automatic placement is switched off (what
    ``set_title(y=...)`` does; ``set_title`` itself would reset the title's style).
    """
    for ax in figure.get_axes():
        titles = (ax.title, ax._left_title, ax._right_title)
        if not ax.child_axes and all(title.get_position()[1] == 1.0 for title in titles):
            ax._autotitlepos = False


def _shown_ticks(axes: list) -> list:
    """Each axis' drawn ticks as (place, label): what the layout measured; the ticks a draw would update anyway."""
    return [
        tuple((tick.get_loc(), tick.label1.get_text(), tick.label2.get_text()) for tick in axis._update_ticks())
        for ax in axes
        for axis in (ax.xaxis, ax.yaxis)
    ]


def _place(figure: Figure, axes: list, renderer: object, pads: tuple[float, float, float, float]) -> bool:
    """Measure each axes' decorations where it stands and move the axes so that they fit; False if they cannot."""
    w_pad, h_pad, wspace, hspace = pads
    gridspec = axes[0].get_subplotspec().get_gridspec()
    nrows, ncols = gridspec.get_geometry()
    grid = _Grid(ncols, nrows)
    to_figure = figure.transFigure.inverted()
    for ax in axes:
        spec = ax.get_subplotspec()
        position = ax.get_position(original=True)
        box = ax.get_tightbbox(renderer, for_layout_only=True)
        box = position if box is None else Bbox(to_figure.transform(box.get_points()))
        first_col, last_col = spec.colspan.start, spec.colspan.stop - 1
        first_row, last_row = spec.rowspan.start, spec.rowspan.stop - 1
        grid.left[first_col] = max(grid.left[first_col], position.x0 - box.x0)
        grid.right[last_col] = max(grid.right[last_col], box.x1 - position.x1)
        grid.top[first_row] = max(grid.top[first_row], box.y1 - position.y1)
        grid.bottom[last_row] = max(grid.bottom[last_row], position.y0 - box.y0)
    top_reserve = _place_suptitle(figure, renderer, h_pad)
    # between two cells, each side keeps at least half the engine's wspace/hspace shared among the cells
    col_gap = max(w_pad, wspace / 2 / ncols)
    row_gap = max(h_pad, hspace / 2 / nrows)
    xs = _edges(grid.left, grid.right, gridspec.get_width_ratios(), w_pad, col_gap, 0.0, 1.0)
    ys = _edges(grid.top, grid.bottom, gridspec.get_height_ratios(), h_pad, row_gap, top_reserve, 1.0)  # from the top
    if xs is None or ys is None:
        return False
    for ax in axes:
        spec = ax.get_subplotspec()
        x0, x1 = xs[spec.colspan.start][0], xs[spec.colspan.stop - 1][1]
        y1, y0 = ys[spec.rowspan.start][0], ys[spec.rowspan.stop - 1][1]  # rows run top to bottom
        ax._set_position(Bbox.from_extents(x0, 1.0 - y0, x1, 1.0 - y1), which="both")
    return True


def _place_suptitle(figure: Figure, renderer: object, h_pad: float) -> float:
    """Put an automatically placed suptitle ``h_pad`` below the top; the height it takes from the grid."""
    title = figure._suptitle
    if title is None or not title.get_in_layout() or not getattr(title, "_autopos", False):
        return 0.0
    title.set_y(1.0 - h_pad)
    box = title.get_tightbbox(renderer).transformed(figure.transFigure.inverted())
    return box.height + 2 * h_pad


def _edges(
    before: np.ndarray, after: np.ndarray, ratios: list | None, pad: float, gap: float, start: float, stop: float
) -> list[tuple[float, float]] | None:
    """Where each cell's axes begins and ends along one direction (from ``start``), given its margins and ratios.

    ``before``/``after`` are the decorations' extents on each side of the cells; the outer sides keep ``pad``
    to the figure's edge and the inner sides ``gap`` each. ``None`` when the decorations leave no room.
    """
    count = len(before)
    ratios = np.ones(count) if ratios is None else np.asarray(ratios, dtype=float)
    spaces = [(pad if i == 0 else gap) + (pad if i == count - 1 else gap) for i in range(count)]
    room = (stop - start) - float(np.sum(before) + np.sum(after) + np.sum(spaces))
    if room <= 0:
        return None
    edges, at = [], start
    for i in range(count):
        at += (pad if i == 0 else gap) + before[i]
        size = room * ratios[i] / ratios.sum()
        edges.append((at, at + size))
        at += size + after[i] + (pad if i == count - 1 else gap)
    return edges


@contextmanager
def ticks_updated_once(figure: Figure) -> Iterator[None]:
    """Within the block, each axis updates and measures its ticks once per axes place and view limits.

    A render asks every axis for its ticks (locator, formatter, each tick moved and relabelled) and their labels'
    boxes three to five times: the layout's measuring, the axis label's placement (once for the layout, once for
    the draw) and the draw itself. Between two of these asks only the axes' place can change (the layout moves
    it), so the answer is kept under the axes' box and the axis' view limits and given again while they stand:
    the same ticks, the same boxes, the same drawing. The ticks the render adds are copies of a model tick
    (:func:`~salesnb.display.plotting.ticks.stamp_ticks`). Outside the block the axes are as they were.
    """
    axes = [axis for ax in figure.get_axes() for axis in (ax.xaxis, ax.yaxis)]
    stamped = [axis for axis in axes if stamp_ticks(axis)]
    for axis in axes:
        _remember_ticks(axis)
    try:
        yield
    finally:
        for axis in axes:
            for name in ("_update_ticks", "_get_ticklabel_bboxes"):
                axis.__dict__.pop(name, None)
        for axis in stamped:
            unstamp_ticks(axis)


def _remember_ticks(axis: object) -> None:
    """Give ``axis`` instance-level ``_update_ticks``/``_get_ticklabel_bboxes`` that reuse their last answer."""
    update, boxes = axis._update_ticks, axis._get_ticklabel_bboxes  # the class' methods, bound
    kept: dict = {}

    def where() -> tuple:
        return (tuple(axis.axes.bbox.bounds), tuple(axis.get_view_interval()))

    def update_ticks() -> list:
        key = where()
        if kept.get("ticks_key") != key:
            kept.clear()
            kept["ticks_key"], kept["ticks"] = key, update()
        return kept["ticks"]

    def ticklabel_bboxes(ticks: list, renderer: object) -> tuple:
        if ticks is not kept.get("ticks"):  # not the kept ticks (a caller's own list): measured as asked
            return boxes(ticks, renderer)
        key = (where(), id(renderer))
        if kept.get("boxes_key") != key:
            kept["boxes_key"], kept["boxes"] = key, boxes(ticks, renderer)
        return kept["boxes"]

    axis._update_ticks, axis._get_ticklabel_bboxes = update_ticks, ticklabel_bboxes
