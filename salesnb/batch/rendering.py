"""Turn an executed notebook into a shareable HTML page: code hidden, images embedded, offline."""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from ..report import RESULT_MIME
from .notebook_lang import localize_markdown
from .webfont import embed_font

if TYPE_CHECKING:
    from .page_exporter import PageExporter

HIDDEN_TAGS = {"parameters", "injected-parameters"}
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


def extract_result(nb: nbformat.NotebookNode) -> dict | None:
    """The payload a notebook published with :func:`salesnb.report.publish`, or ``None``."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULT_MIME in data:
                return data[RESULT_MIME]
    return None


def presentable(nb: nbformat.NotebookNode, *, show_code: bool = False) -> nbformat.NotebookNode:
    """A copy of ``nb`` fit for readers: no parameter cells, no warnings on stderr, no private payload.

    Only what changes is copied (the notebook, its cells list, each cell and its outputs list); the outputs
    themselves, images included, are shared with ``nb``, which is left as it is.
    """
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.cell_type == "code" and tags & HIDDEN_TAGS and not show_code:
            continue
        cell = nbformat.NotebookNode(cell)
        if cell.cell_type == "code":
            cell.outputs = [
                output
                for output in cell.get("outputs", [])
                if not (output.get("output_type") == "stream" and output.get("name") == "stderr")
                and RESULT_MIME not in output.get("data", {})
            ]
        cells.append(cell)
    shown = nbformat.NotebookNode(nb)
    shown.cells = cells
    return shown


@functools.lru_cache(maxsize=8)
def _exporter(show_code: bool, lang: str) -> tuple[PageExporter, threading.Lock]:
    """One exporter per (show_code, lang) in the process, with the lock its users take.

    Building one loads the templates and compiles them with jinja (about a second). From one page to the next
    it keeps the markdown it rendered (by text: the same text gives the same HTML whatever page it is on), the
    head's CSS, and its notebook-metadata record, emptied after each page. See
    :mod:`~salesnb.batch.page_exporter` for what it leaves out of nbconvert's work and why.
    """
    from .page_exporter import PageExporter

    exporter = PageExporter(
        template_name="salesnb",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=lang,
    )
    return exporter, threading.Lock()


def to_html(nb: nbformat.NotebookNode, *, title: str, show_code: bool = False, lang: str = "zh") -> str:
    """Render ``nb`` to one self-contained HTML page (charts inline SVG, other images base64, the CJK font a subset).

    The markdown cells read in ``lang`` (:func:`~salesnb.batch.notebook_lang.localize_markdown`), and the page
    declares it in ``<html lang=...>``. The exporter is built once per process and reused (nbconvert copies
    the notebook it is given, so the caller's ``nb`` is never touched).
    """
    shown = localize_markdown(presentable(nb, show_code=show_code), lang)  # presentable made the cells copies
    exporter, lock = _exporter(show_code, lang)
    with lock:
        try:
            body, _ = exporter.from_notebook_node(shown, resources={"metadata": {"name": title}})
        finally:
            exporter._nb_metadata.clear()  # nbconvert keeps each page's metadata by name: not over a year of pages
    return embed_font(body)
