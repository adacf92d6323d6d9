"""Opportunities: deals from converted leads and with existing customers, their stages, and sales activities.

Sets ``sim.opp`` and ``sim.op_ids``; :func:`activities_table` builds the ``activities`` table from the stage
entries and the reps' account care.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .draws import _choice, _codes, _counts, _grouped_choice, _lookup, _office_seconds, _second_values, _take, _texts
from .people import holder, pick_seats, rep_on
from .simulation import Simulation
from .world import (
    _AFTER_END_MONTHS,
    _COMPETITOR_P,
    _LOST_REASON_P,
    _OPP_LINE_P,
    _SOURCE_WIN_BOOST,
    _STAGE_ACTIVITY,
    _STAGE_ADVANCE,
    _STAGE_DAYS,
    _UPSELL_SHARE,
    ACTIVITY_TYPES,
    COMPETITORS,
    DAY,
    DIRECT,
    LEAD_CONVERTED,
    LOST_REASONS,
    NEVER,
    PRODUCT_LINES,
    REGIONS,
    SOFTWARE,
    STAGES,
    TECH_TALK,
)


def _stage_timeline(
    rng: np.random.Generator, created: np.ndarray, days: np.ndarray, final: np.ndarray
) -> dict[str, np.ndarray]:
    """Stage entry times (epoch seconds) and close time from a start, days per stage and the last stage.

    Each stage lasts whole days (at least one) and is entered during office hours. A deal that reaches
    合同签订 is won when it enters it; one that stops earlier is lost after the time it would have spent
    in its last stage. ``final`` -1 marks a deal stuck for good in 技术交流.
    """
    n = len(created)
    whole = np.maximum(1, np.round(days)).astype(np.int64)
    later = (created // DAY)[:, None] + np.cumsum(whole, axis=1)
    later = later * DAY + _office_seconds(rng, later.size).reshape(later.shape)
    entered = np.concatenate([created[:, None], later], axis=1)
    stuck = final < 0
    last = np.where(stuck, TECH_TALK, final)
    close = entered[np.arange(n), np.minimum(last + 1, len(STAGES) - 1)]
    close = np.where(stuck, NEVER, close)
    return {"entered": entered, "last": last, "close": close, "won": final == len(STAGES) - 1}


def _final_stage(sim: Simulation, rng: np.random.Generator, boost: np.ndarray) -> np.ndarray:
    advance = rng.random((len(boost), len(STAGES) - 1)) < np.clip(_STAGE_ADVANCE * boost[:, None], 0, 0.97)
    return np.cumprod(advance, axis=1).sum(axis=1)


def make_lead_opportunities(sim: Simulation) -> None:
    """Deals opened from converted leads; won ones become new customers and their first orders.

    The deals of leads converted quickly in the last weeks (``lead["quick"]``) are ``late``: they draw from
    their own streams, so the other deals do not depend on how many of those there are.
    """
    lead = sim.lead
    converted = lead["status"] == LEAD_CONVERTED
    rows = np.concatenate([np.flatnonzero(converted & ~lead["quick"]), np.flatnonzero(converted & lead["quick"])])
    parts = [
        _lead_deals(sim, sim.rng(name), rows[lead["quick"][rows] == quick])
        for name, quick in (("opportunities", False), ("opportunities:quick", True))
    ]
    opp = {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
    # deals of the history months that closed before the window are not part of the data
    keep = opp["close"] >= sim.cal.first_day * DAY
    sim.opp = {k: v[keep] for k, v in opp.items()}
    sim.lead["opp"][rows[keep]] = np.arange(int(keep.sum()))


def _lead_deals(sim: Simulation, rng: np.random.Generator, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The deals of the given converted leads, with the planted problems of the pipeline."""
    lead = sim.lead
    n = len(rows)
    region, source, fair = lead["region"][rows], lead["source"][rows], lead["fair"][rows]
    created = lead["opp_created"][rows]
    days = rng.gamma(2.0, _STAGE_DAYS / 2.0, (n, len(_STAGE_DAYS)))
    final = _final_stage(sim, rng, _SOURCE_WIN_BOOST[source])
    line = _choice(rng, np.tile(_OPP_LINE_P, (n, 1)))
    # planted: the fair's deals with small firms stall in 技术交流 (a few days per stage until then)
    days[fair, :TECH_TALK] = rng.uniform(1.0, 4.0, (int(fair.sum()), TECH_TALK))
    final = np.where(fair, -1, final)
    line = np.where(fair & (rng.random(n) < 0.6), SOFTWARE, line)

    timeline = _stage_timeline(rng, created, days, final)
    close_month = sim.cal.month_of(np.minimum(timeline["close"], NEVER // 2) // DAY)
    reason = _choice(rng, np.tile(_LOST_REASON_P, (n, 1)))
    competitor = _choice(rng, np.tile(_COMPETITOR_P, (n, 1)))
    named = (reason == 1) | ((reason == 0) & (rng.random(n) < 0.35))

    # planted: a competitor takes deals, including some we were about to win
    hit = sim.planted("lost_to_competitor", region, close_month)
    if hit.any():
        prng = sim.rng("plant:lost_to_competitor")
        flip = hit & timeline["won"] & (prng.random(n) < 0.7)
        final = np.where(flip, len(STAGES) - 2, final)
        take = hit & ~timeline["won"] & (prng.random(n) < 0.75) | flip
        reason = np.where(take, 1, reason)
        competitor = np.where(take, COMPETITORS.index("云帆软件"), competitor)
        named |= take
    # planted: signatures slip out of the month (a few days to weeks into the next ones)
    days_left = sim.cal.start[np.clip(close_month + 1, 0, sim.cal.months)] - timeline["close"] // DAY
    hit = sim.planted("new_customer_drop", region, close_month) & timeline["won"]
    if hit.any():
        prng = sim.rng("plant:new_customer_drop")
        slip = hit & (prng.random(n) < 0.8)
        days[slip, -1] += days_left[slip] + prng.uniform(3, 30, int(slip.sum()))
    # planted: the underperforming rep's signatures of the month slip too
    at = sim.plants.at("rep_underperform")
    if at is not None:
        slip = timeline["won"] & (close_month == at[0]) & (lead["seat"][rows] == sim.underperformer[0])
        prng = sim.rng("plant:rep_underperform_deals")
        days[slip, -1] += days_left[slip] + prng.uniform(3, 20, int(slip.sum()))
    timeline = _stage_timeline(rng, created, days, final)

    expected_close = (created + (45 * np.exp(rng.normal(0, 0.25, n)) * DAY).astype(np.int64)) // DAY
    return dict(
        lead=rows,
        created=created,
        entered=timeline["entered"],
        last=timeline["last"],
        close=timeline["close"],
        won=timeline["won"],
        region=region,
        seat=lead["seat"][rows],
        source=source,
        line=line,
        customer=np.full(n, -1),
        reason=reason,
        competitor=np.where(named, competitor, -1),
        expected_close=expected_close,
        upsell=np.zeros(n, dtype=bool),
        late=lead["quick"][rows],
    )


def make_upsell_opportunities(sim: Simulation) -> None:
    """Deals with existing customers: won ones behind some direct repeat orders, plus lost and open ones.

    Direct repeat orders of the months after the data would have had their deals too: those opened before the
    end are in the data, still open (:func:`_after_end_deals`), so the pipeline does not thin out at the end.
    """
    rng = sim.rng("upsell")
    order = sim.order
    direct_repeat = (order["kind"] == 2) & (order["channel"] == DIRECT)
    rows = np.flatnonzero(direct_repeat & (rng.random(len(direct_repeat)) < _UPSELL_SHARE))
    won = _won_deals(rng, order["day"][rows], order["time"][rows])
    won.update({key: order[key][rows] for key in ("region", "seat", "line", "customer")})
    block = _upsell_block(rng, won, _lost_deals(sim, rng, _companion_counts(sim, rng, won)), late=False)
    after = _after_end_deals(sim, rows)
    first = len(sim.opp["created"])
    sim.opp = {k: np.concatenate([sim.opp[k], block[k], after[k]]) for k in sim.opp}
    order["opp"][rows] = first + np.arange(len(rows))
    _finish_opportunities(sim)


def _won_deals(rng: np.random.Generator, order_day: np.ndarray, order_time: np.ndarray) -> dict[str, np.ndarray]:
    """Deals that reach 合同签订 at the given order times, their stages laid out backwards from the order."""
    n = len(order_day)
    days = np.maximum(1, np.round(rng.gamma(2.0, _STAGE_DAYS * 0.8 / 2.0, (n, len(_STAGE_DAYS)))))
    created_day = order_day - days.sum(axis=1).astype(np.int64)
    created = created_day * DAY + _office_seconds(rng, n)
    timeline = _stage_timeline(rng, created, days, np.full(n, len(STAGES) - 1))
    timeline["entered"][:, -1] = timeline["close"] = order_time
    return {"created": created, **timeline}


def _companion_counts(sim: Simulation, rng: np.random.Generator, won: dict[str, np.ndarray]) -> np.ndarray:
    """Lost and still-open deals with existing customers per region and month: about as many as the won ones."""
    counts = np.zeros((len(REGIONS), sim.cal.months))
    opened = sim.cal.month_of(won["created"] // DAY)
    inside = opened >= 0
    np.add.at(counts, (won["region"][inside], opened[inside]), 1.0)
    return _counts(rng, counts * 0.9, 0.0)


def _lost_deals(sim: Simulation, rng: np.random.Generator, counts: np.ndarray) -> dict[str, np.ndarray]:
    """Deals with active customers that stop before 合同签订 (lost, or open at the end), ``counts`` per region-month."""
    cal, cust = sim.cal, sim.cust
    l_region, l_month = np.unravel_index(np.repeat(np.arange(counts.size), counts.ravel()), counts.shape)
    nl = len(l_region)
    l_created = cal.random_seconds(rng, l_month)
    l_days = rng.gamma(2.0, _STAGE_DAYS / 2.0, (nl, len(_STAGE_DAYS)))
    l_final = np.minimum(_final_stage(sim, rng, np.full(nl, 1.05)), len(STAGES) - 2)
    lost_tl = _stage_timeline(rng, l_created, l_days, l_final)
    l_customer = np.zeros(nl, dtype=np.int64)
    for r in range(len(REGIONS)):
        members = np.flatnonzero(cust["region"] == r)
        sel = np.flatnonzero(l_region == r)
        active = (cust["acquired"][members][None, :] < cal.start[:-1, None]) & (
            cust["churn"][members][None, :] >= cal.start[:-1, None]
        )
        l_customer[sel] = _take(members, _grouped_choice(rng, active * cust["size"][members] ** 0.3, l_month[sel]), -1)
    reason = _choice(rng, np.tile(_LOST_REASON_P, (nl, 1)))
    competitor = np.where(
        (reason == 1) | ((reason == 0) & (rng.random(nl) < 0.35)), _choice(rng, np.tile(_COMPETITOR_P, (nl, 1))), -1
    )
    close_month = cal.month_of(np.minimum(lost_tl["close"], NEVER // 2) // DAY)
    take = sim.planted("lost_to_competitor", l_region, close_month)
    take &= sim.rng("plant:lost_to_competitor_upsell").random(nl) < 0.75
    reason = np.where(take, LOST_REASONS.index("竞品替代"), reason)
    competitor = np.where(take, COMPETITORS.index("云帆软件"), competitor)
    seat = pick_seats(sim, rng, l_region, l_month)
    line = _choice(rng, np.tile(_OPP_LINE_P, (nl, 1)))
    return dict(
        created=l_created, **lost_tl, region=l_region, seat=seat, line=line, customer=l_customer, reason=reason,
        competitor=competitor,
    )  # fmt: skip


def _upsell_block(rng: np.random.Generator, won: dict, lost: dict, late: bool) -> dict[str, np.ndarray]:
    """Won and lost deals with existing customers in the layout of ``sim.opp`` (``late``: see :func:`_late`)."""
    nw, nl = len(won["created"]), len(lost["created"])
    n = nw + nl
    created = np.concatenate([won["created"], lost["created"]])
    return dict(
        lead=np.full(n, -1),
        created=created,
        entered=np.concatenate([won["entered"], lost["entered"]]),
        last=np.concatenate([won["last"], lost["last"]]),
        close=np.concatenate([won["close"], lost["close"]]),
        won=np.concatenate([np.ones(nw, bool), np.zeros(nl, bool)]),
        region=np.concatenate([won["region"], lost["region"]]),
        seat=np.concatenate([won["seat"], lost["seat"]]),
        source=np.full(n, -1),
        line=np.concatenate([won["line"], lost["line"]]),
        customer=np.concatenate([won["customer"], lost["customer"]]),
        reason=np.concatenate([np.full(nw, -1), lost["reason"]]),
        competitor=np.concatenate([np.full(nw, -1), lost["competitor"]]),
        expected_close=created // DAY + np.round(40 * np.exp(rng.normal(0, 0.25, n))).astype(np.int64),
        upsell=np.ones(n, dtype=bool),
        late=np.full(n, late),
    )


def _after_end_deals(sim: Simulation, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Upsell deals behind the direct repeat orders of the months after the data, opened before its end.

    Those orders come at the window's rate of deal-backed orders per unit of seasonal volume; their deals are
    laid out backwards like the others and kept when opened by the end (open then), with their lost and open
    companions. Drawn from their own stream, so the deals of the window stay as they are.
    """
    rng = sim.rng("upsell:after_end")
    cal = sim.cal
    rate = np.bincount(sim.order["region"][rows], minlength=len(REGIONS)) / sim.seasonal_volume(
        np.arange(cal.months)
    ).sum(axis=1)
    later = np.arange(cal.months, cal.months + _AFTER_END_MONTHS)
    counts = _counts(rng, rate[:, None] * sim.seasonal_volume(later), 0.0)
    region, k = np.unravel_index(np.repeat(np.arange(counts.size), counts.ravel()), counts.shape)
    day = cal.extended(_AFTER_END_MONTHS).random_days(rng, later[k])
    won = _won_deals(rng, day, day * DAY + _office_seconds(rng, len(day)))
    opened = won["created"] <= cal.end_second  # deals opened after the end are not in the data
    won = {key: value[opened] for key, value in won.items()}
    region = region[opened]
    last = np.full(len(region), cal.months - 1)
    won.update(
        region=region,
        seat=pick_seats(sim, rng, region, last),
        line=_choice(rng, np.tile(_OPP_LINE_P, (len(region), 1))),
        customer=_customers_at_end(sim, rng, region),
    )
    return _upsell_block(rng, won, _lost_deals(sim, rng, _companion_counts(sim, rng, won)), late=True)


def _customers_at_end(sim: Simulation, rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    """A customer of the row's region active at the end of the data for each row, by buying rate."""
    cust, end = sim.cust, sim.cal.end_day
    out = np.full(len(region), -1)
    for r in range(len(REGIONS)):
        members = np.flatnonzero(cust["region"] == r)
        sel = np.flatnonzero(region == r)
        active = (cust["acquired"][members] < end) & (cust["churn"][members] >= end)
        out[sel] = _take(members, _grouped_choice(rng, (active * cust["rate"][members])[None, :], 0 * sel), -1)
    return out


def _finish_opportunities(sim: Simulation) -> None:
    """Status as of the end of the data, amounts, owners; deals numbered by creation time."""
    cal, opp, order = sim.cal, sim.opp, sim.order
    n = len(opp["created"])
    closed = opp["close"] <= cal.end_second
    opp["status"] = np.where(closed, np.where(opp["won"], 0, 1), 2)  # won, lost, open
    # amounts: the order's value for won deals, a value typical of the product line otherwise
    amount = np.zeros(n)
    has_order = order["opp"] >= 0
    amount[order["opp"][has_order]] = order["revenue"][has_order]
    typical = np.array(
        [
            np.median(order["revenue"][has_order & (order["line"] == k)])
            if (has_order & (order["line"] == k)).any()
            else 50000.0
            for k in range(len(PRODUCT_LINES))
        ]
    )
    noise = _late(sim, "opportunity_amounts", opp["late"], lambda r, k: r.normal(0.1, 0.5, k))
    guess = np.round(typical[opp["line"]] * np.exp(noise), -2)
    opp["amount"] = np.where(opp["won"] & closed, amount, guess)
    end = np.minimum(opp["close"], cal.end_second) // DAY
    opp["rep"] = rep_on(sim, opp["seat"], end)
    order_ = np.argsort(opp["created"], kind="stable")
    position = np.empty(n, dtype=np.int64)
    position[order_] = np.arange(n)
    sim.opp = {k: v[order_] for k, v in opp.items()}
    order["opp"] = _take(position, order["opp"], -1)
    sim.lead["opp"] = _take(position, sim.lead["opp"], -1)
    sim.op_ids = _codes("OP", n, 5)


def _late(
    sim: Simulation, name: str, late: np.ndarray, draw: Callable[[np.random.Generator, int], np.ndarray]
) -> np.ndarray:
    """One draw per deal: the ``late`` deals (added at the data's end) from their own stream ``name:late``.

    The other deals then draw exactly as if the late ones did not exist.
    """
    out = np.empty(len(late))
    out[~late] = draw(sim.rng(name), int((~late).sum()))
    out[late] = draw(sim.rng(f"{name}:late"), int(late.sum()))
    return out


def _stage_rows(sim: Simulation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    opp = sim.opp
    stage = np.arange(len(STAGES))
    reached = (stage[None, :] <= opp["last"][:, None]) & (opp["entered"] <= sim.cal.end_second)
    o, s = np.nonzero(reached)
    return o, s, opp["entered"][o, s]


def _stage_activities(
    sim: Simulation, rng: np.random.Generator, o: np.ndarray, s: np.ndarray, entered: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deal, time and type of the activities logged for three in four stage entries."""
    keep = rng.random(len(o)) < 0.75
    o, s, entered = o[keep], s[keep], entered[keep]
    when = (entered // DAY + rng.integers(0, 2, len(o))) * DAY + _office_seconds(rng, len(o))
    when = np.minimum(np.maximum(when, entered + 600), sim.cal.end_second)  # on the day or the next, office hours
    kind = np.where(rng.random(len(o)) < 0.8, _STAGE_ACTIVITY[s], rng.integers(0, len(ACTIVITY_TYPES), len(o)))
    return o, when, kind


def activities_table(sim: Simulation) -> pd.DataFrame:
    """Log a call, visit, demo or mail when a deal enters a stage, plus regular visits and calls to customers."""
    rng = sim.rng("activities")
    cal, opp, cust = sim.cal, sim.opp, sim.cust
    o, s, entered = _stage_rows(sim)
    late = opp["late"][o]
    parts = [
        _stage_activities(sim, sim.rng("activities:late") if flag else rng, o[sel], s[sel], entered[sel])
        for flag, sel in ((False, ~late), (True, late))
    ]
    o, when, kind = (np.concatenate([part[i] for part in parts]) for i in range(3))
    d_rep = rep_on(sim, opp["seat"][o], when // DAY)
    # account care: a few touches per seat and month with active customers of the region
    n_seats = len(sim.seat_region)
    counts = _counts(rng, np.full((n_seats, cal.months), 1.6 * (sim.seat_weight > 0)), 0.3)
    seat, month = np.unravel_index(np.repeat(np.arange(counts.size), counts.ravel()), counts.shape)
    c_when = cal.random_seconds(rng, month)
    c_rep = holder(sim, seat, c_when // DAY)
    region = sim.seat_region[seat]
    c_customer = np.full(len(seat), -1)
    for r in range(len(REGIONS)):
        members = np.flatnonzero(cust["region"] == r)
        sel = np.flatnonzero(region == r)
        active = (cust["acquired"][members][None, :] < cal.start[:-1, None]) & (
            cust["churn"][members][None, :] >= cal.start[:-1, None]
        )
        c_customer[sel] = _take(members, _grouped_choice(rng, active * cust["rate"][members], month[sel]), -1)
    ok = (c_rep >= 0) & (c_customer >= 0)
    c_kind = np.where(rng.random(len(seat)) < 0.6, 0, 1)
    rep = np.concatenate([d_rep, c_rep[ok]])
    when = np.concatenate([when, c_when[ok]])
    customer = np.concatenate([opp["customer"][o], c_customer[ok]])
    deal = np.concatenate([o, np.full(int(ok.sum()), -1)])
    kind = np.concatenate([kind, c_kind[ok]])
    order = np.lexsort((rep, when))
    return pd.DataFrame(
        {
            "activity_id": _codes("A", len(order), 5),
            "rep_id": sim.r_ids[rep[order]],
            "occurred_at": _second_values(when[order]),
            "type": _texts(ACTIVITY_TYPES, kind[order]),
            "customer_id": _lookup(sim.c_ids, customer[order]),
            "opportunity_id": _lookup(sim.op_ids, deal[order]),
        }
    )
