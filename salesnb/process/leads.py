"""线索来源结构, 线索匹配度: each source's share of the month's leads, and the company-size fit of its leads.

The usual level is the ``process.history_months`` months before the report month (from the first month with
leads), pooled.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .. import evidence, stats
from ..data import facts
from ..data.facts import size_band_labels
from ..data.grouping import aggregate
from ..display import plotting
from ..display.formatting import format_int, format_pct, table
from ..display.panel import Panel, needs
from ..display.plotting.distributions import plot_band_mix
from ..findings import finding, flagged
from ..i18n import t
from ..periods import month_start, parse_period
from ..report import Report, scope_memo
from .common import NAME, deals, edges, history, lead_value, leads, month_leads, n_history, snapshot_at
from .evidence import severity
from .icp import icp_text, industry_findings, mix_frame, off_profile_bands, surge

# ------------------------------------------------------------------------------------------ source mix


@scope_memo  # its panel, rule and metrics read one computation per report scope
def source_mix_frame(report: Report) -> pd.DataFrame:
    """Each lead source's share of the month's leads against last month and the pooled usual months.

    Columns: source, leads, share, previous_share, usual_leads (usual monthly average), usual_share, change
    (points), excess (leads beyond the usual share of this month's total), p_rise / p_drop (Fisher exact chance of
    such a share), p_count_rise / p_count_drop (chance of so many / so few leads against the usual months),
    q_rise / q_drop (the larger p of each direction, Benjamini–Hochberg adjusted over every source and direction),
    flagged (``rise`` / ``drop`` / empty): the business rule — a share move of at least
    ``thresholds.process.share_shift_points``, or the source's leads against the other sources' multiplied
    (divided) by ``share_shift_ratio`` (a small source tripling moves few points; :func:`_odds`), with
    ``thresholds.process.min_count`` leads beyond (or short of) the usual — with its q below
    ``thresholds.process.fdr``.
    """
    thr = report.thresholds(NAME)
    months = history(report, "leads", "created_at")
    now = month_leads(report, [report.period])
    prev = month_leads(report, [str(report.baselines.previous_month)])
    base = month_leads(report, months)
    total, base_total, prev_total = len(now), len(base), len(prev)
    sources = sorted(set(now["source"].unique()) | set(base["source"].unique()))
    counts, base_counts, prev_counts = (f["source"].value_counts() for f in (now, base, prev))
    rows = []
    for source in sources:
        count = int(counts.get(source, 0))
        usual_share = stats.ratio(base_counts.get(source, 0), base_total)
        usual_leads = base_counts.get(source, 0) / len(months) if months else float("nan")
        known = total and not math.isnan(usual_share)
        rows.append(
            {
                "source": source,
                "leads": count,
                "share": stats.ratio(count, total),
                "previous_share": stats.ratio(prev_counts.get(source, 0), prev_total),
                "usual_leads": usual_leads,
                "usual_share": usual_share,
                "change": stats.ratio(count, total) - usual_share,
                "excess": count - usual_share * total if known else float("nan"),
                "p_rise": stats.fisher(count, total, base_counts.get(source, 0), base_total, "greater"),
                "p_drop": stats.fisher(count, total, base_counts.get(source, 0), base_total, "less"),
                "p_count_rise": stats.count_rise(count, base_counts.get(source, 0), len(months)),
                "p_count_drop": stats.count_drop(count, base_counts.get(source, 0), len(months)),
            }
        )
    columns = ["source", "leads", "share", "previous_share", "usual_leads", "usual_share", "change", "excess"]
    frame = pd.DataFrame(rows, columns=[*columns, "p_rise", "p_drop", "p_count_rise", "p_count_drop"])
    points, fdr, least, times = thr["share_shift_points"], thr["fdr"], thr["min_count"], thr["share_shift_ratio"]
    p_up = np.fmax(frame["p_rise"], frame["p_count_rise"]).to_numpy(dtype=float)
    p_down = np.fmax(frame["p_drop"], frame["p_count_drop"]).to_numpy(dtype=float)
    floor = _min_p(frame["leads"], frame["usual_share"] * base_total, total, base_total, len(months))
    q = evidence.tarone_q_values(np.concatenate([p_up, p_down]), np.concatenate(floor), fdr)
    frame["q_rise"], frame["q_drop"] = q[: len(frame)], q[len(frame) :]
    odds, usual_odds = _odds(frame["share"]), _odds(frame["usual_share"])  # against the other sources
    moved_up = (frame["change"] >= points) | (odds >= times * usual_odds)  # 6% → 15%: a campaign
    moved_down = (frame["change"] <= -points) | (odds * times <= usual_odds)
    rise = moved_up & (frame["q_rise"] < fdr) & (frame["excess"] >= least)
    drop = moved_down & (frame["q_drop"] < fdr) & (frame["usual_leads"] - frame["leads"] >= least)
    frame["flagged"] = np.where(rise, "rise", np.where(drop, "drop", ""))
    return frame.sort_values(["leads", "source"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _min_p(
    leads: pd.Series, base_leads: pd.Series, total: int, base_total: int, months: int
) -> tuple[np.ndarray, np.ndarray]:
    """The smallest p-value each source's rise and drop could give with its leads (for Tarone's family).

    Given the source's leads of the month and the usual months together (``leads + base_leads``) and each side's
    total, the share's Fisher test and the count's test (:func:`salesnb.stats.count_rise`) are lowest together
    when as many of them as can be fall in the month (a rise) or in the usual months (a drop): a source of four
    leads in seven months cannot confirm a rise or a drop among a dozen sources, and would only dilute those that
    can (a source tripling as the whole region's leads doubled went unconfirmed, q 0.066 over 14 tests).
    """
    up, down = [], []
    for own, base in zip(leads.to_numpy(dtype=float), np.nan_to_num(base_leads.to_numpy(dtype=float)), strict=True):
        every = int(round(own + base))
        hi, lo = min(every, total), max(0, every - base_total)
        up.append(
            max(stats.fisher(hi, total, every - hi, base_total, "greater"), stats.count_rise(hi, every - hi, months))
        )
        down.append(
            max(stats.fisher(lo, total, every - lo, base_total, "less"), stats.count_drop(lo, every - lo, months))
        )
    return np.array(up, dtype=float), np.array(down, dtype=float)


def _odds(share: pd.Series) -> pd.Series:
    """A source's leads against the other sources' leads (``share`` of all): how it moved beside the rest.

    Its share counts its own leads in the whole: a source that multiplies its leads while the others stay put
    cannot double its share once it is more than a few percent of the leads (苏北's 抖音 in a foreign world:
    12.5 → 32 leads, share 10.0% → 19.2%, its odds against the other sources 0.111 → 0.237). NaN for a source
    with every lead (no other source to move against: the share's points say whether it moved).
    """
    return share / (1.0 - share).where(share < 1)


def _new_deals_of(report: Report, source: str, band: str | None = None) -> pd.DataFrame:
    """Deals opened this month from leads of ``source`` (and ``band``), with the stage each sat in at month end."""
    start, end = report.window(report.period)
    rows = facts.in_region(deals(report), report.region)
    rows = rows[(rows["created_at"] >= start) & (rows["created_at"] < end) & (rows["source"] == source)]
    if band is not None:
        rows = rows[rows["size_band"] == band]
    snap = snapshot_at(report, report.period).set_index("opportunity_id")["stage"]
    return rows.assign(stage=rows["opportunity_id"].map(snap))


def _main_stage(rows: pd.DataFrame) -> tuple[str | None, int]:
    """The stage where most of ``rows`` (deals) sat at month end, when it holds at least half of them."""
    counts = rows["stage"].dropna().value_counts()
    if counts.empty or counts.iloc[0] * 2 < len(rows):
        return None, 0
    top = counts[counts == counts.iloc[0]].sort_index()
    return str(top.index[0]), int(top.iloc[0])


def _main_band(report: Report, source: str) -> tuple[str | None, float, float]:
    """The company-size band of ``source`` leads whose share rose most this month (share now, usual)."""
    if not report.ds.has("leads"):
        return None, float("nan"), float("nan")
    frame = lead_fit_frame(report)
    rows = frame[(frame["source"] == source) & (frame["size_band"] != facts.UNKNOWN)]
    rows = rows[rows["change"] >= report.thresholds(NAME)["share_shift_points"]]
    if rows.empty:
        return None, float("nan"), float("nan")
    best = rows.sort_values(["change", "size_band"], ascending=[False, True], kind="stable").iloc[0]
    return str(best["size_band"]), float(best["share"]), float(best["usual_share"])


def _stage_profile(report: Report, source: str, band: str | None) -> str:
    if not report.ds.has("stage_events"):
        return ""
    rows = _new_deals_of(report, source, band)
    stage, stuck = _main_stage(rows)
    if stage is None:
        return ""
    return t("proc_f_shift_profile_stage", report.lang, opps=len(rows), stuck=stuck, stage=stage)


def source_shift(report: Report) -> list[dict[str, Any]]:
    """Rule lead_source_shift: thresholds.process.{share_shift_points, fdr, min_count, strong_q} (the frame's flag).

    A rise names the size band whose share rose most and the stage where the new deals of the source sit; a
    drop is worded as its own variant (``finding_lead_source_shift_drop_*``). Severity: the value of the leads
    beyond (short of) the usual, at least medium when the source's share moved by ``collapse`` of itself (a source
    tripling is a change of the funnel, whatever its leads are worth where the data has no deals to value them).
    """
    lang, n = report.lang, n_history(report)
    out = []
    for row in source_mix_frame(report).itertuples():
        if row.flagged == "rise":
            band, band_share, band_usual = _main_band(report, row.source)
            profile = ""
            if band is not None:
                profile = t(
                    "proc_f_shift_profile_band",
                    lang,
                    band=band,
                    share=format_pct(band_share),
                    usual=format_pct(band_usual),
                )
            stage_text = _stage_profile(report, row.source, None)
            profile += (" " if profile and stage_text and lang != "zh" else "") + stage_text
            effect = row.excess * lead_value(report, row.source)
            values = {
                "source": row.source,
                "leads": row.leads,
                "share": format_pct(row.share),
                "usual": format_pct(row.usual_share),
                "n": n,
                "excess": format_int(row.excess),
                "profile": profile,
            }
            variant = ""
        elif row.flagged == "drop":
            effect = (row.usual_leads - row.leads) * lead_value(report, row.source)
            values = {
                "source": row.source,
                "leads": row.leads,
                "share": format_pct(row.share),
                "usual": format_pct(row.usual_share),
                "n": n,
                "usual_leads": format_int(row.usual_leads),
            }
            variant = "drop"
        else:
            continue
        q = row.q_rise if row.flagged == "rise" else row.q_drop
        out.append(
            finding(
                report,
                "lead_source_shift",
                {"source": row.source},
                values,
                angle=NAME,
                variant=variant,
                metric="lead_share",
                value=row.share,
                baseline=row.usual_share,
                effect=effect,
                severity=severity(report, effect, q, change=stats.ratio(row.share, row.usual_share) - 1),
            )
        )
    return out


@needs("leads")
def source_mix_panel(report: Report) -> Panel:
    """线索来源结构: each source's share of the month's leads against the usual months."""
    lang = report.lang
    n = n_history(report)
    frame = source_mix_frame(report)
    if frame["leads"].sum() == 0:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plotting.plot_composition(
        frame,
        label="source",
        value="share",
        baseline="usual_share",
        lang=lang,
        legend=(t("proc_this_month", lang), t("proc_usual_share", lang, n=n)),
        title=f"{t('proc_share', lang)} · {t('proc_source', lang)}",
    )
    flags = {"rise": t("proc_flag_rise", lang), "drop": t("proc_flag_drop", lang), "": ""}
    shown = frame.assign(flag=frame["flagged"].map(flags))
    shown = table(
        shown,
        [
            ("source", "proc_source", None),
            ("leads", "proc_leads", "int"),
            ("share", "proc_share", "pct"),
            ("previous_share", "proc_prev_share", "pct"),
            ("usual_share", t("proc_usual_share", lang, n=n), "pct"),
            ("change", "proc_share_change", "signed_pct"),
            ("flag", "proc_flag", None),
        ],
        lang,
    )
    thr = report.thresholds(NAME)
    points, times = int(round(thr["share_shift_points"] * 100)), f"{thr['share_shift_ratio']:g}"
    note = t("proc_mix_note", lang, n=n, points=points, times=times)
    return Panel(frame=frame, table=shown, figure=ax.figure, note=note)


# ---------------------------------------------------------------------------------------------- fit


def band_fit_frame(report: Report) -> pd.DataFrame:
    """Historical fit of each company-size band: won revenue per lead against the average over all leads.

    Leads created in the ``process.fit_history_months`` months ending ``process.fit_maturity_months`` before the
    report month (so their deals have had time to close), with wins closed before the month's end. Columns:
    size_band, leads, won_value, value_per_lead, fit_ratio (NaN under ``thresholds.process.min_fit_leads`` leads).
    """
    cfg, thr = report.settings(NAME), report.thresholds(NAME)
    _, end = report.window(report.period)
    p = parse_period(report.period)
    lo = month_start(p - int(cfg["fit_history_months"]) - int(cfg["fit_maturity_months"]))
    hi = month_start(p - int(cfg["fit_maturity_months"]))
    rows = leads(report)[["lead_id", "created_at", "opportunity_id", "size_band"]]  # the columns read, not all
    rows = rows[(rows["created_at"] >= lo) & (rows["created_at"] < hi)]
    won_value = pd.Series(0.0, index=rows.index)
    if report.ds.has("opportunities"):
        all_deals = deals(report)
        won = all_deals[(all_deals["outcome"] == "won") & (all_deals["closed_at"] < end)]
        at = facts.positions(won["opportunity_id"], rows["opportunity_id"])  # Series.map, one lookup
        won_value = facts.take(won["amount"], at, rows.index).fillna(0.0).astype(float)
    rows = rows.assign(won_value=won_value)
    grouped = aggregate(rows.groupby("size_band"), leads=("lead_id", "size"), won_value=("won_value", "sum"))
    order = [b for b in [*size_band_labels(list(edges(report))), facts.UNKNOWN] if b in grouped.index]
    frame = grouped.reindex(order).rename_axis("size_band").reset_index()
    overall = stats.ratio(rows["won_value"].sum(), len(rows))
    frame["value_per_lead"] = frame["won_value"] / frame["leads"].where(frame["leads"] > 0)
    frame["fit_ratio"] = (frame["value_per_lead"] / overall if overall and overall > 0 else np.nan) * 1.0
    frame.loc[frame["leads"] < int(thr["min_fit_leads"]), "fit_ratio"] = np.nan
    return frame


@scope_memo  # the panel and the rule read one computation
def lead_fit_frame(report: Report) -> pd.DataFrame:
    """Company-size mix of each source's leads this month against its usual months, with each band's fit.

    Columns: source, size_band, leads, source_leads, share (within the source), usual_share, change, excess,
    p_value (Fisher exact), q_value (Benjamini–Hochberg over every source and band), fit_ratio (see
    :func:`band_fit_frame`), converted (share of this month's leads already turned into deals), poor_fit
    (fit_ratio below ``thresholds.process.poor_fit_ratio``: history shows the band converts badly), off_profile
    (outside the ideal customer profile, :func:`off_profile_bands`), flagged: an off-profile or poor-fit band
    whose share rose by ``thresholds.process.share_shift_points`` with ``thresholds.process.min_count`` leads
    beyond the usual and q below ``thresholds.process.fdr``. The profile alone is enough: a surge of
    off-profile leads is flagged even with little conversion history.
    """
    thr = report.thresholds(NAME)
    fit = band_fit_frame(report).set_index("size_band")["fit_ratio"]
    bands = [*size_band_labels(list(edges(report))), facts.UNKNOWN]
    frame = mix_frame(report, "size_band", bands)
    frame.insert(9, "fit_ratio", frame["size_band"].map(fit).astype(float))
    frame["poor_fit"] = frame["fit_ratio"] < float(thr["poor_fit_ratio"])
    frame["off_profile"] = frame["size_band"].isin(off_profile_bands(report))
    frame["flagged"] = (frame["poor_fit"] | frame["off_profile"]) & surge(report, frame)
    return frame


def fit_low(report: Report) -> list[dict[str, Any]]:
    """Rule lead_fit_low: thresholds.process.{poor_fit_ratio, share_shift_points, fdr, min_count} (the flag).

    History strengthens the finding: a band that history shows converting badly is worded with its fit and is at
    least medium; a band flagged on the ideal customer profile alone (variant ``icp``) is at most medium. The
    action differs for the smallest band (a lighter offer), and without a stage where its deals sit.
    """
    n = n_history(report)
    smallest = size_band_labels(list(edges(report)))[0]
    out = []
    for row in flagged(lead_fit_frame(report)):
        profile = _stage_profile(report, row.source, row.size_band)
        stage = (
            _main_stage(_new_deals_of(report, row.source, row.size_band))[0] if report.ds.has("stage_events") else None
        )
        effect = row.excess * lead_value(report, row.source)
        values = {
            "source": row.source,
            "band": row.size_band,
            "leads": row.leads,
            "share": format_pct(row.share),
            "usual": format_pct(row.usual_share),
            "n": n,
            "fit": format_pct(row.fit_ratio),
            "profile": profile,
            "stage": stage or "",
            "icp": icp_text(report),
        }
        confirmed = bool(row.poor_fit)
        action = "finding_lead_fit_low_action" if row.size_band != smallest else "finding_lead_fit_low_action_small"
        action += "" if stage or row.size_band != smallest else "_plain"
        out.append(
            finding(
                report,
                "lead_fit_low",
                {"source": row.source, "company_size": row.size_band},
                values,
                angle=NAME,
                action_key=action,
                metric="band_share",
                value=row.share,
                baseline=row.usual_share,
                effect=effect,
                variant="" if confirmed else "icp",
                severity=severity(report, effect, row.q_value, strengthen=confirmed, cap=not confirmed),
            )
        )
    return out + industry_findings(report)


@needs("leads")
def lead_fit_panel(report: Report) -> Panel:
    """线索匹配度: company-size mix of each source's leads, this month against the usual months."""
    lang, cfg = report.lang, report.settings(NAME)
    n = n_history(report)
    frame = lead_fit_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plot_band_mix(
        frame,
        bands=size_band_labels(list(edges(report))),
        lang=lang,
        n=n,
        title=f"{t('proc_size_band', lang)} · {t('proc_source', lang)}",
    )
    shown = frame.assign(flag=frame["flagged"].map({True: t("proc_flag_fit", lang), False: ""}))
    shown = table(
        shown,
        [
            ("source", "proc_source", None),
            ("size_band", "proc_size_band", None),
            ("leads", "proc_leads", "int"),
            ("share", "proc_band_share", "pct"),
            ("usual_share", t("proc_band_usual", lang, n=n), "pct"),
            ("fit_ratio", "proc_fit_ratio", "pct"),
            ("converted", "proc_conv_now", "pct"),
            ("flag", "proc_flag", None),
        ],
        lang,
    )
    ratio = format_pct(report.thresholds(NAME)["poor_fit_ratio"], 0)
    note = t("proc_fit_note", lang, months=int(cfg["fit_history_months"]), ratio=ratio)
    return Panel(frame=frame, table=shown, figure=ax.figure, note=note)


def metrics(report: Report) -> dict[str, Any]:
    """The month's leads and each source's share, ``source_share_<source>`` (needs leads)."""
    if not report.ds.has("leads"):
        return {}
    mix = source_mix_frame(report)
    out: dict[str, Any] = {"leads": int(mix["leads"].sum())}
    for row in mix.sort_values("source").itertuples():
        out[f"source_share_{row.source}"] = stats.number(row.share)
    return out
