"""``salesnb map`` on a flat sheet without order numbers says one order count, the one the reports will use."""

from __future__ import annotations

from pathlib import Path

from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping

FLAT = """客户编号,下单日期,大区,渠道,产品编号,数量,单价
c1,2026-01-01,华东,直营,P1,1,10
c1,2026-01-01,华东,直营,P2,2,10
c1,2026-01-01,华东,电商,P1,1,10
c2,2026-01-02,华南,直营,P1,1,10
c1,2026-01-03,华东,直营,P1,1,10
"""  # c1 on 01-01: two lines of one order in 直营, and one more order in 电商 (another channel, another order)


def test_map_says_the_order_count_the_reports_use_and_why_it_is_more_than_customer_days(tmp_path: Path) -> None:
    """5 rows, 3 customer-days (c1 01-01, c2 01-02, c1 01-03); c1's 01-01 rows are in two channels, so the
    loader makes 4 orders. main printed "5 行合成 3 单" first and "4 单，来自 5 行" after validation."""
    (tmp_path / "flat.csv").write_text(FLAT, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "flat.csv")
    ds = load_dataset(str(tmp_path / "flat.csv"), mapping=proposal.mapping())
    assert len(ds["orders"]) == 4
    text = "\n".join(describe(proposal, "zh"))
    assert "5 行合成 4 单（其中 1 单是同一客户同一天、但 大区 / 渠道 不同的另一单）" in text
    assert "3 单" not in text and text.count("4 单") == 1  # one number, said once
    assert "已按“客户编号 + 下单日期 + 大区 + 渠道”分成不同订单" in text  # not 客户编号 + 下单日期 twice
    en = "\n".join(describe(proposal, "en"))
    assert "5 rows make 4 orders (1 of them the same customer's on the same day in another 大区 / 渠道)" in en


def test_a_stores_daily_sheet_counts_its_orders_by_its_receipts(tmp_path: Path) -> None:
    """A chain's 销售日报 (日期, 门店, 销售额, 客单数, 客流量, 客单价): 客单数 is the day's receipts, the orders; 客流量
    (people through the door) is not. Unread, the pages had no order count and no 客单价 at all."""
    from salesnb import overview
    from salesnb.report import open_report

    rows = "日期,门店,区域,销售额,客单数,客流量,客单价\n"
    rows += "2026/09/01,国贸店,北京,1000,20,60,50\n2026/09/01,天河店,广州,600,10,30,60\n"
    rows += "2026/10/01,国贸店,北京,1200,30,90,40\n2026/10/02,天河店,广州,900,15,45,60\n"
    (tmp_path / "daily.csv").write_text(rows, encoding="gb18030")
    mapping = propose_mapping(tmp_path / "daily.csv").mapping()
    assert mapping["columns"]["orders"]["order_count"] == "客单数"
    report = open_report(dataset=load_dataset(str(tmp_path / "daily.csv"), mapping=mapping), period="2026-10")
    metrics = overview.headline_metrics(report)
    assert (metrics["revenue"], metrics["orders"], metrics["aov"]) == (2100.0, 45, 2100 / 45)
