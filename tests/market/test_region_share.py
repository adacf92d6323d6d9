"""A region's part of the company against its usual part (salesnb/market/region_share.py)."""

import numpy as np
import pandas as pd
import pytest
from foreign_world import foreign_world
from scipy import stats

from salesnb import market
from salesnb.market.region_share import region_share
from salesnb.report import open_report


def test_share_of_a_region_hand_computed(tmp_path):
    """A: 10 orders of 10 a month, B: 30 of 10; this month A 5 orders (50), B 30 (300).

    A's usual part of B's orders is 120 / 360: 10 expected of B's 30; every month before met its expectation, so
    the count is Poisson (dispersion 1), and the share test of 5 among 125 orders at B's 30 / 390 is the floor.
    """
    from tiny import write_tiny

    months = [str(m) for m in pd.period_range("2025-10", "2026-10", freq="M")]
    orders = [
        {"order_id": f"{r}{m}{k}", "customer_id": f"C{r}", "order_date": f"{m}-10", "region": r, "amount": 10}
        for m in months for r, n in (("A", 10), ("B", 30)) for k in range(5 if (r, m) == ("A", "2026-10") else n)
    ]  # fmt: skip
    customers = [{"customer_id": "CA", "region": "A"}, {"customer_id": "CB", "region": "B"}]
    data = write_tiny(tmp_path / "d", tables={"customers": customers, "orders": orders})
    report = open_report(str(data), "2026-10", "ALL")
    revenue = market.regions.own_months(report, market.regions.region_months(report))
    count = market.regions.own_months(report, market.regions.region_months(report, "orders"))
    frame = region_share(report, revenue, count)
    a = frame.loc["A"]
    assert a["orders_share_expected"] == pytest.approx(10.0)
    assert a["share_expected"] == pytest.approx(100.0) and a["share_change"] == pytest.approx(-0.5)
    assert a["share_usual"] == pytest.approx(0.25) and a["share_now"] == pytest.approx(50 / 350)
    floor = stats.binom.cdf(5, 125, 30 / 390)
    assert a["share_p"] == pytest.approx(max(stats.poisson.cdf(5, 10), floor))
    assert frame.loc["B", "share_change"] == pytest.approx(300 / (50 * 360 / 120) - 1)  # B's part of A's 5 orders
    assert frame["share_now"].sum() == pytest.approx(1.0) and frame["share_usual"].sum() == pytest.approx(1.0)


def test_the_revenue_part_is_read_against_its_own_spread():
    """A's revenue is 1 or 3 of B's 10 in alternate months (parts 0.1 / 0.3, usual 0.2 pooled), now 0.05."""
    from salesnb.shares import part_low

    months = [f"2026-{m:02d}" for m in range(1, 8)]
    own = pd.DataFrame([[1, 3, 1, 3, 1, 3, 0.5], [10] * 7], index=["A", "B"], columns=months, dtype=float)
    rest = own.sum(axis=0) - own
    low = part_low(own, rest, months[:-1], months[-1])
    logs = np.log(np.array([0.1, 0.3] * 3) / 0.2)
    spread = logs.std(ddof=1) * np.sqrt(1 + 1 / 6)
    # against the months' own middle: their log parts average log(√(0.1 × 0.3) / 0.2), below the pooled 0.2
    assert low["A"] == pytest.approx(stats.t.cdf((np.log(0.05 / 0.2) - logs.mean()) / spread, 5))
    assert logs.mean() == pytest.approx(np.log(np.sqrt(0.03) / 0.2))
    # B's part of A's: 10/1, 10/3, ... its usual 60/12 = 5; now 10/0.5 = 20, far above: no fall
    assert low["B"] > 0.9


def _foreign_world(tmp_path, planted: bool) -> str:
    """The foreign benchmark's world 870486 (seed 73's #042): 3 regions, 18 months; 浙江 opened two months after
    苏南 (one cycle and three months behind 2025-05) and its 智能门锁 line, nearly all its business, planted 44 %
    down in 2025-05 (``planted``), while its peers sold about three quarters of what their season expected."""
    return foreign_world(tmp_path, 73, 42, planted)


def test_a_region_at_a_fifth_of_its_share_is_found_where_its_band_cannot_tell(tmp_path):
    """浙江 sells 3.9万 where its usual month is about 17万 and its peers sold three quarters of theirs: its band, a
    season read from one cycle, spans 2.7万-28.6万 and holds the month (p 0.21, silent before); its part of the
    company fell from 15.8 % to 3.9 % (11 orders where its share gives 29). Found, confirmed, and the detail says
    the share that shows it. Without the plant the same world flags no region."""
    report = open_report(_foreign_world(tmp_path, True), "2025-05", "ALL")
    row = market.region_frame(report).set_index("region").loc["浙江"]
    assert row["revenue"] >= row["baseline_low"] and row["change"] < -0.5  # the band alone would not flag it
    assert row["share_change"] < -0.7 and row["share_p"] < 0.01 and row["q_value"] < 0.05 and row["flagged"]
    assert row["p_value"] == pytest.approx(2 * row["share_p"])  # the second reading of the same fall: Bonferroni
    found = [f for f in market.angle_findings(report) if f["code"] == "region_underperform"]
    assert [f["segment"] for f in found] == [{"region": "浙江"}]
    assert "占全公司销售额的比重从近 12 个月的 15.8% 降到本月的 3.9%" in found[0]["detail"]
    clean = market.region_frame(open_report(_foreign_world(tmp_path, False), "2025-05", "ALL"))
    assert not clean["flagged"].any()
