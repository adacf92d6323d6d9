"""Scenarios of the diagnosis benchmark: a clean demo history, then one planted problem (or none), as a Dataset.

A :class:`Scenario` is drawn from the benchmark's seed (code, region, month among the latest few, size between
10% and 70%, generator seed); :func:`build` simulates a clean history with ``salesnb.demo`` (``plant=False``,
a small ``scale``), plants the problem with the code's function from :mod:`scenarios_sales` /
:mod:`scenarios_flow`, and parses the tables into a ``salesnb`` Dataset in process (no CSV round trip).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scenarios_flow import PLANTS as FLOW_PLANTS
from scenarios_sales import PLANTS as SALES_PLANTS
from scenarios_tables import Tables, Unplantable, month_back

from salesnb.data.dataset import Dataset
from salesnb.data.parsing import coerce_table
from salesnb.demo import REGIONS, generate_dataset

PLANTS = {**SALES_PLANTS, **FLOW_PLANTS}
END_PERIOD = "2026-10"
MONTHS = 24
LATEST = 3  # the planted month is one of the latest three
SIZES = (0.1, 0.7)
# Codes a planted problem may also surface as (a rule renamed or split by the rework); the planted code always counts.
EQUIVALENT: dict[str, tuple[str, ...]] = {
    "region_underperform": ("region_revenue_drop",),
    "customer_concentration": ("customer_concentration_rise",),
}
# Codes with no plant, and why.
NOT_PLANTED: dict[str, str] = {}


@dataclass(frozen=True)
class Scenario:
    """One benchmark dataset: the problem ``code`` planted (``None``: clean) in ``region`` and ``period``."""

    number: int
    seed: int  # the demo generator's seed
    code: str | None
    region: str
    period: str
    size: float
    tries: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (region, period) to fall back on

    @property
    def label(self) -> str:
        return f"#{self.number:03d} {self.code or 'clean'} {self.region} {self.period} {self.size:.0%}"


@dataclass
class Built:
    """A scenario's dataset and what was planted (``segment`` without the region); ``error`` when nothing could be."""

    scenario: Scenario
    dataset: Dataset | None
    segment: dict[str, str]
    error: str = ""


def draw(seed: int, planted: int, clean: int) -> list[Scenario]:
    """``planted`` scenarios (codes shuffled round-robin, so every code comes up once N ≥ codes) and ``clean`` ones."""
    rng = np.random.default_rng(seed)
    codes = sorted(PLANTS)
    order: list[str] = []
    while len(order) < planted:
        order += list(rng.permutation(codes))
    out = []
    for number in range(planted + clean):
        code = order[number] if number < planted else None
        combos = [(region, month_back(END_PERIOD, back)) for back in range(LATEST) for region in REGIONS]
        places = tuple(combos[k] for k in rng.permutation(len(combos)))  # the first; the others if it cannot be planted
        size = float(np.round(rng.uniform(*SIZES), 2)) if code else 0.0
        seed_ = int(rng.integers(0, 1_000_000))
        region, period = places[0]
        out.append(Scenario(number, seed_, code, region, period, size, places[1:]))
    return out


def clean_tables(scenario: Scenario, scale: float) -> Tables:
    """The scenario's clean history: ``salesnb.demo`` with no planted problems."""
    tables, _ = generate_dataset(seed=scenario.seed, months=MONTHS, scale=scale, end_period=END_PERIOD, plant=False)
    return tables


def to_dataset(tables: Tables, label: str) -> Dataset:
    """Parse the contract tables as ``load_dataset`` would, without writing them."""
    parsed, present = {}, {}
    for name, frame in tables.items():
        parsed[name], present[name], problems, _ = coerce_table(name, frame.reset_index(drop=True))
        if problems:
            raise ValueError(f"{label}: table {name} does not parse: {problems[:2]}")
    return Dataset(parsed, label, present)


def plant(tables: Tables, scenario: Scenario) -> tuple[Scenario, dict[str, str]]:
    """Plant ``scenario.code`` into ``tables`` (in place); on :class:`Unplantable` try the fallback places.

    Returns the scenario as planted (its region and month may be a fallback) and the segment hit.
    """
    rng = np.random.default_rng([scenario.seed, scenario.number])
    tried = []
    for region, period in ((scenario.region, scenario.period), *scenario.tries):
        try:
            work = {name: frame.copy() for name, frame in tables.items()}
            segment = PLANTS[scenario.code](work, region, period, scenario.size, rng)
        except Unplantable as exc:
            tried.append(f"{region} {period}: {exc}")
            continue
        tables.update(work)
        return replace(scenario, region=region, period=period, tries=()), segment
    raise Unplantable("; ".join(tried))


def build(scenario: Scenario, scale: float) -> Built:
    """The scenario's dataset, planted."""
    tables = clean_tables(scenario, scale)
    segment: dict[str, str] = {}
    if scenario.code:
        try:
            scenario, segment = plant(tables, scenario)
        except Unplantable as exc:
            return Built(scenario, None, {}, f"unplantable: {exc}")
    return Built(replace(scenario, tries=()), to_dataset(tables, scenario.label), segment)
