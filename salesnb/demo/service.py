"""After the sale: invoices and payments (receivables), service tickets and complaints, satisfaction surveys.

Sets ``sim.inv``, ``sim.tick`` and ``sim.survey``.
"""

from __future__ import annotations

import numpy as np

from .draws import _choice, _office_seconds
from .simulation import Simulation
from .world import (
    _SEVERITY_P,
    _TICKET_CATEGORY_P,
    _TICKETS_PER_ORDER,
    AFTER_SALES,
    DAY,
    LATE_DELIVERY,
    MISSING,
    NEVER,
    ONLINE,
)


def make_invoices(sim: Simulation) -> None:
    """One invoice per order, due 30–60 days after issue; most paid on time, some late, a few never."""
    rng = sim.rng("invoices")
    cal, order = sim.cal, sim.order
    n = len(order["day"])
    issued = np.where(order["delivered"] >= 0, order["delivered"], order["day"] + rng.integers(0, 6, n))
    size = sim.cust["size"][order["customer"]]
    terms = np.where(size >= 500, 60, np.where(size >= 50, 45, 30))
    terms = np.where(order["channel"] == ONLINE, 30, terms)
    due = issued + terms
    behaviour = _choice(rng, np.tile([0.785, 0.2, 0.015], (n, 1)))  # on time, late, never
    paid = np.where(
        behaviour == 0,
        issued + (rng.random(n) * (terms - 3)).astype(np.int64) + 3,
        due + 1 + np.round(rng.gamma(1.5, 14.0, n)).astype(np.int64),
    )
    paid = np.where(behaviour == 2, NEVER, paid)
    at = sim.plants.at("receivables_overdue")
    if at is not None:
        m, r = at
        hit = (order["region"] == r) & (cal.month_of(due) == m)
        paid = np.where(hit & (sim.rng("plant:receivables_overdue").random(n) < 0.85), NEVER, paid)
    partial = rng.random(n) < 0.03
    paid_amount = np.round(order["revenue"] * np.where(partial, rng.uniform(0.4, 0.9, n), 1.0), 2)
    keep = (issued < cal.end_day) & (order["revenue"] > 0)
    paid = np.where(paid < cal.end_day, paid, MISSING)
    sim.inv = dict(
        order=np.flatnonzero(keep),
        issued=issued[keep],
        due=due[keep],
        paid=paid[keep],
        paid_amount=np.where(paid[keep] >= 0, paid_amount[keep], np.nan),
    )
    order_ = np.lexsort((sim.inv["order"], sim.inv["issued"]))
    sim.inv = {k: v[order_] for k, v in sim.inv.items()}


def make_tickets(sim: Simulation) -> None:
    """Service requests and complaints after orders; late deliveries bring 交付延误 complaints."""
    rng = sim.rng("tickets")
    cal, order = sim.cal, sim.order
    n = len(order["day"])
    has = rng.random(n) < _TICKETS_PER_ORDER
    t_order = np.flatnonzero(has)
    category = _choice(rng, np.tile(_TICKET_CATEGORY_P, (len(t_order), 1)))
    after = np.maximum(1, np.round(rng.gamma(1.5, 8.0, len(t_order)))).astype(np.int64)
    created = (order["day"][t_order] + after) * DAY + _office_seconds(rng, len(t_order))
    # a late delivery brings a complaint a few days after the promised date
    late = np.flatnonzero(order["late"] & ~order["late_plant"] & (rng.random(n) < 0.3))
    late_created = (order["promised"][late] + rng.integers(1, 4, len(late))) * DAY + _office_seconds(rng, len(late))
    # planted: the late orders of the complaint month all complain, inside that month
    spike = np.flatnonzero(order["late_plant"])
    at = sim.plants.at("complaint_spike")
    if at is not None:
        prng = sim.rng("plant:complaint_spike")
        spike = spike[prng.random(len(spike)) < 0.8]
        month_end = cal.start[at[0] + 1] - 1
        day = np.minimum(np.maximum(order["day"][spike] + 2, order["promised"][spike] + 1), month_end)
        spike_created = day * DAY + _office_seconds(prng, len(spike))
    else:
        spike_created = (order["promised"][spike] + 2) * DAY + _office_seconds(rng, len(spike))
    t_order = np.concatenate([t_order, late, spike])
    category = np.concatenate([category, np.full(len(late) + len(spike), LATE_DELIVERY)])
    created = np.concatenate([created, late_created, spike_created])
    keep = created <= cal.end_second
    t_order, category, created = t_order[keep], category[keep], created[keep]
    m = len(t_order)
    severity = _choice(rng, _SEVERITY_P[category])
    hours = np.exp(rng.normal(np.log(3.0), 1.0, m))
    region, month = order["region"][t_order], cal.month_of(created // DAY)
    breach = sim.planted("sla_breach", region, month) & (category == AFTER_SALES)
    hours = np.where(breach, np.exp(sim.rng("plant:sla_breach").normal(np.log(80.0), 0.3, m)), hours)
    first_response = created + (hours * 3600).astype(np.int64)
    resolved = first_response + (np.exp(rng.normal(np.log(30.0), 0.9, m)) * 3600).astype(np.int64)
    order_ = np.lexsort((t_order, created))
    sim.tick = dict(
        order=t_order[order_],
        category=category[order_],
        created=created[order_],
        severity=severity[order_],
        first_response=np.where(first_response <= cal.end_second, first_response, MISSING)[order_],
        resolved=np.where(resolved <= cal.end_second, resolved, MISSING)[order_],
    )


def make_surveys(sim: Simulation) -> None:
    rng = sim.rng("surveys")
    order = sim.order
    rows = np.flatnonzero((order["delivered"] >= 0) & (rng.random(len(order["day"])) < 0.12))
    day = order["delivered"][rows] + rng.integers(3, 21, len(rows))
    rows, day = rows[day < sim.cal.end_day], day[day < sim.cal.end_day]
    n = len(rows)
    late = order["late"][rows].astype(float)
    aspects = np.column_stack(
        [rng.normal(80, 9, n), rng.normal(80 - 22 * late, 10, n), rng.normal(79, 10, n), rng.normal(74, 11, n)]
    )
    csat = 0.3 * aspects[:, 0] + 0.25 * aspects[:, 1] + 0.3 * aspects[:, 2] + 0.15 * aspects[:, 3]
    csat = csat + rng.normal(0, 5, n)
    nps = (csat - 30) / 6.5 + rng.normal(0, 0.9, n)
    sim.survey = dict(
        customer=order["customer"][rows],
        day=day,
        nps=np.clip(np.round(nps), 0, 10).astype(np.int64),
        csat=np.clip(np.round(csat), 0, 100).astype(np.int64),
        aspects=np.clip(np.round(aspects), 0, 100).astype(np.int64),
    )
