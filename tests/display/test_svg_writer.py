"""The SVG writer made cheaper writes the same bytes: colours converted once, references read forward."""

import contextlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends import backend_svg  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402

import salesnb.display.chart_svg as chart_svg  # noqa: E402
import salesnb.display.plotting as plotting  # noqa: E402
from salesnb.display.chart_svg import figure_svg  # noqa: E402


def _clipped_markers() -> object:
    """Bars in three colours, a line with markers (a marker definition used by reference), clipped to the axes."""
    fig, ax = plt.subplots(figsize=(5.0, 3.0), dpi=plotting.DPI, layout="constrained")
    ax.bar(range(4), [3.0, 5.0, 2.0, 4.0], color=["#1F77B4", "#D62728", "#1F77B4", (0.2, 0.6, 0.2)])
    ax.plot(range(4), [2.5, 4.5, 1.5, 3.5], marker="o", color=np.array([0.5, 0.25, 0.0, 1.0]), alpha=0.7)
    ax.set_ylim(0, 4.8)  # the second bar and marker are clipped: a clip path referenced by url(#...)
    ax.text(0.0, 4.6, "华东 · 重点客户", color="#333333")
    disc = ax.add_patch(Polygon([(0.5, 0.5), (2.5, 1.0), (1.5, 4.0)], fill=False))
    ax.plot(range(4), [1.0, 3.0, 2.0, 3.5], color="#FF7F0E")[0].set_clip_path(disc)  # a clip path of any shape
    plotting.finish(ax, "颜色与标记")
    return fig


def _legend_grid() -> object:
    """Two axes sharing y, lines and a legend whose handles are drawn with their own colours."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.0, 3.0), dpi=plotting.DPI, layout="constrained", sharey=True)
    for i, ax in enumerate((left, right)):
        ax.plot(range(10), np.arange(10.0) * (i + 1), label="本期")
        ax.plot(range(10), np.arange(10.0)[::-1], label="上期", linestyle="--")
        ax.legend()
    return fig


CHARTS = {"clipped markers": _clipped_markers, "legend grid": _legend_grid}


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
def test_colours_written_once_draw_the_same_bytes(chart, monkeypatch):
    kept = figure_svg(chart())
    assert backend_svg.rgb2hex is chart_svg._RGB2HEX  # matplotlib's own again after the render
    monkeypatch.setattr(chart_svg, "colors_written_once", contextlib.nullcontext)
    assert figure_svg(chart()) == kept


def test_a_kept_colour_serves_only_the_same_numbers():
    colours = [
        (1.0, 0.0, 0.0, 1.0),
        np.array([0.0, 0.0, 1.0, 1.0]),
        [0.2, 0.4, 0.6],
        (0.2, 0.4, 0.6, 0.5),  # alpha dropped, as rgb2hex does
        np.array([0.2, 0.4, 0.6000001, 1.0]),  # a hair apart: its own entry (the same hex here)
        (1, 0, 0),
        np.array([0.499, 0.501, 0.998]),
    ]
    with chart_svg.colors_written_once():
        written = [backend_svg.rgb2hex(c) for c in colours + colours[::-1]]
        assert backend_svg.rgb2hex((0.1, 0.2, 0.3, 0.4), keep_alpha=True) == to_hex((0.1, 0.2, 0.3, 0.4), True)
        with pytest.raises(ValueError):
            backend_svg.rgb2hex(("1", "0", "0"))  # strings in a tuple: refused, as matplotlib refuses them
        assert backend_svg.rgb2hex(np.array([[0.0, 0.0, 0.0]])[0]) == "#000000"
    assert written == [to_hex(c) for c in colours + colours[::-1]]
    assert written[:3] == ["#ff0000", "#0000ff", "#336699"] and written[-1] == "#ff0000"


def _slow_prefixed(svg: str, prefix: str) -> str:
    return chart_svg._REFERENCE.sub(lambda m: prefix + m.group(1), svg)


def test_references_read_forward_are_the_references_read_behind():
    svg = figure_svg(_clipped_markers())
    raw = svg.replace('id="c', 'id="x')  # any text with references: the page's own
    assert chart_svg._references(raw) == chart_svg._REFERENCE.findall(raw) != []
    assert chart_svg._prefixed_references(raw, "p1-") == _slow_prefixed(raw, "p1-")
    # a text running into href= right before "#: the look-behind reading finds the second reference too
    odd = '<text>url(#a href="#b" and url(#c)</text><use xlink:href="#m1"/><g clip-path="url(#p2)">'
    assert chart_svg._references(odd) == chart_svg._REFERENCE.findall(odd) == ["a href=", "b", "c", "m1", "p2"]
    assert chart_svg._prefixed_references(odd, "q-") == _slow_prefixed(odd, "q-")
    plain = '<use xlink:href="#m1"/><path clip-path="url(#p2)"/><a href="#top">url(#)</a>'
    assert chart_svg._references(plain) == ["m1", "p2", "top"] == chart_svg._REFERENCE.findall(plain)
    assert chart_svg._prefixed_references(plain, "r-") == _slow_prefixed(plain, "r-")


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
def test_flips_composed_as_one_matrix_draw_the_same_bytes(chart, monkeypatch):
    kept = figure_svg(chart())
    assert 'clip-path="url(#' in kept and "<use " in kept  # clip paths (their ids) and markers are written
    monkeypatch.setattr(chart_svg, "FLIP_ONCE", [False])
    assert figure_svg(chart()) == kept
