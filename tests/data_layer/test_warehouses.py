"""``salesnb map`` cautions when the consignee it takes as the customer is mostly a marketplace's warehouses."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.cli import main
from salesnb.data.warehouses import is_consignee, warehouse_customers

PEOPLE = [f"Buyer {n}" for n in range(13)]


def test_warehouse_names_and_their_share_of_the_orders() -> None:
    names = ["Wayfair Warehouse CA"] * 5 + ["CastleGate Hebron"] * 2 + PEOPLE  # 20 orders
    found, total = warehouse_customers(pd.Series(names))
    assert found == [("Wayfair Warehouse CA", 0.25), ("CastleGate Hebron", 0.1)]
    assert total == pytest.approx(0.35)


def test_a_warehouse_word_must_be_whole_and_the_share_large() -> None:
    names = ["Office Depot", "Fbaron Smith", "王仓林"] * 4 + PEOPLE[:4]  # 王仓林 a person, 仓 inside a name
    assert warehouse_customers(pd.Series(names)) == ([], 0.0)
    names = ["菜鸟仓 杭州"] * 2 + ["京东仓"] + ["amazon fba"] + PEOPLE[:6]  # 2, 1, 1 of 10 orders
    assert warehouse_customers(pd.Series(names)) == (
        [("菜鸟仓 杭州", 0.2), ("京东仓", 0.1), ("amazon fba", 0.1)],
        pytest.approx(0.4),
    )
    one = ["亚马逊 FBA 仓库"] + PEOPLE  # 1 of 14 orders: 7 %, below the caution
    assert warehouse_customers(pd.Series(one)) == ([], 0.0)


def test_only_a_consignee_column_is_cautioned() -> None:
    assert is_consignee("Ship To Name") and is_consignee("收货人姓名")
    assert not is_consignee("客户名称") and not is_consignee(None)


def test_map_says_so_and_keeps_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    rows = [("Wayfair Warehouse CA" if n % 2 else f"Buyer {n}", n) for n in range(12)]  # 6 of 12 orders
    text = "PO Number,PO Date,Ship To Name,Ship To State,Item Number,Quantity,Wholesale Price\n" + "".join(
        f"CS{n},2026-09-{n + 1:02d},{name},CA,A{n % 3},1,{10 + n}.00\n" for name, n in rows
    )
    (tmp_path / "wayfair.csv").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "wayfair.csv", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    said = "consignee column Ship To Name, where names look like the platform's warehouses or fulfilment centres"
    assert said in out and "not buyers: Wayfair Warehouse CA (50%) (such names take 50% of the orders)" in out
    assert "exclude:" not in (tmp_path / "mapping.yaml").read_text(encoding="utf-8")  # nothing left out
