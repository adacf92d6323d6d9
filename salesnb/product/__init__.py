"""Product angle (产品与竞争): contribution, lifecycle, new products, returns, price and margin, bundles, lost deals.

One module per notebook section, each ``*_frame(report)`` (numbers) → rule(s) → ``*_panel(report)``:
:mod:`.lines` (product lines, Pareto), :mod:`.lifecycle` (+ new products), :mod:`.returns`, :mod:`.pricing`
(discount, margin, price and volume), :mod:`.bundles`, :mod:`.lost`; :mod:`.common` holds the order-lines table
and the angle's tests. Figures are for the report's scope (region, or the whole company) and month, against the
trailing months (``baselines.trailing_months``) and, where the data reaches back, the same month last year.

Definitions used throughout:

- revenue = quantity × unit_price (order_lines); list revenue = quantity × list_price, where list_price comes
  from the order line, else from products; cost = quantity × unit_cost, likewise.
- discount depth = 1 − unit_price / list_price per order line, averaged with the lines' revenue as weights
  (lines without a list price are left out); gross margin = 1 − cost / revenue over lines with a known cost.
- return rate = units returned in the month (by ``returned_at``) ÷ units sold in the month.
- a lost deal belongs to the month of its ``closed_at`` (else ``expected_close_at``) and to the region of the deal
  (else of its customer, else of its rep).

In the ALL report the findings are looked for in every region as well as company-wide (segment
``{"region": ...}`` added), so a problem of one region is not averaged away; a company-wide finding is dropped
when the same problem is found in a region. Thresholds: ``thresholds.product``; windows and sizes: ``product``.
Unlike the other angles, :func:`angle_findings` returns the findings ranked (most severe first), as it always did.
"""

from __future__ import annotations

from typing import Any

from ..angle import Angle, Rule
from ..display.plotting.products import plot_lifecycle, plot_lift, plot_pareto, plot_price_volume
from ..findings import rank_findings
from ..report import Report
from . import bundles, common, lifecycle, lines, lost, pricing, returns
from .bundles import bundle_frame, bundle_panel
from .lifecycle import STAGES, lifecycle_frame, lifecycle_panel, new_products_frame, new_products_panel
from .lines import decline_check, line_frame, line_panel, pareto_metrics, pareto_panel, product_frame
from .lost import lost_check, lost_frame, lost_panel, lost_reasons_frame
from .pricing import discount_frame, discount_panel, price_check, price_frame, price_panel
from .returns import return_check, return_reasons_frame, returns_frame, returns_panel

__all__ = [
    "ANGLE", "CODES", "STAGES", "angle_findings", "angle_metrics", "bundle_frame", "bundle_panel", "bundles",
    "common", "decline_check", "discount_frame", "discount_panel", "lifecycle", "lifecycle_frame",
    "lifecycle_panel", "line_frame", "line_panel", "lines", "lost", "lost_check", "lost_frame", "lost_panel",
    "lost_reasons_frame", "new_products_frame", "new_products_panel", "pareto_metrics",
    "pareto_panel", "plot_lifecycle", "plot_lift", "plot_pareto", "plot_price_volume", "price_check", "price_frame",
    "price_panel", "pricing", "product_frame", "return_check", "return_reasons_frame", "returns", "returns_frame",
    "returns_panel",
]  # fmt: skip

ANGLE = Angle(
    "product",
    needs=("orders", "order_lines", "products"),
    rules=(
        Rule("product_line_decline", lines.line_decline, needs=("order_lines",)),
        Rule("discount_deepening", pricing.discount_deepening, needs=("order_lines",)),
        Rule("margin_erosion", pricing.margin_erosion, needs=("order_lines",)),
        Rule("return_rate_high", returns.return_rate_high, needs=("order_lines", "returns")),
        Rule("lost_to_competitor", lost.lost_to_competitor, needs=("opportunities",)),
    ),
    metrics_of=(lines.metrics, pricing.metrics, returns.metrics, lost.metrics),
)
CODES = ANGLE.codes
angle_metrics = ANGLE.metrics


def angle_findings(report: Report) -> list[dict[str, Any]]:
    """Every finding of the product angle for the report, ranked (see :func:`salesnb.findings.rank_findings`).

    The rules run once per report (``ANGLE.findings`` memoises them as ``product_findings``); the ranking is what
    the product notebook and ``findings.json`` have always shown for this angle.
    """
    return rank_findings(ANGLE.findings(report))
