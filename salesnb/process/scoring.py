"""线索评分: the open leads most likely to convert, scored by :mod:`salesnb.models.lead_scoring`."""

from __future__ import annotations

from typing import Any

from ..display.formatting import table
from ..display.panel import Panel, needs
from ..display.plotting.distributions import plot_scores
from ..i18n import t
from ..models import lead_scoring
from ..report import Report
from .common import NAME, edges, leads


def lead_scoring_result(report: Report) -> dict[str, Any]:
    """Lead-scoring result for the report (see :func:`salesnb.models.lead_scoring.score_leads`), computed once.

    Settings: ``process.scoring.{holdout_months, min_train, min_holdout, min_class, C}`` and
    ``process.open_lead_days``. The fitted models learn from every region's leads: they are kept per dataset
    and month (see :func:`fitted_models`) for the other regions' reports and ``ALL``.
    """
    cfg = report.settings(NAME)

    def build() -> dict[str, Any]:
        scoring = cfg["scoring"]
        holdout_months, C = int(scoring["holdout_months"]), float(scoring["C"])
        return lead_scoring.score_leads(
            leads(report),
            report.period,
            region=report.region,
            holdout_months=holdout_months,
            min_train=int(scoring["min_train"]),
            min_holdout=int(scoring["min_holdout"]),
            min_class=int(scoring["min_class"]),
            open_days=int(cfg["open_lead_days"]),
            C=C,
            models=fitted_models(report, holdout_months=holdout_months, C=C),
        )

    return report.memo("process_lead_scoring", build)


def fitted_models(report: Report, **settings: Any) -> dict[str, Any]:
    """The store of the month's fitted lead-scoring models, shared by every region's report of the dataset.

    Keyed by everything the models learn from: the dataset (the lead facts, whose size bands follow
    ``customers.size_bands``), the month and ``settings`` (the score_leads arguments that change a fit; the
    rest keep their defaults). A handful of coefficients per month: kept with the lead facts (namespace
    ``leads``), so a kernel going on with the next region's months fits nothing twice.
    """
    key = ("scoring_models", edges(report), report.period, tuple(sorted(settings.items())))
    return report.cached("leads", key, lambda ds: {})


@needs("leads")
def lead_scoring_panel(report: Report) -> Panel:
    """线索评分: the open leads most likely to convert, with the model's accuracy on a later hold-out period."""
    lang = report.lang
    result = lead_scoring_result(report)
    scores = result["scores"]
    values = {**{k: v for k, v in result.items() if k != "scores"}, "holdout_start": result["cutoff"]}
    if result["status"] == "few_train":
        return Panel(frame=scores, note=t("proc_scoring_few_train", lang, **values))
    days = int(report.settings(NAME)["open_lead_days"])
    auc = f"{result['auc']:.2f}" if result["auc"] else "—"
    note = t("proc_scoring_note", lang, **{**values, "auc": auc}, n_open=len(scores), days=days)
    if result["status"] == "few_holdout":
        note = t("proc_scoring_few_holdout", lang, **values) + " " + note
    if scores.empty:
        return Panel(frame=scores, note=note + " " + t("proc_no_open_leads", lang))
    top = scores.head(int(report.config["report"]["top_n"]))
    label = top["lead_id"] + " · " + top["source"] + " · " + top["size_band"]
    ax = plot_scores(top.assign(label=label), lang=lang, title=t("proc_scoring_title", lang))
    shown = top.assign(
        created=top["created_at"].dt.strftime("%Y-%m-%d"),
        status=top["status"].map(lambda s: t(f"proc_lead_{s}", lang)),
    )
    cells = table(
        shown,
        [
            ("lead_id", "proc_lead", None),
            ("created", "proc_created", None),
            ("source", "proc_source", None),
            ("size_band", "proc_size_band", None),
            ("region", "region", None),
            ("rep_id", "proc_rep", None),
            ("status", "proc_status", None),
            ("score", "proc_score", "pct"),
        ],
        lang,
    )
    return Panel(frame=scores, table=cells, figure=ax.figure, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """The model's hold-out AUC and hold-out size (needs leads)."""
    if not report.ds.has("leads"):
        return {}
    result = lead_scoring_result(report)
    return {"lead_score_auc": result["auc"], "lead_score_holdout": result["n_holdout"]}
