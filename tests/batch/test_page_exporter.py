"""The page exporter: the page nbconvert's HTMLExporter gives, without its BeautifulSoup pass; markdown once."""

import base64

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from salesnb.batch.page_exporter import PageExporter, focusable, readable
from salesnb.batch.rendering import TEMPLATE_DIR

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n not really an image").decode("ascii")
OPTIONS = {
    "template_name": "salesnb",
    "extra_template_basedirs": [str(TEMPLATE_DIR)],
    "exclude_input": True,
    "exclude_input_prompt": True,
    "exclude_output_prompt": True,
    "embed_images": True,
    "language_code": "zh",
}


def _notebook(region: str) -> nbformat.NotebookNode:
    """Prose with a Chinese heading, inline HTML, a list and a table; outputs of every kind a report shows."""
    nb = nbformat.v4.new_notebook()
    prose = nbformat.v4.new_markdown_cell(
        "# 市场与客户\n\n本月 **业绩** 的变化：<span style='color:#c00'>下滑</span>\n\n"
        "- 新客户\n- 老客户 &amp; 流失\n\n"
        "| 区域 | 销售额 |\n|---|---|\n| 华东 | 510.7万 |\n\n## 1. 区域排名 ⓘ"
    )
    cell = nbformat.v4.new_code_cell("show()", execution_count=3)
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="\x1b[1m粗体\x1b[0m plain\n"),
        nbformat.v4.new_output("display_data", data={"image/png": PNG}, metadata={"image/png": {"alt": "区域达成率"}}),
        nbformat.v4.new_output("display_data", data={"text/html": f"<table><tr><td>{region}</td><br></tr></table>"}),
        nbformat.v4.new_output("execute_result", data={"text/markdown": f"**区域：** {region}"}, execution_count=3),
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"}),
    ]
    nb.cells = [prose, cell, nbformat.v4.new_markdown_cell("## 2. 行业渗透", metadata={"tags": ["pack-part"]})]
    return nb


def _dom(page: str) -> str:
    return str(BeautifulSoup(page, features="html.parser"))


@pytest.mark.parametrize("show_code", [False, True])
def test_the_page_is_the_one_nbconverts_exporter_gives(show_code):
    options = {**OPTIONS, "exclude_input": not show_code}
    ours, theirs = PageExporter(**options), HTMLExporter(**options)
    for region in ("华东", "华北", "华东"):  # the second 华东 page comes from remembered markdown
        nb = _notebook(region)
        page, _ = ours.from_notebook_node(nb, resources={"metadata": {"name": region}})
        expected, _ = theirs.from_notebook_node(nb, resources={"metadata": {"name": region}})
        assert _dom(page) == _dom(expected)
        assert page.count('tabindex="0"') == expected.count('tabindex="0"') == 7 + show_code
    assert ours._markdown_cached.cache_info().hits >= 3  # each prose cell rendered once


def test_headings_keep_their_characters_and_the_pages_their_bytes():
    exporter = PageExporter(**OPTIONS)
    nb = _notebook("华东")
    first, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": "t"}})
    again, _ = PageExporter(**OPTIONS).from_notebook_node(nb, resources={"metadata": {"name": "t"}})
    assert first == again
    assert ">市场与客户<a" in first and "&#24066;" not in first
    assert 'alt="区域达成率"' in first and PNG in first
    assert "require.js" not in first and "mathjax" not in first.lower()


def test_markdown_that_may_embed_a_file_is_rendered_anew(tmp_path, monkeypatch):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG fake")
    monkeypatch.chdir(tmp_path)
    exporter = PageExporter(**OPTIONS)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("![标志](logo.png)")]
    page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": "t"}})
    assert "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode() in page
    assert exporter._markdown_cached.cache_info().currsize == 0


def test_focusable_marks_the_input_wrappers_and_outputs_of_the_body_only():
    page = (
        "<html><head><script>x = '<div class=\"jp-OutputArea-output\">'</script></head><body>"
        '<div class="jp-Cell-inputWrapper">a</div><div class="jp-RenderedImage jp-OutputArea-output ">b</div>'
        '<div class="jp-OutputArea-output-like">c</div><div class="jp-OutputArea">d</div></body></html>'
    )
    marked = focusable(page)
    assert marked.count('tabindex="0"') == 2
    assert '<div class="jp-Cell-inputWrapper" tabindex="0">' in marked
    assert '<div class="jp-RenderedImage jp-OutputArea-output " tabindex="0">' in marked
    assert marked.split("<body")[0] == page.split("<body")[0]
    assert focusable("no body") == "no body"


def test_readable_writes_characters_not_markup():
    assert readable("<h1>&#24066;&#22330;</h1>") == "<h1>市场</h1>"
    assert readable("&#60;b&#62; &#38; &#55357;") == "&#60;b&#62; &#38; &#55357;"  # markup and surrogates stay
