"""远低于目标的代表: reps far below target (or their usual level) and improbably low against history and peers.

Without targets, a rep's fall against what the rep's own level and peers expect is the whole test.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import evidence, stats
from ..angle import missing
from ..data import facts
from ..data.reps import left_before_end, rep_info, rep_label, tenure_months
from ..display import plotting
from ..display.formatting import format_amount, format_amounts, format_chance, format_int, format_pct
from ..display.panel import Panel, needs
from ..findings import finding
from ..i18n import t
from ..periods import ALL, month_end
from ..report import Report, scope_memo
from .common import (
    absent_months,
    company_shows,
    count_swing,
    month_rows,
    peer_expectation,
    rep_months,
    revenue_peers,
    unusual,
)

COLUMNS: tuple[str, ...] = (
    "rep_id", "label", "revenue", "target", "attainment", "gap", "expected", "change", "orders", "usual_orders",
    "p_value", "q_value", "tenure_months", "flagged",
)  # fmt: skip


@scope_memo  # the panel, the rule and the published metrics read one computation
def underperform_frame(report: Report) -> pd.DataFrame:
    """Reps selling this period: attainment, revenue against what their history and their peers expect.

    Every rep with a target, and where the data has no targets at all every rep who sold in the month (most
    exports have none, and a rep who halved is the same problem without one): ``target`` and ``attainment``
    are NaN for those and only the fall against the expected can fire.

    The expected revenue is the rep's own level over the ``team.own_months`` months before the period times what
    the month did to the rep's peers (the reps of the region, :func:`.common.peer_expectation`; a region of too few
    reps reads it from the company's, :func:`.common.revenue_peers`): a season or a
    region-wide fall moves everyone and is not one rep's problem (the region's finding covers it). The business rule
    fires when attainment is below ``thresholds.team.underperform_attainment`` or revenue is
    ``thresholds.team.underperform_drop`` or more below the expected; the evidence confirms it, so a normal lumpy month
    does not count: the fall against the rep's own month-to-month spread (at least the spread of the rep's usual order
    count, as overdispersed as the rep's months were: :func:`_lumpy_p`), adjusted over the reps tested (``q_value``,
    Benjamini–Hochberg), below ``thresholds.team.weak_fdr`` (weak but real evidence: the finding is medium; high needs
    ``strong_q``); in a region's report, whose few reps sell a handful of orders a month each, below
    ``thresholds.team.indicative_q`` (indicated, as the market and product rules read a region's segments). Reps hired
    less than ``team.min_tenure_months`` before the period (judged by the ramp analysis; without a hire date, counted
    from the rep's first month with sales in scope) and reps leaving during the month are not tested. Sorted worst
    attainment first, then (without targets) the worst fall.
    """
    thr, settings = report.thresholds("team"), report.settings("team")
    months = rep_months(report)
    now = month_rows(report, report.period)
    if now is None:
        return pd.DataFrame(columns=list(COLUMNS))
    history = report.history(settings["own_months"])
    revenue = months["revenue"].unstack("month")
    targeted = now["target"].notna() & (now["target"] > 0)
    now = (now[targeted] if report.ds.has("targets") else _on_team(report, now, revenue, history)).copy()
    if now.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    counts = months["orders"].unstack("month").reindex(columns=history)
    usual = counts.fillna(0.0).where(counts.fillna(0.0).gt(0).cummax(axis=1)).mean(axis=1)
    totals = not report.orders_counted  # rows that total a month: no orders, the revenue's spread alone
    floor = None if totals else 1 / np.sqrt(usual.where(usual > 0))
    pool, groups = revenue_peers(report, revenue)  # a region of few reps reads its month from the company's
    absent = absent_months(report, pool)  # departed reps are no peers selling nothing
    expect = peer_expectation(pool, report.period, history, groups, floor=floor, absent=absent)
    expect = expect.reindex(now.index)
    now["expected"] = expect["expected"]
    now["change"] = expect["ratio"] - 1
    now["usual_orders"] = now.index.map(usual).astype(float)
    lumpy = expect["p_value"] if totals else _lumpy_p(report, expect, usual, history, months)  # few, lumpy orders
    now["p_value"] = np.fmax(expect["p_value"], lumpy)
    now["attainment"] = now["revenue"] / now["target"]
    now["gap"] = now["revenue"] - now["target"]
    now["tenure_months"] = tenure_months(report.ds, now.index, report.period).to_numpy()
    now["tenure_months"] = now["tenure_months"].fillna(_months_selling(revenue, report.period).reindex(now.index))
    gone = _last_month(revenue, report).reindex(now.index, fill_value=False)
    leaving = (left_before_end(report.ds, now.index, report.period) | gone).to_numpy()
    seasoned = ~(now["tenure_months"] < settings["min_tenure_months"]).to_numpy()
    tested = seasoned & ~leaving & now["p_value"].notna().to_numpy()
    now["q_value"] = evidence.q_values(now["p_value"].where(tested))
    fired = (now["attainment"] < thr["underperform_attainment"]) | (now["change"] <= -thr["underperform_drop"])
    gate = thr["weak_fdr"] if report.region == ALL else thr["indicative_q"]  # a region's few reps: indicated
    now["flagged"] = fired.to_numpy() & tested & evidence.confirmed(now["q_value"], gate)
    now = now.reset_index()
    now["label"] = [rep_label(report.ds, r, report.lang) for r in now["rep_id"]]
    now = now.sort_values(["attainment", "change", "rep_id"], kind="stable").reset_index(drop=True)
    return now[list(COLUMNS)]


def _on_team(report: Report, now: pd.DataFrame, revenue: pd.DataFrame, history: list[str]) -> pd.DataFrame:
    """Without targets, the reps to judge: ``now``'s reps who sold, and a row of nothing per rep idle this month.

    Idle: the rep sold in ``history`` and again after the period but not in it. A rep whose month went to nothing
    is the deepest fall, not a rep off the team: the orders table has no row for the month, yet the rep's sales
    before and after show the rep was there (the leave date, where known, says otherwise). At the data's last
    month a rep without sales cannot be told from one who left and is not judged.
    """
    selling = now[now["revenue"] > 0]
    later = [m for m in revenue.columns if m > report.period]
    before = [m for m in history if m in revenue.columns]
    if not later or not before:
        return selling
    sold = revenue.fillna(0.0).gt(0)
    left = pd.to_datetime(rep_info(report.ds)["leave_date"].reindex(revenue.index)) < month_end(report.period)
    there = revenue.index[sold[before].any(axis=1) & sold[later].any(axis=1) & ~left.to_numpy()]
    kept = now[(now["revenue"] > 0) | now.index.isin(there)]  # a month of returns only: its own (negative) row
    idle = there[~there.isin(now.index)]
    if idle.empty:
        return kept
    empty = pd.DataFrame({"revenue": 0.0, "orders": 0.0, "target": np.nan}, index=idle).reindex(columns=now.columns)
    return pd.concat([kept, empty.astype(now.dtypes.to_dict())]).rename_axis(now.index.name)


def _lumpy_p(
    report: Report, expect: pd.DataFrame, usual: pd.Series, history: list[str], months: pd.DataFrame
) -> pd.Series:
    """Per rep of ``expect`` that fell: the chance of so low a month from the rep's own few, lumpy orders.

    The spread of log revenue over the rep's months misses how a handful of orders of very different sizes can
    leave a month nearly empty; :func:`salesnb.stats.compound_low` with the rep's usual order count times the
    peers' factor of the month for counts, the count as overdispersed as the rep's months were around that
    expectation (:func:`.common.count_swing`), and the sizes of the rep's orders in the scope over ``history``.
    A Poisson count of the rep's usual 12 made one order a 1-in-10,000 month; a rep whose customers order in
    bursts has such months far more often. The peers' count factor, not their revenue's: peers whose orders fell
    by an eighth in a month of larger orders leave a rep fewer orders to expect (revenue's factor, +7 %, asked for
    more). NaN for a rep that did not fall (the spread's p-value stands alone). ``months``: :func:`rep_months`.
    """
    fell = expect.index[(expect["ratio"] < 1) & expect["p_value"].notna()]
    out = pd.Series(np.nan, index=expect.index)
    if fell.empty:
        return out
    orders = facts.scoped(facts.order_facts(report.ds), report.region, history)
    orders = orders[orders["rep_id"].isin(fell)]
    sizes = orders.groupby("rep_id")["revenue"].apply(np.asarray).to_dict()
    pool, groups = revenue_peers(report, months["orders"].unstack("month"), "orders")
    swing = count_swing(pool, report.period, history, groups, absent_months(report, pool)).reindex(fell)
    factor = swing["factor"].fillna(expect.loc[fell, "factor"])  # no peers' count: revenue's factor
    counts = usual.reindex(fell).to_numpy(dtype=float) * factor.to_numpy(dtype=float)
    spreads = swing["dispersion"].fillna(1.0).to_numpy(dtype=float)
    ratios = expect.loc[fell, "ratio"].to_numpy(dtype=float)
    found = {  # one Series at the end: setting 3,000 reps one by one cost more than their sums
        rep: stats.compound_low(ratio, count, sizes[rep], key=str(rep), spread=spread)
        for rep, count, ratio, spread in zip(fell, counts, ratios, spreads, strict=True)
        if rep in sizes and count > 0
    }
    return out.fillna(pd.Series(found, dtype=float)) if found else out


def _last_month(revenue: pd.DataFrame, report: Report) -> pd.Series:
    """Per rep of ``revenue`` (reps × months): whether the period is the rep's last month with sales in the data.

    Without a leave date, a rep who never sells again in the months the data holds after the period was leaving:
    the month's fall is a departure (accounts to hand over), not an underperformer to coach. The data's last
    month cannot tell, and stays tested.
    """
    later = [m for m in revenue.columns if m > report.period]
    if not later:
        return pd.Series(False, index=revenue.index)
    known = rep_info(report.ds)["leave_date"].reindex(revenue.index).notna()
    return (revenue[later].fillna(0.0).le(0).all(axis=1) & ~known).astype(bool)


def _months_selling(revenue: pd.DataFrame, period: str) -> pd.Series:
    """Whole months from each rep's first month with revenue (``revenue``: reps × months) to ``period``.

    A rep's tenure where the data has no hire date: the months the rep has sold in the scope.
    """
    selling = revenue.gt(0)
    first = selling.idxmax(axis=1)[selling.any(axis=1)]
    now = pd.Period(period, "M")
    return first.map(lambda month: float((now - pd.Period(month, "M")).n)).astype(float)


def underperform(report: Report) -> list[dict[str, Any]]:
    """Rule rep_underperform: thresholds.team.{underperform_attainment, underperform_drop, weak_fdr} (see the frame).

    One finding per flagged rep; effect: the revenue short of the expected (at least of the target); a rep
    without a target is worded by its fall against the expected (the ``untargeted`` variant);
    severity: :func:`salesnb.evidence.severity` (the change: revenue against the expected), left out of the company
    report without strong evidence (:func:`.common.company_shows`).
    """
    thr = report.thresholds("team")
    lang = report.lang
    frame = underperform_frame(report)
    totals = "" if report.orders_counted else "totals"  # rows that total a month: no orders to speak of
    out = []
    for row in frame[frame["flagged"]].itertuples():
        if not company_shows(report, row.q_value, thr["strong_q"]):
            continue
        targeted = bool(pd.notna(row.target))
        effect = max(row.expected - row.revenue, row.target - row.revenue if targeted else 0.0, 0.0)
        values = {
            "unusual": unusual(row.p_value, row.q_value, thr["strong_q"], lang),
            "rep": row.label,
            "revenue": format_amount(row.revenue, lang),
            "target": format_amount(row.target, lang) if targeted else "",
            "attainment": format_pct(row.attainment) if targeted else "",
            "expected": format_amount(row.expected, lang),
            "change": format_pct(-row.change),
            "orders": format_int(row.orders),
            "usual": f"{row.usual_orders:.1f}",
        }
        level = evidence.severity(
            report, effect, row.q_value, change=row.change, strong_q=thr["strong_q"], collapse=thr["collapse"]
        )
        out.append(
            finding(
                report,
                "rep_underperform",
                {"rep_id": row.rep_id},
                values,
                angle="team",
                metric="attainment" if targeted else "revenue_vs_expected",
                value=row.attainment if targeted else row.revenue / row.expected,
                baseline=1.0,
                effect=effect,
                severity=level,
                variant="_".join(v for v in ("" if targeted else "untargeted", totals) if v),
                action_key="finding_rep_underperform_action",
            )  # fmt: skip
        )
    return out


def metrics(report: Report) -> dict[str, Any]:
    """reps_far_below_target (with the targets table), else reps_far_below_usual (with the orders' reps)."""
    if missing(report.ds, ("targets",)) and missing(report.ds, ("orders.rep_id",)):
        return {}
    key = "reps_far_below_target" if report.ds.has("targets") else "reps_far_below_usual"
    return {key: int(underperform_frame(report)["flagged"].sum())}


@needs("orders.rep_id")
def underperform_panel(report: Report) -> Panel:
    """远低于目标的代表: attainment per rep, the flagged ones with their order count against their usual.

    Without targets, each rep's revenue against the expected in place of attainment.
    """
    lang = report.lang
    frame = underperform_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("team_no_rep_targets", lang))
    targeted = report.ds.has("targets")
    limit = 2 * report.config["report"]["top_n"]  # a company of thousands of reps: chart and table stay readable
    shown = frame[frame["flagged"] | (frame.index < limit)]
    notes = ["" if targeted else t("team_untargeted_note", lang)]
    if not frame["flagged"].any():  # the section is named for reps far below: say there are none, not just list
        notes.append(t("team_none_flagged" if targeted else "team_none_flagged_usual", lang))
    notes.append(t("showing_lowest", lang, shown=len(shown), total=len(frame)) if len(shown) < len(frame) else "")
    note = " ".join(n for n in notes if n)
    if not targeted:
        shown = shown.assign(attainment=shown["revenue"] / shown["expected"].where(shown["expected"] > 0))
    title = t("team_underperform_title" if targeted else "team_vs_usual_title", lang)
    xlabel = None if targeted else t("team_vs_usual", lang)
    ax = plotting.plot_attainment(shown, label="label", value="attainment", lang=lang, title=title, xlabel=xlabel)
    columns = {
        t("team_rep", lang): shown["label"],
        t("revenue", lang): format_amounts(shown["revenue"], lang),
        t("target", lang): format_amounts(shown["target"], lang),
        t("attainment", lang): shown["attainment"].map(format_pct),
        t("team_expected_revenue", lang): format_amounts(shown["expected"], lang),
        t("team_orders", lang): shown["orders"].map(format_int),
        t("team_expected_orders", lang): shown["usual_orders"].map(lambda v: "—" if pd.isna(v) else f"{v:.1f}"),
        t("team_p_value", lang): shown["p_value"].map(format_chance),
        t("team_flag", lang): shown["flagged"].map(lambda f: t("team_flag_yes", lang) if f else ""),
    }
    if not report.orders_counted:  # rows that total a month: no orders to count
        del columns[t("team_orders", lang)], columns[t("team_expected_orders", lang)]
    if not targeted:
        del columns[t("target", lang)]
        columns[t("team_vs_usual", lang)] = columns.pop(t("attainment", lang))
    return Panel(frame=frame, table=pd.DataFrame(columns), figure=ax.figure, note=note)
