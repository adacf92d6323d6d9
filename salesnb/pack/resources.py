"""资源支持需求: training, coaching, staffing and tool requests, each derived from the data with its evidence.

- **Training**: each rep's stage-by-stage conversion (share of exits from a stage that moved forward) over the
  last ``pack.training_months`` against the pooled rate of the other reps of the same scope. A gap of at least
  ``pack.training_gap`` that holds after Benjamini-Hochberg over every rep x stage tested asks for the training
  the stage calls for (``pack.training_stages``: discovery, product, negotiation), at the rep's weakest stage
  (the one that cost the most deals).
- **Coaching, staffing, tools**: the report's findings whose codes ``pack.requests`` lists under each kind,
  with the finding's own numbers as the evidence (e.g. SLA breaches ask for service staff).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..data.deals import deal_facts, stage_stays
from ..data.messages import Message
from ..data.reps import rep_label
from ..display.panel import Panel
from ..errors import ConfigError
from ..evidence import q_values
from ..findings import all_findings, segment_text
from ..followup import format_metric, metric_name
from ..i18n import t
from ..periods import ALL, bounds, months_back
from ..report import Report
from ..stats import binom_low
from .actions import owner_of

KINDS = ("training", "coaching", "staffing", "tools")
TRAINING_KINDS = ("discovery", "product", "negotiation")
TRAINING_COLUMNS = ["rep_id", "stage", "exits", "advanced", "rate", "peer_rate", "gap", "deals_lost", "q", "training"]


def training_kind(report: Report, stage: str) -> str:
    """``discovery`` / ``product`` / ``negotiation``: the training a weak ``stage`` calls for."""
    for kind, stages in report.settings("pack")["training_stages"].items():
        if str(kind) not in TRAINING_KINDS:
            raise ConfigError(Message("error_pack_training", kind=repr(kind), known=", ".join(TRAINING_KINDS)))
        if stage in stages:
            return str(kind)
    return "product"


def _exits(report: Report) -> pd.DataFrame:
    """Stage exits of the scope's deals in the training window: opportunity, stage, rep_id, advanced (0/1)."""
    settings = report.settings("pack")
    stays = stage_stays(report.ds, list(report.config["stages"]))
    deals = deal_facts(report.ds).set_index("opportunity_id")
    start = bounds(months_back(report.period, int(settings["training_months"]))[0])[0]
    end = bounds(report.period)[1]
    done = stays[stays["advanced"].notna() & (stays["left_at"] >= start) & (stays["left_at"] < end)]
    if report.region != ALL:
        done = done[done["region"] == report.region]
    rep = done["opportunity_id"].map(deals["rep_id"])
    return pd.DataFrame({"stage": done["stage"], "rep_id": rep, "advanced": done["advanced"]}).dropna(subset=["rep_id"])


def training_frame(report: Report) -> pd.DataFrame:
    """Per rep and stage tested: exits, advanced, rate, peers' rate, gap, deals lost to the gap, q-value.

    Only the rep's weakest flagged stage is kept (one training request per rep), sorted by deals lost. A rep is
    tested at a stage with at least ``training_min_exits`` exits, against peers with as many.
    """
    if report.ds.missing("opportunities", "stage_events"):
        return pd.DataFrame(columns=TRAINING_COLUMNS)
    settings = report.settings("pack")
    exits = _exits(report)
    own = exits.groupby(["rep_id", "stage"])["advanced"].agg(exits="size", advanced="sum").reset_index()
    total = exits.groupby("stage")["advanced"].agg(all_exits="size", all_advanced="sum")
    own = own.join(total, on="stage")
    peers_n = own["all_exits"] - own["exits"]
    minimum = int(settings["training_min_exits"])
    tested = own[(own["exits"] >= minimum) & (peers_n >= minimum)].copy()
    if tested.empty:
        return pd.DataFrame(columns=TRAINING_COLUMNS)
    tested["rate"] = tested["advanced"] / tested["exits"]
    tested["peer_rate"] = (tested["all_advanced"] - tested["advanced"]) / (tested["all_exits"] - tested["exits"])
    tested["gap"] = tested["peer_rate"] - tested["rate"]
    tested["deals_lost"] = tested["exits"] * tested["peer_rate"] - tested["advanced"]
    judged = zip(tested["advanced"], tested["exits"], tested["peer_rate"], strict=True)
    pvalues = [binom_low(int(k), int(n), p) for k, n, p in judged]
    tested["q"] = q_values(np.asarray(pvalues, dtype=float))
    wide = tested["gap"] >= float(settings["training_gap"])
    flagged = tested[wide & (tested["q"] < float(settings["training_fdr"]))]
    weakest = flagged.sort_values(["deals_lost", "rep_id", "stage"], ascending=[False, True, True], kind="stable")
    weakest = weakest.drop_duplicates("rep_id").copy()
    weakest["training"] = [training_kind(report, s) for s in weakest["stage"]]
    weakest[["exits", "advanced"]] = weakest[["exits", "advanced"]].astype(int)
    return weakest[TRAINING_COLUMNS].reset_index(drop=True)


def _kind_of_code(report: Report) -> dict[str, str]:
    return {code: kind for kind, codes in report.settings("pack")["requests"].items() for code in codes}


def resource_requests(report: Report) -> list[dict[str, Any]]:
    """Every request of the report: kind, for whom, what, and the evidence; training first, then by finding rank."""
    lang = report.lang
    out = []
    for row in training_frame(report).itertuples(index=False):
        out.append(
            {
                "kind": "training", "who": rep_label(report.ds, row.rep_id, lang), "finding_id": None,
                "request": t(f"pack_training_{row.training}", lang),
                "evidence": t("pack_training_evidence", lang, stage=row.stage, rate=f"{row.rate:.0%}",
                              advanced=row.advanced, exits=row.exits, peers=f"{row.peer_rate:.0%}"),
            }
        )  # fmt: skip
    kinds = _kind_of_code(report)
    for f in all_findings(report):
        kind = kinds.get(f["code"])
        if kind is None or f["severity"] == "low":
            continue
        where = segment_text({k: v for k, v in f["segment"].items() if k != "rep_id"})
        out.append(
            {
                "kind": kind, "who": owner_of(report, f["segment"]), "finding_id": f["id"],
                "request": t(f"pack_request_{kind}", lang, where=where or "—"),
                "evidence": t("pack_request_evidence", lang, title=f["title"], metric=metric_name(f["metric"], lang),
                              value=format_metric(f["metric"], f["value"], lang),
                              baseline=format_metric(f["metric"], f["baseline"], lang)),
            }
        )  # fmt: skip
    return out


def resources_panel(report: Report) -> Panel:
    """资源支持需求: one row per request, with the numbers that justify it."""
    lang = report.lang
    frame = pd.DataFrame(resource_requests(report), columns=["kind", "who", "request", "evidence", "finding_id"])
    if frame.empty:
        return Panel(frame=frame, note=t("pack_no_requests", lang))
    table = pd.DataFrame(
        {
            t("pack_col_kind", lang): frame["kind"].map(lambda k: t(f"pack_kind_{k}", lang)),
            t("pack_col_who", lang): frame["who"],
            t("pack_col_request", lang): frame["request"],
            t("pack_col_evidence", lang): frame["evidence"],
        }
    )
    counts = {k: int((frame["kind"] == k).sum()) for k in KINDS}
    return Panel(frame=frame, table=table, note=t("pack_requests_counts", lang, total=len(frame), **counts))
