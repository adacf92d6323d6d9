"""The ideal customer profile (process.icp): which leads are off it, and the share tests of lead mixes.

A surge of leads outside the profile is ``lead_fit_low`` even with little conversion history: company-size bands
wholly outside ``icp.min_company_size``–``icp.max_company_size`` (see :mod:`salesnb.process.leads`) and, with
``icp.industries`` set and leads carrying an industry, industries off the list (here).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .. import stats
from ..data import facts
from ..data.facts import size_band_labels
from ..display.formatting import format_int, format_pct
from ..findings import finding, flagged
from ..i18n import joined, t
from ..report import Report, scope_memo
from .common import NAME, edges, history, lead_value, month_leads, n_history
from .evidence import severity


def off_profile_bands(report: Report) -> list[str]:
    """The company-size bands wholly outside the ideal customer profile (``process.icp``).

    ``icp.min_company_size`` / ``icp.max_company_size`` (staff, either may be null) bound the profile; a band
    is off-profile when all of it lies below the minimum or at/above the maximum, so the labels follow
    ``customers.size_bands`` whatever they are.
    """
    icp = report.settings(NAME)["icp"]
    low, high = icp.get("min_company_size"), icp.get("max_company_size")
    cuts = [float(e) for e in edges(report)]
    cuts = cuts if cuts and cuts[0] <= 0 else [0.0, *cuts]
    uppers = [*cuts[1:], math.inf]
    labels = size_band_labels(list(edges(report)))
    return [
        label
        for label, start, stop in zip(labels, cuts, uppers, strict=True)
        if (low is not None and stop <= float(low)) or (high is not None and start >= float(high))
    ]


def icp_text(report: Report) -> str:
    """The ideal customer profile in words: ``50 人以上`` / ``50+ staff``, ``50–999 人`` ..."""
    icp = report.settings(NAME)["icp"]
    low, high = icp.get("min_company_size"), icp.get("max_company_size")
    if low is not None and high is not None:
        return t("proc_icp_range", report.lang, min=format_int(low), max=format_int(high))
    if high is not None:
        return t("proc_icp_max", report.lang, max=format_int(high))
    return t("proc_icp_min", report.lang, min=format_int(low or 0))


def industry_fit_frame(report: Report) -> pd.DataFrame:
    """Industry mix of each source's leads this month against its usual months, for industries off the profile.

    Only with ``process.icp.industries`` set and leads carrying an ``industry``: one row per source and known
    industry not in that list. Columns as :func:`lead_fit_frame` with ``industry`` for ``size_band`` and no
    fit; flagged: its share rose by ``thresholds.process.share_shift_points`` with ``min_count`` leads beyond the
    usual and q below ``fdr``.
    """
    wanted = [str(i) for i in report.settings(NAME)["icp"].get("industries") or []]
    now = month_leads(report, [report.period])
    others = sorted(set(now["industry"].unique()) - {*wanted, facts.UNKNOWN}) if wanted else []
    frame = mix_frame(report, "industry", others)
    frame["flagged"] = surge(report, frame)
    return frame


@scope_memo  # its panel, rule and metrics read one computation per report scope
def mix_frame(report: Report, column: str, segments: list[str]) -> pd.DataFrame:
    """Per source and ``column`` value in ``segments``: its share of the source's leads this month and usually.

    Columns: source, ``column``, leads, source_leads, share, usual_share, change, excess, p_value (Fisher exact),
    converted (share already turned into deals), q_value (Benjamini–Hochberg over the rows).
    """
    _, end = report.window(report.period)
    now = month_leads(report, [report.period])
    base = month_leads(report, history(report, "leads", "created_at"))
    usual_counts = base.groupby(["source", column]).size()  # the history's counts, one grouping
    usual_totals = base["source"].value_counts()
    rows = []
    for source in sorted(set(now["source"].unique())):
        cur = now[now["source"] == source]
        total, base_total = len(cur), int(usual_totals.get(source, 0))
        present = set(cur[column].unique())
        for value in [v for v in segments if v in present]:
            inside = cur[cur[column] == value]
            count, usual_count = len(inside), int(usual_counts.get((source, value), 0))
            usual = stats.ratio(usual_count, base_total)
            converted = inside["converted_at"].notna() & (inside["converted_at"] < end)
            rows.append(
                {
                    "source": source, column: value, "leads": count, "source_leads": total,
                    "share": stats.ratio(count, total), "usual_share": usual,
                    "change": stats.ratio(count, total) - usual,
                    "excess": count - usual * total if not math.isnan(usual) else float("nan"),
                    "p_value": stats.fisher(count, total, usual_count, base_total, "greater"),
                    "converted": stats.ratio(converted.sum(), count),
                }
            )  # fmt: skip
    columns = ["source", column, "leads", "source_leads", "share", "usual_share", "change", "excess", "p_value"]
    frame = pd.DataFrame(rows, columns=[*columns, "converted"])
    frame["q_value"] = stats.bh_adjust(frame["p_value"])
    return frame


def surge(report: Report, frame: pd.DataFrame) -> pd.Series:
    """The share rose by ``share_shift_points``, ``min_count`` leads beyond the usual, q below ``fdr``."""
    thr = report.thresholds(NAME)
    return (
        (frame["change"] >= thr["share_shift_points"])
        & (frame["q_value"] < thr["fdr"])
        & (frame["excess"] >= thr["min_count"])
    )


def industry_findings(report: Report) -> list[dict[str, Any]]:
    """lead_fit_low for industries off the profile (:func:`industry_fit_frame`): on the profile alone, ≤ medium."""
    n, lang = n_history(report), report.lang
    wanted = joined(report.settings(NAME)["icp"].get("industries") or [], lang)
    out = []
    for row in flagged(industry_fit_frame(report)):
        effect = row.excess * lead_value(report, row.source)
        values = {
            "source": row.source, "industry": row.industry, "leads": row.leads, "share": format_pct(row.share),
            "usual": format_pct(row.usual_share), "n": n, "industries": wanted,
        }  # fmt: skip
        out.append(
            finding(
                report, "lead_fit_low", {"source": row.source, "industry": row.industry}, values, angle=NAME,
                variant="industry", metric="industry_share", value=row.share, baseline=row.usual_share,
                effect=effect, severity=severity(report, effect, row.q_value, cap=True),
            )
        )  # fmt: skip
    return out
