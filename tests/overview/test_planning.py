import pytest
from tiny import TABLES, write_tiny

from salesnb import planning
from salesnb.display.formatting import format_amount
from salesnb.report import open_report


def test_plan_uses_the_target_already_set(tmp_path):
    extra = {"period": "2026-11", "target_amount": 900, "region": "华东", "rep_id": "", "product_line": ""}
    tables = {**TABLES, "targets": [*TABLES["targets"], extra]}
    report = open_report(str(write_tiny(tmp_path / "t", tables=tables)), "2026-10", "华东")
    assert planning.plan_total(report) == (900, "set")
    frame = planning.plan_frame(report, "product_line")
    # no 2025-11 sales in 华东, so only the trailing months (2026-08..10) weigh: A线 O3? no: O3 is 4×P2 (B线) = 200,
    # O5 1×P1 (A线) = 100, O2 (2026-09) P1 100 + P2 50 -> A线 200, B线 250 of 450
    weights = dict(zip(frame["segment"], frame["weight"], strict=True))
    assert weights == pytest.approx({"A线": 200 / 450, "B线": 250 / 450})
    assert frame["proposed"].sum() == pytest.approx(900)


def test_plan_forecast_from_trailing_average_without_a_year_of_history(tmp_path):
    data = str(write_tiny(tmp_path / "t"))
    company = open_report(data, "2026-10", "ALL")
    total, how = planning.plan_total(company)
    assert how == "trailing" and total > 0  # no 2025-11 sales: the trailing average
    south = open_report(data, "2026-10", "华南")
    split = planning.plan_frame(company, "region").set_index("segment")["proposed"]
    # a region's page shows the company plan's row for it, not a forecast of its own (两个页面同一个数)
    assert planning.plan_total(south) == (pytest.approx(split["华南"]), "company")


def test_plan_properties_on_the_sample():
    company = planning.plan_frame(open_report("", "2026-10", "ALL"), "region").set_index("segment")["proposed"]
    reps = planning.plan_frame(open_report("", "2026-10", "ALL"), "rep_id").set_index("segment")["proposed"]
    for region in ("ALL", "华东", "西南"):
        report = open_report("", "2026-10", region)
        total, how = planning.plan_total(report)
        assert how == ("forecast" if region == "ALL" else "company") and total > 0
        if region != "ALL":  # one number on both pages: the region's plan and each of its reps'
            assert total == pytest.approx(company[region])
            own = planning.plan_frame(report, "rep_id").set_index("segment")["proposed"]
            assert own.to_dict() == pytest.approx(reps[own.index].to_dict())
        for by in ("product_line", "rep_id") + (("region",) if region == "ALL" else ()):
            frame = planning.plan_frame(report, by)
            assert frame["weight"].sum() == pytest.approx(1.0)
            assert frame["proposed"].sum() == pytest.approx(total)
            assert (frame["proposed"] >= 0).all()


def test_plan_gives_no_target_to_reps_who_left(tmp_path):
    reps = [{**TABLES["reps"][0], "leave_date": "2026-10-15"}, TABLES["reps"][1]]
    report = open_report(str(write_tiny(tmp_path / "t", tables={**TABLES, "reps": reps})), "2026-10", "ALL")
    assert list(planning.plan_frame(report, "rep_id")["segment"]) == ["R2"]
    assert "2026-11" in planning.plan_panel(report, "rep_id").note


def test_next_month():
    assert planning.next_month("2026-10") == "2026-11" and planning.next_month("2026-12") == "2027-01"


def test_plan_reads_only_the_months_the_data_has(tmp_path):
    """An export of one month (2026-10): next month's plan is that month, not a third of it (3 trailing months)."""
    import pandas as pd

    folder = tmp_path / "one_month"
    folder.mkdir()
    orders = [{"order_id": f"O{k}", "customer_id": f"C{k % 4}", "order_date": f"2026-10-{1 + k:02d}",
               "region": "华东" if k % 2 else "华南", "amount": 100 * (1 + k % 3)} for k in range(31)]  # fmt: skip
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    report = open_report(str(folder), "2026-10")
    revenue = sum(o["amount"] for o in orders)
    assert planning.plan_total(report) == (pytest.approx(revenue), "trailing")
    frame = planning.plan_frame(report, "region").set_index("segment")
    huadong = sum(o["amount"] for o in orders if o["region"] == "华东")
    assert frame.loc["华东", "trailing_avg"] == pytest.approx(huadong)
    assert frame["last_year"].isna().all()  # 2025-11 is before the data: unknown, not 0
    panel = planning.plan_panel(report, "region")
    assert "近1月均值" in panel.note and set(panel.table["去年同月"]) == {"—"}


def test_a_first_partial_month_says_there_is_no_whole_month_not_no_sales(tmp_path):
    """An export of 5–11 November only: it has sales, but no whole month to plan from."""
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\nA1,C1,2019-11-05,210000\nA2,C2,2019-11-11,17000\n", encoding="utf-8"
    )
    report = open_report(str(folder), "2019-11", "ALL")
    assert planning.plan_total(report) == (None, "none")
    note = planning.plan_panel(report, by="product_line").note
    assert note == "数据中还没有完整的月份（2019-11 是数据的第一个月，且不完整），无法按趋势给出下月目标建议。"


def test_a_rep_hired_since_last_year_takes_the_trailing_share_of_the_months_since_hire(tmp_path):
    """R3, hired 2026-09-10, had no November 2025 to weigh: its share is the trailing one, not half of it.

    Trailing months 2026-08..10: R1 100 and R2 300 a month; R3 400 over its two months since hire, 200 a month
    (not 133, with August counted as a month of 0). Trailing shares 1/6, 1/2, 1/3; R1 and R2 (2/3 together) split
    theirs half by November 2025 (100 : 300) and half by the trailing months (100 : 300): 1/6 and 1/2. R3 keeps
    1/3, where it had (0 + 0.25) / 2 = 0.125 with a share of 0 last year.
    """
    import pandas as pd

    folder = tmp_path / "hired"
    folder.mkdir()
    months = pd.period_range("2025-08", "2026-10", freq="M").astype(str)
    orders = [(rep, m, amount) for m in months for rep, amount in (("R1", 100), ("R2", 300))]
    orders += [("R3", "2026-09", 200), ("R3", "2026-10", 200)]
    pd.DataFrame(
        [
            {
                "order_id": f"O{k}",
                "customer_id": f"C{k}",
                "order_date": f"{m}-15",
                "region": "华东",
                "rep_id": rep,
                "amount": amount,
            }
            for k, (rep, m, amount) in enumerate(orders)
        ]  # fmt: skip
    ).to_csv(folder / "orders.csv", index=False)
    pd.DataFrame(
        {
            "rep_id": ["R1", "R2", "R3"],
            "rep_name": ["甲", "乙", "丙"],
            "region": "华东",
            "hire_date": ["2020-01-01", "2020-01-01", "2026-09-10"],
        }  # fmt: skip
    ).to_csv(folder / "reps.csv", index=False)
    report = open_report(str(folder), "2026-10", "华东")
    frame = planning.plan_frame(report, "rep_id").set_index("segment")
    assert frame["trailing_avg"].to_dict() == pytest.approx({"R1": 100, "R2": 300, "R3": 200})
    assert pd.isna(frame.loc["R3", "last_year"]) and frame.loc["R1", "last_year"] == 100
    assert frame["weight"].to_dict() == pytest.approx({"R1": 1 / 6, "R2": 1 / 2, "R3": 1 / 3})
    assert frame["proposed"].sum() == pytest.approx(planning.plan_total(report)[0])


def test_split_weights_sum_to_one_with_and_without_a_last_year():
    import pandas as pd

    nan = float("nan")
    last_year = pd.Series([100.0, 300.0, nan], index=["a", "b", "c"])
    trailing = pd.Series([100.0, 300.0, 200.0], index=["a", "b", "c"])
    assert planning.split_weights(last_year, trailing).tolist() == pytest.approx([1 / 6, 1 / 2, 1 / 3])
    assert planning.split_weights(last_year * nan, trailing).tolist() == pytest.approx([1 / 6, 1 / 2, 1 / 3])
    assert planning.split_weights(last_year, trailing * 0).tolist() == pytest.approx([0.25, 0.75, 0.0])
    both = planning.split_weights(pd.Series([100.0, 100.0]), pd.Series([100.0, 300.0]))
    assert both.tolist() == pytest.approx([(0.5 + 0.25) / 2, (0.5 + 0.75) / 2])


def test_how_the_total_was_set_is_said_once_by_the_first_split_shown():
    """The company report shows regions, product lines, reps; a region's report starts at product lines. The first
    says how next month's total was set; the others say they split that total, not the same sentence again."""
    for region, first in (("ALL", "region"), ("华东", "product_line")):
        report = open_report("", "2026-10", region)
        total = planning.plan_total(report)[0]
        shown = [by for by in ("region", "product_line", "rep_id") if by != "region" or region == "ALL"]
        notes = {by: planning.plan_panel(report, by).note for by in shown}
        split = f"按上方 2026-11 的目标总额 {format_amount(total)} 拆分。"
        assert not notes[first].startswith(split) and format_amount(total) in notes[first]
        assert all(notes[by].startswith(split) for by in shown if by != first)


def test_the_chart_draws_the_rows_the_table_names():
    """The sample's company has 43 reps: the table names the top rows and sums the rest in one 其他 row; the chart
    draws the named rows only (a 其他 bar of 33 reps would dwarf them)."""
    report = open_report("", "2026-10", "ALL")
    panel = planning.plan_panel(report, "rep_id")
    labels = [tick.get_text() for tick in panel.figure.axes[0].get_yticklabels()]
    named = [str(x) for x in panel.table.iloc[:, 0] if not str(x).startswith("其他")]
    assert len(named) < 43 and named and sorted(labels) == sorted(named)


def test_an_export_without_regions_splits_reps_by_the_companys_shares(tmp_path):
    """No region pages to add up: each rep keeps the company's split (all 0 would plan nothing for anyone)."""
    import pandas as pd

    folder = tmp_path / "no_regions"
    folder.mkdir()
    orders = [{"order_id": f"O{k}", "customer_id": f"C{k % 5}", "order_date": f"2026-{8 + k % 3:02d}-{1 + k:02d}",
               "rep_id": "R1" if k % 3 else "R2", "amount": 100.0} for k in range(27)]  # fmt: skip
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    report = open_report(str(folder), "2026-10", "ALL")
    total, _ = planning.plan_total(report)
    frame = planning.plan_frame(report, "rep_id").set_index("segment")
    assert frame["proposed"].sum() == pytest.approx(total) and (frame["proposed"] > 0).all()


def test_the_trailing_note_says_why_without_claiming_under_a_year(tmp_path):
    """Orders in 2025-09 and 2026-01 … 2026-10 (16 months of data) but none in 2025-10: the year-ago trend has no
    base, so the plan is the trailing mean (2026-08..10: 100 a month); the note no longer claims the data is under a
    year old (SAP SHINE, real29: 2014-09 then 2015, "数据不足一年" on a 16-month export)."""
    import pandas as pd

    folder = tmp_path / "gap"
    folder.mkdir()
    dates = ["2025-09-05"] + [f"2026-{m:02d}-05" for m in range(1, 11)]
    orders = [{"order_id": f"O{k}", "customer_id": "C1", "order_date": d, "region": "华东", "amount": 100}
              for k, d in enumerate(dates)]  # fmt: skip
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    report = open_report(str(folder), "2026-10")
    assert planning.plan_total(report) == (pytest.approx(100.0), "trailing")
    note = planning.plan_panel(report, "region").note
    assert "且没有可比的去年同期销售（数据不足一年，或去年同月、同期几个月没有订单）" in note


def test_a_partial_months_plan_reads_the_whole_months_a_whole_months_report_reads(tmp_path):
    """Data ending 2026-03-05, 12 orders a month: of 10 on the 3rd, and January's of 40 on the 25th.

    April's plan from the 2026-03 report (partial: days 1-5) is the trailing average of the whole months Dec-Feb,
    (120 + 480 + 120) / 3 = 240: January, without an order in days 1-5, was dropped and the plan read 120.
    """
    folder = tmp_path / "late"
    folder.mkdir()
    days = {"2025-11": (3, 10), "2025-12": (3, 10), "2026-01": (25, 40), "2026-02": (3, 10), "2026-03": (5, 10)}
    rows = [f"{m}{i:02d},C{i},{m}-{d:02d},{a}" for m, (d, a) in days.items() for i in range(12)]
    (folder / "orders.csv").write_text("order_id,customer_id,order_date,amount\n" + "\n".join(rows) + "\n")
    assert planning.plan_total(open_report(str(folder), "2026-03", "ALL")) == (pytest.approx(240), "trailing")


def test_a_partial_months_plan_per_region_averages_each_region_over_the_whole_months(tmp_path):
    """As above, in two regions (6 buyers each): each region's trailing average is (60 + 240 + 60) / 3 = 120.

    Each region's own months came from the same-days data, without January: on main both the months and the
    divisor left January out (60); with the months read whole but not the divisor it was 180.
    """
    folder = tmp_path / "late"
    folder.mkdir()
    days = {"2025-11": (3, 10), "2025-12": (3, 10), "2026-01": (25, 40), "2026-02": (3, 10), "2026-03": (5, 10)}
    rows = [
        f"{m}{i:02d},C{i},{m}-{d:02d},{a},{'华东华南'[i % 2 * 2 :][:2]}"
        for m, (d, a) in days.items()
        for i in range(12)
    ]
    (folder / "orders.csv").write_text("order_id,customer_id,order_date,amount,region\n" + "\n".join(rows) + "\n")
    frame = planning.plan_frame(open_report(str(folder), "2026-03", "ALL"), by="region").set_index("segment")
    assert frame.loc["华东", "trailing_avg"] == pytest.approx(120) and frame.loc[
        "华南", "trailing_avg"
    ] == pytest.approx(120)
    assert frame["proposed"].sum() == pytest.approx(240)
