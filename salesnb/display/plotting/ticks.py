"""New ticks as copies of one made the usual way: a chart's ticks at a third of their cost.

An axis makes a tick whenever it needs one more (a category label, a value the locator picks): three lines, two
texts and their style read from ``rcParams`` and the axis' tick keywords, about 1 ms each, twenty to forty ticks
per chart. :class:`TickStamp` takes the axis' place as the maker of new ticks (``axis._get_tick``, the one
method matplotlib calls for a fresh tick): it makes one tick the usual way and then gives out copies of it, each
with its own mutable parts (callbacks, font properties, data lists), as long as the axis' tick keywords and
``rcParams`` stay what they were when the model tick was made (otherwise it makes a new model). matplotlib then
treats a copy as the tick it asked for (it copies the first tick's properties onto it, moves and labels it):
the chart draws the same bytes. That copying of the first tick's properties (``axis._copy_tick_props``) shares
the first tick's marker styles instead of deep-copying them (:class:`PropsCopier`): matplotlib never changes a
``MarkerStyle`` in place (a line given a new marker or fill style gets a new one), so a shared one draws the same.
"""

from __future__ import annotations

import copy

import matplotlib as mpl
import numpy as np
from matplotlib import cbook
from matplotlib import lines as mlines
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path

_PARTS = ("tick1line", "tick2line", "gridline", "label1", "label2")


class TickStamp:
    """A replacement for ``axis._get_tick(major)`` that copies a model tick (see the module docstring)."""

    def __init__(self, axis: object) -> None:
        self.axis = axis
        self.models: dict[bool, tuple[dict, dict, object]] = {}  # major -> (tick keywords, rcParams, tick)

    def __call__(self, major: bool) -> object:
        axis = self.axis
        keywords = axis._major_tick_kw if major else axis._minor_tick_kw
        kept = self.models.get(major)
        try:
            fresh = kept is not None and kept[0] == keywords and dict.__eq__(mpl.rcParams, kept[1])
        except (TypeError, ValueError):  # a keyword value that does not compare (an array): no copies
            return type(axis)._get_tick(axis, major)
        if not fresh:
            model = type(axis)._get_tick(axis, major)
            self.models[major] = (dict(keywords), dict.copy(mpl.rcParams), model)
            return _copy_tick(model)
        return _copy_tick(kept[2])


class PropsCopier:
    """A replacement for ``axis._copy_tick_props(src, dest)`` sharing ``src``'s marker styles with ``dest``."""

    def __init__(self, axis: object) -> None:
        self.axis = axis

    def __call__(self, src: object, dest: object) -> None:
        mlines.MarkerStyle = _shared_marker_style  # what Line2D.update_from copies the marker with
        try:
            type(self.axis)._copy_tick_props(self.axis, src, dest)
        finally:
            mlines.MarkerStyle = MarkerStyle


def _shared_marker_style(marker: object = None, fillstyle: object = None, **kwargs: object) -> MarkerStyle:
    if isinstance(marker, MarkerStyle) and fillstyle is None and not any(v is not None for v in kwargs.values()):
        return marker
    return MarkerStyle(marker, fillstyle, **kwargs)


def stamp_ticks(axis: object) -> bool:
    """Make ``axis`` copy its new ticks from a model tick (and share marker styles); False if it already does."""
    if isinstance(vars(axis).get("_get_tick"), TickStamp):
        return False
    axis._get_tick, axis._copy_tick_props = TickStamp(axis), PropsCopier(axis)
    return True


def unstamp_ticks(axis: object) -> None:
    """Let ``axis`` make its new ticks the usual way again."""
    vars(axis).pop("_get_tick", None)
    vars(axis).pop("_copy_tick_props", None)


def _copy_tick(model: object) -> object:
    tick = _copy_artist(model)
    for name in _PARTS:
        setattr(tick, name, _copy_artist(getattr(model, name)))
    return tick


def _copy_artist(artist: object) -> object:
    """``artist`` with its own copy of whatever of it is changed in place (lists, arrays, fonts, callbacks)."""
    state = artist.__dict__.copy()
    for name, value in state.items():
        if isinstance(value, list | np.ndarray):
            state[name] = value.copy()
        elif isinstance(value, Path):
            state[name] = copy.copy(value)
    state["_callbacks"] = cbook.CallbackRegistry(signals=["pchanged"])
    if "_fontproperties" in state:
        state["_fontproperties"] = state["_fontproperties"].copy()
    if state.get("_sticky_edges") is not None:
        state["_sticky_edges"] = type(state["_sticky_edges"])(state["_sticky_edges"].x[:], state["_sticky_edges"].y[:])
    clone = object.__new__(type(artist))
    clone.__dict__.update(state)
    return clone
