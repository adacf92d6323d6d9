"""信用风险: customers with overdue invoices who still have open deals in the last stages before signature."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import expect
from ..data import facts
from ..data.customers import customer_regions
from ..display import plotting
from ..display.formatting import format_amount, format_amounts, format_int
from ..display.panel import Panel, needs
from ..findings import finding, severity_of
from ..i18n import t
from ..periods import ALL
from ..report import Report, scope_memo
from .common import NAME, usual_months
from .receivables import overdue_invoices


def late_stage_deals(report: Report, month: str, customers: pd.Index | None = None) -> pd.DataFrame:
    """Deals open at the end of ``month`` whose furthest stage reached by then is one of the last stages.

    The last ``thresholds.support.credit_stages`` of the configured ``stages`` count; adds ``stage``. With
    ``customers``, only these customers' deals (the same rows as filtering the result): the credit check asks
    for the few customers with overdue invoices, and the stages of every open deal need not be found for them.
    """
    cutoff = report.window(month)[1]
    stages = report.config["stages"]
    late = stages[max(0, len(stages) - report.thresholds(NAME)["credit_stages"]) :]
    opps = report.ds["opportunities"]
    index = stage_index(report)
    open_then = (index["created_at"] < cutoff) & (
        (index["closed_at"] >= cutoff) | (np.isnat(index["closed_at"]) & index["is_open"])
    )
    open_then &= index["has_customer"]
    if customers is not None:  # the customers' ids matched against the open deals' only
        candidates = np.flatnonzero(open_then)
        open_then[candidates] = facts.among(opps["customer_id"].take(candidates), customers)
    furthest = furthest_rank(index, open_then, cutoff)
    names = np.array([*stages, np.nan], dtype=object)  # rank -1 (no ranked stage entered by then): missing
    opps = opps[open_then].assign(stage=names[furthest[open_then]])
    return opps[opps["stage"].isin(late)]


def stage_index(report: Report) -> dict[str, np.ndarray]:
    """The deals' and their stage events' columns :func:`late_stage_deals` reads each month, as arrays, per dataset.

    Deals and events share one numbering of the opportunity ids (``deal_code``, ``event_code``; a missing id is
    the last number, as ``isin`` matches missing with missing), so a month's events of its open deals are an
    array lookup instead of a text match; ``event_rank`` is the position of the event's stage in ``stages``
    (events of other stages are left out). The events are sorted by deal: a deal's events are the positions
    ``event_start[code]`` up to ``event_start[code + 1]``.
    """
    stages = tuple(report.config["stages"])

    def build(ds) -> dict[str, np.ndarray]:
        opps, events = ds["opportunities"], ds["stage_events"]
        stage_codes, names = pd.factorize(events["stage"])  # rank each stage name once, not each event
        rank_of = {name: k for k, name in enumerate(stages)}
        rank = np.array([rank_of.get(name, -1) for name in names] + [-1], dtype=np.int64)[stage_codes]
        ranked = rank >= 0
        codes, uniques = pd.factorize(pd.concat([opps["opportunity_id"], events["opportunity_id"]], ignore_index=True))
        codes = np.where(codes < 0, len(uniques), codes)
        event_code = codes[len(opps) :][ranked]
        order = np.argsort(event_code, kind="stable")  # each deal's events side by side
        return {
            "size": np.int64(len(uniques) + 1),
            "deal_code": codes[: len(opps)],
            "created_at": opps["created_at"].to_numpy(),
            "closed_at": opps["closed_at"].to_numpy(),
            "is_open": (opps["status"].str.lower() == "open").fillna(False).to_numpy(dtype=bool),
            "has_customer": opps["customer_id"].notna().to_numpy(),
            "event_code": event_code[order],
            "event_rank": rank[ranked][order],
            "entered_at": events["entered_at"].to_numpy()[ranked][order],
            "event_start": np.searchsorted(event_code[order], np.arange(len(uniques) + 2)),
        }

    return report.cached(NAME, ("stage_index", stages), build)


def furthest_rank(index: dict[str, np.ndarray], deals: np.ndarray, cutoff: pd.Timestamp) -> np.ndarray:
    """Per deal: the highest stage rank among its events entered before ``cutoff``, when ``deals`` holds it; else -1.

    An event counts when its deal's id is the id of a deal in ``deals`` (every deal with that id: a missing id
    matches the deals without one). A deal without an id has no furthest stage (``groupby`` drops missing keys).
    Only the chosen deals' events are read (:func:`stage_index` keeps each deal's side by side): the credit check
    chooses a few deals each month.
    """
    codes = np.unique(index["deal_code"][deals])
    first, count = index["event_start"][codes], np.diff(index["event_start"])[codes]
    at = np.repeat(first - np.cumsum(count) + count, count) + np.arange(count.sum())  # the chosen deals' events
    live = at[index["entered_at"][at] < cutoff]
    best = np.full(index["size"], -1, dtype=np.int64)
    np.maximum.at(best, index["event_code"][live], index["event_rank"][live])
    best[-1] = -1
    return best[index["deal_code"]]


@scope_memo  # the rule (region by region), the panel and the metrics read one computation
def credit_risk_frame(report: Report, month: str | None = None) -> pd.DataFrame:
    """Customers with overdue invoices who still have open deals in the last stages at the end of ``month``.

    A customer counts with an invoice at least ``thresholds.support.credit_days_past_due`` days past due at
    month end and an open deal in one of the last ``thresholds.support.credit_stages`` configured stages
    (e.g. 商务谈判, 合同签订).

    Columns: customer_id, customer_name, region, overdue_invoices, overdue_amount (all their overdue
    invoices), max_days_past_due, deals (ids), deal_count, deal_amount, stage (the furthest). Largest deal
    amount first.
    """
    month = month or report.period
    thr, stages = report.thresholds(NAME), tuple(report.config["stages"])
    key = ("credit_risk", report.region, month, thr["credit_days_past_due"], thr["credit_stages"], stages)
    return report.cached(NAME, key, lambda ds: _credit_risk_frame(report, month)).copy()  # once per scope and month


def _credit_risk_frame(report: Report, month: str) -> pd.DataFrame:
    columns = ["customer_id", "customer_name", "region", "overdue_invoices", "overdue_amount", "max_days_past_due"]
    columns += ["deals", "deal_count", "deal_amount", "stage"]
    overdue = overdue_invoices(report, month)
    worst = overdue.groupby("customer_id")["days_past_due"].max()
    is_risky = worst >= report.thresholds(NAME)["credit_days_past_due"]
    risky = worst[is_risky]
    deals = late_stage_deals(report, month, customers=risky.index)
    if deals.empty:
        return pd.DataFrame(columns=columns)
    stages = report.config["stages"]
    grouped = deals.groupby("customer_id")
    keys = sorted(grouped.groups)
    own = overdue[facts.among(overdue["customer_id"], pd.Index(keys))].groupby("customer_id")  # theirs, in order
    frame = pd.DataFrame(
        {
            "overdue_invoices": own.size().reindex(keys),
            "overdue_amount": own["outstanding"].sum().reindex(keys),
            # missing (so a float) where a customer is not risky, as aligned with every overdue customer
            "max_days_past_due": worst.where(is_risky).reindex(keys),
        }
    )
    frame["deals"] = grouped["opportunity_id"].apply(lambda s: ", ".join(sorted(s)))
    frame["deal_count"] = grouped.size()
    frame["deal_amount"] = grouped["amount"].sum(min_count=1).fillna(0.0)
    frame["stage"] = grouped["stage"].apply(lambda s: max(s, key=stages.index))
    frame = frame.rename_axis("customer_id").reset_index()
    frame["customer_name"] = frame["customer_id"].map(customer_names(report)).fillna(frame["customer_id"]).astype(str)
    frame["region"] = frame["customer_id"].map(customer_regions(report.ds))
    frame = frame.sort_values(["deal_amount", "customer_id"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[columns]


def customer_names(report: Report) -> pd.Series:
    """``customer_name`` per customer id (empty without customers), per dataset: every month's frame maps it."""

    def build(ds) -> pd.Series:
        customers = ds.get("customers")
        return customers.set_index("customer_id")["customer_name"] if customers is not None else pd.Series(dtype=object)

    return report.cached(NAME, "customer_names", build)


def usual_exposure(report: Report) -> dict[str, float]:
    """The late-stage deal amount a scope usually carries with overdue customers: top of its expected range.

    Per region (the region's report: its own) over the ``support.history_months`` before the period, the upper
    end of :func:`salesnb.expect.expected`'s interval. Clean regions carry such deals now and then (a month at
    2-7% of the region's revenue among months at 0); only what lies above that range is new exposure.
    """

    def build(ds) -> dict[str, float]:
        months = usual_months(report)
        if not months:
            return {}
        per_month = []
        for month in months:
            frame = credit_risk_frame(report, month)
            keys = frame["region"].fillna("") if report.region == ALL else pd.Series(report.region, frame.index)
            per_month.append(frame.groupby(keys)["deal_amount"].sum())
        table = pd.DataFrame(per_month).fillna(0.0)
        return {str(key): expect.expected(table[key].to_numpy()).high for key in table.columns}

    thr = report.thresholds(NAME)
    late = "|".join(report.config["stages"][-thr["credit_stages"] :])
    key = f"credit_usual:{report.region}:{report.period}:{thr['credit_days_past_due']}:{late}"
    return report.cached(NAME, key, build)


def credit_risk_open_deal(report: Report) -> list[dict[str, Any]]:
    """Rule credit_risk_open_deal: ONE finding per scope for all the customers of :func:`credit_risk_frame`.

    Credit risk is a scope's exposure, not a customer's anecdote: the finding's effect is the total amount of
    the late-stage deals of customers with overdue invoices (the region's report: one finding; the ALL report:
    one per region, the region named), and the customers become its ``members`` table (largest deal first).
    Thresholds: ``thresholds.support.{credit_days_past_due, credit_stages}``. Severity: the exposure above what
    the scope usually carries (:func:`usual_exposure`, the finding's ``baseline``: "usually" as every finding's,
    so last month's exposure that grew reads worse in the follow-up, not nearer its overdue amount) against the
    report's revenue. The overdue amounts stay in the members' ``baseline``.
    """
    frame = credit_risk_frame(report)
    if frame.empty:
        return []
    if report.region == ALL:
        regions = frame["region"].fillna("")
        groups = [(region, frame[regions == region]) for region in sorted(regions.unique())]
    else:
        groups = [(report.region, frame)]
    lang, usual = report.lang, usual_exposure(report)
    out = []
    for region, part in groups:
        segment = {"region": region} if report.region == ALL and region else {}
        top = part.iloc[0]
        values = {
            "where": report.where(segment), "customers": len(part), "invoices": int(part["overdue_invoices"].sum()),
            "overdue": format_amount(part["overdue_amount"].sum(), lang),
            "dpd": format_int(part["max_days_past_due"].max()), "deals": int(part["deal_count"].sum()),
            "amount": format_amount(part["deal_amount"].sum(), lang), "top": top["customer_name"],
            "top_amount": format_amount(top["deal_amount"], lang),
        }  # fmt: skip
        item = finding(
            report, "credit_risk_open_deal", segment, values, angle=NAME, metric="credit_risk_deal_amount",
            value=part["deal_amount"].sum(), baseline=usual.get(region, 0.0), effect=part["deal_amount"].sum(),
            severity=severity_of(
                max(0.0, part["deal_amount"].sum() - usual.get(region, 0.0)), report.revenue, report.config
            ),
        )  # fmt: skip
        item["members"] = [
            {"segment": {"customer_id": str(r.customer_id), "customer_name": str(r.customer_name)},
             "value": float(r.deal_amount), "baseline": float(r.overdue_amount), "stage": str(r.stage),
             "deals": str(r.deals), "max_days_past_due": int(r.max_days_past_due)}
            for r in part.itertuples()
        ]  # fmt: skip
        out.append(item)
    return out


@needs("invoices", "opportunities", "stage_events")
def credit_risk_panel(report: Report) -> Panel:
    """信用风险: customers with overdue invoices whose deals are about to be signed, overdue against deal amount."""
    lang = report.lang
    frame = credit_risk_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("sup_no_credit", lang))
    ax = plotting.plot_bar_compare(
        frame.head(report.config["report"]["top_n"]), label="customer_name", current="deal_amount",
        baseline="overdue_amount", lang=lang, legend=(t("sup_deal_amount", lang), t("sup_amount", lang)),
        title=t("sup_credit_title", lang),
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("sup_customer", lang): frame["customer_name"],
            t("region", lang): frame["region"],
            t("sup_overdue_invoices", lang): frame["overdue_invoices"].map(format_int),
            t("sup_amount", lang): format_amounts(frame["overdue_amount"], lang),
            t("sup_max_dpd", lang): frame["max_days_past_due"].map(format_int),
            t("sup_deals", lang): frame["deals"],
            t("sup_deal_amount", lang): format_amounts(frame["deal_amount"], lang),
            t("sup_stage", lang): frame["stage"],
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure)


def metrics(report: Report) -> dict[str, Any]:
    """``credit_risk_customers`` and their ``credit_risk_deal_amount``; nothing without invoices and deals."""
    if not report.ds.has("invoices", "opportunities", "stage_events"):
        return {}
    credit = credit_risk_frame(report)
    return {"credit_risk_customers": int(len(credit)), "credit_risk_deal_amount": float(credit["deal_amount"].sum())}
