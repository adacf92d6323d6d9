"""Overview angle (月度业绩概览): attainment, growth against baselines, composition, orders and order value."""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import cause_tree, drivers, followup, planning
from .angle import ANGLE_NAMES, ORDERS, Angle, missing
from .angle import get as get_angle
from .composition import composition_frame as composition_frame  # re-exported: the notebook calls overview.*
from .composition import composition_panel as composition_panel
from .composition import split_facts
from .data import facts
from .data.day_gaps import calendar_gaps, gaps_in
from .data.grouping import aggregate
from .data.messages import need_name
from .data.targets import segment_targets, total_target
from .display import plotting
from .display.formatting import format_amount, format_amounts, format_int, format_pct
from .display.panel import Panel
from .findings import FindingsPanel, all_findings, explained_text, findings_panel, heads_text, status_text
from .header import opens_the_data
from .i18n import days_through, joined, t
from .market.acquisition import new_customer_months
from .market.common import acquisition_history
from .market.company import company_frame
from .market.regions import region_frame
from .market.retention import retention_months
from .periods import ALL, averaged_months, months_back
from .report import Report, scope_memo
from .stats import change, number, ratio


def _revenue(report: Report, months: list[str]) -> float:
    """Revenue of the report's region in ``months`` (summed, not averaged)."""
    return float(facts.scoped(facts.order_facts(report.ds), report.region, months)["revenue"].sum())


def _year_to_date(report: Report) -> tuple[float, float | None, float]:
    """Revenue and target from January through the report month, and the revenue of the months with a target.

    Attainment reads the latter: a target sheet begun in April set no target for March. A partial month's report
    reads every month through the same days (:attr:`Report.ds`); the year so far is its earlier months whole
    (:attr:`Report.whole`) plus the report month's days so far, against those months' targets and the report
    month's target for its days so far. An earlier month is in it when it sold after day D only (a shop opened on
    the 24th, a trade invoicing at each month's end): :meth:`Report.covered` reads the months whole here. The
    report month's days are the view's: a last day left out as cut short (:mod:`.data.cut_day`) is left out here.
    """
    months = report.covered(months_back(report.period, int(report.period[5:])), whole=True)  # January on
    targets = {m: total_target(report.whole, [m], report.region) for m in months if m != report.period}
    targets[report.period] = total_target(report.ds, [report.period], report.region)
    aimed = [m for m, target in targets.items() if target is not None]
    earlier = facts.scoped(facts.order_facts(report.whole), report.region, [m for m in months if m != report.period])
    rows = pd.concat([earlier, facts.scoped(facts.order_facts(report.ds), report.region, [report.period])])
    revenue, aimed_revenue = float(rows["revenue"].sum()), float(rows.loc[rows["month"].isin(aimed), "revenue"].sum())
    return revenue, (sum(targets[m] for m in aimed) if aimed else None), aimed_revenue


_BUYER_METRICS = ("customers", "new_customers", "repeat_customer_rate")  # need orders that name their customer


@scope_memo  # the panel and the published metrics read one computation
def headline_metrics(report: Report) -> dict[str, Any]:
    """The period's headline numbers and their baselines, as plain Python numbers (``None`` = not computable).

    ``yoy_growth`` and ``revenue_same_month_last_year`` are ``None`` when the data does not reach
    back to the same month last year. ``new_customers`` and ``repeat_customer_rate`` are the market page's
    new customers and share of returning buyers (acquired before the period): one definition of a new customer,
    :func:`salesnb.data.customers.customer_facts`. The three customer figures are ``None`` when the orders name
    no customer; ``new_customers`` and ``repeat_customer_rate`` are ``None`` too in the data's warm-up, where a
    buyer first seen may be new or may have bought before the export began (:func:`market.common.buyer_split`).
    """
    base = report.baselines
    now = facts.scoped(facts.order_facts(report.ds), report.region, report.period)
    revenue = float(now["revenue"].sum())
    n_orders = int(len(now))
    n_customers = int(now["customer_id"].nunique())
    new_customers = new_customer_months(report).set_index("month")["new_customers"].get(report.period, 0)
    returning = retention_months(report).set_index("month")["returning_buyers"].get(report.period, 0)
    if not acquisition_history(report, [report.period]):  # the data's warm-up: buyers first seen, new or not
        new_customers = returning = None
    target = total_target(report.ds, [report.period], report.region)

    def baseline_revenue(period: pd.Period) -> float | None:
        return _revenue(report, [str(period)]) if report.covered([str(period)]) else None

    prev = baseline_revenue(base.previous_month)
    last_year = baseline_revenue(base.same_month_last_year)
    trailing_months = report.trailing()
    trailing_avg = _revenue(report, trailing_months) / len(trailing_months) if trailing_months else None

    ytd_revenue, ytd_target, ytd_aimed = _year_to_date(report)

    out = {
        "revenue": revenue,
        "orders": n_orders,
        "customers": n_customers,
        "aov": number(ratio(revenue, n_orders)),
        "target": target,
        "attainment": number(ratio(revenue, target)),
        "revenue_prev_month": prev,
        "mom_growth": number(change(revenue, prev)),
        "revenue_same_month_last_year": last_year,
        "yoy_growth": number(change(revenue, last_year)),
        "revenue_trailing_avg": trailing_avg,
        "vs_trailing": number(change(revenue, trailing_avg)),
        "ytd_revenue": ytd_revenue,
        "ytd_target": ytd_target,
        "ytd_attainment": number(ratio(ytd_aimed, ytd_target)),
        "new_customers": None if new_customers is None else int(new_customers),
        "repeat_customer_rate": None if returning is None else number(ratio(float(returning), n_customers)),
    }
    if not report.buyers_named:  # every order its own buyer: the counts would be the orders again
        out.update(dict.fromkeys(_BUYER_METRICS))
    if not report.orders_counted:  # rows that total a month: their number is no count of orders
        out.update(dict.fromkeys(("orders", "aov")))
    return out


def headline_panel(report: Report) -> Panel:
    """核心指标: this period against last month, the same month last year and the trailing average."""
    m = headline_metrics(report)
    lang = report.lang
    rows = [
        ("revenue", format_amount(m["revenue"], lang)),
        ("target", format_amount(m["target"], lang)),
        ("attainment", format_pct(m["attainment"])),
        ("mom_growth", format_pct(m["mom_growth"], signed=True)),
        ("yoy_growth", format_pct(m["yoy_growth"], signed=True)),
        ("vs_trailing", format_pct(m["vs_trailing"], signed=True)),
        ("ytd_revenue", format_amount(m["ytd_revenue"], lang)),
        ("ytd_attainment", format_pct(m["ytd_attainment"])),
        ("orders", format_int(m["orders"])),
        ("customers", format_int(m["customers"])),
        ("aov", format_amount(m["aov"], lang)),
        ("new_customers", format_int(m["new_customers"])),
        ("repeat_customer_rate", format_pct(m["repeat_customer_rate"])),
    ]
    n = averaged_months(report.trailing(), report.baselines)  # the months averaged
    table = pd.DataFrame(
        {t("metric", lang): [t(k, lang, n=n) for k, _ in rows], t("value", lang): [v for _, v in rows]}
    )
    frame = pd.DataFrame({"metric": list(m), "value": list(m.values())})
    notes = [] if m["target"] is not None else [report.no_target_note()]
    notes += [] if report.buyers_named else [t("buyers_unnamed", lang)]
    notes += [t("new_customers_warm_up", lang)] if report.buyers_named and m["new_customers"] is None else []
    now = facts.scoped(facts.order_facts(report.ds), report.region, report.period)
    unnamed = now["customer_id"].isna()
    if unnamed.any():
        share = ratio(float(now.loc[unnamed, "revenue"].sum()), float(now["revenue"].sum()))
        notes.append(t("buyers_partly_unnamed", lang, n=int(unnamed.sum()), share=format_pct(share)))
    return Panel(frame=frame, table=table, note=" ".join(notes))


def trend_frame(report: Report, months: int | None = None) -> pd.DataFrame:
    """Revenue, target, orders and order value for the ``months`` months up to the period (fewer if data is short).

    ``months`` defaults to the setting ``overview.trend_months``.
    """
    months = months or report.settings("overview")["trend_months"]
    labels = report.covered(months_back(report.period, months))
    orders = facts.scoped(facts.order_facts(report.ds), report.region, labels)
    grouped = aggregate(orders.groupby("month"), revenue=("revenue", "sum"), orders=("order_id", "size"))
    frame = grouped.reindex(labels, fill_value=0).rename_axis("period").reset_index()
    frame["revenue"] = frame["revenue"].astype(float)
    frame["orders"] = frame["orders"].astype(int)
    frame["aov"] = frame["revenue"] / frame["orders"].where(frame["orders"] > 0)
    frame["target"] = [total_target(report.ds, [p], report.region) for p in labels]
    frame["target"] = frame["target"].astype(float)
    frame["attainment"] = frame["revenue"] / frame["target"].where(frame["target"] > 0)
    return frame


def trend_panel(report: Report) -> Panel:
    """月度趋势: monthly revenue bars against the target line, the report month highlighted."""
    frame = trend_frame(report)
    lang = report.lang
    ax = plotting.plot_trend(
        frame, highlight=report.period, lang=lang, title=f"{t('revenue', lang)} · {report.region_label}"
    )
    table = pd.DataFrame(
        {
            t("period", lang): frame["period"],
            t("revenue", lang): format_amounts(frame["revenue"], lang),
            t("target", lang): format_amounts(frame["target"], lang),
            t("attainment", lang): frame["attainment"].map(format_pct),
            t("orders", lang): frame["orders"].map("{:,}".format),
            t("aov", lang): format_amounts(frame["aov"], lang),
        }
    )
    if not report.orders_counted:  # rows that total a month: no orders, no order value
        table = table.drop(columns=[t("orders", lang), t("aov", lang)])
    if report.ds.get("targets") is None:  # no target table: two columns of dashes (the core table says why)
        table = table.drop(columns=[t("target", lang), t("attainment", lang)])
    key = "trend_partial_first_note" if opens_the_data(report.ds, report.period) else "trend_partial_note"
    note = t(key, lang, days=days_through(report.through_day, lang)) if report.partial else ""
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def attainment_frame(report: Report, by: str) -> pd.DataFrame:
    """Revenue, target, attainment and gap per ``product_line`` or ``rep_id`` for the period.

    Segments with a target but no revenue appear with revenue 0; segments with revenue but no
    target have attainment ``NaN``. Sorted by attainment, worst first.
    """
    revenue = split_facts(report, by, report.period).groupby(by)["revenue"].sum()
    targets = segment_targets(report.ds, report.period, report.region, by)
    frame = pd.concat([revenue.rename("revenue"), targets.rename("target")], axis=1).fillna({"revenue": 0.0})
    frame = frame.rename_axis("segment").reset_index()
    frame["attainment"] = frame["revenue"] / frame["target"].where(frame["target"] > 0)
    frame["gap"] = frame["revenue"] - frame["target"]
    if by == "rep_id":
        reps = report.ds.get("reps")
        names = reps.set_index("rep_id")["rep_name"] if reps is not None else pd.Series(dtype=object)
        frame["label"] = frame["segment"].map(names).fillna(frame["segment"]).astype(str)
    else:
        frame["label"] = frame["segment"].astype(str)
    return frame.sort_values(["attainment", "segment"], na_position="last").reset_index(drop=True)


def _no_segment_target(report: Report, by: str) -> str:
    """Why no segment of ``by`` has a target: none for the period at all, or the scope's not set per segment.

    Most companies set the month's target per region or per rep only: "no target this period" beside a core
    table showing the region's target and attainment reads as a contradiction.
    """
    if total_target(report.ds, [report.period], report.region) is None:
        return report.no_target_note()
    segment = t("by_product_line" if by == "product_line" else "by_rep", report.lang)
    return t("no_segment_target", report.lang, by=segment)


def attainment_panel(report: Report, by: str = "product_line") -> Panel:
    """目标达成 by product line or rep: a bar per segment against the 100% line, with a table."""
    lang = report.lang
    for table in ("order_lines", "targets") if by == "product_line" else ("targets",):  # the first missing one
        skipped = report.needs(table)
        if skipped is not None:
            return skipped
    frame = attainment_frame(report, by)
    with_target = frame[frame["target"].notna()]
    if with_target.empty:
        return Panel(frame=frame, note=_no_segment_target(report, by))
    limit = 2 * report.config["report"]["top_n"]
    shown = frame.head(limit)  # worst first: the segments that need attention
    note = t("showing_lowest", lang, shown=limit, total=len(frame)) if len(frame) > limit else ""
    ax = plotting.plot_attainment(
        with_target.head(limit), label="label", value="attainment", lang=lang,
        title=f"{t('attainment', lang)} · {t(by, lang)}",
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t(by, lang): shown["label"],
            t("revenue", lang): format_amounts(shown["revenue"], lang),
            t("target", lang): format_amounts(shown["target"], lang),
            t("attainment", lang): shown["attainment"].map(format_pct),
            t("gap", lang): format_amounts(shown["gap"], lang),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


@scope_memo  # the panel and the published metrics read one computation
def orders_aov_frame(report: Report) -> pd.DataFrame:
    """Orders, buyers and average order value this period against each baseline (``NaN`` outside the data)."""
    base = report.baselines
    columns = {
        "value": [report.period],
        "previous_month": report.covered([str(base.previous_month)]),
        "same_month_last_year": report.covered([str(base.same_month_last_year)]),
        "trailing_avg": report.trailing(),
    }
    out, named = {}, report.buyers_named
    for name, months in columns.items():
        if not months:
            out[name] = {"orders": float("nan"), "customers": float("nan"), "aov": float("nan")}
            continue
        sub = facts.scoped(facts.order_facts(report.ds), report.region, months)
        n = len(months)
        out[name] = {
            "orders": len(sub) / n,
            "customers": sub.groupby("month")["customer_id"].nunique().sum() / n if named else float("nan"),
            "aov": sub["revenue"].sum() / len(sub) if len(sub) else float("nan"),
        }
    return pd.DataFrame(out).rename_axis("metric").reset_index()


def growth_split(report: Report) -> dict[str, float | None]:
    """Split the revenue change against last month into an order-count part and an order-value part.

    Δrevenue = (orders₁ − orders₀) × aov₀ + orders₁ × (aov₁ − aov₀): the two parts add up exactly.
    """
    frame = orders_aov_frame(report).set_index("metric")
    o1, o0 = frame.loc["orders", "value"], frame.loc["orders", "previous_month"]
    a1, a0 = frame.loc["aov", "value"], frame.loc["aov", "previous_month"]
    if pd.isna(o0) or pd.isna(a0) or o0 == 0:
        return {"orders_effect": None, "aov_effect": None, "total": None}
    a1 = 0.0 if pd.isna(a1) else a1
    orders_effect = (o1 - o0) * a0
    aov_effect = o1 * (a1 - a0)
    return {
        "orders_effect": float(orders_effect),
        "aov_effect": float(aov_effect),
        "total": float(orders_effect + aov_effect),
    }


def orders_aov_panel(report: Report) -> Panel:
    """订单数与客单价: is the change from more orders or bigger ones?"""
    skipped = report.needs(ORDERS)  # rows that total a month: no orders to count
    if skipped is not None:
        return skipped
    lang = report.lang
    frame = orders_aov_frame(report)
    split = growth_split(report)
    chart = frame[frame["metric"] != "customers"].assign(
        label=lambda f: f["metric"].map(lambda k: t(k, lang)),
        unit=lambda f: f["metric"].map(lambda k: "amount" if k == "aov" else "count"),
    )
    ax = plotting.plot_bar_compare(
        chart,
        label="label",
        current="value",
        baseline="previous_month",
        lang=lang,
        scale="row",
        row_units="unit",
        title=f"{t('orders', lang)} / {t('aov', lang)}",
    )

    def cell(metric: str, value: float) -> str:  # counts as whole numbers, order value as an amount
        if metric == "aov":
            return format_amount(value, lang)
        return "—" if pd.isna(value) else f"{value:,.0f}"

    table = pd.DataFrame({t("metric", lang): frame["metric"].map(lambda k: t(k, lang))})
    for column in ("value", "previous_month", "same_month_last_year", "trailing_avg"):
        header = t(column, lang, n=report.config["baselines"]["trailing_months"])
        table[header] = [cell(m, v) for m, v in zip(frame["metric"], frame[column], strict=True)]
    note = ""
    if split["total"] is not None:
        note = t("growth_split", lang, **{k: format_amount(v, lang) for k, v in split.items()})
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def executive_summary_panel(report: Report) -> FindingsPanel:
    """执行摘要: the root findings of every angle, ranked, each with its symptoms folded beneath it.

    The top ``report.top_n`` roots are shown; a symptom (a finding whose ``parent`` explains it, see
    :mod:`salesnb.causes`) is listed under its root instead of as a problem of its own. The table has one row
    per root and one indented row per symptom; a root's row carries its revenue at stake.
    """
    found = all_findings(report)
    lang = report.lang
    limit = int(report.config["report"]["top_n"])
    folded = cause_tree.fold(found)
    top = [f for depth, f in folded if depth == 0][:limit]
    panel = findings_panel(top, lang, show_angle=True, in_order=True)  # fold's order: a cause with a high symptom
    symptoms: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    root = None
    for depth, f in folded:
        root = f["id"] if depth == 0 else root
        if depth:
            symptoms.setdefault(root, []).append((depth, f))
    panel.symptoms = {f["id"]: symptoms.get(f["id"], []) for f in top}
    shown = [row for f in top for row in [(0, f), *panel.symptoms[f["id"]]]]
    panel.frame = cause_tree.summary_frame([f for _, f in shown])
    panel.table = pd.DataFrame(
        {
            t("col_severity", lang): [t("sev_" + f["severity"], lang) for _, f in shown],
            t("col_finding", lang): [
                ("\u3000" * depth + "└ " + f["title"] + explained_text(f, lang))
                if depth
                else f["title"] + heads_text(f, panel.symptoms[f["id"]], lang)
                for depth, f in shown
            ],
            t("summary_col_status", lang): [status_text(f, lang) for _, f in shown],
            t("summary_col_at_stake", lang): [
                "" if depth else format_amount(f.get("effect"), lang) for depth, f in shown
            ],
            t("col_action", lang): ["" if depth else f["action"] for depth, f in shown],
        }
    )
    sentences = []
    if not found:
        note, broad = quiet_month_note(report)
        sentences.append(note)
        panel.quiet_mark = "⚠" if broad else panel.quiet_mark
    if found:
        counts = {level: sum(f["severity"] == level for f in found) for level in ("high", "medium")}
        roots = sum(1 for depth, _ in folded if depth == 0)
        sentences = [t("exec_counts", lang, total=len(found), shown=min(limit, roots), **counts)]
        if len(found) > roots:  # some findings are symptoms folded under their cause
            sentences.append(t("summary_folded", lang, roots=roots, symptoms=len(found) - roots))
    silent = angles_without_rules(report.ds)
    if silent:  # a till export has no reps, deals or tickets: say which angles could not speak, not "five"
        names = joined([t(f"angle_{name}", lang) for name in silent], lang)
        needs = joined(dict.fromkeys(need_name(lacks[0], lang) for lacks in silent.values() if lacks), lang)
        sentences.append(t("exec_angles_without_data", lang, angles=names, needs=needs))
    panel.note = ("" if lang == "zh" else " ").join(s for s in sentences if s)  # Chinese sentences need no space
    return panel


def angles_without_rules(ds: Any) -> dict[str, list[str]]:
    """``{angle: what its rules lack}`` for the summary's angles none of whose finding rules the data can feed.

    Ordered as the reports; what the angle's first rule lacks says what to export first (a till export: team the
    orders' rep, process the leads, support the tickets).
    """
    out = {}
    for name in ANGLE_NAMES:
        angle = get_angle(name)
        if name != "overview" and angle.rules and not angle.runnable_rules(ds):
            out[name] = missing(ds, angle.rules[0].needs)
    return out


def quiet_month_note(report: Report) -> tuple[str, bool]:
    """What the summary says when no angle found a problem: that none sits in one segment, and how the month moved.

    A month well below its baselines with no finding (every region, channel and line fell alike, or the export has
    no such columns to tell them apart) must not read as "all is well": the note gives the headline's changes and,
    past ``overview.broad_decline`` on last year or the trailing average, says which fell and points at the bridge,
    the tree and the driver ranking (then ``True``). A month without any order (a thin business's real zero, SAP
    SHINE's 2021-12) says so instead, and asks whether the export left it out (``True`` after months with sales).
    A fall in a month with days of no order at all (:mod:`.data.day_gaps`) points at those days first.
    """
    lang, m = report.lang, headline_metrics(report)
    empty = not m["orders"]  # a thin business's month without an order: nothing to analyse, not "all is well"
    parts = [t("exec_quiet_no_orders" if empty else "exec_quiet_none", lang)]
    changes = [
        t(key, lang, k=len(report.trailing()), change=format_pct(m[metric], signed=True))
        for key, metric in (("exec_quiet_mom", "mom_growth"), ("exec_quiet_yoy", "yoy_growth"),
                            ("exec_quiet_trailing", "vs_trailing"))
        if m[metric] is not None
    ]  # fmt: skip
    if changes:
        parts.append(t("exec_quiet_moved", lang, revenue=format_amount(m["revenue"], lang), changes="、".join(changes)
                       if lang == "zh" else ", ".join(changes)))  # fmt: skip
    limit = -float(report.settings("overview")["broad_decline"])
    falls = [t(key, lang, k=len(report.trailing())) for key, metric in (("exec_fall_yoy", "yoy_growth"),
             ("exec_fall_trailing", "vs_trailing")) if m[metric] is not None and m[metric] <= limit]  # fmt: skip
    against = joined(falls, lang) if lang == "zh" else " and ".join(falls)
    if falls and not empty and not below_own_swing(report):  # a fall of the size the scope's months swing by
        parts.append(t("exec_quiet_within", lang, against=against))
        falls = []
    silent = sum(g["days"] for g in gaps_in(calendar_gaps(report.whole, report.config), report.period))
    if falls and not empty and silent:  # days of the month hold no order at all (day_gaps): the data's first
        parts.append(t("exec_quiet_gap", lang, against=against, days=silent))
    elif falls and not empty:  # named: a month up on last month and its average may still be far below last year
        parts.append(t("exec_quiet_broad", lang, against=against))
    return ("" if lang == "zh" else " ").join(parts), bool(falls)


def below_own_swing(report: Report) -> bool:
    """Whether the scope's month sold below the low end of what its own trend and season expect (True unknown).

    The band the company's and a region's falls are judged by (:func:`~salesnb.market.company.company_frame`,
    :func:`~salesnb.market.regions.region_frame`'s baseline): a month 15 % under last year in a region whose months
    swing by 15 % is an ordinary month, not a broad fall to warn of (TPC-H's uniform orders: 31 % of a region's
    months were). A scope with too few months for a band keeps the plain warning.
    """
    if report.region == ALL:
        row = company_frame(report)
        revenue, low = row["revenue"], row["expected_low"]
    else:
        frame = region_frame(report).set_index("region")
        if report.region not in frame.index:
            return True
        revenue, low = frame.at[report.region, "revenue"], frame.at[report.region, "baseline_low"]
    return low is None or pd.isna(low) or float(revenue) < float(low)


def followup_panel(report: Report) -> Panel:
    """上月问题跟踪: last month's root findings and their actions, their metric then and now, and their status."""
    return followup.followup_panel(report)


def overview_metrics(report: Report) -> dict[str, Any]:
    """Everything the overview writes to ``metrics.json``: headline figures, last month's bridge, top driver, plan."""
    plan, how = planning.plan_total(report)
    return {
        **headline_metrics(report),
        **drivers.bridge_metrics(report),
        **drivers.driver_metrics(report),
        "plan_next_month": plan,
        "plan_method": how,
        **followup.resolved_metrics(report),
    }


# The overview has no rules of its own: its findings are the executive summary, every other angle's findings
# ranked (findings.all_findings walks angle.ANGLE_NAMES), and its metrics are overview_metrics.
ANGLE = Angle("overview", needs=("orders",), rules=(), metrics_of=(overview_metrics,))
angle_metrics = ANGLE.metrics
angle_findings = all_findings
