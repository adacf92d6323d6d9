"""全公司: the company's own month against its expected level, in the ALL report.

Regions, channels and product lines are judged against their peers (:func:`.common.peer_factor`): in a month the
whole company fell, none of them stands out, by design, and the summary said nothing of the month's largest fact.
This rule reads the company's revenue against what its own trend and season lead one to expect
(:func:`salesnb.expect.expected` over the months the regions' expectations read, a month the export left out for
some region counted at that region's usual share), says how many regions sold below their own expected level with
it, and where its fall against the trailing months sits (region, product line, channel, rep). A segment holding
most of that fall is its cause (:mod:`salesnb.causes`).

Its code is ``region_underperform`` (the mission's codes hold no company-wide one) with no region in its segment: the
report's whole scope fell; :func:`salesnb.relations.kind` tells it apart from a region's fall.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..data import facts
from ..data.early_ends import ended_early
from ..data.region_gaps import gap_months
from ..display.formatting import format_amount, format_pct
from ..expect import below, expected
from ..falls import FALL_KEYS
from ..findings import finding
from ..i18n import t
from ..periods import ALL
from ..report import Report, scope_memo
from ..seasons import festival_months, festival_unseen
from .common import NAME, rule_severity
from .regions import company_history, company_summary, region_frame
from .split import fall_split

CODE = "region_underperform"
VARIANT = "company"  # its texts: finding_region_underperform_company_{title,detail,action}


@scope_memo
def company_frame(report: Report) -> dict[str, Any]:
    """The company's month against its own expectation.

    Keys: revenue, target, attainment, expected, expected_low, expected_high, expect_method, change (against
    expected), p_value (how likely a month this low is under that expectation, :func:`salesnb.expect.below`),
    trailing_avg (the trailing months' mean), vs_trailing and yoy (against it and the same month last year),
    regions (named regions with history), regions_below (those selling below their own expected level, before any
    peer factor), whole (no region's month left out of the export or ended early this month: else the company's
    total is short by the export, not by its sales), festival_unseen (a 春节 month none of the history's months
    plays the part of: :func:`salesnb.seasons.festival_unseen`).
    """
    totals = facts.order_facts(report.ds).groupby("month")["revenue"].sum()  # orders without a region too
    past, season, season_of = company_history(report, totals)
    summary = company_summary(report)
    revenue = float(summary["revenue"] or 0.0)
    forecast = expected(season, keys=season_of)
    trailing = report.trailing()
    regions = region_frame(report)
    judged = regions[regions["expected"].notna()]
    gaps = any(report.period in gap_months(report.ds, str(region)) for region in regions["region"])
    return {
        "revenue": revenue,
        "target": summary["target"],
        "attainment": summary["attainment"],
        "expected": forecast.value,
        "expected_low": forecast.low,
        "expected_high": forecast.high,
        "expect_method": forecast.method,
        "change": revenue / forecast.value - 1 if forecast.value > 0 else np.nan,
        "p_value": below(forecast, revenue),
        "trailing_avg": float(totals.reindex(trailing, fill_value=0.0).mean()) if trailing else np.nan,
        "vs_trailing": summary["vs_trailing"],
        "yoy": summary["yoy"],
        "regions": len(judged),
        "regions_below": int((judged["revenue"] < judged["expected"]).sum()),
        "whole": not gaps and not ended_early(report.ds, "region", report.period),
        "festival_unseen": festival_unseen(report.period, past, festival_months(report.config)),
    }


def underperform(report: Report) -> list[dict[str, Any]]:
    """Rule region_underperform for the whole company (ALL report): its month well below its own expected level.

    Fires when revenue is at least ``thresholds.market.company_decline`` below the expectation and below its
    interval, a month this low has a chance under ``thresholds.market.fdr`` (one test: the company's months swing
    far less than a region's), the company misses its target (where it has one), and the export holds every
    region's whole month. The revenue must have fallen as far against the trailing months' average or the same
    month last year too: a history of a year and a half whose first months were a ramp-up reads as +80 % a year,
    and a month level with its trailing ones is no fall for the review. A 春节 month none of the history's months
    played the part of (``festival_unseen``) is listed low, saying the festival's share of the fall is unknown.
    """
    if report.region != ALL or not report.history(1):
        return []
    row, thr, lang = company_frame(report), report.thresholds(NAME), report.lang
    met = row["attainment"] is not None and not np.isnan(row["attainment"]) and row["attainment"] >= 1
    falling = row["change"] <= -thr["company_decline"] and row["revenue"] < row["expected_low"]
    fell = [c for c in (row["vs_trailing"], row["yoy"]) if c is not None and not np.isnan(c)]
    falling &= any(c <= -thr["company_decline"] for c in fell)  # a fall, not a growth the history over-reads
    if row["expect_method"] in ("none", "mean") or not row["whole"] or met or not falling:
        return []
    if not row["p_value"] < thr["fdr"]:
        return []
    effect = row["expected"] - row["revenue"]
    regions = (
        t("mk_company_regions_below", lang, below=row["regions_below"], regions=row["regions"])
        if row["regions"] > 1
        else ""
    )
    split = fall_split(report, None, row["expected"], row["revenue"], thr["region_split_share"], _KEYS)
    values = {
        "revenue": format_amount(row["revenue"], lang),
        "baseline": format_amount(row["expected"], lang),
        "low": format_amount(row["expected_low"], lang),
        "high": format_amount(row["expected_high"], lang),
        "shortfall": format_pct(-row["change"]),
        "basis": t("mk_company_basis_trend" if row["festival_unseen"] else "mk_company_basis", lang),
        "more": ("" if lang == "zh" else " ").join(part for part in (regions, split) if part),
    }
    if row["festival_unseen"]:  # a trend that knows nothing of 春节: listed to watch, as a churn rise is then
        values["more"] += t("mk_company_festival_unseen", lang)
    return [
        finding(
            report, CODE, {}, values, angle=NAME, metric="revenue_vs_baseline", value=row["revenue"],
            baseline=row["expected"], effect=effect,
            severity="low" if row["festival_unseen"] else rule_severity(report, effect, row["p_value"], row["change"]),
            variant=VARIANT,
        )
    ]  # fmt: skip


_KEYS = ("region", *FALL_KEYS)  # where a company's fall is looked for: its regions first, then lines, channels, reps


def company_gap(report: Report) -> float:
    """How far the company's revenue fell short of its expected level this month; 0 when it did not."""
    row = company_frame(report)
    gap = row["expected"] - row["revenue"]
    return float(gap) if gap > 0 else 0.0
