"""Planted problems of the market, product and team angles: the business reality, not a rule's statistic.

Each plant changes a clean history's tables for one region and month and returns the segment it hit. ``size``
(0.1 barely visible … 0.7 large) means: for a loss, the share of the segment's business that disappears (a rep's
orders, a region's new customers, a product line's revenue: ``size`` below both its usual month, see
:func:`_usual_month`, and the month's own level); for a rise of a count or amount, a factor :func:`rise`
(1 + 4·size); for a rate, the share of the segment's items that turn bad; for a level (discount, cost, target), a
shift proportional to ``size`` (see each plant).
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
    drop_empty_orders,
    drop_orders,
    in_month,
    line_orders,
    month_back,
    new_ids,
    order_month_rows,
    pick,
    random_times,
    rise,
)

CHANNELS = ("直营", "分销", "电商")
LINES = ("工业软件", "智能硬件", "云服务", "运维服务")
SOURCES = ("展会", "线上广告", "自然流量", "转介绍", "电话营销")
COMPETITORS = ("鼎新科技", "启明智能", "海纳数据", "星河云", "云帆软件")


def region_drop(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """The region loses ``size`` of its orders of the month (a key account freeze, a lost distributor …)."""
    hit = pick(rng, order_month_rows(t, region, period), size)
    drop_orders(t, t["orders"].loc[hit, "order_id"])
    return {}


def channel_drop(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """One channel of the region loses ``size`` of its orders of the month."""
    channel = str(rng.choice(CHANNELS))
    rows = order_month_rows(t, region, period) & (t["orders"]["channel"] == channel)
    if rows.sum() < 3:
        raise Unplantable(f"{channel} has under 3 orders")
    drop_orders(t, t["orders"].loc[pick(rng, rows, size), "order_id"])
    return {"channel": channel}


def _acquisitions(t: Tables) -> pd.DataFrame:
    """Each customer's acquisition time and region, as the report counts a new customer.

    Acquired: the earlier of ``customers.acquired_at`` and the first order; region: the first order's (the home
    region without one). Columns: when, region; customers never acquired nor ordering are left out.
    """
    orders = t["orders"].sort_values(["order_date", "order_id"], kind="stable").drop_duplicates("customer_id")
    first = orders.set_index("customer_id")[["order_date", "region"]]
    customers = t["customers"].drop_duplicates("customer_id").set_index("customer_id")
    ids = first.index.union(customers.index)
    when = pd.concat([first["order_date"].reindex(ids), customers["acquired_at"].reindex(ids)], axis=1).min(axis=1)
    region = first["region"].reindex(ids).fillna(customers["region"].reindex(ids))
    return pd.DataFrame({"when": when, "region": region})[when.notna()]


def new_customer_drop(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """The region acquires ``size`` fewer new customers than in its usual month (and than the month had).

    A new customer of the month is acquired in it (:func:`_acquisitions`, as the report counts one). The usual
    month: the region's mean of new customers per month over the 12 months before, times what the month is for
    the other regions (:func:`_usual_month`); new customers of the month are removed until it holds at most
    ``1 − size`` of both — taking ``size`` of a month that happened to be busy left it near its usual level,
    nothing a manager would call a drop. One that never buys was never acquired: its orders vanish and its
    ``acquired_at`` is cleared too (a customer record still dated this month would count it as acquired).
    """
    orders, customers = t["orders"], t["customers"]
    start, _ = bounds(period)
    acquired = _acquisitions(t)
    new = in_month(acquired["when"], period) & (acquired["region"] == region)
    if new.sum() < 3:
        raise Unplantable("under 3 new customers")
    usual = _usual_month(acquired["when"], acquired["region"], region, period)
    lost = acquired.index[_losing(rng, new, usual, size).to_numpy()]
    drop_orders(t, orders.loc[orders["customer_id"].isin(lost) & (orders["order_date"] >= start), "order_id"])
    customers.loc[customers["customer_id"].isin(lost), "acquired_at"] = pd.NaT
    return {}


def churn_rise(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """``size`` of the customers who bought in the three months before and again this month stop buying."""
    orders = t["orders"]
    start, _ = bounds(period)
    before = (orders["region"] == region) & (orders["order_date"] >= bounds(month_back(period, 3))[0])
    before &= orders["order_date"] < start
    again = order_month_rows(t, region, period) & orders["customer_id"].isin(orders.loc[before, "customer_id"])
    buyers = pd.Series(orders.loc[again, "customer_id"].unique())
    if len(buyers) < 3:
        raise Unplantable("under 3 returning customers")
    lost = buyers[pick(rng, pd.Series(True, index=buyers.index), size).to_numpy()]
    drop_orders(t, orders.loc[orders["customer_id"].isin(lost) & (orders["order_date"] >= start), "order_id"])
    return {}


def concentration(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """One customer of the region places a big order: ``size`` of the region's month revenue is theirs."""
    lines = line_orders(t)
    now = lines[(lines["region"] == region) & in_month(lines["order_date"], period)]
    revenue = now["quantity"] * now["unit_price"]
    orders = t["orders"]
    recent = orders[(orders["region"] == region) & (orders["order_date"] >= bounds(month_back(period, 12))[0])]
    customer = str(rng.choice(sorted(recent["customer_id"].unique())))
    own = revenue[now["order_id"].isin(orders.loc[orders["customer_id"] == customer, "order_id"])].sum()
    amount = (size * revenue.sum() - own) / (1 - size)
    if amount <= 0:
        raise Unplantable("customer already that large")
    product = t["products"][t["products"]["product_line"] == "工业软件"].iloc[0]
    qty = max(1, int(amount // float(product["list_price"])))
    order_id = new_ids(orders, "order_id", "O", 1)[0]
    start, end = bounds(period)
    when = random_times(rng, start, end, 1).dt.normalize()
    usual = recent.loc[recent["customer_id"] == customer, "rep_id"].dropna()
    rep = usual.iloc[-1] if len(usual) else recent["rep_id"].dropna().iloc[0]
    row = {"order_id": order_id, "customer_id": customer, "order_date": when.iloc[0], "region": region,
           "rep_id": rep, "channel": "直营", "promised_at": when.iloc[0] + pd.Timedelta(days=20)}  # fmt: skip
    append(t, "orders", pd.DataFrame([row]))
    price = round(amount / qty, 2)
    line = {"order_id": order_id, "product_id": product["product_id"], "quantity": qty, "unit_price": price,
            "list_price": product["list_price"], "unit_cost": product["unit_cost"]}  # fmt: skip
    append(t, "order_lines", pd.DataFrame([line]))
    return {"customer_id": customer}


def acquisition_cost(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """A lead source's spend in the region rises by :func:`rise` while it brings no more customers."""
    source = str(rng.choice(SOURCES))
    spend = t["marketing_spend"]
    rows = (spend["period"] == period) & (spend["region"] == region) & (spend["channel"] == source)
    if not rows.any():
        raise Unplantable("no spend row")
    spend.loc[rows, "amount"] = spend.loc[rows, "amount"] * rise(size)
    return {"source": source}


def _line_rows(t: Tables, region: str, period: str, rng: np.random.Generator) -> tuple[str, pd.Series]:
    """A random product line and the mask of its order lines in the region and month (at least 5)."""
    line = str(rng.choice(LINES))
    lines = line_orders(t)
    rows = (lines["region"] == region) & in_month(lines["order_date"], period) & (lines["product_line"] == line)
    if rows.sum() < 5:
        raise Unplantable(f"{line} has under 5 order lines")
    return line, pd.Series(rows.to_numpy(), index=t["order_lines"].index)


def line_decline(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """A product line's revenue in the region ends the month ``size`` below its usual month (and below the month's).

    The line's usual month: its mean monthly revenue in the region over the 12 months before, times what the month
    is for the region's other lines (:func:`_usual_month`). Its order lines of the month, in random order, are
    removed until the revenue left is at most ``1 − size`` of both: taking ``size`` of a month that happened to be
    strong left the line near its usual level (seed 1 #045: 36% of a +12% month read −30%; on 40 clean demo
    histories one in six plants of 30-70% left the line less than 30% below what its history expected).
    """
    line, rows = _line_rows(t, region, period, rng)
    lines = line_orders(t)
    value = lines["quantity"] * lines["unit_price"]
    mine = (lines["region"] == region).to_numpy()
    usual = _usual_month(lines.loc[mine, "order_date"], lines.loc[mine, "product_line"], line, period,
                         values=value[mine])  # fmt: skip
    at = np.flatnonzero(rows.to_numpy())[rng.permutation(int(rows.sum()))]
    now = float(value.iloc[at].sum())
    target = (1 - size) * min(now, usual)
    gone = at[: int(np.searchsorted(value.iloc[at].cumsum().to_numpy(), now - target - 1e-6)) + 1]
    t["order_lines"] = t["order_lines"].drop(t["order_lines"].index[gone]).reset_index(drop=True)
    drop_empty_orders(t)
    return {"product_line": line}


def discount_deepening(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """A product line is sold ``25·size`` points of list price cheaper (size 0.3: +7.5 points), same units."""
    line, rows = _line_rows(t, region, period, rng)
    lines = t["order_lines"]
    cut = 0.25 * size * lines.loc[rows, "list_price"]
    lines.loc[rows, "unit_price"] = (lines.loc[rows, "unit_price"] - cut).clip(
        lower=0.05 * lines.loc[rows, "list_price"]
    )
    return {"product_line": line}


def margin_erosion(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """A product line's unit cost rises by ``25·size`` points of its price (size 0.3: margin −7.5 points)."""
    line, rows = _line_rows(t, region, period, rng)
    lines = t["order_lines"]
    lines.loc[rows, "unit_cost"] = lines.loc[rows, "unit_cost"] + 0.25 * size * lines.loc[rows, "unit_price"]
    return {"product_line": line}


def returns_rise(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """``size`` of a product line's order lines of the month come back within days (quality), over all its products.

    The lines returned are spread over the line's products (each product's first pick before any second), so a
    small line's two or three returns are a line's problem as claimed, not one product's by the luck of the draw.
    """
    line, rows = _line_rows(t, region, period, rng)
    hit = t["order_lines"][_spread_over_products(t["order_lines"], pick(rng, rows, 1.0), size, rng)]
    dates = t["orders"].set_index("order_id")["order_date"]
    _, end = bounds(period)
    returned = hit["order_id"].map(dates).dt.normalize() + pd.to_timedelta(rng.integers(1, 10, len(hit)), unit="D")
    returned = returned.clip(upper=end - pd.Timedelta(days=1)) + pd.Timedelta(hours=10)  # within the month
    rows_out = pd.DataFrame({"order_id": hit["order_id"].to_numpy(), "product_id": hit["product_id"].to_numpy(),
                             "quantity": hit["quantity"].to_numpy(), "returned_at": returned.to_numpy(),
                             "reason": "质量问题"})  # fmt: skip
    append(t, "returns", rows_out)
    return {"product_line": line}


def _spread_over_products(lines: pd.DataFrame, rows: pd.Series, size: float, rng: np.random.Generator) -> pd.Series:
    """``size`` (at least one) of the ``rows`` of ``lines``, drawn in random order one product at a time, as a mask."""
    candidates = lines.loc[rows.to_numpy(), ["product_id"]].sample(frac=1.0, random_state=rng)
    turn = candidates.groupby("product_id", sort=False).cumcount()
    count = max(1, int(round(size * len(candidates))))
    chosen = turn.sort_values(kind="stable").index[:count]
    return pd.Series(lines.index.isin(chosen), index=lines.index)


def lost_to_competitor(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """A competitor takes ``size`` of the deals that close in the region this month (won ones lose their order)."""
    competitor = str(rng.choice(COMPETITORS))
    opps = t["opportunities"]
    closing = (opps["region"] == region) & in_month(opps["closed_at"], period) & (opps["competitor"] != competitor)
    if closing.sum() < 4:
        raise Unplantable("under 4 deals closing")
    hit = pick(rng, closing.fillna(False), size, at_least=1)
    won = opps.loc[hit & (opps["status"] == "won"), "opportunity_id"]
    drop_orders(t, t["orders"].loc[t["orders"]["opportunity_id"].isin(won), "order_id"])
    events = t["stage_events"]
    t["stage_events"] = events[~(events["opportunity_id"].isin(won) & (events["stage"] == STAGES[-1]))]
    opps.loc[hit, ["status", "lost_reason", "competitor"]] = ["lost", "竞品替代", competitor]
    return {"competitor": competitor}


def _tenured_reps(t: Tables, region: str, period: str, months: int) -> pd.DataFrame:
    reps = t["reps"]
    start, end = bounds(period)
    hired_by = bounds(month_back(period, months))[0]
    staying = reps["leave_date"].isna() | (reps["leave_date"] >= end)
    return reps[(reps["region"] == region) & (reps["hire_date"] < hired_by) & staying]


def _usual_month(
    times: pd.Series, reps: pd.Series, rep: str, period: str, months: int = 12, values: pd.Series | None = None
) -> float:
    """What ``rep``'s count of events (``times``, one per event, by ``reps``) usually is in a month like ``period``.

    The rep's mean per month over the ``months`` before ``period`` (from the rep's first event on), times what
    ``period`` is for the other reps (the median of their count this month ÷ their own mean; 1 with under three of
    them): a quiet month for everyone (a holiday, a month still running) is not the rep's loss. With ``values``
    (one per event) their sum per month is read instead of the count (a product line's revenue among the lines).
    """
    start, _ = bounds(month_back(period, months))
    span = [month_back(period, k) for k in range(months, -1, -1)]
    inside = (times >= start) & (times < bounds(month_back(period, -1))[0])
    labels = times[inside].dt.to_period("M").astype(str)
    summed = {} if values is None else {"values": values[inside], "aggfunc": "sum"}
    table = pd.crosstab(reps[inside], labels, **summed).fillna(0).reindex(columns=span, fill_value=0)
    past = table[span[:-1]]
    usual = past.where(past.gt(0).cummax(axis=1)).mean(axis=1)
    if rep not in usual.index or not usual[rep] > 0:
        return 0.0
    others = usual.drop(rep)
    others = others[others >= 1]
    factor = float((table.loc[others.index, period] / others).median()) if len(others) >= 3 else 1.0
    return float(usual[rep]) * factor


def _losing(rng: np.random.Generator, mask: pd.Series, usual: float, size: float) -> pd.Series:
    """A random set of the rows where ``mask`` holds whose removal leaves at most ``1 − size`` of the month AND of
    the usual month (``usual``): a plant of 40% on a month that happened to be busy still ends 40% below usual."""
    now = int(mask.sum())
    keep = min(int(round((1 - size) * now)), int(round((1 - size) * usual)))
    return pick(rng, mask, (now - max(keep, 0)) / now if now else 0.0)


def rep_underperform(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """One tenured rep with a target ends the month with ``size`` fewer orders than usual (and than the month had).

    The rep's usual month: the mean of the rep's monthly orders in the region over the 12 months before, times
    what the month is for the region's other reps (:func:`_usual_month`); orders are removed until the month holds
    at most ``1 − size`` of both.
    """
    targets = t["targets"]
    with_target = targets.loc[(targets["period"] == period) & targets["rep_id"].notna(), "rep_id"]
    reps = _tenured_reps(t, region, period, 3)
    candidates = sorted(set(reps["rep_id"]) & set(with_target))
    orders = t["orders"]
    rows = order_month_rows(t, region, period)
    candidates = [r for r in candidates if (rows & (orders["rep_id"] == r)).sum() >= 3]
    if not candidates:
        raise Unplantable("no tenured rep with a target and 3 orders")
    rep = str(rng.choice(candidates))
    mine = (orders["region"] == region) & orders["rep_id"].notna()
    usual = _usual_month(orders.loc[mine, "order_date"], orders.loc[mine, "rep_id"], rep, period)
    drop_orders(t, orders.loc[_losing(rng, rows & (orders["rep_id"] == rep), usual, size), "order_id"])
    return {"rep_id": rep}


def polarization(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """The region's top rep of the month takes over ``size`` of the other reps' orders (accounts moved to a star)."""
    orders = t["orders"]
    rows = order_month_rows(t, region, period) & orders["rep_id"].notna()
    lines = line_orders(t)
    value = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum()
    by_rep = orders[rows].assign(v=orders.loc[rows, "order_id"].map(value)).groupby("rep_id")["v"].sum()
    if len(by_rep) < 4:
        raise Unplantable("under 4 reps selling")
    top = str(by_rep.sort_values(kind="stable").index[-1])
    orders.loc[pick(rng, rows & (orders["rep_id"] != top), size), "rep_id"] = top
    return {}


def ramp_slow(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """The region's reps hired within six months lose ``size`` of their orders of the month."""
    reps = t["reps"]
    start, end = bounds(period)
    new = reps[(reps["region"] == region) & (reps["hire_date"] >= bounds(month_back(period, 6))[0])]
    new = new[(new["hire_date"] < start) & (new["leave_date"].isna() | (new["leave_date"] >= end))]
    orders = t["orders"]
    rows = order_month_rows(t, region, period) & orders["rep_id"].isin(new["rep_id"])
    if rows.sum() < 2:
        raise Unplantable("new hires have under 2 orders")
    drop_orders(t, orders.loc[pick(rng, rows, size), "order_id"])
    return {}


def activity_low(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """One tenured rep logs ``size`` fewer activities this month than usual (and than the month had).

    The rep's usual month: the mean of the rep's monthly activities over the 12 months before, times what the month
    is for the region's other reps (:func:`_usual_month`); activities are removed until the month holds at most
    ``1 − size`` of both.
    """
    acts = t["activities"]
    now = in_month(acts["occurred_at"], period)
    reps = _tenured_reps(t, region, period, 6)
    counts = acts[now & acts["rep_id"].isin(reps["rep_id"])].groupby("rep_id").size()
    counts = counts[counts >= 5]
    if counts.empty:
        raise Unplantable("no rep with 5 activities")
    rep = str(rng.choice(sorted(counts.index)))
    peers = acts["rep_id"].isin(t["reps"].loc[t["reps"]["region"] == region, "rep_id"])
    usual = _usual_month(acts.loc[peers, "occurred_at"], acts.loc[peers, "rep_id"], rep, period)
    t["activities"] = acts[~_losing(rng, now & (acts["rep_id"] == rep), usual, size)].reset_index(drop=True)
    return {"rep_id": rep}


def target_misaligned(t: Tables, region: str, period: str, size: float, rng: np.random.Generator) -> dict[str, str]:
    """The region's targets for the month (region, line and rep rows) are set ``size`` too high (×(1+size))."""
    targets = t["targets"]
    rows = (targets["period"] == period) & (targets["region"] == region)
    if not rows.any():
        raise Unplantable("no target rows")
    targets.loc[rows, "target_amount"] = (targets.loc[rows, "target_amount"] * (1 + size)).round(-3)
    return {}


PLANTS: dict[str, Plant] = {
    "region_underperform": region_drop,
    "channel_underperform": channel_drop,
    "new_customer_drop": new_customer_drop,
    "acquisition_cost_high": acquisition_cost,
    "customer_churn_rise": churn_rise,
    "customer_concentration": concentration,
    "product_line_decline": line_decline,
    "discount_deepening": discount_deepening,
    "margin_erosion": margin_erosion,
    "return_rate_high": returns_rise,
    "lost_to_competitor": lost_to_competitor,
    "rep_underperform": rep_underperform,
    "rep_polarization": polarization,
    "new_hire_ramp_slow": ramp_slow,
    "activity_low": activity_low,
    "target_misaligned": target_misaligned,
}
