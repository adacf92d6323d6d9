"""Turn an executed notebook into a shareable HTML page: code hidden, images embedded, offline."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from ..report import RESULT_MIME
from .notebook_lang import localize_markdown
from .webfont import embed_font

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
    """A copy of ``nb`` fit for readers: no parameter cells, no warnings on stderr, no private payload."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.cell_type == "code" and tags & HIDDEN_TAGS and not show_code:
            continue
        if cell.cell_type == "code":
            outputs = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    continue
                if RESULT_MIME in output.get("data", {}):
                    continue
                outputs.append(output)
            cell.outputs = outputs
        cells.append(cell)
    nb.cells = cells
    return nb


def to_html(nb: nbformat.NotebookNode, *, title: str, show_code: bool = False, lang: str = "zh") -> str:
    """Render ``nb`` to one self-contained HTML page (images are inline base64 PNGs, the CJK font a subset).

    The markdown cells read in ``lang`` (:func:`~salesnb.batch.notebook_lang.localize_markdown`), and the page
    declares it in ``<html lang=...>``.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="salesnb",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=lang,
    )
    shown = localize_markdown(presentable(nb, show_code=show_code), lang)  # presentable made a copy
    body, _ = exporter.from_notebook_node(shown, resources={"metadata": {"name": title}})
    return embed_font(body)
