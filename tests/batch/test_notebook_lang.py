"""Notebook prose per language: the swap at render time, and the committed notebooks' English versions."""

import re
from pathlib import Path

import nbformat
import pytest

from salesnb.batch.notebook_lang import localize_markdown
from salesnb.batch.rendering import to_html

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# A number with a unit restates configuration (a share, an SLA, a window): the panels' notes print the live values.
CONFIG_NUMBER = re.compile(
    r"\d+(\.\d+)?\s*(%|％|个?小时|天|日|周|个?月|hours?\b|days?\b|weeks?\b|months?\b)"
    r"|[一二两三四五六七八九十百]+\s*(个?小时|天|周|个?月)"
    r"|\b(top|Top|TOP)[-\s]?\d+|前\d+"
)


def _tiny() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    english = {"salesnb": {"en": "# Quarterly overview\n\nPlain words."}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 标题\n\n说明。", metadata=english),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("## 没有译文"),
    ]
    return nb


def test_localize_markdown_swaps_sources_in_place():
    nb = _tiny()
    assert localize_markdown(nb, "en") is nb
    # a cell without an English version keeps its source
    assert [c.source for c in nb.cells] == ["# Quarterly overview\n\nPlain words.", "x = 1", "## 没有译文"]


def test_localize_markdown_leaves_chinese_alone():
    nb = _tiny()
    assert [c.source for c in localize_markdown(nb, "zh").cells] == ["# 标题\n\n说明。", "x = 1", "## 没有译文"]


def test_to_html_renders_the_language_and_leaves_the_notebook_alone():
    nb = _tiny()
    page = to_html(nb, title="t", lang="en")
    assert "Quarterly overview" in page and "标题" not in page and '<html lang="en">' in page
    assert nb.cells[0].source == "# 标题\n\n说明。"  # the executed notebook written next to the page stays as it was
    page = to_html(nb, title="t")
    assert "标题" in page and "Quarterly" not in page and '<html lang="zh">' in page


def test_config_number_pattern():
    for text in ("超过50%", "48小时SLA", "近12个月", "连续三天", "近三月", "Top-3", "within 2 hours", "12 months"):
        assert CONFIG_NUMBER.search(text), text
    for text in ("## 1. 核心指标", "## 12. 首次响应速度", "(0–1)", "P90", "BG/NBD", "第几单", "一张表"):
        assert not CONFIG_NUMBER.search(text), text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_markdown_cell_has_english(path):
    nb = nbformat.read(path, as_version=4)
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    assert markdown
    for cell in markdown:
        en = cell.metadata.get("salesnb", {}).get("en", "")
        assert en.strip(), f"{path.name}: no English for {cell.source[:30]!r}"
        assert not CJK.search(en), f"{path.name}: Chinese left in {en[:60]!r}"
        heading, english_heading = cell.source.split("\n")[0], en.split("\n")[0]
        number = re.match(r"(#+\s*(\d+\.)?)?", heading).group(0)  # "## 3." keeps its number
        assert english_heading.startswith(number), f"{path.name}: heading {english_heading!r} lost {number!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_does_not_restate_configuration(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for text in (cell.source, cell.metadata.get("salesnb", {}).get("en", "")):
                found = CONFIG_NUMBER.search(text)
                assert found is None, f"{path.name}: {found.group(0)!r} restates a configured number in {text[:40]!r}"
