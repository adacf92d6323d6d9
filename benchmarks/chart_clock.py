"""A stopwatch for the seconds a program spends in matplotlib: how much of a panel is building its chart.

:func:`install` wraps the public functions of ``matplotlib.pyplot`` and the methods of every artist class
(figures, axes, axis, texts, patches, lines, legends...) so that each outermost call into matplotlib from other
code adds its CPU seconds to :data:`SPENT`; calls matplotlib makes to itself are not counted twice. A panel
function's matplotlib seconds are its chart's building (figure, axes, bars, ticks, texts) wherever the calls are
written: in ``salesnb.display.plotting`` or in an angle module. The wrapping costs a microsecond or two per
call: the same for both trees that ``benchmarks/panels.py --against`` compares.
"""

from __future__ import annotations

import functools
import inspect
import pickle
import time
import types

SPENT = [0.0]  # CPU seconds inside matplotlib since install()
_DEPTH = [0]


def _timed(function):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        if _DEPTH[0]:
            return function(*args, **kwargs)
        _DEPTH[0] += 1
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[0] += time.process_time() - started
            _DEPTH[0] -= 1

    timed.__wrapped_by_chart_clock__ = True
    return timed


def _subclasses(cls: type) -> list[type]:
    found, todo = [], [cls]
    while todo:
        current = todo.pop()
        if current not in found:
            found.append(current)
            todo += current.__subclasses__()
    return found


def install() -> None:
    """Wrap matplotlib's entry points (idempotent). Import every matplotlib module the program uses first."""
    import matplotlib.axes  # noqa: F401  (the classes must exist before they are wrapped)
    import matplotlib.axis  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import matplotlib.legend  # noqa: F401
    import matplotlib.pyplot as plt
    from matplotlib.artist import Artist
    from matplotlib.gridspec import GridSpecBase

    for name, value in list(vars(plt).items()):
        if inspect.isfunction(value) and not name.startswith("_") and value.__module__ == plt.__name__:
            if not getattr(value, "__wrapped_by_chart_clock__", False):
                setattr(plt, name, _timed(value))
    try:  # a tree that restores blank figures from pickles: their unpickling is building a chart too
        from salesnb.display.plotting import figures
    except ImportError:
        pass
    else:
        figures.pickle = types.SimpleNamespace(loads=_timed(pickle.loads), dumps=pickle.dumps)
    for cls in _subclasses(Artist) + _subclasses(GridSpecBase):
        for name, value in list(vars(cls).items()):
            public = not name.startswith("_") or name == "__init__"
            if public and inspect.isfunction(value) and not getattr(value, "__wrapped_by_chart_clock__", False):
                setattr(cls, name, _timed(value))
