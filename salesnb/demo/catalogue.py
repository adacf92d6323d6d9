"""A large catalogue on demand: the 26 named products plus thousands of long-tail variants.

``generate_dataset(products=N)`` with ``N`` above the named products adds ``N − 26`` variants (a model number
on a named product of the same line, its price and cost ratio varied, Zipf-like popularity, launched over the
last ten years, one in twenty without a launch date), so the product report can be measured on a real-sized
catalogue. The default (``products=None``) leaves the named products and every draw of the sample unchanged.
"""

from __future__ import annotations

import numpy as np

from .draws import _grouped_choice, _stream
from .world import MISSING, PRODUCT_LINES

_TAIL_SHARE = 0.4  # share of a line's demand that goes to its variants
_NO_LAUNCH = 0.05  # share of variants without a launch date


def extend_catalogue(sim, products: int) -> None:
    """Append ``products − len(named)`` variants to ``sim.p_*`` (names, lines, prices, costs, popularity, launch).

    ``sim.p_launch`` of a variant without a launch date is ``MISSING`` (written as an empty cell).
    """
    named = len(sim.p_name)
    extra = int(products) - named
    if extra <= 0:
        return
    rng = _stream(sim.seed, "catalogue")
    base = rng.integers(0, named, extra)
    line = sim.p_line[base]
    rank = np.arange(1, extra + 1, dtype=float)
    weight = 1.0 / rank  # Zipf: a few variants sell often, most rarely
    popularity = np.zeros(extra)
    for k in range(len(PRODUCT_LINES)):
        rows = line == k
        if rows.any():
            named_total = sim.p_popularity[sim.p_line == k].sum()
            popularity[rows] = weight[rows] / weight[rows].sum() * named_total * _TAIL_SHARE / (1 - _TAIL_SHARE)
    price = np.round(sim.p_price[base] * np.exp(rng.normal(0.0, 0.25, extra)), 0)
    cost = np.round(price * (sim.p_cost[base] / sim.p_price[base]), 2)
    first_day = sim.cal.first_day
    launch = first_day - 3650 + rng.integers(0, 3650 + sim.cal.end_day - first_day - 60, extra)
    launch = np.where(rng.random(extra) < _NO_LAUNCH, MISSING, launch)
    names = np.array([f"{sim.p_name[b]} 型号{i:05d}" for i, b in enumerate(base, start=1)], dtype=object)
    sim.p_name = np.concatenate([sim.p_name, names])
    sim.p_line = np.concatenate([sim.p_line, line])
    sim.p_price = np.concatenate([sim.p_price, price])
    sim.p_cost = np.concatenate([sim.p_cost, cost])
    sim.p_popularity = np.concatenate([sim.p_popularity, popularity])
    sim.p_launch = np.concatenate([sim.p_launch, launch])


def choose_products(sim, rng: np.random.Generator, line: np.ndarray) -> np.ndarray:
    """One product of each row's product line, in proportion to popularity, for a catalogue of any size."""
    weights = np.zeros((len(PRODUCT_LINES), len(sim.p_line)))
    weights[sim.p_line, np.arange(len(sim.p_line))] = sim.p_popularity
    return _grouped_choice(rng, weights, line)
