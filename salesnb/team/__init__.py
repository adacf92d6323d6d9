"""Team angle (团队与管理): rep ranking, polarisation, underperformers, new-hire ramp, activity, target realism.

One module per notebook section, each holding its ``*_frame(report)`` (numbers), its finding rule and its
``*_panel(report)``: :mod:`.reps`, :mod:`.polarisation`, :mod:`.underperform`, :mod:`.ramp`, :mod:`.activity`,
:mod:`.targets`; :mod:`.common` holds the per-rep monthly table they share. Rep facts (name, region, tenure)
are in :mod:`salesnb.data.reps`; tiered commission statements in :mod:`salesnb.commission`.
"""

from __future__ import annotations

from .. import commission
from ..angle import Angle, Rule, Section
from ..data.reps import rep_info, rep_label
from ..display.plotting.people import plot_activity, plot_lorenz, plot_target_realism
from . import activity, polarisation, ramp, reps, targets, underperform
from .activity import activity_frame, activity_link, activity_panel
from .common import rep_months
from .polarisation import gini, lorenz_points, polarization_frame, polarization_metrics, polarization_panel, top_share
from .ramp import ramp_frame, ramp_metrics, ramp_panel
from .reps import rep_frame, rep_panel
from .targets import run_rate_error, seasonal_expectation, target_frame, target_panel, target_trend_frame
from .underperform import underperform_frame, underperform_panel

__all__ = [
    "ANGLE", "activity_frame", "activity_link", "activity_panel", "angle_findings", "angle_metrics", "gini",
    "lorenz_points", "plot_activity", "plot_lorenz", "plot_target_realism", "polarization_frame",
    "polarization_metrics", "polarization_panel", "ramp_frame", "ramp_metrics", "ramp_panel", "rep_frame",
    "rep_info", "rep_label", "rep_months", "rep_panel", "run_rate_error", "seasonal_expectation", "target_frame",
    "target_panel", "target_trend_frame", "top_share", "underperform_frame", "underperform_panel",
]  # fmt: skip

REP = "orders.rep_id"
ANGLE = Angle(
    "team",
    needs=("orders",),
    rules=(
        Rule("rep_underperform", underperform.underperform, needs=(REP,)),
        Rule("rep_polarization", polarisation.polarization, needs=(REP,)),
        Rule("new_hire_ramp_slow", ramp.ramp_slow, needs=("reps", "targets")),
        Rule("activity_low", activity.activity_low, needs=("activities",)),
        Rule("target_misaligned", targets.target_misaligned, needs=("targets",)),
    ),
    sections=(  # the rep sections need the orders' reps (a reps table alone sells nothing); any one will do
        Section("reps", (REP,)),
        Section("polarization", (REP,)),
        Section("underperform", (REP,)),
        Section("ramp", ("reps", "targets")),
        Section("activity", ("activities",)),
        Section("targets", ("targets",)),
    ),
    metrics_of=(
        reps.metrics,
        polarisation.metrics,
        underperform.metrics,
        ramp.metrics,
        activity.metrics,
        targets.metrics,
        commission.commission_metrics,
    ),
)
angle_findings, angle_metrics = ANGLE.findings, ANGLE.metrics
