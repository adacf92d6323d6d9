"""The diagnosis benchmark's plants change a clean demo history as they say (tiny scale, numbers checked)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import scenarios  # noqa: E402
import scenarios_flow as flow  # noqa: E402
import scenarios_sales as sales  # noqa: E402
from scenarios_tables import in_month, line_orders, region_rows  # noqa: E402

REGION, PERIOD = "华东", "2026-09"


@pytest.fixture(scope="module")
def clean():
    sc = scenarios.Scenario(0, 4, None, REGION, PERIOD, 0.0)
    return scenarios.clean_tables(sc, 0.4)


def copy(tables):
    return {name: frame.copy() for name, frame in tables.items()}


def rng():
    return np.random.default_rng(0)


def month_orders(t, region=REGION):
    o = t["orders"]
    return o[(o["region"] == region) & in_month(o["order_date"], PERIOD)]


def test_every_code_has_a_plant_that_changes_the_data_and_parses(clean):
    places = tuple((r, p) for p in ("2026-08", "2026-09", "2026-10") for r in scenarios.REGIONS)
    from salesnb.angle import angle_of_code

    assert set(scenarios.PLANTS) | set(scenarios.NOT_PLANTED) == set(angle_of_code())
    for code in sorted(set(scenarios.PLANTS) - {"new_hire_ramp_slow"}):  # at this tiny scale no new hire sells twice
        sc = scenarios.Scenario(1, 4, code, REGION, PERIOD, 0.5, places)
        t = copy(clean)
        planted, segment = scenarios.plant(t, sc)
        changed = [n for n in t if not t[n].reset_index(drop=True).equals(clean[n].reset_index(drop=True))]
        assert changed, code
        assert isinstance(segment, dict) and all(isinstance(v, str) for v in segment.values())
        scenarios.to_dataset(t, planted.label)  # parses without problems


def test_draw_is_deterministic_and_covers_every_code():
    first = scenarios.draw(3, len(scenarios.PLANTS), 2)
    assert first == scenarios.draw(3, len(scenarios.PLANTS), 2)
    assert {s.code for s in first} == set(scenarios.PLANTS) | {None}
    assert all(0.1 <= s.size <= 0.7 for s in first if s.code)
    assert {s.period for s in first} <= {"2026-08", "2026-09", "2026-10"}


def test_region_drop_removes_that_share_of_orders_and_their_lines(clean):
    t = copy(clean)
    before = month_orders(t)
    sales.region_drop(t, REGION, PERIOD, 0.4, rng())
    after = month_orders(t)
    assert len(after) == len(before) - round(0.4 * len(before))
    assert set(after["order_id"]) < set(before["order_id"])
    gone = set(before["order_id"]) - set(after["order_id"])
    assert not gone & set(t["order_lines"]["order_id"]) and not gone & set(t["invoices"]["order_id"].dropna())
    assert len(month_orders(t, "华南")) == len(month_orders(clean, "华南"))  # other regions untouched


def test_discount_deepening_cuts_the_line_price_by_size_quarter_points(clean):
    t = copy(clean)
    segment = sales.discount_deepening(t, REGION, PERIOD, 0.4, rng())
    lines, old = line_orders(t), line_orders(clean)
    rows = (lines["region"] == REGION) & in_month(lines["order_date"], PERIOD)
    rows &= lines["product_line"] == segment["product_line"]
    depth = 1 - lines.loc[rows, "unit_price"] / lines.loc[rows, "list_price"]
    old_depth = 1 - old.loc[rows, "unit_price"] / old.loc[rows, "list_price"]
    assert np.allclose(depth - old_depth, 0.10)  # 0.25 × 0.4
    assert (lines.loc[~rows, "unit_price"] == old.loc[~rows, "unit_price"]).all()


def test_concentration_makes_one_customer_that_share_of_the_region_month(clean):
    t = copy(clean)
    customer = sales.concentration(t, REGION, PERIOD, 0.33, rng())["customer_id"]
    lines = line_orders(t)
    now = lines[(lines["region"] == REGION) & in_month(lines["order_date"], PERIOD)]
    value = now["quantity"] * now["unit_price"]
    buyer = now["order_id"].map(t["orders"].set_index("order_id")["customer_id"])
    assert value[buyer == customer].sum() / value.sum() == pytest.approx(0.33, abs=0.005)


def test_returns_rise_returns_that_share_of_the_lines_within_the_month(clean):
    t = copy(clean)
    line = sales.returns_rise(t, REGION, PERIOD, 0.5, rng())["product_line"]
    new = t["returns"].iloc[len(clean["returns"]) :]
    lines = line_orders(clean)
    sold = (lines["region"] == REGION) & in_month(lines["order_date"], PERIOD) & (lines["product_line"] == line)
    assert len(new) == round(0.5 * sold.sum())
    assert in_month(new["returned_at"], PERIOD).all() and (new["reason"] == "质量问题").all()


def test_source_shift_adds_leads_of_one_source_by_the_rise_factor(clean):
    t = copy(clean)
    source = flow.source_shift(t, REGION, PERIOD, 0.3, rng())["source"]

    def count(tables):
        leads = tables["leads"]
        return int(
            ((leads["region"] == REGION) & (leads["source"] == source) & in_month(leads["created_at"], PERIOD)).sum()
        )

    assert count(t) == count(clean) + max(2, round(1.2 * max(count(clean), 1)))
    assert len(t["leads"]) - len(clean["leads"]) == count(t) - count(clean)


def test_fit_low_adds_small_firm_leads_that_do_not_convert(clean):
    t = copy(clean)
    segment = flow.fit_low(t, REGION, PERIOD, 0.3, rng())
    new = t["leads"].iloc[len(clean["leads"]) :]
    assert segment["company_size"] == "<50" and (new["source"] == segment["source"]).all()
    assert (new["company_size"] < 50).all() and new["opportunity_id"].isna().all()
    assert set(new["status"]) <= {"disqualified", "new"}


def test_receivables_leave_that_share_of_due_invoices_unpaid(clean):
    t = copy(clean)
    flow.receivables(t, REGION, PERIOD, 0.5, rng())
    due = region_rows(t, "invoices", REGION) & in_month(t["invoices"]["due_at"], PERIOD)
    before = clean["invoices"].loc[due, "paid_at"].isna().sum()
    after = t["invoices"].loc[due, "paid_at"].isna().sum()
    hit = (t["invoices"].loc[due, "paid_at"].isna() & clean["invoices"].loc[due, "paid_at"].notna()).sum()
    assert hit <= round(0.5 * due.sum()) and after - before == hit and hit >= round(0.5 * due.sum()) - before


def test_stock_surge_piles_open_deals_at_the_stage(clean):
    t = copy(clean)
    stage = flow.stock_surge(t, REGION, PERIOD, 0.3, rng())["stage"]
    end = (pd.Period(PERIOD, freq="M") + 1).start_time
    old = flow._stage_stock(clean, REGION, end, stage)
    assert flow._stage_stock(t, REGION, end, stage) == old + max(2, round(1.2 * max(old, 2)))


def test_cycle_lengthening_stretches_the_cycles_of_deals_closing_that_month(clean):
    t = copy(clean)
    flow.cycle_lengthening(t, REGION, PERIOD, 0.5, rng())
    o, c = t["opportunities"], clean["opportunities"]
    rows = (c["region"] == REGION) & in_month(c["closed_at"], PERIOD)
    ratio = (o.loc[rows, "closed_at"] - o.loc[rows, "created_at"]) / (
        c.loc[rows, "closed_at"] - c.loc[rows, "created_at"]
    )
    assert np.allclose(ratio.astype(float), 2.0, atol=1e-3)


def test_credit_risk_gives_overdue_customers_open_negotiation_deals(clean):
    t = copy(clean)
    flow.credit_risk(t, REGION, PERIOD, 0.5, rng())
    new = t["opportunities"].iloc[len(clean["opportunities"]) :]
    assert len(new) == 3 and (new["status"] == "open").all()
    events = t["stage_events"][t["stage_events"]["opportunity_id"].isin(new["opportunity_id"])]
    assert (events.groupby("opportunity_id")["stage"].last() == "商务谈判").all()
    invoices = t["invoices"][t["invoices"]["customer_id"].isin(new["customer_id"])]
    end = (pd.Period(PERIOD, freq="M") + 1).start_time
    overdue = invoices[invoices["paid_at"].isna() & (invoices["due_at"] < end - pd.Timedelta(days=35))]
    assert set(overdue["customer_id"]) == set(new["customer_id"])
    lines = line_orders(clean)
    month = lines[(lines["region"] == REGION) & in_month(lines["order_date"], PERIOD)]
    revenue = (month["quantity"] * month["unit_price"]).sum()
    assert new["amount"].sum() == pytest.approx(0.5 * revenue, rel=0.01)


def test_rep_plants_end_size_below_the_reps_usual_month():
    # rep A: 10 events a month for a year; B, C, D: 4 a month, 2 this month (a month half as busy for everyone)
    months = [str(pd.Period(PERIOD, "M") - k) for k in range(12, -1, -1)]
    rows = [
        (rep, pd.Timestamp(f"{m}-05 10:00"))
        for m in months
        for rep, n in (("A", 10), ("B", 2 if m == PERIOD else 4), ("C", 2 if m == PERIOD else 4), ("D", 4))
        for _ in range(n if not (rep == "D" and m == PERIOD) else 2)
    ]
    frame = pd.DataFrame(rows, columns=["rep", "at"])
    usual = sales._usual_month(frame["at"], frame["rep"], "A", PERIOD)
    assert usual == pytest.approx(10 * 0.5)  # A's mean × the others' month (2 ÷ 4)
    now = pd.Series([True] * 10 + [False] * 5)
    lost = sales._losing(rng(), now, usual, 0.4)
    assert lost.sum() == 10 - 3  # keeps min(round(0.6·10), round(0.6·5)) = 3: 40% below the usual month
    assert not (lost & ~now).any()


def test_rep_underperform_plant_leaves_the_rep_below_the_usual_month(clean):
    t = copy(clean)
    segment = sales.rep_underperform(t, REGION, PERIOD, 0.5, rng())
    orders = clean["orders"][(clean["orders"]["region"] == REGION) & clean["orders"]["rep_id"].notna()]
    usual = sales._usual_month(orders["order_date"], orders["rep_id"], segment["rep_id"], PERIOD)
    before = (month_orders(clean)["rep_id"] == segment["rep_id"]).sum()
    after = (month_orders(t)["rep_id"] == segment["rep_id"]).sum()
    assert after == min(round(0.5 * before), round(0.5 * usual))


@pytest.mark.parametrize("period", ["2026-09", scenarios.END_PERIOD])
def test_slippage_plant_makes_the_claimed_count_slip_even_with_a_thin_pipeline(clean, period):
    # the latest month's open pipeline is thin (its later deals are never generated): the plant tops it up with
    # stuck deals instead of planting fewer slips than its size claims
    t, size = copy(clean), 0.6
    end = (pd.Period(period, freq="M") + 1).start_time
    c = clean["opportunities"]
    due = ((c["region"] == REGION) & in_month(c["expected_close_at"], period)).sum()
    flow.slippage(t, REGION, period, size, rng())

    def slipped(o):
        open_end = (o["created_at"] < end) & (o["closed_at"].isna() | (o["closed_at"] >= end))
        return int(((o["region"] == REGION) & open_end & in_month(o["expected_close_at"], period)).sum())

    assert slipped(t["opportunities"]) - slipped(c) == round(size / (1 - size) * due)


def test_returns_rise_spreads_the_returns_over_the_lines_products(clean):
    t = copy(clean)
    line = sales.returns_rise(t, REGION, PERIOD, 0.3, rng())["product_line"]
    new = t["returns"].iloc[len(clean["returns"]) :]
    lines = line_orders(clean)
    sold = lines[(lines["region"] == REGION) & in_month(lines["order_date"], PERIOD) & (lines["product_line"] == line)]
    per_product = new["product_id"].value_counts()
    assert len(new) == round(0.3 * len(sold))
    # every product of the line gets its first return before any gets a second
    assert per_product.max() - per_product.reindex(sold["product_id"].unique(), fill_value=0).min() <= 1


def test_usual_month_sums_values_when_given():
    # line A: 100 a month for a year; B, C, D: 50 a month, 25 this month (a month half as good for every line)
    months = [str(pd.Period(PERIOD, "M") - k) for k in range(12, -1, -1)]
    rows = [
        (line, pd.Timestamp(f"{m}-05 10:00"), value / 2)  # two order lines of half the month's value each
        for m in months
        for line, value in (("A", 100), ("B", 25 if m == PERIOD else 50), ("C", 25 if m == PERIOD else 50))
        for _ in range(2)
    ] + [("D", pd.Timestamp(f"{m}-05 10:00"), 25 if m == PERIOD else 50) for m in months]
    frame = pd.DataFrame(rows, columns=["line", "at", "value"])
    usual = sales._usual_month(frame["at"], frame["line"], "A", PERIOD, values=frame["value"])
    assert usual == pytest.approx(100 * 0.5)  # A's mean revenue × the other lines' month (25 ÷ 50)


def test_new_customer_drop_leaves_the_region_size_below_its_usual_month(clean):
    t = copy(clean)
    acquired = sales._acquisitions(clean)
    now = int((in_month(acquired["when"], PERIOD) & (acquired["region"] == REGION)).sum())
    usual = sales._usual_month(acquired["when"], acquired["region"], REGION, PERIOD)
    sales.new_customer_drop(t, REGION, PERIOD, 0.5, rng())
    after = sales._acquisitions(t)
    assert int((in_month(after["when"], PERIOD) & (after["region"] == REGION)).sum()) == min(
        round(0.5 * now), round(0.5 * usual)
    )
    others = (after["region"] != REGION) & in_month(after["when"], PERIOD)
    assert others.sum() == ((acquired["region"] != REGION) & in_month(acquired["when"], PERIOD)).sum()


def test_line_decline_leaves_the_line_revenue_size_below_its_usual_month(clean):
    t = copy(clean)
    segment = sales.line_decline(t, REGION, PERIOD, 0.4, rng())

    def revenue(tables):
        lines = line_orders(tables)
        lines = lines[(lines["region"] == REGION) & in_month(lines["order_date"], PERIOD)]
        return (lines["quantity"] * lines["unit_price"]).groupby(lines["product_line"]).sum()

    lines = line_orders(clean)
    mine = lines["region"] == REGION
    value = lines["quantity"] * lines["unit_price"]
    usual = sales._usual_month(
        lines.loc[mine, "order_date"], lines.loc[mine, "product_line"], segment["product_line"], PERIOD,
        values=value[mine],
    )  # fmt: skip
    before, after = revenue(clean), revenue(t)
    line = segment["product_line"]
    target = 0.6 * min(before[line], usual)
    assert after[line] <= target + 1e-6
    assert after[line] > target - value[mine].max()  # lines are removed only until the target is reached
    assert after.drop(line).equals(before.drop(line))  # the other lines untouched
