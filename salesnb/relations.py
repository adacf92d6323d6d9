"""Which finding can explain which: the relations :func:`salesnb.causes.link` tries, declared as data.

Each :class:`Relation` names a parent code, a child code and the *match* (a function of :mod:`salesnb.causes`)
the two findings must satisfy; the order of :data:`RELATIONS` is the order they are tried.
"""

from __future__ import annotations

from dataclasses import dataclass

SAME = "*"  # a relation between two findings of the same code (a wider segment explains a narrower one)
# The mission's codes (shared/analyses.md) hold no company-wide one: the ALL report's own fall is a region_underperform
# over the whole scope (no region in its segment). It relates to the others as the total they make up, not as one
# region among them, so relations name it apart.
COMPANY_FALL = "company_underperform"


def kind(finding: dict) -> str:
    """The name relations know ``finding`` by: its code, or :data:`COMPANY_FALL` for the whole company's fall."""
    code = finding["code"]
    return COMPANY_FALL if code == "region_underperform" and "region" not in finding["segment"] else code


@dataclass(frozen=True)
class Relation:
    """``parent`` code can explain ``child`` code when the two findings satisfy the ``match`` named here.

    Matches (see :data:`salesnb.causes.MATCHES`): ``region`` (the child lies in the parent's region),
    ``region_falling`` (and the child's rep sold less than usual), ``same_rep`` (both are about one rep),
    ``segment`` (the parent's segment is part of the child's), ``product_line`` (the child's product is in the
    parent's line), ``surge_source`` (most of the child stage's rise comes from the parent's lead source),
    ``share_of_fall`` (most of the child's fall is the parent's segment falling inside it, and the rest of the child
    fell less), ``late_customers`` (most of the child's complaints or fall in scores come from the customers
    delivered late), ``competitor_took`` (the deals the parent's competitor took are worth most of the child's
    revenue at stake), ``pipeline_pileup`` (two stages of one pipeline piling up in the month: the one with more at
    stake heads), ``region_explains`` (the child lies in the parent's falling region and does not hold most of its
    fall), ``churn_holds`` (the revenue of the parent's missing returning customers is most of the child region's
    gap, or the company's), ``company_share`` (the parent's region, channel, line or rep holds most of the company's
    fall, and the rest of the company fell less), ``others_fell`` (the child is the month's lean on one customer, in
    the parent's region, whose other customers bought at most :data:`salesnb.causes.OTHERS_FELL` of their trailing
    months' revenue), ``channel_lapsed`` (most of the child's excess lapsed customers last bought in the parent's
    channel), ``one_customer`` (the reps' revenue split of the month is the parent customer's orders: without them the
    Gini rose less than half as much).
    """

    parent: str
    child: str
    match: str


# Earlier relations win when a finding could have several parents (the immediate cause before a wider one), except
# within a tier (salesnb.causes._tiers): consecutive relations of one child whose match is weighed (WEIGHED there)
# compete on their part.
RELATIONS: tuple[Relation, ...] = (
    # a product line that collapses shows in the channels and reps that sell it; a channel that collapses shows in
    # the lines it sells (which one is the cause: the one whose fall is spread over the other's segments)
    Relation("product_line_decline", "channel_underperform", "share_of_fall"),
    Relation("product_line_decline", "rep_underperform", "share_of_fall"),
    Relation("channel_underperform", "product_line_decline", "share_of_fall"),
    # a rep who sold far less and also worked far less: one story about the rep, the activity first
    Relation("activity_low", "rep_underperform", "same_rep"),
    # deals lost to one competitor are the rep's shortfall and the stage's lost conversions
    Relation("lost_to_competitor", "rep_underperform", "competitor_took"),
    Relation("lost_to_competitor", "stage_conversion_low", "competitor_took"),
    # late deliveries bring complaints and low scores from the customers they were late to
    Relation("delivery_delay", "complaint_spike", "late_customers"),
    Relation("delivery_delay", "satisfaction_drop", "late_customers"),
    # a channel (a store) that collapses loses the customers who would have come back to it
    Relation("channel_underperform", "customer_churn_rise", "channel_lapsed"),
    # a rep, channel or line holding most of its region's fall while the rest of the region held is its cause
    # (in the region's own report too, which carries its region_underperform)
    Relation("rep_underperform", "region_underperform", "share_of_fall"),
    Relation("channel_underperform", "region_underperform", "share_of_fall"),
    Relation("product_line_decline", "region_underperform", "share_of_fall"),
    Relation("customer_churn_rise", "region_underperform", "churn_holds"),
    # a region, channel, line or rep holding most of the company's fall while the rest of the company held is its
    # cause; so are returning customers who stopped coming back, where their revenue is most of the company's gap
    Relation("region_underperform", "company_underperform", "company_share"),
    Relation("channel_underperform", "company_underperform", "company_share"),
    Relation("product_line_decline", "company_underperform", "company_share"),
    Relation("rep_underperform", "company_underperform", "company_share"),
    Relation("customer_churn_rise", "company_underperform", "churn_holds"),
    # a region's revenue drop shows in its channels, product lines, new and lapsing customers and its reps
    Relation("region_underperform", "channel_underperform", "region_explains"),
    Relation("region_underperform", "product_line_decline", "region_explains"),
    Relation("region_underperform", "new_customer_drop", "region_explains"),
    Relation("region_underperform", "customer_churn_rise", "region_explains"),
    Relation("region_underperform", "rep_underperform", "region_explains"),
    # the exhibition story: a lead-source shift brings off-profile leads, which pile up in one stage
    Relation("lead_source_shift", "lead_fit_low", "segment"),
    Relation("lead_fit_low", "stage_stock_surge", "surge_source"),
    Relation("lead_source_shift", "stage_stock_surge", "surge_source"),
    # several stages piling up in one month are one pipeline pile-up, headed by the stage with the most at stake
    Relation("stage_stock_surge", "stage_stock_surge", "pipeline_pileup"),
    Relation("stage_stock_surge", "stalled_deals", "segment"),
    Relation("stage_stock_surge", "stage_conversion_low", "segment"),
    # deeper discounts erode the margin of the same line; overdue receivables hold the credit-risk deals
    Relation("discount_deepening", "margin_erosion", "segment"),
    Relation("receivables_overdue", "credit_risk_open_deal", "region"),
    # products under their line
    Relation("return_rate_high", "return_rate_high", "product_line"),
    # a month leaning on one customer because the region's other customers stopped buying: the churn, the fall
    Relation("customer_churn_rise", "customer_concentration", "others_fell"),
    Relation("region_underperform", "customer_concentration", "others_fell"),
    # one customer's exceptional order makes its rep the team's top: the team looks split for that month only
    Relation("customer_concentration", "rep_polarization", "one_customer"),
    # the same problem company-wide explains it in one region (a wider segment explains a narrower one)
    Relation(SAME, SAME, "segment"),
)
