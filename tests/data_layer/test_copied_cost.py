"""A cost column holding each line's sales amount is no cost: left out, said, and no margin of 0 % is shown."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesnb.cli import main
from salesnb.data import ingest, loading
from salesnb.data.copied_cost import copied_count, is_copy
from salesnb.data.loading import load_dataset
from salesnb.data.messages import say
from salesnb.data.propose import propose_mapping
from salesnb.market.channels import channel_frame
from salesnb.report import open_report

PRICES = [10.0, 20.0, 40.0, 25.0, 80.0]  # unit prices, one per line in turn
QUANTITIES = [1, 2, 3]


def _write(folder: Path, costs: list[float | None], *, product_cost: dict[str, float] | None = None) -> Path:
    """Orders of one line each in 2026-09/10 (two channels), the line's unit cost ``costs[i]`` (None: empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(costs)
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(n)],
            "customer_id": [f"C{i % 4}" for i in range(n)],
            "order_date": [f"2026-{9 + i % 2:02d}-{1 + i:02d}" for i in range(n)],
            "region": "华东",
            "channel": ["直营" if i % 3 else "分销" for i in range(n)],
        }
    )
    lines = pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "product_id": [f"P{i % 2}" for i in range(n)],
            "quantity": [QUANTITIES[i % 3] for i in range(n)],
            "unit_price": [PRICES[i % 5] for i in range(n)],
            "unit_cost": costs,
        }
    )
    orders.to_csv(folder / "orders.csv", index=False)
    lines.to_csv(folder / "order_lines.csv", index=False)
    if product_cost is not None:
        products = pd.DataFrame({"product_id": list(product_cost), "unit_cost": list(product_cost.values())})
        products.to_csv(folder / "products.csv", index=False)
    return folder


def _prices(n: int) -> list[float]:
    return [PRICES[i % 5] for i in range(n)]


def test_the_rule_counts_lines_per_unit_within_half_a_percent() -> None:
    price = pd.Series([100.0, 100.0, 100.0, 100.0, 0.0, 50.0])
    cost = pd.Series([100.0, 100.4, 99.6, 101.0, 0.0, np.nan])  # 0.4 % off: a copy; 1 %: a cost; price 0, no cost
    assert copied_count(cost, price) == (4, 3)
    assert is_copy(20, 19) and not is_copy(20, 18)  # 95 % of the lines, not 90 %
    assert not is_copy(9, 9)  # nine lines at cost say too little


def test_a_cost_equal_to_the_amount_is_left_out_and_said(tmp_path: Path) -> None:
    costs: list[float | None] = _prices(20)
    costs[3] = 15.0  # one real cost among 20 lines: 19 copies, 95 %
    ds = load_dataset(_write(tmp_path / "data", costs))
    assert ds["order_lines"]["unit_cost"].isna().all()
    assert ds.copied_cost == {"order_lines": {"lines": 20, "copies": 19, "column": "order_lines.unit_cost"}}
    (warning,) = [w for w in ds.warnings if w.key == "problem_cost_is_amount"]
    assert warning.values == {"column": "order_lines.unit_cost", "n": 20, "share": "95%"}
    report = open_report(data=str(tmp_path / "data"), period="2026-10", region="ALL", lang="en")
    assert channel_frame(report)["margin"].isna().all()  # no margin, as for data without cost
    assert "equals the sales amount on 95% of the order lines" in report._repr_markdown_()
    from salesnb.market.channels import channel_panel

    # the margin panel says why it shows none: the copied cost, not a missing one
    assert "The cost column (order_lines.unit_cost) repeats the sales amount" in channel_panel(report).note


def test_a_real_cost_on_more_than_one_line_in_twenty_is_kept(tmp_path: Path) -> None:
    costs: list[float | None] = _prices(20)
    costs[3], costs[7] = 15.0, 10.0  # 18 copies of 20: 90 %, a business selling much at cost
    ds = load_dataset(_write(tmp_path / "data", costs))
    assert ds.copied_cost == {} and ds["order_lines"]["unit_cost"].notna().all()
    report = open_report(data=str(tmp_path / "data"), period="2026-10", region="ALL", lang="en")
    margins = channel_frame(report).set_index("channel")["margin"]
    assert margins.notna().all()
    assert "equals the sales amount" not in report._repr_markdown_()


def test_a_products_cost_copying_the_line_price_is_left_out_too(tmp_path: Path) -> None:
    # lines without a cost of their own: each priced at its product's cost (P0 at 10, P1 at 20, on every line)
    folder = _write(tmp_path / "data", [None] * 12, product_cost={"P0": 10.0, "P1": 20.0})
    lines = pd.read_csv(folder / "order_lines.csv")
    lines["unit_price"] = lines["product_id"].map({"P0": 10.0, "P1": 20.0})
    lines.to_csv(folder / "order_lines.csv", index=False)
    ds = load_dataset(folder)
    assert ds["products"]["unit_cost"].isna().all()
    assert ds.copied_cost == {"products": {"lines": 12, "copies": 12, "column": "products.unit_cost"}}


def test_a_flat_export_whose_cost_column_is_the_amount(tmp_path: Path, monkeypatch, capsys) -> None:
    rows = "".join(
        f"D{i},2026-{9 + i % 2:02d}-{1 + i:02d},客户{i % 3},P{i % 2},{q},{q * p:.2f},{q * p:.2f}\n"
        for i, (q, p) in enumerate((QUANTITIES[i % 3], PRICES[i % 5]) for i in range(12))
    )
    (tmp_path / "export.csv").write_text("订单号,下单日期,客户名称,商品编码,数量,金额,成本\n" + rows, encoding="utf-8")
    mapping = propose_mapping(tmp_path / "export.csv").mapping()
    assert mapping["columns"]["order_lines"]["unit_cost"] == "=[成本] / [数量]"  # a line's total cost
    ds = load_dataset(tmp_path / "export.csv", mapping=mapping)
    assert ds.copied_cost["order_lines"] == {"lines": 12, "copies": 12, "column": "[成本] / [数量]"}
    (warning,) = [w for w in ds.warnings if w.key == "problem_cost_is_amount"]
    assert say(warning, "zh").startswith("成本（[成本] / [数量]）在 12 行有成本的明细中有 100% 与该行销售额相同")
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "export.csv"]) == 0  # map checks the loaded data again: the emptied cost passes
    out = capsys.readouterr().out
    assert "按此映射数据校验通过" in out and "与该行销售额相同" in out and "unit_cost：全部" not in out


def test_validate_says_so(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = _write(tmp_path / "data", _prices(12))
    assert main(["validate", "--data", str(data), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "the cost (order_lines.unit_cost) equals the line's sales amount on 100% of the 12 order lines" in out


def test_a_copied_cost_is_not_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The streaming ingest leaves the cost to the loader, which leaves it out: the store holds no cost."""
    data = _write(tmp_path / "data", _prices(12))
    calls: list[str] = []
    real = loading.load_dataset
    monkeypatch.setattr(loading, "load_dataset", lambda source, **kw: calls.append(str(source)) or real(source, **kw))
    ingest.ingest(data, None, "sig", tmp_path / "store", stream_bytes=0)
    assert calls == [str(data)]  # fell back to the loader
    kept = _write(tmp_path / "kept", [p / 2 for p in _prices(12)])  # a real cost: streamed
    ingest.ingest(kept, None, "sig2", tmp_path / "store2", stream_bytes=0)
    assert calls == [str(data)]
