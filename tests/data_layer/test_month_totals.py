"""A monthly summary sheet (月度销售汇总: 月份, 大区, 门店, 品类, 销售额, 目标): rows that total a month, not orders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesnb.data import facts, partial_month
from salesnb.data.dates import parse_dates
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping
from salesnb.data.summaries import total_rows
from salesnb.relations import kind
from salesnb.report import open_report

STORES = {"华东": ["上海店", "杭州店", "南京店"], "华南": ["广州店", "深圳店"], "华北": ["北京店", "天津店"]}
CATEGORIES = ["饮料", "零食", "日化"]
MONTHS = [f"{year}年{month}月" for year in (2024, 2025, 2026) for month in range(1, 13)][:34]  # to 2026年10月


def summary_sheet(folder: Path, cut: float = 1.0, region_cut: float = 1.0) -> Path:
    """A 月度销售汇总 in GB18030: one row per month, region, store and category; 深圳店 × ``cut`` in 2026年10月,
    every store of 华东 × ``region_cut`` then.

    Each row's 目标 is set before the cut (a plan made in advance), near the row's usual revenue.
    """
    rng = np.random.default_rng(7)
    rows = []
    for region, stores in STORES.items():
        for store in stores:
            level = rng.uniform(50_000, 150_000)
            for category in CATEGORIES:
                base = level * rng.uniform(0.6, 1.4)
                for k, month in enumerate(MONTHS):
                    calendar = k % 12 + 1
                    season = 1 + 0.2 * np.sin(2 * np.pi * (calendar - 3) / 12) + (0.4 if calendar == 2 else 0)
                    value = base * season * (1 + 0.01 * k) * rng.lognormal(0, 0.06)
                    target = round(value * rng.uniform(0.95, 1.05), -2)
                    if month == "2026年10月":
                        value *= (cut if store == "深圳店" else 1.0) * (region_cut if region == "华东" else 1.0)
                    rows.append((month, region, store, category, round(value, 2), target))
    frame = pd.DataFrame(rows, columns=["月份", "大区", "门店", "品类", "销售额", "目标"])
    path = folder / "月度销售汇总.csv"
    frame.to_csv(path, index=False, encoding="gb18030")
    return path


def test_a_month_without_a_day_is_read_as_its_last_day() -> None:
    """2026-10 read by ISO as October 1st cut the data's last month after one day; its last day keeps it whole."""
    values = pd.Series(["2024年1月", "2024-02", "2024/3", "202404", "2024年6月份", "2024-07-03", "2024-13", None])
    parsed, failed, _ = parse_dates(values)
    assert parsed.dt.strftime("%Y-%m-%d").tolist()[:6] == [
        "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-06-30", "2024-07-03",
    ]  # fmt: skip
    assert failed.tolist() == [False] * 6 + [True, False]  # month 13 is no month; empty stays empty
    numbers, failed, _ = parse_dates(pd.Series([202401, 45000, 202413]))  # 202401 typed as a number: a month
    assert numbers.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2024-01-31", "2023-03-15"]
    assert failed.tolist() == [False, False, True]


def test_map_reads_a_monthly_summary_as_sales_by_month_with_its_targets(tmp_path: Path) -> None:
    sheet = summary_sheet(tmp_path)
    proposal = propose_mapping(sheet)
    mapping = proposal.mapping()
    orders = mapping["columns"]["orders"]
    assert orders["order_id"] == {"per": ["月份", "品类", "大区", "门店"]} and orders["order_date"] == "月份"
    assert orders["channel"] == "门店" and orders["amount"] == "销售额"
    assert mapping["columns"]["targets"] == {
        "period": "月份",
        "target_amount": "目标",
        "product_line": "品类",
        "region": "大区",
    }
    said = "\n".join(describe(proposal))
    assert "每行是按 月份 × 品类 × 大区 × 门店 汇总的合计（共 714 行）" in said
    assert "按 月份 × 大区 × 品类 相加，714 行合成 306 条目标" in said


def test_the_loaded_summary_knows_its_rows_are_month_totals(tmp_path: Path) -> None:
    sheet = summary_sheet(tmp_path)
    ds = load_dataset(sheet, mapping=propose_mapping(sheet).mapping())
    assert total_rows(ds) == ["月份", "品类", "大区", "门店"]
    assert partial_month.latest_complete_month(ds) == "2026-10"  # the last month is whole, not cut after its first day
    targets = ds["targets"]
    assert len(targets) == 34 * 3 * 3  # months × regions × categories: the stores' targets added up
    raw = pd.read_csv(sheet, encoding="gb18030")
    assert targets["target_amount"].sum() == pytest.approx(raw["目标"].sum())
    east = targets[
        (targets["period"] == "2026-10") & (targets["region"] == "华东") & (targets["product_line"] == "饮料")
    ]
    expected = raw[(raw["月份"] == "2026年10月") & (raw["大区"] == "华东") & (raw["品类"] == "饮料")]["目标"].sum()
    assert east["target_amount"].tolist() == pytest.approx([expected])


def test_orders_with_their_own_ids_dated_by_month_are_orders(tmp_path: Path) -> None:
    """An order list dated only by month still counts orders: only rows without ids or customers are totals."""
    text = "订单号,客户,月份,金额\nA1,甲,2026-09,100\nA2,乙,2026-09,50\nA3,甲,2026-10,80\n"
    (tmp_path / "orders.csv").write_text(text, encoding="utf-8")
    ds = load_dataset(tmp_path / "orders.csv", mapping=propose_mapping(tmp_path / "orders.csv").mapping())
    assert total_rows(ds) == [] and len(ds["orders"]) == 3


@pytest.mark.parametrize("cut", [0.5, 1.0])
def test_a_store_cut_by_half_is_found_by_its_revenue_and_nothing_on_the_plain_sheet(tmp_path: Path, cut: float) -> None:
    """Each store has 3 rows a month whatever it sells: an order-count test never saw the cut (p 0.76)."""
    from salesnb import market

    sheet = summary_sheet(tmp_path, cut=cut)
    ds = load_dataset(sheet, mapping=propose_mapping(sheet).mapping())
    found = [
        f
        for f in market.angle_findings(open_report(dataset=ds, period="2026-10"))
        if f["code"] == "channel_underperform"
    ]
    if cut == 1.0:
        assert found == []
        return
    assert [f["segment"] for f in found][:1] == [{"channel": "深圳店"}]
    assert found[0]["id"].startswith("ALL/market.channel_underperform.totals/")
    assert "单" not in found[0]["detail"]  # no order counts in the words: there are none


def test_the_pages_drop_order_counts_and_say_why(tmp_path: Path) -> None:
    from salesnb import overview
    from salesnb.drivers import tree_panel

    sheet = summary_sheet(tmp_path)
    report = open_report(dataset=load_dataset(sheet, mapping=propose_mapping(sheet).mapping()), period="2026-10")
    metrics = overview.headline_metrics(report)
    assert metrics["orders"] is None and metrics["aov"] is None and metrics["revenue"] > 0
    note = "数据是汇总表，不是一笔笔订单，本节跳过（见页首说明）"
    assert note in overview.orders_aov_panel(report).note and note in tree_panel(report).note
    assert "订单数" not in overview.trend_panel(report).table.columns
    assert "ℹ 数据每行是按 月份 × 品类 × 大区 × 门店 汇总的合计，不是一笔笔订单" in report._repr_markdown_()


def test_a_regions_slump_is_the_regions_not_each_of_its_stores(tmp_path: Path) -> None:
    """A store sold nowhere else had no peers in its region's report (factor 1): a region-wide fall of 35 % made
    each of 华东's stores a channel finding. Its peers are now the region's other channels, which fell alike."""
    from salesnb import market

    sheet = summary_sheet(tmp_path, region_cut=0.65)
    ds = load_dataset(sheet, mapping=propose_mapping(sheet).mapping())
    east = market.angle_findings(open_report(dataset=ds, period="2026-10", region="华东"))
    assert [f for f in east if f["code"] == "channel_underperform"] == []
    company = market.angle_findings(open_report(dataset=ds, period="2026-10"))
    assert [f["segment"] for f in company if kind(f) == "region_underperform"] == [{"region": "华东"}]


def test_a_reps_targets_per_category_give_the_rep_and_the_line_their_targets(tmp_path: Path) -> None:
    """年月 × 大区 × 销售员 × 品类 with 目标: rows with both a rep and a line were no level of the targets (no target,
    so no rep was tested). They give each rep's target (over the categories) and each line's (over the reps)."""
    from salesnb import overview, team

    text = "年月,大区,销售员,品类,销售额,目标\n"
    rows = []
    for k in range(24):
        month = f"{2024 + k // 12}-{k % 12 + 1:02d}"
        for rep, region, level in (("张伟", "华东", 100.0), ("李娜", "华东", 80.0), ("陈静", "华南", 90.0)):
            for category, share in (("饮料", 0.6), ("零食", 0.4)):
                wobble = 1 + 0.05 * np.sin(k * (1 + share) + level)
                sold = level * share * wobble * (0.3 if (rep, month) == ("李娜", "2025-12") else 1.0)
                rows.append(f"{month},{region},{rep},{category},{sold * 1000:.2f},{level * share * 1000:.0f}")
    (tmp_path / "销售汇总.csv").write_text(text + "\n".join(rows) + "\n", encoding="utf-8")
    sheet = tmp_path / "销售汇总.csv"
    ds = load_dataset(sheet, mapping=propose_mapping(sheet).mapping())
    report = open_report(dataset=ds, period="2025-12")
    assert overview.headline_metrics(report)["target"] == pytest.approx(270_000.0)  # 3 reps × both categories
    lines = overview.attainment_frame(report, "product_line").set_index("segment")["target"]
    assert lines.to_dict() == pytest.approx({"饮料": 162_000.0, "零食": 108_000.0})
    reps = overview.attainment_frame(report, "rep_id").set_index("segment")["target"]
    assert reps.to_dict() == pytest.approx({"张伟": 100_000.0, "李娜": 80_000.0, "陈静": 90_000.0})
    found = [f for f in team.angle_findings(report) if f["code"] == "rep_underperform"]
    assert [f["segment"] for f in found] == [{"rep_id": "李娜"}] and "笔" not in found[0]["detail"]


def store_days(folder: Path, cut: float = 1.0) -> Path:
    """A store chain's daily sales as Rossmann's export has them: Store, DayOfWeek, Date, Sales, Customers, Open.

    Sundays closed (Sales 0); store 3 sells ``cut`` of its usual in 2025-06.
    """
    rng = np.random.default_rng(11)
    rows = []
    for store in range(1, 7):
        level = rng.uniform(3_000, 9_000)
        for day in pd.date_range("2024-01-01", "2025-06-30"):
            open_ = int(day.day_of_week != 6)
            sales = (
                level
                * rng.lognormal(0, 0.12)
                * open_
                * (cut if store == 3 and day >= pd.Timestamp("2025-06-01") else 1)
            )
            rows.append((store, day.day_of_week + 1, day.strftime("%Y-%m-%d"), round(sales), round(sales / 9), open_))
    frame = pd.DataFrame(rows, columns=["Store", "DayOfWeek", "Date", "Sales", "Customers", "Open"])
    frame.to_csv(folder / "train.csv", index=False)
    return folder / "train.csv"


def test_a_stores_daily_sales_are_totals_and_its_customers_a_count(tmp_path: Path) -> None:
    """Customers (600 a store-day) was read as a customer id: every count a customer, each store-day an order."""
    sheet = store_days(tmp_path)
    proposal = propose_mapping(sheet)
    orders = proposal.mapping()["columns"]["orders"]
    assert "customer_id" not in orders and orders["order_id"] == {"per": ["Date", "Store"]}
    ds = load_dataset(sheet, mapping=proposal.mapping())
    assert total_rows(ds) == ["Date", "Store"]
    assert ds.zero_orders == {}  # closed Sundays are no orders given away: no note of them on every page
    raw = pd.read_csv(sheet)
    june = facts.scoped(facts.order_facts(ds), "ALL", "2025-06")
    assert june["revenue"].sum() == pytest.approx(raw.loc[raw["Date"].str.startswith("2025-06"), "Sales"].sum())


def test_a_till_without_receipt_numbers_is_not_read_as_totals(tmp_path: Path) -> None:
    """Lines stamped to the second share a day, a store and a product with others: sales, not a summary."""
    text = "销售时间,门店,商品,金额\n" + "".join(
        f"2025-06-{d:02d} 10:{m:02d}:00,一店,可乐,3\n" for d in range(1, 29) for m in range(3)
    )
    (tmp_path / "till.csv").write_text(text, encoding="utf-8")
    assert propose_mapping(tmp_path / "till.csv").totals == {}


def test_a_store_cut_by_half_in_a_daily_summary_is_found(tmp_path: Path) -> None:
    from salesnb import market

    sheet = store_days(tmp_path, cut=0.5)
    ds = load_dataset(sheet, mapping=propose_mapping(sheet).mapping())
    found = [
        f
        for f in market.angle_findings(open_report(dataset=ds, period="2025-06"))
        if f["code"] == "channel_underperform"
    ]
    assert [f["segment"] for f in found] == [{"channel": "3"}]


def test_weekly_sales_per_store_and_department_are_totals(tmp_path: Path) -> None:
    """Walmart's export (Store, Dept, Date, Weekly_Sales, IsHoliday) was refused: no amount, no order id."""
    text = "Store,Dept,Date,Weekly_Sales,IsHoliday\n" + "".join(
        f"{store},{dept},{day:%Y-%m-%d},{1000 * store + 10 * dept + day.day:.2f},FALSE\n"
        for store in (1, 2)
        for dept in (1, 2, 3)
        for day in pd.date_range("2025-01-03", "2025-06-27", freq="W-FRI")
    )
    (tmp_path / "train.csv").write_text(text, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "train.csv")
    mapping = proposal.mapping()
    assert mapping["columns"]["orders"]["amount"] == "Weekly_Sales"
    assert mapping["columns"]["products"]["product_line"] == "Dept"
    ds = load_dataset(tmp_path / "train.csv", mapping=mapping)
    assert total_rows(ds) == ["Date", "Dept", "Store"]
    lines = facts.line_facts(ds).groupby("product_line")["revenue"].sum()  # weeks shared by month, none lost
    raw = pd.read_csv(tmp_path / "train.csv").groupby("Dept")["Weekly_Sales"].sum()
    assert lines.to_dict() == pytest.approx({str(d): v for d, v in raw.items()})


def test_weeks_running_into_a_new_month_are_shared_by_their_days(tmp_path: Path) -> None:
    """Walmart's weeks (a row per store and Friday) gave September 2012 four weeks and August five: -23.7 % a
    month though every week sold alike. Split at the month's first day, each month holds its own days."""
    text = "Store,Date,Weekly_Sales\n" + "".join(
        f"{store},{day:%d/%m/%y},{700 * store}\n"
        for day in pd.date_range("2012-01-06", "2012-10-26", freq="W-FRI")
        for store in (1, 2)
    )  # 100 a day at store 1, 200 at store 2
    (tmp_path / "Walmart.csv").write_text(text, encoding="utf-8")
    ds = load_dataset(tmp_path / "Walmart.csv", mapping=propose_mapping(tmp_path / "Walmart.csv").mapping())
    months = facts.order_facts(ds).groupby("month")["revenue"].sum()
    assert months["2012-08"] == pytest.approx(31 * 300) and months["2012-09"] == pytest.approx(30 * 300)
    assert months["2012-02"] == pytest.approx(29 * 300)
    assert months.sum() == pytest.approx(43 * 2 * 700 * 1.5)  # 43 weeks: nothing lost or made
    assert months["2011-12"] == pytest.approx(1 * 300)  # the first week's day before January (the 31st)
    assert partial_month.latest_complete_month(ds) == "2012-09"  # the data ends on October 26th


def test_a_categorys_total_as_one_line_has_no_units_to_show(tmp_path: Path) -> None:
    """Without 销量, a category's month is one line of quantity 1: the price section read its total as a price."""
    from salesnb.product.lines import pareto_panel
    from salesnb.product.pricing import discount_panel, price_panel

    sheet = summary_sheet(tmp_path)
    report = open_report(dataset=load_dataset(sheet, mapping=propose_mapping(sheet).mapping()), period="2026-10")
    assert not report.units_counted
    assert price_panel(report).note.startswith("数据每行是汇总的销售额，没有销量（件数）")
    assert "销量" not in pareto_panel(report).table.columns
    assert "销量变化" not in discount_panel(report).table.columns


def test_the_driver_ranking_of_a_summary_is_not_split_by_orders(tmp_path: Path) -> None:
    """Rows of totals never change in number: every change read as 单均效应, the per-order effect."""
    from salesnb.drivers import driver_panel

    sheet = summary_sheet(tmp_path, cut=0.5)
    report = open_report(dataset=load_dataset(sheet, mapping=propose_mapping(sheet).mapping()), period="2026-10")
    panel = driver_panel(report)
    assert {"总量效应", "结构效应", "单均效应"}.isdisjoint(panel.table.columns)
    assert "变化不再拆分为总量、结构与单均效应" in panel.note
    assert panel.table["细分"].tolist()[:2] == ["华南", "深圳店"]  # the region, then the store that took it down


def test_an_order_list_dated_by_month_with_an_unrecognised_number_is_no_summary(tmp_path: Path) -> None:
    """单据 codes on every row (named so that no synonym takes them): sales dated by month, not monthly totals."""
    text = "单据,月份,区域,金额\n" + "".join(f"XS-{k:04d},2026-{k % 9 + 1:02d},华东,{100 + k}\n" for k in range(40))
    (tmp_path / "orders.csv").write_text(text, encoding="utf-8")
    assert propose_mapping(tmp_path / "orders.csv").totals == {}


def test_a_year_and_a_month_in_two_columns_are_one_month(tmp_path: Path) -> None:
    """年份 2024 and 月份 1 … 12 apart: 月份 alone names no month of any year, so map found no date."""
    sheet = summary_sheet(tmp_path)
    raw = pd.read_csv(sheet, encoding="gb18030")
    parts = raw["月份"].str.extract(r"(\d{4})年(\d{1,2})月").astype(int)
    split = raw.assign(年份=parts[0], 月份=parts[1])[["年份", "月份", "大区", "门店", "品类", "销售额", "目标"]]
    split.to_csv(tmp_path / "汇总.csv", index=False, encoding="gb18030")
    mapping = propose_mapping(tmp_path / "汇总.csv").mapping()
    assert mapping["columns"]["orders"]["order_date"] == {"per": ["年份", "月份"]}
    assert mapping["columns"]["targets"]["period"] == {"per": ["年份", "月份"]}
    ds = load_dataset(tmp_path / "汇总.csv", mapping=mapping)
    months = facts.order_facts(ds).groupby("month")["revenue"].sum()
    assert months["2026-10"] == pytest.approx(raw.loc[raw["月份"] == "2026年10月", "销售额"].sum())
    assert ds["targets"]["period"].min() == "2024-01" and len(ds["targets"]) == 34 * 3 * 3
    assert partial_month.latest_complete_month(ds) == "2026-10"
