"""A busy region without a single order in a month of its range: the export left the region's month out.

North has 12 customers buying 100 each month from 2025-09 to 2026-10 except 2026-08 (its sheet was not copied
in); South has 3 customers a month and no order in 2026-05 (a small region's quiet month is real); East opens
in 2026-03 with 15 a month and West closes after 2026-02 with 15 a month (before and after their ranges is no
gap). The data ends on 2026-11-05: November is partial and not judged.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesnb.data.loading import load_dataset
from salesnb.data.region_gaps import gap_months, region_gaps
from salesnb.data.summary import format_summary, summarize
from salesnb.overview import headline_metrics
from salesnb.report import open_report

REGIONS = {  # region: (customers, first month, last month, months without orders)
    "North": (12, "2025-09", "2026-10", {"2026-08"}),
    "South": (3, "2025-09", "2026-10", {"2026-05"}),
    "East": (15, "2026-03", "2026-10", set()),
    "West": (15, "2025-09", "2026-02", set()),
}


def _orders(regions: dict[str, tuple[int, str, str, set[str]]]) -> pd.DataFrame:
    """One order of 100 per customer and month of each region's range but its skipped months; the data ends in
    November (one order of South on 2026-11-05)."""
    rows = [
        (f"{region}-{m}-{c}", f"{region}{c}", f"{m}-10", region, 100)
        for region, (buyers, first, last, skip) in regions.items()
        for m in pd.period_range(first, last, freq="M").astype(str)
        if m not in skip
        for c in range(buyers)
    ]
    rows.append(("S-late", "South0", "2026-11-05", "South", 100))  # the data ends inside November
    return pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "region", "amount"])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gaps")
    _orders(REGIONS).to_csv(out / "orders.csv", index=False)
    return out


def test_only_the_busy_regions_month_inside_its_range_is_a_gap(folder: Path) -> None:
    ds = load_dataset(folder)
    assert region_gaps(ds) == {"North": {"2026-08": 12.0}}  # North's other months: 12 each (median 12)
    assert gap_months(ds, "North") == ("2026-08",) and gap_months(ds, "ALL") == ()


def test_validate_names_the_region_month_and_its_usual_orders(folder: Path) -> None:
    text = format_summary(summarize(load_dataset(folder)), "zh")
    assert "! North 2026-08（12） 没有任何订单，而这些区域平常每月有订单" in text


def test_the_regions_baselines_leave_its_missing_month_out(folder: Path) -> None:
    report = open_report(data=str(folder), period="2026-09", region="North")
    assert report.trailing() == ["2026-06", "2026-07"]
    m = headline_metrics(report)
    assert m["revenue"] == 1200 and m["mom_growth"] is None and m["vs_trailing"] == 0.0
    note = "ℹ North 2026-08 没有任何订单（很可能是导出遗漏）：本页的对比基准不计入这些月份。"
    assert note in report._repr_markdown_()
    company = open_report(data=str(folder), period="2026-09", region="ALL")
    assert company.trailing() == ["2026-06", "2026-07", "2026-08"]  # the company did sell in August


def test_the_gap_months_reports_warn_first(folder: Path) -> None:
    own = open_report(data=str(folder), period="2026-08", region="North", lang="en")._repr_markdown_()
    assert "⚠ North has no order at all in 2026-08, where it usually has about 12 a month" in own
    company = open_report(data=str(folder), period="2026-08", region="ALL")._repr_markdown_()
    assert "⚠ North（12） 本月没有任何订单" in company
    assert "没有任何订单" not in open_report(data=str(folder), period="2026-07", region="ALL")._repr_markdown_()


def test_the_company_reports_region_baselines_leave_each_regions_gap_month_out(folder: Path) -> None:
    """In the ALL report North's usual level is its own months: 1,200 a month, not 2026-08's zero averaged in.

    Trailing 2026-06..08: (1,200 + 1,200) / 2 = 1,200, not (1,200 + 1,200 + 0) / 3 = 800; the six months
    before 2026-09: 5 × 1,200 / 5 = 1,200, not 6,000 / 6 = 1,000; its expectation from a flat history: 1,200.
    South's quiet May is real (no gap) and stays in its usual level.
    """
    from salesnb.market.regions import region_frame
    from salesnb.support.common import usual_months

    report = open_report(data=str(folder), period="2026-09", region="ALL")
    assert report.trailing("North") == ["2026-06", "2026-07"]
    assert report.history(6, region="North") == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07"]
    assert report.history(6) == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"]
    assert "2026-08" not in usual_months(report, "North") and "2026-08" in usual_months(report)
    frame = region_frame(report).set_index("region")
    north = frame.loc["North"]
    assert north["revenue"] == 1200
    assert north["trailing_avg"] == pytest.approx(1200.0) and north["vs_trailing"] == pytest.approx(0.0)
    assert north["usual"] == pytest.approx(1200.0)
    assert north["expected"] == pytest.approx(1200.0)  # its own flat months; the peer factor is the rest's
    assert frame.loc["South", "usual"] == pytest.approx(5 * 300 / 6)  # 2026-05 had none: a real zero


def test_the_target_run_rate_of_a_region_leaves_its_gap_month_out(folder: Path) -> None:
    """North's run-rate for 2026-09 (trailing: the data does not reach back a year before 2026-06..08).

    (1,200 + 1,200) / 2 = 1,200 from its own months, not (1,200 + 1,200 + 0) / 3 = 800: in the ALL report's
    target check (each region's row) and in North's own report alike.
    """
    from salesnb.team.targets import seasonal_expectation

    for scope in ("ALL", "North"):
        report = open_report(data=str(folder), period="2026-09", region=scope)
        assert seasonal_expectation(report, "2026-09", "North") == (pytest.approx(1200.0), "trailing")


@pytest.fixture(scope="module")
def lined(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same world with order lines: every order is A线 (P1, 1 × 60) and B线 (P2, 1 × 40)."""
    orders = [
        (f"{region}-{m}-{c}", f"{region}{c}", f"{m}-10", region)
        for region, (buyers, first, last, skip) in REGIONS.items()
        for m in pd.period_range(first, last, freq="M").astype(str)
        if m not in skip
        for c in range(buyers)
    ]
    orders.append(("S-late", "South0", "2026-11-05", "South"))
    out = tmp_path_factory.mktemp("lined")
    pd.DataFrame(orders, columns=["order_id", "customer_id", "order_date", "region"]).to_csv(
        out / "orders.csv", index=False
    )
    lines = [(order, product, 1, price) for order, *_ in orders for product, price in (("P1", 60), ("P2", 40))]
    pd.DataFrame(lines, columns=["order_id", "product_id", "quantity", "unit_price"]).to_csv(
        out / "order_lines.csv", index=False
    )
    products = [("P1", "甲", "A线", 60, 30), ("P2", "乙", "B线", 40, 20)]
    pd.DataFrame(products, columns=["product_id", "product_name", "product_line", "list_price", "unit_cost"]).to_csv(
        out / "products.csv", index=False
    )
    return out


def test_the_product_lines_region_baselines_leave_each_regions_gap_month_out(lined: Path) -> None:
    """North's A线 in the ALL report for 2026-09: 720 a month (12 orders × 60), like every month it has data.

    Trailing 2026-06..08 is its own 2026-06 and 07: (720 + 720) / 2 = 720, not (720 + 720 + 0) / 3 = 480 (which
    read the month as +50 %); the other line (B线) against its trailing months: 480 / 480 − 1 = 0, not
    480 / 320 − 1 = +50 %. Its expectation is its usual share of B线 (60 : 40) × B线 this month = 720, and
    the yardstick's usual orders are 12 a month over its own months, not 11 (132 / 12 with the gap month in).
    The discount check's usual units: 12 a month (24 / 2), not 8. The same row as in North's own report.
    """
    from salesnb.product import decline_check, price_check

    company = open_report(data=str(lined), period="2026-09", region="ALL")
    north = decline_check(company).set_index(["scope", "product_line"]).loc[("North", "A线")]
    assert north["revenue"] == 720 and north["trailing"] == pytest.approx(720.0)
    assert north["others_change"] == pytest.approx(0.0)
    assert north["expected"] == pytest.approx(720.0) and north["usual_orders"] == pytest.approx(12.0)
    own = decline_check(open_report(data=str(lined), period="2026-09", region="North")).set_index("product_line")
    for column in ("trailing", "others_change", "expected", "usual_orders", "dispersion", "p_value"):
        assert north[column] == pytest.approx(own.loc["A线", column]), column
    units = price_check(company).set_index(["scope", "product_line"])
    assert units.loc[("North", "A线"), "baseline_units"] == pytest.approx(12.0)
    assert units.loc[("North", "A线"), "units_change"] == pytest.approx(0.0)
    assert units.loc[("ALL", "A线"), "baseline_units"] == pytest.approx((30 + 30 + 18) / 3)  # the company: 06, 07, 08


YEARS = {  # three years: North's sheet for 2025-09 is missing; East takes over from West in 2025-03
    "North": (12, "2023-09", "2026-10", {"2025-09"}),
    "South": (3, "2023-09", "2026-10", set()),
    "West": (15, "2023-09", "2025-02", set()),
    "East": (15, "2025-03", "2026-10", set()),
}


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The company sells 3,000 every month (North 1,200, South 300, West then East 1,500) but in 2025-09 (1,800)."""
    out = tmp_path_factory.mktemp("years")
    _orders(YEARS).assign(channel="直营").to_csv(out / "orders.csv", index=False)
    return out


def test_the_company_season_counts_a_regions_gap_month_at_its_usual_share(years: Path) -> None:
    """2025-09 holds South and East only: 1,800. Over the twelve months around it without a gap (2025-03..2026-03
    but 09) the company sold 12 × 3,000 and South and East 12 × 1,800: the month is 1,800 × 36,000 / 21,600 = 3,000.
    """
    from salesnb.data.region_gaps import company_fill, filled

    ds = load_dataset(years)
    assert region_gaps(ds) == {"North": {"2025-09": 12.0}}
    assert company_fill(ds) == {"2025-09": pytest.approx(5 / 3)}
    company = pd.Series({"2025-08": 3000.0, "2025-09": 1800.0, "2025-10": 3000.0})
    assert filled(ds, company).tolist() == pytest.approx([3000.0, 3000.0, 3000.0])


def test_region_forecasts_borrow_a_season_without_a_regions_gap_month(years: Path) -> None:
    """The run-rate of 2026-09: each region's trailing level (2026-06..08) × the company's 2025-09 over its
    2025-06..08. With North's missing sheet read as the company's September that was 1,800 / 3,000: South
    300 × 0.6 = 180, East 1,500 × 0.6 = 900, North 1,200 × 0.6 = 720 (a season of −40 % that is no season). Now
    3,000 / 3,000: 300, 1,500 and 1,200, in the ALL report and each region's own alike.

    East (18 months of its own) borrows the company's season in the region ranking: with the dip it was expected
    at 1,152 in September (its normal 1,500 read as +30 %); the company's months now flat, at its flat 1,500.
    """
    from salesnb.market.regions import region_frame
    from salesnb.team.targets import seasonal_expectation

    for region, level in (("South", 300.0), ("East", 1500.0), ("North", 1200.0)):
        for scope in ("ALL", region):
            report = open_report(data=str(years), period="2026-09", region=scope)
            assert seasonal_expectation(report, "2026-09", region) == (pytest.approx(level), "seasonal")
    east = region_frame(open_report(data=str(years), period="2026-09", region="ALL")).set_index("region").loc["East"]
    assert east["expect_method"] == "seasonal" and east["expected"] == pytest.approx(1500.0)


def test_a_regions_channel_borrows_the_channels_season_without_a_regions_gap_month(years: Path) -> None:
    """East's 直营 (all its sales) leans on 直营 company-wide, whose 2025-09 lacked North's 1,200: its September
    baseline was 1,152 (+30 % in a normal month); with the month made whole at North's usual share, 1,500.
    """
    from salesnb.market.channels import channel_frame

    for scope in ("ALL", "East"):
        report = open_report(data=str(years), period="2026-09", region=scope)
        direct = channel_frame(report, "East").set_index("channel").loc["直营"]
        assert direct["baseline"] == pytest.approx(1500.0) and direct["change"] == pytest.approx(0.0, abs=1e-9)


def test_the_causes_usual_level_of_a_region_leaves_its_gap_month_out(lined: Path) -> None:
    """What a segment fell inside a region (causes._share_of_fall reads market.split.expected_cells) leaves the
    region's gap month out: North's A线 (P1) is expected at 720, as in each month it has data, not pulled towards
    2026-08's zero; in the company's cells by region the same, and only North's row loses its gap month.
    """
    from salesnb.market.split import expected_cells

    company = open_report(data=str(lined), period="2026-09", region="ALL")
    north = expected_cells(company, "North", ("product_line", "product_id"))
    assert north.loc[("A线", "P1")].tolist() == pytest.approx([720.0, 720.0])  # usual, now
    by_region = expected_cells(company, None, ("product_line", "region"))
    assert by_region.loc[("A线", "North")].tolist() == pytest.approx([720.0, 720.0])


def test_next_months_plan_leaves_a_regions_gap_month_out(years: Path) -> None:
    """下月目标 from the report of 2026-08 (for 2026-09, whose month last year lacks North's sheet) and of 2026-09.

    The company's plan is last September × the trend: 3,000 × 9,000 / 9,000 = 3,000 with the month made whole,
    not 1,800. Its split by region leans on last September's shares only where every region was there: North's
    is unknown, so the trailing shares alone (1,200 : 300 : 1,500) split it, not (0 + 0.4) / 2 for North (360).
    North's own page for 2026-10 shows the company plan's North row: 1,200 (read on North's own, last October ×
    its trend over the months covered both now and a year earlier gives the same, not × 3,600 / 2,400 = 1,800).
    """
    from salesnb.planning import plan_frame, plan_total

    company = open_report(data=str(years), period="2026-08", region="ALL")
    assert plan_total(company) == (pytest.approx(3000.0), "forecast")
    split = plan_frame(company, "region").set_index("segment")
    assert split["proposed"].to_dict() == pytest.approx({"North": 1200.0, "South": 300.0, "East": 1500.0})
    assert pd.isna(split.loc["North", "last_year"]) and split.loc["East", "last_year"] == 1500
    north = open_report(data=str(years), period="2026-09", region="North")
    assert plan_total(north) == (pytest.approx(1200.0), "company")  # the company plan's North row


def test_a_region_taken_over_by_the_others_is_no_gap_and_a_dented_company_month_is() -> None:
    """The company's orders around a region's empty months tell a sheet left out from months the others took over.

    Positions 0, 1 and 4 have the region's orders (10 each of the company's 30: share 30 / 90 = 1/3). A sheet left
    out dents the company to 20 (2/3 of 30, under 1 − 1/6); the others taking it over keep it at 30. A region of
    2 orders in 30 (share 1/15, under TAKEN_OVER_SHARE) stays a gap even with the company whole.
    """
    from salesnb.data.region_gaps import taken_over

    judged = np.ones(5, dtype=bool)
    row = np.array([10, 10, 0, 0, 10])
    assert taken_over(row, np.array([30, 30, 30, 30, 30]), [2, 3], judged)
    assert not taken_over(row, np.array([30, 30, 20, 20, 30]), [2, 3], judged)
    assert not taken_over(np.array([2, 2, 0, 0, 2]), np.array([30, 30, 30, 30, 30]), [2, 3], judged)


TURNS = {  # North sells 2025-01..04 and 2025-09..2026-02; South sells all year and takes North's months over
    "North": (12, "2025-01", "2026-02", {"2025-05", "2025-06", "2025-07", "2025-08"}),
    "South": (12, "2025-01", "2026-02", set()),
}


def test_months_a_region_handed_over_are_no_gap_and_the_company_plan_is_not_inflated(tmp_path: Path) -> None:
    """South sells North's 12 orders too from 2025-05 to 08: the company's 24 orders of 100 a month never dip.

    No gap (validate warns of none), no month of the company scaled up, and the plan for 2025-09 from the report
    of 2025-08 is the trailing 2,400 a month — with the four months read as North's left-out sheets the company's
    2025-06..08 were made 4,800 each (24 × 100 × 48 / 24) and the plan twice the business.
    """
    from salesnb.data.region_gaps import company_fill
    from salesnb.planning import plan_total

    orders = _orders(TURNS).query("order_id != 'S-late'")  # the data ends with 2026-02
    moved = orders[orders["region"].eq("South") & orders["order_date"].str[:7].isin(TURNS["North"][3])]
    orders = pd.concat([orders, moved.assign(order_id=moved["order_id"] + "-N", customer_id="N")], ignore_index=True)
    orders.to_csv(tmp_path / "orders.csv", index=False)
    ds = load_dataset(tmp_path)
    assert region_gaps(ds) == {} and company_fill(ds) == {}
    assert "没有任何订单" not in format_summary(summarize(ds), "zh")
    assert plan_total(open_report(data=str(tmp_path), period="2025-08", region="ALL")) == (
        pytest.approx(2400.0),
        "trailing",
    )


OPENED = {  # 2024-01..2025-09: North and South sell 12 orders of 100 a month; East opens in 2024-07 with 15
    "North": (12, "2024-01", "2025-09", set()),
    "South": (12, "2024-01", "2025-09", set()),
    "East": (15, "2024-07", "2025-09", set()),
}


def test_a_region_opened_later_is_no_step_of_the_company_season_and_a_peers_fall_shows_whole(tmp_path: Path) -> None:
    """East's opening takes the company from 2,400 to 3,900 a month: no gap of East, but the company's months
    before it are made whole at East's share (3,900 / 2,400 = 1.625 in each, read from the six months after).

    South loses half its orders in 2025-09 (600 against its flat 1,200). Its peers (North 1,200 + East 1,500 =
    2,700) sold what they always sell: peer factor 2,700 / 2,700 = 1, baseline 1,200, change −50 %. With the
    opening read as the company's season the peers were expected at 2,700 / 0.743 (3,634) and South's baseline was
    892 (−33 %). North's peers (South + East) are 2,100 against 2,700: 0.778 (South's own fall, not the opening).
    """
    from salesnb.data.region_gaps import company_fill, openings
    from salesnb.market.regions import region_frame

    orders = _orders(OPENED).query("order_id != 'S-late'")
    cut = orders["order_id"].str.startswith("South-2025-09-") & orders["customer_id"].isin(
        [f"South{c}" for c in range(6)]
    )
    orders[~cut].to_csv(tmp_path / "orders.csv", index=False)
    ds = load_dataset(tmp_path)
    before = [str(m) for m in pd.period_range("2024-01", "2024-06", freq="M")]
    assert region_gaps(ds) == {} and openings(ds) == {"East": before}
    assert company_fill(ds) == pytest.approx(dict.fromkeys(before, 1.625))
    frame = region_frame(open_report(data=str(tmp_path), period="2025-09", region="ALL")).set_index("region")
    south = frame.loc["South"]
    assert south["expected"] == pytest.approx(1200.0) and south["peer_factor"] == pytest.approx(1.0)
    assert south["baseline"] == pytest.approx(1200.0) and south["change"] == pytest.approx(-0.5)
    assert bool(south["flagged"]) and not frame.loc[["North", "East"], "flagged"].any()
    assert frame.loc["North", "peer_factor"] == pytest.approx(2100 / 2700)


def test_a_region_taking_over_anothers_customers_is_no_opening(folder: Path) -> None:
    """East's first month (2026-03) is the month West's 15 customers move to it: the company's 30 orders a month
    never dip before it (they were under West), so no month of the company is scaled up for East."""
    from salesnb.data.region_gaps import company_fill, openings

    ds = load_dataset(folder)
    assert openings(ds) == {} and list(company_fill(ds)) == ["2026-08"]  # North's gap only
