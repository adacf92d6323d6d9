"""Market angle (市场与客户): regions, penetration, channels, acquisition, retention, RFM, concentration, CLV.

One module per notebook section, each ``*_frame(report)`` (numbers) → rule(s) → ``*_panel(report)``:
:mod:`.regions` (ranking; :mod:`.split` its region_underperform rule and where a fall sits), :mod:`.penetration`,
:mod:`.channels`, :mod:`.acquisition` (new customers), :mod:`.cac` (acquisition cost), :mod:`.retention`,
:mod:`.rfm` (tiers, movement), :mod:`.concentration`, :mod:`.clv`; :mod:`.common` holds the usual-level window
and the peer factor, :mod:`salesnb.data.customers` the customer facts. Definitions used throughout:

- A customer's **acquisition month** is the earlier of ``customers.acquired_at`` and the month of the
  customer's first order; a **new customer** of a month is one acquired in it. A **returning buyer** is a
  buyer acquired before the month.
- **Retention** of a month: of the customers who bought in the trailing window (``baselines.trailing_months``
  months before it), the share who buy again in the month; the others are **lapsed**.
- The **usual level** a month is tested against is the mean (or pooled rate) of the ``market.history_months``
  months before it, scaled by a **peer factor** (at most 1): how comparable segments did this month against
  their own usual level (the same channel in the other regions, the rest of the company, the other lead
  sources); channels, new customers and regions expect the segment's own trend and season
  (:mod:`salesnb.expect`), so seasonal and company-wide dips are not blamed on one segment and growth does not
  hide a fall. The business rule fires a finding; its evidence (Poisson or, for counts that swing more than
  Poisson, negative binomial; binomial on rates), adjusted over the segments tested (Benjamini–Hochberg),
  confirms it below ``thresholds.market.fdr`` and sets its severity (:mod:`salesnb.evidence`).

In the ALL report the channel, new-customer, acquisition-cost and retention findings are checked for the
whole company and for each region (segment ``{"region": ...}``), so a problem in one region is not averaged
away; ``region_underperform`` exists only in the ALL report, for a region and (:mod:`.company`, no region in its
segment) for the whole company's month below its own expected level, which no peer-relative rule can see.
"""

from ..angle import BUYERS, Angle, Rule
from ..data.customers import customer_facts
from ..data.facts import size_band, size_band_labels
from . import acquisition, cac, channels, clv, company, concentration, retention, rfm, split
from .acquisition import (
    new_customer_months,
    new_customer_test,
    new_customers_by_source,
    new_customers_frame,
    new_customers_panel,
)
from .cac import acquisition_cost_frame, acquisition_cost_panel
from .channels import channel_frame, channel_panel
from .clv import clv_at_risk_frame, clv_at_risk_panel, clv_frame, clv_model, clv_panel
from .concentration import concentration_frame, concentration_metrics, concentration_panel, concentration_shares
from .penetration import penetration_frame, penetration_panel
from .regions import company_summary, region_frame, region_panel
from .retention import retention_frame, retention_months, retention_panel, retention_test
from .rfm import (
    INACTIVE,
    assign_tiers,
    rfm_frame,
    rfm_panel,
    rfm_tiers_frame,
    rfm_transition_frame,
    rfm_transition_panel,
    tier_cadence,
    tier_label,
)

__all__ = [
    "ANGLE", "INACTIVE", "acquisition_cost_frame", "acquisition_cost_panel", "angle_findings", "angle_metrics",
    "assign_tiers", "channel_frame", "channel_panel", "clv_at_risk_frame", "clv_at_risk_panel", "clv_frame",
    "clv_model", "clv_panel", "company_summary", "concentration_frame", "concentration_metrics",
    "concentration_panel", "concentration_shares", "customer_facts", "new_customer_months", "new_customer_test",
    "new_customers_by_source", "new_customers_frame", "new_customers_panel", "penetration_frame",
    "penetration_panel", "region_frame", "region_panel", "retention_frame", "retention_months", "retention_panel",
    "retention_test", "rfm_frame", "rfm_panel", "rfm_tiers_frame", "rfm_transition_frame", "rfm_transition_panel",
    "size_band", "size_band_labels", "tier_cadence", "tier_label",
]  # fmt: skip

ANGLE = Angle(
    "market",
    needs=("orders",),
    rules=(
        Rule("channel_underperform", channels.underperform),
        Rule("new_customer_drop", acquisition.new_customer_drop, needs=(BUYERS,)),
        Rule("acquisition_cost_high", cac.cost_high, needs=("marketing_spend", "customers", BUYERS)),
        Rule("customer_churn_rise", retention.churn_rise, needs=(BUYERS,)),
        Rule("customer_concentration", concentration.concentration, needs=(BUYERS,)),
        Rule("region_underperform", split.underperform),
        Rule("region_underperform", company.underperform),
    ),
    metrics_of=(
        acquisition.new_customer_metrics,
        retention.metrics,
        concentration.metrics,
        rfm.metrics,
        cac.metrics,
        clv.metrics,
    ),
)
angle_findings, angle_metrics = ANGLE.findings, ANGLE.metrics
