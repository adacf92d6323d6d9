"""One name per segment: spellings differing in case, spacing or a generic word (华东 / 华东区) are one value."""

from __future__ import annotations

import duckdb
import pytest
from tiny import TABLES, write_tiny

from salesnb.data import facts
from salesnb.data.loading import load_dataset
from salesnb.data.spellings import spelling_key, sql_spelling_key
from salesnb.data.targets import total_target


@pytest.mark.parametrize(
    ("value", "column", "key"),
    [
        ("华东区", "region", "华东"),
        ("华东大区", "region", "华东"),
        ("浙江省", "region", "浙江"),
        ("东区", "region", "东区"),  # two characters: 东 alone is no name
        ("华东区", "channel", "华东区"),  # a channel's generic word is 渠道, not 区
        ("电商渠道", "channel", "电商"),
        ("家电类", "product_line", "家电"),
        ("  North   East ", "region", "north east"),
        ("华东区", "", "华东区"),  # a column without generic words: case and spaces only
    ],
)
def test_the_key_drops_case_spacing_and_a_generic_word(value: str, column: str, key: str) -> None:
    assert spelling_key(value, column) == key
    assert duckdb.sql(f"SELECT {sql_spelling_key(repr(value), column)}").fetchall()[0][0] == key  # the stream's


def test_a_region_renamed_with_a_suffix_is_one_region_and_meets_its_target(tmp_path) -> None:
    """A system renamed 华东 to 华东区 mid-history (the customers still say 华东) and the target sheet says 华东大区:
    three regions of half a history each, and a target matching no sales, were one region all along."""
    renamed = [{**row, "region": "华东区"} if row["region"] == "华东" and row["order_date"] >= "2026-10" else row
               for row in TABLES["orders"]]  # fmt: skip
    targets = [{**row, "region": "华东大区"} if row["region"] == "华东" else row for row in TABLES["targets"]]
    ds = load_dataset(write_tiny(tmp_path / "data", tables={**TABLES, "orders": renamed, "targets": targets}))
    assert facts.regions(ds) == ["华东", "华南"]
    assert total_target(ds, ["2026-10"], "华东") == 500
    said = [w.text("zh") for w in ds.warnings if w.startswith("region")]
    assert len(said) == 1 and "华东 ← 华东区, 华东大区" in said[0]
