"""Findings: the shape every angle emits, severity from the revenue at stake, ranking and display.

A finding says *where* a problem sits (``segment``), *how big* it is (``value`` against ``baseline`` of
``metric``, and ``effect``: the revenue at stake in the period) and *what to do* (``action``). Severity
comes from ``effect`` as a share of the report's revenue, so a large ratio on a tiny segment stays low
and a clean month stays quiet.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator
from typing import Any

import pandas as pd

from .angle import ANGLE_NAMES
from .display.formatting import format_amount, format_pct
from .display.panel import Panel
from .i18n import t

SEVERITIES: tuple[str, ...] = ("high", "medium", "low")
SEVERITY_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}
FIELDS: tuple[str, ...] = (
    "id", "parent", "status", "months", "angle", "code", "severity", "segment", "metric", "value", "baseline",
    "effect", "title", "detail", "action",
)  # fmt: skip
STATUSES: tuple[str, ...] = ("new", "persisting", "resolved", "unconfirmed")  # against the previous months
STANDING_SINCE = "standing_since"  # a rule's own "the same problem as when raised in month M, no worse" (a key)
STATED_AMOUNTS = frozenset({"channel_revenue", "revenue"})  # metrics whose value and baseline are the money itself


def stated_amounts(found: dict[str, Any]) -> tuple[float, float] | None:
    """A finding's own expected and actual revenue (baseline, value) where its metric states them as money, else None.

    A channel's or a line's finding says "对比基准 27.9万": its fall in the summary is that gap, not another estimate.
    """
    if found.get("metric") not in STATED_AMOUNTS:
        return None
    baseline, value = found.get("baseline"), found.get("value")
    if baseline is None or value is None or pd.isna(baseline) or pd.isna(value) or not baseline > 0:
        return None
    return float(baseline), float(value)


def finding_id(angle: str, code: str, segment: dict[str, Any] | None, *, variant: str = "", scope: str = "") -> str:
    """The stable id of a finding: the same problem in the same report scope has the same id every month.

    ``ALL/product.product_line_decline/product_line=智能硬件,region=华南``: the report scope (region or ``ALL``),
    the angle and code (and variant), and the segment sorted by dimension. An empty ``scope`` leaves the id
    starting with ``/`` for :func:`scoped_id` to complete once the report is known.
    """
    kind = f"{angle}.{code}" + (f".{variant}" if variant else "")
    where = ",".join(f"{k}={v}" for k, v in sorted((segment or {}).items()))
    return f"{scope}/{kind}/{where}"


def scoped_id(finding_id_: str, scope: str) -> str:
    """``finding_id_`` with the report ``scope`` filled in when it was built without one."""
    return scope + finding_id_ if finding_id_.startswith("/") else finding_id_


def flagged(frame: pd.DataFrame, column: str = "flagged") -> Iterator[Any]:
    """The rows of a rule's check ``frame`` whose ``column`` is true, as named tuples, in the frame's order."""
    return frame[frame[column].astype(bool)].itertuples()


def severity_of(effect: float | None, revenue: float | None, config: dict[str, Any]) -> str:
    """``high``/``medium``/``low`` from the revenue at stake as a share of the period's revenue.

    Thresholds are ``thresholds.severity_revenue_share.{high,medium}`` in the configuration. An effect that
    cannot be sized (``None`` or no revenue) is ``low``.
    """
    shares = config["thresholds"]["severity_revenue_share"]
    if effect is None or revenue is None or not math.isfinite(effect) or not revenue or revenue <= 0:
        return "low"
    share = abs(effect) / revenue
    if share >= shares["high"]:
        return "high"
    if share >= shares["medium"]:
        return "medium"
    return "low"


def make_finding(
    *,
    angle: str,
    code: str,
    segment: dict[str, str] | None,
    metric: str,
    value: float | None,
    baseline: float | None,
    effect: float | None,
    revenue: float | None,
    config: dict[str, Any],
    title: str,
    detail: str,
    action: str,
    severity: str | None = None,
    variant: str = "",
    scope: str = "",
) -> dict[str, Any]:
    """Build one finding in the shape of ``shared/analyses.md``.

    ``effect`` is the revenue at stake this period (positive number, same currency as revenue);
    ``revenue`` the report's revenue it is compared with. ``severity`` overrides the computed one only
    where the revenue effect cannot express the risk (e.g. credit risk on an unpaid invoice). ``id`` comes from
    :func:`finding_id` (``variant`` and the report ``scope`` included); ``parent`` (the id of the finding that
    explains it, see :mod:`salesnb.causes`) and ``status`` (see :mod:`salesnb.followup`) start as a root seen
    for the first time and are set once the report's findings are gathered.
    """
    if angle not in ANGLE_NAMES:
        raise ValueError(f"unknown angle {angle!r}")
    level = severity or severity_of(effect, revenue, config)
    if level not in SEVERITY_RANK:
        raise ValueError(f"unknown severity {level!r}")
    segment = {str(k): str(v) for k, v in (segment or {}).items()}
    return {
        "id": finding_id(angle, code, segment, variant=variant, scope=scope),
        "parent": None,
        "status": "new",
        "months": 1,
        "angle": angle,
        "code": code,
        "severity": level,
        "segment": segment,
        "metric": metric,
        "value": _number(value),
        "baseline": _number(baseline),
        "effect": _number(abs(effect) if effect is not None else None),
        "title": title,
        "detail": detail,
        "action": action,
    }


def finding(
    report: Any,
    code: str,
    segment: dict[str, str] | None,
    values: dict[str, Any],
    *,
    metric: str,
    value: float | None,
    baseline: float | None,
    effect: float | None,
    angle: str | None = None,
    variant: str = "",
    action_key: str | None = None,
    severity: str | None = None,
) -> dict[str, Any]:
    """A finding of ``code`` for ``report``, worded by the texts ``finding_<code>_{title,detail,action}``.

    ``values`` fill the texts' placeholders; ``action_key`` names another action text. The angle is the one
    that declares ``code`` (see :mod:`salesnb.angle`) unless given; severity comes from ``effect`` against the
    report's revenue unless given.
    """
    from .angle import angle_of_code

    key = f"finding_{code}" + (f"_{variant}" if variant else "")
    lang = report.lang
    return make_finding(
        angle=angle or angle_of_code()[code],
        code=code,
        segment=segment,
        metric=metric,
        value=value,
        baseline=baseline,
        effect=effect,
        revenue=report.revenue,
        config=report.config,
        title=t(f"{key}_title", lang, **values),
        detail=t(f"{key}_detail", lang, **values),
        action=t(action_key or f"{key}_action", lang, **values),
        severity=severity,
        variant=variant,
        scope=report.region,
    )


def _number(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def at_stake(f: dict[str, Any]) -> float:
    """A finding's revenue at stake for ranking: one without an effect after every one with one."""
    effect = f.get("effect")
    return effect if effect is not None else -1.0


def rank_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most severe first, then the largest revenue effect, then code and segment (a stable, total order)."""

    def key(f: dict[str, Any]) -> tuple:
        return (
            SEVERITY_RANK.get(f.get("severity", "low"), len(SEVERITIES)),
            -at_stake(f),
            str(f.get("angle", "")),
            str(f.get("code", "")),
            sorted((f.get("segment") or {}).items()),
        )

    return sorted(findings, key=key)


def segment_text(segment: dict[str, str]) -> str:
    """``{"source": "展会", "company_size": "<50"}`` → ``展会 · <50``."""
    return " · ".join(str(v) for v in segment.values())


def findings_frame(findings: list[dict[str, Any]]) -> pd.DataFrame:
    """The findings, ranked, as a frame with one column per field (segment as text)."""
    rows = [
        {**{k: f.get(k) for k in FIELDS}, "segment": segment_text(f.get("segment") or {})}
        for f in rank_findings(findings)
    ]
    return pd.DataFrame(rows, columns=list(FIELDS))


SEVERITY_COLORS: dict[str, str] = {"high": "#c0392b", "medium": "#d68910", "low": "#7f8c8d"}


def status_text(finding: dict[str, Any], lang: str) -> str:
    """``新`` / ``持续 3 个月`` / ``已解决``: a finding's status against the previous months, in words."""
    status = finding.get("status") or "new"
    return t(f"finding_status_{status}", lang, months=finding.get("months") or 1)


def explained_text(finding: dict[str, Any], lang: str) -> str:
    """How much of a symptom its cause explains, in words (``：较近期月均少 42.1万，其中 31.8万（76%）来自智能硬件``).

    Read from the ``explained`` evidence :func:`salesnb.causes.link` keeps on the finding; ``""`` when the link
    measured nothing (a rep in a falling region) or the finding is a root. The text starts with its separator; a
    cause worth the whole symptom or more (the rest moved the other way) is said so, not as a share above 100%.
    """
    evidence = finding.get("explained") or {}
    if not evidence.get("whole"):
        return ""
    unit = evidence.get("unit", "amount")
    digits = {"points": 1, "gini": 2}.get(unit, 0)  # a score to one decimal, a Gini to two, counts whole

    def number(value: float) -> str:
        return format_amount(value, lang) if unit == "amount" else f"{value:,.{digits}f}"

    part, whole = evidence["part"], evidence["whole"]
    key = f"explained_{evidence['match']}_{unit}" + ("_all" if part >= whole else "")  # the rest moved the other way
    share = format_pct(part / whole, digits=0)
    return t(key, lang, by=evidence.get("by", ""), part=number(part), whole=number(whole), share=share)


def heads_text(finding: dict[str, Any], symptoms: list[tuple[int, dict[str, Any]]], lang: str) -> str:
    """What a root heads, in words: ``（共 4 个阶段积压，合计 188.6万）`` when other stages pile up under it.

    Counts the symptoms linked to ``finding`` by ``pipeline_pileup`` (:mod:`salesnb.causes`); the total is the
    root's revenue at stake and theirs. ``""`` when none is.
    """
    stages = [
        s["explained"]["part"]
        for _, s in symptoms
        if s.get("parent") == finding.get("id") and (s.get("explained") or {}).get("match") == "pipeline_pileup"
    ]
    if not stages:
        return ""
    total = format_amount((finding.get("effect") or 0.0) + sum(stages), lang)
    return t("heads_pipeline_pileup", lang, n=len(stages) + 1, total=total)


class FindingsPanel(Panel):
    """A ranked list of findings shown at the top of an angle (or in the executive summary).

    ``symptoms`` (the executive summary) maps a root finding's id to its symptoms as ``(depth, finding)``
    pairs, listed folded beneath it.
    """

    findings: list[dict[str, Any]]
    lang: str
    show_angle: bool
    symptoms: dict[str, list[tuple[int, dict[str, Any]]]]
    quiet_mark: str = "✓"  # before the note of a panel without findings; the summary of a broad fall warns instead

    def _ipython_display_(self) -> None:  # pragma: no cover - exercised through notebooks
        from IPython.display import HTML, display

        display(HTML(self.to_html()))

    def _badge(self, f: dict[str, Any]) -> str:
        return (
            f'<span class="salesnb-sev salesnb-sev-{f["severity"]}" style="background:{SEVERITY_COLORS[f["severity"]]};'
            f'color:#fff;border-radius:3px;padding:0 6px;margin-right:6px">'
            f"{html.escape(t('sev_' + f['severity'], self.lang))}</span>"
        )

    def _status(self, f: dict[str, Any]) -> str:
        return f' <span class="salesnb-status" style="color:#666">[{html.escape(status_text(f, self.lang))}]</span>'

    def _angle(self, f: dict[str, Any]) -> str:
        return f"[{html.escape(t('angle_' + f['angle'], self.lang))}] " if self.show_angle else ""

    def _explained(self, f: dict[str, Any]) -> str:
        text = explained_text(f, self.lang)
        return f'<span class="salesnb-explained" style="color:#666">{html.escape(text)}</span>' if text else ""

    def _heads(self, f: dict[str, Any]) -> str:
        text = heads_text(f, getattr(self, "symptoms", {}).get(f.get("id"), []), self.lang)
        return f'<span class="salesnb-heads">{html.escape(text)}</span>' if text else ""

    def _symptoms(self, f: dict[str, Any]) -> str:
        rows = getattr(self, "symptoms", {}).get(f.get("id"), [])
        if not rows:
            return ""
        items = "".join(
            f'<li style="margin-left:{(depth - 1) * 1.5}em">{self._badge(s)}{self._angle(s)}'
            f"{html.escape(s['title'])}{self._explained(s)}{self._status(s)}</li>"
            for depth, s in rows
        )
        return f'<ul class="salesnb-symptoms" style="list-style:none;padding-left:1em;color:#444">{items}</ul>'

    def to_html(self) -> str:
        if not self.findings:  # the note says more when the panel was given one (the summary: the month's movement)
            none = self.note or t("findings_none_all" if self.show_angle else "findings_none", self.lang)
            return f'<p class="salesnb-findings-none">{self.quiet_mark} {html.escape(none)}</p>'
        items = []
        for f in self.findings:
            items.append(
                f"<li>{self._badge(f)}{self._angle(f)}<b>{html.escape(f['title'])}</b>{self._heads(f)}{self._status(f)}<br>"
                f'<span style="color:#444">{html.escape(f["detail"])}</span><br>'
                f"<span>→ {html.escape(f['action'])}</span>{self._symptoms(f)}</li>"
            )
        intro = f'<p class="salesnb-findings-note">{html.escape(self.note)}</p>' if self.note else ""
        return intro + '<ol class="salesnb-findings">' + "".join(items) + "</ol>"


def all_findings(report: Any) -> list[dict[str, Any]]:
    """Every angle's findings for one report, ranked: the executive summary of the overview.

    Each carries ``id``, ``parent`` (see :mod:`salesnb.causes`) and ``status`` (see :mod:`salesnb.followup`),
    computed once per report scope, so the angle notebooks run after the overview reuse them.
    """
    from .followup import scope_findings  # followup gathers every angle's rules, which build findings here

    return rank_findings(scope_findings(report))


def findings_panel(
    findings: list[dict[str, Any]],
    lang: str = "zh",
    *,
    limit: int | None = None,
    show_angle: bool = False,
    in_order: bool = False,
) -> FindingsPanel:
    """Ranked findings as a panel: an ordered list (severity badge, title, detail, action) and a table.

    ``in_order``: ``findings`` come in their order already (the executive summary's causes, ranked by the gravest
    finding of their tree): kept, not ranked again by their own severity.
    """
    ordered = list(findings) if in_order else rank_findings(findings)
    ranked = ordered[:limit] if limit else ordered
    frame = findings_frame(ranked)
    table = pd.DataFrame(
        {
            t("col_severity", lang): [t("sev_" + f["severity"], lang) for f in ranked],
            t("col_finding", lang): [f["title"] for f in ranked],
            t("col_action", lang): [f["action"] for f in ranked],
        }
    )
    none = t("findings_none_all" if show_angle else "findings_none", lang)
    panel = FindingsPanel(frame=frame, table=table, note="" if ranked else none)
    panel.findings, panel.lang, panel.show_angle, panel.symptoms = ranked, lang, show_angle, {}
    return panel
