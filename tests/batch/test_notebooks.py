"""The committed notebooks' parameters cell: its ``thresholds`` example is a live override of the angle's own."""

import ast
from pathlib import Path

import nbformat
import pytest

from salesnb.config import load_config

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def thresholds_example(path: Path) -> dict:
    """The dict after ``e.g.`` in the comment of the ``thresholds`` parameter of the notebook at ``path``."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    line = next(line for line in cell.source.splitlines() if line.startswith("thresholds:"))
    return ast.literal_eval(line.split("#", 1)[1].split("e.g.", 1)[1].strip())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_thresholds_example_is_a_live_override(path):
    example = thresholds_example(path)
    # the overview and the review pack have no thresholds of their own: they show the severity shares
    section = "severity_revenue_share" if path.stem in ("overview", "pack") else path.stem
    assert list(example) == [section], f"{path.name}: the example should override thresholds.{section}"
    config = load_config(None, {"thresholds": example})  # an unknown key raises ConfigError
    for key, value in example[section].items():
        assert config["thresholds"][section][key] == value
