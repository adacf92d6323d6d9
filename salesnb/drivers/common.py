"""What the three driver views share: the baselines, their months and names, and the scoped order tables."""

from __future__ import annotations

import pandas as pd

from ..data import facts
from ..errors import ParameterError
from ..i18n import t
from ..report import Report

BASELINES: tuple[str, ...] = ("previous_month", "same_month_last_year", "trailing_avg")


def check_baseline(baseline: str) -> str:
    """``baseline`` itself, or :class:`ParameterError` when it is not one of :data:`BASELINES`."""
    if baseline not in BASELINES:
        raise ParameterError(f"baseline must be one of {', '.join(BASELINES)}; got {baseline!r}")
    return baseline


def baseline_months(report: Report, baseline: str = "previous_month") -> list[str]:
    """The months behind ``baseline`` that the data covers; empty when a one-month baseline is outside the data."""
    check_baseline(baseline)
    base = report.baselines
    months = {
        "previous_month": [str(base.previous_month)],
        "same_month_last_year": [str(base.same_month_last_year)],
        "trailing_avg": base.trailing_labels,
    }[baseline]
    return report.covered(months)


def baseline_label(baseline: str, lang: str, months: int = 3) -> str:
    """The baseline's name: 上月 / 去年同月 / 近``months``月月均 (``baselines.trailing_months``)."""
    return t(f"drv_base_{baseline}", lang, n=months)


def scoped_orders(report: Report, months: list[str] | str) -> pd.DataFrame:
    """The order facts of the report's region in ``months``."""
    return facts.scoped(facts.order_facts(report.ds), report.region, months)


def scoped_lines(report: Report, months: list[str] | str) -> pd.DataFrame:
    """The order-line facts of the report's region in ``months``."""
    return facts.scoped(facts.line_facts(report.ds), report.region, months)
