"""Charts made cheaper draw the same bytes: blank figures restored from a copy, ticks updated once per render."""

import contextlib

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import salesnb.display.chart_svg as chart_svg  # noqa: E402
import salesnb.display.plotting as plotting  # noqa: E402
from salesnb.display.chart_svg import figure_svg  # noqa: E402
from salesnb.display.plotting import figures, text_layout  # noqa: E402
from salesnb.display.plotting.ticks import stamp_ticks, unstamp_ticks  # noqa: E402

NAMES = [f"华东重点客户{i}号" for i in range(7)]


def _bars(make) -> object:
    """Labelled horizontal bars, a value axis in 万, a reference line, a title and an axis title."""
    fig, ax = make(figsize=(6.0, 3.2), dpi=plotting.DPI, layout="constrained")
    values = np.arange(1.0, 8.0) * 1.3e5
    plotting.labelled_bars(ax, NAMES, values, [f"{v / 1e4:.0f}万" for v in values], color=plotting.PRIMARY)
    plotting.reference_line(ax, 4e5)
    ax.xaxis.set_major_formatter(plotting.amount_formatter("zh"))
    ax.set_xlabel("销售额")
    plotting.finish(ax, "客户 · 销售额")
    return fig


def _shared_grid(make) -> object:
    """A 2x2 grid sharing y, lines with percentages, a suptitle (as the daily watch draws)."""
    fig, grid = make(2, 2, figsize=(8.0, 4.4), dpi=plotting.DPI, layout="constrained", sharey=True)
    for i, ax in enumerate(grid.ravel()):
        ax.plot(range(30), np.linspace(0.1 * i, 0.9, 30))
        ax.yaxis.set_major_formatter(plotting.pct_formatter())
        ax.set_title(f"阶段{i}", fontsize=9)
    fig.suptitle("每日监控", x=0.01, ha="left")
    return fig


CHARTS = {"bars": _bars, "shared grid": _shared_grid}


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
def test_a_restored_blank_figure_draws_the_bytes_of_a_new_one(chart):
    figures._BLANKS.clear()
    expected = figure_svg(chart(plt.subplots))
    first = figure_svg(chart(figures.subplots))  # makes the blank figure (the usual way) and keeps it
    restored = figure_svg(chart(figures.subplots))  # a copy of the kept blank figure
    assert len(figures._BLANKS) == 1
    assert first == expected and restored == expected


def test_the_axes_come_shaped_as_plt_subplots_gives_them():
    figures._BLANKS.clear()
    for _ in range(2):  # made, then restored
        _, one = figures.subplots(figsize=(3.0, 2.0))
        _, row = figures.subplots(1, 2, figsize=(3.0, 2.0))
        _, grid = figures.subplots(2, 3, figsize=(3.0, 2.0), sharey=True)
        _, kept = figures.subplots(1, 1, figsize=(3.0, 2.0), squeeze=False)
        assert isinstance(one, mpl.axes.Axes)
        assert row.shape == (2,) and grid.shape == (2, 3) and kept.shape == (1, 1)
        assert grid[1, 2].get_subplotspec().rowspan.start == 1 and grid[1, 2].get_subplotspec().colspan.start == 2
        assert grid[0, 0].get_shared_y_axes().joined(grid[0, 0], grid[1, 2])
    assert len(figures._BLANKS) == 4


def test_a_restored_figure_is_held_and_closed_by_pyplot_like_a_new_one():
    figures._BLANKS.clear()
    plt.close("all")
    figures.subplots(figsize=(3.0, 2.0))
    figure, _ = figures.subplots(figsize=(3.0, 2.0))
    assert figure.number in plt.get_fignums() and plt.gcf() is figure
    assert len(plt.get_fignums()) == 2
    plt.close(figure)
    assert figure.number not in plt.get_fignums()


def test_a_style_change_makes_the_next_figures_in_the_new_style():
    figures._BLANKS.clear()
    _, ax = figures.subplots(figsize=(3.0, 2.0))
    assert ax.title.get_fontsize() == 11  # the house style
    with mpl.rc_context({"axes.titlesize": 16, "axes.facecolor": "#EEEEEE"}):
        _, styled = figures.subplots(figsize=(3.0, 2.0))
        assert styled.title.get_fontsize() == 16 and styled.get_facecolor() == mpl.colors.to_rgba("#EEEEEE")
    _, again = figures.subplots(figsize=(3.0, 2.0))
    assert again.title.get_fontsize() == 11 and again.get_facecolor() == (1.0, 1.0, 1.0, 1.0)


def test_unhashable_options_make_the_figure_the_usual_way():
    figures._BLANKS.clear()
    _, (left, right) = figures.subplots(1, 2, figsize=(4.0, 2.0), gridspec_kw={"width_ratios": [1, 3]})
    assert right.get_position().width > 2 * left.get_position().width
    assert not figures._BLANKS


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
def test_ticks_updated_once_per_render_draw_the_same_bytes(chart, monkeypatch):
    remembered = figure_svg(chart(plt.subplots))
    monkeypatch.setattr(chart_svg, "ticks_updated_once", lambda figure: contextlib.nullcontext())
    assert figure_svg(chart(plt.subplots)) == remembered


def test_after_a_render_the_axes_update_their_ticks_as_matplotlib_does():
    fig = _bars(plt.subplots)
    figure_svg(fig)
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            assert "_update_ticks" not in vars(axis) and "_get_ticklabel_bboxes" not in vars(axis)
    ax = fig.get_axes()[0]
    ax.set_xlim(0, 2e6)  # a later change still moves the ticks
    assert max(ax.xaxis.get_majorticklocs()) > 1e6


def _fresh_and_copied_ticks():
    fig, ax = plt.subplots(figsize=(3.0, 2.0))
    fresh = ax.xaxis.get_major_ticks(4)
    fig2, ax2 = plt.subplots(figsize=(3.0, 2.0))
    stamp_ticks(ax2.xaxis)
    return fresh, ax2.xaxis.get_major_ticks(4)


def test_a_copied_tick_has_what_a_fresh_tick_has_and_its_own_mutable_parts():
    fresh, copied = _fresh_and_copied_ticks()
    for part in ("tick1line", "gridline", "label1"):
        a, b = getattr(fresh[3], part), getattr(copied[3], part)
        assert type(a) is type(b) and set(vars(a)) == set(vars(b))
        assert a.get_visible() == b.get_visible() and a.get_zorder() == b.get_zorder()
    assert fresh[3].label1.get_fontsize() == copied[3].label1.get_fontsize()
    assert fresh[3].tick1line.get_marker() == copied[3].tick1line.get_marker()
    copied[2].label1.set_fontsize(20)  # in place on its font properties: the other copies keep theirs
    copied[2].tick1line.sticky_edges.x.append(1.0)
    assert copied[3].label1.get_fontsize() == fresh[3].label1.get_fontsize() != 20
    assert copied[3].tick1line.sticky_edges.x == []
    assert copied[2].label1._callbacks is not copied[3].label1._callbacks


def test_new_tick_keywords_make_a_new_model_tick():
    _, ax = plt.subplots(figsize=(3.0, 2.0))
    stamp_ticks(ax.yaxis)
    ax.yaxis.get_major_ticks(2)
    ax.yaxis.set_tick_params(labelsize=13, grid_color="#FF0000", gridOn=True)
    made = ax.yaxis._get_tick(True)  # a tick made for this axis from now on
    assert made.label1.get_fontsize() == 13 and made.gridline.get_visible()
    assert mpl.colors.to_hex(made.gridline.get_color()) == "#ff0000"


def test_unstamped_axes_make_ticks_the_usual_way():
    _, ax = plt.subplots(figsize=(3.0, 2.0))
    assert stamp_ticks(ax.xaxis) and not stamp_ticks(ax.xaxis)
    unstamp_ticks(ax.xaxis)
    assert "_get_tick" not in vars(ax.xaxis) and "_copy_tick_props" not in vars(ax.xaxis)
    from matplotlib import lines
    from matplotlib.markers import MarkerStyle

    assert lines.MarkerStyle is MarkerStyle  # the shared-marker copy put matplotlib's class back


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
def test_texts_laid_out_once_per_render_draw_the_same_bytes(chart, monkeypatch):
    kept = figure_svg(chart(plt.subplots))
    monkeypatch.setattr(chart_svg, "texts_laid_out_once", contextlib.nullcontext)
    assert figure_svg(chart(plt.subplots)) == kept
    assert Text._get_layout is text_layout._LAYOUT  # matplotlib's own again after the render


def test_a_kept_text_layout_serves_only_texts_laid_out_alike():
    fig, ax = plt.subplots(figsize=(3.0, 2.0))
    renderer = fig.canvas.get_renderer()
    flat, turned, bigger = (
        ax.text(0, 0, "华东 12万"),
        ax.text(1, 1, "华东 12万", rotation=45),
        ax.text(0, 0, "华东 12万"),
    )
    bigger.set_fontsize(20)
    expected = [text.get_window_extent(renderer).size for text in (flat, turned, bigger)]
    with text_layout.texts_laid_out_once():
        twice = [text.get_window_extent(renderer).size for text in (flat, turned, bigger, flat)]
    assert np.allclose(twice[:3], expected) and np.allclose(twice[3], expected[0])
    assert not np.allclose(expected[0], expected[1]) and not np.allclose(expected[0], expected[2])
