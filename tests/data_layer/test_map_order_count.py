"""``salesnb map`` on a flat sheet without order numbers says one order count, the one the reports will use."""

from __future__ import annotations

from pathlib import Path

from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import propose_mapping

FLAT = """客户编号,下单日期,大区,渠道,产品编号,数量,单价
c1,2026-01-01,华东,直营,P1,1,10
c1,2026-01-01,华东,直营,P2,2,10
c1,2026-01-01,华东,电商,P1,1,10
c2,2026-01-02,华南,直营,P1,1,10
c1,2026-01-03,华东,直营,P1,1,10
"""  # c1 on 01-01: two lines of one order in 直营, and one more order in 电商 (another channel, another order)


def test_map_says_the_order_count_the_reports_use_and_why_it_is_more_than_customer_days(tmp_path: Path) -> None:
    """5 rows, 3 customer-days (c1 01-01, c2 01-02, c1 01-03); c1's 01-01 rows are in two channels, so the
    loader makes 4 orders. main printed "5 行合成 3 单" first and "4 单，来自 5 行" after validation."""
    (tmp_path / "flat.csv").write_text(FLAT, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "flat.csv")
    ds = load_dataset(str(tmp_path / "flat.csv"), mapping=proposal.mapping())
    assert len(ds["orders"]) == 4
    text = "\n".join(describe(proposal, "zh"))
    assert "5 行合成 4 单（其中 1 单是同一客户同一天、但 大区 / 渠道 不同的另一单）" in text
    assert "3 单" not in text and text.count("4 单") == 1  # one number, said once
    assert "已按“客户编号 + 下单日期 + 大区 + 渠道”分成不同订单" in text  # not 客户编号 + 下单日期 twice
    en = "\n".join(describe(proposal, "en"))
    assert "5 rows make 4 orders (1 of them the same customer's on the same day in another 大区 / 渠道)" in en
