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
        self.models: dict[bool, tuple[dict, dict, _Plan]] = {}  # major -> (tick keywords, rcParams, model tick)

    def __call__(self, major: bool) -> object:
        axis = self.axis
        keywords = axis._major_tick_kw if major else axis._minor_tick_kw
        kept = self.models.get(major)
        try:
            fresh = kept is not None and kept[0] == keywords and dict.__eq__(mpl.rcParams, kept[1])
        except (TypeError, ValueError):  # a keyword value that does not compare (an array): no copies
            return type(axis)._get_tick(axis, major)
        if not fresh:
            model = _Plan(type(axis)._get_tick(axis, major))
            kept = self.models[major] = (dict(keywords), dict.copy(mpl.rcParams), model)
        return kept[2].copy()


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


class _Plan:
    """How to copy one model tick: each of its artists' state and which of its values to copy, found once.

    The model is never handed out (only its copies are), so what of it changes in place stays where it was.
    """

    def __init__(self, model: object) -> None:
        self.tick = _ArtistPlan(model)
        self.parts = [(name, _ArtistPlan(getattr(model, name))) for name in _PARTS]

    def copy(self) -> object:
        tick = self.tick.copy()
        for name, part in self.parts:
            setattr(tick, name, part.copy())
        return tick


class _ArtistPlan:
    """One artist copied with its own copy of whatever of it changes in place (lists, arrays, fonts, callbacks)."""

    def __init__(self, artist: object) -> None:
        self.type, self.state = type(artist), artist.__dict__
        self.copied = [name for name, value in self.state.items() if isinstance(value, list | np.ndarray)]
        self.paths = [name for name, value in self.state.items() if isinstance(value, Path)]
        self.font = "_fontproperties" in self.state
        self.sticky = self.state.get("_sticky_edges") is not None

    def copy(self) -> object:
        state = self.state.copy()
        for name in self.copied:
            state[name] = state[name].copy()
        for name in self.paths:
            state[name] = copy.copy(state[name])
        state["_callbacks"] = cbook.CallbackRegistry(signals=["pchanged"])
        if self.font:
            state["_fontproperties"] = state["_fontproperties"].copy()
        if self.sticky:
            edges = state["_sticky_edges"]
            state["_sticky_edges"] = type(edges)(edges.x[:], edges.y[:])
        clone = object.__new__(self.type)
        clone.__dict__.update(state)
        return clone
