"""Notebooks made of the overview's parameters cell and a few code cells: faults on demand for batch tests."""

from __future__ import annotations

from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]


def write_notebook(path: Path, *sources: str) -> Path:
    """A notebook with the overview's parameters cell followed by ``sources`` as code cells."""
    overview = nbformat.read(REPO / "notebooks" / "overview.ipynb", as_version=4)
    nb = nbformat.v4.new_notebook(metadata=overview.metadata)
    nb.cells = [overview.cells[1]] + [nbformat.v4.new_code_cell(src) for src in sources]
    nbformat.write(nb, path)
    return path
