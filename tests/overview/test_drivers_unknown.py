"""Unknown is not a segment: a dimension the data lacks is skipped (and said), a blank value is never the top driver."""

from tiny import write_tiny

from overview.helpers import report, tables
from salesnb import drivers


def _orders_only(data: dict) -> None:
    """Leave ``data`` with its orders alone, each carrying its amount (O1..O4: 200, 20, 182, 60)."""
    for name in ("reps", "order_lines", "customers", "products", "targets"):
        del data[name]
    data["orders"] = [{**row, "amount": amount} for row, amount in zip(data["orders"], (200, 20, 182, 60), strict=True)]


def test_a_dimension_the_data_lacks_is_skipped_and_named(tmp_path):
    data = tables()
    for row in data["orders"]:  # no rep or channel column, no reps table, no order lines or customers
        del row["rep_id"], row["channel"]
    data["orders"][3]["region"] = "华南"  # O4 (C, 60) sells in 华南
    _orders_only(data)
    r = report(write_tiny(tmp_path / "t", tables=data), region="ALL")
    table = drivers.driver_table(r)
    assert set(table["dimension"]) == {"region"}  # channel and rep were one "未知" segment holding the whole change
    assert table.set_index("segment")["gap"].to_dict() == {"华南": 60, "华东": -38}
    metrics = drivers.driver_metrics(r)
    assert (metrics["top_driver_dimension"], metrics["top_driver_segment"], metrics["top_driver_gap"]) == (
        "region", "华南", 60
    )  # fmt: skip
    note = drivers.driver_panel(r).note
    assert "未纳入排名（数据中没有）：产品线、渠道、销售代表、客户规模。" in note
    assert "Not ranked (not in the data): Product line, Channel, Sales rep, Company size." in (
        drivers.driver_panel(report(tmp_path / "t", region="ALL", lang="en")).note
    )


def test_blank_values_of_a_present_dimension_stay_in_the_table_but_never_top_the_drivers(tmp_path):
    data = tables()
    data["orders"][3]["channel"] = ""  # O4 (C, 60, new) has no channel
    del data["order_lines"]  # without lines: orders carry the amounts (product lines are skipped)
    data["orders"] = [{**row, "amount": amount} for row, amount in zip(data["orders"], (200, 20, 182, 60), strict=True)]
    r = report(write_tiny(tmp_path / "t", tables=data))
    table = drivers.driver_table(r)
    assert table.iloc[0][["dimension", "segment", "gap"]].tolist() == ["channel", "未知", 60]  # first by name on a tie
    metrics = drivers.driver_metrics(r)
    assert (metrics["top_driver_dimension"], metrics["top_driver_segment"], metrics["top_driver_gap"]) == (
        "rep_id", "R2", 60
    )  # fmt: skip
    assert drivers.driver_table(report(tmp_path / "t", lang="en")).iloc[0]["label"] == "unknown"
    assert drivers.driver_panel(r).note.endswith("未纳入排名（数据中没有）：产品线。")  # channel is ranked


def test_a_month_with_sales_but_no_dimension_to_rank_by_says_so_not_that_there_is_no_data(tmp_path):
    """A factory register (orders of one region, no channel, rep, lines or sizes): not "本期没有数据" with 17 orders."""
    data = tables()
    for row in data["orders"]:
        del row["rep_id"], row["channel"]
    _orders_only(data)
    note = drivers.driver_panel(report(write_tiny(tmp_path / "t", tables=data))).note  # the region's report
    assert note.startswith("数据中没有可用于排名的维度，本节跳过。") and "本期没有数据" not in note


def test_a_dimension_of_one_value_is_said_and_never_ranked_as_the_whole_change(tmp_path):
    """An ERP's 分销渠道 of 批发 alone (real round 28, an SAP order list): 渠道 · 批发 held the whole change and
    topped the ranking, naming the whole company as the driver."""
    data = tables()
    for row in data["orders"]:  # one channel on every order; no rep, lines or customers
        del row["rep_id"]
        row["channel"] = "批发"
    data["orders"][3]["region"] = "华南"  # O4 (C, 60) sells in 华南
    _orders_only(data)
    r = report(write_tiny(tmp_path / "t", tables=data), region="ALL")
    table = drivers.driver_table(r)
    assert set(table["dimension"]) == {"region"}
    assert table.set_index("segment")["gap"].to_dict() == {"华南": 60, "华东": -38}  # 22 in all: 批发's +22 is gone
    metrics = drivers.driver_metrics(r)
    assert (metrics["top_driver_dimension"], metrics["top_driver_segment"]) == ("region", "华南")
    note = drivers.driver_panel(r).note
    single = "未纳入排名（数据中只有一个值，它的变化就是总变化）：渠道（批发）。"
    assert note.endswith(f"未纳入排名（数据中没有）：产品线、销售代表、客户规模。 {single}")
    assert "Not ranked (one value in the data, whose change is the whole change): Channel (批发)." in (
        drivers.driver_panel(report(tmp_path / "t", region="ALL", lang="en")).note
    )
    data["orders"][1]["channel"] = ""  # one order without its channel: 批发 and 未知 are two segments, ranked
    r = report(write_tiny(tmp_path / "u", tables=data), region="ALL")
    assert set(drivers.driver_table(r)["dimension"]) == {"region", "channel"}


def test_a_region_selling_through_one_channel_of_several_does_not_rank_it(tmp_path):
    """Several channels company-wide, one in the region's every order: in its report the channel is the whole
    change, said as one value; the company's report still ranks the channels."""
    data = tables()
    data["orders"][3]["region"] = "华南"  # O4 (C, 60) sells in 华南, through 电商
    for row in data["orders"]:
        row["channel"] = "直营" if row["region"] == "华东" else "电商"
    _orders_only(data)
    path = write_tiny(tmp_path / "t", tables=data)
    east = report(path, region="华东")
    assert "channel" not in set(drivers.driver_table(east)["dimension"])
    single = "未纳入排名（数据中只有一个值，它的变化就是总变化）：渠道（直营）、销售代表（R1）。"  # 华东's one rep too
    assert drivers.driver_panel(east).note.endswith(single)
    assert "channel" in set(drivers.driver_table(report(path, region="ALL"))["dimension"])
