import math

import pandas as pd

from salesnb.display.formatting import signed_amount
from salesnb.display.plotting.drivers import node_value, plot_drivers, plot_revenue_tree


def test_signed_amount():
    assert signed_amount(1200, "en") == "+1.2K"
    assert signed_amount(-1200, "en") == "-1.2K"
    assert signed_amount(0, "en") == "0"
    assert signed_amount(0.004) == signed_amount(-0.004) == "0"  # rounds to nothing: no sign beside a 0
    assert signed_amount(None, "en") == signed_amount(math.nan, "en") == "—"


def test_node_value():
    assert node_value("buyers", 1234, "en") == "1,234"
    assert node_value("orders_per_buyer", 1.2345, "en") == "1.23"
    assert node_value("revenue", 12000, "en") == "12.0K"
    assert node_value("order_value", math.nan, "zh") == "—"


def test_plots_draw_and_say_no_data():
    frame = pd.DataFrame({"label": ["a", "b"], "volume": [1.0, -2.0], "mix": [0.5, 0.0], "rate": [-1.0, 1.0]})
    ax = plot_drivers(frame.assign(gap=frame[["volume", "mix", "rate"]].sum(axis=1)), lang="en", title="t")
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["Volume", "Mix", "Rate"]
    assert plot_drivers(frame.iloc[:0], lang="en").texts  # "No data"
    assert plot_revenue_tree(pd.DataFrame(), lang="en").texts
