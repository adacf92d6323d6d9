"""Charts in pages: salesnb's SVG inline (its text in the page's fonts), any other SVG as an image."""

import base64
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from page_fonts import small_base_font  # noqa: E402

from salesnb.batch import rendering, webfont  # noqa: E402
from salesnb.display.chart_svg import LATIN_FAMILY  # noqa: E402
from salesnb.display.panel import figure_image  # noqa: E402

FOREIGN_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>外来</text></svg>'


@pytest.fixture(scope="module", autouse=True)
def small_base(tmp_path_factory):
    """A base font of a few characters plus ASCII in a private cache folder (the real one takes seconds)."""
    yield from small_base_font(tmp_path_factory, "销售额华东北区客户" + webfont.LATIN)


def _chart_svg() -> str:
    fig, ax = plt.subplots(figsize=(4.0, 2.0), layout="constrained")
    ax.bar(["华东", "华北"], [3.0, 5.0])
    ax.set_title("客户")
    return figure_image(fig)._repr_mimebundle_()["image/svg+xml"]


def _notebook(*svgs: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()", id="chart")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/svg+xml": svg}) for svg in svgs]
    nb.cells = [nbformat.v4.new_markdown_cell("# 销售额", id="heading"), cell]
    return nb


def test_a_salesnb_chart_is_inline_and_its_text_is_in_the_page_fonts():
    page = rendering.to_html(_notebook(_chart_svg()), title="t")
    assert 'class="salesnb-chart"' in page and not re.search(r'<img [^>]*src="data:image/svg', page)
    assert re.search(r"<text [^>]*>华东</text>", page)
    assert {"华", "东", "北", "客", "户"} <= set(webfont.page_characters(page))  # the chart's words are subset
    faces = re.findall(r'font-family: "([^"]+)"; src: url\(data:font/woff;base64,([^)]+)\)', page)
    assert [family for family, _ in faces] == ["salesnb CJK", LATIN_FAMILY]
    latin = base64.b64decode(faces[1][1])
    assert latin == webfont.latin_font() and latin.startswith(b"wOFF")
    plt.close("all")


def test_any_other_svg_stays_an_image_and_a_page_without_charts_has_no_latin_face():
    page = rendering.to_html(_notebook(FOREIGN_SVG), title="t")
    assert re.search(r'<img [^>]*src="data:image/svg\+xml;base64,', page) and "<text>外来</text>" not in page
    assert LATIN_FAMILY not in page


def test_pages_with_charts_are_byte_identical_between_runs():
    first = rendering.to_html(_notebook(_chart_svg(), _chart_svg()), title="t")
    webfont.subset_font.cache_clear()
    assert rendering.to_html(_notebook(_chart_svg(), _chart_svg()), title="t") == first
    plt.close("all")
