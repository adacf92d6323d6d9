"""Notebook prose in the report language.

A notebook's markdown cells are written in Chinese (the cell source: what JupyterLab shows) and carry their
other languages in the cell metadata, ``cell.metadata["salesnb"] = {"en": "<English markdown>"}``. Before a page
is rendered for ``lang="en"`` the runner swaps each source for its translation, so the headings and paragraphs
read in the same language as the panels.
"""

from __future__ import annotations

import nbformat

SOURCE_LANG = "zh"  # the language of the cell sources themselves
METADATA_KEY = "salesnb"


def translation(cell: nbformat.NotebookNode, lang: str) -> str | None:
    """The markdown of ``cell`` in ``lang`` kept in its metadata, or ``None`` when there is none."""
    text = cell.get("metadata", {}).get(METADATA_KEY, {}).get(lang)
    return text if isinstance(text, str) and text.strip() else None


def localize_markdown(nb: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    """Replace every markdown cell's source of ``nb`` by its ``lang`` version, IN PLACE; return ``nb``.

    Works in place because the renderer calls it on the copy :func:`~salesnb.batch.rendering.presentable`
    already made (a deep copy of an executed notebook with its images is not free). For the source language
    (``"zh"``), and for a cell without a ``lang`` version, the source is left as it is.
    """
    if lang == SOURCE_LANG:
        return nb
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            text = translation(cell, lang)
            if text is not None:
                cell.source = text
    return nb
