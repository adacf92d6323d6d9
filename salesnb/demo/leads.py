"""Leads per region, month and source (with the planted trade fair), and the marketing spend behind them.

Sets ``sim.lead`` (:func:`make_leads`); :func:`marketing_spend_table` builds the ``marketing_spend`` table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .draws import _choice, _counts, _office_seconds, _texts
from .people import _company_sizes, pick_seats, rep_on
from .simulation import Simulation
from .world import (
    _COST_PER_LEAD,
    _DISQUALIFY_P,
    _LEADS_PER_MONTH,
    _REGION_GROWTH,
    _REGION_SHARE,
    _SEASON,
    _SOURCE_CONVERSION,
    _SOURCE_SHARE,
    _SOURCE_SIZE_MEDIAN,
    DAY,
    FAIR,
    LEAD_CONVERTED,
    LEAD_DISQUALIFIED,
    LEAD_NEW,
    LEAD_QUALIFIED,
    LEAD_SOURCES,
    MISSING,
    ONLINE_ADS,
    REGIONS,
)


def make_leads(sim: Simulation) -> None:
    rng = sim.rng("leads")
    cal = sim.cal
    history = cal.history
    expected = _expected_leads(sim, np.arange(-history, cal.months))
    counts = _counts(rng, expected)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    region, month, source = np.unravel_index(cell, counts.shape)
    month = month - history
    n = len(cell)
    created = cal.random_seconds(rng, month)
    size = _company_sizes(rng, _SOURCE_SIZE_MEDIAN[source], 1.25)
    fair = np.zeros(n, dtype=bool)

    # planted: one trade fair floods the region with leads from small firms
    at = sim.plants.at("lead_source_shift")
    if at is not None:
        prng = sim.rng("plant:lead_source_shift")
        m, r = at
        others = counts[r, m + history].sum() - counts[r, m + history, FAIR]
        extra = max(0, round(0.39 * others / 0.61) - int(counts[r, m + history, FAIR]))
        fair_day = cal.start[m] + 6 + prng.integers(0, 3, extra)
        small = prng.random(extra) < 0.88
        extra_size = np.where(
            small,
            np.clip(np.round(np.exp(prng.normal(np.log(18), 0.55, extra))), 3, 49),
            _company_sizes(prng, np.full(extra, 150.0), 1.0),
        ).astype(np.int64)
        region = np.concatenate([region, np.full(extra, r)])
        month = np.concatenate([month, np.full(extra, m)])
        source = np.concatenate([source, np.full(extra, FAIR)])
        created = np.concatenate([created, fair_day * DAY + _office_seconds(prng, extra)])
        size = np.concatenate([size, extra_size])
        fair = np.concatenate([fair, np.ones(extra, dtype=bool)])
        n += extra
    order = np.lexsort((source, region, created))
    region, month, source, created, size, fair = (a[order] for a in (region, month, source, created, size, fair))

    # first response: most within the hour
    hours = np.exp(rng.normal(np.log(0.45), 0.75, n))
    slow = sim.planted("slow_first_response", region, month) & (source == ONLINE_ADS)
    hours[slow] = np.exp(sim.rng("plant:slow_first_response").normal(np.log(7.0), 0.6, int(slow.sum())))
    responded = created + (hours * 3600).astype(np.int64)

    # status: conversion depends on source and company size
    fit = np.where(size < 20, 0.55, np.where(size < 50, 0.8, 1.0))
    p_convert = np.where(fair, 0.70, _SOURCE_CONVERSION[source] * fit)
    p_qualify = 0.15
    u = rng.random(n)
    status = np.where(
        u < p_convert, LEAD_CONVERTED, np.where(u < p_convert + p_qualify, LEAD_QUALIFIED, LEAD_DISQUALIFIED)
    )
    # many leads of the last three weeks are not worked yet (the fair's were all worked at once); those that
    # turned into a deal before the end were, and stay converted, so deal creation does not drop at the end
    recent = ((cal.end_second - created) < 21 * DAY) & ~fair
    unworked = recent & (rng.random(n) < 0.55)
    opp_day = responded // DAY + np.maximum(1, np.round(rng.gamma(2.0, 2.0, n))).astype(np.int64)
    opp_created = opp_day * DAY + _office_seconds(rng, n)
    status = np.where((status == LEAD_CONVERTED) & (opp_created > cal.end_second), LEAD_QUALIFIED, status)
    quick = unworked & (status == LEAD_CONVERTED)
    status = np.where(unworked & ~quick, LEAD_NEW, status)
    no_answer = ((status == LEAD_NEW) & (rng.random(n) < 0.45)) | (responded > cal.end_second)
    responded = np.where(no_answer, MISSING, responded)
    reason = np.where(status == LEAD_DISQUALIFIED, _choice(rng, _DISQUALIFY_P[(size < 50).astype(int)]), -1)

    seat = pick_seats(sim, rng, region, np.maximum(month, 0))
    rep = rep_on(sim, seat, created // DAY)
    rep = np.where((status == LEAD_NEW) & (rng.random(n) < 0.3), -1, rep)
    sim.lead = dict(
        region=region,
        month=month,
        source=source,
        created=created,
        size=size,
        fair=fair,
        responded=responded,
        status=status,
        reason=reason,
        seat=seat,
        rep=rep,
        opp_created=opp_created,
        quick=quick,
        opp=np.full(n, -1),
    )


def _expected_leads(sim: Simulation, month: np.ndarray) -> np.ndarray:
    """Return the expected leads per region, given month index and source (trend and a mild season)."""
    trend = _REGION_GROWTH[:, None] ** ((month[None, :] - (sim.cal.months - 1)) / 12.0)
    season = 0.55 + 0.45 * _SEASON[sim.cal.calendar_month(month) - 1]
    volume = _LEADS_PER_MONTH * _REGION_SHARE[:, None] * trend * season * sim.scale
    return volume[:, :, None] * _SOURCE_SHARE


def marketing_spend_table(sim: Simulation) -> pd.DataFrame:
    """Spend per lead source, region and month: the expected leads at each source's cost per lead."""
    rng = sim.rng("marketing_spend")
    expected = _expected_leads(sim, np.arange(sim.cal.months))
    spend = expected * _COST_PER_LEAD * np.exp(rng.normal(0, 0.08, expected.shape))
    at = sim.plants.at("lead_source_shift")
    if at is not None:  # the big fair cost as much as its leads
        m, r = at
        fair_leads = ((sim.lead["region"] == r) & (sim.lead["month"] == m) & (sim.lead["source"] == FAIR)).sum()
        spend[r, m, FAIR] = fair_leads * _COST_PER_LEAD[FAIR]
    r, m, s = np.unravel_index(np.arange(spend.size), spend.shape)
    order = np.lexsort((s, r, m))
    return pd.DataFrame(
        {
            "period": np.array(sim.cal.labels, dtype=object)[m[order]],
            "channel": _texts(LEAD_SOURCES, s[order]),
            "amount": np.round(spend.ravel()[order], -1),
            "region": _texts(REGIONS, r[order]),
        }
    )
