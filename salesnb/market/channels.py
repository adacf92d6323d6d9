"""渠道效能: revenue, orders and gross margin per channel this month against its baseline (``channel_underperform``).

In a region the peers of a channel are the same channel in the other regions; in the whole company they are
the other channels.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..data import facts
from ..data.copied_cost import no_cost_note
from ..data.early_ends import ended_early
from ..data.region_gaps import fill_factors, region_gaps
from ..display.formatting import format_amount, format_int, table
from ..display.panel import Panel
from ..display.plotting import plot_bar_compare
from ..evidence import q_values
from ..expect import Expectation, below, peer_error, relative_spread
from ..expect import expected as expected_value
from ..findings import finding
from ..i18n import t
from ..periods import ALL, months_back
from ..report import Report, scope_memo
from ..seasons import festival_months, season_keys
from ..shares import share_fall
from ..stats import count_low, dispersion, simes
from . import keys
from .common import (
    NAME,
    fmt_num,
    history,
    last_year,
    peer_factor,
    report_rows,
    rule_severity,
    scope_months,
    signed,
    supported,
)


def order_costs(report: Report) -> np.ndarray:
    """Cost per row of the order facts: Σ quantity × unit cost of its lines, NaN when none is known.

    A line's unit cost is ``order_lines.unit_cost``, else ``products.unit_cost``.
    """

    def build(ds) -> np.ndarray:
        orders = facts.order_facts(ds)
        none = np.full(len(orders), np.nan)
        lines = ds.get("order_lines")
        if lines is None or lines.empty:
            return none
        cost = lines["unit_cost"] if "unit_cost" in lines.columns else pd.Series(np.nan, index=lines.index)
        products = ds.get("products")
        if products is not None and "unit_cost" in products.columns:
            cost = cost.fillna(facts.lookup(lines["product_id"], products.set_index("product_id")["unit_cost"]))
        known = cost.notna()
        if not known.any():
            return none
        per_line, ids = (lines["quantity"] * cost)[known], lines.loc[known, "order_id"]
        rows = facts.line_orders(ds)
        if rows is None:  # an id shared by orders: each of them maps to all its lines' cost
            return facts.lookup(orders["order_id"], per_line.groupby(ids).sum()).to_numpy(dtype=float)
        at = rows[known.to_numpy()]  # each line's order: its lines summed by number, in order
        at[ids.isna().to_numpy()] = -1
        sums = keys.grouped_sum(per_line, at)
        none[sums.index.to_numpy()] = sums.to_numpy(dtype=float)
        return none

    return report.cached(NAME, "order_costs", build)


def _order_rows(report: Report) -> pd.DataFrame:
    """Every order's region, channel and month codes, revenue, count (1), and revenue and cost when its cost is known.

    With the channels and months the (sorted) codes stand for. Built once per dataset: each scope's
    :func:`channel_months` sums its own rows of it.
    """

    def build(ds) -> tuple[pd.DataFrame, tuple[pd.Index, pd.Index]]:
        orders = facts.order_facts(ds)
        known = order_costs(report)
        channel, channels = keys.labels_of(orders["channel"].astype(str))
        month, months = keys.labels_of(orders["month"])
        rows = pd.DataFrame(
            {
                "region": orders["region"],
                "channel": channel,
                "month": month,
                "revenue": orders["revenue"],
                "orders": 1,
                "costed_revenue": orders["revenue"].where(~np.isnan(known), 0.0),
                "cost": np.nan_to_num(known, nan=0.0),
            }
        )
        return rows, (channels, months)

    return report.cached(NAME, "order_rows", build)


def channel_months(report: Report, region: str) -> pd.DataFrame:
    """Revenue, orders, and revenue/cost of the orders with a known cost, per channel and month in a scope.

    An order without any known line cost is left out of the margin figures (see :func:`order_costs`).
    """

    def build(ds) -> pd.DataFrame:
        every, labels = _order_rows(report)
        rows = facts.in_region(every, region)
        measures = rows[["revenue", "orders", "costed_revenue", "cost"]]
        sums = keys.pair_sum(
            measures, rows["channel"].to_numpy(), rows["month"].to_numpy(), labels, ("channel", "month")
        )
        return sums.astype(float)

    return report.cached(NAME, f"channel_months:{region}", build)


@scope_memo  # the panel and the rule read one computation
def channel_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """Revenue, orders and gross margin per channel this period, against last month, last year and the usual level.

    Columns: channel, revenue, orders, customers, share, prev_month, mom, last_year, yoy, trailing_avg,
    vs_trailing, usual (mean revenue of the ``market.history_months`` months before), usual_orders,
    peer_factor (how the same channel did in the other regions — in the whole company: how the other channels
    did — this month against their own expectation, season in it, or their usual where they have none; at
    most 1), baseline (what the channel's own trend and season lead one to expect, :mod:`salesnb.expect`, with
    春节's month as one season key and, in a region, leaning on the same channel's season company-wide,
    × peer_factor),
    change (against it), orders_change (orders against their expected level, the same way), margin,
    usual_margin, p_value (this few orders given the expected orders and the forecast's own error,
    :func:`_p_low`, and its fall in its part of its peers' business, :func:`_share_fall`: two readings of one
    fall joined by Simes, :func:`salesnb.stats.simes`, one alone where the other cannot be read), q_value
    (Benjamini–Hochberg over the channels the rule fires for),
    flagged (``channel_underperform``: the rule — change or orders_change (the plain count of a small channel's
    orders, whose sizes swing its revenue) at or below −``thresholds.market.channel_decline`` with revenue at
    stake at least ``thresholds.market.min_effect_share`` of the scope's — supported by a q_value below
    ``thresholds.market.indicative_q``, :func:`.common.supported`), effect (baseline − revenue). Sorted by
    revenue.
    """
    thr = report.thresholds(NAME)
    scope = report.region if region is None else region
    columns = ["channel", "revenue", "orders", "customers", "share", "prev_month", "mom", "last_year", "yoy"]
    columns += ["trailing_avg", "vs_trailing", "usual", "usual_orders", "peer_factor", "baseline", "change"]
    columns += ["orders_change", "margin", "usual_margin", "p_value", "q_value", "flagged", "effect"]
    months, ly_month = history(report, region=scope), last_year(report, region=scope)  # the scope's own months
    prev = report.covered([str(report.baselines.previous_month)], scope)
    trailing = report.trailing(scope)
    if channel_months(report, scope).empty:
        return pd.DataFrame(columns=columns)
    wide, whole = _channel_tables(report, scope)

    def mean_of(name: str, labels: list[str], source: dict | None = None) -> pd.Series:
        table = (source or wide)[name]
        if not labels:
            return pd.Series(np.nan, index=table.index)
        return table.reindex(columns=labels, fill_value=0.0).sum(axis=1) / len(labels)

    def margin_of(labels: list[str]) -> pd.Series:
        revenue = mean_of("costed_revenue", labels)
        return 1 - mean_of("cost", labels) / revenue.where(revenue > 0)

    now = [report.period]
    ly = [ly_month] if ly_month else []
    frame = pd.DataFrame(
        {
            "revenue": mean_of("revenue", now),
            "orders": mean_of("orders", now).astype(int),
            "prev_month": mean_of("revenue", prev),
            "last_year": mean_of("revenue", ly),
            "last_year_orders": mean_of("orders", ly),
            "trailing_avg": mean_of("revenue", trailing),
            "usual": mean_of("revenue", months),
            "usual_orders": mean_of("orders", months),
            "margin": margin_of(now),
            "usual_margin": margin_of(months),
        }
    ).rename_axis("channel")
    if scope == ALL:  # peers: the other channels
        peer_now = frame["revenue"].sum() - frame["revenue"]
        peer_usual = frame["usual"].sum() - frame["usual"]
    else:  # peers: the same channel in the other regions; for a region's own channel (a store), its other channels
        peer_now = mean_of("revenue", now, whole) - frame["revenue"]
        peer_usual = mean_of("revenue", months, whole) - frame["usual"]
        alone = _alone(peer_usual, frame["usual"])
        peer_now = peer_now.where(~alone, frame["revenue"].sum() - frame["revenue"])
        peer_usual = peer_usual.where(~alone, frame["usual"].sum() - frame["usual"])
    frame = frame[(frame["revenue"] > 0) | (frame["usual"] > 0) | (frame["last_year"] > 0)]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    span = report.history(report.settings(NAME)["expect_months"], region=scope)
    season_of = season_keys([*span, report.period], festival_months(report.config))  # 春节's month: one factor
    peers = _peer_table(wide["revenue"], whole["revenue"], scope)
    peers_fc = _forecasts(peers, span, frame.index.to_series(), season_of)
    # the peers' month against their own expectation, season in it, as the channel's forecast already has its
    # season: against their plain mean a 春节 month's dip would lower the baseline twice
    peer_expected = peers_fc.map(lambda f: f.value).astype(float).fillna(peer_usual.reindex(frame.index))
    frame["peer_factor"] = peer_factor(peer_now.reindex(frame.index), peer_expected)
    frame, peers_fc = frame.reset_index(), peers_fc.reset_index(drop=True)
    month = scope_months(report, report.period, scope)
    codes = keys.row_codes(report, month)  # distinct codes are distinct ids; a missing id is not counted
    buyers = pd.Series(np.where(codes >= 0, codes, np.nan)).groupby(month["channel"].to_numpy()).nunique()
    frame["customers"] = frame["channel"].map(buyers).fillna(0).astype(int)
    scope_revenue = float(frame["revenue"].sum())
    frame["share"] = frame["revenue"] / scope_revenue if scope_revenue > 0 else np.nan
    for name, base in (("mom", "prev_month"), ("yoy", "last_year"), ("vs_trailing", "trailing_avg")):
        frame[name] = frame["revenue"] / frame[base].where(frame[base] > 0) - 1
    larger = {name: _whole_season(report, scope, name) if scope != ALL else None for name in ("orders", "revenue")}
    orders_fc = _forecasts(wide["orders"], span, frame["channel"], season_of, larger["orders"])
    revenue_fc = _forecasts(wide["revenue"], span, frame["channel"], season_of, larger["revenue"])
    frame["baseline"] = revenue_fc.map(lambda f: f.value)
    frame["baseline"] *= frame["peer_factor"]
    expected_orders = orders_fc.map(lambda f: f.value) * frame["peer_factor"]
    frame["change"] = frame["revenue"] / frame["baseline"].where(frame["baseline"] > 0) - 1
    history_orders = wide["orders"].reindex(columns=months, fill_value=0.0)
    totals = not report.orders_counted  # rows that total a month: no orders to count, the revenue is the test
    frame["p_value"] = [
        float("nan")
        if not months
        else _p_revenue(row, revenue_fc[i], peers_fc[i])
        if totals
        else _p_low(
            row.orders, mu, orders_fc[i], peer_error(peers_fc[i], row.peer_factor), history_orders.loc[row.channel]
        )
        for i, row, mu in zip(frame.index, frame.itertuples(), expected_orders, strict=True)
    ]
    # read too as a part of its peers' (no season to forecast): its orders and revenue both, as a region's share
    frame["p_value"] = simes(frame["p_value"], frame["channel"].map(_share_fall(report, scope, wide, whole)))
    frame["effect"] = (frame["baseline"] - frame["revenue"]).clip(lower=0.0).fillna(0.0)
    frame["orders_change"] = frame["orders"] / expected_orders.where(expected_orders > 0) - 1 if not totals else np.nan
    fell = (frame["change"] <= -thr["channel_decline"]) | (frame["orders_change"] <= -thr["channel_decline"])
    fired = fell & (frame["effect"] >= thr["min_effect_share"] * max(scope_revenue, float(frame["baseline"].sum())))
    frame["q_value"] = q_values(frame["p_value"].where(fired))
    frame["flagged"] = fired & supported(frame["q_value"], thr)
    frame = frame.sort_values(["revenue", "channel"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[columns]


def _channel_tables(report: Report, scope: str) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """A scope's :func:`channel_months` as channels × months tables per measure, and the company's on its channels.

    Once per scope and dataset: each month's :func:`channel_frame` (the report's, the look-back's) reads them.
    """

    def build(_) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
        cube, company = channel_months(report, scope), channel_months(report, ALL)
        names = ("revenue", "orders", "costed_revenue", "cost")
        wide = {name: cube[name].unstack(fill_value=0.0) for name in names}
        index = wide["revenue"].index
        whole = {name: company[name].unstack(fill_value=0.0).reindex(index, fill_value=0.0) for name in names}
        return wide, whole

    return report.cached(NAME, f"channel_tables:{scope}", build)


def _whole_season(report: Report, scope: str, measure: str) -> pd.DataFrame:
    """The company's ``measure`` per channel (the scope's channels) × month as a region's channels borrow its season.

    A month the export left out for some region (:mod:`salesnb.data.region_gaps`) holds the channel without that
    region's part: each channel's month is made whole at the region's usual share of it
    (:func:`~salesnb.data.region_gaps.fill_factors`), as the company's season of the region ranking is.
    """
    whole = _channel_tables(report, scope)[1][measure]
    gaps = region_gaps(report.ds)
    if not gaps:
        return whole

    def build(_) -> pd.DataFrame:
        parts = {region: _channel_tables(report, region)[0][measure] for region in gaps}
        out = whole.copy()
        for channel in whole.index:
            own = {region: part.reindex([channel], fill_value=0.0).iloc[0] for region, part in parts.items()}
            for month, factor in fill_factors(whole.loc[channel], own, gaps).items():
                out.loc[channel, month] *= factor
        return out

    return report.cached(NAME, f"whole_season:{scope}:{measure}", build)


def _forecasts(
    table: pd.DataFrame,
    months: list[str],
    rows: pd.Series,
    keys: list[int] | None = None,
    larger: pd.DataFrame | None = None,
) -> pd.Series:
    """Per row of ``table`` (segments × months): the report month's :class:`~salesnb.expect.Expectation`.

    From ``months`` before it; ``keys``: their season keys and the report month's (春节's month shares one factor,
    :func:`salesnb.seasons.season_keys`). Each channel's own season, not the channels' total: with two or three
    channels one channel's lucky month would be most of the total's. ``larger``: the same rows in a larger scope
    (a region's channel: the same channel company-wide), whose season a row's own leans on as far as its months
    are noisy, or takes whole where the row is too young to have one (:func:`salesnb.expect.expected`'s
    ``season``): a small region's channel otherwise forgets its 春节 month. A segment without history gets NaNs
    (method ``none``).
    """
    past = table.reindex(columns=months, fill_value=0.0)
    wider = None if larger is None else larger.reindex(columns=months, fill_value=0.0)
    none = expected_value([])

    def one(key: Any) -> Expectation:
        if key not in past.index:
            return none
        season = wider.loc[key].to_numpy() if wider is not None and key in wider.index else None
        return expected_value(past.loc[key].to_numpy(), keys=keys, season=season)

    return pd.Series([one(key) for key in rows], index=rows.index, dtype=object)


def _peer_table(own: pd.DataFrame, whole: pd.DataFrame, scope: str) -> pd.DataFrame:
    """Each channel's peers per month (channels × months), as :func:`channel_frame`'s peer factor reads them.

    The other channels in the company; in a region, the same channel in the other regions, or the region's other
    channels for a channel no other region has (:func:`_alone`).
    """
    others = own.rsub(own.sum(axis=0), axis=1)
    if scope == ALL:
        return others
    elsewhere = (whole.reindex(own.index, fill_value=0.0) - own).reindex(columns=own.columns, fill_value=0.0)
    alone = _alone(elsewhere.sum(axis=1), own.sum(axis=1))
    return elsewhere.mask(alone, others, axis=0)


def _share_fall(report: Report, scope: str, wide: dict[str, pd.DataFrame], whole: dict[str, pd.DataFrame]) -> pd.Series:
    """Per channel: how likely its fall in its part of its peers' business (:func:`_peer_table`) is.

    :func:`salesnb.shares.share_fall`, as a region's share of the company is read (:mod:`.region_share`): its orders
    against its usual share of its peers' orders × theirs this month, and its revenue's part of theirs against
    that part's own months, over the ``market.share_months`` months before the period — both must show the fall.
    The peers carry the month's season, so the share needs none (a one-cycle forecast spans a factor of two either
    way), and the revenue's part holds what a few large orders do: a channel that lost them falls there far beyond
    its count. A month the scope's data leaves out, or (in a region) the export left out for another region, is
    no month of the share.
    """
    span, least = int(report.settings(NAME)["share_months"]), int(report.config["baselines"]["trailing_months"])
    before = months_back(report.period, 2 * span, offset=1)
    columns = [m for m in before if m in wide["revenue"].columns] + [report.period]
    held = set(report.covered(columns, scope))
    if scope != ALL:
        held -= {m for region, gaps in region_gaps(report.ds).items() if region != scope for m in gaps}
    kept = [m for m in columns if m in held or m == report.period]

    def pair(name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        own = wide[name].reindex(columns=columns, fill_value=0.0)
        rest = _peer_table(wide[name], whole[name], scope).reindex(columns=columns, fill_value=0.0)
        blank = [m for m in columns if m not in kept]
        return own.assign(**dict.fromkeys(blank, np.nan)), rest.assign(**dict.fromkeys(blank, np.nan))

    p, _ = share_fall(pair("revenue"), pair("orders"), span, least, columns[:-1][-span:], report.period)
    return p


def _alone(elsewhere: pd.Series, own: pd.Series) -> pd.Series:
    """Which channels of a region no other region sells through: a store (门店) of a chain, a city's distributor.

    Their peers elsewhere sum to nothing (up to rounding), so a month every store of the region shares (a
    season the forecast missed, a regional slump) would read as each store's own fall; the region's other
    channels are their peers instead, as the company's other channels are in the ALL report.
    """
    return ~(elsewhere > 1e-9 * own.abs().clip(lower=1.0))


def _p_low(orders: float, mu: float, forecast: Expectation, peer: float, history: pd.Series) -> float:
    """How likely a month with as few orders as the channel's is: a count test against the expected orders.

    ``mu``: the expected orders (the channel's own forecast × the peer factor). The month's own noise is its
    usual months' overdispersion; the expectation's is the forecast's error (a seasonal factor read from one
    or two cycles is no certainty) and ``peer``, the peer factor's (:func:`salesnb.stats.count_low`). Orders,
    not revenue: a few orders' sizes swing a channel's revenue far more than any interval read from 20-30
    months can hold, while their number is a count. NaN without an expectation.
    """
    if pd.isna(mu) or not mu > 0:
        return float("nan")
    relative = relative_spread(forecast)
    relative = math.hypot(relative if math.isfinite(relative) else 0.0, peer)
    return count_low(orders, mu, relative, dispersion(history))


def _p_revenue(row: Any, forecast: Expectation, peers: Expectation) -> float:
    """How likely a month as low as the channel's revenue is under its own forecast × the peer factor.

    For rows that total a month (:func:`~salesnb.data.summaries.total_rows`): their count is the same every
    month, so the revenue is read against the forecast's interval, as a region's is, the peer factor's error added.
    """
    if not row.peer_factor > 0:
        return float("nan")
    return below(forecast, row.revenue / row.peer_factor, factor_error=peer_error(peers, row.peer_factor))


KIND_ENDINGS = ("店", "渠道", "平台", "商城", "专柜", "卖场", "超市", "shop", "store", "channel")
# a channel named by its kind already: 门店 of a chain (Kanyon店), 天猫旗舰店, 线上渠道, 京东平台


def names_its_kind(channel: str) -> bool:
    """Whether a channel's name already says what it is (a store, a platform, a channel): no 渠道 after it.

    A chain's stores as channels read "Kanyon店渠道销售下滑", a value 线上渠道 "线上渠道渠道销售下滑".
    """
    return str(channel).strip().lower().endswith(KIND_ENDINGS)


def underperform(report: Report) -> list[dict[str, Any]]:
    """Rule channel_underperform: the channels :func:`channel_frame` fires for, per scope (ALL: company and regions).

    Their evidence is adjusted over every scope of the report at once (:func:`.common.report_rows`). A channel
    whose part of the export ends days before the rest (:mod:`salesnb.data.early_ends`) is left to the header.

    Thresholds: ``thresholds.market.{channel_decline, min_effect_share, indicative_q, fdr, strong_q, collapse}``.
    """
    lang, thr = report.lang, report.thresholds(NAME)
    early = ended_early(report.ds, "channel", report.period)  # its export ends days early: no sales decline
    variant = "" if report.orders_counted else "totals"  # rows that total a month: no orders to speak of
    out = []
    for segment, row, q in report_rows(report, channel_frame):
        if not supported(q, thr) or row.channel in early:
            continue
        values = {
            "where": report.where(segment),
            "channel": row.channel,
            "kind": "" if names_its_kind(row.channel) else t("mk_channel_kind", lang),
            "revenue": format_amount(row.revenue, lang),
            "orders": format_int(row.orders),
            "baseline": format_amount(row.baseline, lang),
            "change": signed(row.change),
            "usual_orders": fmt_num(row.usual_orders),
        }
        out.append(
            finding(
                report, "channel_underperform", {**segment, "channel": row.channel}, values, angle=NAME,
                metric="channel_revenue", value=row.revenue, baseline=row.baseline, effect=row.effect,
                severity=rule_severity(report, row.effect, q, row.change), variant=variant,
                action_key="finding_channel_underperform_action",
            )
        )  # fmt: skip
    return out


def channel_panel(report: Report) -> Panel:
    """渠道效能: revenue per channel this month against its baseline, with growth and gross margin."""
    lang = report.lang
    skipped = report.needs("orders.channel")
    if skipped is not None:
        return skipped
    frame = channel_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plot_bar_compare(
        frame, label="channel", current="revenue", baseline="baseline", lang=lang,
        legend=(t("mk_value", lang), t("mk_baseline", lang)), title=t("mk_channel_title", lang),
    )  # fmt: skip
    shown = table(
        frame.assign(margin_change=frame["margin"] - frame["usual_margin"]),
        [
            ("channel", "mk_channel", None),
            ("revenue", "mk_revenue", "amount"),
            ("share", "mk_share", "pct"),
            *([("orders", "mk_orders", "int")] if report.orders_counted else []),  # month totals: no orders
            ("mom", "mk_mom", "signed_pct"),
            ("yoy", "mk_yoy", "signed_pct"),
            ("baseline", "mk_baseline", "amount"),
            ("change", "mk_change", "signed_pct"),
            ("margin", "mk_margin", "pct"),
            ("margin_change", "mk_margin_change", "signed_pct"),
        ],
        lang,
    )
    note = t("mk_channel_note", lang)
    if frame["margin"].isna().all():
        note += " " + no_cost_note(report.ds, lang)
    return Panel(frame=frame, table=shown, figure=ax.figure, note=note)
