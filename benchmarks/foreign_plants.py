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
from foreign_flow import (
    complaint_spike,
    conversion_low,
    cycle_lengthening,
    delivery_delay,
    lost_to_competitor,
    sla_breach,
    slow_response,
    source_shift,
    stalled,
)
from foreign_plant_kit import (
    Tables,
    Unplantable,
    drop_orders,
    in_month,
    losing,
    needs,
    order_value,
    pick_line,
    region_lines,
    reissue,
    usual,
)

__all__ = ["NEEDS", "PLANTS", "Unplantable", "in_month", "supports"]


NEEDS: dict[str, tuple[str, ...]] = {  # what a plant needs exported: a table, or "table.column" not dropped
    "channel_underperform": ("orders.channel",),
    "product_line_decline": ("products",),
    "discount_deepening": ("products",),
    "rep_underperform": ("orders.rep_id",),
    "receivables_overdue": ("invoices",),
    "complaint_spike": ("tickets",),
    "slow_first_response": ("leads",),
    "delivery_delay": ("orders.promised_at",),
    "stalled_deals": ("opportunities",),
    "stage_conversion_low": ("opportunities",),
    "margin_erosion": ("products", "order_lines.unit_cost"),
    "return_rate_high": ("products", "returns"),
    "lost_to_competitor": ("opportunities",),
    "sla_breach": ("tickets",),
    "sales_cycle_lengthening": ("opportunities",),
    "lead_source_shift": ("leads",),
}


def supports(world: Any, code: str) -> bool:
    """Whether the world's export has what the plant of ``code`` needs."""
    return all(i not in world.dropped if "." in i else i in world.present for i in NEEDS.get(code, ()))


def region_drop(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """The region loses ``size`` of its month's revenue (whole orders: a distributor lost, a key account frozen)."""
    o = t["orders"]
    mine, value = o["region"] == region, order_value(t)
    rows = mine & in_month(o["order_date"], period)
    drop_orders(t, o.loc[losing(rng, rows, value, usual(o["order_date"], mine, value, period), size), "order_id"])
    return {}


def channel_drop(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """One channel of the region loses ``size`` of its month's revenue."""
    needs(world, "orders.channel")
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


def line_decline(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """A product line's revenue in the region falls ``size`` below its usual month (its order lines removed)."""
    lines = region_lines(t, region)
    line = pick_line(world, lines, period, rng)
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
    lines = region_lines(t, region)
    line = pick_line(world, lines, period, rng)
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
    """A rep with a tenure over 6 months (and a target, where targets are exported) loses ``size`` of the month's
    revenue against usual."""
    needs(world, "orders.rep_id")
    tg, reps, o = t["targets"], t["reps"], t["orders"]
    with_target = set(tg.loc[(tg["period"] == period) & tg["rep_id"].notna(), "rep_id"])
    if "targets" not in world.present:  # judged against the rep's usual level alone
        with_target = set(reps["rep_id"])
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
    needs(world, "invoices")
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


def margin_erosion(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """A product line's unit cost rises by ``25·size`` points of its price in the region this month, same prices."""
    needs(world, "order_lines.unit_cost")
    lines = region_lines(t, region)
    line = pick_line(world, lines, period, rng)
    rows = lines.index[(lines["product_line"] == line) & in_month(lines["order_date"], period)]
    ol = t["order_lines"]
    ol.loc[rows, "unit_cost"] = (ol.loc[rows, "unit_cost"] + 0.25 * size * ol.loc[rows, "unit_price"]).round(2)
    return {"product_line": line}


def returns_rise(t: Tables, world: Any, region: str, period: str, size: float, rng: np.random.Generator) -> dict:
    """``size`` of a product line's order lines of the month in the region come back within days (quality)."""
    needs(world, "returns")
    from scenarios_sales import _spread_over_products

    lines = region_lines(t, region)
    line = pick_line(world, lines, period, rng)
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
    "sla_breach": sla_breach,
    "sales_cycle_lengthening": cycle_lengthening,
    "lead_source_shift": source_shift,
}
