"""Foreign plants of the process and support angles: deals, leads and tickets (see :mod:`foreign_plants`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from foreign_plant_kit import COMPLAINTS, Tables, Unplantable, in_month, needs, usual
from foreign_tables import STAGES


def complaint_spike(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """Tickets of one category in the region rise to ``1 + 4·size`` times their usual month (new tickets)."""
    needs(world, "tickets")
    from foreign_tables import finish_tickets, hours

    tk, o = t["tickets"], t["orders"]
    region_of = tk["order_id"].map(o.set_index("order_id")["region"])
    tk = tk[region_of == region]
    category = str(rng.choice(sorted(set(tk["category"]) & set(COMPLAINTS))))  # a service request is no complaint
    mine = tk["category"] == category
    ones = pd.Series(1.0, index=tk.index)
    normal = max(
        usual(tk["created_at"], mine, ones, period), float((mine & in_month(tk["created_at"], period)).sum()), 2
    )
    count = int(round(4 * size * normal)) + 1
    p = pd.Period(period, "M")
    recent = o[
        (o["region"] == region) & (o["order_date"] >= (p - 1).start_time) & (o["order_date"] < (p + 1).start_time)
    ]
    pick = recent.iloc[rng.integers(0, len(recent), count)]
    created = p.start_time + pd.to_timedelta(rng.integers(0, p.days_in_month * 86400, count), unit="s")
    new = pd.DataFrame(
        {
            "customer_id": pick["customer_id"].to_numpy(),
            "created_at": created,
            "category": category,
            "severity": "中",
            "order_id": pick["order_id"].to_numpy(),
        }
    )
    new["first_response_at"] = new["created_at"] + hours(rng, 3, 1.0, count)
    new["resolved_at"] = new["first_response_at"] + hours(rng, 30, 1.0, count)
    old = t["tickets"].drop(columns="ticket_id")
    t["tickets"] = finish_tickets(pd.concat([old, new[old.columns]], ignore_index=True), world.end)
    return {"category": category}


def slow_response(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """``size`` of one source's leads in the region this month wait 6–72 hours for a first reply."""
    needs(world, "leads")
    ld = t["leads"]
    rows = (ld["region"] == region) & in_month(ld["created_at"], period)
    counts = ld.loc[rows, "source"].value_counts()
    if not (counts >= 8).any():
        raise Unplantable("no source with 8 leads")
    source = str(rng.choice(sorted(counts[counts >= 8].index)))
    idx = ld.index[rows & (ld["source"] == source)]
    hit = idx[rng.permutation(len(idx))][: max(1, int(round(size * len(idx))))]
    late = ld.loc[hit, "created_at"] + pd.to_timedelta(rng.uniform(6, 72, len(hit)) * 3600, unit="s").round("s")
    ld.loc[hit, "first_response_at"] = late.where(late <= world.end)
    return {"source": source}


def delivery_delay(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """``size`` of the region's orders of the month are delivered 5–25 days after the promised date."""
    needs(world, "orders.promised_at")
    o = t["orders"]
    rows = (o["region"] == region) & in_month(o["order_date"], period) & o["delivered_at"].notna()
    idx = o.index[rows]
    if len(idx) < 5:
        raise Unplantable("under 5 delivered orders")
    hit = idx[rng.permutation(len(idx))][: max(1, int(round(size * len(idx))))]
    late = o.loc[hit, "promised_at"] + pd.to_timedelta(rng.integers(5, 26, len(hit)), unit="D")
    o.loc[hit, "delivered_at"] = late.where(late <= world.end)
    return {}


def _furthest(t: Tables, ids: pd.Series, cutoff: pd.Timestamp) -> pd.Series:
    """The furthest stage index each deal of ``ids`` had reached before ``cutoff``."""
    ev = t["stage_events"]
    ev = ev[ev["opportunity_id"].isin(set(ids)) & (ev["entered_at"] < cutoff)]
    return ev.assign(k=ev["stage"].map(STAGES.index)).groupby("opportunity_id")["k"].max()


def _reopen(t: Tables, ids: Any, after: pd.Series, status: str) -> None:
    """Deals ``ids`` stop at the stage entered at ``after`` (per deal): later events gone, ``status`` from then."""
    ev, opp = t["stage_events"], t["opportunities"]
    cut = ev["opportunity_id"].map(after)
    t["stage_events"] = ev[~(cut.notna() & (ev["entered_at"] > cut))].reset_index(drop=True)
    rows = opp["opportunity_id"].isin(set(ids))
    opp.loc[rows, "status"] = status
    opp.loc[rows, "closed_at"] = opp.loc[rows, "opportunity_id"].map(after) if status == "lost" else pd.NaT
    opp.loc[rows, ["lost_reason", "competitor"]] = ["需求变化", None] if status == "lost" else [None, None]


def stalled(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """Deals that reached one stage 2–4 months ago stay there: (4·size)/2 × the stage's month-end stock of them."""
    needs(world, "opportunities")
    opp, ev = t["opportunities"], t["stage_events"]
    end = (pd.Period(period, "M") + 1).start_time
    mine = opp.loc[opp["region"] == region, "opportunity_id"]
    stage = str(rng.choice(STAGES[1:5]))
    entered = ev[ev["opportunity_id"].isin(set(mine)) & (ev["stage"] == stage)]
    entered = entered[
        (entered["entered_at"] >= end - pd.Timedelta(days=120)) & (entered["entered_at"] < end - pd.Timedelta(days=60))
    ]
    later = ev.merge(entered[["opportunity_id", "entered_at"]], on="opportunity_id", suffixes=("", "_s"))
    moved = set(later.loc[later["entered_at"] > later["entered_at_s"], "opportunity_id"])
    moved |= set(opp.loc[opp["closed_at"].notna(), "opportunity_id"]) & set(entered["opportunity_id"])
    pool = np.array(sorted(moved))
    open_now = mine[mine.map(opp.set_index("opportunity_id")["status"]) == "open"]
    stock = int((_furthest(t, open_now, end) == STAGES.index(stage)).sum())
    count = min(len(pool), max(2, int(round(2 * size * max(stock, 2)))))
    if count < 2:
        raise Unplantable(f"under 2 deals passed {stage} 2-4 months ago")
    hit = rng.choice(pool, count, replace=False)
    _reopen(t, hit, entered.set_index("opportunity_id")["entered_at"].reindex(hit), "open")
    return {"stage": stage}


def conversion_low(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """``size`` of the region's deals that passed one stage this month are lost at it instead."""
    needs(world, "opportunities")
    opp, ev = t["opportunities"], t["stage_events"]
    stage = str(rng.choice(STAGES[1:5]))
    nxt = ev[(ev["stage"] == STAGES[STAGES.index(stage) + 1]) & in_month(ev["entered_at"], period)]
    nxt = nxt[nxt["opportunity_id"].isin(set(opp.loc[opp["region"] == region, "opportunity_id"]))]
    if len(nxt) < 4:
        raise Unplantable("under 4 deals passing the stage")
    hit = nxt.iloc[rng.permutation(len(nxt))[: max(1, int(round(size * len(nxt))))]]
    at = hit.set_index("opportunity_id")["entered_at"] - pd.Timedelta(seconds=1)
    _reopen(t, at.index, at, "lost")
    return {"stage": stage}


def lost_to_competitor(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """A competitor takes ``size`` of the deals that close in the region this month (won ones are lost instead)."""
    needs(world, "opportunities")
    from foreign_tables import COMPETITORS

    competitor = str(rng.choice(COMPETITORS))
    opp = t["opportunities"]
    closing = (opp["region"] == region) & in_month(opp["closed_at"], period) & (opp["competitor"] != competitor)
    idx = opp.index[closing.fillna(False)]
    if len(idx) < 4:
        raise Unplantable("under 4 deals closing")
    hit = idx[rng.permutation(len(idx))][: max(1, int(round(size * len(idx))))]
    won = set(opp.loc[hit[opp.loc[hit, "status"] == "won"], "opportunity_id"])
    ev = t["stage_events"]
    t["stage_events"] = ev[~(ev["opportunity_id"].isin(won) & (ev["stage"] == STAGES[-1]))].reset_index(drop=True)
    opp.loc[hit, ["status", "lost_reason", "competitor"]] = ["lost", "竞品", competitor]
    return {"competitor": competitor}


def sla_breach(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """``size`` (at least two) of one category's tickets of the region this month get a first reply after 50–120 h.

    A low-priority (低) ticket's reply comes 24 h later still (74–144 h): its SLA is 72 h
    (``thresholds.support.priority_sla_hours``), so a reply at 50–72 h was no breach and the plant planted less
    than its size.
    """
    needs(world, "tickets")
    tk = t["tickets"]
    region_of = tk["order_id"].map(t["orders"].set_index("order_id")["region"])
    rows = (region_of == region) & in_month(tk["created_at"], period)
    counts = tk.loc[rows, "category"].value_counts()
    if not (counts >= 4).any():
        raise Unplantable("no category with 4 tickets")
    category = str(rng.choice(sorted(counts[counts >= 4].index)))
    idx = tk.index[rows & (tk["category"] == category)]
    hit = idx[rng.permutation(len(idx))][: max(2, int(round(size * len(idx))))]  # one late ticket is no breach
    late = rng.uniform(50, 120, len(hit))  # past a 48-hour SLA; a low-priority ticket is due after 72 hours (the
    late += np.where(tk.loc[hit, "severity"].eq("低").to_numpy(), 24.0, 0.0)  # priority SLA): a day later still
    first = tk.loc[hit, "created_at"] + pd.to_timedelta(late * 3600, unit="s").round("s")
    resolved = tk.loc[hit, "resolved_at"]
    resolved = resolved.where(resolved.isna() | (resolved > first), first + pd.Timedelta(hours=4))
    tk.loc[hit, "first_response_at"] = first.where(first <= world.end)
    tk.loc[hit, "resolved_at"] = resolved.where(resolved <= world.end)
    return {"category": category}


def cycle_lengthening(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """The deals closing in the region this month took 1/(1−size) as long (size 0.3: +43 %), same close dates."""
    needs(world, "opportunities")
    opp, ev = t["opportunities"], t["stage_events"]
    rows = (opp["region"] == region) & in_month(opp["closed_at"], period)
    if (rows & (opp["status"] == "won")).sum() < 5:  # the cycle is measured on won deals
        raise Unplantable("under 5 deals won")
    close = opp.loc[rows].set_index("opportunity_id")["closed_at"]
    stretch = 1.0 / (1.0 - size)
    opp.loc[rows, "created_at"] = (
        (close - (close - opp.loc[rows].set_index("opportunity_id")["created_at"]) * stretch).dt.round("s").to_numpy()
    )
    hit = ev["opportunity_id"].isin(close.index)
    ends = ev.loc[hit, "opportunity_id"].map(close)
    ev.loc[hit, "entered_at"] = (ends - (ends - ev.loc[hit, "entered_at"]) * stretch).dt.round("s").to_numpy()
    return {}


def source_shift(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """A campaign of a source with 5 leads a month: its leads in the region rise to ``1 + 4·size`` times the month's."""
    needs(world, "leads")
    ld = t["leads"]
    mine = ld[ld["region"] == region]
    ones = pd.Series(1.0, index=mine.index)
    usuals = {s: usual(mine["created_at"], mine["source"] == s, ones, period) for s in sorted(set(mine["source"]))}
    common = [s for s, level in usuals.items() if level >= 5]
    if not common:
        raise Unplantable("no source with 5 leads a month")
    source = str(rng.choice(common))
    now = int(((mine["source"] == source) & in_month(mine["created_at"], period)).sum())
    count = max(2, int(round(4 * size * max(now, usuals[source]))))
    pool = mine[mine["source"] == source]
    new = pool.iloc[rng.integers(0, len(pool), count)].copy()
    delay = new["first_response_at"] - new["created_at"]
    p = pd.Period(period, "M")
    span = int((min((p + 1).start_time, world.end) - p.start_time).total_seconds())
    new["created_at"] = (p.start_time + pd.to_timedelta(rng.integers(0, max(span, 1), count), unit="s")).to_numpy()
    new["first_response_at"] = (new["created_at"] + delay).where(new["created_at"] + delay <= world.end)
    new["status"] = new["status"].replace({"converted": "qualified"})
    frame = pd.concat([ld.drop(columns="lead_id"), new.drop(columns="lead_id")], ignore_index=True)
    frame = frame.sort_values("created_at", kind="stable").reset_index(drop=True)
    frame.insert(0, "lead_id", [f"XS{k + 1:06d}" for k in range(len(frame))])
    t["leads"] = frame
    return {"source": source}
