"""Products, orders, order lines, deliveries and returns.

Sets ``sim.p_*`` and ``sim.flagship`` (:func:`make_products`), ``sim.order`` and ``sim.o_ids``
(:func:`make_orders`, completed by :func:`make_order_lines` and :func:`make_deliveries`), ``sim.line`` and
``sim.ret``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogue import choose_products, extend_catalogue
from .draws import _choice, _codes, _counts, _grouped_choice, _office_seconds, _take, _thin
from .people import pick_seats, rep_on
from .simulation import Simulation
from .world import (
    _EXTRA_LINE_P,
    _LINES_PER_ORDER_P,
    _LIST_DISCOUNT,
    _ORDER_BUDGET,
    _ORDER_LINE_P,
    _PRODUCTS,
    _REPEAT_ORDERS_PER_MONTH,
    _RETURN_P,
    _RETURN_REASON_P,
    CLOUD,
    DAY,
    DIRECT,
    DISTRIBUTION,
    HARDWARE,
    MISSING,
    ONLINE,
    PRODUCT_LINES,
    REGIONS,
    RETURN_REASONS,
)


def make_products(sim: Simulation, products: int | None = None) -> None:
    """The named products of :data:`world._PRODUCTS`, plus long-tail variants up to ``products`` when given."""
    rng = sim.rng("products")
    spec = list(zip(*_PRODUCTS, strict=True))
    sim.p_name = np.array(spec[0], dtype=object)
    sim.p_line = np.array(spec[1])
    sim.p_price = np.array(spec[2], dtype=float)
    sim.p_cost = np.round(sim.p_price * np.array(spec[3]), 2)
    sim.p_popularity = np.array(spec[4], dtype=float)
    launch_month = sim.cal.months - 1 - np.array(spec[5])
    first = pd.Period(sim.cal.labels[0], freq="M")
    starts = [first + int(m) for m in launch_month]
    sim.p_launch = np.array([np.datetime64(f"{p.year:04d}-{p.month:02d}-01", "D") for p in starts]).astype(
        np.int64
    ) + rng.integers(0, 20, len(starts))
    sim.p_ids = _codes("P", len(sim.p_name), 3)
    # flagship of each line: its most popular product launched long ago (stands in for not-yet-launched ones)
    sim.flagship = np.array(
        [int(np.argmax(np.where(sim.p_line == line, sim.p_popularity, -1.0))) for line in range(len(PRODUCT_LINES))]
    )
    if products is not None:
        extend_catalogue(sim, products)
        sim.p_ids = _codes("P", len(sim.p_name), 3)


NAMED_PRODUCTS = len(_PRODUCTS)


def make_orders(sim: Simulation) -> None:
    """First orders of new customers and repeat orders of the customer base, with rep and channel."""
    rng = sim.rng("orders")
    cal, cust, opp = sim.cal, sim.cust, sim.opp
    # first orders of customers won through a deal: on the signing day, by the deal's seat
    won = np.flatnonzero(opp["customer"] >= 0)
    f_customer = opp["customer"][won]
    f_day = opp["close"][won] // DAY
    f_channel = np.where(rng.random(len(won)) < 0.85, DIRECT, DISTRIBUTION)
    # first orders of self-serve customers
    self_serve = np.flatnonzero((cust["kind"] == 2) & (cust["acquired"] >= cal.first_day))
    s_channel = np.where(rng.random(len(self_serve)) < 0.6, ONLINE, DISTRIBUTION)
    # repeat orders: a number per region and month, spread over the active customers by buying rate
    expected = _REPEAT_ORDERS_PER_MONTH * sim.volume * sim.season
    counts = _counts(rng, expected)
    r_customer, r_month = [], []
    starts, ends = cal.start[:-1], cal.start[1:]
    for r in range(len(REGIONS)):
        members = np.flatnonzero(cust["region"] == r)
        active = (cust["acquired"][members][None, :] < starts[:, None]) & (
            cust["churn"][members][None, :] >= ends[:, None]
        )
        weights = active * cust["rate"][members][None, :]
        month = np.repeat(np.arange(cal.months), counts[r])
        pick = _grouped_choice(rng, weights, month)
        r_customer.append(members[pick[pick >= 0]])  # no repeat orders where nobody can buy yet
        r_month.append(month[pick >= 0])
    r_customer, r_month = np.concatenate(r_customer), np.concatenate(r_month)
    r_day = cal.random_days(rng, r_month)
    size = cust["size"][r_customer]
    channel_p = np.where(
        (size >= 500)[:, None],
        [0.70, 0.25, 0.05],
        np.where((size >= 50)[:, None], [0.45, 0.38, 0.17], [0.20, 0.38, 0.42]),
    )
    r_channel = _choice(rng, channel_p)

    customer = np.concatenate([f_customer, self_serve, r_customer])
    day = np.concatenate([f_day, cust["acquired"][self_serve], r_day])
    channel = np.concatenate([f_channel, s_channel, r_channel])
    kind = np.repeat([0, 1, 2], [len(won), len(self_serve), len(r_customer)])  # deal, self-serve, repeat
    opp_of = np.concatenate([won, np.full(len(self_serve) + len(r_customer), -1)])
    region = cust["region"][customer]
    month = cal.month_of(day)
    line = _take(opp["line"], opp_of, _choice(rng, _ORDER_LINE_P[channel]))
    seat = _take(opp["seat"], opp_of, pick_seats(sim, rng, region, month, spread=True))
    rep = np.where(channel == ONLINE, -1, rep_on(sim, seat, day))
    plan = dict(
        customer=customer,
        day=day,
        channel=channel,
        kind=kind,
        opp=opp_of,
        region=region,
        month=month,
        line=line,
        seat=seat,
        rep=rep,
    )
    keep = _planted_order_losses(sim, plan)
    plan["rep"] = np.where(plan["channel"] == ONLINE, -1, plan["rep"])
    sim.order = {k: v[keep] for k, v in plan.items()}
    order = np.lexsort((sim.order["customer"], sim.order["day"]))
    sim.order = {k: v[order] for k, v in sim.order.items()}
    sim.order["time"] = sim.order["day"] * DAY + _office_seconds(rng, len(order))
    is_deal = sim.order["opp"] >= 0
    sim.order["time"][is_deal] = opp["close"][sim.order["opp"][is_deal]]
    sim.o_ids = _codes("O", len(order), 5)


def _planted_order_losses(sim: Simulation, plan: dict[str, np.ndarray]) -> np.ndarray:
    """Apply the planted losses of business to the planned orders; return the mask of orders that remain.

    Channels and product lines of the month's first orders are changed in place where a plant says so.
    """
    customer, region, month, kind = plan["customer"], plan["region"], plan["month"], plan["kind"]
    channel, line, rep = plan["channel"], plan["line"], plan["rep"]
    keep = np.ones(len(customer), dtype=bool)
    repeat = kind == 2
    hit = sim.planted("channel_underperform", region, month) & (channel == DISTRIBUTION)
    channel[hit & (kind == 0)] = DIRECT  # new customers of the month sign directly or buy online instead
    channel[hit & (kind == 1)] = ONLINE
    keep &= ~_thin(sim.rng("plant:channel_underperform"), hit & repeat, 0.1)
    hit = sim.planted("product_line_decline", region, month) & (line == HARDWARE)
    keep &= ~_thin(sim.rng("plant:product_line_decline"), hit & repeat, 0.15)
    line[hit & ~repeat] = CLOUD  # new customers of the month start with another line instead
    sim.opp["line"][plan["opp"][hit & (kind == 0)]] = CLOUD
    at = sim.plants.at("customer_churn_rise")
    if at is not None:
        m, r = at
        recent = np.unique(customer[(region == r) & (month >= m - 3) & (month < m)])
        lapsing = recent[sim.rng("plant:customer_churn_rise").random(len(recent)) < 0.8]
        keep &= ~((month == m) & repeat & np.isin(customer, lapsing))
        sim.cust["churn"][lapsing] = np.minimum(sim.cust["churn"][lapsing], sim.cal.start[m])
    at = sim.plants.at("rep_underperform")
    if at is not None:
        hit = (month == at[0]) & (rep == sim.underperformer[1])
        keep &= ~_thin(sim.rng("plant:rep_underperform"), hit & repeat, 0.1)
        rep[hit & (kind == 1)] = sim.region_head_rep[at[1]]  # the head serves the month's new self-serve buyers
    return keep


def make_order_lines(sim: Simulation) -> None:
    """1–4 lines per order: the order's main product line first, list price, discount, unit cost."""
    rng = sim.rng("order_lines")
    order = sim.order
    n_orders = len(order["day"])
    n_lines = _choice(rng, _LINES_PER_ORDER_P[order["channel"]]) + 1
    o = np.repeat(np.arange(n_orders), n_lines)
    first = np.r_[True, o[1:] != o[:-1]]
    line = np.where(first, order["line"][o], _choice(rng, np.tile(_EXTRA_LINE_P, (len(o), 1))))
    day, region, month = order["day"][o], order["region"][o], order["month"][o]
    product = np.zeros(len(o), dtype=np.int64)
    if len(sim.p_line) > NAMED_PRODUCTS:  # a large catalogue (``products=``): one grouped draw
        product = choose_products(sim, rng, line)
    else:
        for k in range(len(PRODUCT_LINES)):
            rows = np.flatnonzero(line == k)
            members = np.flatnonzero(sim.p_line == k)
            product[rows] = members[_choice(rng, np.tile(sim.p_popularity[members], (len(rows), 1)))]
    # new products: none before launch, then a four-month ramp-up
    launched = sim.p_launch[product]
    ramp = np.where(launched == MISSING, 1.0, np.clip((day - launched) / 120.0, 0.0, 1.0))
    product = np.where(rng.random(len(o)) < ramp, product, sim.flagship[line])
    # planted: hardware add-ons disappear too where the product line declines
    hit = sim.planted("product_line_decline", region, month) & (line == HARDWARE) & ~first
    keep = ~_thin(sim.rng("plant:product_line_decline_lines"), hit, 0.15)
    keep &= ~pd.DataFrame({"o": o, "p": product}).duplicated().to_numpy()
    o, line, product, day, region, month = (a[keep] for a in (o, line, product, day, region, month))
    n = len(o)

    # quantities: the customer's budget for the order, split over its lines, at the discounted price
    size = sim.cust["size"][order["customer"][o]]
    channel = order["channel"][o]
    budget = (
        _ORDER_BUDGET[order["channel"]]
        * np.clip((sim.cust["size"][order["customer"]] / 150.0) ** 0.1, 0.75, 1.4)
        * np.exp(rng.normal(0, 0.2, n_orders))
    )
    share = rng.uniform(0.6, 1.4, n)
    share = share / np.bincount(o, weights=share, minlength=n_orders)[o]
    discount = _LIST_DISCOUNT[channel] + 0.03 * np.log10(size / 150.0) + rng.normal(0, 0.03, n)
    deep = sim.planted("discount_deepening", region, month) & (line == CLOUD)
    discount = np.clip(np.where(deep, discount + 0.22, discount), 0.0, 0.5)
    unit_price = np.round(sim.p_price[product] * (1 - discount), 2)
    qty = np.maximum(1, np.round(budget[o] * share / unit_price)).astype(np.int64)
    sim.line = dict(
        order=o,
        product=product,
        qty=qty,
        list_price=sim.p_price[product],
        unit_price=unit_price,
        unit_cost=sim.p_cost[product],
    )
    revenue = np.bincount(o, weights=sim.line["qty"] * sim.line["unit_price"], minlength=n_orders)
    sim.order["revenue"] = np.round(revenue, 2)


def make_deliveries(sim: Simulation) -> None:
    rng = sim.rng("deliveries")
    order = sim.order
    n = len(order["day"])
    lead_days = np.select(
        [order["channel"] == ONLINE, order["channel"] == DISTRIBUTION],
        [rng.integers(2, 7, n), rng.integers(5, 16, n)],
        rng.integers(7, 31, n),
    )
    promised = order["day"] + lead_days
    late = rng.random(n) < 0.07
    delay = np.where(late, 1 + np.round(rng.gamma(2.0, 2.5, n)), -rng.integers(0, 4, n))
    hit = sim.planted("delivery_delay", order["region"], order["month"])
    prng = sim.rng("plant:delivery_delay")
    late_plant = hit & (prng.random(n) < 0.5)
    delay = np.where(late_plant, prng.integers(5, 21, n), delay)
    delivered = np.maximum(order["day"] + 1, promised + delay.astype(np.int64))
    order["promised"] = promised
    order["late"] = delivered > promised
    order["delivered"] = np.where(delivered < sim.cal.end_day, delivered, MISSING)
    order["late_plant"] = late_plant


def make_returns(sim: Simulation) -> None:
    """Partial returns of delivered lines, mostly hardware, a few days to weeks after delivery."""
    rng = sim.rng("returns")
    cal, line, order = sim.cal, sim.line, sim.order
    o = line["order"]
    n = len(o)
    delivered = order["delivered"][o]
    p = np.where(delivered >= 0, _RETURN_P[sim.p_line[line["product"]]], 0.0)
    reason = _choice(rng, np.tile(_RETURN_REASON_P, (n, 1)))
    returned = delivered + 1 + np.round(rng.gamma(2.0, 5.0, n)).astype(np.int64)
    share = rng.random(n) ** 2
    at = sim.plants.at("return_rate_high")
    if at is not None:
        # planted: a faulty batch of the flagship gateway, ordered and delivered that month, comes back within days
        prng = sim.rng("plant:return_rate_high")
        target = sim.flagship[HARDWARE]
        month = order["month"][o]
        month_end = cal.start[np.minimum(month + 1, cal.months)] - 1
        hit = sim.planted("return_rate_high", order["region"][o], month) & (line["product"] == target)
        hit &= (delivered >= 0) & (delivered <= month_end)
        p = np.where(hit, 0.95, p)
        reason = np.where(hit & (prng.random(n) < 0.85), RETURN_REASONS.index("质量问题"), reason)
        returned = np.where(hit, np.minimum(delivered + prng.integers(1, 8, n), month_end), returned)
        share = np.where(hit, 0.8 + 0.2 * prng.random(n), share)
        sim.plants.set_segment(
            "return_rate_high", {"product_id": str(sim.p_ids[target])}, product_name=str(sim.p_name[target])
        )
    take = (rng.random(n) < p) & (returned < cal.end_day)
    qty = np.maximum(1, np.round(line["qty"] * share)).astype(np.int64)
    sim.ret = dict(line=np.flatnonzero(take), qty=qty[take], day=returned[take], reason=reason[take])
