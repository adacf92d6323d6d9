"""Targets built from the level below when an export sets only that: product-line targets make the total."""

from __future__ import annotations

from tiny import TABLES, write_tiny

from salesnb.data.loading import load_dataset
from salesnb.data.targets import segment_targets, total_target


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
        "product_line：只差大小写或空格的写法按同一个值计（Furniture ← FURNITURE, clothing ← Clothing；共 2 行改写）"
    ]
