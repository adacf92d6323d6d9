"""Planted problems of the process and support angles (leads, deals and stages; tickets, deliveries, surveys, money).

Same contract as :mod:`scenarios_sales`: each plant changes a clean history for one region and month, returns
the segment it hit, and reads ``size`` as a lost share, a count rise (:func:`rise`) or a share of items gone bad.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scenarios_tables import (
    STAGES,
    Plant,
    Tables,
    Unplantable,
    append,
    bounds,
    drop_orders,
    in_month,
    month_back,
    new_ids,
    pick,
    random_times,
    region_rows,
    rise,
)

SOURCES = ("展会", "线上广告", "自然流量", "转介绍", "电话营销")
CATEGORIES = ("使用咨询", "售后响应", "质量问题", "交付延误", "合同争议")
COMPLAINTS = ("交付延误", "合同争议", "质量问题", "售后响应")
ASPECTS = ("产品质量", "交付", "服务", "价格透明度")
HOUR = pd.Timedelta(hours=1)


def _extra_leads(
    t: Tables, region: str, period: str, source: str, count: int, rng: np.random.Generator
) -> pd.DataFrame:
    """``count`` leads of ``source`` created in the month, copied from the region's recent leads of that source."""
    leads = t["leads"]
    pool = leads[(leads["region"] == region) & (leads["source"] == source)]
    if pool.empty:
        pool = leads[leads["region"] == region]
    rows = pool.iloc[rng.integers(0, len(pool), count)].copy()
    delay = (rows["first_response_at"] - rows["created_at"]).to_numpy()
    rows["lead_id"] = new_ids(leads, "lead_id", "L", count)
    rows["source"] = source
    rows["created_at"] = random_times(rng, *bounds(period), count).to_numpy()
    rows["first_response_at"] = rows["created_at"] + delay
    rows["status"] = rows["status"].replace({"converted": "qualified"})
    rows["opportunity_id"] = np.nan
    return rows


def source_shift(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """A campaign of one source: its leads in the region this month rise by :func:`rise`."""
    source = str(rng.choice(SOURCES))
    leads = t["leads"]
    now = int(((leads["region"] == region) & (leads["source"] == source) & in_month(leads["created_at"], period)).sum())
    count = max(2, int(round((rise(size) - 1) * max(now, 1))))
    append(t, "leads", _extra_leads(t, region, period, source, count, rng))
    return {"source": source}


def fit_low(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """One source brings :func:`rise`-many more leads, all small firms (<50 staff) that do not buy."""
    source = str(rng.choice(SOURCES))
    leads = t["leads"]
    now = int(((leads["region"] == region) & (leads["source"] == source) & in_month(leads["created_at"], period)).sum())
    count = max(2, int(round((rise(size) - 1) * max(now, 1))))
    rows = _extra_leads(t, region, period, source, count, rng)
    rows["company_size"] = rng.integers(3, 50, count)
    out = rng.random(count) < 0.7
    rows["status"] = np.where(out, "disqualified", "new")
    rows["disqualify_reason"] = np.where(out, "规模太小", None)
    append(t, "leads", rows)
    return {"source": source, "company_size": "<50"}


def slow_response(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """``size`` of one source's leads this month wait 3–30 hours for a first response."""
    source = str(rng.choice(SOURCES))
    leads = t["leads"]
    rows = (leads["region"] == region) & (leads["source"] == source) & in_month(leads["created_at"], period)
    if rows.sum() < 5:
        raise Unplantable("under 5 leads")
    hit = pick(rng, rows, size, at_least=1)
    wait = pd.to_timedelta(rng.uniform(3, 30, int(hit.sum())), unit="h").round("s")
    leads.loc[hit, "first_response_at"] = (leads.loc[hit, "created_at"] + wait).to_numpy()
    return {"source": source}


def _open_at(opps: pd.DataFrame, cutoff: pd.Timestamp) -> pd.Series:
    return (opps["created_at"] < cutoff) & (opps["closed_at"].isna() | (opps["closed_at"] >= cutoff))


def slippage(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """Deals forecast to close this month do not: open deals get a close date in the month, ``size`` of those due.

    The deals moved into the month come from the region's open pipeline with a later close date; where it holds
    fewer than needed (the latest month of a generated history has a thin pipeline, its later deals never
    generated), open deals stuck at an early stage are added to make up the rest, so the planted share is the
    claimed one (taking only what the pipeline held planted "60%" as +15 points).
    """
    opps = t["opportunities"]
    start, end = bounds(period)
    due = (opps["region"] == region) & in_month(opps["expected_close_at"], period)
    pool = (opps["region"] == region) & _open_at(opps, end) & (opps["expected_close_at"] >= end)
    count = max(1, int(round(size / (1 - size) * due.sum())))
    short = count - int(pool.sum())
    if short > 0:
        stage = str(rng.choice(STAGES[1:3]))
        entered = random_times(rng, start - pd.Timedelta(days=30), start, short)
        added = _stuck_deals(t, region, stage, entered, rng)
        opps = t["opportunities"]
        pool = pool.reindex(opps.index, fill_value=False)
        pool.loc[added] = True
    hit = pick(rng, pool, 0.0, at_least=count)
    opps.loc[hit, "expected_close_at"] = random_times(rng, start, end, int(hit.sum())).dt.normalize().to_numpy()
    return {}


def cycle_lengthening(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """The deals closing in the region this month took 1/(1−size) as long (size 0.3: +43%)."""
    opps = t["opportunities"]
    rows = (opps["region"] == region) & in_month(opps["closed_at"], period)
    if rows.sum() < 4:
        raise Unplantable("under 4 deals closing")
    closing = opps.loc[rows].set_index("opportunity_id")
    close, stretch = closing["closed_at"], 1.0 / (1.0 - size)
    opps.loc[rows, "created_at"] = (close - (close - closing["created_at"]) * stretch).dt.round("s").to_numpy()
    events = t["stage_events"]
    hit = events["opportunity_id"].isin(close.index)
    ends = events.loc[hit, "opportunity_id"].map(close)
    events.loc[hit, "entered_at"] = (ends - (ends - events.loc[hit, "entered_at"]) * stretch).dt.round("s").to_numpy()
    return {}


def _stuck_deals(t: Tables, region: str, stage: str, entered: pd.Series, rng: np.random.Generator) -> pd.Index:
    """Add open deals of the region (one per ``entered`` time) that reached ``stage`` then and stayed; their index."""
    opps, count, depth = t["opportunities"], len(entered), STAGES.index(stage)
    pool = opps[opps["region"] == region]
    rows = pool.iloc[rng.integers(0, len(pool), count)].copy()
    gaps = rng.integers(2, 6, (count, depth))  # days between stage entries
    back = np.concatenate([np.cumsum(gaps[:, ::-1], axis=1)[:, ::-1], np.zeros((count, 1), dtype=int)], axis=1)
    times = np.repeat(entered.to_numpy(), depth + 1) - pd.to_timedelta(back.ravel(), unit="D").to_numpy()
    rows["opportunity_id"] = new_ids(opps, "opportunity_id", "OP", count)
    rows["created_at"] = times.reshape(count, depth + 1)[:, 0]
    rows[["status", "closed_at", "lost_reason", "competitor"]] = ["open", pd.NaT, np.nan, np.nan]
    rows["expected_close_at"] = (
        (pd.Series(rows["created_at"].to_numpy()) + pd.Timedelta(days=45)).dt.normalize().to_numpy()
    )
    before = len(opps)
    append(t, "opportunities", rows)
    events = pd.DataFrame({"opportunity_id": np.repeat(rows["opportunity_id"].to_numpy(), depth + 1),
                           "stage": np.tile(STAGES[: depth + 1], count), "entered_at": times})  # fmt: skip
    append(t, "stage_events", events)
    return t["opportunities"].index[before:]


def stock_surge(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """Deals pile up at one stage: new deals reach it this month and stop; the month-end stock rises by :func:`rise`.

    The rise is taken of the larger of this month's stock and the stage's usual one (the mean of the six month
    ends before): month-end counts swing widely (and the demo's last month is depleted, its deals won after the
    data end are never generated), so a rise of this month's count alone can leave the stock below usual. The
    deals added bring the stock *to* :func:`rise` × that level (adding (rise − 1) × the usual stock to a month
    that ended below usual left the stock short of the claimed rise: 1 + 1.6 × 2.7 = 5 deals for a claimed 7).
    """
    stage = str(rng.choice(STAGES[1:4]))
    start, end = bounds(period)
    stock = _stage_stock(t, region, end, stage)
    usual = np.mean([_stage_stock(t, region, bounds(month_back(period, k))[1], stage) for k in range(1, 7)])
    count = max(2, int(round(rise(size) * max(stock, usual, 2))) - stock)
    _stuck_deals(t, region, stage, random_times(rng, start + pd.Timedelta(days=10), end, count), rng)
    return {"stage": stage}


def stalled(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """Deals sit at one stage for two to four months: (rise − 1)/2 × the month-end stock of it added, stuck."""
    stage = str(rng.choice(STAGES[1:5]))
    _, end = bounds(period)
    count = max(2, int(round((rise(size) - 1) * max(_stage_stock(t, region, end, stage), 2) / 2)))
    entered = random_times(rng, end - pd.Timedelta(days=120), end - pd.Timedelta(days=60), count)
    _stuck_deals(t, region, stage, entered, rng)
    return {"stage": stage}


def _stage_stock(t: Tables, region: str, cutoff: pd.Timestamp, stage: str) -> int:
    opps, events = t["opportunities"], t["stage_events"]
    open_ids = opps.loc[(opps["region"] == region) & _open_at(opps, cutoff), "opportunity_id"]
    reached = events[events["opportunity_id"].isin(open_ids) & (events["entered_at"] < cutoff)]
    furthest = reached.assign(k=reached["stage"].map(STAGES.index)).groupby("opportunity_id")["k"].max()
    return int((furthest == STAGES.index(stage)).sum())


def conversion_low(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """``size`` of the deals that passed one stage this month are lost at it instead (won ones lose their order)."""
    stage = str(rng.choice(STAGES[1:5]))
    opps, events = t["opportunities"], t["stage_events"]
    nxt = events[(events["stage"] == STAGES[STAGES.index(stage) + 1]) & in_month(events["entered_at"], period)]
    nxt = nxt[nxt["opportunity_id"].isin(opps.loc[opps["region"] == region, "opportunity_id"])]
    if len(nxt) < 4:
        raise Unplantable("under 4 deals passing the stage")
    hit = nxt[pick(rng, pd.Series(True, index=nxt.index), size, at_least=1)]
    lost_at = hit.set_index("opportunity_id")["entered_at"]
    later = events["opportunity_id"].isin(lost_at.index) & (events["stage"].map(STAGES.index) > STAGES.index(stage))
    t["stage_events"] = events[~later].reset_index(drop=True)
    drop_orders(t, t["orders"].loc[t["orders"]["opportunity_id"].isin(lost_at.index), "order_id"])
    rows = opps["opportunity_id"].isin(lost_at.index)
    opps.loc[rows, ["status", "lost_reason", "competitor"]] = ["lost", "需求变更", np.nan]
    opps.loc[rows, "closed_at"] = opps.loc[rows, "opportunity_id"].map(lost_at).to_numpy()
    return {"stage": stage}


def sla_breach(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """``size`` of one category's tickets this month get a first response only after 50–120 hours."""
    category = str(rng.choice(CATEGORIES))
    tickets = t["tickets"]
    rows = (
        region_rows(t, "tickets", region) & (tickets["category"] == category) & in_month(tickets["created_at"], period)
    )
    if rows.sum() < 3:
        raise Unplantable("under 3 tickets")
    hit = pick(rng, rows, size, at_least=1)
    first = tickets.loc[hit, "created_at"] + pd.to_timedelta(rng.uniform(50, 120, int(hit.sum())), unit="h").round("s")
    tickets.loc[hit, "first_response_at"] = first.to_numpy()
    resolved = tickets.loc[hit, "resolved_at"]
    tickets.loc[hit, "resolved_at"] = resolved.where(resolved.isna() | (resolved > first), first + 4 * HOUR).to_numpy()
    return {"category": category}


def complaint_spike(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """Complaints of one category from the region's customers this month rise by :func:`rise` over the usual month.

    The usual month is the category's average over the 12 months before (this month's own count when higher): a
    rise measured on this month alone left a quiet month (1 complaint, usually 4) at 3 after a "×3" plant.
    """
    category = str(rng.choice(COMPLAINTS))
    tickets = t["tickets"]
    mine = region_rows(t, "tickets", region) & (tickets["category"] == category)
    now = int((mine & in_month(tickets["created_at"], period)).sum())
    start = bounds(month_back(period, 12))[0]
    usual = int((mine & (tickets["created_at"] >= start) & (tickets["created_at"] < bounds(period)[0])).sum()) / 12
    count = max(2, int(round(rise(size) * max(now, usual, 1) - now)))
    mine = region_rows(t, "tickets", region)
    pool = tickets[mine & (tickets["created_at"] < bounds(period)[0])]
    rows = pool.iloc[rng.integers(0, len(pool), count)].copy()
    answer, solve = rows["first_response_at"] - rows["created_at"], rows["resolved_at"] - rows["created_at"]
    rows["ticket_id"] = new_ids(tickets, "ticket_id", "T", count)
    rows["category"] = category
    rows["created_at"] = random_times(rng, *bounds(period), count).to_numpy()
    rows["first_response_at"] = (rows["created_at"] + answer).to_numpy()
    rows["resolved_at"] = (rows["created_at"] + solve).to_numpy()
    append(t, "tickets", rows)
    return {"category": category}


def delivery_delay(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """``size`` of the region's orders promised this month arrive 5–20 days late."""
    orders = t["orders"]
    rows = (orders["region"] == region) & in_month(orders["promised_at"], period)
    if rows.sum() < 5:
        raise Unplantable("under 5 orders due")
    hit = pick(rng, rows, size, at_least=1)
    late = orders.loc[hit, "promised_at"] + pd.to_timedelta(rng.integers(5, 21, int(hit.sum())), unit="D")
    last = orders["order_date"].max()
    orders.loc[hit, "delivered_at"] = late.where(late <= last).to_numpy()
    return {}


def satisfaction_drop(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """``size`` of the region's survey answers this month rate one aspect 40 points lower (CSAT −12, NPS −2)."""
    aspect = str(rng.choice(ASPECTS))
    surveys = t["surveys"]
    rows = region_rows(t, "surveys", region) & in_month(surveys["responded_at"], period)
    if rows.sum() < 3:
        raise Unplantable("under 3 survey answers")
    hit = pick(rng, rows, size, at_least=1)
    for column, drop in ((f"score_{aspect}", 40), ("csat", 12), ("nps", 2)):
        surveys.loc[hit, column] = (surveys.loc[hit, column] - drop).clip(lower=0)
    return {"aspect": aspect}


def receivables(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """``size`` of the region's invoices falling due this month are not paid."""
    invoices = t["invoices"]
    rows = region_rows(t, "invoices", region) & in_month(invoices["due_at"], period)
    if rows.sum() < 5:
        raise Unplantable("under 5 invoices due")
    hit = pick(rng, rows, size, at_least=1)
    invoices.loc[hit, ["paid_at", "paid_amount"]] = [pd.NaT, np.nan]
    return {}


def credit_risk(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """Two or three customers with invoices over 30 days past due hold new deals in 商务谈判 worth ``size`` of the
    region's month revenue; the problem sits at the region (one credit-risk story, not one per customer)."""
    invoices = t["invoices"]
    start, end = bounds(period)
    due = region_rows(t, "invoices", region) & (invoices["due_at"] < end - pd.Timedelta(days=35))
    due &= invoices["due_at"] >= end - pd.Timedelta(days=150)
    customers = sorted(invoices.loc[due, "customer_id"].unique())
    count = 2 + int(size > 0.4)
    if len(customers) < count:
        raise Unplantable("too few customers with invoices")
    chosen = [str(c) for c in rng.choice(customers, count, replace=False)]
    late = due & invoices["customer_id"].isin(chosen)
    invoices.loc[late, ["paid_at", "paid_amount"]] = [pd.NaT, np.nan]
    orders = t["orders"]
    month = orders[(orders["region"] == region) & in_month(orders["order_date"], period)]
    revenue = t["order_lines"].loc[t["order_lines"]["order_id"].isin(month["order_id"])]
    total = float((revenue["quantity"] * revenue["unit_price"]).sum())
    new = _stuck_deals(t, region, "商务谈判", random_times(rng, start, end - pd.Timedelta(days=3), count), rng)
    opps = t["opportunities"]
    opps.loc[new, "customer_id"] = chosen
    opps.loc[new, "amount"] = round(size * total / count, -2)
    return {}


PLANTS: dict[str, Plant] = {
    "lead_source_shift": source_shift,
    "lead_fit_low": fit_low,
    "slow_first_response": slow_response,
    "pipeline_slippage": slippage,
    "sales_cycle_lengthening": cycle_lengthening,
    "stage_stock_surge": stock_surge,
    "stage_conversion_low": conversion_low,
    "stalled_deals": stalled,
    "sla_breach": sla_breach,
    "complaint_spike": complaint_spike,
    "delivery_delay": delivery_delay,
    "satisfaction_drop": satisfaction_drop,
    "receivables_overdue": receivables,
    "credit_risk_open_deal": credit_risk,
}
