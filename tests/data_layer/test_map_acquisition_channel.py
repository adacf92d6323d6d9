"""``salesnb map`` reads a flat sheet's 客户来源 as the customers' acquisition channel.

A seller's 销售订单明细 carried each buyer's 客户来源 (Facebook, Google, 联盟推广, 自然流量 …) and map left it unused:
the market page's new-customer section had no source to say where new customers came from. An order's own source
(订单来源, 流量来源) stays its channel.
"""

from __future__ import annotations

from pathlib import Path

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping

SOURCES = ["Facebook", "联盟推广", "自然流量"]


def _sheet(tmp_path: Path, extra: str = "") -> Path:
    rows = ["订单编号,下单日期,客户编号,客户来源,商品编码,数量,金额" + (",订单来源" if extra else "")]
    for n in range(30):
        tail = f",{'APP' if n % 2 else '小程序'}" if extra else ""
        rows.append(f"SO{n},2024/{n % 3 + 1}/{n % 9 + 10},C{n % 6},{SOURCES[n % 6 % 3]},P{n % 5},1,{10 + n}{tail}")
    (tmp_path / "销售订单明细.csv").write_text("\n".join(rows) + "\n", encoding="gb18030")
    return tmp_path / "销售订单明细.csv"


def test_a_customer_source_is_the_acquisition_channel(tmp_path: Path) -> None:
    path = _sheet(tmp_path)
    proposal = propose_mapping(path)
    assert proposal.columns["customers"]["acquisition_channel"] == "客户来源"
    assert "channel" not in proposal.columns["orders"]
    customers = load_dataset(path, mapping=proposal.mapping())["customers"].set_index("customer_id")
    assert customers["acquisition_channel"].to_dict() == {f"C{c}": SOURCES[c % 3] for c in range(6)}


def test_an_order_source_stays_the_channel(tmp_path: Path) -> None:
    proposal = propose_mapping(_sheet(tmp_path, extra="订单来源"))
    assert proposal.columns["orders"]["channel"] == "订单来源"
    assert proposal.columns["customers"]["acquisition_channel"] == "客户来源"
