"""客户满意度: NPS, CSAT and every ``score_*`` aspect against the usual level; top customers against the rest."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .. import evidence
from ..data import facts
from ..data.customers import customer_regions
from ..data.event_months import event_months
from ..display import plotting
from ..display.formatting import format_amount, format_decimal, format_int, format_pct
from ..display.panel import Panel, needs
from ..findings import finding
from ..i18n import t
from ..report import Report, scope_memo
from ..stats import binom_high
from .common import NAME, customer_values, usual_months


def survey_facts(report: Report) -> pd.DataFrame:
    """Survey responses with ``month`` (responded) and ``region`` (the customer's)."""

    def build(ds) -> pd.DataFrame:
        surveys = ds["surveys"].copy()
        surveys["month"] = event_months(ds, surveys["responded_at"])
        surveys["region"] = surveys["customer_id"].map(customer_regions(ds)).fillna(facts.UNKNOWN).astype(str)
        return surveys

    return report.cached(NAME, "survey_facts", build)


def _aspects(surveys: pd.DataFrame) -> list[str]:
    return sorted(c for c in surveys.columns if c.startswith("score_") and surveys[c].notna().any())


def nps_points(scores: pd.Series, promoter: int, detractor: int) -> pd.Series:
    """+100 for a promoter, −100 for a detractor, 0 otherwise: NPS is the mean of these."""
    points = pd.Series(0.0, index=scores.index)
    points[scores >= promoter] = 100.0
    points[scores <= detractor] = -100.0
    return points.where(scores.notna())


def metric_label(metric: str, lang: str) -> str:
    """The reader's name of a satisfaction metric: NPS, CSAT or “<aspect>” score."""
    if metric == "nps":
        return t("sup_nps", lang)
    return t("sup_csat", lang) if metric == "csat" else t("sup_aspect", lang, aspect=metric[6:])


@scope_memo  # its panel, rule and metrics read one computation per report scope
def satisfaction_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """NPS, CSAT and every ``score_*`` aspect this period against the usual level (``support.history_months``).

    Columns: metric (``nps``, ``csat`` or ``score_<aspect>``), n, value, baseline, change, dissatisfied
    (responses scoring low on it: NPS detractors, other scores below ``support.dissatisfied_score``),
    usual_dissatisfied (their usual share), usual_median (the usual months' median answer: the 0-10 one for NPS),
    below_usual (responses scoring below it), usual_below (the usual months' share below it), p_value (a score
    fails in two ways — its mean falls, or a few answers fall far: see :func:`_drop_p`), dissatisfied_value
    (monthly revenue of this period's dissatisfied respondents), flagged — over at least
    ``thresholds.support.min_responses`` responses, a drop of at least ``thresholds.support.satisfaction_drop_points``
    (``thresholds.support.nps_drop_points`` for NPS) or a dissatisfied share
    ``thresholds.support.dissatisfied_rise_points`` above usual (:func:`_more_dissatisfied`) fires it, a q_value
    (Benjamini–Hochberg over the scores tested) below ``thresholds.support.fdr`` confirms it.
    """
    cfg, thr = report.settings(NAME), report.thresholds(NAME)
    surveys = facts.in_region(survey_facts(report), region or report.region)
    now = surveys[surveys["month"] == report.period]
    past = surveys[surveys["month"].isin(usual_months(report, region))]
    metrics = [m for m in ("nps", "csat") if surveys[m].notna().any()] + _aspects(surveys)
    rows = []
    for metric in metrics:
        if metric == "nps":
            cur = nps_points(now["nps"], cfg["nps_promoter"], cfg["nps_detractor"])
            before = nps_points(past["nps"], cfg["nps_promoter"], cfg["nps_detractor"])
            low, usual_low = now["nps"] <= cfg["nps_detractor"], past["nps"] <= cfg["nps_detractor"]
            threshold, line = thr["nps_drop_points"], -99.0  # NPS points: a detractor is -100
        else:
            cur, before = now[metric], past[metric]
            line = cfg["dissatisfied_score"]
            low, usual_low = now[metric] < line, past[metric] < line
            threshold = thr["satisfaction_drop_points"]
        low, usual_low = low & now[metric].notna(), usual_low & past[metric].notna()
        cur, before = cur.dropna(), before.dropna()
        mean, base = (cur.mean() if len(cur) else np.nan), (before.mean() if len(before) else np.nan)
        usual_share = float(usual_low.sum() / len(before)) if len(before) else float("nan")
        raw_now, raw_past = now[metric].dropna(), past[metric].dropna()
        raw_median = raw_past.median() if len(raw_past) else np.nan
        rows.append(
            {
                "metric": metric,
                "n": len(cur),
                "value": mean,
                "baseline": base,
                "change": mean - base,
                "dissatisfied": int(low.sum()),
                "usual_dissatisfied": usual_share,
                "usual_median": raw_median,
                "below_usual": int((raw_now < raw_median).sum()),
                "usual_below": float((raw_past < raw_median).mean()) if len(raw_past) else float("nan"),
                "p_value": _drop_p(cur, before, line),
                "dissatisfied_value": float(customer_values(report, now.loc[low, "customer_id"].unique()).sum()),
                "flagged": bool(
                    len(cur) >= thr["min_responses"]
                    and (base - mean >= threshold or _more_dissatisfied(int(low.sum()), len(cur), usual_share, thr))
                ),
            }
        )
    columns = ["metric", "n", "value", "baseline", "change", "dissatisfied", "usual_dissatisfied", "usual_median"]
    columns += ["below_usual", "usual_below", "p_value"]
    frame = pd.DataFrame(rows, columns=[*columns, "dissatisfied_value", "flagged"])
    frame.insert(len(columns), "q_value", evidence.q_values(frame["p_value"]))
    frame["flagged"] = frame["flagged"].astype(bool) & evidence.confirmed(frame["q_value"], thr["fdr"])
    return frame


def _more_dissatisfied(dissatisfied: int, n: int, usual_share: float, thr: dict) -> bool:
    """The second business rule: ``min_count`` dissatisfied answers, their share ``dissatisfied_rise_points`` up.

    At least ``thresholds.support.min_count`` answers scoring dissatisfied, their share of the month's answers at
    least ``thresholds.support.dissatisfied_rise_points`` above the usual share.

    A few customers turning unhappy is what a manager must call on, and a month's mean over a handful of answers
    hides it (two answers 40 points down among six move the mean by 13 points, by 7 when the others scored high).
    """
    usual = 0.0 if math.isnan(usual_share) else usual_share
    return dissatisfied >= thr["min_count"] and dissatisfied / n - usual >= thr["dissatisfied_rise_points"]


def _drop_p(cur: pd.Series, before: pd.Series, dissatisfied: float) -> float:
    """Evidence that a score fell: Bonferroni over its mean and its shares of low answers (three tests).

    A score fails in two ways: every answer drifts down (Welch t-test of the mean), or a few answers fall far,
    which a small month's mean hides. Low answers are counted twice, each share tested against the usual months'
    share (binomial, at least 1 / (usual answers + 1), so a share never seen before still works): below the
    configured ``dissatisfied`` line, and more than two usual standard deviations below the usual mean (the
    scope's own line, for a score whose usual level sits near the configured one).
    """
    if len(cur) < 2 or len(before) < 2:
        return float("nan")
    if cur.std() > 0 or before.std() > 0:
        with warnings.catch_warnings():  # near-identical scores only cost precision, not correctness
            warnings.simplefilter("ignore", RuntimeWarning)
            tests = [float(stats.ttest_ind(cur, before, equal_var=False, alternative="less").pvalue)]
    else:  # no spread at all: a lower mean is certainly lower
        tests = [0.0 if cur.mean() < before.mean() else 1.0]
    for line in (dissatisfied, before.mean() - 2 * before.std()):
        usual = float((before < line).mean())
        tests.append(binom_high(int((cur < line).sum()), len(cur), usual, floor=1.0 / (len(before) + 1)))
    return min(1.0, len(tests) * min(tests))


@scope_memo  # the rule works it out while the survey rows are at hand; the panel reads it
def satisfaction_by_tier_frame(report: Report) -> pd.DataFrame:
    """NPS and CSAT this period: top customers (``support.top_customer_share`` by revenue) against the rest.

    Columns: group (``top`` or ``rest``), n, nps, csat.
    """
    cfg = report.settings(NAME)
    surveys = facts.scoped(survey_facts(report), report.region, report.period)
    buyers = facts.in_region(facts.order_facts(report.ds), report.region)["customer_id"].unique()
    ranked = customer_values(report, buyers).sort_values(ascending=False, kind="stable")
    top = ranked.index[: max(1, math.ceil(cfg["top_customer_share"] * len(ranked)))] if len(ranked) else []
    is_top = facts.among(surveys["customer_id"], pd.Series(top))  # isin, by one hash lookup
    rows = []
    for group, part in (("top", surveys[is_top]), ("rest", surveys[~is_top])):
        nps = nps_points(part["nps"], cfg["nps_promoter"], cfg["nps_detractor"]).dropna()
        rows.append(
            {
                "group": group,
                "n": len(part),
                "nps": nps.mean() if len(nps) else np.nan,
                "csat": part["csat"].mean() if part["csat"].notna().any() else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["group", "n", "nps", "csat"])


def satisfaction_drop(report: Report) -> list[dict[str, Any]]:
    """Rule satisfaction_drop: per region, the overall score that fell (CSAT, else NPS) and every aspect that fell.

    Thresholds: ``thresholds.support.{satisfaction_drop_points, nps_drop_points, min_responses, fdr}``; the
    effect is the monthly revenue of the dissatisfied respondents; severity: :func:`salesnb.evidence.severity`
    (``strong_q``), at least medium when some respondents scored dissatisfied: a confirmed fall of satisfaction
    leads revenue (unhappy customers leave), so what the unhappy respondents buy today understates it.

    A drop without a single dissatisfied answer (every score fell, none below the line: RavenStack UK, 9 answers
    from 81.5 to 64.4, none under 60) is said as a broad slide — how many answers scored below the usual median —
    with an action to match (:func:`_broad`), and nothing is at stake: like the SLA and complaint rules it is
    medium only when the fall is a collapse (``thresholds.support.collapse`` of the usual level), low otherwise.
    """
    thr, cfg = report.thresholds(NAME), report.settings(NAME)
    months, lang = cfg["history_months"], report.lang
    satisfaction_frame(report)  # the panel's frames, while the rows are at hand (they go once the findings are known)
    satisfaction_by_tier_frame(report)
    out = []
    for region, segment in report.scopes(company=False):
        frame = satisfaction_frame(report, region)
        if frame.empty:
            continue
        flagged = frame[frame["flagged"].astype(bool)]
        overall = flagged[flagged["metric"].isin(["csat", "nps"])].sort_values("metric", key=lambda m: m != "csat")
        picked = list(overall.head(1).itertuples()) + list(
            flagged[flagged["metric"].str.startswith("score_")].itertuples()
        )
        for row in picked:
            aspect = row.metric[6:] if row.metric.startswith("score_") else None
            values = {
                "where": report.where(segment),
                "what": metric_label(row.metric, lang),
                "m": months,
                "n": row.n,
                "value": f"{row.value:.1f}",
                "baseline": f"{row.baseline:.1f}",
                "change": f"{row.change:+.1f}",
                "low": row.dissatisfied,
                "low_share": format_pct(row.dissatisfied / row.n if row.n else None),
                "usual_low": format_pct(row.usual_dissatisfied),
                "effect": format_amount(row.dissatisfied_value, lang),
            }
            broad = _broad(row)
            if broad:
                line = f"≤{cfg['nps_detractor']}" if row.metric == "nps" else f"<{cfg['dissatisfied_score']:g}"
                below = {"below": row.below_usual, "below_share": format_pct(row.below_usual / row.n)}
                below |= {"usual_below": format_pct(row.usual_below), "line": line, "median": f"{row.usual_median:g}"}
                values["who"] = t("sup_satisfaction_broad", lang, **values, **below)
            else:
                values["who"] = t("sup_satisfaction_dissatisfied", lang, **values)
            level = evidence.severity(
                report, row.dissatisfied_value, row.q_value, strong_q=thr["strong_q"], strengthen=not broad,
                collapse=thr["collapse"], change=_relative_drop(row),
            )  # fmt: skip
            out.append(
                finding(
                    report, "satisfaction_drop", {**segment, "aspect": aspect} if aspect else dict(segment), values,
                    angle=NAME, metric=row.metric, value=row.value, baseline=row.baseline,
                    effect=row.dissatisfied_value, severity=level,
                    action_key="finding_satisfaction_drop_broad_action" if broad else None,
                )
            )  # fmt: skip
    return out


def _broad(row: Any) -> bool:
    """Whether a flagged drop has no dissatisfied answer: every score slid, no customer is below the line."""
    return not row.dissatisfied


def _relative_drop(row: Any) -> float:
    """The fall of a score as a share of its usual level (NPS on its 0-200 span, −100 its floor)."""
    level = row.baseline + 100.0 if row.metric == "nps" else row.baseline
    return float(-row.change / level) if level and level > 0 else float("nan")


@needs("surveys")
def satisfaction_panel(report: Report) -> Panel:
    """满意度: NPS, CSAT and each aspect this month against the usual level; top customers against the rest."""
    lang, cfg = report.lang, report.settings(NAME)
    usual = t("sup_usual", lang, n=cfg["history_months"])
    frame = satisfaction_frame(report)
    if frame.empty or frame["n"].sum() == 0:
        return Panel(frame=frame, note=t("sup_no_surveys", lang))
    labels = frame["metric"].map(lambda m: metric_label(m, lang))
    chart = frame.assign(label=labels)[frame["metric"] != "nps"]
    ax = plotting.plot_bar_compare(
        chart, label="label", current="value", baseline="baseline", unit="score", lang=lang,  # mean ratings
        legend=(t("sup_count", lang), usual),
        title=f"{t('sup_satisfaction_title', lang)} · {report.region_label}",
    )  # fmt: skip
    ax.set_xticks([])
    tiers = satisfaction_by_tier_frame(report)
    groups = [t(f"sup_{g}", lang) for g in tiers["group"]]
    table = pd.DataFrame(
        {
            t("sup_metric", lang): list(labels) + [f"{g} · NPS / CSAT" for g in groups],
            t("sup_responses", lang): list(frame["n"].map(format_int)) + list(tiers["n"].map(format_int)),
            t("value", lang): list(frame["value"].map(format_decimal))
            + [f"{format_decimal(a)} / {format_decimal(b)}" for a, b in zip(tiers["nps"], tiers["csat"], strict=True)],
            usual: list(frame["baseline"].map(format_decimal)) + ["" for _ in range(len(tiers))],
            t("sup_change", lang): list(frame["change"].map(lambda v: "—" if pd.isna(v) else f"{v:+.1f}"))
            + ["" for _ in range(len(tiers))],
        }
    )
    top = format_pct(cfg["top_customer_share"], 0)
    promoter, detractor, months = cfg["nps_promoter"], cfg["nps_detractor"], cfg["customer_value_months"]
    note = t("sup_satisfaction_note", lang, p=promoter, d=detractor, top=top, months=months)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """Mean ``nps``, ``csat`` this period and ``survey_responses`` (of the most answered metric); needs surveys."""
    if not report.ds.has("surveys"):
        return {}
    frame = satisfaction_frame(report).set_index("metric")
    out: dict[str, Any] = {}
    for metric in ("nps", "csat"):
        value = frame["value"].get(metric)
        out[metric] = None if value is None or pd.isna(value) else float(value)
    out["survey_responses"] = int(frame["n"].max()) if len(frame) else 0
    return out
