"""销售类型: the channel when it says where the sale was made, not when it is the kind of document (用友)."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.propose import propose_mapping

HEAD = "单据日期,单据编号,销售类型,客户名称,存货名称,数量,无税单价\n"


@pytest.mark.parametrize(
    ("kinds", "channel"),
    [
        (("门店", "线上", "经销"), "销售类型"),  # where it was sold: the channel
        (("普通销售", "普通销售", "退货"), None),  # 用友's document kinds and a return: no channel
        (("普通销售", "普通销售", "普通销售"), None),  # one value tells no channel apart
        (("委托代销", "普通销售", "直运销售"), None),
    ],
)
def test_a_sale_type_column_is_the_channel_only_when_it_names_channels(
    tmp_path: Path, kinds: tuple[str, ...], channel: str | None
) -> None:
    rows = "".join(f"2025-01-0{k + 3},X{k},{kind},客户{k},A,2,10\n" for k, kind in enumerate(kinds))
    (tmp_path / "销售订单.csv").write_text(HEAD + rows, encoding="utf-8")
    orders = propose_mapping(tmp_path / "销售订单.csv").mapping()["columns"]["orders"]
    assert orders.get("channel") == channel
