"""Process angle (销售流程): funnel, pipeline flow, stage stock, daily watch, lead sources, speed, stalled deals.

Every analysis is a ``*_frame(report)`` returning the raw numbers and a ``*_panel(report)`` showing them, one
notebook section per module. Everything is read *as of the end of the report month*: a deal closed later counts
as open, a stage entered later is not entered yet, so a past month's report shows what was known then. Amounts
and expected close dates are taken as they stand (the data holds one of each per deal).

The "usual" level a month is tested against is the ``process.history_months`` months before it, pooled (the
velocity table alone compares with ``baselines.trailing_months``). Settings (windows, scoring) are in the
``process`` section of the configuration, finding thresholds in ``thresholds.process``; the deal and lead facts
are :mod:`salesnb.data.deals` and :mod:`salesnb.data.leads`, lead scoring is :mod:`salesnb.models.lead_scoring`.
"""

from __future__ import annotations

from ..angle import Angle, Rule
from ..data.deals import deal_facts, stage_stays
from ..data.leads import lead_facts
from ..display.plotting.distributions import plot_band_mix, plot_boxes, plot_goal_bars, plot_scores
from ..display.plotting.funnels import plot_conversion_matrix, plot_daily_watch, plot_funnel
from . import conversion, flow, funnel, leads, response, scoring, speed, stages, stalled
from .common import unknown_stages
from .conversion import daily_watch_frame, daily_watch_panel, stage_conversion_frame
from .flow import pipeline_flow_frame, pipeline_flow_panel, pipeline_slippage_frame
from .funnel import BY_DIMENSIONS, funnel_frame, funnel_panel, velocity_frame, velocity_panel
from .leads import band_fit_frame, lead_fit_frame, lead_fit_panel, source_mix_frame, source_mix_panel
from .response import first_response_frame, first_response_panel
from .scoring import lead_scoring_panel, lead_scoring_result
from .speed import cycle_frame, cycle_panel, cycle_summary, time_in_stage_frame, time_in_stage_panel
from .stages import stage_stock_frame, stage_stock_panel
from .stalled import stall_limits, stalled_deals_frame, stalled_deals_panel, stalled_summary_frame

__all__ = [
    "ANGLE",
    "BY_DIMENSIONS",
    "angle_findings",
    "angle_metrics",
    "band_fit_frame",
    "cycle_frame",
    "cycle_panel",
    "cycle_summary",
    "daily_watch_frame",
    "daily_watch_panel",
    "deal_facts",
    "first_response_frame",
    "first_response_panel",
    "funnel_frame",
    "funnel_panel",
    "lead_facts",
    "lead_fit_frame",
    "lead_fit_panel",
    "lead_scoring_panel",
    "lead_scoring_result",
    "pipeline_flow_frame",
    "pipeline_flow_panel",
    "pipeline_slippage_frame",
    "plot_band_mix",
    "plot_boxes",
    "plot_conversion_matrix",
    "plot_daily_watch",
    "plot_funnel",
    "plot_goal_bars",
    "plot_scores",
    "source_mix_frame",
    "source_mix_panel",
    "stage_conversion_frame",
    "stage_stays",
    "stage_stock_frame",
    "stage_stock_panel",
    "stall_limits",
    "stalled_deals_frame",
    "stalled_deals_panel",
    "stalled_summary_frame",
    "time_in_stage_frame",
    "time_in_stage_panel",
    "unknown_stages",
    "velocity_frame",
    "velocity_panel",
]

_DEALS, _STAGES = ("opportunities",), ("opportunities", "stage_events")

ANGLE = Angle(
    "process",
    needs=("opportunities",),
    rules=(
        Rule("lead_source_shift", leads.source_shift, needs=("leads",)),
        Rule("lead_fit_low", leads.fit_low, needs=("leads",)),
        Rule("slow_first_response", response.slow_first_response, needs=("leads",)),
        Rule("pipeline_slippage", flow.slippage, needs=_DEALS),
        Rule("sales_cycle_lengthening", speed.cycle_lengthening, needs=_DEALS),
        Rule("stage_stock_surge", stages.stock_surge, needs=_STAGES),
        Rule("stage_conversion_low", conversion.conversion_low, needs=_STAGES),
        Rule("stalled_deals", stalled.stalled_deals, needs=_STAGES),
    ),
    metrics_of=(
        funnel.metrics,
        flow.metrics,
        stages.metrics,
        stalled.metrics,
        leads.metrics,
        response.metrics,
        scoring.metrics,
    ),
)
angle_findings, angle_metrics = ANGLE.findings, ANGLE.metrics  # the names the notebook calls
