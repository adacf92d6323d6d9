"""The product charts (salesnb/display/plotting/products.py) on tiny hand-made frames."""

import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from salesnb.display.bounded import top_n_with_other
from salesnb.display.plotting import style
from salesnb.display.plotting.products import plot_lifecycle, plot_lift, plot_pareto, plot_price_volume


def test_lift_bars_and_the_chance_line():
    frame = pd.DataFrame({"pair": ["甲 + 乙", "乙 + 丙"], "lift": [1.5, 0.5]})
    ax = plot_lift(frame, lang="en", title="Lift")
    assert [round(p.get_width(), 6) for p in ax.patches] == [1.5, 0.5]
    assert ax.get_xlim() == (0.0, 1.5 * 1.2) and ax.get_xlabel() == "Lift"
    assert ax.lines[0].get_xdata()[0] == 1.0  # bought together as often as by chance


def test_lifecycle_legend_in_stage_order_and_pareto_twin_axis():
    frame = pd.DataFrame(
        {"product_name": ["a", "b", "c"], "recent": [3.0, 2.0, 1.0], "stage": ["decline", "intro", "decline"]}
    )
    ax = plot_lifecycle(frame, lang="en")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Introduction", "Decline"]
    pareto = pd.DataFrame({"product_name": ["a", "b"], "revenue": [80.0, 20.0], "cum_share": [0.8, 1.0]})
    ax = plot_pareto(pareto, line=0.8)
    twin = [other for other in ax.figure.axes if other is not ax][0]
    assert list(twin.lines[0].get_ydata()) == [0.8, 1.0] and twin.get_ylim() == (0.0, 1.05)


def test_empty_frames_say_no_data():
    for plot in (plot_lift, plot_lifecycle, plot_pareto, plot_price_volume):
        ax = plot(pd.DataFrame(), lang="en")
        assert any(text.get_text() for text in ax.texts)


def test_pareto_draws_the_others_row_grey():
    frame = pd.DataFrame({"product_name": list("ABCD"), "revenue": [50.0, 30.0, 15.0, 5.0]})
    frame["share"] = frame["revenue"] / 100
    top = top_n_with_other(frame, None, 2, "product_name", ["revenue", "share"], "其他（{n}项）")
    top["cum_share"] = top["share"].cumsum()
    ax = plot_pareto(top)
    colours = [bar.get_facecolor() for bar in ax.patches]
    assert colours[-1] == to_rgba(style.NEUTRAL) and colours[0] == to_rgba(style.PRIMARY)
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["A", "B", "其他（2项）"]


def test_pareto_cuts_an_others_bar_that_dwarfs_the_named_products():
    """A thousand small products outsell the top two many times: their bar is cut at 1.5 × the largest named bar,
    hatched and labelled with its amount, so the named bars keep their height; a modest others bar is left whole."""
    frame = pd.DataFrame({"product_name": ["A", "B", *[f"p{i}" for i in range(1000)]]})
    frame["revenue"] = [400.0, 300.0, *[9.3] * 1000]
    frame["share"] = frame["revenue"] / frame["revenue"].sum()
    top = top_n_with_other(frame, None, 2, "product_name", ["revenue", "share"], "其他（{n}项）")
    top["cum_share"] = top["share"].cumsum()
    ax = plot_pareto(top)
    assert [round(bar.get_height(), 6) for bar in ax.patches] == [400.0, 300.0, 600.0]
    assert ax.patches[-1].get_hatch() == "//" and ax.get_ylim()[1] == pytest.approx(600 * 1.05)
    assert [text.get_text() for text in ax.texts] == ["9,300"]
    twin = [other for other in ax.figure.axes if other is not ax][0]
    assert twin.lines[0].get_ydata()[-1] == pytest.approx(1.0)  # the cumulative share still reaches 100%
    modest = top.assign(revenue=[400.0, 300.0, 500.0])
    ax = plot_pareto(modest)
    assert ax.patches[-1].get_height() == 500.0 and not ax.patches[-1].get_hatch() and not ax.texts


def test_price_changes_of_float_dust_read_as_a_flat_five_percent_axis():
    frame = pd.DataFrame(
        {"price_change": [1e-7, -2e-7, 0.0], "units_change": [0.1, -0.2, 0.3], "revenue": [1.0, 2.0, 3.0],
         "product_name": list("abc")}
    )  # fmt: skip
    ax = plot_price_volume(frame)
    ax.figure.canvas.draw()
    low, high = ax.get_xlim()
    assert (round(low, 6), round(high, 6)) == (-0.05, 0.05)  # was ±2e-7: nine ticks of 0.000%
    shown = [
        label.get_text()
        for label, tick in zip(ax.get_xticklabels(), ax.get_xticks(), strict=True)
        if low <= tick <= high
    ]
    assert shown == ["-4%", "-2%", "0%", "2%", "4%"]
    assert ax.get_ylim()[1] - ax.get_ylim()[0] > 0.5  # real volume changes keep their own axis
