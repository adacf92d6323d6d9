"""A report section's result: a table, an optional chart and an optional note, displayed together."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd


def figure_alt_text(figure: object) -> str:
    """The chart's titles (suptitle, then each axes' title) as one line: the image's alternative text."""
    parts = []
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        parts.append(suptitle.get_text())
    for ax in figure.get_axes():
        parts += [ax.get_title(loc) for loc in ("left", "center", "right") if ax.get_title(loc)]
    return " / ".join(dict.fromkeys(parts))


def figure_image(figure: object, dpi: int = 110) -> object:
    """The figure as an embedded PNG with its titles as alternative text, closed afterwards.

    Rendering here rather than through the kernel's matplotlib backend gives the same image in JupyterLab,
    under papermill and in a warm batch kernel, whatever ``MPLBACKEND`` the environment sets.
    """
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    alt = figure_alt_text(figure)
    plt.close(figure)
    return Image(data=buffer.getvalue(), format="png", alt=alt or None)


PanelFunction = TypeVar("PanelFunction", bound=Callable[..., Any])

MAX_TABLE_ROWS = 100  # a page stays readable (and light) for a company with thousands of reps or customers


@dataclass
class Panel:
    """What one notebook cell shows.

    ``frame`` holds the raw numbers (for tests and JSON); ``table`` is the same data formatted for
    reading; ``figure`` is a matplotlib figure or ``None``; ``note`` a one-line remark (e.g. a
    section skipped because a table is missing).
    """

    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    table: pd.DataFrame | None = None
    figure: object | None = None
    note: str = ""

    @classmethod
    def skipped(cls, note: str) -> Panel:
        """A panel that only says why its section could not run."""
        return cls(note=note)

    @property
    def is_skipped(self) -> bool:
        return self.frame.empty and self.figure is None and bool(self.note)

    def note_html(self) -> str:
        if not self.note:
            return ""
        return f'<p class="salesnb-note" style="color:#8a5a00">ⓘ {html.escape(self.note)}</p>'

    def _ipython_display_(self) -> None:  # pragma: no cover - exercised through notebooks
        from IPython.display import HTML, display

        if self.figure is not None:
            display(figure_image(self.figure))
        if self.note:
            display(HTML(self.note_html()))
        if self.table is not None and not self.table.empty:
            display(HTML(self.table_html()))

    def table_html(self, max_rows: int = MAX_TABLE_ROWS) -> str:
        """The table as escaped HTML, cut to its first ``max_rows`` rows (the panels sort what matters first).

        The whole table stays in :attr:`table` and the numbers in :attr:`frame`.
        """
        table = self.table if self.table is not None else pd.DataFrame()
        shown = table.head(max_rows)
        out = shown.to_html(index=False, escape=True, border=0, classes="salesnb-table")
        if len(table) > max_rows:
            out += (
                f'<p class="salesnb-note" style="color:#888">前 {max_rows} 行，共 {len(table):,} 行 · '
                f"first {max_rows} of {len(table):,} rows</p>"
            )
        return out


def needs(*tables: str) -> Callable[[PanelFunction], PanelFunction]:
    """Decorate a panel function ``f(report, ...)`` so that it runs only when the data has all of ``tables``.

    Otherwise the decorated function returns ``report.needs(*tables)``: the skipped panel naming the missing
    tables. The one spelling of a section's "needs these tables" check, written above its ``def``.
    """

    def decorate(panel: PanelFunction) -> PanelFunction:
        @functools.wraps(panel)
        def checked(report: Any, *args: Any, **kwargs: Any) -> Any:
            skipped = report.needs(*tables)
            return skipped if skipped is not None else panel(report, *args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate
