"""A region's part of the company against its usual part (salesnb/market/region_share.py)."""

import numpy as np
import pandas as pd
import pytest
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


def _one_cycle(tmp_path, east_last: float, name: str) -> str:
    """Three regions over 16 months (2025-07..2026-10), 12 orders a month each of lognormal size (σ 1.2: a few
    large orders make the month), a shared season (January half, June 1.4×); this month the others sell 75% of
    their usual month and 华东 ``east_last`` of it. 华东 opened two months later (one cycle and a few months behind
    its last) and had one odd month of its own, 2026-03 at 35%."""
    sigma, start = 1.2, "2025-09"
    from tiny import write_tiny

    rng = np.random.default_rng(7)
    months = [str(m) for m in pd.period_range("2025-07", "2026-10", freq="M")]
    season = {"01": 0.5, "06": 1.4}
    orders = []
    for m in months:
        for region in ("华东", "华南", "华北"):
            if region == "华东" and m < start:
                continue
            level = season.get(m[5:], 1.0) * (0.75 if m == months[-1] else 1.0)
            if region == "华东" and m in (months[-1], "2026-03"):
                level = east_last if m == months[-1] else 0.35  # and one odd month of its own in spring
            count = int(round(12 * level))
            for k, size in enumerate(1000 * rng.lognormal(0, sigma, count)):
                orders.append(
                    {
                        "order_id": f"{region}{m}{k}",
                        "customer_id": f"C{region}{k % 5}",
                        "order_date": f"{m}-{k % 27 + 1:02d}",
                        "region": region,
                        "amount": round(size, 2),
                    }
                )
    customers = [{"customer_id": f"C{r}{k}", "region": r} for r in ("华东", "华南", "华北") for k in range(5)]
    return str(write_tiny(tmp_path / name, tables={"customers": customers, "orders": orders}))


def test_a_region_at_a_fifth_of_its_share_is_found_where_its_band_cannot_tell(tmp_path):
    """华东 sells a fifth of its usual month while its peers sell three quarters: its band, a season read from one
    cycle, still holds the month; its part of the company fell from a third to under a tenth. Found, and the
    detail says the share that shows it. At the peers' 75% it is not."""
    report = open_report(_one_cycle(tmp_path, 0.2, "fell"), "2026-10", "ALL")
    row = market.region_frame(report).set_index("region").loc["华东"]
    assert row["revenue"] >= row["baseline_low"] and row["change"] < -0.5  # the band alone would not flag it
    assert row["share_change"] < -0.8 and row["share_p"] < 0.05 and row["flagged"]
    assert row["p_value"] == pytest.approx(2 * row["share_p"])  # the second reading of the same fall: Bonferroni
    found = [f for f in market.angle_findings(report) if f["code"] == "region_underperform"]
    assert [f["segment"] for f in found] == [{"region": "华东"}]
    assert "占全公司销售额的比重从近 12 个月的" in found[0]["detail"]
    clean = open_report(_one_cycle(tmp_path, 0.75, "clean"), "2026-10", "ALL")
    frame = market.region_frame(clean).set_index("region")
    assert not frame["flagged"].any() and frame.loc["华东", "share_p"] > 0.2
