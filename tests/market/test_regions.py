import numpy as np
import pandas as pd
import pytest

from salesnb import market
from salesnb.relations import kind
from salesnb.report import open_report


def test_region_ranking_and_region_gap_hand_computed(tiny):
    r = open_report(str(tiny), "2026-10", "ALL")
    frame = market.region_frame(r).set_index("region")
    assert list(frame.index) == ["华南", "华东"] and list(frame["rank"]) == [1, 2]  # attainment 100% vs 60%
    assert frame.loc["华东", "revenue"] == 300 and frame.loc["华东", "attainment"] == pytest.approx(0.6)
    assert frame.loc["华南", "attainment"] == pytest.approx(1.0)
    assert frame.loc["华东", "share"] == pytest.approx(3 / 7) and frame["share"].sum() == pytest.approx(1.0)
    assert frame.loc["华东", "vs_average"] == pytest.approx(300 / 350 - 1)  # mean region revenue 350
    assert frame.loc["华东", "attainment_gap"] == pytest.approx(0.6 - 0.7)  # company: 700 / 1000
    # 华东 misses its target (60%) but sells 17× what its own history (mostly empty months) leads one to expect:
    # one piece of evidence only, the target's problem rather than the region's; not flagged
    assert frame.loc["华东", "revenue"] > frame.loc["华东", "baseline"]
    assert not frame["flagged"].any() and frame.loc["华东", "effect"] == 0
    assert not [f for f in market.angle_findings(r) if f["code"] == "region_underperform"]
    # nor in a region report (it says what the company view says of it), which shows its region against the
    # company average
    regional = open_report(str(tiny), "2026-10", "华东")
    assert not [f for f in market.angle_findings(regional) if f["code"] == "region_underperform"]
    assert len(market.region_panel(regional).table) == 2


def test_region_report_ranks_itself_among_regions_it_does_not_name(tiny):
    """华东 is second of two: its own chart names it and shows 华南 only as the region ranked first."""
    panel = market.region_panel(open_report(str(tiny), "2026-10", "华东"))
    labels = [tick.get_text() for ax in panel.figure.axes for tick in ax.get_yticklabels()]
    assert sorted(labels) == ["华东", "第1名区域"]
    company = market.region_panel(open_report(str(tiny), "2026-10", "ALL"))
    assert sorted(tick.get_text() for tick in company.figure.axes[0].get_yticklabels()) == ["华东", "华南"]


def test_penetration_shares_sum_to_one(tiny):
    r = open_report(str(tiny), "2026-10", "ALL")
    frame = market.penetration_frame(r, by="size_band").set_index("segment")
    assert frame["revenue_share"].sum() == pytest.approx(1.0)
    assert frame.loc["<50", "customers"] == 2 and frame.loc["<50", "revenue"] == 200  # C2 100 + C4 100
    assert frame.loc["200-999", "active_rate"] == pytest.approx(1.0)  # C1 bought within 12 months


def test_region_thresholds_come_from_thresholds_market(tmp_path):
    data = str(_two_regions(tmp_path))  # 华东 falls 45% below what its history expects
    assert market.region_frame(open_report(data, "2026-10", "ALL")).set_index("region").loc["华东", "flagged"]
    strict = open_report(data, "2026-10", "ALL", thresholds={"market": {"region_decline": 0.5}})
    assert not market.region_frame(strict).set_index("region").loc["华东", "flagged"]  # 45% is no longer a fall


def _two_regions(tmp_path, targets: dict[str, float] | None = None):
    """30 months (2024-05..2026-10), one order per region a month. 华东 grows 3% a month and falls 45% in the last
    month; 华南 is flat at 1,000 but every October halves (and does so in 2026-10 too)."""
    from tiny import write_tiny

    months = [str(m) for m in pd.period_range("2024-05", "2026-10", freq="M")]
    orders = []
    for k, month in enumerate(months):
        east = 1000 * 1.03**k * (0.55 if month == "2026-10" else 1.0)
        south = 500.0 if month.endswith("-10") else 1000.0
        for region, amount in (("华东", east), ("华南", south)):
            orders.append({"order_id": f"{region}{month}", "customer_id": f"C{region}", "order_date": f"{month}-10",
                           "region": region, "amount": round(amount, 2)})  # fmt: skip
    customers = [{"customer_id": "C华东", "region": "华东"}, {"customer_id": "C华南", "region": "华南"}]
    tables = {"customers": customers, "orders": orders}
    if targets:  # region targets for the last month
        tables["targets"] = [{"period": "2026-10", "target_amount": v, "region": k} for k, v in targets.items()]
    return write_tiny(tmp_path / "regions", tables=tables)


def test_a_growing_region_falling_is_found_and_a_yearly_dip_is_not(tmp_path):
    r = open_report(str(_two_regions(tmp_path)), "2026-10", "ALL")
    frame = market.region_frame(r).set_index("region")
    east, south = frame.loc["华东"], frame.loc["华南"]
    trend = 1000 * 1.03**29
    assert east["expect_method"] == "seasonal" and east["expected"] == pytest.approx(trend, rel=1e-3)
    # the rest of the company (华南) was where its own history expected it: nothing to scale down
    assert east["peer_factor"] == pytest.approx(1.0) and east["change"] == pytest.approx(-0.45, abs=1e-3)
    # the old baseline, the lower of the 6-month mean and last year, was last year (1.03^17 of 1,000): only −27%
    assert east["last_year"] == pytest.approx(1000 * 1.03**17, rel=1e-3) and 0.55 * 1.03**12 - 1 > -0.3
    assert bool(east["flagged"]) and east["effect"] == pytest.approx(0.45 * trend, rel=1e-3)
    assert south["expected"] == pytest.approx(500, rel=1e-6) and not bool(south["flagged"])  # the October dip
    found = [f for f in market.angle_findings(r) if kind(f) == "region_underperform"]  # regions, not the company
    assert [f["segment"] for f in found] == [{"region": "华东"}]
    # says what was measured and how far below what was expected, in words rather than a signed figure
    assert found[0]["detail"].startswith("本月销售额 ")
    assert "本月应在 2,357 左右（区间 2,357–2,357），实际比预期低 45.0%。" in found[0]["detail"]
    english = [f for f in market.angle_findings(open_report(str(_two_regions(tmp_path)), "2026-10", "ALL", lang="en"))
               if f["code"] == "region_underperform"]  # fmt: skip
    assert english[0]["detail"].startswith("Revenue ")
    assert "expect about 2.4K (range 2.4K–2.4K), so it came in 45.0% below that." in english[0]["detail"]


def test_a_region_report_heads_with_its_own_fall_as_the_company_view_reads_it(tmp_path):
    """华东's own report carries the ALL report's region_underperform of 华东, word for word (one frame, one test
    among every region); 华南's report, whose region is not flagged, has none. A region's fall is the root the
    rest of its report folds under, not channels side by side."""
    data = str(_two_regions(tmp_path))
    company = [f for f in market.angle_findings(open_report(data, "2026-10", "ALL"))
               if f["code"] == "region_underperform"]  # fmt: skip
    own = [f for f in market.angle_findings(open_report(data, "2026-10", "华东")) if f["code"] == "region_underperform"]
    assert [f["segment"] for f in own] == [{"region": "华东"}]
    assert (own[0]["detail"], own[0]["effect"], own[0]["severity"]) == (
        company[0]["detail"],
        company[0]["effect"],
        company[0]["severity"],
    )
    assert "本月应在 2,357 左右（区间 2,357–2,357），实际比预期低 45.0%。" in own[0]["detail"]
    south = market.angle_findings(open_report(data, "2026-10", "华南"))
    assert not [f for f in south if f["code"] == "region_underperform"]


def _channel_fall(tmp_path, last: dict[str, float]):
    """华东 as in :func:`_two_regions` (growing 3 % a month), its orders split over channels in equal parts; in
    2026-10 each channel sells ``last[channel]`` of its usual part."""
    from tiny import write_tiny

    months = [str(m) for m in pd.period_range("2024-05", "2026-10", freq="M")]
    orders = []
    for k, month in enumerate(months):
        for channel, kept in last.items():
            east = 1000 * 1.03**k / len(last) * (kept if month == "2026-10" else 1.0)
            orders.append({"order_id": f"E{channel}{month}", "customer_id": "C华东", "order_date": f"{month}-10",
                           "region": "华东", "channel": channel, "amount": round(east, 2)})  # fmt: skip
        orders.append({"order_id": f"S{month}", "customer_id": "C华南", "order_date": f"{month}-10",
                       "region": "华南", "channel": "门店", "amount": 1000.0})  # fmt: skip
    customers = [{"customer_id": "C华东", "region": "华东"}, {"customer_id": "C华南", "region": "华南"}]
    return str(write_tiny(tmp_path / "channels", tables={"customers": customers, "orders": orders}))


def test_a_target_above_the_regions_expected_range_is_told_apart_from_its_fall(tmp_path):
    """华东 expected 2,356.57 and sold 1,296.11 against a target of 3,000 (9,300 for the month; the data ends on its
    10th): of the 1,703.89 short of target, 1,060.46 is the fall below expectation and 643.43 (38 %) the target
    above it. A target inside the range says nothing."""
    detail = _east_finding(str(_two_regions(tmp_path / "high", {"华东": 9300.0, "华南": 1550.0})))["detail"]
    assert "实际比预期低 45.0%。目标 3,000 高于这一预期区间：距目标差 1,704，其中 1,060 是低于预期的下滑，" in detail
    assert "另 643（38%）是目标高出本区域趋势的部分。" in detail
    english = _east_finding(str(_two_regions(tmp_path / "en", {"华东": 9300.0, "华南": 1550.0})), "en")["detail"]
    assert "below that. The target of 3.0K lies above that range: of the 1.7K short of it, 1.1K is the fall" in english
    within = _east_finding(str(_two_regions(tmp_path / "within", {"华东": 7130.0, "华南": 1550.0})))["detail"]
    assert within.endswith("实际比预期低 45.0%。")  # one channel: no split, and no word of the target


def _east_finding(data: str, lang: str = "zh") -> dict:
    found = [f for f in market.angle_findings(open_report(data, "2026-10", "华东", lang=lang))
             if f["code"] == "region_underperform"]  # fmt: skip
    assert len(found) == 1
    return found[0]


def test_a_regions_finding_names_the_channel_its_fall_sits_in(tmp_path):
    """门店 sells a tenth of its half, 线上 its whole half (and grows): the 1,060 below the region's expected
    2,356.57 is 门店's whole, each channel against its own expected level (its half: 1,178.28); against the last
    3 months' mean it was 993 of a 926 fall, 107 %, for 线上 grew 3 % a month."""
    detail = _east_finding(_channel_fall(tmp_path, {"门店": 0.1, "线上": 1.0}))["detail"]
    expected = 1000 * 1.03**29  # 2026-10: 2,356.57
    now = expected * 0.55  # 门店 0.05 + 线上 0.5: 1,296.11
    assert round(expected - now) == 1060 and round(expected / 2 * 0.9) == 1060
    assert "比预期少的 1,060 主要在渠道「门店」（少 1,060，占 100%；平时占销售额 50%）。" in detail
    english = _east_finding(_channel_fall(tmp_path, {"门店": 0.1, "线上": 1.0}), "en")["detail"]
    assert (
        "Of the 1.1K below expectation, the largest parts: channel 门店 (1.1K, 100%; usually 50% of sales)." in english
    )


def test_a_regions_fall_spread_over_its_channels_says_so(tmp_path):
    """Five channels, each at 45 % of its part: none holds a quarter of the fall (each a fifth)."""
    data = _channel_fall(tmp_path, {name: 0.45 for name in ("甲", "乙", "丙", "丁", "戊")})
    assert "比预期少的 1,296 分散在各处，没有哪个渠道占到其中的 25.0%。" in _east_finding(data)["detail"]
    english = _east_finding(data, "en")["detail"]
    assert "The 1.3K below expectation is spread out: no channel holds 25.0% of it." in english


def test_a_region_needs_both_a_miss_and_a_fall(tmp_path):
    """华东 falls 45% (to 1,296 against an expected 2,357). Against a target of 2,000 (65%) it underperforms, the
    gap the larger of the two (2,357 − 1,296); against a target of 1,200 it meets its target and does not.
    华南 at 50% of a 1,000 target but above what its own October dip puts it at is not flagged either. The data
    end on the 10th: a month's target counts 10/31 of the amount written (6,200 → 2,000)."""
    revenue, trend = 1000 * 1.03**29 * 0.55, 1000 * 1.03**29
    missed = market.region_frame(open_report(str(_two_regions(tmp_path / "a", {"华东": 6200, "华南": 3100})),
                                             "2026-10", "ALL")).set_index("region")  # fmt: skip
    assert missed.loc["华东", "attainment"] == pytest.approx(revenue / 2000, rel=1e-3)
    assert bool(missed.loc["华东", "flagged"])
    assert missed.loc["华东", "effect"] == pytest.approx(trend - revenue, rel=1e-3)
    assert missed.loc["华南", "attainment"] == pytest.approx(0.5) and not bool(missed.loc["华南", "flagged"])
    met = market.region_frame(open_report(str(_two_regions(tmp_path / "b", {"华东": 3720, "华南": 1550})),
                                          "2026-10", "ALL")).set_index("region")  # fmt: skip
    assert met.loc["华东", "attainment"] > 1 and met.loc["华东", "change"] == pytest.approx(-0.45, abs=1e-3)
    assert not met["flagged"].any()


def _noisy_east(tmp_path, steady: tuple[str, ...] = ("华南",), noisy: tuple[str, ...] = (), seed: int = 4):
    """``data(last, name)``: 华东 swings ±30% a month (one order of lognormal size), its last month ``last``; the
    ``steady`` regions sell 1,000 every month, the ``noisy`` ones swing as 华东 does."""
    from tiny import write_tiny

    rng = np.random.default_rng(seed)
    months = [str(m) for m in pd.period_range("2024-05", "2026-10", freq="M")]
    east = 1000 * rng.lognormal(0, 0.3, len(months))
    swings = {region: 1000 * rng.lognormal(0, 0.3, len(months)) for region in noisy}
    regions = ("华东", *steady, *noisy)
    customers = [{"customer_id": f"C{region}", "region": region} for region in regions]

    def data(last: float | None, name: str) -> str:
        amounts = {region: [1000.0] * len(months) for region in steady} | {r: list(v) for r, v in swings.items()}
        amounts["华东"] = [*east[:-1], east[-1] if last is None else last]
        orders = [
            {"order_id": f"{region}{month}", "customer_id": f"C{region}", "order_date": f"{month}-10",
             "region": region, "amount": round(amounts[region][k], 2)}
            for k, month in enumerate(months) for region in regions
        ]  # fmt: skip
        return str(write_tiny(tmp_path / name, tables={"customers": customers, "orders": orders}))

    return data


def test_a_fall_within_a_noisy_regions_own_swings_is_at_most_indicated(tmp_path):
    """华东 swings ±30% a month (a few large orders): its last month half what its history expects is below its
    80% band but a 1-in-15 month for it (p ≈ 0.07): reported as indicated (medium), not as a confirmed (high)
    underperformance. The same fall in a steady region is confirmed (above)."""
    data = _noisy_east(tmp_path)
    baseline = market.region_frame(open_report(data(None, "a"), "2026-10", "ALL")).set_index("region")
    r = open_report(data(0.5 * baseline.loc["华东", "baseline"], "b"), "2026-10", "ALL")
    frame = market.region_frame(r).set_index("region")
    row = frame.loc["华东"]
    assert row["change"] == pytest.approx(-0.5, abs=1e-3) and row["revenue"] < row["baseline_low"]
    # 华南, where it always is, is above the bar 华东's fall lowers for it: 华东 is the one region short, q = p
    assert 0.05 < row["p_value"] < 0.1 and frame.loc["华南", "change"] > 0 and row["q_value"] == row["p_value"]
    found = [f for f in market.angle_findings(r) if f["code"] == "region_underperform"]
    assert [(f["segment"], f["severity"]) for f in found] == [({"region": "华东"}, "medium")]


def test_a_fall_one_region_in_several_has_in_an_ordinary_month_is_not_reported(tmp_path):
    """Four regions swinging ±30% a month; 华东 45% below its baseline (p ≈ 0.11, a 1-in-9 month for it). Three
    regions are short of their baseline this month (华北 by a fifth, 华南 by a twelfth), each a chance for a clean
    month to look this low: 华东's q-value is 3p (about 0.32), and it is no finding. 西南, above its baseline, is no
    candidate. Before, the family was the regions the rule fired for (华东 alone, q = p) and it was reported."""
    data = _noisy_east(tmp_path, (), ("华南", "华北", "西南"), seed=35)
    baseline = market.region_frame(open_report(data(None, "a"), "2026-10", "ALL")).set_index("region")
    r = open_report(data(0.55 * baseline.loc["华东", "baseline"], "b"), "2026-10", "ALL")
    frame = market.region_frame(r).set_index("region")
    row = frame.loc["华东"]
    assert row["change"] == pytest.approx(-0.45, abs=1e-3) and row["revenue"] < row["baseline_low"]
    assert 0.1 < row["p_value"] < 0.2  # below indicative_q on its own
    assert sorted(frame.index[frame["change"] < 0]) == ["华东", "华北", "华南"]
    assert (frame.loc[["华北", "华南"], "p_value"] > 0.3).all() and frame.loc["西南", "change"] > 0
    assert row["q_value"] == pytest.approx(3 * row["p_value"]) and row["q_value"] > 0.2
    assert not frame["flagged"].any()
    assert not [f for f in market.angle_findings(r) if f["code"] == "region_underperform"]


def test_a_region_of_a_few_orders_with_none_this_month_is_judged_by_its_count(tmp_path):
    """西南 places one order of about 1,000 in two months of three (none in the third); 华东 ten a month.

    Its revenue series puts this month's 0 far below what its trend expects (~670), but a month without an order
    is one month in three for it: with under ``region_few_orders`` orders expected, a region short of orders
    underperforms only when its count is unusual too (P(0 | ~0.7 orders) is about a half).
    """
    from tiny import write_tiny

    months = [str(m) for m in pd.period_range("2024-05", "2026-10", freq="M")]
    orders = []
    for k, month in enumerate(months):
        last = pd.Period(month, freq="M").days_in_month  # the data reaches October's end: a whole month
        for j in range(10):
            orders.append({"order_id": f"E{month}-{j}", "customer_id": f"E{j}", "region": "华东", "amount": 1000.0,
                           "order_date": f"{month}-{last if j == 9 else j + 1:02d}"})  # fmt: skip
        if k % 3 != 0 and month != "2026-10":
            orders.append({"order_id": f"W{month}", "customer_id": "W", "order_date": f"{month}-12",
                           "region": "西南", "amount": 950.0 + 10 * (k % 7)})  # fmt: skip
    data = write_tiny(tmp_path / "few", tables={"orders": orders})
    row = market.region_frame(open_report(str(data), "2026-10", "ALL")).set_index("region").loc["西南"]
    assert row["orders"] == 0 and row["revenue"] == 0 and row["baseline"] > 500
    assert row["p_value"] > 0.3 and not bool(row["flagged"])


def test_a_first_month_without_targets_ranks_regions_by_their_share(tmp_path):
    """One month of data, no targets: neither attainment nor growth exists, so the share of revenue ranks.

    2026-10 only: 华东 O3 (200) + O5 (100) = 300, 华南 O4 (300) + O7 (100) = 400.
    """
    from tiny import TABLES, write_tiny

    orders = [row for row in TABLES["orders"] if row["order_date"].startswith("2026-10")]
    kept = {row["order_id"] for row in orders}
    lines = [row for row in TABLES["order_lines"] if row["order_id"] in kept]
    folder = write_tiny(tmp_path, tables={**TABLES, "orders": orders, "order_lines": lines}, drop=("targets",))
    r = open_report(str(folder), "2026-10", "ALL")
    frame = market.region_frame(r)
    assert market.regions.ranking_measure(frame) == "share"
    assert frame["region"].tolist() == ["华南", "华东"] and frame["rank"].tolist() == [1, 2]
    assert frame["share"].tolist() == pytest.approx([4 / 7, 3 / 7])
    panel = market.region_panel(r)
    assert panel.figure.axes[0].get_title(loc="left") == "区域销售额占比排名（无目标、无历史可比）"


def test_data_without_regions_says_so(tmp_path):
    from tiny import TABLES, write_tiny

    orders = [{k: v for k, v in row.items() if k != "region"} for row in TABLES["orders"]]
    customers = [{k: v for k, v in row.items() if k != "region"} for row in TABLES["customers"]]
    reps = [{k: v for k, v in row.items() if k != "region"} for row in TABLES["reps"]]  # else orders take theirs
    folder = write_tiny(tmp_path, tables={**TABLES, "orders": orders, "customers": customers, "reps": reps})
    panel = market.region_panel(open_report(str(folder), "2026-10", "ALL"))
    assert panel.is_skipped and panel.note.startswith("数据中没有区域")


def test_penetration_needs_the_customer_column_it_splits_by(tmp_path):
    from tiny import write_tiny

    r = open_report(str(write_tiny(tmp_path)), "2026-10", "ALL")  # the tiny customers have sizes, no industry
    by_industry = market.penetration_panel(r, by="industry")
    assert by_industry.is_skipped and "customers.industry" in by_industry.note
    assert not market.penetration_panel(r, by="size_band").is_skipped


def _peak_regions(tmp_path, *, east: float, rest: float, swing: float = 0.0, lone: float | None = None) -> pd.DataFrame:
    """The region frame of ALL 2026-10 for four regions selling about 1,000 a month (2025-11..2026-10), 2026-10 at
    ``east`` × usual in 华东 and ``rest`` × in 华北, 华南 and 西南 (``lone`` × in 华北 alone, if given). Region j's
    month k is 1,000 × (1 + 0.05 sin(k + j)), the three others' × (1 + ``swing``) in even months and × (1 − ``swing``)
    in odd ones (2026-10 is odd)."""
    from tiny import write_tiny

    months = [str(m) for m in pd.period_range("2025-11", "2026-10", freq="M")]
    regions = ("华东", "华北", "华南", "西南")
    orders = []
    for k, month in enumerate(months):
        for j, region in enumerate(regions):
            peak = (east if region == "华东" else rest) if month == "2026-10" else 1.0
            peak = lone if lone is not None and month == "2026-10" and region == "华北" else peak
            amount = 1000 * (1 + 0.05 * np.sin(k + j)) * peak * (1 + (region != "华东") * swing * (-1) ** k)
            orders.append({"order_id": f"{region}{month}", "customer_id": f"C{region}", "order_date": f"{month}-10",
                           "region": region, "amount": round(amount, 2)})  # fmt: skip
    customers = [{"customer_id": f"C{region}", "region": region} for region in regions]
    folder = write_tiny(
        tmp_path / f"peak{east}_{rest}_{swing}_{lone}", tables={"customers": customers, "orders": orders}
    )
    return market.region_frame(open_report(str(folder), "2026-10", "ALL")).set_index("region")


def test_a_region_flat_through_a_peak_every_other_region_sells_is_found(tmp_path):
    """A year of data (2025-11..2026-10), so no season is known yet: in 2026-10 华北, 华南 and 西南 sell 1.8× their
    usual (a 双十一-like peak the history could not foresee) while 华东 stays at its usual 1,000. Capped at 1, the
    peers' factor left 华东 'as expected'; the rest of the company at ≈1.8× its own expectation now raises 华东's
    baseline to ≈1,800, and 华东, 44 % below it, is found."""
    frame = _peak_regions(tmp_path, east=1.0, rest=1.8)
    east = frame.loc["华东"]
    assert east["peer_factor"] == pytest.approx(1.8, abs=0.1) and east["change"] == pytest.approx(-0.44, abs=0.05)
    assert bool(east["flagged"]) and not frame.drop(index="华东")["flagged"].any()


def test_a_region_growing_past_its_own_expectation_is_not_found_behind_a_faster_peer(tmp_path):
    """As above, but in 2026-10 华东 sells 2× its usual and its three peers 4×: 华东 grew far past its own
    expectation (about 1,000, its interval's upper end well below 2,000), so it did not stay flat through the peak.
    Raised by the peers' ≈4× factor, its bar was ≈4,000 and 华东 was found 50 % behind; its bar is its own
    expectation now, and it is not found."""
    frame = _peak_regions(tmp_path, east=2.0, rest=4.0)
    east = frame.loc["华东"]
    assert east["revenue"] > east["expected_high"]  # it sold past its own expectation's upper end
    assert east["peer_factor"] == 1.0 and east["baseline"] == pytest.approx(east["expected"])
    assert east["change"] == pytest.approx(east["revenue"] / east["expected"] - 1) and east["change"] > 0.8
    assert not frame["flagged"].any()


def test_a_peers_rise_within_their_own_swings_does_not_raise_a_regions_bar(tmp_path):
    """华北, 华南 and 西南 swing ±25 % month to month (1,250, 750, 1,250, ...): their own expectation for 2026-10 is
    about 970 (the line through the swings), give or take 0.28 on the log scale. In 2026-10 they sell 1.6 × 750 =
    1,200 each, 1.25 × that expectation: log 1.25 = 0.22, less than their own noise, a month such swings give by
    chance. 华东 (about 1,000 a month, ±5 %) sells 760 (0.8 × its 950 that month). Raised by 1.25, its bar was
    ≈1,250 and it was flagged 39 % below it; a rise within the peers' noise keeps none of its log now
    (max(0, 1 − 0.28² / 0.22²) = 0), so 华东's bar is its own expectation (≈1,000) and its 24 % dip is no 30 % fall."""
    frame = _peak_regions(tmp_path, east=0.8, rest=1.6, swing=0.25)
    east = frame.loc["华东"]
    assert east["peer_factor"] == 1.0 and east["baseline"] == pytest.approx(east["expected"])
    assert east["change"] == pytest.approx(760 / east["expected"] - 1) and east["change"] == pytest.approx(
        -0.24, abs=0.01
    )
    assert not frame["flagged"].any()


def test_a_rise_is_kept_as_far_as_it_stands_out_of_the_peers_noise(tmp_path):
    """As above with the peers at 2.4 × 750 = 1,800 in 2026-10: log(1.87) = 0.63 against their noise of 0.34 (their
    line's prediction error one month ahead) keeps 1 − (0.34 / 0.63)² ≈ 0.71 of the log, a factor of
    e^(0.71 × 0.63) ≈ 1.56. 华东 at 760 is about 51 % below its bar of ≈1,560 and flagged: a peak far out of the
    peers' swings still raises the bar."""
    frame = _peak_regions(tmp_path, east=0.8, rest=2.4, swing=0.25)
    east = frame.loc["华东"]
    assert east["peer_factor"] == pytest.approx(1.56, abs=0.03) and east["change"] == pytest.approx(-0.51, abs=0.02)
    assert bool(east["flagged"]) and not frame.drop(index="华东")["flagged"].any()


def _opening_regions(tmp_path, *, old: float, opened: float) -> pd.DataFrame:
    """The region frame of ALL 2026-10 for the four regions of :func:`_peak_regions` (no swing, 2025-11..2026-10),
    each selling through its 老店. In 2026-10 华东 sells its usual 1,000 and 华北, 华南 and 西南 ``old`` × usual at
    their 老店 and, at a 新店 opened that month, ``opened`` × 1,000 more."""
    from tiny import write_tiny

    months = [str(m) for m in pd.period_range("2025-11", "2026-10", freq="M")]
    regions = ("华东", "华北", "华南", "西南")
    orders = []
    for k, month in enumerate(months):
        for j, region in enumerate(regions):
            last, peer = month == "2026-10", region != "华东"
            amount = 1000 * (1 + 0.05 * np.sin(k + j)) * (old if last and peer else 1.0)
            sales = [("老店", amount)] + ([("新店", 1000 * opened)] if last and peer and opened else [])
            for channel, value in sales:
                orders.append({"order_id": f"{region}{month}{channel}", "customer_id": f"C{region}",
                               "order_date": f"{month}-10", "region": region, "channel": channel,
                               "amount": round(value, 2)})  # fmt: skip
    customers = [{"customer_id": f"C{region}", "region": region} for region in regions]
    folder = write_tiny(tmp_path / f"open{old}_{opened}", tables={"customers": customers, "orders": orders})
    return market.region_frame(open_report(str(folder), "2026-10", "ALL")).set_index("region")


def test_peers_opening_stores_do_not_raise_a_regions_bar(tmp_path):
    """华北, 华南 and 西南 sell their usual 1,000 at their 老店 in 2026-10 and open a 新店 selling 800 each: the rest of
    the company sold 5,444 against an expectation of about 2,950, 1.84×, all of it openings. Read as a common rise it
    raised 华东's bar to 1.84 × 999 = 1,840, and 华东, at its usual 1,000 (2026-10: 1,000 × (1 + 0.05 sin 11) = 950),
    was flagged 48 % below it. The rest's like-for-like part (its 老店) sold its expectation: 华东's bar is its own
    999 (× 1.0008), and its 5 % dip is no fall."""
    frame = _opening_regions(tmp_path, old=1.0, opened=0.8)
    east = frame.loc["华东"]
    assert bool(east["peers_opened"])
    assert east["peer_factor"] == pytest.approx(1.0, abs=0.001) and east["baseline"] == pytest.approx(999.4, abs=0.5)
    assert east["revenue"] == pytest.approx(950.0, abs=0.01) and east["change"] == pytest.approx(-0.049, abs=0.001)
    assert not frame["flagged"].any()


def test_a_peak_the_peers_old_stores_sell_still_raises_the_bar_despite_openings(tmp_path):
    """As above, but the 老店 themselves sell 1.8× their usual (a peak) besides the 新店's 800: their like-for-like
    rise (1.85×, far out of their ±5 % noise) still raises 华东's bar, to 1.85 × 999 = 1,852 — not to the whole
    rest's 2.67 × 999 = 2,664 — and 华东 at 950 is found 49 % below it (as a flat region through a peak is). Its
    finding says the peers' figure is their existing channels'."""
    frame = _opening_regions(tmp_path, old=1.8, opened=0.8)
    east = frame.loc["华东"]
    assert east["peer_factor"] == pytest.approx(1.854, abs=0.001) and east["change"] == pytest.approx(-0.487, abs=0.001)
    assert bool(east["flagged"]) and not frame.drop(index="华东")["flagged"].any()
    said = _east_finding(str(tmp_path / "open1.8_0.8"))["detail"]
    assert "其他区域的原有渠道（新开渠道不计）本月为各自预期的 185%，按同样幅度本月应在 1,852 左右" in said


def test_regions_are_ranked_by_attainment_only_when_every_region_has_a_target():
    """Two of ten regions' reps had a target: the league put them first by attainment, the eight others after."""
    frame = pd.DataFrame({"attainment": [3.87, 0.29, np.nan], "vs_trailing": [0.13, -0.48, 0.25]})
    assert market.regions.ranking_measure(frame) == "vs_trailing"
    assert market.regions.ranking_measure(frame.fillna({"attainment": 1.0})) == "attainment"
    assert market.regions.ranking_measure(frame.assign(vs_trailing=np.nan)) == "share"


def test_a_region_selling_after_three_empty_months_ranks_above_the_others(tmp_path):
    """Chinook by country: 阿根廷 sold 8.91 (18 % of the month) after three empty months and ranked last, below
    the countries that sold nothing, its growth a missing number. Growth from nothing is new, above every finite
    growth: 西北 (30 after nothing) ranks first, then 华东 (+50 %: 15 against 10), then 华南 (−100 %)."""
    rows = [(f"{m}-28", "华东", 15 if m == "2026-10" else 10) for m in ("2026-07", "2026-08", "2026-09", "2026-10")]
    rows += [(f"{m}-28", "华南", 10) for m in ("2026-07", "2026-08", "2026-09")]
    rows += [("2026-10-31", "西北", 30)]
    folder = tmp_path / "fresh"
    folder.mkdir()
    pd.DataFrame(
        [{"order_id": f"O{i}", "customer_id": f"C{i}", "order_date": d, "region": g, "amount": a}
         for i, (d, g, a) in enumerate(rows)]
    ).to_csv(folder / "orders.csv", index=False)  # fmt: skip
    r = open_report(str(folder), "2026-10", "ALL")
    frame = market.region_frame(r)
    assert list(frame["region"]) == ["西北", "华东", "华南"] and list(frame["rank"]) == [1, 2, 3]
    assert np.isnan(frame.loc[0, "vs_trailing"]) and frame.loc[1, "vs_trailing"] == pytest.approx(0.5)
    table = market.region_panel(r).table
    assert list(table["较近3月均值"]) == ["新增", "+50.0%", "-100.0%", "+125.0%"]  # the company: 45 against 20
    labels = [text.get_text().strip() for text in market.region_panel(r).figure.axes[0].texts]
    assert labels == ["新增", "50.0%", "-100.0%"]


def test_a_regions_penetration_counts_every_customer_who_bought_in_it(tmp_path):
    """The region is the order's: C1 first bought in 华东 (its home region), then in 华南. 华南's base holds C1 too.

    华南 2026-10: C1 (制造业) 300 and C2 (金融) 100 bought there; counted by home region alone, 制造业 had 0 customers
    and 0 buyers beside its 300 of revenue.
    """
    orders = pd.DataFrame(
        {"order_id": ["O1", "O2", "O3", "O4"], "customer_id": ["C1", "C2", "C1", "C2"],
         "order_date": ["2026-09-03", "2026-09-04", "2026-10-05", "2026-10-06"],
         "region": ["华东", "华南", "华南", "华南"], "amount": [200, 100, 300, 100]}
    )  # fmt: skip
    orders.to_csv(tmp_path / "orders.csv", index=False)
    pd.DataFrame({"customer_id": ["C1", "C2"], "industry": ["制造业", "金融"]}).to_csv(
        tmp_path / "customers.csv", index=False
    )
    frame = market.penetration_frame(open_report(str(tmp_path), "2026-10", "华南")).set_index("segment")
    assert frame["customers"].to_dict() == {"制造业": 1, "金融": 1}
    assert frame["buyers"].to_dict() == {"制造业": 1, "金融": 1}
    assert frame["revenue"].to_dict() == {"制造业": 300.0, "金融": 100.0}
    east = market.penetration_frame(open_report(str(tmp_path), "2026-10", "华东")).set_index("segment")
    assert east.loc["制造业", ["customers", "active", "buyers"]].tolist() == [1, 1, 0]  # home region: still its own


def test_one_peers_surge_is_no_peak_that_raises_a_regions_bar(tmp_path):
    """As in the peak tests, but in 2026-10 only 华北 sells 3× its usual (3,000); 华南 and 西南 stay at 1,000 and
    华东 sells 0.8 × its 950 that month (760). The rest of the company was read at (3,000 + 1,000 + 1,000) ÷ 3,000
    ≈ 1.67× its expectation, which raised 华东's bar to ≈1,690 and flagged it ≈55 % below (华南 and 西南 were
    flagged too, at 1.59×). Leaving 华北 out, the rest sells 2,000 against an expected 2,000: the rise is 华北's
    own, not one the company shares, so 华东's bar is its own expectation (≈1,030) and its ≈26 % dip is no 30 %
    fall. Every peer at 1.8× still raises the bar (the test above)."""
    from salesnb.market.regions import shared_rise

    regions = pd.Index(["华东", "华北", "华南", "西南"])
    now = pd.Series([800.0, 3000.0, 1000.0, 1000.0], index=regions)
    expected = pd.Series(1000.0, index=regions)
    rest_now, rest_expected = now.sum() - now, expected.sum() - expected
    cap = shared_rise(now, expected, rest_now, rest_expected)
    # 华东 without 华北: (5,000 − 3,000) / (3,000 − 1,000) = 1; 华北 without 华南:
    # (2,800 − 1,000) / 2,000 = 0.9, raised to 1; 华南 and 西南 without 华北: (4,800 − 3,000) / 2,000 = 0.9 → 1
    assert cap.to_dict() == {"华东": 1.0, "华北": 1.0, "华南": 1.0, "西南": 1.0}
    two = shared_rise(now[:2], expected[:2], now[:2].sum() - now[:2], expected[:2].sum() - expected[:2])
    assert two.tolist() == [np.inf, np.inf]  # one peer: none to leave out, no cap
    frame = _peak_regions(tmp_path, east=0.8, rest=1.0, lone=3.0)
    east = frame.loc["华东"]
    assert east["peer_factor"] == pytest.approx(1.0, abs=0.05)  # ≈1: the 5 % wiggle of the expectations
    assert east["change"] == pytest.approx(-0.26, abs=0.02) and not frame["flagged"].any()
