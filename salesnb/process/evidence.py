"""Evidence sets severity: the process rules' findings sized by revenue, capped or raised by their q-value."""

from __future__ import annotations

from .. import stats
from ..findings import severity_of
from ..report import Report
from .common import NAME


def severity(report: Report, effect: float, q: float, *, strengthen: bool = False, cap: bool = False) -> str:
    """Severity from the revenue at stake, at most medium unless the q-value is below ``thresholds.process.strong_q``.

    ``strengthen`` raises a low one to medium (history confirms the problem); ``cap`` holds it at medium (the
    problem rests on the configuration alone).
    """
    level = severity_of(effect, report.revenue, report.config)
    level = stats.capped_severity(level, q, report.thresholds(NAME)["strong_q"])
    if strengthen and level == "low":
        return "medium"
    return "medium" if cap and level == "high" else level
