"""Targets built from the level below when an export sets only that: product-line targets make the total."""

from __future__ import annotations

import pytest
from tiny import TABLES, write_tiny

from salesnb import overview
from salesnb.data.loading import load_dataset
from salesnb.data.targets import rep_target_gap, segment_targets, total_target
from salesnb.report import open_report


def _with_targets(tmp_path, rows):
    return load_dataset(write_tiny(tmp_path / "data", tables={**TABLES, "targets": rows}))


def test_line_targets_alone_make_the_company_and_region_targets(tmp_path):
    """An e-commerce export sets monthly targets per category only: the page said there was no target at all."""
    row = {"rep_id": "", "region": ""}
    ds = _with_targets(
        tmp_path,
        [
            {**row, "period": "2026-10", "target_amount": 100, "product_line": "A线"},
            {**row, "period": "2026-10", "target_amount": 200, "product_line": "B线"},
            {**row, "period": "2026-09", "target_amount": 50, "product_line": "A线"},
        ],
    )
    assert total_target(ds, ["2026-10"], "ALL") == 300 and total_target(ds, ["2026-09", "2026-10"], "ALL") == 350
    assert total_target(ds, ["2026-10"], "华东") is None  # company line targets say nothing of a region
    assert segment_targets(ds, "2026-10", "ALL", "product_line").to_dict() == {"A线": 100.0, "B线": 200.0}


def test_a_regions_line_targets_make_its_target_and_the_company_level_wins_over_lines(tmp_path):
    row = {"rep_id": "", "period": "2026-10"}
    ds = _with_targets(
        tmp_path,
        [
            {**row, "region": "华东", "target_amount": 150, "product_line": "A线"},
            {**row, "region": "华东", "target_amount": 250, "product_line": "B线"},
            {**row, "region": "华南", "target_amount": 90, "product_line": "A线"},
        ],
    )
    assert total_target(ds, ["2026-10"], "华东") == 400 and total_target(ds, ["2026-10"], "ALL") == 490
    ds = _with_targets(tmp_path / "b", [*TABLES["targets"]])
    assert total_target(ds, ["2026-10"], "ALL") == 1000 and total_target(ds, ["2026-10"], "华东") == 500


def test_segment_values_differing_only_in_case_are_one_in_every_table(tmp_path):
    """Clothing/CLOTHING/clothing were three lines, and a FURNITURE target matched no Furniture sales."""
    tables = {
        **TABLES,
        "products": [
            {**TABLES["products"][0], "product_line": "Furniture"},
            {**TABLES["products"][1], "product_line": "clothing "},
        ],
        "targets": [
            {"period": "2026-10", "target_amount": 100, "region": "", "rep_id": "", "product_line": "FURNITURE"},
            {"period": "2026-10", "target_amount": 40, "region": "", "rep_id": "", "product_line": "Clothing"},
        ],
    }
    ds = load_dataset(write_tiny(tmp_path / "data", tables=tables))
    assert sorted(ds["products"]["product_line"]) == ["Furniture", "clothing"]  # one row each: a tie keeps the first
    assert segment_targets(ds, "2026-10", "ALL", "product_line").to_dict() == {"Furniture": 100.0, "clothing": 40.0}
    said = [w.text("zh") for w in ds.warnings if w.startswith("product_line")]
    assert said == [
        "product_line：只差大小写、空格或“区、省、市、渠道、类”这类通用字的写法按同一个值计"
        "（Furniture ← FURNITURE, clothing ← Clothing；共 2 行改写）"
    ]


def _rep_targets(tmp_path, rows):
    row = {"region": "", "product_line": ""}
    return _with_targets(tmp_path, [{**row, **r} for r in rows])


def test_rep_targets_covering_little_of_the_sales_make_no_company_target(tmp_path):
    """3 of 17 reps had a target and sold 10% of the month: their sum was the company's, 达成率 350%."""
    ds = _rep_targets(tmp_path, [{"period": "2026-10", "rep_id": "R1", "target_amount": 600}])
    # October: R1 sold O3 200 + O5 100 = 300 of 700 (43%), below MIN_REP_COVERAGE
    assert total_target(ds, ["2026-10"], "ALL") is None
    assert rep_target_gap(ds, "2026-10", "ALL") == {"reps": 1, "share": pytest.approx(3 / 7)}
    assert total_target(ds, ["2026-10"], "华东") == 600  # 华东's October is all R1's: the rep's target is the region's
    assert rep_target_gap(ds, "2026-10", "华东") is None
    both = [{"period": "2026-10", "rep_id": r, "target_amount": a} for r, a in (("R1", 600), ("R2", 500))]
    ds = _rep_targets(tmp_path / "b", both)
    assert total_target(ds, ["2026-10"], "ALL") == 1100 and rep_target_gap(ds, "2026-10", "ALL") is None


def test_next_months_rep_targets_are_judged_on_the_months_before_it(tmp_path):
    # November has no sale yet: August-October, R1 sold 150 + 300 = 450 of 950; both reps cover them all
    ds = _rep_targets(tmp_path, [{"period": "2026-11", "rep_id": "R1", "target_amount": 600}])
    assert total_target(ds, ["2026-11"], "ALL") is None
    assert rep_target_gap(ds, "2026-11", "ALL") == {"reps": 1, "share": pytest.approx(450 / 950)}
    both = [{"period": "2026-11", "rep_id": r, "target_amount": a} for r, a in (("R1", 600), ("R2", 500))]
    assert total_target(_rep_targets(tmp_path / "b", both), ["2026-11"], "ALL") == 1100


def test_the_headline_says_why_partial_rep_targets_give_no_attainment(tmp_path):
    folder = write_tiny(tmp_path / "data", tables={**TABLES, "targets": [
        {"period": "2026-10", "rep_id": "R1", "target_amount": 600, "region": "", "product_line": ""}]})  # fmt: skip
    report = open_report(str(folder), "2026-10", "ALL")
    metrics = overview.headline_metrics(report)
    assert metrics["target"] is None and metrics["attainment"] is None
    assert overview.headline_panel(report).note.startswith("本期只有 1 位销售代表有个人目标，其销售额只占本期的 42.9%")


def test_year_to_date_attainment_counts_the_months_with_a_target_only(tmp_path):
    """A target sheet begun in October: the year's sales before it were read against October's target alone."""
    folder = write_tiny(tmp_path / "data", tables={**TABLES, "targets": [
        {"period": "2026-10", "rep_id": "", "target_amount": 1000, "region": "", "product_line": ""}]})  # fmt: skip
    metrics = overview.headline_metrics(open_report(str(folder), "2026-10", "ALL"))
    # 2026: O6 100 (Aug) + O2 150 (Sep) + October's 700; only October has a target
    assert metrics["ytd_revenue"] == 950 and metrics["ytd_target"] == 1000
    assert metrics["ytd_attainment"] == pytest.approx(0.7)
