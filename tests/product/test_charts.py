"""The product charts (salesnb/display/plotting/products.py) on tiny hand-made frames."""

import pandas as pd
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
