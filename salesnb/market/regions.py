"""区域排名: every region against the company and its baseline (行业 / 企业规模渗透 is :mod:`.penetration`).

In the ALL report a region underperforms (``region_underperform``) when it misses its target badly or falls well
below its baseline; a region report shows its own row against the company average.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..data import facts
from ..data.region_gaps import filled
from ..data.targets import total_target
from ..display.formatting import format_amount, format_amounts, format_pct
from ..display.panel import Panel
from ..display.plotting.customers import plot_ranking
from ..evidence import confirmed, q_values
from ..expect import Expectation, below, expected, peer_error, relative_spread, warm_up
from ..i18n import t
from ..periods import ALL, averaged_months, shift_month
from ..report import Report, scope_memo
from ..seasons import festival_months, season_keys
from ..stats import change, count_low, dispersion, ratio
from .common import (
    NAME,
    all_months,
    history,
    last_year,
    peer_factor,
    signed,
    supported,
)
from .region_share import SHARE_COLUMNS, region_share

# ------------------------------------------------------------------------------------------------ ranking


@scope_memo  # the rule and the panel read one computation
def region_frame(report: Report) -> pd.DataFrame:
    """Every region's revenue, target attainment and growth this period, and its deviation from the average.

    Columns: rank, region, revenue, orders, target, attainment, trailing_avg, vs_trailing, last_year, yoy,
    share (of company revenue), vs_average (revenue against the mean region revenue), attainment_gap (points
    against the company attainment), usual (mean revenue over ``market.history_months``), expected /
    expected_low / expected_high / expect_method (what the region's own trend over up to ``market.expect_months``
    months and the company's season — 春节 placed by :mod:`salesnb.seasons` — lead one to expect,
    :func:`salesnb.expect.expected`), peer_factor (the rest of the company this month against what its own
    history expected; a rise only as far as every peer shares it, :func:`shared_rise`, and as it stands out of
    the rest's own noise, :func:`.common.shrunk_rise`; at most 1 for a region above its expectation's upper end;
    a rise at most the rest's like-for-like part's, without the channels opened since the same month last year,
    :func:`_rise_cap`), peers_opened (whether that cap lowered it), baseline (expected × peer_factor;
    baseline_low / baseline_high its interval),
    change (against it), flagged (``region_underperform``, on two pieces of evidence: attainment below
    ``thresholds.market.region_attainment`` — or below the low end of the region's own band, baseline_low /
    baseline, where its months swing more than that — with revenue below the baseline too (a region normal for
    itself under a high target is the target's problem, ``target_misaligned``); or a fall of
    ``thresholds.market.region_decline`` against the baseline, below its interval, in a region that misses its
    target (a region meeting its target does not underperform); either with at least
    ``thresholds.market.min_effect_share`` of the company's revenue at stake), effect (the larger of the gap to
    target and to the baseline), p_value (how likely a month this low is under the region's own expectation ×
    peer_factor, :func:`salesnb.expect.below`), q_value (Benjamini–Hochberg over every region below its baseline,
    set where the rule fires: among four clean regions short of it one at p = 0.1 is an ordinary month): the
    rule's regions are flagged only where q_value is below ``thresholds.market.indicative_q`` — a region's own
    noise sets how far below its baseline is unusual, and four to eight regions are tested each month.
    A fall inside the band that its part of the company shows as far (:mod:`.region_share`: p the Bonferroni of
    both readings) is flagged only confirmed, q below ``thresholds.market.fdr``: a second route, not a looser one.
    Sorted best first (attainment, else growth).
    """
    ds, thr = report.ds, report.thresholds(NAME)
    columns = ["rank", "region", "revenue", "orders", "target", "attainment", "trailing_avg", "vs_trailing"]
    columns += ["last_year", "yoy", "share", "vs_average", "attainment_gap", "usual", "expected", "expected_low"]
    columns += ["expected_high", "expect_method", "peer_factor", "peers_opened", "baseline", "baseline_low"]
    columns += ["baseline_high"]
    columns += ["change", "p_value", "q_value", "flagged", "effect", *SHARE_COLUMNS, "by_share"]
    regions = facts.regions(ds)
    if not regions:
        return pd.DataFrame(columns=columns)
    orders = facts.order_facts(ds)
    months, ly = history(report), last_year(report)
    trailing = report.trailing()
    monthly = region_months(report)
    own_monthly = own_months(report, monthly)  # each region's usual level leaves its own gap months out

    def mean_of(labels: list[str]) -> pd.Series:
        if not labels:
            return pd.Series(np.nan, index=monthly.index)
        counted = own_monthly[labels].count(axis=1)
        return own_monthly[labels].sum(axis=1) / counted.where(counted > 0)

    company_revenue = float(facts.in_months(orders, report.period)["revenue"].sum())
    company_target = total_target(ds, [report.period], ALL)
    frame = pd.DataFrame(
        {
            "revenue": mean_of([report.period]),
            "orders": facts.in_months(orders, report.period).groupby("region").size().reindex(regions, fill_value=0),
            "target": [total_target(ds, [report.period], r) for r in regions],
            "trailing_avg": mean_of(trailing),
            "last_year": mean_of([ly] if ly else []),
            "usual": mean_of(months),
        }
    ).rename_axis("region")
    frame["target"] = pd.to_numeric(frame["target"], errors="coerce").astype(float)
    past, season, season_of = company_history(report)
    company_past = monthly[past].sum(axis=0)

    def expect(values: pd.Series) -> Expectation:
        return expected(values.to_numpy(), keys=season_of, season=season)

    own = {r: expect(own_monthly.loc[r, past]) for r in regions}  # a gap month (NaN) is no month of its history
    whole = own_monthly[past].notna()  # a month the export left out for a region is no usual month of its peers
    others = {r: expect((company_past - monthly.loc[r, past]).where(whole.drop(index=r).all())) for r in regions}
    rest = {r: e.value for r, e in others.items()}
    frame["expected"] = [own[r].value for r in regions]
    frame["expected_low"] = [own[r].low for r in regions]
    frame["expected_high"] = [own[r].high for r in regions]
    frame["expect_method"] = [own[r].method for r in regions]
    rest_now, rest_expected = company_revenue - frame["revenue"], pd.Series(rest).reindex(frame.index)
    shared = rest_now.clip(
        upper=rest_expected * shared_rise(frame["revenue"], frame["expected"], rest_now, rest_expected)
    )
    noise = pd.Series({r: relative_spread(e) for r, e in others.items()}).reindex(frame.index)
    # the peers' rise raises the bar of a region that stayed flat through their peak, as far as it stands out of
    # the peers' own noise; one that sold above its own expectation's upper end did not stay flat, and the rest's
    # factor (one region's surge, with few regions) would blame it for growing less than the fastest of them: its
    # bar is its own expectation
    grew = frame["revenue"] > frame["expected_high"]
    factor = peer_factor(shared, rest_expected, rises=True, error=noise)
    cap = _rise_cap(report, monthly, whole, (past, season), expect, rest_now)  # a rise by openings is no shock
    frame["peers_opened"] = factor > cap  # said with the bar (:func:`.split._expectation`)
    factor = factor.clip(upper=cap)
    frame["peer_factor"] = factor.where(~grew, factor.clip(upper=1.0))
    raw = peer_factor(rest_now, rest_expected, rises=True)  # a rise shrunk or capped to 1 is still an estimate:
    measured = raw.where(~grew, raw.clip(upper=1.0))  # its error stays in the p-value (:func:`_p_low`)
    frame["baseline"] = frame["expected"] * frame["peer_factor"]
    frame["baseline_low"] = frame["expected_low"] * frame["peer_factor"]
    frame["baseline_high"] = frame["expected_high"] * frame["peer_factor"]
    frame = frame.join(region_share(report, own_monthly, own_months(report, region_months(report, "orders"))))
    frame = frame.reset_index()
    frame["attainment"] = frame["revenue"] / frame["target"].where(frame["target"] > 0)
    frame["vs_trailing"] = frame["revenue"] / frame["trailing_avg"].where(frame["trailing_avg"] > 0) - 1
    frame["yoy"] = frame["revenue"] / frame["last_year"].where(frame["last_year"] > 0) - 1
    frame["share"] = frame["revenue"] / company_revenue if company_revenue > 0 else np.nan
    mean_revenue = frame["revenue"].mean()
    frame["vs_average"] = frame["revenue"] / mean_revenue - 1 if mean_revenue > 0 else np.nan
    frame["attainment_gap"] = frame["attainment"] - ratio(company_revenue, company_target)
    frame["change"] = frame["revenue"] / frame["baseline"].where(frame["baseline"] > 0) - 1
    usual_low = frame["baseline_low"] / frame["baseline"].where(frame["baseline"] > 0)  # the region's noise band
    low_attainment = (frame["attainment"] < np.fmin(thr["region_attainment"], usual_low)) & (
        frame["revenue"] < frame["baseline"]
    )
    # below its band, or where the band is too wide to tell (one cycle of history), below its usual share of the
    # company by as much: a fall its peers did not share (:mod:`.region_share`), read only where nothing else tells
    fell = (frame["change"] <= -thr["region_decline"]) & ~(frame["attainment"] >= 1)  # meeting its target: no fall
    below_band = frame["revenue"] < frame["baseline_low"]
    share_only = fell & ~below_band & ~low_attainment & (frame["share_change"] <= -thr["region_decline"])
    falling = fell & (below_band | share_only)
    frame["by_share"] = share_only  # the route the detail states (:func:`.split.underperform`)
    gap_target = (frame["target"] - frame["revenue"]).where(low_attainment, 0.0).fillna(0.0)
    gap_base = (frame["baseline"] - frame["revenue"]).where(falling, 0.0).fillna(0.0)
    frame["effect"] = np.maximum(gap_target, gap_base).clip(lower=0.0)
    fired = (low_attainment | falling) & (frame["effect"] >= thr["min_effect_share"] * company_revenue)
    frame["p_value"] = [
        _p_low(own[row.region], others[row.region], row, measured[row.region]) for row in frame.itertuples()
    ]
    # there the fall is read twice: Bonferroni over the two (never a weaker p than the revenue's)
    frame["p_value"] = frame["p_value"].where(~share_only, np.fmin(frame["p_value"], 2 * frame["share_p"]))
    counted, usual_orders = _p_orders(report, frame, months)
    gated = (usual_orders < thr["region_few_orders"]) & (frame["orders"] < usual_orders)  # fell by missing orders
    gated &= report.orders_counted  # rows that total a month are no orders: the revenue alone
    frame["p_value"] = frame["p_value"].where(~gated, np.fmax(frame["p_value"], counted))
    tested = frame["p_value"].notna() & (frame["change"] < 0)  # every region short of its baseline: one family
    frame["q_value"] = pd.Series(q_values(frame["p_value"].where(tested)), index=frame.index).where(fired)
    unconfirmed = share_only & ~confirmed(frame["q_value"], thr["fdr"])  # a second route, not a looser one
    frame["flagged"] = fired & supported(frame["q_value"], thr) & ~unconfirmed
    key = ranking_measure(frame)
    order = frame[key].mask(fresh(frame), np.inf) if key == "vs_trailing" else frame[key]
    frame = frame.assign(order=order).sort_values(
        ["order", "revenue", "region"], ascending=[False, False, True], na_position="last", kind="stable"
    )
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame.reset_index(drop=True)[columns]


def shared_rise(now: pd.Series, expected: pd.Series, rest_now: pd.Series, rest_expected: pd.Series) -> pd.Series:
    """Per region, the most its peers' rise can raise its bar: the rise left when any one peer is taken out.

    ``now`` / ``expected``: each region's month and own expectation; ``rest_now`` / ``rest_expected``: the rest of
    the company's (per region). A peak the company shares lifts every peer, so it survives leaving any one out;
    one peer's own surge does not (three regions: 南区 at 1.95× its expectation, 东区 at 1.03×, read as "the others
    at 1.47×" raised 西区's bar by half). The factor without peer p is (rest_now − now_p) ÷ (rest_expected −
    expected_p); the cap is the least of them, at least 1 (a dip is never capped). ``inf`` (no cap) with fewer than
    two peers, where no peer can be left out.
    """
    cap = pd.Series(np.inf, index=now.index)
    for region in now.index:
        peers = now.index.drop(region)
        if len(peers) < 2:
            continue
        left = (rest_expected[region] - expected[peers]).where(lambda v: v > 0)
        without = (rest_now[region] - now[peers]) / left
        if without.notna().any():
            cap[region] = max(1.0, float(without.min()))
    return cap


def company_history(report: Report, totals: pd.Series | None = None) -> tuple[list[str], np.ndarray, list]:
    """The months an expectation reads (``market.expect_months``), the company's revenue in each, their season keys.

    The keys run one month further, to the report month (春节's month: one factor). A month the export left out for
    some region counts at that region's usual share (:func:`~salesnb.data.region_gaps.filled`), not as a dip of the
    company: the regions' season is the company's, measured with far less noise, and so is the company's own level.
    ``totals``: the company's revenue per month (default: its regions' sum).
    """
    past = report.history(report.settings(NAME)["expect_months"])
    company_past = region_months(report)[past].sum(axis=0) if totals is None else totals.reindex(past, fill_value=0.0)
    season_of = season_keys([*past, report.period], festival_months(report.config))
    return past, filled(report.ds, company_past).to_numpy(), season_of


def _rise_cap(
    report: Report,
    monthly: pd.DataFrame,
    whole: pd.DataFrame,
    history: tuple[list[str], np.ndarray],
    expect: Callable[[pd.Series], Expectation],
    rest_now: pd.Series,
) -> pd.Series:
    """Per region, how far the rest of the company's rise may raise its bar: as far as its like-for-like part rose.

    That part is the rest without the channels opened since :func:`comparable_from` (:func:`opened_since`), against
    its own expectation, its rise shrunk by its own noise (:func:`.common.peer_factor`). Openings only add to the
    rest: a rise its like-for-like part does not show is theirs, no shock of the month. At least 1 (a dip stays the
    whole rest's, which openings can only soften); no cap where nothing opened. ``monthly``: revenue per region and
    month (:func:`region_months`); ``whole``: the regions' months the export covers; ``history``: the months the
    expectations read and the company's revenue in them (:func:`company_history`); ``expect``: the forecast of a
    history; ``rest_now``: the rest's revenue this month, per region.
    """
    past, season = history
    opened = opened_since(report, comparable_from(report, past, season))
    if not opened[[*past, report.period]].to_numpy().any():
        return pd.Series(np.inf, index=rest_now.index)
    kept_past = monthly[past] - opened[past]
    usual = {
        r: expect((kept_past.sum(axis=0) - kept_past.loc[r]).where(whole.drop(index=r).all())) for r in monthly.index
    }
    now = opened[report.period]
    like_now = (rest_now - (now.sum() - now)).clip(lower=0.0)  # to the rounding of the sums
    like_usual = pd.Series({r: e.value for r, e in usual.items()}).reindex(rest_now.index)
    noise = pd.Series({r: relative_spread(e) for r, e in usual.items()}).reindex(rest_now.index)
    return peer_factor(like_now, like_usual, rises=True, error=noise).clip(lower=1.0)


def comparable_from(report: Report, past: list[str], season: np.ndarray) -> str:
    """The month a channel must have sold by to count in its region's like-for-like level this month.

    The same month last year (a store trading then is like for like, as retail counts it), or, in a shorter
    history, its first month after the company's warm-up (:func:`salesnb.expect.warm_up`): a channel first
    selling after it had no part in the months the rest's expectation reads.
    """
    kept = past[warm_up(season) :]
    return max(kept[0] if kept else report.period, shift_month(report.period, 12))


def opened_since(report: Report, since: str) -> pd.DataFrame:
    """Revenue per region (rows, :func:`salesnb.data.facts.regions`) and month of its channels opened after ``since``.

    A channel (a store, in an export whose channel is the store) opened when its first order falls after
    ``since``: its months are growth no expectation of the earlier months could see. In a chain opening stores
    region by region, the rest of the company sold 1.8× its expectation through openings and raised a flat
    region's bar above any month it ever had. All zeros where nothing opened since.
    """

    def build(ds) -> pd.DataFrame:
        orders = facts.order_facts(ds)
        cells = [orders["region"].astype(str), orders["channel"].astype(str)]
        new = orders[(orders["month"].groupby(cells).transform("min") > since).to_numpy()]
        table = new.pivot_table(index="region", columns="month", values="revenue", aggfunc="sum", fill_value=0)
        return table.astype(float).reindex(index=facts.regions(ds), columns=all_months(ds), fill_value=0.0)

    return report.cached(NAME, f"opened_since:{since}", build)


def fresh(frame: pd.DataFrame) -> pd.Series:
    """Regions selling this month after none in the trailing months: growth from nothing, above every finite one.

    Their growth is no number (a division by 0); ranked as missing they came last, below the regions that sold
    nothing: Chinook's 阿根廷, 18 % of the month's revenue after three empty months, ranked 24th of 24.
    """
    return frame["revenue"].gt(0) & ~frame["trailing_avg"].gt(0)


def _p_low(own: Expectation, rest: Expectation, row: Any, measured: float) -> float:
    """How likely a month as low as the region's is under its baseline (own expectation × peer factor).

    A peer factor is the rest of the company against its own expectation, itself an estimate: its error (the
    rest's forecast error, relative) adds to the region's own (:func:`salesnb.expect.below`) wherever the rest
    moved (``measured``, the factor before a rise is shrunk towards 1), even where the shrunk factor is 1: a
    baseline the peers' noise could have set anywhere between is no surer for being set at the region's own.
    """
    if not row.peer_factor > 0:
        return float("nan")
    return below(own, row.revenue / row.peer_factor, factor_error=peer_error(rest, measured))


def _p_orders(report: Report, frame: pd.DataFrame, months: list[str]) -> tuple[pd.Series, pd.Series]:
    """How likely a month with as few orders as each region's is, and its usual orders.

    The expected orders are its usual ones (``market.history_months``) moved as its revenue baseline is. A region
    of a few orders a month (or a partial month's few days) has months of none among its usual ones: revenue
    read as a continuous series puts 0 far below a band of a few hundred, while the count says such a month is
    ordinary. Below ``thresholds.market.region_few_orders`` expected orders, a region short of orders is
    unusual only when its count is too; one with its usual orders, each smaller, is read by its revenue.
    """
    table = own_months(report, region_months(report, "orders")).reindex(frame["region"])
    usual_orders = table[months].mean(axis=1).to_numpy() if months else np.full(len(frame), np.nan)
    expected_orders = usual_orders * (frame["baseline"] / frame["usual"].where(frame["usual"] > 0)).to_numpy()
    spreads = [dispersion(table.loc[r, months]) if months else 1.0 for r in frame["region"]]
    rows = zip(frame["orders"], expected_orders, spreads, strict=True)
    p = [count_low(n, m if np.isfinite(m) else None, 0.0, d) for n, m, d in rows]
    return pd.Series(p, index=frame.index), pd.Series(usual_orders, index=frame.index)


def region_months(report: Report, measure: str = "revenue") -> pd.DataFrame:
    """Revenue (or ``"orders"``, their count) per region (rows, :func:`salesnb.data.facts.regions`) and month.

    Every month of the data. Once per dataset: each month's :func:`region_frame` (the report's, the
    look-back's) reads the same table.
    """

    def build(ds) -> pd.DataFrame:
        orders = facts.order_facts(ds)
        values, how = ("revenue", "sum") if measure == "revenue" else ("order_id", "count")
        monthly = orders.pivot_table(index="region", columns="month", values=values, aggfunc=how, fill_value=0)
        return monthly.astype(float).reindex(index=facts.regions(ds), columns=all_months(ds), fill_value=0.0)

    return report.cached(NAME, f"region_months:{measure}", build)


def own_months(report: Report, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (regions × months) with each region's months that :meth:`Report.covered` leaves out for it blank.

    A month the export left out for a region (:mod:`salesnb.data.region_gaps`) reads as a real zero in the
    table; blank (NaN), it is no part of that region's usual level, as in the region's own report.
    """
    columns = list(table.columns)
    keep = [table.columns.isin(report.covered(columns, str(region))) for region in table.index]
    return table.where(np.array(keep, dtype=bool).reshape(table.shape)) if len(table) else table


def company_summary(report: Report) -> dict[str, float | None]:
    """The company's attainment and growth and the average region revenue, for a region's comparison row."""
    ds = report.ds
    orders = facts.order_facts(ds)
    revenue = float(facts.in_months(orders, report.period)["revenue"].sum())
    trailing = report.trailing()
    ly = last_year(report)
    trailing_avg = float(facts.in_months(orders, trailing)["revenue"].sum()) / len(trailing) if trailing else None
    ly_revenue = float(facts.in_months(orders, ly)["revenue"].sum()) if ly else None
    n = max(len(facts.regions(ds)), 1)
    target = total_target(ds, [report.period], ALL)
    return {
        "revenue": revenue,
        "avg_region_revenue": revenue / n,
        "target": target,
        "attainment": ratio(revenue, target),
        "vs_trailing": change(revenue, trailing_avg),
        "yoy": change(revenue, ly_revenue),
    }


def region_gap(report: Report, region: str | None) -> float:
    """How far ``region``'s revenue fell short of its expected level (its baseline) this month; 0 when it did not.

    Not its target gap: a target may ask for more than the region's own trend and season, and what a channel, line
    or churn must hold to be the region's cause is its fall, measured as theirs are.
    """
    frame = region_frame(report).set_index("region")
    if region is None or region not in frame.index:
        return 0.0
    gap = frame.at[region, "baseline"] - frame.at[region, "revenue"]
    return float(gap) if gap > 0 else 0.0


def region_panel(report: Report) -> Panel:
    """区域排名: every region's attainment (or growth) against the company; a region report highlights its own."""
    lang = report.lang
    frame = region_frame(report)
    if frame.empty:  # region_frame is empty only when no order has a region
        return Panel.skipped(t("mk_no_regions", lang))
    company = company_summary(report)
    value, reference, title = _ranked_by(frame, company)
    line = "mk_region_average_line" if value == "share" else "mk_company_line"
    new = t("mk_region_fresh", lang)
    growth = frame["vs_trailing"].map(signed).mask(fresh(frame), new)  # from nothing: new, not a missing growth
    n = averaged_months(report.trailing(), report.baselines)  # the months the trailing average is over
    ax = plot_ranking(
        _named_for(report, frame).assign(label=growth.where(fresh(frame), "")), label="region", value=value,
        reference=reference, reference_label=t(line, lang, value=format_pct(reference)),
        highlight=None if report.region == ALL else report.region, lang=lang, title=t(title, lang, n=n),
        labels="label" if value == "vs_trailing" else None,
    )  # fmt: skip
    shown = frame if report.region == ALL else frame[frame["region"] == report.region]
    rows = pd.DataFrame(
        {
            t("mk_rank", lang): shown["rank"].map(str),
            t("mk_region", lang): shown["region"],
            t("mk_revenue", lang): format_amounts(shown["revenue"], lang),
            t("mk_target", lang): format_amounts(shown["target"], lang),
            t("mk_attainment", lang): shown["attainment"].map(format_pct),
            t("mk_vs_trailing", lang, n=n): growth[shown.index],
            t("mk_yoy", lang): shown["yoy"].map(signed),
            t("mk_share", lang): shown["share"].map(format_pct),
            t("mk_vs_average", lang): shown["vs_average"].map(signed),
        }
    )
    average = {
        t("mk_rank", lang): "",
        t("mk_region", lang): t("mk_company_avg", lang),
        t("mk_revenue", lang): format_amount(company["avg_region_revenue"], lang),
        t("mk_target", lang): format_amount(
            None if company["target"] is None else company["target"] / len(frame), lang
        ),
        t("mk_attainment", lang): format_pct(company["attainment"]),
        t("mk_vs_trailing", lang, n=n): signed(company["vs_trailing"]),
        t("mk_yoy", lang): signed(company["yoy"]),
        t("mk_share", lang): format_pct(1 / len(frame)),
        t("mk_vs_average", lang): format_pct(0.0),
    }
    table = pd.concat([rows, pd.DataFrame([average])], ignore_index=True)
    return Panel(frame=frame, table=table, figure=ax.figure, note=_ranking_note(report, value, frame))


def _ranking_note(report: Report, value: str, frame: pd.DataFrame) -> str:
    """Why the regions are ranked by growth rather than attainment (no target), ``""`` when they are not."""
    if value != "vs_trailing":
        return ""
    why = t("no_targets_table" if not report.ds.has("targets") else "no_target", report.lang)
    if frame["attainment"].notna().any():
        why = t("mk_region_targets_partial", report.lang, n=int(frame["attainment"].notna().sum()), total=len(frame))
    n = averaged_months(report.trailing(), report.baselines)
    return ("" if report.lang == "zh" else " ").join([why, t("mk_region_growth_note", report.lang, n=n)])


_RANKING_TITLES = {"attainment": "mk_region_title", "vs_trailing": "mk_region_growth_title",
                   "share": "mk_region_share_title"}  # fmt: skip


def ranking_measure(frame: pd.DataFrame) -> str:
    """What the regions are ranked by.

    Attainment against targets when every region has one, else growth on the trailing months, else their share
    of revenue (a first month of data without targets: an empty ranking would say nothing).
    """
    if frame["attainment"].notna().all():  # some regions' reps have targets, others none: no league by it
        return "attainment"
    return "vs_trailing" if frame["vs_trailing"].notna().any() else "share"


def _ranked_by(frame: pd.DataFrame, company: dict) -> tuple[str, float | None, str]:
    """The region chart's measure (:func:`ranking_measure`), its reference line and its title.

    The reference is the company's attainment or growth, or the average region's share.
    """
    key = ranking_measure(frame)
    reference = 1 / len(frame) if key == "share" else company[key]
    return key, reference, _RANKING_TITLES[key]


def _named_for(report: Report, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a region's own report may show it: its region by name, the others only by their rank.

    A region's report is shared with that region alone; it places the region among the others (the league
    table of the monthly review) without naming them, as its table shows its own row and the company's.
    """
    if report.region == ALL:
        return frame
    shown = frame.copy()
    others = shown["region"] != report.region
    shown.loc[others, "region"] = [t("mk_region_ranked", report.lang, rank=int(r)) for r in shown.loc[others, "rank"]]
    return shown
