"""The charts' inline SVG: laid out once where constrained layout would put them, nothing cut, same bytes."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

import salesnb.display.plotting as plotting  # noqa: E402
from salesnb.display.chart_svg import CHART_CLASS, LATIN_FAMILY, figure_svg  # noqa: E402
from salesnb.display.plotting.layout import fit_layout, has_constrained_layout  # noqa: E402


def _bars(layout: str | None = "constrained"):
    """Long CJK category labels on the left, amounts below, a title and a legend above the axes."""
    fig, ax = plt.subplots(figsize=(6.0, 3.0), dpi=plotting.DPI, layout=layout)
    names = [f"华东区域重点客户{i}号有限公司" for i in range(6)]
    plotting.labelled_bars(ax, names, np.arange(1.0, 7.0) * 1e5, [f"{v}万" for v in range(10, 70, 10)], label="本期")
    ax.xaxis.set_major_formatter(plotting.amount_formatter("zh"))
    plotting.top_legend(ax)
    plotting.finish(ax, "销售额 · 客户")
    return fig


def _pair():
    """Two side-by-side axes of a 1x2 grid, with different label widths, and an x axis title on one."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.0), dpi=plotting.DPI, layout="constrained")
    plotting.category_axis(left, ["短", "很长很长的产品线名称"], horizontal=True)
    left.barh([0, 1], [3, 5])
    right.plot(range(12), np.arange(12.0) * 1e6)
    right.yaxis.set_major_formatter(plotting.amount_formatter("zh"))
    right.set_xlabel("月份")
    left.set_title("退货率")
    return fig


def _grid_with_suptitle():
    """Small multiples (2x3, one cell hidden) under a left-aligned suptitle, as the daily watch draws them."""
    fig, grid = plt.subplots(2, 3, figsize=(8.0, 4.8), dpi=plotting.DPI, layout="constrained", sharey=True)
    for i, ax in enumerate(grid.ravel()[:5]):
        ax.plot(range(30), np.linspace(0.2, 0.9, 30))
        ax.yaxis.set_major_formatter(plotting.pct_formatter())
        ax.set_title(f"阶段{i}", fontsize=9)
    grid.ravel()[5].set_visible(False)
    fig.suptitle("每日监控 · 阶段转化", x=0.01, ha="left", fontsize=11)
    return fig


def _twins():
    """An axes and its twin (a second y axis on the right)."""
    fig, ax = plt.subplots(figsize=(6.0, 3.0), dpi=plotting.DPI, layout="constrained")
    ax.bar(range(5), [5e5, 6e5, 7e5, 4e5, 3e5])
    ax.yaxis.set_major_formatter(plotting.amount_formatter("zh"))
    other = ax.twinx()
    other.plot(range(5), [0.1, 0.5, 0.9, 0.3, 0.2])
    other.yaxis.set_major_formatter(plotting.pct_formatter())
    ax.set_title("销售额与毛利率")
    return fig


CHARTS = {"bars": _bars, "pair": _pair, "grid": _grid_with_suptitle, "twins": _twins}


def _positions(fig) -> np.ndarray:
    return np.array([ax.get_position().bounds for ax in fig.get_axes()])


@pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
def test_one_measured_pass_puts_the_axes_where_constrained_layout_does(make):
    expected = make()
    FigureCanvasAgg(expected).draw()  # matplotlib's engine lays it out
    fig = make()
    renderer = FigureCanvasAgg(fig).get_renderer()
    assert fit_layout(fig, renderer) and not has_constrained_layout(fig)
    width, height = fig.get_size_inches() * fig.dpi
    difference = np.abs(_positions(fig) - _positions(expected)) * [width, height, width, height]
    assert difference.max() < 3.0  # pixels: the same layout to a reader
    plt.close("all")


@pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
def test_no_label_sticks_out_of_the_chart(make):
    fig = make()
    figure_svg(fig)
    renderer = FigureCanvasAgg(fig).get_renderer()
    box = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)
    assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= fig.bbox.x1 + 1 and box.y1 <= fig.bbox.y1 + 1
    assert box.x0 < 12 and box.y1 > fig.bbox.y1 - 12  # and the layout used the room: labels near the edges
    plt.close("all")


def test_a_figure_without_room_keeps_its_engine():
    fig, ax = plt.subplots(figsize=(1.0, 0.6), dpi=plotting.DPI, layout="constrained")
    plotting.category_axis(ax, ["一个非常非常长的客户名称有限公司"] * 3, horizontal=True)
    assert not fit_layout(fig, FigureCanvasAgg(fig).get_renderer())
    assert has_constrained_layout(fig)
    plt.close(fig)


def test_svg_is_the_same_on_every_run_and_has_text_as_text():
    first, second = figure_svg(_bars(), alt="销售额 · 客户"), figure_svg(_bars(), alt="销售额 · 客户")
    assert first == second
    assert first.startswith(f'<svg class="{CHART_CLASS}" role="img" aria-label="销售额 · 客户"')
    assert "<?xml" not in first and "<!DOCTYPE" not in first and "<dc:date>" not in first
    assert re.search(r"<text [^>]*>销售额 · 客户</text>", first)
    assert f"font-family: '{LATIN_FAMILY}', 'salesnb CJK'" in first.split(">")[0]  # on the root, texts inherit it
    assert first.count("font-family") == 1
    assert f"svg.{CHART_CLASS} text {{white-space: pre}}" in first  # " 10万" keeps its space beside the bar
    assert 'width="660" height="330"' in first  # as wide as the 110-dpi PNG was
    plt.close("all")


def test_ids_are_unique_between_charts_and_every_reference_resolves():
    pages = figure_svg(_bars()) + figure_svg(_twins()) + figure_svg(_grid_with_suptitle())
    ids = re.findall(r' id="([^"]+)"', pages)
    assert ids and len(ids) == len(set(ids))
    references = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', pages))
    assert references and references <= set(ids)
    plt.close("all")


def test_a_figure_without_layout_engine_is_cropped_to_what_it_draws():
    """Its long labels stick out of the canvas on the left: the SVG is the tight box around the drawing."""
    fig = _bars(layout=None)
    box = fig.get_tightbbox(FigureCanvasAgg(fig).get_renderer())  # inches
    svg = figure_svg(fig)
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert box.x0 < 0 and abs(width - (box.width + 0.2) * 110) < 3  # savefig's 0.1 in pad on each side
    plt.close("all")
