"""A report section's result: a table, an optional chart and an optional note, displayed together."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from .formatting import MISSING


def figure_alt_text(figure: object) -> str:
    """The chart's titles (suptitle, then each axes' title) as one line: the image's alternative text."""
    parts = []
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        parts.append(suptitle.get_text())
    for ax in figure.get_axes():
        parts += [ax.get_title(loc) for loc in ("left", "center", "right") if ax.get_title(loc)]
    return " / ".join(dict.fromkeys(parts))


STYLED_COLUMNS = 12  # the page template lays out columns 1..12 by class (text-c2 ..., wrap-c1 ...)
WRAP_CHARS = 12  # a column with a longer text may wrap; others keep each cell on one line
_NUMBER_CELL = re.compile(r"[-+−]?[¥$]?\d[\d,]*(\.\d+)?\s*(万|亿|K|M|B|%|pp|x|×|倍)?")  # what formatting writes
PNG_COMPRESS_LEVEL = 3  # zlib level of the charts' PNG: 3 encodes ~2x faster than PIL's 6 for ~2% more bytes


def draw_figure(figure: object, dpi: int = 110) -> object:
    """The figure drawn once at ``dpi`` on white by Agg, as an RGB ``PIL.Image`` (its whole canvas).

    For a figure laid out by matplotlib's constrained (or tight) layout engine, which already fits its canvas.
    The alpha channel is dropped: the white figure background makes every pixel opaque.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    from .plotting.layout import skip_needless_measuring

    figure.set_dpi(dpi)
    figure.set_facecolor("white")
    skip_needless_measuring(figure)
    canvas = FigureCanvasAgg(figure)  # whatever canvas the backend gave it: Agg draws the same pixels everywhere
    canvas.draw()
    size = canvas.get_width_height(physical=True)
    return Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")


def figure_png(figure: object, dpi: int = 110) -> bytes:
    """The figure as PNG bytes at ``dpi`` on white (the same bytes on every run).

    A figure that fits its canvas (:func:`fits_its_canvas`) is drawn once (:func:`draw_figure`) and its whole
    canvas encoded: ``bbox_inches="tight"`` would draw it a second time only to measure the box to crop to.
    A figure without a layout engine (e.g. one a notebook made itself) keeps the tight crop, so none of its
    labels is cut. zlib runs at :data:`PNG_COMPRESS_LEVEL`.
    """
    import io

    from .plotting.layout import fits_its_canvas

    buffer = io.BytesIO()
    if fits_its_canvas(figure):
        draw_figure(figure, dpi).save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL, dpi=(dpi, dpi))
    else:
        options = {"compress_level": PNG_COMPRESS_LEVEL}
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white", pil_kwargs=options)
    return buffer.getvalue()


class ChartImage:
    """A chart as notebooks and pages show it: inline SVG (:func:`~salesnb.display.chart_svg.figure_svg`)."""

    def __init__(self, svg: str) -> None:
        self.svg = svg

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        return {"image/svg+xml": self.svg}


def figure_image(figure: object, dpi: int = 110) -> ChartImage:
    """The figure as an inline SVG chart with its titles as its label, closed afterwards.

    Rendering here rather than through the kernel's matplotlib backend gives the same chart in JupyterLab,
    under papermill and in a warm batch kernel, whatever ``MPLBACKEND`` the environment sets. SVG rather than
    PNG: no rasterising and no PNG encoding (a third of a chart's cost), text the page's font draws sharply.
    """
    import matplotlib.pyplot as plt

    from .chart_svg import figure_svg

    alt = figure_alt_text(figure)
    plt.close(figure)  # out of pyplot's figure list first: the drawing below needs no figure manager
    return ChartImage(figure_svg(figure, dpi=dpi, alt=alt))


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
        out = shown.to_html(
            index=False, escape=True, border=0, classes=" ".join(["salesnb-table", *column_classes(shown)])
        )
        if len(table) > max_rows:
            out += (
                f'<p class="salesnb-note" style="color:#888">前 {max_rows} 行，共 {len(table):,} 行 · '
                f"first {max_rows} of {len(table):,} rows</p>"
            )
        return out


def column_classes(table: pd.DataFrame) -> list[str]:
    """The classes the page template lays the table's columns out by.

    ``text-cN`` left-aligns column N when most of its filled cells are words, not numbers as
    :mod:`~salesnb.display.formatting` writes them (``279.3万``, ``-12.2%``, ``1,234``; ``—`` and empty cells
    count neither way). ``wrap-cN`` lets column N wrap when it holds a text longer than ``WRAP_CHARS``; other
    cells stay on one line, so ``69.2万`` is never split.
    """
    classes: list[str] = []
    for position in range(min(table.shape[1], STYLED_COLUMNS)):
        cells = [text for text in (_cell_text(v) for v in table.iloc[:, position]) if text]
        words = sum(not _NUMBER_CELL.fullmatch(cell) for cell in cells)
        if position and cells and words * 2 > len(cells):
            classes.append(f"text-c{position + 1}")
        if any(len(cell) > WRAP_CHARS for cell in cells):
            classes.append(f"wrap-c{position + 1}")
    return classes


def _cell_text(value: object) -> str:
    """A cell's shown text, ``""`` when it shows nothing (empty, NA or the missing mark ``—``)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value).strip()
    return "" if text == MISSING else text


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
