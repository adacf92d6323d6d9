"""Reps (seats held by a chain of reps who join and leave) and customers (installed base, won, self-serve).

Sets ``sim.r_*``, ``sim.seat_*``, ``sim.region_head_rep``, ``sim.underperformer`` (:func:`make_reps`) and
``sim.cust``, ``sim.c_ids`` (:func:`make_customers`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .draws import _choice, _codes, _counts, _grouped_choice, _spread_choice
from .simulation import Simulation
from .world import (
    _CITIES,
    _COMPANY_SUFFIX,
    _COMPANY_SUFFIX_P,
    _GIVEN_NAMES,
    _INDUSTRY_P,
    _INDUSTRY_WORDS,
    _INSTALLED_CUSTOMERS,
    _INSTALLED_SOURCE_P,
    _NAME_HEAD,
    _NAME_TAIL,
    _REGION_SEATS,
    _SELF_SERVE_CUSTOMERS_PER_MONTH,
    _SELF_SERVE_SOURCE_P,
    _SURNAMES,
    DAY,
    NEVER,
    REGIONS,
)


def make_reps(sim: Simulation) -> None:
    """Sales seats per region; each seat is held by a chain of reps who join and leave over time.

    Seat 0 of a region (the region head) never leaves, so a vacant seat's business falls back to it.
    """
    rng = sim.rng("reps")
    first, end = sim.cal.first_day, sim.cal.end_day
    seat_region, rep_seat, hire, leave = [], [], [], []
    for region, base in enumerate(_REGION_SEATS):
        n_seats = max(2, round(base * sim.scale))
        # about a quarter of the reps in place at the start leave during the window
        leavers = set(rng.permutation(np.arange(1, n_seats))[: round(0.25 * (n_seats - 1))].tolist())
        for k in range(n_seats):
            seat = len(seat_region)
            seat_region.append(region)
            if k == 0:
                start = first - int(rng.integers(1500, 3600))
            elif rng.random() < 0.1:  # a position opened during the window
                start = first + int(rng.integers(0, max(1, int((end - first) * 0.8))))
            else:
                start = first - int(rng.integers(30, 2600))
            leaves = k in leavers
            while True:
                stop = NEVER
                low = max(start + 90, first)
                if leaves and low < end - 30:
                    stop = int(rng.integers(low, end))
                rep_seat.append(seat)
                hire.append(start)
                leave.append(stop)
                if stop == NEVER:
                    break
                start = stop + int(rng.integers(7, 75))
                if start >= end:
                    break
                leaves = rng.random() < 0.1  # a replacement rarely leaves again
    seat_region = np.array(seat_region)
    rep_seat, hire, leave = np.array(rep_seat), np.array(hire, dtype=np.int64), np.array(leave, dtype=np.int64)
    order = np.lexsort((rep_seat, hire))  # reps numbered by hire date
    sim.r_seat, sim.r_hire, sim.r_leave = rep_seat[order], hire[order], leave[order]
    sim.r_region = seat_region[sim.r_seat]
    n = len(order)
    sim.r_skill = np.exp(rng.normal(0.0, 0.3, n))
    sim.r_name = _person_names(rng, n)
    sim.r_ids = _codes("R", n, 3)
    sim.seat_region = seat_region
    sim.seat_head = np.array([np.flatnonzero(seat_region == r)[0] for r in range(len(REGIONS))])
    sim.region_head_rep = np.array(
        [int(np.flatnonzero(sim.r_seat == sim.seat_head[r])[0]) for r in range(len(REGIONS))]
    )
    # occupancy index: (seat, hire) sorted keys for a vectorised "who holds this seat on that day"
    by_seat = np.lexsort((sim.r_hire, sim.r_seat))
    sim._occ_rep = by_seat
    sim._occ_origin = int(sim.r_hire.min()) - 1
    sim._occ_key = sim.r_seat[by_seat] * (1 << 32) + (sim.r_hire[by_seat] - sim._occ_origin)
    # weight of each seat in each month: the holder's skill, ramping up over the first six months
    mid = sim.cal.start[:-1] + 14
    seats = np.repeat(np.arange(len(seat_region)), sim.cal.months)
    days = np.tile(mid, len(seat_region))
    occupant = holder(sim, seats, days)
    tenure = days - sim.r_hire[np.maximum(occupant, 0)]
    weight = sim.r_skill[np.maximum(occupant, 0)] * np.clip(0.35 + 0.65 * tenure / 180, 0.35, 1.0)
    sim.seat_weight = np.where(occupant >= 0, weight, 0.0).reshape(len(seat_region), sim.cal.months)
    sim.underperformer = _choose_underperformer(sim) if sim.plants.at("rep_underperform") else (-1, -1)


def holder(sim: Simulation, seat: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Rep holding each seat on each day, -1 when the seat is vacant."""
    key = seat * (1 << 32) + (day - sim._occ_origin)
    pos = np.searchsorted(sim._occ_key, key, side="right") - 1
    rep = sim._occ_rep[np.maximum(pos, 0)]
    ok = (pos >= 0) & (sim.r_seat[rep] == seat) & (day < sim.r_leave[rep]) & (day >= sim.r_hire[rep])
    return np.where(ok, rep, -1)


def rep_on(sim: Simulation, seat: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Rep doing the seat's work on each day: its holder, or the region head when it is vacant."""
    rep = holder(sim, seat, day)
    return np.where(rep >= 0, rep, sim.region_head_rep[sim.seat_region[seat]])


def pick_seats(
    sim: Simulation, rng: np.random.Generator, region: np.ndarray, month: np.ndarray, spread: bool = False
) -> np.ndarray:
    """Pick a seat of the row's region for each row, in proportion to the seats' weights in that month.

    With ``spread`` every seat gets close to its expected number of rows (see :func:`_spread_choice`).
    """
    choose = _spread_choice if spread else _grouped_choice
    seat = np.zeros(len(region), dtype=np.int64)
    for r in range(len(REGIONS)):
        rows = np.flatnonzero(region == r)
        seats = np.flatnonzero(sim.seat_region == r)
        seat[rows] = seats[choose(rng, sim.seat_weight[seats].T, month[rows])]
    return seat


def _choose_underperformer(sim: Simulation) -> tuple[int, int]:
    """Seat and rep of the planted underperformer: the strongest seat of the region, held all month.

    Its holder must have been hired more than a year before and must stay on; region heads are left out.
    """
    month, region = sim.plants.at("rep_underperform")
    first, end = sim.cal.start[month], sim.cal.start[month + 1]
    seats = np.flatnonzero(sim.seat_region == region)
    seats = seats[seats != sim.seat_head[region]]
    rep = holder(sim, seats, np.full(len(seats), first))
    safe = np.maximum(rep, 0)
    ok = (rep >= 0) & (sim.r_hire[safe] <= first - 365) & (sim.r_leave[safe] > end + 60)
    best = int(np.argmax(np.where(ok, sim.seat_weight[seats, month], -1.0)))
    seat, rep = int(seats[best]), int(rep[best])
    sim.plants.set_segment(
        "rep_underperform", {"rep_id": str(sim.r_ids[rep])}, rep_name=f"{sim.r_name[rep]}（{sim.r_ids[rep]}）"
    )
    return seat, rep


def _person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    surname_p = 1.0 / np.arange(1, len(_SURNAMES) + 1) ** 0.8
    surnames = np.array(list(_SURNAMES), dtype=object)
    given = np.array(_GIVEN_NAMES, dtype=object)

    def draw(k: int) -> np.ndarray:
        return surnames[_choice(rng, np.tile(surname_p, (k, 1)))] + given[rng.integers(0, len(given), k)]

    names = draw(n)
    for _ in range(100):
        dup = pd.Series(names).duplicated().to_numpy()
        if not dup.any():
            break
        names[dup] = draw(int(dup.sum()))
    return names


def make_customers(sim: Simulation) -> None:
    """Installed base before the window, new customers from won deals, and self-serve new customers."""
    rng = sim.rng("customers")
    cal = sim.cal
    # installed base
    base = _counts(rng, _INSTALLED_CUSTOMERS * sim.volume[:, 0], 0.0)
    b_region = np.repeat(np.arange(len(REGIONS)), base)
    nb = len(b_region)
    age = 20 + rng.exponential(650, nb)
    age = np.where(age > 3600, rng.uniform(1000, 3600, nb), age)
    b_acquired = cal.first_day - age.astype(np.int64)
    b_size = _company_sizes(rng, np.full(nb, 150.0), 1.3)
    b_source = _choice(rng, np.tile(_INSTALLED_SOURCE_P, (nb, 1)))
    # won deals that closed inside the data
    opp = sim.opp
    won = np.flatnonzero(opp["won"] & (opp["close"] <= cal.end_second))
    w_region, w_acquired = opp["region"][won], opp["close"][won] // DAY
    w_size, w_source = sim.lead["size"][opp["lead"][won]], opp["source"][won]
    # self-serve: buy online or through a distributor without a sales deal
    expected = _SELF_SERVE_CUSTOMERS_PER_MONTH * sim.volume * sim.season
    at = sim.plants.at("new_customer_drop")
    if at is not None:
        expected[at[1], at[0]] *= 0.05
    counts = _counts(rng, expected)
    s_region, s_month = np.unravel_index(np.repeat(np.arange(counts.size), counts.ravel()), counts.shape)
    ns = len(s_region)
    s_acquired = cal.random_days(rng, s_month)
    s_size = _company_sizes(rng, np.full(ns, 35.0), 1.0)
    s_source = _choice(rng, np.tile(_SELF_SERVE_SOURCE_P, (ns, 1)))

    region = np.concatenate([b_region, w_region, s_region])
    acquired = np.concatenate([b_acquired, w_acquired, s_acquired])
    size = np.concatenate([b_size, w_size, s_size])
    source = np.concatenate([b_source, w_source, s_source])
    kind = np.repeat([0, 1, 2], [nb, len(won), ns])  # installed, won deal, self-serve
    order = np.lexsort((kind, region, acquired))  # customers numbered by acquisition
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    sim.opp["customer"][won] = position[nb : nb + len(won)]
    region, acquired, size, source, kind = (a[order] for a in (region, acquired, size, source, kind))
    n = len(region)
    lifetime = np.where(
        kind == 0, cal.first_day - acquired + rng.exponential(40 * 30.4, n), 60 + rng.exponential(36 * 30.4, n)
    )
    industry = _choice(rng, np.tile(_INDUSTRY_P, (n, 1)))
    sim.cust = dict(
        region=region,
        acquired=acquired,
        size=size,
        source=source,
        kind=kind,
        churn=acquired + lifetime.astype(np.int64),
        industry=industry,
        rate=rng.gamma(1.2, 1.0, n) * np.clip((size / 100.0) ** 0.25, 0.5, 2.5),
        name=_company_names(rng, region, industry),
    )
    sim.c_ids = _codes("C", n, 5)


def _company_names(rng: np.random.Generator, region: np.ndarray, industry: np.ndarray) -> np.ndarray:
    """Names like 杭州瑞丰机械有限公司: city + two-character brand + industry word + company form."""
    cities = [np.array(_CITIES[r], dtype=object) for r in REGIONS]
    city_p = [1.0 / np.arange(1, len(c) + 1) ** 0.7 for c in cities]
    words = [np.array(w, dtype=object) for w in _INDUSTRY_WORDS]
    heads, tails = np.array(list(_NAME_HEAD), dtype=object), np.array(list(_NAME_TAIL), dtype=object)
    suffixes = np.array(_COMPANY_SUFFIX, dtype=object)

    def draw(rows: np.ndarray) -> np.ndarray:
        k = len(rows)
        city = np.empty(k, dtype=object)
        word = np.empty(k, dtype=object)
        for r, names in enumerate(cities):
            sel = region[rows] == r
            city[sel] = names[_choice(rng, np.tile(city_p[r], (int(sel.sum()), 1)))]
        for i, names in enumerate(words):
            sel = industry[rows] == i
            word[sel] = names[rng.integers(0, len(names), int(sel.sum()))]
        brand = heads[rng.integers(0, len(heads), k)] + tails[rng.integers(0, len(tails), k)]
        return city + brand + word + suffixes[_choice(rng, np.tile(_COMPANY_SUFFIX_P, (k, 1)))]

    names = draw(np.arange(len(region)))
    for _ in range(100):
        dup = np.flatnonzero(pd.Series(names).duplicated().to_numpy())
        if not len(dup):
            break
        names[dup] = draw(dup)
    return names


def _company_sizes(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
    size = np.exp(rng.normal(np.log(median), sigma, len(median)))
    return np.clip(np.round(size), 3, 60000).astype(np.int64)
