"""The three key points each part of the review pack opens with, written from the angles' own metrics and findings.

Every number is the one the angle pages publish (``Angle.metrics`` and the scope's findings are memoised per
report, so the pack quotes them without computing them again). A point whose numbers the data cannot give is
left out rather than shown empty.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import angle
from ..cause_tree import roots
from ..display.formatting import format_amount, format_pct
from ..findings import all_findings
from ..i18n import t
from ..planning import next_month, plan_total
from ..report import Report
from .actions import action_items
from .resources import resource_requests

PARTS = ("performance", "sales", "diagnosis", "feedback", "resources", "plan")
LIMIT = 3


@dataclass
class KeyPoints:
    """Up to three sentences shown as a list at the top of a part of the pack."""

    points: list[str] = field(default_factory=list)
    empty_note: str = ""

    def html(self) -> str:
        if not self.points:
            return f'<p class="salesnb-note">{html.escape(self.empty_note)}</p>'
        items = "".join(f"<li>{html.escape(p)}</li>" for p in self.points)
        return f'<ul class="salesnb-points">{items}</ul>'

    def _ipython_display_(self) -> None:  # pragma: no cover - exercised through notebooks
        from IPython.display import HTML, display

        display(HTML(self.html()))


def _metrics(report: Report, name: str) -> dict[str, Any]:
    return angle.get(name).metrics(report)


def _pct(value: Any, signed: bool = False) -> str | None:
    return format_pct(value, signed=signed) if isinstance(value, int | float) else None


def _performance(report: Report) -> list[str | None]:
    m, lang = _metrics(report, "overview"), report.lang
    revenue = format_amount(m.get("revenue"), lang)
    first = (
        t("pack_kp_revenue_target", lang, revenue=revenue, attainment=_pct(m["attainment"]))
        if _pct(m.get("attainment"))
        else t("pack_kp_revenue", lang, revenue=revenue)
    )
    growth = None
    if _pct(m.get("mom_growth")):
        growth = t("pack_kp_growth", lang, mom=_pct(m["mom_growth"], True), yoy=_pct(m.get("yoy_growth"), True) or "—")
    ytd = _pct(m.get("ytd_attainment"))
    return [first, growth, t("pack_kp_ytd", lang, attainment=ytd) if ytd else None]


def _sales(report: Report) -> list[str | None]:
    lang, points = report.lang, []
    o = _metrics(report, "overview")
    if o.get("top_driver_segment") and o.get("top_driver_gap") is not None:
        dimension = t(f"drv_dim_{o['top_driver_dimension']}", lang)
        segment = f"{dimension} {o['top_driver_segment']}"
        points.append(t("pack_kp_driver", lang, segment=segment, gap=format_amount(o["top_driver_gap"], lang)))
    if report.ds.has("opportunities"):
        p = _metrics(report, "process")
        if _pct(p.get("win_rate")):
            points.append(t("pack_kp_win_rate", lang, rate=_pct(p["win_rate"]), won=p.get("deals_won", 0)))
    m = _metrics(report, "market")
    if m.get("new_customers") is not None:
        usual = m.get("new_customers_usual")
        points.append(t("pack_kp_new_customers", lang, count=m["new_customers"],
                        usual=f"{usual:.0f}" if isinstance(usual, int | float) else "—"))  # fmt: skip
    if o.get("aov") is not None:
        points.append(t("pack_kp_aov", lang, orders=o.get("orders", 0), aov=format_amount(o["aov"], lang)))
    return points


def _diagnosis(report: Report) -> list[str | None]:
    lang = report.lang
    return [
        t("pack_kp_root", lang, title=f["title"], at_stake=format_amount(f.get("effect"), lang))
        for f in roots(all_findings(report))
    ]


def _feedback(report: Report) -> list[str | None]:
    lang = report.lang
    if report.ds.missing("tickets") and report.ds.missing("surveys"):
        return []
    s = _metrics(report, "support")
    points: list[str | None] = []
    if s.get("complaints") is not None:
        points.append(t("pack_kp_complaints", lang, complaints=s["complaints"], tickets=s.get("tickets", 0),
                        breach=_pct(s.get("sla_breach_share")) or "—"))  # fmt: skip
    if s.get("nps") is not None or s.get("csat") is not None:
        nps, csat = s.get("nps"), s.get("csat")
        nps_text = f"{nps:.0f}" if nps is not None else "—"
        csat_text = f"{csat:.1f}" if csat is not None else "—"
        responses = s.get("survey_responses", 0)
        points.append(t("pack_kp_satisfaction", lang, nps=nps_text, csat=csat_text, responses=responses))
    feedback_codes = {"complaint_spike", "satisfaction_drop", "sla_breach", "delivery_delay"}
    points += [t("pack_kp_issue", lang, title=f["title"]) for f in all_findings(report) if f["code"] in feedback_codes]
    return points


def _resources(report: Report) -> list[str | None]:
    lang = report.lang
    return [t("pack_kp_request", lang, who=r["who"], request=r["request"]) for r in resource_requests(report)]


def _plan(report: Report) -> list[str | None]:
    lang = report.lang
    total, how = plan_total(report)
    points: list[str | None] = []
    if total is not None:
        points.append(t("pack_kp_plan", lang, month=next_month(report.period), target=format_amount(total, lang),
                        how=t(f"pack_plan_{how}", lang)))  # fmt: skip
    items = action_items(report)
    if items:
        points.append(t("pack_kp_actions", lang, count=len(items), high=sum(a["severity"] == "high" for a in items)))
        first = items[0]
        points.append(t("pack_kp_first_action", lang, action=first["action"], owner=first["owner"], due=first["due"]))
    return points


BUILDERS: dict[str, Callable[[Report], list[str | None]]] = {
    "performance": _performance, "sales": _sales, "diagnosis": _diagnosis,
    "feedback": _feedback, "resources": _resources, "plan": _plan,
}  # fmt: skip


def key_points(report: Report, part: str) -> KeyPoints:
    """The (at most three) key points of ``part`` (one of :data:`PARTS`)."""
    if part not in BUILDERS:
        raise ValueError(f"unknown part {part!r}; parts: {', '.join(PARTS)}")
    points = [p for p in BUILDERS[part](report) if p][:LIMIT]
    return KeyPoints(points, t(f"pack_kp_none_{part}", report.lang))
