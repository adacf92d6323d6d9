"""客户集中度: the largest customers' shares of revenue, top-N share and HHI (``customer_concentration``)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from .. import evidence
from ..angle import BUYERS, metrics_need
from ..data import facts
from ..data.customers import customer_facts, customer_names
from ..display.formatting import format_amount, format_amounts, format_chance, format_int, format_pct
from ..display.panel import Panel, needs
from ..display.plotting.pareto import plot_pareto
from ..findings import STANDING_SINCE, finding, make_finding, severity_of
from ..i18n import t
from ..periods import months_back, shift_month
from ..report import Report, scope_memo
from ..stats import largest_share_chance, largest_share_of
from . import keys
from .common import NAME, fmt_num, history, scope_months
from .keys import customer_month_revenue, month_revenue


def concentration_shares(revenue: pd.Series, top: int = 10, unnamed: float = 0.0) -> dict[str, Any]:
    """Top-``top`` share, largest share and Herfindahl-Hirschman index of revenue per customer.

    Customers with zero or negative revenue are left out. ``unnamed``: the revenue of orders without a customer
    (walk-in sales), part of the total every share is of. Returns customers, total, top_share, largest_share,
    largest_customer, hhi (Σ share², at most 1); shares are ``None`` without revenue. The shares are summed
    largest first; the largest customer is the first id among the equally largest.
    """
    values = revenue[revenue > 0].astype(float)
    total = float(values.sum()) + (max(float(unnamed), 0.0) if len(values) else 0.0)
    if values.empty or total <= 0:
        return {"customers": 0, "total": 0.0, "top_share": None, "largest_share": None, "largest_customer": None,
                "hhi": None}  # fmt: skip
    shares = (values / total).to_numpy()
    ordered = -np.sort(-shares)  # largest first; equal shares are equal numbers, so their order changes no sum
    return {
        "customers": int(len(shares)),
        "total": total,
        "top_share": float(min(ordered[:top].sum(), 1.0)),
        "largest_share": float(ordered[0]),
        "largest_customer": str(min(values.index[shares == ordered[0]])),
        "hhi": float(min((ordered**2).sum(), 1.0)),
    }


def _window(report: Report) -> list[str]:
    """The ``market.concentration_months`` months up to the period that the data covers, read whole.

    Summed whole (every day, also in a partial month's report): a month that sold after the partial month's day
    only is in it (Sakila's May 2005, from the 24th, was dropped from the 2005-08 report's window).
    """
    return report.covered(months_back(report.period, report.settings(NAME)["concentration_months"]), whole=True)


@scope_memo  # the window's rule, metrics and panel read one computation
def _revenue(report: Report) -> pd.Series:
    """Revenue per customer in scope over the concentration window (every day of it, also in a partial month)."""
    return scope_months(report, _window(report), whole=True).groupby("customer_id")["revenue"].sum()


def concentration_metrics(report: Report) -> dict[str, Any]:
    """Customer concentration over the ``market.concentration_months`` months up to the period, in scope.

    Keys as in :func:`concentration_shares`, plus months (the window length in the data), top_n, and
    top_revenue / largest_revenue (their average monthly revenue in the window).
    """
    months = _window(report)
    top = report.settings(NAME)["top_customers"]
    out = concentration_shares(_revenue(report), top, _unnamed(report, months, whole=True))
    n = max(len(months), 1)
    out.update({"months": len(months), "top_n": top})
    out["top_revenue"] = (out["top_share"] or 0.0) * out["total"] / n
    out["largest_revenue"] = (out["largest_share"] or 0.0) * out["total"] / n
    return out


def month_concentration(report: Report, month: str, region: str | None = None) -> tuple[dict[str, Any], float]:
    """:func:`concentration_shares` of one month's revenue per customer in ``region``, and its largest one's revenue.

    Kept per dataset: every report month whose history holds the month reads the same figures.
    """
    scope, top = report.region if region is None else region, report.settings(NAME)["top_customers"]

    def build(_) -> tuple[dict[str, Any], float]:
        revenue = month_revenue(customer_month_revenue(report, scope), month)
        shares = concentration_shares(revenue, top, _unnamed(report, [month], scope))
        largest = shares["largest_customer"]
        return shares, float(revenue.get(largest, 0.0)) if largest is not None else 0.0

    return report.cached(NAME, ("month_concentration", scope, month, top), build)


def _unnamed(report: Report, months: list[str], region: str | None = None, *, whole: bool = False) -> float:
    """Revenue in scope of the orders without a customer (walk-in sales): a customer's share is of all revenue."""
    if not facts.per_dataset(report.ds, ("market", "has_unnamed"), lambda: _has_unnamed(report.ds)):
        return 0.0
    rows = scope_months(report, months, region, whole=whole)
    return float(rows.loc[rows["customer_id"].isna(), "revenue"].sum())


def _has_unnamed(ds) -> bool:
    return bool(facts.order_facts(ds)["customer_id"].isna().any())


@scope_memo  # its panel, rule and metrics read one computation per report scope
def period_concentration(report: Report, region: str | None = None) -> dict[str, Any]:
    """The period's own concentration in ``region`` (default: the report's) and its usual level.

    Keys: customers (buyers this month), top_share / largest_share / largest_customer / hhi of this month's
    revenue (:func:`concentration_shares`), usual_top_share / usual_largest_share (the mean of the same figures
    over the ``market.history_months`` months before; the largest share at least what a month of this month's
    number of buyers drawn from those months' holds, :func:`salesnb.stats.largest_share_of`),
    customer_usual_share (the largest customer's own share of the scope's revenue over those months) and
    largest_revenue (its revenue this month).
    """
    now, largest_revenue = month_concentration(report, report.period, region)
    out = dict(now)
    months = history(report, region=region)  # the region's own months, without its gap months
    past = [month_concentration(report, m, region)[0] for m in months]
    known = [p for p in past if p["top_share"] is not None]
    out["usual_top_share"] = float(np.mean([p["top_share"] for p in known])) if known else None
    out["usual_largest_share"] = float(np.mean([p["largest_share"] for p in known])) if known else None
    if known and out["customers"]:  # as many buyers as this month's: fewer hold more each by arithmetic alone
        pool = _usual_pool(report, region, months)
        out["usual_largest_share"] = max(out["usual_largest_share"], largest_share_of(pool, int(out["customers"])))
    before = scope_months(report, months, region)
    total = float(before["revenue"].sum())
    largest = out["largest_customer"]
    own = 0.0
    if largest is not None:  # its rows found by code, not by comparing every row's id text
        mine = keys.row_codes(report, before) == keys.customer_ids(report).get_loc(largest)
        own = float(before.loc[mine, "revenue"].sum())
    out["customer_usual_share"] = own / total if total > 0 and largest is not None else None
    out["largest_revenue"] = largest_revenue
    return out


def _usual_pool(report: Report, region: str | None, months: list[str]) -> np.ndarray:
    """Customer-months' revenue of ``months`` in ``region`` (default: the report's): what a usual month draws from."""
    cells = customer_month_revenue(report, report.region if region is None else region)
    return np.concatenate([month_revenue(cells, m).to_numpy() for m in months])


def period_chance(report: Report, region: str | None = None) -> float:
    """Chance that a usual month of this month's buyers has a largest customer at least as large as this month's.

    The month's buyers drawn from the customer-months of the months :func:`period_concentration` compares with
    (:func:`salesnb.stats.largest_share_chance`); NaN when there is nothing to compare.
    """
    m = period_concentration(report, region)
    if m["largest_share"] is None or not m["customers"]:
        return float("nan")
    pool = _usual_pool(report, region, history(report, region=region))
    return largest_share_chance(pool, int(m["customers"]), m["largest_share"])


def period_concentration_rise(report: Report) -> list[dict[str, Any]]:
    """Rule customer_concentration, the period's own (variant ``period``): one customer suddenly a large part of it.

    In each scope (the report's region; in the ALL report the company and every region): the month's largest
    customer holds at least ``thresholds.market.period_largest_share`` of the month's revenue, at least
    ``period_rise_points`` more than its own usual share and than the usual month's largest share, among at
    least ``period_min_customers`` buyers; and a usual month of as many buyers seldom has one so large
    (:func:`period_chance`, the scopes judged adjusted together, q-value under ``thresholds.market.fdr``): ten
    buyers of heavy-tailed sizes have a largest one of 45 % in one month of twenty. A customer that bought nothing
    in the months compared is said to be new to them, and the action is to follow its large order up, not an
    account plan. The effect is its revenue
    beyond its usual share of the month: revenue the month gained, at risk of not coming back, not a shortfall,
    so one month's spike is at most medium (a watch item for the review; the window's rule sizes a lasting
    dependence).
    """
    thr, lang = report.thresholds(NAME), report.lang
    judged, fired = 0, []
    for region, segment in report.scopes(company=True):
        m = period_concentration(report, region)
        if (
            m["largest_share"] is None
            or m["usual_largest_share"] is None
            or m["customers"] < thr["period_min_customers"]
        ):
            continue
        judged += 1
        own = m["customer_usual_share"] or 0.0
        rise = m["largest_share"] - max(own, m["usual_largest_share"])
        if m["largest_share"] >= thr["period_largest_share"] and rise >= thr["period_rise_points"]:
            fired.append((region, segment, m, own))
    # the scopes judged but not fired count as p = 1: their chance is never drawn, and so never lowers a q-value
    chances = [period_chance(report, region) for region, *_ in fired]
    q = evidence.q_values(chances + [1.0] * (judged - len(fired)))
    out = []
    for (_, segment, m, own), chance, q_value in zip(fired, chances, q, strict=False):
        if not evidence.confirmed(q_value, thr["fdr"]):
            continue
        months, fresh = len(history(report)), own <= 0  # fresh: no purchase in the months compared, no account yet
        before = t("mk_conc_before_none" if fresh else "mk_conc_before", lang, months=months, own=format_pct(own))
        action = "finding_customer_concentration_new_action" if fresh else "finding_customer_concentration_action"
        values = {
            "where": report.where(segment),
            "customer": customer_facts(report.ds)["name"].get(m["largest_customer"], m["largest_customer"]),
            "share": format_pct(m["largest_share"]), "own": format_pct(own), "before": before,
            "usual_largest": format_pct(m["usual_largest_share"]), "top": format_pct(m["top_share"]),
            "usual_top": format_pct(m["usual_top_share"]), "n": report.settings(NAME)["top_customers"],
            "revenue": format_amount(m["largest_revenue"], lang), "months": months,
            "buyers": format_int(m["customers"]), "chance": format_chance(chance),
        }  # fmt: skip
        effect = m["largest_revenue"] - own * m["total"]
        level = severity_of(effect, report.revenue, report.config)
        out.append(
            finding(
                report, "customer_concentration", {**segment, "customer_id": m["largest_customer"]}, values,
                angle=NAME, variant="period", action_key=action,
                metric="period_largest_customer_share", value=m["largest_share"], baseline=own, effect=effect,
                severity="medium" if level == "high" else level,
            )
        )  # fmt: skip
    return out


def concentration_frame(report: Report) -> pd.DataFrame:
    """The largest customers over the concentration window: revenue, share and cumulative share.

    Columns: rank, customer_id, name, revenue, share, cum_share; the top ``market.top_customers`` rows.
    """
    top = report.settings(NAME)["top_customers"]
    revenue = _revenue(report)
    revenue = revenue[revenue > 0]
    total = float(revenue.sum()) + _unnamed(report, _window(report), whole=True)
    frame = revenue.rename("revenue").rename_axis("customer_id").reset_index()
    frame = frame.sort_values(["revenue", "customer_id"], ascending=[False, True], kind="stable").head(top)
    frame["share"] = frame["revenue"] / total if total > 0 else np.nan
    frame["cum_share"] = frame["share"].cumsum()
    frame["name"] = customer_names(report.ds, frame["customer_id"])
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame.reset_index(drop=True)[["rank", "customer_id", "name", "revenue", "share", "cum_share"]]


def concentration(report: Report) -> list[dict[str, Any]]:
    """Rule customer_concentration: the window's (one customer or the top N hold too much) and the period's.

    The period's: one customer suddenly a large part of the month (:func:`period_concentration_rise`).
    Thresholds: ``thresholds.market.{concentration_largest_share, concentration_over_others,
    concentration_top10_share, concentration_min_customers}``; only on a window of at least half
    ``market.concentration_months``. When the window's finding names the customer the period's finding names in
    the same scope, the window's stands alone, and the month's jump makes it news, never a standing dependence
    (:func:`_standing`).
    """
    period = period_concentration_rise(report)
    named = {f["segment"]["customer_id"] for f in period if "region" not in f["segment"]}
    window = _window_concentration(report, named)
    if window and window[0]["segment"].get("customer_id") in named:  # the same customer: one story, the window's
        period = [f for f in period if f["segment"] != {"customer_id": window[0]["segment"]["customer_id"]}]
    return window + period


def _window_state(report: Report) -> dict[str, Any] | None:
    """The window's limit ``report``'s month passes: which (``largest``, else ``top``), share, limit, customer.

    ``None`` when neither is passed, or on a window shorter than half ``market.concentration_months`` (a few
    months make any small customer base look concentrated). ``metrics``: :func:`concentration_metrics`.
    """
    thr, settings = report.thresholds(NAME), report.settings(NAME)
    m = concentration_metrics(report)
    if m["top_share"] is None or m["months"] < settings["concentration_months"] / 2:
        return None
    if m["largest_share"] >= thr["concentration_largest_share"] and _dominant(m, thr["concentration_over_others"]):
        which, customer = "largest", m["largest_customer"]
    elif m["top_share"] >= thr["concentration_top10_share"] and m["customers"] >= thr["concentration_min_customers"]:
        which, customer = "top", None  # with few customers the top 10 hold most revenue by construction
    else:
        return None
    limit = thr["concentration_largest_share" if which == "largest" else "concentration_top10_share"]
    return {"which": which, "customer": customer, "share": m[f"{which}_share"], "limit": limit, "metrics": m}


def _dominant(m: dict[str, Any], times: float) -> bool:
    """Whether the largest customer buys at least ``times`` what the average other customer buys.

    Among few customers the largest holds a large share by arithmetic: a sales team of four accounts of about
    equal size has one above 25 % every month (31.0 %, HHI 0.256, was a high "过度依赖单一客户" with the largest
    changing month to month). Dependence is one customer far above the others; with ten customers or more the
    share limit is the stricter test. A single customer is the whole dependence.
    """
    others = m["customers"] - 1
    return others < 1 or m["largest_share"] >= times * (1 - m["largest_share"]) / others


def _same(state: dict[str, Any], then: dict[str, Any] | None) -> bool:
    """Whether ``then`` is ``state``'s dependence: the same limit passed, by the same customer."""
    return then is not None and (then["which"], then["customer"]) == (state["which"], state["customer"])


def _grown(state: dict[str, Any], raised: dict[str, Any], worse: float) -> bool:
    """Whether ``state``'s share beyond the limit exceeds ``raised``'s by more than ``worse`` of it."""
    return state["share"] - state["limit"] > (raised["share"] - raised["limit"]) * (1 + worse)


def _standing(report: Report, state: dict[str, Any]) -> dict[str, Any] | None:
    """The :func:`_window_state` ``state`` is measured against when it is the same dependence, no worse; else ``None``.

    That is the state of the month it was last raised (its ``month``): the detail quotes that share, not last month's.

    A dependence is a state, not a change: one that passed the limit last month too (the same limit, the same
    customer) is no news this month unless its share beyond the limit grew by more than
    ``findings.worse_change`` (the follow-up's own "worse") over the share it had when it was last raised: the
    month the streak began (at most ``market.concentration_months`` back), then each month it grew that much
    again. Measured against the last raised share, not last month's, so a dependence creeping up a little every
    month is raised again once the creep adds up. Shares, not the revenue beyond the limit: a company that grew
    keeps the same dependence.
    """
    streak: list[dict[str, Any]] = []  # the same dependence in the months before, latest first
    month = report.period
    for _ in range(int(report.settings(NAME)["concentration_months"])):
        month = shift_month(month, 1)
        then = _earlier_state(report, month) if report.covered([month]) else None
        if not _same(state, then):
            break
        streak.append({**then, "month": month})
    if not streak:
        return None
    worse = float(report.settings("findings")["worse_change"])
    raised = streak[-1]
    for then in reversed(streak[:-1]):
        if _grown(then, raised, worse):
            raised = then
    return None if _grown(state, raised, worse) else raised


def _earlier_state(report: Report, month: str) -> dict[str, Any] | None:
    """:func:`_window_state` of an earlier ``month`` in ``report``'s scope, kept per dataset.

    The reports of a batch's months walk back over the same months. An earlier month is read as its own report
    read it, on whole months (:func:`salesnb.followup` does the same): a partial month's report keeps only days
    1..D of every month, and last month's window read so made another customer the largest or none (Chinook's
    美国 in November, through the 14th: 该客户上月已占 30.7 %, where October's report had said 27.2 %).
    """
    earlier = replace(report, ds=report.whole, period=month)
    settings = (report.thresholds(NAME), report.settings(NAME))
    key = ("window_state", report.region, month, json.dumps(settings, sort_keys=True, default=repr))
    return earlier.cached(NAME, key, lambda _: _window_state(earlier))


def _window_concentration(report: Report, spiked: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """The window's rule: one customer, or the top N, hold too much of the ``concentration_months`` revenue.

    The effect is the average month's revenue beyond the limit share (the customer's, or the top N's, share
    above ``concentration_largest_share`` / ``concentration_top10_share`` of the month): a standing dependence
    sized by how far it exceeds what the company accepts. The customer's whole revenue would make every such
    finding high (one customer at the 20 % limit is already 20 % of a month) and rank a structural risk above
    this month's falls. Raised at that severity the month the limit is passed or the dependence worsens; a
    dependence standing since last month (:func:`_standing`; not when the period's rule names its customer in
    ``spiked``) is carried as ongoing: low, below this month's falls, its detail saying it was there already.
    """
    thr, lang = report.thresholds(NAME), report.lang
    state = _window_state(report)
    if state is None:
        return []
    m = state["metrics"]
    then = None if state["customer"] in spiked else _standing(report, state)
    values = {
        "where": "",
        "months": m["months"],
        "n": m["top_n"],
        "largest": format_pct(m["largest_share"]),
        "largest_limit": format_pct(thr["concentration_largest_share"]),
        "top": format_pct(m["top_share"]),
        "top_limit": format_pct(thr["concentration_top10_share"]),
        "hhi": fmt_num(m["hhi"], 3),
        "standing": "",
        "customers": format_int(m["customers"]),
    }
    if then is not None:
        key = "mk_conc_standing_largest" if state["which"] == "largest" else "mk_conc_standing_top"
        shares = {"then": format_pct(then["share"]), "now": format_pct(state["share"])}
        values["standing"] = t(key, lang, n=m["top_n"], raised=then["month"], **shares)
    severity = None if then is None else "low"
    effect = _beyond(m, state["which"], state["limit"])
    standing = {} if then is None else {STANDING_SINCE: then["month"]}  # the follow-up's "worse" reads it
    if state["which"] == "largest":  # the one-customer title over the shared detail and action
        values["customer"] = customer_facts(report.ds)["name"].get(m["largest_customer"], m["largest_customer"])
        # among fewer customers than the top-N limit counts for, the top N hold most revenue by construction (a
        # country of 13 customers: 前10大客户占 98.8%（警戒线 50.0%）): the detail says how many there are instead
        few = m["customers"] < thr["concentration_min_customers"]
        detail = "finding_customer_concentration_few_detail" if few else "finding_customer_concentration_detail"
        return [
            make_finding(
                angle=NAME, code="customer_concentration", segment={"customer_id": m["largest_customer"]},
                metric="largest_customer_share", value=m["largest_share"], baseline=state["limit"],
                revenue=report.revenue, effect=effect, config=report.config, severity=severity,
                title=t("finding_customer_concentration_largest_title", lang, **values),
                detail=t(detail, lang, **values),
                action=t("finding_customer_concentration_action", lang),
            )
            | standing
        ]  # fmt: skip
    return [
        finding(
            report, "customer_concentration", {}, values, angle=NAME, metric="top10_share", value=m["top_share"],
            baseline=state["limit"], effect=effect, severity=severity,
        )
        | standing
    ]  # fmt: skip


def _beyond(m: dict[str, Any], which: str, limit: float) -> float:
    """The average month's revenue of ``which`` (``largest`` / ``top``) above ``limit`` of the month's revenue."""
    share = m[f"{which}_share"] or 0.0
    return max(share - limit, 0.0) / share * m[f"{which}_revenue"] if share > 0 else 0.0


@metrics_need(BUYERS)
def metrics(report: Report) -> dict[str, Any]:
    """Top-N share, largest customer's share and HHI of the concentration window."""
    conc = concentration_metrics(report)
    now = period_concentration(report)
    return {
        "top10_share": conc["top_share"], "largest_customer_share": conc["largest_share"], "hhi": conc["hhi"],
        "period_top10_share": now["top_share"], "period_largest_customer_share": now["largest_share"],
        "usual_period_top10_share": now["usual_top_share"],
        "usual_period_largest_customer_share": now["usual_largest_share"],
    }  # fmt: skip


@needs(BUYERS)
def concentration_panel(report: Report) -> Panel:
    """客户集中度: the largest customers' shares of revenue, top-N share, largest share and HHI."""
    lang = report.lang
    frame = concentration_frame(report)
    m = concentration_metrics(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plot_pareto(
        frame, limit=report.thresholds(NAME)["concentration_top10_share"], lang=lang,
        title=t("mk_concentration_title", lang, n=m["top_n"]),
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("mk_rank", lang): frame["rank"].map(str),
            t("mk_customer", lang): frame["name"],
            t("mk_revenue", lang): format_amounts(frame["revenue"], lang),
            t("mk_share", lang): frame["share"].map(format_pct),
            t("mk_cum_share", lang): frame["cum_share"].map(format_pct),
        }
    )
    note = t(
        "mk_concentration_note", lang, months=m["months"], customers=format_int(m["customers"]), n=m["top_n"],
        top=format_pct(m["top_share"]), largest=format_pct(m["largest_share"]), hhi=fmt_num(m["hhi"], 4),
    )  # fmt: skip
    now = period_concentration(report)
    note += t(
        "mk_concentration_period_note", lang, n=m["top_n"], top=format_pct(now["top_share"]),
        largest=format_pct(now["largest_share"]), usual_top=format_pct(now["usual_top_share"]),
        usual_largest=format_pct(now["usual_largest_share"]), months=len(history(report)),
    )  # fmt: skip
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)
