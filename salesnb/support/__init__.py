"""Support angle (服务保障): tickets and SLA, complaint spikes, delivery delays, satisfaction, receivables, credit risk.

One file per notebook section, each holding ``*_frame(report)`` (numbers), its rule(s) and ``*_panel(report)``.
Figures are judged as of the end of the report month: a ticket still unanswered then, an order due but not
delivered, an invoice due but not paid all count against the month, and nothing later is used; what falls due
on the data's last day and is not done yet is not late yet (:func:`salesnb.data.facts.last_day`). In the ALL
report the rules look for problems region by region (segment ``{"region": ...}``), so a problem in one region
is not averaged away. Settings sit under ``support:``, finding thresholds under ``thresholds.support``.
"""

from __future__ import annotations

from ..angle import Angle, Rule, Section
from ..data.customers import customer_regions
from ..display.plotting.service import plot_lines, plot_response_times
from . import complaints, credit, delivery, receivables, satisfaction, tickets
from .common import at_stake, customer_value, excess
from .complaints import complaint_counts, complaint_frame, complaint_trend_frame, complaints_panel
from .credit import credit_risk_frame, credit_risk_panel, late_stage_deals
from .delivery import delivery_facts, delivery_frame, delivery_panel, delivery_trend_frame, has_delivery
from .receivables import (
    ageing_frame,
    collection_metrics,
    due_collection,
    invoice_facts,
    open_invoices,
    receivables_frame,
    receivables_panel,
    receivables_trend_frame,
    receivables_trend_panel,
)
from .satisfaction import satisfaction_by_tier_frame, satisfaction_frame, satisfaction_panel, survey_facts
from .tickets import judged_tickets, sla_frame, sla_panel, ticket_facts, tickets_frame, tickets_panel

__all__ = [
    "ANGLE", "ageing_frame", "angle_findings", "angle_metrics", "at_stake", "collection_metrics",
    "complaint_counts", "complaint_frame", "complaint_trend_frame", "complaints_panel", "credit_risk_frame",
    "credit_risk_panel", "customer_regions", "customer_value", "delivery_facts", "delivery_frame", "delivery_panel",
    "delivery_trend_frame", "due_collection", "excess", "has_delivery", "invoice_facts", "judged_tickets",
    "late_stage_deals", "open_invoices", "plot_lines", "plot_response_times", "receivables_frame",
    "receivables_panel", "receivables_trend_frame", "receivables_trend_panel", "satisfaction_by_tier_frame",
    "satisfaction_frame", "satisfaction_panel", "sla_frame", "sla_panel", "survey_facts", "ticket_facts",
    "tickets_frame", "tickets_panel",
]  # fmt: skip

DELIVERY = ("orders.promised_at", "orders.delivered_at")  # the orders' delivery dates (has_delivery)
CREDIT = ("invoices", "opportunities", "stage_events")

ANGLE = Angle(
    "support",
    needs=("orders",),  # and any one section below: tickets, surveys, invoices or the orders' delivery dates
    rules=(
        Rule("sla_breach", tickets.sla_breach, needs=("tickets", tickets.RESPONSE)),
        Rule("complaint_spike", complaints.complaint_spike, needs=("tickets",)),
        Rule("delivery_delay", delivery.delivery_delay, needs=DELIVERY),
        Rule("satisfaction_drop", satisfaction.satisfaction_drop, needs=("surveys",)),
        Rule("receivables_overdue", receivables.receivables_overdue, needs=("invoices",)),
        Rule("credit_risk_open_deal", credit.credit_risk_open_deal, needs=CREDIT),
    ),
    metrics_of=(
        tickets.metrics,
        complaints.metrics,
        delivery.metrics,
        satisfaction.metrics,
        receivables.metrics,
        credit.metrics,
    ),
    sections=(
        Section("tickets", ("tickets",)),
        Section("sla", ("tickets", tickets.RESPONSE)),
        Section("complaints", ("tickets",)),
        Section("delivery", DELIVERY),
        Section("satisfaction", ("surveys",)),
        Section("receivables", ("invoices",)),
        Section("receivables_trend", ("invoices",)),
        Section("credit_risk", CREDIT),
    ),
)
angle_findings, angle_metrics = ANGLE.findings, ANGLE.metrics
