"""region_underperform for a region, and where a flagged scope's fall below its expected level sits.

Its channels, product lines, reps (and, for the company, regions).

The finding says "本月应在 X 左右，实际比预期低 Y"; the split names the values holding that same gap. Each value's
expected level is read from its own months as the scope's is (:func:`salesnb.expect.expected`, the company's season
pooled), then scaled so the values' expectations add up to the scope's baseline: the parts add up to the gap the
finding states. A region's part of the company's gap is its gap to the expectation its own finding states, unscaled.
Against the trailing months' mean instead, a seasonal business splits a fall it did not have (March after the
December peak: 158 万 "below" where the expectation says 21 万) and names the value with the largest peak (美国)
rather than the ones below their own season (德国, 澳大利亚).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ..data import facts
from ..data.early_ends import ended_early
from ..data.region_gaps import region_gaps
from ..data.reps import rep_label
from ..display.formatting import format_amount, format_int, format_pct
from ..expect import expected
from ..falls import FALL_KEYS, fall_facts, largest_falls
from ..findings import finding, flagged, stated_amounts
from ..i18n import joined, t
from ..periods import ALL
from ..report import Report
from .common import NAME, rule_severity, signed
from .regions import company_history, company_summary, region_frame


def underperform(report: Report) -> list[dict[str, Any]]:
    """Rule region_underperform: the regions :func:`region_frame` flags; in a region's report, that region only.

    A region's own report says what the company view says of it, with the same numbers (the same frame, tested
    among every region): a region whose whole month fell heads its summary. There its fall is the total, not the
    cause of its channels, reps and customers; a segment or churn holding most of it heads it (:mod:`salesnb.causes`).

    Thresholds: ``thresholds.market.{region_attainment, region_decline, min_effect_share}``.
    """
    thr, lang = report.thresholds(NAME), report.lang
    company = company_summary(report)
    early = ended_early(report.ds, "region", report.period)  # its export ends days early: said by the header
    out = []
    for row in flagged(region_frame(report)):
        if row.region in early or report.region not in (ALL, row.region):
            continue
        values = {
            "region": row.region,
            "revenue": format_amount(row.revenue, lang),
            "attainment": format_pct(row.attainment),
            "company": format_pct(company["attainment"]),
            "baseline": format_amount(row.baseline, lang),
            "expectation": _expectation(row, lang),
            "low": format_amount(row.baseline_low, lang),
            "high": format_amount(row.baseline_high, lang),
            "change": signed(row.change),
            "shortfall": format_pct(-row.change),  # flagged only below its baseline: how far below, unsigned
        }
        low = not pd.isna(row.attainment) and row.attainment < thr["region_attainment"]
        target_free = pd.isna(row.attainment)  # say why there is no attainment rather than print "—"
        values["why"] = t("no_targets_table" if not report.ds.has("targets") else "no_target", lang)
        values["split"] = _fall_split(report, row, thr["region_split_share"])
        values["share"] = _share_said(report, row)
        said = (_target_ambition(report, row), values["split"])  # a target asking more, then where the fall sits
        values["more"] = ("" if lang == "zh" else " ").join(part for part in said if part)
        out.append(
            finding(
                report, "region_underperform", {"region": row.region}, values, angle=NAME,
                metric="attainment" if low else "revenue_vs_baseline",
                value=row.attainment if low else row.revenue, baseline=1.0 if low else row.baseline,
                effect=row.effect, variant="notarget" if target_free else "",
                severity=rule_severity(report, row.effect, row.q_value, row.change),
                action_key="finding_region_underperform_action",
            )
        )  # fmt: skip
    return out


PEERS_SAID = 0.005  # a peer factor this far from 1 or more changes the baseline's figure: said with its reason


def _expectation(row: Any, lang: str) -> str:
    """What the region's month was expected at: its own trend and season, and, where its peers moved, their move.

    The baseline is the region's own expectation × how the other regions did against theirs (the peer factor).
    Said as one figure it read "按本区域自身的趋势和季节" for a figure its own trend did not give, beside the company's
    split that states each region's gap to its own expectation: both are said now, and which is the baseline. Where
    the peers' rise was read on their existing channels only (:func:`.regions._rise_cap`), the text says so.
    """
    factor, baseline = row.peer_factor, format_amount(row.baseline, lang)
    if pd.isna(factor) or abs(factor - 1) < PEERS_SAID:
        return t("mk_region_expect_own", lang, baseline=baseline)
    key = "mk_region_expect_peers_like" if row.peers_opened else "mk_region_expect_peers"  # openings set aside
    return t(
        key, lang, baseline=baseline, expected=format_amount(row.expected, lang),
        peers=format_pct(factor, 0),
    )  # fmt: skip


def _share_said(report: Report, row: Any) -> str:
    """The region's part of the company then and now, where that (not its band) shows the fall; else empty.

    A band read from one cycle of history can hold a month at a fifth of the usual one: the detail's own figures
    (revenue inside the range) would then contradict its flag, so the share that carried it
    (:func:`.regions.region_frame`'s ``by_share``) is said.
    """
    if not row.by_share:
        return ""
    lang = report.lang
    key = "mk_region_share_fell" if report.orders_counted else "mk_region_share_fell_totals"
    return t(
        key, lang, months=report.settings(NAME)["share_months"], usual=format_pct(row.share_usual),
        now=format_pct(row.share_now), orders=format_int(row.orders), expected=format_int(row.orders_share_expected),
    )  # fmt: skip


def _target_ambition(report: Report, row: Any) -> str:
    """How much of a region's gap to target is its target asking more than its own expected level.

    Said where the target lies above the top of the region's expected range: the review then knows how much of
    the gap is a fall to recover and how much a target to discuss. Empty otherwise.
    """
    if pd.isna(row.target) or not row.target > row.baseline_high or not row.revenue < row.baseline:
        return ""
    lang, gap, above = report.lang, row.target - row.revenue, row.target - row.baseline
    return t(
        "mk_region_ambition", lang, target=format_amount(row.target, lang), gap=format_amount(gap, lang),
        fall=format_amount(row.baseline - row.revenue, lang), above=format_amount(above, lang),
        share=format_pct(above / gap, 0),
    )  # fmt: skip


def _fall_split(report: Report, row: Any, min_share: float) -> str:
    """Where a flagged region's fall below its baseline sits: :func:`fall_split` of its row."""
    return fall_split(report, row.region, row.baseline, row.revenue, min_share)


def expected_table(report: Report, region: str | None, key: str) -> pd.DataFrame:
    """Per value of ``key`` (as text) in ``region``: its expected revenue this month (usual) and its revenue (now).

    A region's expectation is the region ranking's own (:func:`.regions.region_frame`); another dimension's value
    is forecast from its months over the same history, with the company's season (:func:`expected_cells`).
    ``region`` ``None``: the company.
    """
    if key != "region":
        return expected_cells(report, region, (key,))

    def build() -> pd.DataFrame:
        frame = region_frame(report).set_index("region")
        return pd.DataFrame({"usual": frame["expected"].fillna(0.0), "now": frame["revenue"].fillna(0.0)})

    return report.memo(f"market.expected_split:{region}:{key}", build)


def expected_cells(report: Report, region: str | None, keys: tuple[str, ...]) -> pd.DataFrame:
    """Per value (a pair: per pair) of ``keys`` as text in ``region``: its expected revenue (usual) and now.

    Each value's expectation is read from its own months (:func:`monthly_cells`) with the company's season: one
    definition of "below expectation" for a region, its channels, lines and reps. ``region`` ``None``: the company.
    """

    def build() -> pd.DataFrame:
        monthly, past, season, season_of = monthly_cells(report, region, keys)
        usual = [expected(history, keys=season_of, season=season).value for history in monthly[past].to_numpy()]
        return pd.DataFrame({"usual": np.nan_to_num(usual), "now": monthly[report.period]}, index=monthly.index)

    return report.memo(f"market.expected_cells:{region}:{':'.join(keys)}", build)


def monthly_cells(report: Report, region: str | None, keys: tuple[str, ...]) -> tuple[pd.DataFrame, list, Any, list]:
    """Revenue per value (or pair) of ``keys`` as text in ``region`` and month, over the months an expectation reads.

    Returns the table (a row per value, a column per history month and the report month; a month the export left
    out of a region unknown, :func:`_gaps_unknown`), the history months, the company's season over them and their
    season keys (:func:`.regions.company_history`): what :func:`salesnb.expect.expected` forecasts a value from.
    """

    def build() -> tuple[pd.DataFrame, list, Any, list]:
        past, season, season_of = company_history(report)
        lines = fall_facts(report, keys)
        rows = lines if region is None else lines[(lines["region"] == region).to_numpy()]
        rows = facts.in_months(rows, [*past, report.period])
        groups = [rows[key].astype(str) for key in keys]
        monthly = rows["revenue"].groupby([*groups, rows["month"]]).sum().unstack("month")
        monthly = _gaps_unknown(report, region, keys, monthly.reindex(columns=[*past, report.period]).fillna(0.0))
        return monthly, past, season, season_of

    return report.memo(f"market.monthly_cells:{region}:{':'.join(keys)}", build)


def _gaps_unknown(report: Report, region: str | None, keys: tuple[str, ...], monthly: pd.DataFrame) -> pd.DataFrame:
    """``monthly`` (a row per value, a column per month) with the months the export left out of a region unknown.

    A region's gap months (:mod:`salesnb.data.region_gaps`) are no months of 0 for its values: in a region's scope
    every row's, in the company's the rows of a ``region`` key naming it. The report month is never one.
    """
    gaps = {name: [m for m in months if m in monthly.columns and m != report.period]
            for name, months in region_gaps(report.ds).items()}  # fmt: skip
    if region is not None:
        monthly.loc[:, gaps.get(region, [])] = np.nan
    elif "region" in keys:
        names = monthly.index.get_level_values(keys.index("region"))
        for name, months in gaps.items():
            monthly.loc[names == name, months] = np.nan
    return monthly


def scope_table(report: Report, region: str | None, key: str, baseline: float) -> pd.DataFrame:
    """:func:`expected_table` with its values' expectations scaled to the scope's ``baseline`` (:func:`scaled_to`).

    Not a region's: its own expectation is a figure its finding states (:func:`_expectation`), so its part of the
    company's gap is that figure's gap, the same number on both.
    """
    frame = expected_table(report, region, key)
    return frame if key == "region" else scaled_to(frame, baseline)


def scaled_to(frame: pd.DataFrame, baseline: float) -> pd.DataFrame:
    """``frame`` with its expectations (``usual``) scaled to add up to ``baseline``, the scope's own expected level.

    The parts of a scope's gap then add up to the gap its finding states. Unscaled where either is not positive.
    """
    total = frame["usual"].sum()
    return frame.assign(usual=frame["usual"] * (baseline / total)) if total > 0 and baseline > 0 else frame


def fall_split(
    report: Report, region: str | None, baseline: float, now: float, min_share: float, keys: tuple[str, ...] = FALL_KEYS
) -> str:
    """Where a scope's fall below its ``baseline`` (its expected level, → ``now``) sits: the values holding most of it.

    Per dimension of ``keys`` (channel, line, rep; for the company, ``region`` too), each value against its own
    expected level scaled to the scope's (:func:`expected_table`). Empty where it did not fall or has one value of
    each dimension (the headline's expected level and shortfall say it). Its fall spread over
    many values is said too: no one to call first is an answer as well. ``region`` ``None``: the whole company.
    """
    lang, fall = report.lang, baseline - now
    if not fall > 0:
        return ""

    def table(report: Report, scope: str | None, key: str) -> pd.DataFrame:
        return scope_table(report, scope, key, baseline)

    split, largest = largest_falls(report, region, fall, min_share, keys, table)
    if any(key in STATED_BY for key, _, _ in largest):  # the two rules are read only when a part could be theirs
        stated = stated_gaps(report, region)
        largest = [(key, name, stated.get((key, name), amount)) for key, name, amount in largest]
    largest = _largest_dimension_first(_distinct(report, region, largest))
    parts = [
        t("mk_region_split_part" if round(amount / fall, 2) <= 1 else "mk_region_split_part_over", lang,
          dimension=_dimension(key, lang), name=_value_label(report, key, name),
          amount=format_amount(amount, lang), share=format_pct(amount / fall, 0),
          usual=format_pct(usual_share(table(report, region, key), name), 0))
        for key, name, amount in largest
    ]  # fmt: skip  # a value falling more than the whole: "占 115 %" asked why; the others rose
    dimensions = joined((_dimension(key, lang) for key in split), lang)
    if not dimensions:  # one channel, line and rep: the scope is its only value, the headline says it all
        return ""
    key = "mk_region_split" if parts else "mk_region_split_spread"
    values = {"fall": format_amount(fall, lang), "parts": joined(parts, lang)}
    return t(key, lang, **values, dimensions=dimensions, share=format_pct(min_share))


def usual_share(frame: pd.DataFrame, name: str) -> float:
    """``name``'s part of the scope's expected revenue (``frame``: :func:`scope_table`'s usual per value).

    Said beside its part of the fall: a line holding 97 % of a region's gap reads as its cause until the reader
    learns it is 94 % of the region's business (a fall in proportion); 61 % of the gap in a channel usually selling
    23 % points at the channel.
    """
    usual = frame["usual"].clip(lower=0.0)
    total = float(usual.sum())
    return float(usual.get(name, 0.0)) / total if total > 0 else float("nan")


STATED_BY = {"channel": ("market", "channel_underperform"), "product_line": ("product", "product_line_decline")}


def stated_gaps(report: Report, region: str | None) -> dict[tuple[str, str], float]:
    """Per (dimension, value) of the scope's fall with a finding of its own: the gap that finding states.

    西南's channel 分销 has its own finding "本月 4.7万，对比基准 62.8万": its part of the region's fall is that
    58.1万, not the 57.4万 its forecast scaled to the region's level gives — one number for one fact on the page
    (as a cause's link states it, :func:`salesnb.findings.stated_amounts`). The rules of :data:`STATED_BY`, as
    memoised for the report; ``region`` ``None``: the company's own findings (no region in their segment).
    In the company's report a region's split reads the region's own report's findings first, then the company's
    report's of that region: the region's finding then says the same parts on both pages (华南's 分销 fires in
    华南's report, not among the company's many channel tests, and is 59.4万 on both).
    """
    from ..angle import get  # the registry: market.split is imported by the angle packages it reads

    scoped = [(report, region if report.region == ALL else None)]
    if report.region == ALL and region is not None:  # the region's own report first, as its page states it
        scoped.insert(0, (replace(report, ds=report.whole, region=region), None))
    out: dict[tuple[str, str], float] = {}
    for source, where in scoped:
        for key, (angle, code) in STATED_BY.items():
            for found in get(angle).rule_findings(source, {code}):
                segment, amounts = found["segment"], stated_amounts(found)
                if segment.get("region") == where and key in segment and amounts is not None:
                    out.setdefault((key, str(segment[key])), amounts[0] - amounts[1])
    return out


def _largest_dimension_first(largest: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """``largest`` with each dimension's values kept together, the dimension holding the largest part named first.

    The company's regions stay first (the review goes region by region); of the channels, lines and reps, a
    company whose 线上商城 channel holds 71 % of its fall and one product line 26 % reads the channel first,
    whatever the order the dimensions are searched in.
    """
    top: dict[str, float] = {}
    for key, _, amount in largest:
        top[key] = max(top.get(key, 0.0), amount)
    # stable: a dimension's values stay largest first
    return sorted(largest, key=lambda part: (part[0] != "region", -top[part[0]]))


def _distinct(
    report: Report, region: str | None, largest: list[tuple[str, str, float]]
) -> list[tuple[str, str, float]]:
    """``largest`` with each slice of the orders named once: a value holding exactly the rows of one named before.

    An export whose region 线上 is its channel 线上商城 names one slice twice (少 13.2万 as a region, 15.5万 as a
    channel, each measured its own way): the first named, in the order of ``keys``, stands for both.
    """
    kept: list[tuple[str, str, float]] = []
    seen: list[pd.Index] = []
    for key, name, amount in largest:
        lines = fall_facts(report, (key,))
        rows = lines if region is None else lines[(lines["region"] == region).to_numpy()]
        held = rows.index[rows[key].astype(str).eq(name).to_numpy()]
        if any(held.equals(other) for other in seen):
            continue
        seen.append(held)
        kept.append((key, name, amount))
    return kept


def _dimension(key: str, lang: str) -> str:
    """A fall dimension's name inside a sentence: 渠道 / channel."""
    return t(key, lang) if lang == "zh" else t(key, lang).lower()


def _value_label(report: Report, key: str, name: str) -> str:
    """A fall dimension's value as a reader knows it: a rep by name and id, a channel or line as it is."""
    return rep_label(report.ds, name, report.lang) if key == "rep_id" else name
