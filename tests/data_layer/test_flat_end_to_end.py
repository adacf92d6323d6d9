"""A flat export goes through ``salesnb map`` → ``validate`` → ``run`` with no hand edits.

Two exports: 300 real invoice lines of the UCI "Online Retail" data (English headers, US dates with two-digit
years and times, ``12/13/10 14:16``) and the sample flattened the way a Chinese ERP exports it (GB18030,
Chinese headers, ``2026/10/05``, line totals with thousands separators and no unit price). The report's revenue,
orders and customers of the latest month must match a pandas computation on the raw file written here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from salesnb.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def _online_retail(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype={"InvoiceNo": str, "CustomerID": str})
    return pd.DataFrame(
        {
            "order": raw["InvoiceNo"],
            "customer": raw["CustomerID"],
            "month": pd.to_datetime(raw["InvoiceDate"], format="%m/%d/%y %H:%M").dt.strftime("%Y-%m"),
            "revenue": raw["Quantity"] * raw["UnitPrice"],
        }
    )


def _chinese(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, encoding="gb18030")
    return pd.DataFrame(
        {
            "order": raw["订单编号"],
            "customer": raw["客户编号"],
            "month": pd.to_datetime(raw["下单日期"], format="%Y/%m/%d").dt.strftime("%Y-%m"),
            "revenue": raw["销售额"].str.replace(",", "").astype(float),
        }
    )


CASES = {
    "online_retail": (DATA / "real" / "online_retail_2010-12.csv", _online_retail, {"order_lines", "products"}),
    "chinese_erp": (DATA / "flat" / "销售明细.csv", _chinese, {"order_lines", "products", "reps"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_flat_export_map_validate_run_matches_pandas(case: str, tmp_path: Path, monkeypatch, capsys) -> None:
    source, expected_of, derived = CASES[case]
    export = tmp_path / source.name
    shutil.copy(source, export)
    monkeypatch.chdir(tmp_path)

    assert main(["map", "--data", str(export), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "The data passes validation with this mapping" in printed and "✓ Overview (overview): ready" in printed
    mapping = yaml.safe_load((tmp_path / "mapping.yaml").read_text(encoding="utf-8"))
    assert set(mapping["tables"]) == {"orders", "customers"} | derived
    assert set(mapping["tables"].values()) == {export.name}
    assert main(["map", "--data", str(export)]) == 1  # never overwrites without --force

    assert main(["validate", "--data", str(export), "--mapping", "mapping.yaml"]) == 0
    argv = ["run", "--data", str(export), "--mapping", "mapping.yaml", "--angle", "overview", "--region", "ALL"]
    assert main([*argv, "--jobs", "1", "--quiet", "--out", "out"]) == 0

    expected = expected_of(source)
    period = expected["month"].max()
    metrics = json.loads((tmp_path / "out" / period / "ALL" / "metrics.json").read_text(encoding="utf-8"))
    month = expected[expected["month"] == period]
    assert metrics["period"] == period
    assert metrics["revenue"] == pytest.approx(month["revenue"].sum(), rel=1e-9)
    assert metrics["orders"] == month["order"].nunique()
    assert metrics["customers"] == month["customer"].nunique()
