"""产品生命周期, 新产品表现."""

import pandas as pd
import pytest
from tiny import write_tiny

from product.helpers import build, line, report
from salesnb import product
from salesnb.display.formatting import format_amount


def test_new_products_and_lifecycle(folder):
    new = product.new_products_frame(report(folder)).set_index("product_id")
    assert list(new.index) == ["P3"]
    row = new.loc["P3"]
    assert row["revenue"] == 360 and row["revenue_since_launch"] == 540
    assert row["buyers"] == 2 and row["buyers_since_launch"] == 2 and row["repeat_rate"] == pytest.approx(0.5)
    assert row["units_sold"] == 3 and row["return_rate"] == 0
    assert product.new_products_frame(report(folder, period="2026-08")).empty
    stages = product.lifecycle_frame(report(folder)).set_index("product_id")["stage"]
    assert stages["P3"] == "intro"  # a month since launch
    # 1440 + 1440 + 180 against 3 × 1440 before: -29%, but 17 lines of 180 against 24 is within chance:
    # z = (3060 - 4320) / sqrt((17 + 24) × 180²) = -1.09, one-sided p 0.14 (the month's fall is product_line_decline's)
    assert stages["P2"] == "mature"
    assert stages["P4"] == "mature"
    assert product.lifecycle_frame(report(folder, "华南")).set_index("product_id")["stage"]["P1"] == "mature"


def test_without_order_lines_the_sections_skip(bare):
    r = report(bare)
    assert product.lifecycle_panel(r).is_skipped and "order_lines" in product.lifecycle_panel(r).note
    panel = product.new_products_panel(r)
    assert panel.is_skipped and "order_lines" in panel.note and "products" in panel.note


@pytest.fixture(scope="module")
def unlaunched(tmp_path_factory):
    """The tiny dataset plus P5 (A线, no launch date), first sold in 华东 2026-09 (CE2) and 2026-10 (CE2, CE3)."""
    tables = build()
    tables["products"].append(
        {"product_id": "P5", "product_name": "戊", "product_line": "A线", "launch_date": "", "list_price": 60,
         "unit_cost": 20}
    )  # fmt: skip
    for order in ("OE0902", "OE1002", "OE1003"):
        tables["order_lines"].append(line(order, "P5", 1, 60, 60, 20))
    return write_tiny(tmp_path_factory.mktemp("unlaunched"), tables=tables)


def test_no_launch_date_is_not_a_launch(unlaunched):
    r = report(unlaunched)
    life = product.lifecycle_frame(r).set_index("product_id")
    assert life.loc["P5", "since"] == "first_sale" and life.loc["P3", "since"] == "launch"
    assert str(life.loc["P5", "launch"])[:10] == "2026-09-05"  # its first sale stands in, and says so
    assert life.loc["P5", "age_months"] == 1 and life.loc["P5", "stage"] == "intro"
    assert life.loc["P5", "recent"] == 180
    assert list(product.new_products_frame(r)["product_id"]) == ["P3"]  # P5 is not a new launch
    panel = product.lifecycle_panel(r)
    launched = dict(zip(panel.table["产品"], panel.table["上市日期"], strict=True))  # no line column: none in the data
    assert launched["戊"] == "首次销售 2026-09" and launched["丙"] == "2026-09"
    assert "1个产品未登记上市日期" in panel.note
    en = product.lifecycle_panel(report(unlaunched, lang="en"))
    assert "first sold 2026-09" in set(en.table.iloc[:, 3])


def test_lifecycle_and_pareto_panels_are_bounded(folder):
    r = report(folder)
    r.config["report"]["top_n"] = 2
    life = product.lifecycle_panel(r)
    assert len(life.table) == 3 and life.table.iloc[-1, 0] == "其他（2项）"  # 4 products: the top 2, then 2 others
    assert "其余2项合并" in life.note
    recent = product.lifecycle_frame(r)["recent"]
    shown = life.table.iloc[:, 5]
    assert shown.iloc[-1] == format_amount(recent.nsmallest(2).sum(), "zh")
    pareto = product.pareto_panel(r)
    assert pareto.table.iloc[-1].tolist() == ["—", "其他（2项）", "—", "540", "19.3%", "100.0%", "6"]  # P3 360 + P2 180
    assert pareto.table.iloc[:, 0].tolist()[:2] == ["1", "2"]


def test_a_product_first_sold_after_the_period_is_not_in_its_lifecycle(folder):
    """P3 sells from 2026-09: the 2026-08 lifecycle (read from every month's lines) leaves it out."""
    frame = product.lifecycle_frame(report(folder, period="2026-08"))
    assert "P3" not in set(frame["product_id"]) and {"P1", "P2", "P4"} <= set(frame["product_id"])
    assert "P3" in set(product.lifecycle_frame(report(folder, period="2026-09"))["product_id"])


def test_a_product_sold_too_sparsely_has_no_stage_but_sporadic(folder):
    """Each product's peak_lines is its order lines in its busiest three months on sale (hand-counted below)."""
    from salesnb.data import facts

    r = report(folder)
    life = product.lifecycle_frame(r).set_index("product_id")
    lines = facts.in_region(facts.line_facts(r.ds), r.region)
    lines = lines[lines["month"] <= r.period]
    for product_id, row in life.iterrows():
        per_month = lines[lines["product_id"] == product_id].groupby("month").size()
        months = pd.period_range(per_month.index.min(), r.period, freq="M").astype(str)
        per_month = per_month.reindex(months, fill_value=0)
        assert row["peak_lines"] == per_month.rolling(3, min_periods=1).sum().max()
    assert (life["stage"] == "sporadic").sum() == 0  # the tiny products sell every month
    needing = int(life.loc[life["stage"] != "intro", "peak_lines"].min()) + 1
    r.config["product"]["lifecycle_min_lines"] = needing  # one more line than the quietest has
    sparse = product.lifecycle_frame(r).set_index("product_id")
    quietest = life.loc[life["stage"] != "intro", "peak_lines"].idxmin()
    assert sparse.loc[quietest, "stage"] == "sporadic" and sparse.loc["P3", "stage"] == "intro"
    note = product.lifecycle_panel(r).note
    assert f"最好的3个月也不足{needing}笔订单明细" in note and "零星销售 " in note


def test_the_chart_leaves_out_an_others_row_that_would_flatten_every_product():
    from salesnb.product.lifecycle import _charted

    shown = pd.DataFrame(
        {"product_name": ["a", "b", "其他（9项）"], "recent": [100.0, 60.0, 201.0], "is_other": [False, False, True]}
    )
    assert _charted(shown)["product_name"].tolist() == ["a", "b"]  # 201 > 2 × 100: the table keeps it
    kept = shown.assign(recent=[100.0, 60.0, 200.0])
    assert _charted(kept)["product_name"].tolist() == ["a", "b", "其他（9项）"]
    assert _charted(shown[~shown["is_other"]]).equals(shown[~shown["is_other"]])


def _p1_from_august_p2_from_september() -> tuple[list[dict], list[dict]]:
    """Ten orders a month 2026-08..10, each a line of P1 at 10, and from 2026-09 also one of P2 at 10."""
    orders, lines = [], []
    for month, products in (("2026-08", ["P1"]), ("2026-09", ["P1", "P2"]), ("2026-10", ["P1", "P2"])):
        for day in range(1, 11):
            order = f"O{month}-{day}"
            orders.append({"order_id": order, "customer_id": f"C{day}", "order_date": f"{month}-{day:02d}"})
            lines += [{"order_id": order, "product_id": p, "quantity": 1, "unit_price": 10} for p in products]
    return orders, lines


def test_a_product_on_sale_in_the_data_s_first_month_has_an_unknown_age(tmp_path):
    """An export from 2026-08: P1 sells from its first month (on sale before the export), P2 from 2026-09.

    P1's age is unknown and it is not 导入期 (every product of a new export read as introduced); P2 is 1 month old.
    """
    orders, lines = _p1_from_august_p2_from_september()
    folder = tmp_path / "export"
    folder.mkdir()
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    pd.DataFrame(lines).to_csv(folder / "order_lines.csv", index=False)
    pd.DataFrame({"product_id": ["P1", "P2"], "product_name": ["甲", "乙"]}).to_csv(
        folder / "products.csv", index=False
    )
    r = report(str(folder), "ALL", period="2026-10")
    life = product.lifecycle_frame(r).set_index("product_id")
    assert life.loc["P1", "since"] == "before_data" and pd.isna(life.loc["P1", "age_months"])
    assert life.loc["P1", "stage"] == "mature"  # 300 in its last three months, like its best three: no change
    assert life.loc["P2", "since"] == "first_sale" and life.loc["P2", "stage"] == "intro"
    panel = product.lifecycle_panel(r)
    launched = dict(zip(panel.table["产品"], panel.table["上市日期"], strict=True))  # no line column: none in the data
    assert launched["甲"] == "数据首月 2026-08 已在售" and launched["乙"] == "首次销售 2026-09"


def test_a_product_sold_a_few_times_without_a_launch_date_is_sporadic_not_introduced(tmp_path):
    """A big catalogue's long tail: P3's first sale in the data (2026-09) is no launch, and 2 lines read nothing.

    Every month has 10 orders of P1 (on sale before the export); P2 (no launch date) sells 10 lines a month from
    2026-09: introduced. P3 (no launch date) sells once in 2026-09 and once in 2026-10: 2 lines in its best three
    months, under ``lifecycle_min_lines`` (3): sporadic, not 导入期. P4, launched 2026-10 by ``products``, sells
    once: a declared launch is a launch, so it is introduced however few its lines.
    """
    orders, lines = _p1_from_august_p2_from_september()
    lines += [
        {"order_id": "O2026-09-1", "product_id": "P3", "quantity": 1, "unit_price": 50},
        {"order_id": "O2026-10-1", "product_id": "P3", "quantity": 1, "unit_price": 50},
        {"order_id": "O2026-10-2", "product_id": "P4", "quantity": 1, "unit_price": 80},
    ]
    folder = tmp_path / "export"
    folder.mkdir()
    pd.DataFrame(orders).to_csv(folder / "orders.csv", index=False)
    pd.DataFrame(lines).to_csv(folder / "order_lines.csv", index=False)
    pd.DataFrame(
        {"product_id": ["P1", "P2", "P3", "P4"], "product_name": ["甲", "乙", "丙", "丁"],
         "launch_date": ["", "", "", "2026-10-02"]}
    ).to_csv(folder / "products.csv", index=False)  # fmt: skip
    r = report(str(folder), "ALL", period="2026-10")
    life = product.lifecycle_frame(r).set_index("product_id")
    assert life.loc["P3", "since"] == "first_sale" and life.loc["P3", "peak_lines"] == 2
    assert life.loc["P3", "stage"] == "sporadic" and life.loc["P3", "recent"] == 100
    assert life.loc["P2", "stage"] == "intro" and life.loc["P2", "peak_lines"] == 20
    assert life.loc["P4", "since"] == "launch" and life.loc["P4", "stage"] == "intro"
    assert "共4个产品：导入期 2，成长期 0，成熟期 1，衰退期 0，零星销售 1" in product.lifecycle_panel(r).note


def test_the_pareto_note_counts_a_large_catalogue_with_separators(folder, monkeypatch):
    """963 of 3,024 products (a chain store's catalogue) read with thousands separators, as the tables do."""
    from salesnb.product import lines

    counts = {"top_share": 0.056, "pareto_products": 963, "products_sold": 3024}
    monkeypatch.setattr(lines, "pareto_metrics", lambda report: counts)
    assert "963 个产品（共 3,024 个）贡献了 80%" in product.pareto_panel(report(folder)).note


def test_a_fall_beyond_the_lines_chance_swings_is_a_decline(tmp_path):
    """华东's P2 (8 lines of 180 a month) sells nothing from August: 0 against 24 lines, z = -sqrt(24) = -4.9."""
    tables = build()
    gone = ("OE08", "OE09", "OE10")
    tables["order_lines"] = [
        row for row in tables["order_lines"] if not (row["product_id"] == "P2" and row["order_id"].startswith(gone))
    ]
    frame = product.lifecycle_frame(report(write_tiny(tmp_path / "t", tables=tables))).set_index("product_id")
    assert frame.loc["P2", "recent"] == 0 and frame.loc["P2", "compare"] == 24 * 180
    assert frame.loc["P2", "stage"] == "decline"


def test_months_the_company_sold_nothing_in_compare_no_product(tmp_path):
    """Orders in 2025-01, none at all in 2025-02..04 (a gap in the export), then every month to 2026-04: A sells
    5 lines of 100 a month throughout. Read against 2025-02..04 (a company at 0), A was 成长期 (compare 0); it is
    compared with 2025-11..2026-01 instead (1500 against 1500): 成熟期. SAP SHINE (real29): 2014-09, then 2015."""
    months = ["2025-01", *[str(p) for p in pd.period_range("2025-05", "2026-04", freq="M")]]
    orders, lines = [], []
    for month in months:
        for k in range(5):
            order = f"O{month}{k}"
            orders.append({"order_id": order, "customer_id": f"C{k}", "order_date": f"{month}-{k + 2:02d}",
                           "region": "华东"})  # fmt: skip
            lines.append({"order_id": order, "product_id": "A", "quantity": 1, "unit_price": 100})
    pd.DataFrame(orders).to_csv(tmp_path / "orders.csv", index=False)
    pd.DataFrame(lines).to_csv(tmp_path / "order_lines.csv", index=False)
    from salesnb.report import open_report

    life = product.lifecycle_frame(open_report(str(tmp_path), "2026-04")).set_index("product_id")
    assert life.loc["A", "since"] == "before_data"
    assert life.loc["A", "recent"] == 1500 and life.loc["A", "compare"] == 1500
    assert life.loc["A", "growth"] == pytest.approx(0.0) and life.loc["A", "stage"] == "mature"


def _monthly_lines(tmp_path, counts: dict[str, dict[str, int]]):
    """A report at 2026-04 over 2024-05..2026-04: product B sells 5 lines of 100 every month (the company is never
    idle), each product of ``counts`` its given lines of 100 in the given months."""
    months = [str(p) for p in pd.period_range("2024-05", "2026-04", freq="M")]
    orders, lines = [], []
    for month in months:
        sold = [("B", 5), *[(pid, per.get(month, 0)) for pid, per in counts.items()]]
        for pid, n in sold:
            for k in range(n):
                order = f"O{month}{pid}{k}"
                orders.append(
                    {
                        "order_id": order,
                        "customer_id": f"C{k}",
                        "order_date": f"{month}-{k % 5 + 2:02d}",
                        "region": "华东",
                    }
                )  # fmt: skip (days 2-6 of every month, as the last: no partial month)
                lines.append({"order_id": order, "product_id": pid, "quantity": 1, "unit_price": 100})
    pd.DataFrame(orders).to_csv(tmp_path / "orders.csv", index=False)
    pd.DataFrame(lines).to_csv(tmp_path / "order_lines.csv", index=False)
    from salesnb.report import open_report

    return product.lifecycle_frame(open_report(str(tmp_path), "2026-04")).set_index("product_id")


def test_a_chance_best_quarter_of_a_thin_product_is_no_peak_to_fall_from(tmp_path):
    """S sells 10 lines over 23 months (level 3 × 10 / 23 = 1.30 lines a quarter), 5 of them in 2024-09..11, none
    in the last three months. Against half of that best quarter: z = (0 − 250) / sqrt(0.25 × 5 × 100²) = −2.24, read
    衰退期. But a steady product of 1.30 lines a quarter reaches 5 lines in one of its 7.7 quarters by chance:
    P(Poisson(1.30) ≥ 5) = 0.0107, × 7.67 = 0.082 ≥ 0.05: no peak. Year-ago 1 line: −100%, z = −1.0: 成熟期.

    L rose to 30 lines in 2024-10..12 (level 3 × 71 / 23 = 9.26) and sells 1 line a month since 2025-02: its best
    stands out (P(Poisson(9.26) ≥ 30) ≈ 1e-8), recent 300 against 1500: 衰退期 (year-ago 300: growth 0)."""
    thin = {"2024-06": 1, "2024-09": 2, "2024-10": 2, "2024-11": 1, "2025-03": 1, "2025-07": 1, "2025-10": 1,
            "2025-12": 1}  # fmt: skip
    rising = [str(p) for p in pd.period_range("2024-06", "2025-01", freq="M")]
    ramp = dict(zip(rising, [2, 4, 8, 10, 10, 10, 8, 4], strict=True))
    ramp |= {str(p): 1 for p in pd.period_range("2025-02", "2026-04", freq="M")}
    life = _monthly_lines(tmp_path, {"S": thin, "L": ramp})
    assert life.loc["S", "peak"] == 500 and life.loc["S", "recent"] == 0 and life.loc["S", "compare"] == 100
    assert life.loc["S", "stage"] == "mature"
    assert life.loc["L", "peak"] == 3000 and life.loc["L", "recent"] == 300 and life.loc["L", "compare"] == 300
    assert life.loc["L", "stage"] == "decline"


def test_growth_from_empty_comparison_months_must_be_beyond_chance(tmp_path):
    """Z: 3 lines in 2024-06..08, then one line in 2026-04 against none a year before: z = 100 / 100 = 1.0, 成熟期
    (was 成长期 from the empty year-ago quarter). N: the same start, then 2 lines a month in 2026-02..04: 6 lines
    against none, z = sqrt(6) = 2.45: 成长期."""
    start = {"2024-06": 1, "2024-07": 1, "2024-08": 1}
    life = _monthly_lines(
        tmp_path, {"Z": start | {"2026-04": 1}, "N": start | {"2026-02": 2, "2026-03": 2, "2026-04": 2}}
    )
    assert life.loc["Z", "compare"] == 0 and life.loc["Z", "recent"] == 100 and life.loc["Z", "stage"] == "mature"
    assert life.loc["N", "compare"] == 0 and life.loc["N", "recent"] == 600 and life.loc["N", "stage"] == "growth"


def _seasonal_world(tmp_path, period: str):
    """2024-10..``period``: B sells 10 lines of 100 a month and 30 in November-January; D the same at twice that
    until 2026-03, then 5 lines a month (a real fall)."""
    orders, lines = [], []
    for month in (str(p) for p in pd.period_range("2024-10", period, freq="M")):
        peak = month[5:] in ("11", "12", "01")
        sold = {"B": 30 if peak else 10, "D": (60 if peak else 20) if month < "2026-04" else 5}
        for pid, n in sold.items():
            for k in range(n):
                order = f"O{month}{pid}{k}"
                day = f"{month}-{k % 5 + 2:02d}"
                orders.append({"order_id": order, "customer_id": f"C{k}", "order_date": day, "region": "华东"})
                lines.append({"order_id": order, "product_id": pid, "quantity": 1, "unit_price": 100})
    pd.DataFrame(orders).to_csv(tmp_path / "orders.csv", index=False)
    pd.DataFrame(lines).to_csv(tmp_path / "order_lines.csv", index=False)
    from salesnb.report import open_report

    return product.lifecycle_frame(open_report(str(tmp_path), period)).set_index("product_id")


def test_a_steady_product_s_off_season_is_no_fall_from_its_peak_season(tmp_path):
    """B's July-September (3,000) is a third of its November-January (9,000) every year: read raw, 33 % of its best
    quarter with z = (3000 − 4500) / sqrt(30 × 100² + 0.25 × 90 × 100²) = −2.07, 衰退期 (TPC-DS, real31: 3,421 of
    12,000 products in September). At the season of the last three months its best is no peak: 成熟期. D fell to a
    quarter of its year-ago quarter (1,500 against 6,000): 衰退期 whatever the season."""
    life = _seasonal_world(tmp_path, "2026-09")
    assert life.loc["B", "recent"] == 3000 and life.loc["B", "compare"] == pytest.approx(3000)
    assert life.loc["B", "of_peak"] > 0.5 and life.loc["B", "stage"] == "mature"
    assert life.loc["D", "growth"] == pytest.approx(-0.75) and life.loc["D", "stage"] == "decline"
