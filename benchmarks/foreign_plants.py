"""Problems planted into a foreign world's full tables (before export), each changing only what it would change.

A plant takes the tables, the world, a region, a month ``YYYY-MM`` and a size (0.1 barely visible … 0.7 large)
and returns the segment it hit (without the region), or raises :class:`Unplantable`. For a loss, ``size`` is the
share that disappears from the smaller of the month and the segment's usual month (its mean over the 12 months
before, scaled by what the month is for the rest of the region: :func:`usual`), so a plant on a busy month still
ends ``size`` below normal; for a rise, the count becomes ``1 + 4·size`` times its usual level; for a rate, the
share of the items that turn bad; for a level (discount), a shift of ``25·size`` points of list price. Removing
orders removes their lines, invoices, tickets and returns; changing lines re-issues the orders' invoices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from foreign_tables import STAGES, revenue

Tables = dict[str, pd.DataFrame]
COMPLAINTS = ("交付延误", "质量问题", "售后响应", "合同争议")  # ticket categories that are complaints (安装调试 is not)


class Unplantable(Exception):
    """The drawn place cannot hold the problem (too few items, or the table or column is not exported)."""


def in_month(values: pd.Series, period: str) -> pd.Series:
    """Whether each timestamp falls in ``period``."""
    p = pd.Period(period, "M")
    return (values >= p.start_time) & (values < (p + 1).start_time)


def usual(when: pd.Series, mine: pd.Series, value: pd.Series, period: str) -> float:
    """The segment's (``mine``) usual value in ``period``: its 12-month mean × the month's level for the others."""
    month = when.dt.to_period("M")
    p = pd.Period(period, "M")
    past = (month >= p - 12) & (month < p)
    others_now, others_past = value[~mine & (month == p)].sum(), value[~mine & past].sum() / 12
    level = others_now / others_past if others_past > 0 else 1.0
    return float(value[mine & past].sum() / 12 * level)


def losing(rng: np.random.Generator, rows: pd.Series, value: pd.Series, normal: float, size: float) -> pd.Index:
    """A random set of the ``rows`` whose removal leaves at most ``1 − size`` of the month and of ``normal``."""
    at = rows[rows].index.to_numpy()[rng.permutation(int(rows.sum()))]
    now = float(value[at].sum())
    keep = (1 - size) * min(now, normal)
    gone = int(np.searchsorted(value[at].cumsum().to_numpy(), now - keep - 1e-9)) + 1
    return pd.Index(at[:gone])


def drop_orders(t: Tables, ids: Any) -> None:
    """Remove orders and everything that hangs on them (lines, invoices, tickets, returns)."""
    ids = set(ids)
    for name in ("orders", "order_lines", "invoices", "tickets", "returns"):
        t[name] = t[name][~t[name]["order_id"].isin(ids)].reset_index(drop=True)


def reissue(t: Tables, ids: Any) -> None:
    """Invoices of orders whose lines changed: new amount (none left: the order and its records go)."""
    orders = t["orders"][t["orders"]["order_id"].isin(set(ids))]
    amount = revenue(orders, t["order_lines"]).round(2)
    drop_orders(t, orders.loc[amount <= 0, "order_id"])
    inv = t["invoices"]
    new = inv["order_id"].map(dict(zip(orders["order_id"], amount, strict=True)))
    hit = new.notna()
    inv.loc[hit, "amount"] = new[hit]
    inv.loc[hit & inv["paid_at"].notna(), "paid_amount"] = new[hit & inv["paid_at"].notna()]


def order_value(t: Tables) -> pd.Series:
    """Each order's revenue, on the orders' index."""
    return revenue(t["orders"], t["order_lines"])


NEEDS: dict[str, tuple[str, ...]] = {  # what a plant needs exported: a table, or "table.column" not dropped
    "channel_underperform": ("orders.channel",),
    "product_line_decline": ("products",),
    "discount_deepening": ("products",),
    "rep_underperform": ("targets", "orders.rep_id"),
    "receivables_overdue": ("invoices",),
    "complaint_spike": ("tickets",),
    "slow_first_response": ("leads",),
    "delivery_delay": ("orders.promised_at",),
    "stalled_deals": ("opportunities",),
    "stage_conversion_low": ("opportunities",),
    "margin_erosion": ("products", "order_lines.unit_cost"),
    "return_rate_high": ("products", "returns"),
    "lost_to_competitor": ("opportunities",),
}


def supports(world: Any, code: str) -> bool:
    """Whether the world's export has what the plant of ``code`` needs."""
    return all(i not in world.dropped if "." in i else i in world.present for i in NEEDS.get(code, ()))


def _needs(world: Any, *what: str) -> None:
    """Raise :class:`Unplantable` unless every table / column of ``what`` is exported."""
    for item in what:
        if "." in item and item in world.dropped or "." not in item and item not in world.present:
            raise Unplantable(f"{item} not exported")


def region_drop(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """The region loses ``size`` of its month's revenue (whole orders: a distributor lost, a key account frozen)."""
    o = t["orders"]
    mine, value = o["region"] == region, order_value(t)
    rows = mine & in_month(o["order_date"], period)
    drop_orders(t, o.loc[losing(rng, rows, value, usual(o["order_date"], mine, value, period), size), "order_id"])
    return {}


def channel_drop(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """One channel of the region loses ``size`` of its month's revenue."""
    _needs(world, "orders.channel")
    o = t["orders"]
    now = o[(o["region"] == region) & in_month(o["order_date"], period)]["channel"].value_counts()
    if not (now >= 5).any():
        raise Unplantable("no channel with 5 orders")
    channel = str(rng.choice(sorted(now[now >= 5].index)))
    o, value = o[o["region"] == region], order_value(t)[o["region"] == region]
    mine = o["channel"] == channel
    rows = mine & in_month(o["order_date"], period)
    drop_orders(t, o.loc[losing(rng, rows, value, usual(o["order_date"], mine, value, period), size), "order_id"])
    return {"channel": channel}


def _region_lines(t: Tables, region: str) -> pd.DataFrame:
    """The region's order lines with their order date and product line, on the lines' index."""
    o = t["orders"].set_index("order_id")
    lines = t["order_lines"]
    mine = lines["order_id"].map(o["region"]) == region
    out = lines[mine].copy()
    out["order_date"] = out["order_id"].map(o["order_date"])
    out["product_line"] = out["product_id"].map(t["products"].set_index("product_id")["product_line"])
    return out


def _pick_line(world: Any, lines: pd.DataFrame, period: str, rng: np.random.Generator, least: int = 5) -> str:
    """A product line with at least ``least`` order lines in the month (products must be exported to name it)."""
    _needs(world, "products")
    now = lines.loc[in_month(lines["order_date"], period), "product_line"].value_counts()
    if not (now >= least).any():
        raise Unplantable(f"no product line with {least} order lines")
    return str(rng.choice(sorted(now[now >= least].index)))


def line_decline(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """A product line's revenue in the region falls ``size`` below its usual month (its order lines removed)."""
    lines = _region_lines(t, region)
    line = _pick_line(world, lines, period, rng)
    value = lines["quantity"] * lines["unit_price"]
    mine = lines["product_line"] == line
    rows = mine & in_month(lines["order_date"], period)
    gone = losing(rng, rows, value, usual(lines["order_date"], mine, value, period), size)
    orders = t["order_lines"].loc[gone, "order_id"]
    returned = t["returns"].set_index(["order_id", "product_id"]).index
    keys = pd.MultiIndex.from_frame(t["order_lines"].loc[gone, ["order_id", "product_id"]])
    t["returns"] = t["returns"][~returned.isin(keys)].reset_index(drop=True)
    t["order_lines"] = t["order_lines"].drop(gone).reset_index(drop=True)
    reissue(t, orders)
    return {"product_line": line}


def discount_deepening(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """A product line is sold ``25·size`` points of list price cheaper in the region this month, same units."""
    if "order_lines.list_price" in world.dropped and "products" not in world.present:
        raise Unplantable("no list price exported")
    lines = _region_lines(t, region)
    line = _pick_line(world, lines, period, rng)
    rows = lines.index[(lines["product_line"] == line) & in_month(lines["order_date"], period)]
    ol = t["order_lines"]
    ol.loc[rows, "unit_price"] = (
        (ol.loc[rows, "unit_price"] - 0.25 * size * ol.loc[rows, "list_price"])
        .clip(lower=0.05 * ol.loc[rows, "list_price"])
        .round(2)
    )
    reissue(t, ol.loc[rows, "order_id"])
    return {"product_line": line}


def rep_underperform(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """A rep with a target and a tenure over 6 months loses ``size`` of the month's revenue against usual."""
    _needs(world, "targets", "orders.rep_id")
    tg, reps, o = t["targets"], t["reps"], t["orders"]
    with_target = set(tg.loc[(tg["period"] == period) & tg["rep_id"].notna(), "rep_id"])
    start = pd.Period(period, "M").start_time
    tenured = set(reps.loc[(reps["region"] == region) & (reps["hire_date"] < start - pd.Timedelta(days=180)), "rep_id"])
    now = o[(o["region"] == region) & in_month(o["order_date"], period)]["rep_id"].value_counts()
    candidates = sorted(r for r in with_target & tenured if now.get(r, 0) >= 4)
    if not candidates:
        raise Unplantable("no tenured rep with a target and 4 orders")
    rep = str(rng.choice(candidates))
    o, value = o[o["region"] == region], order_value(t)[o["region"] == region]
    mine = o["rep_id"] == rep
    rows = mine & in_month(o["order_date"], period)
    drop_orders(t, o.loc[losing(rng, rows, value, usual(o["order_date"], mine, value, period), size), "order_id"])
    return {"rep_id": rep}


def churn_rise(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """``size`` of the region's customers who bought in the 3 months before and again this month stop buying."""
    o = t["orders"]
    p = pd.Period(period, "M")
    mine = o["region"] == region
    before = mine & (o["order_date"] >= (p - 3).start_time) & (o["order_date"] < p.start_time)
    again = mine & in_month(o["order_date"], period) & o["customer_id"].isin(o.loc[before, "customer_id"])
    buyers = np.array(sorted(o.loc[again, "customer_id"].unique()))
    if len(buyers) < 5:
        raise Unplantable("under 5 returning customers")
    lost = rng.choice(buyers, max(1, int(round(size * len(buyers)))), replace=False)
    drop_orders(t, o.loc[o["customer_id"].isin(lost) & (o["order_date"] >= p.start_time), "order_id"])
    return {}


def new_customer_drop(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """The region wins ``size`` fewer new customers than usual: those never won leave no trace at all."""
    o, c = t["orders"], t["customers"].set_index("customer_id")
    first = o.groupby("customer_id")["order_date"].min()
    known = c["acquired_at"] if "customers" in world.present else pd.Series(pd.NaT, index=c.index)
    when = pd.concat([first.reindex(c.index), known], axis=1).min(axis=1)
    home = o.drop_duplicates("customer_id").set_index("customer_id")["region"].reindex(c.index).fillna(c["region"])
    frame = pd.DataFrame({"when": when, "mine": home == region}).dropna()
    rows = frame["mine"] & in_month(frame["when"], period)
    if rows.sum() < 4:
        raise Unplantable("under 4 new customers")
    ones = pd.Series(1.0, index=frame.index)
    gone = losing(rng, rows, ones, usual(frame["when"], frame["mine"], ones, period), size)
    drop_orders(t, o.loc[o["customer_id"].isin(gone), "order_id"])
    t["customers"] = t["customers"][~t["customers"]["customer_id"].isin(gone)].reset_index(drop=True)
    opp = t["opportunities"]
    opp.loc[opp["customer_id"].isin(gone), "customer_id"] = None
    return {}


def receivables(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """``size`` of the region's invoices falling due this month are paid only 2–5 months late (or not yet)."""
    _needs(world, "invoices")
    inv = t["invoices"]
    mine = inv["order_id"].map(t["orders"].set_index("order_id")["region"]) == region
    rows = mine & in_month(inv["due_at"], period)
    if rows.sum() < 5:
        raise Unplantable("under 5 invoices due")
    hit = rows[rows].index.to_numpy()[rng.permutation(int(rows.sum()))][: max(1, int(round(size * rows.sum())))]
    paid = inv.loc[hit, "due_at"] + pd.to_timedelta(rng.integers(60, 150, len(hit)), unit="D")
    inv.loc[hit, "paid_at"] = paid.where(paid <= world.end)
    inv.loc[hit, "paid_amount"] = inv.loc[hit, "amount"].where(paid <= world.end)
    return {}


def complaint_spike(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """Tickets of one category in the region rise to ``1 + 4·size`` times their usual month (new tickets)."""
    _needs(world, "tickets")
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
    _needs(world, "leads")
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
    _needs(world, "orders.promised_at")
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
    _needs(world, "opportunities")
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
    _needs(world, "opportunities")
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


def margin_erosion(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """A product line's unit cost rises by ``25·size`` points of its price in the region this month, same prices."""
    _needs(world, "order_lines.unit_cost")
    lines = _region_lines(t, region)
    line = _pick_line(world, lines, period, rng)
    rows = lines.index[(lines["product_line"] == line) & in_month(lines["order_date"], period)]
    ol = t["order_lines"]
    ol.loc[rows, "unit_cost"] = (ol.loc[rows, "unit_cost"] + 0.25 * size * ol.loc[rows, "unit_price"]).round(2)
    return {"product_line": line}


def returns_rise(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """``size`` of a product line's order lines of the month in the region come back within days (quality)."""
    _needs(world, "returns")
    from scenarios_sales import _spread_over_products

    lines = _region_lines(t, region)
    line = _pick_line(world, lines, period, rng)
    rows = (lines["product_line"] == line) & in_month(lines["order_date"], period)
    rows = rows.reindex(t["order_lines"].index, fill_value=False)
    hit = t["order_lines"][_spread_over_products(t["order_lines"], rows, size, rng)]
    dates = t["orders"].set_index("order_id")["order_date"].reindex(hit["order_id"])
    last = min((pd.Period(period, "M") + 1).start_time - pd.Timedelta(days=1), world.end)
    returned = dates.dt.normalize() + pd.to_timedelta(rng.integers(1, 10, len(hit)), unit="D")
    returned = returned.clip(upper=last.normalize()) + pd.Timedelta(hours=10)
    new = pd.DataFrame(
        {
            "order_id": hit["order_id"].to_numpy(),
            "product_id": hit["product_id"].to_numpy(),
            "quantity": hit["quantity"].to_numpy(),
            "returned_at": returned.clip(upper=world.end).to_numpy(),
            "reason": "质量问题",
        }
    )
    t["returns"] = pd.concat([t["returns"], new[t["returns"].columns]], ignore_index=True)
    return {"product_line": line}


def lost_to_competitor(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """A competitor takes ``size`` of the deals that close in the region this month (won ones are lost instead)."""
    _needs(world, "opportunities")
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


Plant = Callable[[Tables, Any, str, str, float, np.random.Generator], dict]
PLANTS: dict[str, Plant] = {
    "region_underperform": region_drop,
    "channel_underperform": channel_drop,
    "product_line_decline": line_decline,
    "discount_deepening": discount_deepening,
    "rep_underperform": rep_underperform,
    "customer_churn_rise": churn_rise,
    "new_customer_drop": new_customer_drop,
    "receivables_overdue": receivables,
    "complaint_spike": complaint_spike,
    "slow_first_response": slow_response,
    "delivery_delay": delivery_delay,
    "stalled_deals": stalled,
    "stage_conversion_low": conversion_low,
    "margin_erosion": margin_erosion,
    "return_rate_high": returns_rise,
    "lost_to_competitor": lost_to_competitor,
}
