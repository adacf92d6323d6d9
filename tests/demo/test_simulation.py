"""The planted problems: the list's shape, and each problem measurable against its region's own baseline."""

import re

import numpy as np
import pandas as pd
import pytest

from demo.helpers import END, _against_baseline, _month, _revenue_lines, months_before, plant, stage_stock
from salesnb.demo import REGIONS


def test_planted_list_shape(tables, planted):
    codes = {p["code"] for p in planted}
    assert len(codes) >= 10 and len(codes) == len(planted)
    assert {"lead_source_shift", "lead_fit_low", "stage_stock_surge"} <= codes
    assert len({p["region"] for p in planted}) == 5
    months = set(tables["orders"]["order_date"].dt.strftime("%Y-%m"))
    for p in planted:
        assert set(p) == {"code", "period", "region", "segment", "description"}
        assert p["period"] in months and p["region"] in REGIONS
        assert p["period"] >= "2026-05" and months_before(p["period"], 3)[0] in months  # has three months of history
        assert isinstance(p["segment"], dict) and re.search(r"[\u4e00-\u9fff]", p["description"])
    assert planted == sorted(planted, key=lambda p: (p["period"], p["region"], p["code"]))
    assert sum(p["period"] == END for p in planted) >= 5
    per_cell = pd.Series([(p["period"], p["region"]) for p in planted]).value_counts()
    assert per_cell.max() <= 3 and (per_cell > 2).sum() == 1  # only the seed case story carries three codes
    assert plant(planted, "lead_fit_low")["segment"] == {"source": "展会", "company_size": "<50"}
    assert plant(planted, "stage_stock_surge")["segment"] == {"stage": "技术交流"}


def test_seed_case_is_measurable(tables, planted):
    """展会 share of leads roughly triples (≈12% → ≈39%), mostly firms under 50, deals stuck at 技术交流."""
    p = plant(planted, "lead_source_shift")
    leads = tables["leads"].assign(period=tables["leads"]["created_at"].dt.strftime("%Y-%m"))
    leads = leads[leads["region"] == p["region"]]
    share = leads.groupby("period")["source"].apply(lambda s: (s == "展会").mean())
    before = share[months_before(p["period"], 3)].mean()
    assert 0.09 < before < 0.15 and share[p["period"]] == pytest.approx(0.39, abs=0.02)
    assert 2.5 < share[p["period"]] / before < 4.5

    fair = leads[leads["source"] == "展会"]
    small = fair.groupby("period")["company_size"].apply(lambda s: (s < 50).mean())
    assert small[p["period"]] > 0.6 and small[months_before(p["period"], 3)].mean() < 0.35

    stuck = stage_stock(tables, p["region"], "技术交流", [*months_before(p["period"], 3), p["period"]])
    assert stuck[-1] >= 2 * np.mean(stuck[:-1]) and stuck[-1] >= np.mean(stuck[:-1]) + 15


def test_planted_revenue_problems_are_measurable(tables, planted):
    lines = _revenue_lines(tables)
    p = plant(planted, "product_line_decline")
    rev = lines[(lines["region"] == p["region"]) & (lines["product_line"] == p["segment"]["product_line"])]
    now, base = _against_baseline(rev.groupby("period")["revenue"].sum(), p["period"])
    assert now < 0.35 * base

    p = plant(planted, "channel_underperform")
    rev = lines[(lines["region"] == p["region"]) & (lines["channel"] == p["segment"]["channel"])]
    now, base = _against_baseline(rev.groupby("period")["revenue"].sum(), p["period"])
    assert now < 0.45 * base

    p = plant(planted, "discount_deepening")
    rows = lines[(lines["region"] == p["region"]) & (lines["product_line"] == p["segment"]["product_line"])]
    depth = rows.groupby("period").apply(
        lambda g: 1 - g["revenue"].sum() / (g["quantity"] * g["list_price"]).sum(), include_groups=False
    )
    now, base = _against_baseline(depth, p["period"])
    assert now > 0.25 and base < 0.13

    p = plant(planted, "rep_underperform")
    rep = p["segment"]["rep_id"]
    targets = tables["targets"]
    target = targets[(targets["rep_id"] == rep) & (targets["period"] == p["period"])]["target_amount"].item()
    by_rep = lines[lines["rep_id"] == rep].groupby("period")["revenue"].sum()
    assert by_rep.get(p["period"], 0.0) < 0.3 * target
    assert by_rep[months_before(p["period"], 3)].mean() > 0.7 * target


def test_planted_customer_problems_are_measurable(tables, planted):
    orders = tables["orders"].assign(period=_month(tables["orders"]["order_date"]))
    p = plant(planted, "new_customer_drop")
    first = orders.groupby("customer_id")["period"].min()
    region_orders = orders[orders["region"] == p["region"]]
    new = region_orders[region_orders["customer_id"].map(first) == region_orders["period"]]
    now, base = _against_baseline(new.groupby("period")["customer_id"].nunique(), p["period"])
    assert now < 0.4 * base and base >= 10

    p = plant(planted, "customer_churn_rise")
    region_orders = orders[orders["region"] == p["region"]]
    recent = set(region_orders[region_orders["period"].isin(months_before(p["period"], 3))]["customer_id"])
    earlier = set(
        region_orders[region_orders["period"].isin(months_before(months_before(p["period"], 1)[0], 3))]["customer_id"]
    )
    kept_now = len(recent & set(region_orders[region_orders["period"] == p["period"]]["customer_id"])) / len(recent)
    prev = months_before(p["period"], 1)[0]
    kept_before = len(earlier & set(region_orders[region_orders["period"] == prev]["customer_id"])) / len(earlier)
    assert kept_now < 0.5 * kept_before

    p = plant(planted, "lost_to_competitor")
    lost = tables["opportunities"].query("status == 'lost'")
    lost = lost[(lost["region"] == p["region"]) & (lost["competitor"] == p["segment"]["competitor"])]
    now, base = _against_baseline(lost.groupby(_month(lost["closed_at"])).size(), p["period"])
    assert now >= 8 and now > 3 * max(base, 1.0)


def test_planted_service_problems_are_measurable(tables, planted):
    customers = tables["customers"].set_index("customer_id")["region"]
    tickets = tables["tickets"].assign(
        region=tables["tickets"]["customer_id"].map(customers), period=_month(tables["tickets"]["created_at"])
    )
    p = plant(planted, "sla_breach")
    rows = tickets[(tickets["region"] == p["region"]) & (tickets["category"] == p["segment"]["category"])]
    late = ~((rows["first_response_at"] - rows["created_at"]) <= pd.Timedelta(hours=48))  # unanswered counts too
    share = late.groupby(rows["period"]).mean()
    now, base = _against_baseline(share, p["period"])
    assert now > 0.6 and base < 0.1

    p = plant(planted, "complaint_spike")
    rows = tickets[(tickets["region"] == p["region"]) & (tickets["category"] == p["segment"]["category"])]
    now, base = _against_baseline(rows.groupby("period").size(), p["period"])
    assert now > 3 * base

    orders = tables["orders"].assign(period=_month(tables["orders"]["order_date"]))
    p = plant(planted, "delivery_delay")
    rows = orders[(orders["region"] == p["region"]) & orders["delivered_at"].notna()]
    now, base = _against_baseline(
        (rows["delivered_at"] > rows["promised_at"]).groupby(rows["period"]).mean(), p["period"]
    )
    assert now > 0.3 and base < 0.15

    p = plant(planted, "return_rate_high")
    product = p["segment"]["product_id"]
    returns = tables["returns"].merge(orders[["order_id", "region"]], on="order_id")
    returns = returns[(returns["region"] == p["region"]) & (returns["product_id"] == product)]
    returned = returns.groupby(_month(returns["returned_at"]))["quantity"].sum()
    lines = _revenue_lines(tables)
    sold = (
        lines[(lines["region"] == p["region"]) & (lines["product_id"] == product)].groupby("period")["quantity"].sum()
    )
    rate = returned.reindex(sold.index).fillna(0) / sold
    now, base = _against_baseline(rate, p["period"])
    assert now > 0.2 and base < 0.08

    p = plant(planted, "receivables_overdue")
    invoices = tables["invoices"].assign(region=tables["invoices"]["customer_id"].map(customers))
    invoices = invoices[invoices["region"] == p["region"]]

    def overdue(period):
        end = pd.Period(period, freq="M").end_time.normalize()
        due = invoices[(invoices["due_at"] < end) & (invoices["paid_at"].isna() | (invoices["paid_at"] > end))]
        return due["amount"].sum()

    assert overdue(p["period"]) > 1.8 * np.mean([overdue(m) for m in months_before(p["period"], 3)])

    p = plant(planted, "slow_first_response")
    leads = tables["leads"]
    rows = leads[(leads["region"] == p["region"]) & (leads["source"] == p["segment"]["source"])].dropna(
        subset=["first_response_at"]
    )
    fast = ((rows["first_response_at"] - rows["created_at"]) <= pd.Timedelta(hours=2)).groupby(
        _month(rows["created_at"])
    )
    now, base = _against_baseline(fast.mean(), p["period"])
    assert now < 0.2 and base > 0.85


def test_clean_months_stay_quiet(tables, planted):
    """Outside the planted cells, each region's revenue grows steadily on the same month last year."""
    lines = _revenue_lines(tables)
    revenue = lines.groupby(["region", "period"])["revenue"].sum()
    hit = {(p["region"], p["period"]) for p in planted}
    ratios = [
        value / revenue[(region, str(pd.Period(period, freq="M") - 12))]
        for (region, period), value in revenue.items()
        if period >= "2025-11" and (region, period) not in hit
    ]
    assert len(ratios) == 12 * 5 - len(hit)
    assert 0.7 < min(ratios) and max(ratios) < 1.6 and 1.0 < np.median(ratios) < 1.2
