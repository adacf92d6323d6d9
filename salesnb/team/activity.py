"""活动量与转化: visits, calls and demos per rep against their usual month, and how activity goes with revenue."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .. import evidence
from ..data import facts
from ..data.reps import left_before_end, rep_label, tenure_months
from ..display.bounded import bounded, bounded_note
from ..display.formatting import format_amount, format_amounts, format_int, format_pct
from ..display.panel import Panel, needs
from ..display.plotting.people import plot_activity
from ..findings import finding
from ..i18n import t
from ..periods import ALL
from ..report import Report, scope_memo
from ..stats import simes
from .common import activity_facts, company_shows, deal_moves, peer_expectation, peer_groups, rep_months, unusual
from .reps import rep_frame

FIXED_COLUMNS = frozenset(
    {"rep_id", "label", "activities", "usual", "expected", "spread", "ratio", "z", "revenue", "won", "win_rate"}
    | {"moves", "per_move_expected", "move_ratio", "p_value", "q_value"}
    | {"flagged"}
)  # every other column of activity_frame is one activity type


def activity_counts(report: Report) -> pd.DataFrame:
    """Activities per rep (rows) and month (columns) in the report's region."""
    acts = facts.in_region(activity_facts(report), report.region)
    return acts.groupby(["rep_id", "month"]).size().unstack("month", fill_value=0).astype(float)


@scope_memo  # the rule and the panel read one computation
def activity_link(report: Report) -> dict[str, float | None]:
    """How activity goes with revenue over the ``team.link_months`` months before the period.

    ``slope``: extra monthly revenue per extra activity *within* a rep (each rep's months against the rep's
    own average, so busy territories do not inflate it; floored at 0); ``correlation``: Spearman correlation
    of activities and revenue across rep-months; ``months`` used.
    """
    months = report.history(report.settings("team")["link_months"])
    counts = activity_counts(report).reindex(columns=months).fillna(0.0)
    sales = rep_months(report)["revenue"].unstack("month").reindex(columns=months).fillna(0.0)
    reps = counts.index.intersection(sales.index)
    x, y = counts.loc[reps], sales.loc[reps]
    dx = x.sub(x.mean(axis=1), axis=0).to_numpy().ravel()
    dy = y.sub(y.mean(axis=1), axis=0).to_numpy().ravel()
    flat_x, flat_y = x.to_numpy().ravel(), y.to_numpy().ravel()
    if len(flat_x) < 5 or not np.any(dx) or np.ptp(flat_y) == 0:
        return {"slope": None, "correlation": None, "months": len(months)}
    slope = float(np.dot(dx, dy) / np.dot(dx, dx))
    correlation = float(stats.spearmanr(flat_x, flat_y).statistic)
    return {"slope": max(slope, 0.0), "correlation": correlation, "months": len(months)}


def moves_expectation(report: Report, counts: pd.DataFrame) -> pd.DataFrame:
    """Each rep's activities this period against what the movement of the rep's deals this month leads one to expect.

    Reps log a call, visit or demo as their deals move from stage to stage, so a month in which the rep's deals
    moved as usual but few activities were logged is an activity (or CRM discipline) problem, whatever the rep's
    month-to-month ups and downs. ``per_move_expected`` = the rep's activities per stage entry of the rep's deals over
    the ``team.own_months`` months before × this month's stage entries (``moves``); ``p_value``: the exact
    conditional test of two Poisson counts with their exposures (under one rate, this month holds each of the
    rep's activities with probability moves now ÷ all moves). NaN without deal history or without moves this month.
    ``counts``: activities per rep (rows) × month (columns), as :func:`activity_counts`.

    Columns: moves, per_move_expected, move_ratio (activities ÷ per_move_expected), p_value (indexed by rep).
    """
    own = report.history(report.settings("team")["own_months"])
    moves = deal_moves(report).pivot_table(index="rep_id", columns="month", values="moves", aggfunc="sum")
    moves = moves.reindex(index=counts.index, columns=[*own, report.period]).fillna(0.0)
    acts = counts.reindex(columns=[*own, report.period]).fillna(0.0)
    past_moves, past_acts = moves[own].sum(axis=1), acts[own].sum(axis=1)
    now_moves, now_acts = moves[report.period], acts[report.period]
    known = (past_moves > 0) & (past_acts > 0) & (now_moves > 0)
    expected = (past_acts / past_moves.where(known)) * now_moves
    share = now_moves / (past_moves + now_moves)
    trials = (past_acts + now_acts).round().astype(int)
    p = stats.binom.cdf(now_acts.round(), trials, share.fillna(0.0))
    return pd.DataFrame(
        {
            "moves": now_moves,
            "per_move_expected": expected,
            "move_ratio": now_acts / expected.where(expected > 0),
            "p_value": pd.Series(p, index=counts.index).where(known),
        }
    )


@scope_memo  # the panel and the rule read one computation
def activity_frame(report: Report) -> pd.DataFrame:
    """Activities per rep this period by type, against what the rep's own history and peers expect.

    Columns: rep_id, label, one column per activity type, activities, usual (mean over the ``team.link_months``
    months before the period), expected (the rep's level over ``team.own_months`` months × what the month did to the
    rep's peers, :func:`.common.peer_expectation`: a quiet month for the whole team is not one rep's drop), spread
    (the usual months' standard deviation, at least √usual), ratio (activities ÷ expected), z (how many of the rep's
    own log spreads below the expected), revenue, won, win_rate, p_value, q_value, flagged. The business rule fires
    when activity fell to at most ``1 − thresholds.team.activity_drop`` of the expected, usual (or what the month's
    deal moves call for) is at least ``thresholds.team.activity_min_baseline`` and the rep was on the team the whole
    month for at least ``team.min_tenure_months``, or when activity is that share below what the movement of the
    rep's deals expects (moves, per_move_expected, move_ratio: :func:`moves_expectation`); the evidence confirms it
    (so a rep's normal ups and downs do not count): the drop's one-sided p-value against the rep's own spread (at
    least the Poisson spread) and the deals' exact test joined by Simes (min(2·smaller, larger); one alone where the
    other is unknown), adjusted over the reps tested (Benjamini–Hochberg), below ``thresholds.team.weak_fdr``
    (medium; high needs ``thresholds.team.strong_q``). The first row, ``rep_id`` ALL, is the whole team, for
    reference (its ratio and z against its usual).
    """
    thr, settings = report.thresholds("team"), report.settings("team")
    acts = facts.in_region(activity_facts(report), report.region)
    now = facts.in_months(acts, report.period)
    by_type = now.groupby(["rep_id", "type"]).size().unstack("type", fill_value=0)
    types = sorted(by_type.columns.tolist())
    counts = activity_counts(report)
    history = report.history(settings["link_months"])
    past = counts.reindex(columns=history).fillna(0.0)
    reps = rep_frame(report).set_index("rep_id")
    usual = past.mean(axis=1) if history else pd.Series(dtype=float)
    ids = sorted(set(by_type.index) | set(usual[usual > 0].index) | set(reps.index))
    frame = pd.DataFrame(index=pd.Index(ids, name="rep_id"))
    for kind in types:
        frame[kind] = by_type[kind].reindex(ids).fillna(0.0)
    frame["activities"] = counts[report.period].reindex(ids).fillna(0.0) if report.period in counts else 0.0
    frame["usual"] = usual.reindex(ids).astype(float)
    frame["spread"] = past.std(axis=1, ddof=1).reindex(ids).astype(float) if len(history) > 1 else np.nan
    frame["revenue"] = reps["revenue"].reindex(ids).fillna(0.0)
    frame["won"] = reps["won"].reindex(ids)
    frame["win_rate"] = reps["win_rate"].reindex(ids)
    team_past = past.sum(axis=0)
    decided = reps["won"].sum() + reps["lost"].sum() if len(reps) else 0
    total = pd.DataFrame(
        {
            **{kind: [frame[kind].sum()] for kind in types},
            "activities": [frame["activities"].sum()],
            "usual": [team_past.mean() if history else np.nan],
            "spread": [team_past.std(ddof=1) if len(history) > 1 else np.nan],
            "revenue": [frame["revenue"].sum()],
            "won": [frame["won"].sum(min_count=1)],
            "win_rate": [reps["won"].sum() / decided if decided else np.nan],
        },
        index=pd.Index([ALL], name="rep_id"),
    )
    frame = pd.concat([total, frame])
    frame["spread"] = np.fmax(frame["spread"], np.sqrt(frame["usual"]))
    frame["ratio"] = frame["activities"] / frame["usual"].where(frame["usual"] > 0)
    frame["z"] = (frame["usual"] - frame["activities"]) / frame["spread"].where(frame["spread"] > 0)
    own = report.history(settings["own_months"])
    values = counts.reindex(columns=[*own, report.period])
    level = values[own].where(values[own].gt(0).cummax(axis=1)).mean(axis=1)
    expect = peer_expectation(
        values, report.period, own, peer_groups(report, values.index), floor=1 / np.sqrt(level.where(level > 0))
    ).reindex(frame.index)
    # a count's own chance of so few (Poisson): the log spread's floor 1/√level gives a month of 1 activity where
    # 5 are usual a chance of 0.0003 when it is 0.04
    now = frame["activities"].round()
    expect["p_value"] = np.fmax(
        expect["p_value"], stats.poisson.cdf(now, expect["expected"].where(expect["expected"] > 0))
    )
    reps_only = frame.index != ALL
    frame["expected"] = frame["usual"]
    frame.loc[reps_only, "expected"] = expect["expected"]
    frame.loc[reps_only, "ratio"] = expect["ratio"]  # against the expected: the rep's level × the peers' month
    frame.loc[reps_only, "z"] = -expect["z"]
    by_moves = moves_expectation(report, values.fillna(0.0)).reindex(frame.index)
    frame["moves"], frame["per_move_expected"] = by_moves["moves"], by_moves["per_move_expected"]
    frame["move_ratio"] = by_moves["move_ratio"]
    # two readings of one question (is the month's activity low?), joined by Simes: min(2·smaller, larger)
    p_value = pd.Series(simes(expect["p_value"], by_moves["p_value"]), index=frame.index)  # or one alone
    tenure = tenure_months(report.ds, frame.index, report.period)
    leaving = left_before_end(report.ds, frame.index, report.period)
    # enough activity to judge a drop: the rep's usual month, or what this month's deal moves call for
    least = thr["activity_min_baseline"]
    enough = (frame["usual"] >= least) | (frame["per_move_expected"] >= least)
    tested = reps_only & enough & p_value.notna()
    tested &= ~(tenure < settings["min_tenure_months"]) & ~leaving
    frame["p_value"] = p_value
    frame["q_value"] = evidence.q_values(p_value.where(tested))
    low = (frame["ratio"] <= 1 - thr["activity_drop"]) | (frame["move_ratio"] <= 1 - thr["activity_drop"])
    frame["flagged"] = tested & low & evidence.confirmed(frame["q_value"], thr["weak_fdr"])
    frame = frame.reset_index()
    frame["label"] = [
        t("team_whole_team", report.lang) if r == ALL else rep_label(report.ds, r, report.lang) for r in frame["rep_id"]
    ]
    head, rest = frame.iloc[:1], frame.iloc[1:].sort_values(["activities", "rep_id"], ascending=[False, True])
    frame = pd.concat([head, rest]).reset_index(drop=True)
    front = ["rep_id", "label", *types, "activities", "usual", "expected", "spread", "ratio", "z", "revenue", "won"]
    front += ["win_rate", "moves", "per_move_expected", "move_ratio"]
    return frame[[*front, "p_value", "q_value", "flagged"]]


def activity_low(report: Report) -> list[dict[str, Any]]:
    """Rule activity_low: thresholds.team.{activity_drop, activity_min_baseline, weak_fdr} (see the frame).

    Severity: :func:`salesnb.evidence.severity` (``thresholds.team.{strong_q, collapse}``), left out of the company
    report without strong evidence (:func:`.common.company_shows`).

    One finding per flagged rep; effect: the activity-revenue slope × the activities missing.
    """
    thr = report.thresholds("team")
    lang = report.lang
    frame = activity_frame(report)
    slope = activity_link(report)["slope"] or 0.0
    out = []
    for row in frame[frame["flagged"]].itertuples():
        if not company_shows(report, row.q_value, thr["strong_q"]):
            continue
        by_moves = bool(row.move_ratio < row.ratio) if pd.notna(row.move_ratio) else False
        expected, ratio = (row.per_move_expected, row.move_ratio) if by_moves else (row.expected, row.ratio)
        if pd.isna(ratio):  # the rep's usual month is unknown: only the deals' movement reads the month
            expected, ratio = row.per_move_expected, row.move_ratio
        effect = slope * max(expected - row.activities, 0.0)
        moves_note = ""
        if pd.notna(row.move_ratio) and row.move_ratio <= 1 - thr["activity_drop"]:  # the deals' reading agrees
            moves_note = t(
                "team_activity_moves_note", lang, moves=format_int(row.moves), expected=f"{row.per_move_expected:.1f}"
            )
        values = {
            "unusual": unusual(row.p_value, row.q_value, thr["strong_q"], lang),
            "who": row.label,
            "count": format_int(row.activities),
            "usual": f"{row.usual:.1f}",
            "expected": f"{row.expected:.1f}",
            "ratio": format_pct(row.ratio),
            "effect": format_amount(effect, lang),
            "moves_note": moves_note,
        }
        segment = {} if row.rep_id == ALL else {"rep_id": row.rep_id}
        out.append(
            finding(
                report,
                "activity_low",
                segment,
                values,
                angle="team",
                metric="activities",
                value=row.activities,
                baseline=expected,
                effect=effect,
                severity=evidence.severity(
                    report,
                    effect,
                    row.q_value,
                    change=ratio - 1,
                    strong_q=thr["strong_q"],
                    collapse=thr["collapse"],
                ),
            )
        )
    return out


def metrics(report: Report) -> dict[str, Any]:
    """activities, activities_per_rep (with the activities table)."""
    if not report.ds.has("activities"):
        return {}
    acts = activity_frame(report)
    reps = len(rep_frame(report))
    total = float(acts.loc[acts["rep_id"] == ALL, "activities"].iloc[0])
    return {"activities": total, "activities_per_rep": total / reps if reps else None}


@needs("activities")
def activity_panel(report: Report) -> Panel:
    """活动量: visits, calls and demos per rep against their usual, and how activity goes with revenue."""
    lang = report.lang
    frame = activity_frame(report)
    reps = frame[frame["rep_id"] != ALL]
    ax = plot_activity(reps, lang=lang, title=f"{t('team_activity_title', lang)} · {report.region_label}")
    types = [c for c in frame.columns if c not in FIXED_COLUMNS]
    ranked = reps.sort_values(["flagged", "activities"], ascending=[False, False], kind="stable")  # flagged first
    top = bounded(ranked, report, "label", [*types, "activities", "revenue"])
    full, frame = frame, pd.concat([frame[frame["rep_id"] == ALL], top], ignore_index=True)  # team, then reps
    table = pd.DataFrame({t("team_rep", lang): frame["label"]})
    for kind in types:
        table[kind] = frame[kind].map(format_int)
    table[t("team_activities", lang)] = frame["activities"].map(format_int)
    months = len(report.history(report.settings("team")["link_months"]))  # the months the usual level is over
    table[t("team_usual_activities", lang, n=months)] = frame["usual"].map(lambda v: "—" if pd.isna(v) else f"{v:.1f}")
    table[t("team_activity_ratio", lang)] = frame["ratio"].map(format_pct)
    table[t("revenue", lang)] = format_amounts(frame["revenue"], lang)
    table[t("team_win_rate", lang)] = frame["win_rate"].map(format_pct)
    link = activity_link(report)
    note = ""
    if link["slope"] is not None:
        slope, corr = format_amount(link["slope"], lang), f"{link['correlation']:.2f}"
        note = t("team_activity_note", lang, n=link["months"], slope=slope, corr=corr)
    note = " ".join(p for p in (note, bounded_note(top, lang)) if p)
    return Panel(frame=full, table=table, figure=ax.figure, note=note)
