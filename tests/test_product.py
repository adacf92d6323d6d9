import json
import math
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats
from tiny import write_tiny

from salesnb import product
from salesnb.data import facts
from salesnb.demo import generate_dataset, write_dataset
from salesnb.report import clean_json, open_report

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
CODES = set(product.CODES)
MONTHS = [f"2026-{m:02d}" for m in range(4, 11)]  # 2026-04 .. 2026-10
REGIONS = ("华东", "华南")


# ------------------------------------------------------------------------------------------ tiny product data


def build():
    """Twelve customers per region, one order each a month (2026-04..10), and every problem in 华东 2026-10.

    Every order has P1 (A线, 2 × 90, list 100, cost 40); customers 0-7 also P2 (B线, 4 × 45, list 50, cost 20)
    and customers 4-11 P4 (C线, 1 × 72, list 80, cost 30). 华东 2026-10: P2 in one order only (B线 decline),
    P1 sold at 70 (A线 discount 30%), P4's cost 60 on the order lines (C线 margin), 6 of the 12 P1 lines
    returned for 质量问题, 8 deals lost to 乙竞. P3 (A线, launched 2026-09-10) sold to CE0 (09 and 10) and CE1 (10).
    Deals: 6 won and 4 lost a month per region (2 lost to 甲竞, 2 without a competitor), 100 each.
    """
    t = {
        "products": [
            {"product_id": "P1", "product_name": "甲", "product_line": "A线", "launch_date": "2024-01-01",
             "list_price": 100, "unit_cost": 40},
            {"product_id": "P2", "product_name": "乙", "product_line": "B线", "launch_date": "2024-01-01",
             "list_price": 50, "unit_cost": 20},
            {"product_id": "P3", "product_name": "丙", "product_line": "A线", "launch_date": "2026-09-10",
             "list_price": 200, "unit_cost": 100},
            {"product_id": "P4", "product_name": "丁", "product_line": "C线", "launch_date": "2024-01-01",
             "list_price": 80, "unit_cost": 30},
        ],
        "customers": [], "orders": [], "order_lines": [], "returns": [], "opportunities": [],
    }  # fmt: skip
    for region in REGIONS:
        tag = "E" if region == "华东" else "S"
        t["customers"] += [{"customer_id": f"C{tag}{k}", "region": region} for k in range(12)]
        for month in MONTHS:
            problem = region == "华东" and month == "2026-10"
            for k in range(12):
                order = f"O{tag}{month[5:]}{k:02d}"
                t["orders"].append(
                    {"order_id": order, "customer_id": f"C{tag}{k}", "order_date": f"{month}-05", "region": region,
                     "channel": "直营"}
                )  # fmt: skip
                t["order_lines"].append(line(order, "P1", 2, 70 if problem else 90, 100, 40))
                if k < 8 and (not problem or k == 0):
                    t["order_lines"].append(line(order, "P2", 4, 45, 50, 20))
                if k >= 4:
                    t["order_lines"].append(line(order, "P4", 1, 72, 80, 60 if problem else 30))
                if region == "华东" and ((month == "2026-09" and k == 0) or (month == "2026-10" and k < 2)):
                    t["order_lines"].append(line(order, "P3", 1, 180, 200, 100))
                if problem and k < 6:
                    t["returns"].append(
                        {"order_id": order, "product_id": "P1", "quantity": 2, "returned_at": f"{month}-20",
                         "reason": "质量问题"}
                    )  # fmt: skip
            for k in range(10):
                status = "won" if k < 6 else "lost"
                competitor = "甲竞" if k in (6, 7) else ""
                t["opportunities"].append(deal(f"OP{tag}{month[5:]}{k}", region, month, status, competitor))
            if problem:
                for k in range(8):
                    t["opportunities"].append(deal(f"OP{tag}{month[5:]}X{k}", region, month, "lost", "乙竞"))
    t["returns"].append(
        {"order_id": "OS0603", "product_id": "P1", "quantity": 1, "returned_at": "2026-06-20", "reason": "物流损坏"}
    )
    return t


def line(order, product_id, quantity, price, list_price, cost):
    return {"order_id": order, "product_id": product_id, "quantity": quantity, "unit_price": price,
            "list_price": list_price, "unit_cost": cost}  # fmt: skip


def deal(opportunity, region, month, status, competitor):
    reason = ("竞品替代" if competitor else "预算不足") if status == "lost" else ""
    return {"opportunity_id": opportunity, "created_at": f"{month}-01", "status": status, "region": region,
            "amount": 100, "expected_close_at": f"{month}-15", "closed_at": f"{month}-15", "lost_reason": reason,
            "competitor": competitor}  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_tiny(tmp_path_factory.mktemp("product"), tables=build())


def report(folder, region="华东", period="2026-10", **kw):
    return open_report(str(folder), period, region, **kw)


def test_line_and_product_frames_hand_computed(folder):
    frame = product.line_frame(report(folder, "华南")).set_index("product_line")
    assert frame.loc["A线", "revenue"] == 12 * 180  # P1 2 × 90 in all 12 orders
    assert frame.loc["B线", "revenue"] == 8 * 180 and frame.loc["C线", "revenue"] == 8 * 72
    assert frame["share"].sum() == pytest.approx(1.0)
    assert frame.loc["A线", "share"] == pytest.approx(2160 / 4176)
    assert frame.loc["A线", "trailing_avg"] == 2160 and frame.loc["A线", "vs_trailing"] == pytest.approx(0.0)
    assert math.isnan(frame.loc["A线", "yoy_revenue"])  # the data starts 2026-04
    east = product.line_frame(report(folder)).set_index("product_line")
    assert east.loc["B线", "revenue"] == 180 and east.loc["B线", "orders"] == 1
    assert east.loc["B线", "mom_growth"] == pytest.approx(180 / 1440 - 1)

    products = product.product_frame(report(folder, "华南"))
    assert list(products["product_id"]) == ["P1", "P2", "P4"]
    assert products["cum_share"].iloc[-1] == pytest.approx(1.0) and products["top"].all()
    m = product.pareto_metrics(report(folder, "华南"))
    assert m["top_share"] == pytest.approx(1.0) and m["pareto_products"] == 2  # 52% + 34% reach 80%


def test_discount_and_margin_hand_computed(folder):
    frame = product.discount_frame(report(folder)).set_index("product_line")
    # A线 in 华东 2026-10: 12 P1 lines at 30% off (revenue 140 each) and 2 P3 lines at 10% off (180 each)
    expected = (12 * 140 * 0.3 + 2 * 180 * 0.1) / (12 * 140 + 2 * 180)
    assert frame.loc["A线", "discount"] == pytest.approx(expected)
    assert frame.loc["A线", "baseline_discount"] == pytest.approx((3 * 12 * 180 * 0.1 + 180 * 0.1) / (36 * 180 + 180))
    assert frame.loc["C线", "margin"] == pytest.approx(1 - 60 / 72)
    assert frame.loc["C线", "baseline_margin"] == pytest.approx(1 - 30 / 72)
    assert frame.loc["C线", "discount_change"] == pytest.approx(0.0)
    total = frame[frame["is_total"]].iloc[0]
    assert total["revenue"] == frame.loc[~frame["is_total"], "revenue"].sum()


def test_returns_hand_computed(folder):
    frame = product.returns_frame(report(folder)).set_index("product_id")
    assert frame.loc["P1", "units_returned"] == 12 and frame.loc["P1", "units_sold"] == 24
    assert frame.loc["P1", "return_rate"] == pytest.approx(0.5) and frame.loc["P1", "baseline_rate"] == 0
    assert frame.loc["P1", "returned_value"] == 12 * 70 and frame.loc["P1", "top_reason"] == "质量问题"
    reasons = product.return_reasons_frame(report(folder, "华南", "2026-06")).set_index("reason")
    assert reasons.loc["物流损坏", "units"] == 1 and reasons.loc["物流损坏", "share"] == 1.0


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
    assert stages["P2"] == "decline"  # 1440 + 1440 + 180 against 3 × 1440 before: -29%
    assert stages["P4"] == "mature"
    assert product.lifecycle_frame(report(folder, "华南")).set_index("product_id")["stage"]["P1"] == "mature"


def test_bundles_hand_computed(folder):
    frame = product.bundle_frame(report(folder, "华南"))
    pair = frame[(frame["product_a"] == "P2") & (frame["product_b"] == "P4")].iloc[0]
    # 6 months × 12 orders; P2 in 8 a month, P4 in 8, both in customers 4-7
    assert pair["orders"] == 24 and pair["support"] == pytest.approx(24 / 72)
    assert pair["confidence_ab"] == pytest.approx(0.5) and pair["lift"] == pytest.approx(0.75)
    assert pair["aov_with"] == pytest.approx(180 + 180 + 72)
    assert pair["aov_without"] == pytest.approx(((180 + 180) + (180 + 72)) / 2)


def test_lost_deals_hand_computed(folder):
    frame = product.lost_frame(report(folder, "华南")).set_index("competitor")
    assert frame.loc["甲竞", "deals"] == 2 and frame.loc["甲竞", "amount"] == 200
    assert frame.loc["甲竞", "baseline_deals"] == 2 and frame.loc["", "deals"] == 2
    reasons = product.lost_reasons_frame(report(folder)).set_index("reason")
    assert reasons.loc["竞品替代", "deals"] == 10 and reasons.loc["预算不足", "deals"] == 2


def test_findings_of_the_problem_region(folder):
    found = product.angle_findings(report(folder))
    by_code = {(f["code"], tuple(sorted(f["segment"].items()))) for f in found}
    assert ("product_line_decline", (("product_line", "B线"),)) in by_code
    assert ("discount_deepening", (("product_line", "A线"),)) in by_code
    assert ("margin_erosion", (("product_line", "C线"),)) in by_code
    assert ("lost_to_competitor", (("competitor", "乙竞"),)) in by_code
    assert any(f["code"] == "return_rate_high" and f["segment"]["product_id"] == "P1" for f in found)
    # A线's margin fell with its discount: the discount finding covers it, no margin finding for A线
    assert not any(f["code"] == "margin_erosion" and f["segment"]["product_line"] == "A线" for f in found)
    assert len(found) == 5
    margin = next(f for f in found if f["code"] == "margin_erosion")
    assert margin["value"] == pytest.approx(1 - 60 / 72) and margin["baseline"] == pytest.approx(1 - 30 / 72)
    assert margin["effect"] == pytest.approx((30 / 72) * 8 * 72)  # points lost × revenue
    for f in found:
        assert f["title"] and f["detail"] and f["action"] and f["severity"] in ("high", "medium", "low")


def test_clean_region_is_quiet_and_all_report_names_the_region(folder):
    assert product.angle_findings(report(folder, "华南")) == []
    assert product.angle_findings(report(folder, period="2026-09")) == []
    found = product.angle_findings(report(folder, "ALL"))
    assert {f["code"] for f in found} == CODES
    assert all(f["segment"].get("region") == "华东" for f in found)  # the regional finding replaces the company one


def test_margin_erosion_alone(tmp_path):
    """A cost rise without any discount change is margin erosion (tiny frame, one line, one region)."""
    tables = {"products": [{"product_id": "P", "product_name": "件", "product_line": "L", "list_price": 10}],
              "customers": [{"customer_id": "C", "region": "华东"}], "orders": [], "order_lines": []}  # fmt: skip
    for month in MONTHS:
        for k in range(5):
            order = f"O{month[5:]}{k}"
            tables["orders"].append({"order_id": order, "customer_id": "C", "order_date": f"{month}-1{k}"})
            cost = 7.0 if month == "2026-10" else 4.0 + 0.1 * k
            tables["order_lines"].append(line(order, "P", 10, 9.0, 10, cost))
    r = open_report(str(write_tiny(tmp_path / "m", tables=tables)), "2026-10", "华东")
    check = product.price_check(r).iloc[0]
    assert check["margin"] == pytest.approx(1 - 7 / 9)
    assert check["baseline_margin"] == pytest.approx(1 - 4.2 / 9)
    assert check["like_for_like_baseline"] == pytest.approx(1 - 4.2 / 9)
    assert check["margin_flagged"] and not check["discount_flagged"]
    found = product.angle_findings(r)
    assert [f["code"] for f in found] == ["margin_erosion"]
    assert found[0]["severity"] == "high"  # 3.1 points of 9 on all the revenue


def test_a_shift_to_low_margin_products_is_not_margin_erosion(tmp_path):
    """Margin is judged like for like: the line's margin falls only because its cheap product sold more."""
    tables = {"products": [{"product_id": "P", "product_name": "高", "product_line": "L", "list_price": 10},
                           {"product_id": "Q", "product_name": "低", "product_line": "L", "list_price": 10}],
              "customers": [{"customer_id": "C", "region": "华东"}], "orders": [], "order_lines": []}  # fmt: skip
    for month in MONTHS:
        for k in range(6):
            order = f"O{month[5:]}{k}"
            tables["orders"].append({"order_id": order, "customer_id": "C", "order_date": f"{month}-1{k}"})
            high_margin = k < 5 if month != "2026-10" else k < 1
            tables["order_lines"].append(
                line(order, "P" if high_margin else "Q", 10, 9.0, 10, 4.0 if high_margin else 8.0)
            )
    r = open_report(str(write_tiny(tmp_path / "mix", tables=tables)), "2026-10", "华东")
    check = product.price_check(r).iloc[0]
    assert check["baseline_margin"] - check["margin"] == pytest.approx(((4 + 5 * 8) - (5 * 4 + 8)) / 54)
    assert check["margin_points"] == pytest.approx(0.0) and not check["margin_flagged"]
    assert product.angle_findings(r) == []


def test_count_test_allows_for_the_usual_spread():
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    steady = [10.0] * 12
    lumpy = [4.0, 16.0] * 6  # mean 10, far more spread than a Poisson count
    counts = pd.DataFrame([steady, lumpy], index=["steady", "lumpy"], columns=months)
    phi = product._dispersion(counts, months, 3)
    assert phi["steady"] == 1.0  # never below the Poisson spread
    assert phi["lumpy"] > 3
    p = product._count_below(pd.Series([3.0, 3.0], index=phi.index), pd.Series([10.0, 10.0], index=phi.index), phi)
    assert p[0] == pytest.approx(stats.poisson.cdf(3, 10)) and p[1] > 10 * p[0]
    assert (product._dispersion(counts.iloc[:, :4], months[:4], 3) == 1.0).all()  # one month to learn from: Poisson


def test_missing_tables_skip(tmp_path):
    tables = build()
    folder = write_tiny(tmp_path / "no_returns", tables=tables, drop=("returns", "opportunities"))
    r = report(folder)
    assert product.returns_panel(r).is_skipped and "returns" in product.returns_panel(r).note
    assert product.lost_panel(r).is_skipped and "opportunities" in product.lost_panel(r).note
    codes = {f["code"] for f in product.angle_findings(r)}
    assert codes == {"product_line_decline", "discount_deepening", "margin_erosion"}
    for row in tables["orders"]:
        row["amount"] = 100
    folder = write_tiny(tmp_path / "no_lines", tables=tables, drop=("order_lines", "returns"))
    r = report(folder)
    for panel in (product.line_panel(r), product.pareto_panel(r), product.discount_panel(r), product.bundle_panel(r)):
        assert panel.is_skipped and "order_lines" in panel.note
    assert {f["code"] for f in product.angle_findings(r)} == {"lost_to_competitor"}
    assert "lost_deals" in product.angle_metrics(r) and "top_share" not in product.angle_metrics(r)


def test_english_texts(folder):
    r = report(folder, lang="en")
    found = product.angle_findings(r)
    titles = " ".join(f["title"] + f["detail"] + f["action"] for f in found)
    assert "revenue down" in titles and "deeper discounts" in titles and "gross margin down" in titles
    for value in ("B线", "A线", "C线", "乙竞", "甲", "质量问题", "竞品替代"):  # names from the data stay as they are
        titles = titles.replace(value, "")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in titles), titles
    panel = product.line_panel(r)
    assert "Product line" in panel.table.columns and panel.figure is not None
    assert "Introduction" in set(product.lifecycle_panel(r).table["Stage"])


def test_metrics_are_plain_and_findings_deterministic(folder):
    r = report(folder)
    metrics = product.angle_metrics(r)
    assert metrics["return_rate"] == pytest.approx(12 / (24 + 8 * 1 + 1 * 4 + 2))
    assert metrics["lost_deals_to_competitors"] == 10 and metrics["lost_deals"] == 12
    assert json.dumps(clean_json(metrics))
    once = json.dumps(clean_json(product.angle_findings(r)), sort_keys=True)
    again = json.dumps(clean_json(product.angle_findings(report(folder))), sort_keys=True)
    assert once == again


# ------------------------------------------------------------------------------------------ sample and clean data


def test_planted_product_problems_are_found(sample):
    planted = [p for p in json.loads((SAMPLE / "planted.json").read_text()) if p["code"] in CODES]
    expected = {"product_line_decline", "return_rate_high", "discount_deepening", "lost_to_competitor"}
    assert {p["code"] for p in planted} == expected
    for plant in planted:
        found = product.angle_findings(open_report(str(SAMPLE), plant["period"], plant["region"], dataset=sample))
        hits = [
            f for f in found
            if f["code"] == plant["code"] and all(f["segment"].get(k) == v for k, v in plant["segment"].items())
        ]  # fmt: skip
        assert hits, f"{plant['code']} not found in {plant['region']} {plant['period']}: {found}"
        assert hits[0]["severity"] in ("high", "medium"), hits[0]
        # the ALL report of the month names the region
        company = product.angle_findings(open_report(str(SAMPLE), plant["period"], "ALL", dataset=sample))
        assert any(f["code"] == plant["code"] and f["segment"].get("region") == plant["region"] for f in company)


def test_sample_panels_render(sample):
    r = open_report(str(SAMPLE), "2026-10", "华南", dataset=sample)
    panels = [
        product.line_panel(r), product.pareto_panel(r), product.lifecycle_panel(r), product.new_products_panel(r),
        product.returns_panel(r), product.discount_panel(r), product.price_panel(r), product.bundle_panel(r),
        product.lost_panel(r),
    ]  # fmt: skip
    assert all(p.note or p.figure is not None for p in panels)
    assert sum(p.figure is not None for p in panels) >= 8
    lines_ = product.line_frame(r)
    assert lines_["share"].sum() == pytest.approx(1.0)
    assert lines_.set_index("product_line").loc["智能硬件", "vs_trailing"] < -0.5


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean_product")
    tables, planted = generate_dataset(seed=11, scale=0.5, plant=False)
    write_dataset(tables, planted, folder)
    return folder


def test_clean_data_stays_quiet(clean):
    ds = open_report(str(clean), "", "ALL").ds
    months = [str(pd.Period("2026-10", freq="M") - k) for k in range(6)]
    highs, total, reports = 0, 0, 0
    for month in months:
        for region in ["ALL", *facts.regions(ds)]:
            findings = product.angle_findings(open_report(str(clean), month, region, dataset=ds))
            reports += 1
            total += len(findings)
            highs += sum(f["severity"] == "high" for f in findings)
    assert reports == 36
    assert highs <= 3, f"{highs} high-severity product findings in {reports} clean reports"
    assert total <= 9, f"{total} product findings in {reports} clean reports"
