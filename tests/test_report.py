from tiny import write_tiny

from salesnb.display.panel import Panel
from salesnb.report import open_report, publish


def test_report_helpers_on_the_tiny_dataset(tmp_path):
    data = str(write_tiny(tmp_path / "tiny"))
    report = open_report(data, "2026-10", "ALL")
    assert report.thresholds("severity_revenue_share") == report.config["thresholds"]["severity_revenue_share"]
    assert report.settings("report")["top_n"] == 10
    first = report.covered(["2000-01", "2026-10", "2099-01"])
    assert first == ["2026-10"]
    assert report.history(2) == report.covered(["2026-08", "2026-09"])
    assert report.trailing() == report.covered(["2026-07", "2026-08", "2026-09"])
    assert report.where({"region": "华东"}) == "华东："
    scopes = report.scopes(company=True)
    assert scopes[0] == ("ALL", {}) and ("华东", {"region": "华东"}) in scopes
    assert ("ALL", {}) not in report.scopes(company=False)
    regional = open_report(data, "2026-10", "华东", lang="en")
    assert regional.scopes(company=True) == [("华东", {})]
    assert regional.where({"region": "华东"}) == "华东 · "
    calls = []
    assert report.cached("test", "k", lambda ds: calls.append(ds) or 7) == 7
    assert report.cached("test", "k", lambda ds: calls.append(ds) or 8) == 7 and len(calls) == 1


def test_report_revenue_and_needs(tmp_path):
    data = str(write_tiny(tmp_path / "tiny", drop=("tickets",)))
    report = open_report(data, "2026-10", "ALL")
    orders = report.ds["orders"]
    assert report.revenue > 0
    skipped = report.needs("tickets", "orders")
    assert isinstance(skipped, Panel) and skipped.is_skipped and "tickets" in skipped.note
    assert report.needs("orders") is None
    assert len(orders)


def test_flagged_rows_walks_the_scopes_and_keeps_flagged_rows(tmp_path):
    import pandas as pd

    data = str(write_tiny(tmp_path / "tiny"))
    report = open_report(data, "2026-10", "ALL")
    regions = [region for region, _ in report.scopes(company=False)]

    def rows_of(rep, region):
        return pd.DataFrame({"name": [f"{region}-a", f"{region}-b"], "flagged": [region == regions[0], True]})

    found = [(segment, row.name) for segment, row in report.flagged_rows(rows_of, company=False)]
    first = {"region": regions[0]}
    assert found[:2] == [(first, f"{regions[0]}-a"), (first, f"{regions[0]}-b")]
    assert len(found) == len(regions) + 1
    assert [row.name for _, row in report.flagged_rows(rows_of, company=True)][0] == "ALL-b"


def write_partial_month(folder, last_day=9):
    """112 customers, 4 per day 1..28, each buying on its day every month from 2025-09; the data ends on 2026-10-09.

    (``last_day``: on that day of October instead.)
    Every order is 100, except October 2026's, which are 110: on the same days October is 10% up on September.
    """
    import pandas as pd

    rows = []
    for month in pd.period_range("2025-09", "2026-10", freq="M"):
        for c in range(112):
            day = 1 + c % 28
            if str(month) == "2026-10" and day > last_day:
                continue
            rows.append(
                {"order_id": f"O{month}-{c}", "customer_id": f"C{c}", "order_date": f"{month}-{day:02d}",
                 "region": "华东" if c % 2 else "华南", "amount": 110 if str(month) == "2026-10" else 100}
            )  # fmt: skip
    rows.sort(key=lambda r: r["order_date"])
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(folder / "orders.csv", index=False)
    pd.DataFrame({"period": ["2026-10"], "target_amount": [12400]}).to_csv(folder / "targets.csv", index=False)
    return str(folder)


def test_default_period_is_the_latest_complete_month(tmp_path):
    data = write_partial_month(tmp_path / "p")
    report = open_report(data)
    assert report.period == "2026-09" and not report.partial and report.through_day is None
    assert report.title.endswith("2026-09") and "partial" not in publish(report, "overview", {}).payload["metrics"]


def test_a_partial_month_is_compared_on_the_same_days_of_its_baselines(tmp_path):
    from salesnb import market, overview

    data = write_partial_month(tmp_path / "p")
    report = open_report(data, "2026-10", lang="en")
    assert report.partial and report.through_day == 9
    assert report.title == "Whole company · 2026-10 (days 1–9, partial month)"
    assert "partial month: the data ends on day 9" in report._repr_markdown_()
    # orders and targets only: the note names what it cuts to days 1-9, not leads, deals or tickets the data lacks
    assert "count only days 1–9 of each month's orders, targets prorated; pick" in report._repr_markdown_()
    zh = open_report(data, "2026-10")._repr_markdown_()
    assert "都只取每月 1–9 日的订单来比较，目标按天折算；要看完整月份" in zh and "商机" not in zh
    m = overview.headline_metrics(report)
    # days 1..9: 36 customers (4 per day), 110 each in October, 100 each in September and October last year
    assert (m["revenue"], m["orders"], m["customers"]) == (3960, 36, 36)
    assert m["revenue_prev_month"] == 3600 and round(m["mom_growth"], 6) == 0.1  # not 3960 / 11200 − 1 = −65%
    assert m["revenue_same_month_last_year"] == 3600 and round(m["yoy_growth"], 6) == 0.1
    assert m["revenue_trailing_avg"] == 3600 and m["new_customers"] == 0
    assert round(m["target"], 6) == 3600 and round(m["attainment"], 6) == 1.1  # 9/31 of the month's 12,400
    codes = {f["code"] for f in market.angle_findings(report)}
    assert "customer_churn_rise" not in codes
    assert market.angle_metrics(report)["lapsed_customers"] == 0  # customers of days 10..31 are not "lapsed"
    payload = publish(report, "overview", {"revenue": 1}).payload["metrics"]
    assert payload["partial"] is True and payload["through_day"] == 9 and payload["period"] == "2026-10"
    zh = open_report(data, "2026-10", "华东")
    assert zh.title == "华东 · 2026-10（1–9 日，不完整月）"
    assert zh.revenue == 16 * 110  # odd customers: days 2, 4, 6, 8


def test_a_months_first_day_alone_is_no_range_from_day_1_to_day_1(tmp_path):
    from salesnb import overview

    data = write_partial_month(tmp_path / "p", last_day=1)
    report = open_report(data, "2026-10", lang="en")
    assert report.through_day == 1 and report.title == "Whole company · 2026-10 (day 1, partial month)"
    assert "count only day 1 of each month's orders" in report._repr_markdown_()
    assert "every month here counts day 1 only" in overview.trend_panel(report).note
    zh = open_report(data, "2026-10")
    assert zh.title == "全公司 · 2026-10（1 日，不完整月）" and "都只取每月 1 日的订单" in zh._repr_markdown_()
    assert "1–1" not in zh._repr_markdown_() + overview.trend_panel(zh).note
    two = open_report(write_partial_month(tmp_path / "two", last_day=2), "2026-10", lang="en")
    assert two.title == "Whole company · 2026-10 (days 1–2, partial month)"


def test_a_partial_first_month_of_the_data_is_not_said_to_be_compared_nor_sent_to_the_month_before(tmp_path):
    """An export of one partial month (a shop's orders 2026-10-01..09): no baseline month to compare, none before."""
    import pandas as pd

    from salesnb import overview

    folder = tmp_path / "one"
    folder.mkdir()
    days = [f"2026-10-{d:02d}" for d in range(1, 10)]
    pd.DataFrame({"order_id": [f"O{d}" for d in days], "customer_id": "C1", "order_date": days, "amount": 50}).to_csv(
        folder / "orders.csv", index=False
    )
    report = open_report(str(folder), "2026-10")
    header = report._repr_markdown_()
    assert report.through_day == 9 and overview.headline_metrics(report)["revenue"] == 450
    assert "⚠ 2026-10 是不完整月：数据只到 9 日，且是数据的第一个月" in header
    assert "请选上一个月" not in header and "都只取每月 1–9 日" not in header
    assert "第一个月" in overview.trend_panel(report).note and "上一个月" not in overview.trend_panel(report).note
    en = open_report(str(folder), "2026-10", lang="en")._repr_markdown_()
    assert "the first month of the data" in en and "pick the month before" not in en


def test_a_partial_months_year_to_date_and_next_months_plan_count_earlier_months_whole(tmp_path):
    from salesnb import overview, planning

    data = write_partial_month(tmp_path / "p")
    report = open_report(data, "2026-10")
    m = overview.headline_metrics(report)
    # January..September whole (112 orders of 100 each) and October's days 1..9 (36 orders of 110)
    assert m["ytd_revenue"] == 9 * 11200 + 3960  # not 10 months' days 1..9 (9 × 3600 + 3960)
    assert round(m["ytd_target"], 6) == 3600  # only October has a target: its days 1..9 are 9/31 of 12,400
    # November is planned from the three whole months before the partial one: (11,200 × 3) / 3
    assert planning.plan_total(report) == (11200.0, "trailing")  # not (3,600 + 3,600 + 3,960) / 3
    split = planning.plan_frame(report, "region").set_index("segment")
    assert split["trailing_avg"].to_dict() == {"华东": 5600.0, "华南": 5600.0}
    assert split["proposed"].sum() == 11200.0
    assert "1–9 日" in overview.trend_panel(report).note  # the trend's months are days 1..9 too, and say so
    complete = open_report(data, "2026-09")
    assert overview.trend_panel(complete).note == ""
    assert complete.whole is complete.ds and complete.last_whole_month == "2026-09"
    assert overview.headline_metrics(complete)["ytd_revenue"] == 9 * 11200


def test_panels_by_channel_are_skipped_with_a_note_when_the_orders_have_no_channel(tmp_path):
    from tiny import TABLES

    from salesnb import market, overview

    tables = {**TABLES, "orders": [{k: v for k, v in row.items() if k != "channel"} for row in TABLES["orders"]]}
    report = open_report(str(write_tiny(tmp_path / "tiny", tables=tables)), "2026-10", "ALL")
    for panel in (overview.composition_panel(report, by="channel"), market.channel_panel(report)):
        assert panel.is_skipped and panel.note == "数据中没有订单表的渠道（orders.channel），本节跳过。"  # not one 未知
    assert not overview.composition_panel(report, by="customer_type").is_skipped
    assert report.needs("orders", "orders.region") is None
    with_channels = open_report(str(write_tiny(tmp_path / "full")), "2026-10", "ALL")
    assert not market.channel_panel(with_channels).is_skipped
    shares = overview.composition_frame(with_channels, "channel").set_index("segment")["share"]
    assert set(shares.index) == {"直营", "分销", "电商"} and abs(shares.sum() - 1) < 1e-12


def test_a_need_is_named_in_words_with_its_contract_name() -> None:
    from salesnb.report import need_name

    assert need_name("targets", "zh") == "目标表（targets）"
    assert need_name("customers.employee_count", "zh") == "客户表的员工人数（customers.employee_count）"
    assert need_name("orders.channel", "en") == "the channel of orders (orders.channel)"


def test_the_header_says_a_baseline_month_lies_before_the_data(tmp_path):
    data = str(write_tiny(tmp_path / "tiny"))  # orders from 2025-10 to 2026-10
    zh = open_report(data, "2026-09", "ALL")._repr_markdown_().split("\n\n")[0]
    assert "上月 2026-08，去年同月 2025-09（早于数据起始月，无可比），近3月 2026-06–2026-08" in zh
    en = open_report(data, "2026-09", "ALL", lang="en")._repr_markdown_().split("\n\n")[0]
    assert "2026-08 (MoM), 2025-09 (before the data begins: no comparison) (YoY)" in en
    assert "（早于" not in open_report(data, "2026-10", "ALL")._repr_markdown_()  # 2025-10 is the first month


def test_the_header_says_a_trailing_window_reaching_before_the_data_counts_fewer_months(tmp_path):
    # a quarter's export (2019-01..03, the Myanmar supermarket) read in March: 近三月 2018-12–2019-02 holds two months
    data = str(write_tiny(tmp_path / "tiny"))  # orders from 2025-10: December's window 2025-09..11 holds two
    zh = open_report(data, "2025-12", "ALL")._repr_markdown_().split("\n\n")[0]
    assert zh.endswith("近3月 2025-09–2025-11（数据从 2025-10 起，只计 2 个月）")
    en = open_report(data, "2025-12", "ALL", lang="en")._repr_markdown_().split("\n\n")[0]
    assert en.endswith("2025-09–2025-11 (the data begins in 2025-10: 2 of these months counted) (trailing)")
    assert "只计" not in open_report(data, "2026-09", "ALL")._repr_markdown_()  # 2026-06..08 lie in the data


def test_a_region_that_sold_nothing_sizes_its_findings_against_its_usual_month(tmp_path):
    """South sells 10 orders of 100 a month until 2026-09, none in 2026-10; North sells 12 of 100 every month.

    Against South's 0 the fall of 1,000 could not be sized: its own report read region_underperform medium while the
    company's read it high (1,000 of 1,200). South's report now measures against its usual month, the trailing
    2026-07..09: 1,000, and reads it high too. A region that sold this month keeps its month's revenue.
    """
    import pandas as pd

    from salesnb.findings import all_findings

    rows = []
    for month in pd.period_range("2025-10", "2026-10", freq="M").astype(str):
        rows += [(f"N{month}{c}", f"N{c}", f"{month}-10", "North", 100) for c in range(12)]
        if month < "2026-10":
            rows += [(f"S{month}{c}", f"S{c}", f"{month}-12", "South", 100) for c in range(10)]
    rows.append(("N-last", "N0", "2026-10-31", "North", 0))  # the data covers October whole
    columns = ["order_id", "customer_id", "order_date", "region", "amount"]
    pd.DataFrame(rows, columns=columns).to_csv(tmp_path / "orders.csv", index=False)
    south = open_report(str(tmp_path), "2026-10", "South")
    assert south.revenue == 1000.0 and open_report(str(tmp_path), "2026-10", "North").revenue == 1200.0

    def fall(report):
        return next(f for f in all_findings(report) if f["code"] == "region_underperform")["severity"]

    assert fall(south) == fall(open_report(str(tmp_path), "2026-10", "ALL")) == "high"


def test_the_header_and_the_headline_name_the_trailing_months_a_partial_month_averages(tmp_path):
    """Data ending 2026-03-05, 12 orders a month, January's all on the 25th: its days 1-5 hold no order.

    The trailing average reads December and February only; the header said 近三月 2025-12–2026-02 and the headline
    row 较近3月均值 over a 2-month average.
    """
    from salesnb import overview

    folder = tmp_path / "late"
    folder.mkdir()
    days = {"2025-11": 3, "2025-12": 3, "2026-01": 25, "2026-02": 3, "2026-03": 5}
    rows = [f"{m}{i:02d},C{i},{m}-{day:02d},10" for m, day in days.items() for i in range(12)]
    (folder / "orders.csv").write_text("order_id,customer_id,order_date,amount\n" + "\n".join(rows) + "\n")
    report = open_report(str(folder), "2026-03", "ALL")
    zh = report._repr_markdown_().split("\n\n")[0]
    assert zh.endswith("近3月 2025-12–2026-02（其中只有 2025-12、2026-02 在 1–5 日有订单，按 2 个月平均）")
    en = open_report(str(folder), "2026-03", "ALL", lang="en")._repr_markdown_().split("\n\n")[0]
    said = "2025-12–2026-02 (only 2025-12, 2026-02 have orders on days 1–5: averaged over 2 months) (trailing)"
    assert en.endswith(said)
    labels = list(overview.headline_panel(report).table.iloc[:, 0])
    assert "较近2月均值" in labels and "较近3月均值" not in labels
    whole = open_report(str(folder), "2026-02", "ALL")  # a whole month: its window holds three months
    assert "其中只有" not in whole._repr_markdown_()
    assert "较近3月均值" in list(overview.headline_panel(whole).table.iloc[:, 0])


def test_a_six_month_trailing_window_is_named_six_months_on_every_page(tmp_path):
    """``baselines.trailing_months: 6``: the header said 近三月 and the market and product tables 较近3月均值 whatever
    the window; they now name the months averaged (six: the tiny data covers 2026-04..09 for the 2026-10 report)."""
    from salesnb import market, product

    (tmp_path / "six.yaml").write_text("baselines:\n  trailing_months: 6\n", encoding="utf-8")
    report = open_report(str(write_tiny(tmp_path / "t")), "2026-10", "ALL", config_path=str(tmp_path / "six.yaml"))
    assert "近6月 2026-04–2026-09" in report._repr_markdown_().split("\n\n")[0]
    assert "较近6月均值" in product.line_panel(report).table.columns
    assert "较近6月均值" in market.region_panel(report).table.columns


def test_every_trailing_panel_names_the_months_it_averages(tmp_path):
    """The discount, margin, returns and price panels said 近3月 whatever their window: each now names its own."""
    from salesnb import product

    (tmp_path / "six.yaml").write_text("baselines:\n  trailing_months: 6\n", encoding="utf-8")
    report = open_report(str(write_tiny(tmp_path / "t")), "2026-10", "ALL", config_path=str(tmp_path / "six.yaml"))
    columns = list(product.discount_panel(report).table.columns)
    assert "折扣深度（近6月）" in columns and not any("近3月" in c for c in columns)
    assert product.price_panel(report).figure.axes[0].get_title(loc="left").startswith("价格变化与销量变化（较近6月）")
    default = open_report(str(write_tiny(tmp_path / "d")), "2026-10", "ALL")
    assert "折扣深度（近3月）" in product.discount_panel(default).table.columns
