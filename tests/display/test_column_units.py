"""An amount column reads in one unit: the reader compares top to bottom without converting."""

import pandas as pd

from salesnb.display.formatting import column_unit, format_amount, format_amounts, format_table, table


def test_a_column_takes_the_unit_of_its_largest_amount():
    frame = pd.DataFrame({"amt": [-7751.0, -157000.0, None, 0.0, 1234567.0]})
    cells = table(frame, [("amt", "amt", "amount")])["amt"].tolist()
    assert cells == ["-0.8万", "-15.7万", "—", "0.0万", "123.5万"]


def test_a_column_spanning_orders_of_magnitude_keeps_each_amount_in_its_own_unit():
    # 15 yuan would read "0.0万": the column falls back to one unit per cell rather than show a false zero
    assert column_unit([-15.0, 3e5, 2e5]) is None
    assert table(pd.DataFrame({"a": [-15.0, 3e5, 2e5]}), [("a", "a", "amount")])["a"].tolist() == [
        "-15",
        "30.0万",
        "20.0万",
    ]
    assert column_unit([-7751.0, -15.0, 3e5]) == 0  # most under 1万: whole yuan, "-7,751", "-15", "300,000"


def test_units_by_language_and_rounding_up_to_the_next_unit():
    assert column_unit([9999.96, 12000.0]) == 1  # 9,999.96 rounds to 1.0万: the column is in 万
    assert format_table(pd.DataFrame({"a": [9999.96, 12000.0]}), {"a": "amount"})["a"].tolist() == ["1.0万", "1.2万"]
    assert column_unit([2.5e8, 1.2e8, 3e7], "zh") == 2  # two of three read 1亿 or more: the column is in 亿
    assert [format_amount(v, "zh", unit=2) for v in (2.5e8, 3e7)] == ["2.5亿", "0.3亿"]
    assert column_unit([4.2e6, 2.0e6, 8.0e5], "en") == 2
    assert column_unit([120.0, 3400.0], "zh") == 0  # under 1万: whole yuan with separators
    assert column_unit([None, float("nan")]) is None


def test_format_table_keeps_the_index_and_other_columns():
    frame = pd.DataFrame({"a": [150000.0, 8000.0], "b": ["x", "y"]}, index=[7, 9])
    out = format_table(frame, {"a": "amount"})
    assert out.index.tolist() == [7, 9]
    assert out["a"].tolist() == ["150,000", "8,000"] and out["b"].tolist() == ["x", "y"]  # half under 1万: yuan


def test_small_amounts_in_a_column_of_whole_yuan_keep_their_cents():
    # an order value column of a music store: 0.99 tracks, 9.99 albums, a 120 box set, a 2,500 bundle
    frame = pd.DataFrame({"amt": [0.99, 9.99, 120.0, 2500.0, 8.0]})
    assert column_unit(frame["amt"]) == 0
    assert table(frame, [("amt", "amt", "amount")])["amt"].tolist() == ["0.99", "9.99", "120", "2,500", "8"]
    assert format_amount(7.09, unit=0) == "7.09"


def test_a_panel_building_its_own_table_gets_one_unit_per_column():
    # a store chain's rep table: 4.4万, 3,246, 2,198 in one column made the reader convert; the index is kept
    values = pd.Series([44000.0, 3246.0, None, 21980.0], index=[5, 2, 9, 7])
    out = format_amounts(values)
    assert out.tolist() == ["4.4万", "0.3万", "—", "2.2万"] and out.index.tolist() == [5, 2, 9, 7]
    assert format_amounts(pd.Series([120.0, 3400.0]), "en").tolist() == ["120", "3,400"]  # not "0.1K" / "3.4K"


def test_a_column_mostly_under_one_unit_takes_the_unit_below():
    # a product table: ten products of 590-814 and their "others" at 25.9万 read "0.1万" each in 万
    values = pd.Series([814.0, 810.0, 745.0, 590.0, 259000.0])
    assert format_amounts(values).tolist() == ["814", "810", "745", "590", "259,000"]
    # four regions of a 3亿 company: "0.4亿" / "0.2亿" say one digit each; in 万 they keep four
    assert column_unit([3.2e8, 4.0e7, 2.0e7]) == 1
    assert format_amounts(pd.Series([3.2e8, 4.0e7, 1.23e7])).tolist() == ["32,000.0万", "4,000.0万", "1,230.0万"]
    assert column_unit([4.2e6, 8.0e5], "en") == 1  # "4,200.0K", "800.0K", not "0.8M"
    assert column_unit([44000.0, 3246.0, 21980.0]) == 1  # one of three under 1万: the column stays in 万
