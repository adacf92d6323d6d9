"""Pages: the exporter reused between pages renders what fresh ones would, the notebook is never touched."""

import base64
import copy

import nbformat
import pytest
from page_fonts import small_base_font

from salesnb.batch import rendering, webfont
from salesnb.report import RESULT_MIME

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n not really an image").decode("ascii")


@pytest.fixture(scope="module", autouse=True)
def small_base(tmp_path_factory):
    """A base font of a few characters in a private cache folder, cut once (the real one takes seconds)."""
    yield from small_base_font(tmp_path_factory, "销售额华东北区")


def _notebook(region: str, revenue: int) -> nbformat.NotebookNode:
    """An executed notebook: parameters, a chart with its alt text, a table, a warning, the private payload."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(f'region = "{region}"', metadata={"tags": ["injected-parameters"]})
    chart = nbformat.v4.new_code_cell("show()")
    chart.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: ..."),
        nbformat.v4.new_output(
            "display_data", data={"image/png": PNG}, metadata={"image/png": {"alt": f"{region}销售额"}}
        ),
        nbformat.v4.new_output(
            "display_data", data={"text/html": f"<table><tr><td>{region}</td><td>{revenue}</td></tr></table>"}
        ),
        nbformat.v4.new_output("display_data", data={RESULT_MIME: {"revenue": revenue}, "text/plain": "r"}),
    ]
    english = {"salesnb": {"en": f"# Revenue {region}"}}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {region}销售额", metadata=english), params, chart]
    return nb


def _fresh(nb: nbformat.NotebookNode, **kw) -> str:
    rendering._exporter.cache_clear()
    return rendering.to_html(nb, **kw)


def test_a_reused_exporter_renders_what_fresh_exporters_render():
    notebooks = [(_notebook("华东", 120), "zh"), (_notebook("华北", 95), "zh"), (_notebook("华东", 120), "en")]
    fresh = [_fresh(nb, title=f"t{i}", lang=lang) for i, (nb, lang) in enumerate(notebooks)]
    rendering._exporter.cache_clear()
    reused = [rendering.to_html(nb, title=f"t{i}", lang=lang) for i, (nb, lang) in enumerate(notebooks)]
    assert reused == fresh
    assert rendering._exporter.cache_info().currsize == 2  # one per language
    assert "华北" in reused[1] and "华北" not in reused[0] and "95" in reused[1]
    assert '<html lang="en">' in reused[2] and "Revenue 华东" in reused[2]
    assert 'alt="华东销售额"' in reused[0] and PNG in reused[0]
    assert "FutureWarning" not in reused[0] and 'region = "' not in reused[0]
    assert reused[0].count("@font-face") == 1


def test_pages_are_byte_identical_between_two_renderings():
    nb = _notebook("华东", 120)
    first = rendering.to_html(nb, title="t")
    webfont.subset_font.cache_clear()
    webfont.base_font.cache_clear()  # the second reads the base font back from disk
    assert rendering.to_html(nb, title="t") == first
    assert _fresh(nb, title="t", show_code=True) != first  # show_code has an exporter of its own
    assert rendering.to_html(nb, title="t") == first


def test_presentable_copies_what_it_changes_and_shares_the_images():
    nb = _notebook("华东", 120)
    before = copy.deepcopy(nb)
    shown = rendering.presentable(nb)
    shown.cells[0].source = "changed"
    shown.cells[1].outputs.append("x")
    assert nb == before  # the executed notebook (written next to the page) stays as it was
    assert shown.cells[1].outputs[0] is nb.cells[2].outputs[1]  # the chart output is shared, not copied
    rendering.to_html(nb, title="t", lang="en")
    assert nb == before
