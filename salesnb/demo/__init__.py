"""Demo dataset: a realistic, deterministic sales history with known problems planted in it.

``salesnb demo`` writes it, and the bundled sample in ``data/sample`` is ``generate_dataset()`` written
with ``write_dataset``. The generator simulates a B2B company selling industrial software, smart hardware,
cloud services and maintenance in five Chinese regions: leads flow into opportunities that move through
the sales stages, won deals and returning customers place orders, orders are delivered, invoiced,
returned, complained about and rated, reps join and leave. Volumes follow a growth trend and a Chinese
business calendar (weak around 春节, strong in June and at year end). On top of that normal history a list
of problems is planted in given regions and months (``planted.json``), so the analyses can be checked
against a known truth.

All randomness comes from ``numpy.random.default_rng`` streams derived from ``seed`` (one stream per part
of the simulation), and everything is vectorised over rows: the same arguments give byte-identical files.

The package follows what it simulates: :mod:`.world` (the constants), :mod:`.simulation` (calendar, planted
problems, the shared state), :mod:`.people` (reps, customers), :mod:`.leads`, :mod:`.pipeline` (deals, stages,
activities), :mod:`.orders` (products, orders, lines, deliveries, returns), :mod:`.service` (invoices, tickets,
surveys), :mod:`.targets`, and :mod:`.tables` (the contract tables and the CSV writer); :mod:`.draws` holds the
small vectorised helpers.
"""

from __future__ import annotations

import pandas as pd

from .leads import make_leads
from .orders import make_deliveries, make_order_lines, make_orders, make_products, make_returns
from .people import make_customers, make_reps
from .pipeline import make_lead_opportunities, make_upsell_opportunities
from .service import make_invoices, make_surveys, make_tickets
from .simulation import Simulation
from .tables import contract_tables, write_dataset
from .world import REGIONS, STAGES  # noqa: F401 (re-exported: the labels tests check against)


def generate_dataset(
    *,
    seed: int = 7,
    months: int = 24,
    scale: float = 1.0,
    end_period: str = "2026-10",
    plant: bool = True,
    products: int | None = None,
) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """Simulate a company's sales history: all 15 contract tables and the list of planted problems.

    The data covers ``months`` months ending with ``end_period``. Dates and timestamps are
    ``datetime64`` columns, ids are strings, missing optional values are empty. With ``plant=True`` a
    set of known problems (one finding code each, see ``shared/analyses.md``) is planted in given
    regions and months, mostly in the last six and several in ``end_period``, so the analyses can be
    checked against a known answer; ``plant=False`` gives the same kind of history without them.

    Parameters
    ----------
    seed
        Random seed (>= 0); the same arguments always give the same data.
    months
        Number of months of orders (a problem is planted only where it has three months of history before it).
    scale
        Volume multiplier for customers, orders, leads, deals, tickets and reps; 1.0 gives about 300
        orders and 600 order lines a month, and about 55 reps.
    end_period
        Last month of the data, ``YYYY-MM``.
    plant
        Whether to plant the known problems.
    products
        Catalogue size: ``None`` gives the 26 named products; a larger number adds long-tail variants
        (model numbers of the named products, some without a launch date) to measure a large catalogue.

    Returns
    -------
    tables, planted
        ``{table name: DataFrame}`` in the order of ``contract.TABLES``, and the planted problems as
        ``{"code", "period", "region", "segment", "description"}`` dicts sorted by period, region, code.
    """
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if int(months) != months or months < 1:
        raise ValueError(f"months must be a positive integer, got {months!r}")
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    if products is not None and (int(products) != products or products < 1):
        raise ValueError(f"products must be a positive integer, got {products!r}")
    sim = Simulation(int(seed), int(months), float(scale), end_period, plant)
    make_products(sim, None if products is None else int(products))
    make_reps(sim)
    make_leads(sim)
    make_lead_opportunities(sim)
    make_customers(sim)
    make_orders(sim)
    make_order_lines(sim)
    make_upsell_opportunities(sim)
    make_deliveries(sim)
    make_returns(sim)
    make_invoices(sim)
    make_tickets(sim)
    make_surveys(sim)
    return contract_tables(sim), sim.plants.records()


__all__ = ["generate_dataset", "write_dataset"]
