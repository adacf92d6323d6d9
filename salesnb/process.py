"""Process angle (销售流程): funnel, pipeline flow, stage stock, daily watch, lead sources, speed, stalled deals.

Every analysis is a ``*_frame(report)`` returning the raw numbers and a ``*_panel(report)`` showing them.
Everything is read *as of the end of the report month*: a deal closed later counts as open, a stage entered
later is not entered yet, so a past month's report shows what was known then. Amounts and expected close dates
are taken as they stand (the data holds one of each per deal).

Two counting bases are named in every funnel table: **cohort** (本期流量) counts what entered a step during the
month — leads created, deals created, deals entering a stage, deals won; **snapshot** (月末快照) counts what
sat in a step at the month's end. The "usual" level a month is tested against is the trailing months of the
configuration (``baselines.trailing_months``), pooled. Thresholds are in the ``process`` section of the
configuration; lead scoring lives in :mod:`salesnb.models.lead_scoring`.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy import stats

from .data import facts
from .display import plotting
from .display.formatting import format_amount, format_int, format_pct
from .display.panel import Panel
from .findings import make_finding
from .i18n import t
from .models import lead_scoring
from .models.lead_scoring import lead_facts, size_band_labels
from .periods import ALL, month_end_exclusive, month_start, parse_period
from .report import Report

ANGLE = "process"
DAY_SECONDS = 86_400.0
_DEAL_STATUS = {
    "won": "won",
    "win": "won",
    "赢单": "won",
    "成交": "won",
    "lost": "lost",
    "lose": "lost",
    "输单": "lost",
    "丢单": "lost",
    "open": "open",
    "进行中": "open",
}
BY_DIMENSIONS: tuple[str, ...] = ("source", "region", "size_band")


# ----------------------------------------------------------------------------------------------- helpers


def _cfg(report: Report) -> dict[str, Any]:
    return report.config["process"]


def _edges(report: Report) -> tuple[float, ...]:
    return tuple(report.config["customers"]["size_bands"])


def _stages(report: Report) -> list[str]:
    return [str(s) for s in report.config["stages"]]


def _cached(ds, key: tuple, build):
    return facts.per_dataset(ds, ("process", key), build)


def _bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    p = parse_period(month)
    return month_start(p), month_end_exclusive(p)


def _first_month(report: Report, table: str, column: str) -> str:
    first, _ = facts.data_months(report.ds)
    frame = report.ds.get(table)
    if frame is not None and frame[column].notna().any():
        first = max(first, frame[column].min().strftime("%Y-%m"))
    return first


def _trailing(report: Report, table: str = "opportunities", column: str = "created_at") -> list[str]:
    """The trailing baseline months that the data covers (orders and ``table``)."""
    first = _first_month(report, table, column)
    return [m for m in report.baselines.trailing_labels if m >= first]


def _n_trailing(report: Report) -> int:
    return int(report.config["baselines"]["trailing_months"])


def _history(report: Report, table: str = "opportunities", column: str = "created_at") -> list[str]:
    """The ``process.history_months`` months before the report month that the data covers: the usual level."""
    first = _first_month(report, table, column)
    end = parse_period(report.period)
    count = int(_cfg(report)["history_months"])
    return [str(end - k) for k in range(count, 0, -1) if str(end - k) >= first]


def _n_history(report: Report) -> int:
    return int(_cfg(report)["history_months"])


def _fisher(hits: float, n: float, base_hits: float, base_n: float, alternative: str) -> float:
    """One-sided Fisher exact test: is the share ``hits / n`` greater (or less) than ``base_hits / base_n``?"""
    if not n or not base_n:
        return float("nan")
    table = [[int(hits), int(n - hits)], [int(base_hits), int(base_n - base_hits)]]
    return float(stats.fisher_exact(table, alternative=alternative).pvalue)


def _count_rise(count: float, base_total: float, months: int) -> float:
    """Chance of a month with at least ``count`` events when ``base_total`` came in ``months`` usual months.

    Conditional binomial test of two Poisson counts: under equal rates the month holds each of the
    ``count + base_total`` events with probability ``1 / (months + 1)``.
    """
    if not months:
        return float("nan")
    return float(stats.binom.sf(count - 1, int(count + base_total), 1.0 / (months + 1)))


def _count_drop(count: float, base_total: float, months: int) -> float:
    """Chance of a month with at most ``count`` events when ``base_total`` came in ``months`` usual months."""
    if not months:
        return float("nan")
    return float(stats.binom.cdf(count, int(count + base_total), 1.0 / (months + 1)))


def _revenue(report: Report) -> float:
    orders = facts.in_months(facts.in_region(facts.order_facts(report.ds), report.region), report.period)
    return float(orders["revenue"].sum())


def _scope(frame: pd.DataFrame, region: str) -> pd.DataFrame:
    return facts.in_region(frame, region)


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else float("nan")


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _fmt(value: Any, kind: str | None, lang: str) -> str:
    """One table cell: kind ``amount`` / ``pct`` / ``signed_pct`` / ``int`` / ``days`` (one decimal) / None (text)."""
    if kind is None:
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if kind == "amount":
        return format_amount(value, lang)
    if kind in ("pct", "signed_pct"):
        return format_pct(value, signed=kind == "signed_pct")
    if kind == "int":
        return format_int(value)
    return "—" if value is None or pd.isna(value) else f"{value:,.1f}"


def _table(frame: pd.DataFrame, columns: list[tuple[str, str, str | None]], lang: str) -> pd.DataFrame:
    """Display copy of ``frame``: one ``(column, header, kind)`` per shown column (kinds as in :func:`_fmt`)."""
    return pd.DataFrame(
        {header: [_fmt(v, kind, lang) for v in frame[column]] for column, header, kind in columns}, dtype=object
    )


def _skip(report: Report, *tables: str) -> Panel | None:
    missing = report.ds.missing(*tables)
    return Panel.skipped(t("needs_table", report.lang, tables=", ".join(missing))) if missing else None


def _dim_label(by: str, lang: str) -> str:
    return t({"source": "proc_source", "region": "region", "size_band": "proc_size_band"}[by], lang)


# ------------------------------------------------------------------------------------------ deal facts


def deal_facts(ds, size_edges: tuple[float, ...] = (0, 50, 200, 1000)) -> pd.DataFrame:
    """One row per opportunity, as the process analyses read it.

    Columns: opportunity_id, created_at, closed_at (missing for open deals; a closed deal without a date takes
    its last stage entry), outcome (won / lost / open), amount (0 when missing), expected_close_at, rep_id,
    customer_id, region (the deal's, else its customer's, its lead's or its rep's), source (the deal's, else its
    lead's), company_size (its lead's, else its customer's employee count) and size_band.
    """
    return _cached(ds, ("deals", tuple(size_edges)), lambda: _build_deals(ds, size_edges))


def _build_deals(ds, size_edges) -> pd.DataFrame:
    opps = ds["opportunities"].drop_duplicates("opportunity_id")
    frame = pd.DataFrame(
        {
            "opportunity_id": opps["opportunity_id"].astype(str),
            "created_at": opps["created_at"],
            "amount": pd.to_numeric(opps["amount"], errors="coerce").fillna(0.0).astype(float),
            "expected_close_at": opps["expected_close_at"],
            "rep_id": opps["rep_id"],
            "customer_id": opps["customer_id"],
        }
    ).reset_index(drop=True)
    outcome = opps["status"].astype(str).str.strip().str.lower().map(_DEAL_STATUS).fillna("open")
    outcome = outcome.reset_index(drop=True)
    fallback = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    events = ds.get("stage_events")
    if events is not None and len(events):
        last = events.groupby("opportunity_id")["entered_at"].max()
        fallback = frame["opportunity_id"].map(last).astype("datetime64[ns]")
    closed = opps["closed_at"].reset_index(drop=True).fillna(fallback.fillna(frame["created_at"]))
    frame["closed_at"] = closed.where(outcome != "open")
    frame["outcome"] = outcome.astype(str)

    region = opps["region"].reset_index(drop=True)
    source = opps["source"].reset_index(drop=True)
    size = pd.Series(np.nan, index=frame.index)
    leads = ds.get("leads")
    if leads is not None:
        by_opp = leads[leads["opportunity_id"].notna()].drop_duplicates("opportunity_id").set_index("opportunity_id")
        source = source.fillna(frame["opportunity_id"].map(by_opp["source"]))
        size = frame["opportunity_id"].map(by_opp["company_size"]).astype(float)
    customers = ds.get("customers")
    if customers is not None:
        by_customer = customers.drop_duplicates("customer_id").set_index("customer_id")
        region = region.fillna(frame["customer_id"].map(by_customer["region"]))
        size = size.fillna(frame["customer_id"].map(by_customer["employee_count"]).astype(float))
    if leads is not None:
        region = region.fillna(frame["opportunity_id"].map(by_opp["region"]))
    reps = ds.get("reps")
    if reps is not None:
        region = region.fillna(frame["rep_id"].map(reps.drop_duplicates("rep_id").set_index("rep_id")["region"]))
    frame["region"] = region.fillna(facts.UNKNOWN).astype(str)
    frame["source"] = source.fillna(facts.UNKNOWN).astype(str).str.strip()
    frame["company_size"] = size
    frame["size_band"] = lead_scoring.size_band(size, size_edges)
    return frame


def stage_stays(ds, stages: list[str], size_edges: tuple[float, ...] = (0, 50, 200, 1000)) -> pd.DataFrame:
    """One row per stage entry of a configured stage: how long the deal stayed and whether it moved forward.

    Columns: opportunity_id, stage, stage_index, entered_at, left_at (the next stage entry, else the close;
    missing while the deal is still in the stage), advanced (1.0 when it next entered a later stage or was won,
    0.0 when it went back or was lost, NaN while in the stage), plus the deal's region, source, size_band and
    amount. Events naming a stage outside ``stages`` are left out.
    """
    return _cached(ds, ("stays", tuple(stages), tuple(size_edges)), lambda: _build_stays(ds, stages, size_edges))


def _build_stays(ds, stages: list[str], size_edges) -> pd.DataFrame:
    deals = deal_facts(ds, size_edges).set_index("opportunity_id")
    events = ds["stage_events"]
    ev = pd.DataFrame(
        {
            "opportunity_id": events["opportunity_id"].astype(str),
            "stage": events["stage"].astype(str).str.strip(),
            "entered_at": events["entered_at"],
        }
    )
    ev["stage_index"] = ev["stage"].map({name: i for i, name in enumerate(stages)})
    ev = ev[ev["stage_index"].notna() & ev["entered_at"].notna() & ev["opportunity_id"].isin(deals.index)]
    ev = ev.sort_values(["opportunity_id", "entered_at", "stage_index"], kind="stable").reset_index(drop=True)
    ev["stage_index"] = ev["stage_index"].astype(int)
    grouped = ev.groupby("opportunity_id", sort=False)
    next_at, next_index = grouped["entered_at"].shift(-1), grouped["stage_index"].shift(-1)
    close = ev["opportunity_id"].map(deals["closed_at"])
    won = ev["opportunity_id"].map(deals["outcome"]).eq("won").to_numpy()
    has_next = next_at.notna().to_numpy()
    left = next_at.where(next_at.notna(), close)
    ev["left_at"] = left.where(left.isna() | (left >= ev["entered_at"]), ev["entered_at"])
    forward = (next_index.to_numpy(dtype=float, na_value=np.nan) > ev["stage_index"].to_numpy()).astype(float)
    ev["advanced"] = np.where(has_next, forward, np.where(close.notna().to_numpy(), won.astype(float), np.nan))
    for column in ("region", "source", "size_band", "amount"):
        ev[column] = ev["opportunity_id"].map(deals[column])
    return ev


def unknown_stages(report: Report) -> dict[str, int]:
    """Stage names in stage_events that are not in the configured ``stages`` (name → rows)."""
    events = report.ds.get("stage_events")
    if events is None:
        return {}
    names = events["stage"].astype(str).str.strip()
    counts = names[~names.isin(_stages(report))].value_counts()
    return {str(k): int(v) for k, v in counts.sort_index().items()}


def _deals(report: Report) -> pd.DataFrame:
    return deal_facts(report.ds, _edges(report))


def _stays(report: Report) -> pd.DataFrame:
    return stage_stays(report.ds, _stages(report), _edges(report))


def _leads(report: Report) -> pd.DataFrame:
    return lead_facts(report.ds, _edges(report))


def _open_at(deals: pd.DataFrame, when: pd.Timestamp) -> pd.Series:
    return (deals["created_at"] < when) & (deals["closed_at"].isna() | (deals["closed_at"] >= when))


def snapshot(report: Report, when: pd.Timestamp) -> pd.DataFrame:
    """Deals open at ``when`` (all regions) with the stage each sat in then and the days spent in it.

    A deal without any stage entry before ``when`` sits in the first configured stage since its creation.
    """
    key = ("snapshot", tuple(_stages(report)), _edges(report), when)

    def build() -> pd.DataFrame:
        deals = _deals(report)
        snap = deals[_open_at(deals, when)].copy()
        stages = _stages(report)
        snap["stage"], snap["stage_entered_at"] = stages[0], snap["created_at"]
        if report.ds.has("stage_events"):
            stays = _stays(report)
            last = stays[stays["entered_at"] < when].groupby("opportunity_id", sort=False).tail(1)
            last = last.set_index("opportunity_id")
            snap["stage"] = snap["opportunity_id"].map(last["stage"]).fillna(stages[0]).astype(str)
            snap["stage_entered_at"] = snap["opportunity_id"].map(last["entered_at"]).fillna(snap["created_at"])
        snap["days_in_stage"] = (when - snap["stage_entered_at"]).dt.total_seconds() / DAY_SECONDS
        return snap.reset_index(drop=True)

    return _cached(report.ds, key, build)


def _scoped_snapshot(report: Report, month: str) -> pd.DataFrame:
    return _scope(snapshot(report, _bounds(month)[1]), report.region)


# ----------------------------------------------------------------------------------------------- funnel


def _segment_order(by: str | None, report: Report, counts: pd.Series) -> list[str]:
    names = [str(k) for k in counts.index]
    if by == "size_band":
        order = [*size_band_labels(list(_edges(report))), facts.UNKNOWN]
        return [n for n in order if n in names]
    ranked = sorted(names, key=lambda n: (n == facts.UNKNOWN, -counts.get(n, 0), n))
    return ranked


def funnel_frame(report: Report, by: str | None = None, basis: str = "cohort") -> pd.DataFrame:
    """Counts (and deal values) per funnel step, with conversion as % of the previous and of the first step.

    ``basis="cohort"`` (本期流量): leads created in the month → deals created → deals entering each configured
    stage → deals won in the month. ``basis="snapshot"`` (月末快照): leads open at month end (created in the last
    ``process.open_lead_days`` days) → open deals → open deals sitting in each stage. ``by`` splits every step by
    ``source``, ``region`` or ``size_band`` (company size: the lead's, else the customer's employee count).

    Columns: segment, step (key), label, count, value (deal amounts; NaN for leads), pct_prev, pct_first, basis.
    In a snapshot a stage's ``pct_first`` is its share of the open deals and ``pct_prev`` is empty: stock is not a
    conversion.
    """
    if basis not in ("cohort", "snapshot"):
        raise ValueError(f"basis must be 'cohort' or 'snapshot', got {basis!r}")
    if by is not None and by not in BY_DIMENSIONS:
        raise ValueError(f"by must be one of {BY_DIMENSIONS} or None, got {by!r}")
    lang = report.lang
    start, end = _bounds(report.period)
    steps: list[tuple[str, str, pd.DataFrame, bool]] = []  # key, label, rows, has value
    if report.ds.has("leads"):
        leads = _scope(_leads(report), report.region)
        if basis == "cohort":
            rows = leads[(leads["created_at"] >= start) & (leads["created_at"] < end)]
            steps.append(("leads", t("proc_step_leads", lang), rows, False))
        else:
            recent = end - pd.Timedelta(days=int(_cfg(report)["open_lead_days"]))
            decided = leads["converted"].notna() & (leads["decided_at"] < end)
            rows = leads[(leads["created_at"] < end) & (leads["created_at"] >= recent) & ~decided]
            steps.append(("open_leads", t("proc_step_open_leads", lang), rows, False))
    deals = _scope(_deals(report), report.region) if report.ds.has("opportunities") else None
    if deals is None:
        pass
    elif basis == "cohort":
        created = deals[(deals["created_at"] >= start) & (deals["created_at"] < end)]
        steps.append(("opportunities", t("proc_step_opportunities", lang), created, True))
        if report.ds.has("stage_events"):
            stays = _scope(_stays(report), report.region)
            entered = stays[(stays["entered_at"] >= start) & (stays["entered_at"] < end)]
            entered = entered.drop_duplicates(["opportunity_id", "stage"])
            for stage in _stages(report):
                steps.append((stage, stage, entered[entered["stage"] == stage], True))
        won = deals[(deals["outcome"] == "won") & (deals["closed_at"] >= start) & (deals["closed_at"] < end)]
        steps.append(("won", t("proc_step_won", lang), won, True))
    else:
        snap = _scoped_snapshot(report, report.period)
        steps.append(("open_deals", t("proc_step_open_deals", lang), snap, True))
        if report.ds.has("stage_events"):
            for stage in _stages(report):
                steps.append((stage, stage, snap[snap["stage"] == stage], True))

    def key_of(rows: pd.DataFrame) -> pd.Series:
        return rows[by].astype(str) if by else pd.Series(report.region_label, index=rows.index, dtype=object)

    first_rows = steps[0][2]
    segments = _segment_order(by, report, key_of(first_rows).value_counts())
    for _, _, rows, _ in steps:
        for name in key_of(rows).unique():
            if str(name) not in segments:
                segments.append(str(name))
    records = []
    for key, label, rows, has_value in steps:
        keys = key_of(rows)
        counts = keys.value_counts()
        values = rows.groupby(keys)["amount"].sum() if has_value and len(rows) else pd.Series(dtype=float)
        for segment in segments:
            records.append(
                {
                    "segment": segment,
                    "step": key,
                    "label": label,
                    "count": int(counts.get(segment, 0)),
                    "value": float(values.get(segment, 0.0)) if has_value else float("nan"),
                }
            )
    frame = pd.DataFrame(records, columns=["segment", "step", "label", "count", "value"])
    grouped = frame.groupby("segment", sort=False)["count"]
    previous = grouped.shift(1)
    first = grouped.transform("first")
    frame["pct_prev"] = frame["count"] / previous.where(previous > 0)
    frame["pct_first"] = frame["count"] / first.where(first > 0)
    frame.loc[grouped.cumcount() == 0, "pct_prev"] = np.nan
    if basis == "snapshot":  # stock is not flow: a stage's share of the open deals, not a conversion
        is_stage = ~frame["step"].isin(["open_leads", "open_deals"])
        open_deals = frame["segment"].map(frame[frame["step"] == "open_deals"].set_index("segment")["count"])
        frame.loc[is_stage, "pct_prev"] = np.nan
        frame.loc[is_stage, "pct_first"] = frame["count"] / open_deals.where(open_deals > 0)
    frame["basis"] = basis
    return frame


def funnel_panel(report: Report, by: str | None = None, basis: str = "cohort") -> Panel:
    """销售漏斗: the funnel as narrowing bars (or, split ``by`` a dimension, a conversion grid) and its table."""
    skipped = _skip(report, "opportunities")
    if skipped:
        return skipped
    lang = report.lang
    frame = funnel_frame(report, by, basis)
    days = int(_cfg(report)["open_lead_days"])
    note = t("proc_basis_cohort", lang) if basis == "cohort" else t("proc_basis_snapshot", lang, days=days)
    unknown = unknown_stages(report)
    if unknown:
        note += " " + t("proc_unknown_stages", lang, n=sum(unknown.values()), names="、".join(unknown))
    basis_label = t(f"proc_basis_{basis}_short", lang)
    if by is None:
        title = f"{basis_label} · {report.region_label} · {report.period}"
        snap = basis == "snapshot"
        ax = plot_funnel(frame, share="pct_first" if snap else "pct_prev", centred=not snap, lang=lang, title=title)
        share_columns = (
            [("pct_first", t("proc_share_open", lang), "pct")]
            if snap
            else [("pct_prev", t("proc_pct_prev", lang), "pct"), ("pct_first", t("proc_pct_first", lang), "pct")]
        )
        table = _table(
            frame,
            [
                ("label", t("proc_step", lang), None),
                ("count", t("proc_count", lang), "int"),
                ("value", t("proc_value", lang), "amount"),
                *share_columns,
            ],
            lang,
        )
        return Panel(frame=frame, table=table, figure=ax.figure, note=note)
    ax = plot_conversion_matrix(frame, lang=lang, title=f"{t('proc_pct_prev', lang)} · {_dim_label(by, lang)}")
    wide = frame.pivot_table(index="segment", columns="label", values="count", aggfunc="sum", sort=False)
    labels = list(dict.fromkeys(frame["label"]))
    segments = list(dict.fromkeys(frame["segment"]))
    wide = wide.reindex(index=segments, columns=labels).fillna(0).astype(int)
    last = frame.groupby("segment", sort=False)["pct_first"].last()
    table = pd.DataFrame({_dim_label(by, lang): segments})
    for label in labels:
        table[label] = [format_int(v) for v in wide[label]]
    table[f"{labels[-1]} / {labels[0]}"] = [format_pct(last.get(s)) for s in segments]
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def _month_velocity(deals: pd.DataFrame, month: str) -> dict[str, float]:
    start, end = _bounds(month)
    closed = deals[(deals["closed_at"] >= start) & (deals["closed_at"] < end)]
    won = closed[closed["outcome"] == "won"]
    n_won, n_lost = len(won), int((closed["outcome"] == "lost").sum())
    cycle = (won["closed_at"] - won["created_at"]).dt.total_seconds() / DAY_SECONDS
    win_rate = _ratio(n_won, n_won + n_lost)
    avg_won = float(won["amount"].mean()) if n_won else float("nan")
    open_deals = int(_open_at(deals, end).sum())
    mean_cycle = float(cycle.mean()) if n_won else float("nan")
    per_day = open_deals * avg_won * win_rate / mean_cycle if mean_cycle and mean_cycle > 0 else float("nan")
    return {
        "won": float(n_won),
        "lost": float(n_lost),
        "win_rate": win_rate,
        "avg_won": avg_won,
        "open": float(open_deals),
        "cycle_mean": mean_cycle,
        "cycle_median": float(cycle.median()) if n_won else float("nan"),
        "velocity_day": per_day,
        "velocity_month": per_day * (end - start).days,
    }


def velocity_frame(report: Report) -> pd.DataFrame:
    """Win rate, average won deal, open deals, cycle length and sales velocity: this month, last month, trailing.

    Win rate = won ÷ (won + lost) over deals closed in the month; velocity per day = open deals at month end ×
    average won amount × win rate ÷ mean cycle days (created → won). ``trailing_avg`` averages the trailing
    months' values (``baselines.trailing_months``). Columns: metric, value, previous_month, same_month_last_year
    (NaN before the data), trailing_avg.
    """
    deals = _scope(_deals(report), report.region)
    first = _first_month(report, "opportunities", "created_at")
    now = _month_velocity(deals, report.period)
    missing = dict.fromkeys(now, float("nan"))
    prev, last_year = str(report.baselines.previous_month), str(report.baselines.same_month_last_year)
    before = _month_velocity(deals, prev) if prev >= first else missing
    year_ago = _month_velocity(deals, last_year) if last_year >= first else missing
    months = _trailing(report)
    trailing = [_month_velocity(deals, m) for m in months]
    rows = []
    for metric in now:
        values = [row[metric] for row in trailing if not math.isnan(row[metric])]
        rows.append(
            {
                "metric": metric,
                "value": now[metric],
                "previous_month": before[metric],
                "same_month_last_year": year_ago[metric],
                "trailing_avg": float(np.mean(values)) if values else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def velocity_panel(report: Report) -> Panel:
    """赢单率与销售速度: win rate, deal size, cycle and velocity against last month and the trailing average."""
    skipped = _skip(report, "opportunities")
    if skipped:
        return skipped
    lang = report.lang
    frame = velocity_frame(report)
    kinds = {"win_rate": "pct", "avg_won": "amount", "velocity_day": "amount", "velocity_month": "amount"}
    kinds.update(dict.fromkeys(("cycle_mean", "cycle_median"), "days"))
    n = _n_trailing(report)
    table = pd.DataFrame({t("metric", lang): [t(f"proc_metric_{m}", lang) for m in frame["metric"]]})
    for column, header in (
        ("value", t("value", lang)),
        ("previous_month", t("previous_month", lang)),
        ("same_month_last_year", t("same_month_last_year", lang)),
        ("trailing_avg", t("proc_usual", lang, n=n)),
    ):
        table[header] = [
            _fmt(value, kinds.get(metric, "int"), lang)
            for metric, value in zip(frame["metric"], frame[column], strict=True)
        ]
    chart = frame[frame["metric"].isin(["won", "lost", "open", "cycle_median", "avg_won", "velocity_month"])]
    chart = chart.assign(label=chart["metric"].map(lambda m: t(f"proc_metric_{m}", lang)))
    ax = plotting.plot_bar_compare(
        chart,
        label="label",
        current="value",
        baseline="trailing_avg",
        scale="row",
        lang=lang,
        legend=(t("proc_this_month", lang), t("proc_usual", lang, n=n)),
        title=f"{t('proc_velocity_title', lang)} · {report.region_label} · {report.period}",
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=t("proc_velocity_note", lang))


# ---------------------------------------------------------------------------------------- pipeline flow


def _cents(values: pd.Series) -> int:
    return int(np.round(values.to_numpy(dtype=float) * 100).astype(np.int64).sum())


def pipeline_flow_frame(report: Report) -> pd.DataFrame:
    """The month's pipeline waterfall: open at the start + new − won − lost − slipped ± value changes = open at end.

    *Slipped* deals are open at month end although their expected close date has already passed (it has to be
    pushed past the month); *open at end* counts the open deals still on schedule. Amounts are summed in cents,
    so the parts add up exactly. Value changes are 0: the data holds one amount per deal. Columns: step, value,
    count, is_total; ``frame.attrs`` holds ``slipped_due`` / ``slipped_stale`` (deals due this month / before).
    """
    deals = _scope(_deals(report), report.region)
    start, end = _bounds(report.period)
    open_start = _open_at(deals, start)
    new = (deals["created_at"] >= start) & (deals["created_at"] < end)
    closed_now = deals["closed_at"].notna() & (deals["closed_at"] >= start) & (deals["closed_at"] < end)
    won, lost = closed_now & (deals["outcome"] == "won"), closed_now & (deals["outcome"] == "lost")
    open_end = _open_at(deals, end)
    slipped = open_end & deals["expected_close_at"].notna() & (deals["expected_close_at"] < end)
    on_schedule = open_end & ~slipped
    parts = [
        ("start", open_start, 1, True),
        ("new", new, 1, False),
        ("won", won, -1, False),
        ("lost", lost, -1, False),
        ("slipped", slipped, -1, False),
        ("value_change", pd.Series(False, index=deals.index), 1, False),
        ("end", on_schedule, 1, True),
    ]
    rows = [
        {"step": step, "cents": sign * _cents(deals.loc[mask, "amount"]), "count": int(mask.sum()), "is_total": total}
        for step, mask, sign, total in parts
    ]
    frame = pd.DataFrame(rows)
    frame["value"] = frame["cents"] / 100.0
    frame.attrs["slipped_due"] = int((slipped & (deals["expected_close_at"] >= start)).sum())
    frame.attrs["slipped_stale"] = int((slipped & (deals["expected_close_at"] < start)).sum())
    frame.attrs["open_end_total"] = float(_cents(deals.loc[open_end, "amount"]) / 100.0)
    return frame[["step", "value", "count", "is_total", "cents"]]


def pipeline_flow_panel(report: Report) -> Panel:
    """商机流转: a waterfall from the open pipeline at the month's start to its end."""
    skipped = _skip(report, "opportunities")
    if skipped:
        return skipped
    lang = report.lang
    frame = pipeline_flow_frame(report)
    chart = frame.assign(label=frame["step"].map(lambda s: t(f"proc_flow_{s}", lang)))
    ax = plotting.plot_waterfall(
        chart,
        label="label",
        value="value",
        total="is_total",
        lang=lang,
        title=f"{t('proc_step_open_deals', lang)} · {report.region_label} · {report.period}",
    )
    ax.set_ylabel(t("proc_value", lang))
    total_row = pd.DataFrame(
        [
            {
                "label": t("proc_flow_open_total", lang),
                "value": frame.attrs["open_end_total"],
                "count": int(frame.loc[frame["step"].isin(["end", "slipped"]), "count"].sum()),
            }
        ]
    )
    shown = pd.concat([chart[["label", "value", "count"]], total_row], ignore_index=True)
    table = _table(
        shown,
        [
            ("label", t("proc_step", lang), None),
            ("value", t("proc_value", lang), "amount"),
            ("count", t("proc_flow_deals", lang), "int"),
        ],
        lang,
    )
    note = t("proc_flow_note", lang, due=frame.attrs["slipped_due"], stale=frame.attrs["slipped_stale"])
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def _slippage_month(deals: pd.DataFrame, month: str) -> dict[str, float]:
    start, end = _bounds(month)
    due = (
        deals["expected_close_at"].notna()
        & (deals["expected_close_at"] >= start)
        & (deals["expected_close_at"] < end)
        & (deals["created_at"] < end)
        & (deals["closed_at"].isna() | (deals["closed_at"] >= start))
    )
    slipped = due & (deals["closed_at"].isna() | (deals["closed_at"] >= end))
    return {
        "month": month,
        "due": int(due.sum()),
        "due_value": float(deals.loc[due, "amount"].sum()),
        "slipped": int(slipped.sum()),
        "slipped_value": float(deals.loc[slipped, "amount"].sum()),
    }


def pipeline_slippage_frame(report: Report) -> pd.DataFrame:
    """Deals due per month (expected close in it, still open at its start or created in it) and how many slipped.

    One row per trailing month and the report month (``is_period``): due, due_value, slipped (still open at the
    month's end), slipped_value, share (of deals) and value_share.
    """
    deals = _scope(_deals(report), report.region)
    rows = [{**_slippage_month(deals, m), "is_period": False} for m in _history(report)]
    rows.append({**_slippage_month(deals, report.period), "is_period": True})
    frame = pd.DataFrame(rows)
    frame["share"] = frame["slipped"] / frame["due"].where(frame["due"] > 0)
    frame["value_share"] = frame["slipped_value"] / frame["due_value"].where(frame["due_value"] > 0)
    return frame


# ------------------------------------------------------------------------------------------ stage stock


def stage_stock_frame(report: Report) -> pd.DataFrame:
    """Open deals per stage at month end against last month end and the trailing month ends' average.

    Columns: stage, stock, value, previous_month, usual, change (stock ÷ usual − 1), excess, p_value (Poisson
    chance of so many at the usual level), flagged (rise above ``thresholds.stage_stock_surge``, at least
    ``process.min_count`` more deals than usual, p below ``process.p_value``).
    """
    cfg = _cfg(report)
    stages = _stages(report)
    now = _scoped_snapshot(report, report.period)
    prev = str(report.baselines.previous_month)
    months = _history(report)
    history = [_scoped_snapshot(report, m)["stage"].value_counts() for m in months]
    k = len(months)
    prev_counts = (
        _scoped_snapshot(report, prev)["stage"].value_counts()
        if prev >= _first_month(report, "opportunities", "created_at")
        else None
    )
    rows = []
    for stage in stages:
        in_stage = now[now["stage"] == stage]
        usual = float(np.mean([h.get(stage, 0) for h in history])) if history else float("nan")
        stock = len(in_stage)
        rows.append(
            {
                "stage": stage,
                "stock": stock,
                "value": float(in_stage["amount"].sum()),
                "previous_month": float(prev_counts.get(stage, 0)) if prev_counts is not None else float("nan"),
                "usual": usual,
                "change": stock / usual - 1 if usual and usual > 0 else float("nan"),
                "excess": stock - usual if not math.isnan(usual) else float("nan"),
                "p_value": _count_rise(stock, usual * k, k) if k else float("nan"),
            }
        )
    frame = pd.DataFrame(rows)
    surge = report.config["thresholds"]["stage_stock_surge"]
    frame["flagged"] = (
        (frame["stock"] > frame["usual"] * (1 + surge))
        & (frame["excess"] >= cfg["min_count"])
        & (frame["p_value"] < cfg["p_value"])
    )
    return frame


def stage_stock_panel(report: Report) -> Panel:
    """阶段存量: open deals per stage at month end against the trailing average (a snapshot)."""
    skipped = _skip(report, "opportunities", "stage_events")
    if skipped:
        return skipped
    lang = report.lang
    n = _n_history(report)
    frame = stage_stock_frame(report)
    ax = plotting.plot_bar_compare(
        frame,
        label="stage",
        current="stock",
        unit="count",
        baseline="usual",
        lang=lang,
        legend=(t("proc_stock_now", lang), t("proc_usual", lang, n=n)),
        title=f"{t('proc_step_open_deals', lang)} · {t('proc_stage', lang)}",
    )
    ax.set_xlabel(t("proc_count", lang))
    shown = frame.assign(flag=frame["flagged"].map({True: t("proc_flag_surge", lang), False: ""}))
    table = _table(
        shown,
        [
            ("stage", t("proc_stage", lang), None),
            ("stock", t("proc_stock_now", lang), "int"),
            ("value", t("proc_value", lang), "amount"),
            ("previous_month", t("proc_stock_prev", lang), "int"),
            ("usual", t("proc_usual", lang, n=n), "days"),
            ("change", t("proc_change", lang), "signed_pct"),
            ("flag", t("proc_flag", lang), None),
        ],
        lang,
    )
    surge = format_pct(report.config["thresholds"]["stage_stock_surge"], 0)
    return Panel(frame=frame, table=table, figure=ax.figure, note=t("proc_stock_note", lang, n=n, surge=surge))


# ------------------------------------------------------------------------------------------ daily watch


def _exits(report: Report, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    stays = _scope(_stays(report), report.region)
    return stays[(stays["left_at"] >= start) & (stays["left_at"] < end) & stays["advanced"].notna()]


def stage_conversion_frame(report: Report) -> pd.DataFrame:
    """Stage-exit conversion: of the deals that left each stage in the month, the share that moved forward.

    A deal leaves a stage when it enters another one or closes; it moved forward when it entered a later stage
    or was won. Columns: stage, exits, advanced, rate, usual_exits, usual (pooled trailing months), drop (points),
    lost_excess (deals lost beyond the usual rate), value (mean amount of the deals leaving), p_value (Fisher exact
    against the usual months), flagged (at least ``process.conversion_drop_points`` below usual, at least
    ``process.min_exits`` deals leaving, ``process.min_count`` excess losses, p below ``process.p_value``).
    """
    cfg = _cfg(report)
    start, end = _bounds(report.period)
    now = _exits(report, start, end)
    months = _history(report)
    if months:
        base = _exits(report, _bounds(months[0])[0], _bounds(months[-1])[1])
    else:
        base = now.iloc[0:0]
    rows = []
    for stage in _stages(report):
        cur, before = now[now["stage"] == stage], base[base["stage"] == stage]
        exits, advanced = len(cur), int(cur["advanced"].sum())
        usual = _ratio(before["advanced"].sum(), len(before))
        rate = _ratio(advanced, exits)
        p = _fisher(advanced, exits, before["advanced"].sum(), len(before), "less")
        rows.append(
            {
                "stage": stage,
                "exits": exits,
                "advanced": advanced,
                "rate": rate,
                "usual_exits": len(before),
                "usual": usual,
                "drop": usual - rate,
                "lost_excess": exits * (usual - rate) if exits else 0.0,
                "value": float(cur["amount"].mean()) if exits else 0.0,
                "p_value": p,
            }
        )
    frame = pd.DataFrame(rows)
    frame["flagged"] = (
        (frame["drop"] >= cfg["conversion_drop_points"])
        & (frame["exits"] >= cfg["min_exits"])
        & (frame["lost_excess"] >= cfg["min_count"])
        & (frame["p_value"] < cfg["p_value"])
    )
    return frame


def _warning_lines(report: Report, usual: pd.Series) -> pd.Series:
    cfg = _cfg(report)
    lines = usual * float(cfg["warning_ratio"])
    for entry in cfg.get("warning_lines") or []:
        if str(entry.get("stage")) in lines.index:
            lines[str(entry["stage"])] = float(entry["line"])
    return lines


def daily_watch_frame(report: Report) -> pd.DataFrame:
    """Each stage's daily conversion in the month against its warning line, with runs of days below it.

    On each day the conversion is the share of the deals that left the stage in the ``process.daily_window_days``
    days up to it that moved forward (NaN under ``process.min_daily_exits`` deals). The warning line is the
    stage's pooled trailing conversion × ``process.warning_ratio`` unless ``process.warning_lines`` sets it.
    Stages that never lost a deal in the trailing months are not watched. Columns: stage, date, exits, advanced,
    conversion, warning_line, below, streak (days below in a row), alert (streak ≥ ``thresholds.daily_watch_days``).
    """
    cfg = _cfg(report)
    start, end = _bounds(report.period)
    window = int(cfg["daily_window_days"])
    conv = stage_conversion_frame(report).set_index("stage")
    lines = _warning_lines(report, conv["usual"])
    exits = _exits(report, start - pd.Timedelta(days=window - 1), end)
    days = pd.date_range(start, end - pd.Timedelta(days=1), freq="D")
    need = int(report.config["thresholds"]["daily_watch_days"])
    columns = ["stage", "date", "exits", "advanced", "conversion", "warning_line", "below", "streak", "alert"]
    parts = []
    for stage in _stages(report):
        if conv.at[stage, "usual_exits"] < int(cfg["min_daily_exits"]) or not conv.at[stage, "usual"] < 1:
            continue
        rows = exits[exits["stage"] == stage]
        day = rows["left_at"].dt.normalize()
        per_day = pd.DataFrame({"n": 1, "adv": rows["advanced"]}).groupby(day).sum()
        per_day = per_day.reindex(
            pd.date_range(start - pd.Timedelta(days=window - 1), days[-1], freq="D"), fill_value=0
        )
        rolled = per_day.rolling(window, min_periods=1).sum().loc[days]
        n, adv = rolled["n"].to_numpy(), rolled["adv"].to_numpy()
        conversion = np.where(n >= int(cfg["min_daily_exits"]), adv / np.maximum(n, 1), np.nan)
        below = conversion < lines[stage]
        streak = np.zeros(len(days), dtype=int)
        for i, flag in enumerate(below):
            streak[i] = streak[i - 1] + 1 if flag and i else int(flag)
        parts.append(
            pd.DataFrame(
                {
                    "stage": stage,
                    "date": days,
                    "exits": n.astype(int),
                    "advanced": adv.astype(int),
                    "conversion": conversion,
                    "warning_line": float(lines[stage]),
                    "below": below,
                    "streak": streak,
                    "alert": streak >= need,
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def daily_watch_panel(report: Report) -> Panel:
    """每日监控: each stage's daily conversion in the month with its warning line; 3 days below is an alert."""
    skipped = _skip(report, "opportunities", "stage_events")
    if skipped:
        return skipped
    lang, cfg = report.lang, _cfg(report)
    frame = daily_watch_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("proc_no_stage_deals", lang))
    axes = plot_daily_watch(frame, lang=lang, title=f"{t('proc_conversion', lang)} · {report.period}")
    alerts = frame[frame["alert"]].groupby("stage", sort=False)["date"].min()
    alert_text = ("、" if lang == "zh" else ", ").join(
        f"{s}（{d:%m-%d}）" if lang == "zh" else f"{s} ({d:%b %d})" for s, d in alerts.items()
    )
    summary = (
        frame.groupby("stage", sort=False)
        .agg(
            exits=("exits", "last"),
            conversion=("conversion", "last"),
            warning_line=("warning_line", "first"),
            days_below=("below", "sum"),
            longest=("streak", "max"),
        )
        .reset_index()
    )
    summary["flag"] = summary["stage"].isin(alerts.index).map({True: t("proc_flag_yes", lang), False: ""})
    table = _table(
        summary,
        [
            ("stage", t("proc_stage", lang), None),
            ("conversion", t("proc_conversion", lang), "pct"),
            ("warning_line", t("proc_warning_line", lang), "pct"),
            ("days_below", t("proc_days_below", lang), "int"),
            ("longest", t("proc_longest_run", lang), "int"),
            ("flag", t("proc_flag", lang), None),
        ],
        lang,
    )
    note = t(
        "proc_watch_note",
        lang,
        window=int(cfg["daily_window_days"]),
        min=int(cfg["min_daily_exits"]),
        n=_n_history(report),
        ratio=f"{float(cfg['warning_ratio']):.0%}",
        days=int(report.config["thresholds"]["daily_watch_days"]),
        alerts=alert_text or t("proc_watch_none", lang),
    )
    return Panel(frame=frame, table=table, figure=axes[0].figure, note=note)


# ------------------------------------------------------------------------------------------ lead sources


def _month_leads(report: Report, months: list[str]) -> pd.DataFrame:
    leads = _scope(_leads(report), report.region)
    return leads[leads["month"].isin(months)]


def source_mix_frame(report: Report) -> pd.DataFrame:
    """Each lead source's share of the month's leads against last month and the pooled trailing months.

    Columns: source, leads, share, previous_share, usual_leads (trailing monthly average), usual_share, change
    (points), excess (leads beyond the usual share of this month's total), p_rise / p_drop (Fisher exact chance of
    such a share), p_count_rise / p_count_drop (chance of so many / so few leads against the usual months),
    flagged (``rise`` / ``drop`` / empty): a share move of at least ``thresholds.share_shift_points`` with p below
    ``process.p_value``, matched by a change in the count of leads (so one source drying up does not show as the
    others jumping), and at least ``process.min_count`` leads beyond the usual.
    """
    cfg = _cfg(report)
    months = _history(report, "leads", "created_at")
    now = _month_leads(report, [report.period])
    prev = _month_leads(report, [str(report.baselines.previous_month)])
    base = _month_leads(report, months)
    total, base_total, prev_total = len(now), len(base), len(prev)
    sources = sorted(set(now["source"]) | set(base["source"]))
    counts, base_counts, prev_counts = (f["source"].value_counts() for f in (now, base, prev))
    rows = []
    for source in sources:
        leads = int(counts.get(source, 0))
        usual_share = _ratio(base_counts.get(source, 0), base_total)
        usual_leads = base_counts.get(source, 0) / len(months) if months else float("nan")
        known = total and not math.isnan(usual_share)
        rows.append(
            {
                "source": source,
                "leads": leads,
                "share": _ratio(leads, total),
                "previous_share": _ratio(prev_counts.get(source, 0), prev_total),
                "usual_leads": usual_leads,
                "usual_share": usual_share,
                "change": _ratio(leads, total) - usual_share,
                "excess": leads - usual_share * total if known else float("nan"),
                "p_rise": _fisher(leads, total, base_counts.get(source, 0), base_total, "greater"),
                "p_drop": _fisher(leads, total, base_counts.get(source, 0), base_total, "less"),
                "p_count_rise": _count_rise(leads, base_counts.get(source, 0), len(months)),
                "p_count_drop": _count_drop(leads, base_counts.get(source, 0), len(months)),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "source",
            "leads",
            "share",
            "previous_share",
            "usual_leads",
            "usual_share",
            "change",
            "excess",
            "p_rise",
            "p_drop",
            "p_count_rise",
            "p_count_drop",
        ],
    )
    points, p, least = report.config["thresholds"]["share_shift_points"], cfg["p_value"], cfg["min_count"]
    rise = (
        (frame["change"] >= points) & (frame["p_rise"] < p) & (frame["p_count_rise"] < p) & (frame["excess"] >= least)
    )
    drop = (
        (frame["change"] <= -points)
        & (frame["p_drop"] < p)
        & (frame["p_count_drop"] < p)
        & (frame["usual_leads"] - frame["leads"] >= least)
    )
    frame["flagged"] = np.where(rise, "rise", np.where(drop, "drop", ""))
    return frame.sort_values(["leads", "source"], ascending=[False, True], kind="stable").reset_index(drop=True)


def source_mix_panel(report: Report) -> Panel:
    """线索来源结构: each source's share of the month's leads against the trailing months."""
    skipped = _skip(report, "leads")
    if skipped:
        return skipped
    lang = report.lang
    n = _n_history(report)
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
    table = _table(
        shown,
        [
            ("source", t("proc_source", lang), None),
            ("leads", t("proc_leads", lang), "int"),
            ("share", t("proc_share", lang), "pct"),
            ("previous_share", t("proc_prev_share", lang), "pct"),
            ("usual_share", t("proc_usual_share", lang, n=n), "pct"),
            ("change", t("proc_share_change", lang), "signed_pct"),
            ("flag", t("proc_flag", lang), None),
        ],
        lang,
    )
    points = int(round(report.config["thresholds"]["share_shift_points"] * 100))
    return Panel(frame=frame, table=table, figure=ax.figure, note=t("proc_mix_note", lang, n=n, points=points))


def band_fit_frame(report: Report) -> pd.DataFrame:
    """Historical fit of each company-size band: won revenue per lead against the average over all leads.

    Leads created in the ``process.fit_history_months`` months ending ``process.fit_maturity_months`` before the
    report month (so their deals have had time to close), with wins closed before the month's end. Columns:
    size_band, leads, won_value, value_per_lead, fit_ratio (NaN under ``process.min_fit_leads`` leads).
    """
    cfg = _cfg(report)
    start, end = _bounds(report.period)
    p = parse_period(report.period)
    lo = month_start(p - int(cfg["fit_history_months"]) - int(cfg["fit_maturity_months"]))
    hi = month_start(p - int(cfg["fit_maturity_months"]))
    leads = _leads(report)
    leads = leads[(leads["created_at"] >= lo) & (leads["created_at"] < hi)]
    won_value = pd.Series(0.0, index=leads.index)
    if report.ds.has("opportunities"):
        deals = _deals(report).set_index("opportunity_id")
        won = deals[(deals["outcome"] == "won") & (deals["closed_at"] < end)]["amount"]
        won_value = leads["opportunity_id"].map(won).fillna(0.0).astype(float)
    leads = leads.assign(won_value=won_value)
    grouped = leads.groupby("size_band").agg(leads=("lead_id", "size"), won_value=("won_value", "sum"))
    order = [b for b in [*size_band_labels(list(_edges(report))), facts.UNKNOWN] if b in grouped.index]
    frame = grouped.reindex(order).rename_axis("size_band").reset_index()
    overall = _ratio(leads["won_value"].sum(), len(leads))
    frame["value_per_lead"] = frame["won_value"] / frame["leads"].where(frame["leads"] > 0)
    frame["fit_ratio"] = (frame["value_per_lead"] / overall if overall and overall > 0 else np.nan) * 1.0
    frame.loc[frame["leads"] < int(cfg["min_fit_leads"]), "fit_ratio"] = np.nan
    return frame


def lead_fit_frame(report: Report) -> pd.DataFrame:
    """Company-size mix of each source's leads this month against its trailing months, with each band's fit.

    Columns: source, size_band, leads, source_leads, share (within the source), usual_share, change, excess,
    p_value (binomial), fit_ratio (see :func:`band_fit_frame`), converted (share of this month's leads already
    turned into deals), poor_fit (fit_ratio below ``process.poor_fit_ratio``), flagged (a poor-fit band whose
    share rose by ``thresholds.share_shift_points`` with p below ``process.p_value`` and ``process.min_count``
    leads beyond the usual).
    """
    cfg = _cfg(report)
    start, end = _bounds(report.period)
    months = _history(report, "leads", "created_at")
    now = _month_leads(report, [report.period])
    base = _month_leads(report, months)
    fit = band_fit_frame(report).set_index("size_band")["fit_ratio"]
    rows = []
    for source in sorted(set(now["source"])):
        cur, before = now[now["source"] == source], base[base["source"] == source]
        total, base_total = len(cur), len(before)
        for band in [b for b in [*size_band_labels(list(_edges(report))), facts.UNKNOWN] if b in set(cur["size_band"])]:
            in_band = cur[cur["size_band"] == band]
            leads = len(in_band)
            usual = _ratio((before["size_band"] == band).sum(), base_total)
            known = not math.isnan(usual)
            converted = in_band["converted_at"].notna() & (in_band["converted_at"] < end)
            rows.append(
                {
                    "source": source,
                    "size_band": band,
                    "leads": leads,
                    "source_leads": total,
                    "share": _ratio(leads, total),
                    "usual_share": usual,
                    "change": _ratio(leads, total) - usual,
                    "excess": leads - usual * total if known else float("nan"),
                    "p_value": _fisher(leads, total, (before["size_band"] == band).sum(), base_total, "greater"),
                    "fit_ratio": float(fit.get(band, np.nan)),
                    "converted": _ratio(converted.sum(), leads),
                }
            )
    columns = [
        "source",
        "size_band",
        "leads",
        "source_leads",
        "share",
        "usual_share",
        "change",
        "excess",
        "p_value",
        "fit_ratio",
        "converted",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["poor_fit"] = frame["fit_ratio"] < float(cfg["poor_fit_ratio"])
    frame["flagged"] = (
        frame["poor_fit"]
        & (frame["change"] >= report.config["thresholds"]["share_shift_points"])
        & (frame["p_value"] < cfg["p_value"])
        & (frame["excess"] >= cfg["min_count"])
    )
    return frame


def lead_fit_panel(report: Report) -> Panel:
    """线索匹配度: company-size mix of each source's leads, this month against the trailing months."""
    skipped = _skip(report, "leads")
    if skipped:
        return skipped
    lang, cfg = report.lang, _cfg(report)
    n = _n_history(report)
    frame = lead_fit_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plot_band_mix(
        frame,
        bands=size_band_labels(list(_edges(report))),
        lang=lang,
        n=n,
        title=f"{t('proc_size_band', lang)} · {t('proc_source', lang)}",
    )
    shown = frame.assign(flag=frame["flagged"].map({True: t("proc_flag_fit", lang), False: ""}))
    table = _table(
        shown,
        [
            ("source", t("proc_source", lang), None),
            ("size_band", t("proc_size_band", lang), None),
            ("leads", t("proc_leads", lang), "int"),
            ("share", t("proc_band_share", lang), "pct"),
            ("usual_share", t("proc_band_usual", lang, n=n), "pct"),
            ("fit_ratio", t("proc_fit_ratio", lang), "pct"),
            ("converted", t("proc_conv_now", lang), "pct"),
            ("flag", t("proc_flag", lang), None),
        ],
        lang,
    )
    note = t("proc_fit_note", lang, months=int(cfg["fit_history_months"]), ratio=format_pct(cfg["poor_fit_ratio"], 0))
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def _pipeline_per_lead(report: Report) -> pd.Series:
    """Deal value per lead by source (and ``ALL``) over the 12 months before the report month, company-wide."""
    key = ("ppl", report.period, _edges(report))

    def build() -> pd.Series:
        start, end = _bounds(report.period)
        leads = _leads(report)
        leads = leads[(leads["created_at"] >= start - pd.DateOffset(months=12)) & (leads["created_at"] < start)]
        value = pd.Series(0.0, index=leads.index)
        if report.ds.has("opportunities"):
            deals = _deals(report)
            amounts = deals[deals["created_at"] < end].set_index("opportunity_id")["amount"]
            value = leads["opportunity_id"].map(amounts).fillna(0.0).astype(float)
        per_source = value.groupby(leads["source"]).sum() / leads.groupby("source").size()
        per_source[ALL] = _ratio(value.sum(), len(leads)) if len(leads) else 0.0
        return per_source.fillna(0.0)

    return _cached(report.ds, key, build)


def _lead_value(report: Report, source: str) -> float:
    values = _pipeline_per_lead(report)
    value = values.get(source)
    return float(value) if value is not None and value > 0 else float(values.get(ALL, 0.0))


# ------------------------------------------------------------------------------------------------- speed


def first_response_frame(report: Report) -> pd.DataFrame:
    """First-response speed per lead source (and all sources) this month against the trailing months.

    A lead is *answered* when its first response came before the month's end; ``share`` is the share of answered
    leads answered within ``thresholds.first_response_hours``. Columns: source, leads, answered, unanswered,
    within, share, median_hours, usual_share, late, late_excess, p_value (binomial), flagged (share below
    ``thresholds.first_response_share`` and ``thresholds.share_shift_points`` under usual, p below
    ``process.p_value``, ``process.min_count`` late leads beyond the usual).
    """
    cfg, thr = _cfg(report), report.config["thresholds"]
    hours = float(thr["first_response_hours"])
    _, end = _bounds(report.period)
    now = _month_leads(report, [report.period])
    base = _month_leads(report, _history(report, "leads", "created_at"))

    def answered(frame: pd.DataFrame, until: pd.Timestamp) -> pd.Series:
        return frame["response_hours"].notna() & (frame["first_response_at"] < until)

    rows = []
    for source in [*sorted(set(now["source"])), ALL]:
        cur = now if source == ALL else now[now["source"] == source]
        before = base if source == ALL else base[base["source"] == source]
        ok = answered(cur, end)
        within = int((cur.loc[ok, "response_hours"] <= hours).sum())
        n_ok = int(ok.sum())
        base_ok = answered(before, end)
        usual = _ratio((before.loc[base_ok, "response_hours"] <= hours).sum(), base_ok.sum())
        known = n_ok and not math.isnan(usual)
        rows.append(
            {
                "source": source,
                "leads": len(cur),
                "answered": n_ok,
                "unanswered": len(cur) - n_ok,
                "within": within,
                "share": _ratio(within, n_ok),
                "median_hours": float(cur.loc[ok, "response_hours"].median()) if n_ok else float("nan"),
                "usual_share": usual,
                "late": n_ok - within,
                "late_excess": (n_ok - within) - (1 - usual) * n_ok if known else float("nan"),
                "p_value": _fisher(
                    within, n_ok, (before.loc[base_ok, "response_hours"] <= hours).sum(), base_ok.sum(), "less"
                ),
            }
        )
    frame = pd.DataFrame(rows)
    frame["flagged"] = (
        (frame["source"] != ALL)
        & (frame["share"] < float(thr["first_response_share"]))
        & (frame["usual_share"] - frame["share"] >= thr["share_shift_points"])
        & (frame["p_value"] < cfg["p_value"])
        & (frame["late_excess"] >= cfg["min_count"])
    )
    return frame


def first_response_panel(report: Report) -> Panel:
    """首次响应: share of leads answered within the goal, per source, against the goal line."""
    skipped = _skip(report, "leads")
    if skipped:
        return skipped
    lang, thr = report.lang, report.config["thresholds"]
    n = _n_history(report)
    frame = first_response_frame(report)
    hours = thr["first_response_hours"]
    shown = frame.assign(
        label=frame["source"].where(frame["source"] != ALL, t("proc_all_sources", lang)),
        flag=frame["flagged"].map({True: t("proc_flag_slow", lang), False: ""}),
    )
    ax = plot_goal_bars(
        shown,
        label="label",
        value="share",
        goal=float(thr["first_response_share"]),
        lang=lang,
        title=t("proc_within_goal", lang, hours=hours),
    )
    table = _table(
        shown,
        [
            ("label", t("proc_source", lang), None),
            ("leads", t("proc_leads", lang), "int"),
            ("unanswered", t("proc_unanswered", lang), "int"),
            ("share", t("proc_within_goal", lang, hours=hours), "pct"),
            ("usual_share", t("proc_usual_share", lang, n=n), "pct"),
            ("median_hours", t("proc_median_hours", lang), "days"),
            ("flag", t("proc_flag", lang), None),
        ],
        lang,
    )
    unanswered = int(frame.loc[frame["source"] == ALL, "unanswered"].sum())
    note = t(
        "proc_response_note", lang, share=format_pct(thr["first_response_share"], 0), hours=hours, unanswered=unanswered
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def time_in_stage_frame(report: Report) -> pd.DataFrame:
    """Completed stays that ended in the month (``when="period"``) or in the trailing months (``"baseline"``).

    Columns: opportunity_id, stage, days, when. Stays of no length (a deal won as it enters the last stage)
    are left out.
    """
    start, end = _bounds(report.period)
    months = _history(report)
    lo = _bounds(months[0])[0] if months else start
    stays = _scope(_stays(report), report.region)
    stays = stays[(stays["left_at"] >= lo) & (stays["left_at"] < end)]
    days = (stays["left_at"] - stays["entered_at"]).dt.total_seconds() / DAY_SECONDS
    frame = pd.DataFrame(
        {
            "opportunity_id": stays["opportunity_id"],
            "stage": stays["stage"],
            "days": days,
            "when": np.where(stays["left_at"] >= start, "period", "baseline"),
        }
    )
    return frame[frame["days"] > 0].reset_index(drop=True)


def _distribution_table(frame: pd.DataFrame, group: str | None, report: Report) -> pd.DataFrame:
    lang, n = report.lang, _n_history(report)
    keys = [group, "when"] if group else ["when"]
    summary = (
        frame.groupby(keys, sort=False)["days"]
        .agg(n="size", median="median", p75=lambda s: s.quantile(0.75), p90=lambda s: s.quantile(0.9))
        .reset_index()
    )
    when = {"period": t("proc_when_period", lang), "baseline": t("proc_when_baseline", lang, n=n)}
    summary["when"] = summary["when"].map(when)
    columns = [(group, t("proc_stage", lang), None)] if group else []
    columns += [
        ("when", t("period", lang), None),
        ("n", t("proc_n", lang), "int"),
        ("median", t("proc_median_days", lang), "days"),
        ("p75", t("proc_p75_days", lang), "days"),
        ("p90", t("proc_p90_days", lang), "days"),
    ]
    return _table(summary, columns, lang)


def time_in_stage_panel(report: Report) -> Panel:
    """阶段停留时间: the distribution of days spent in each stage, this month against the trailing months."""
    skipped = _skip(report, "opportunities", "stage_events")
    if skipped:
        return skipped
    lang = report.lang
    n = _n_history(report)
    frame = time_in_stage_frame(report)
    order = [s for s in _stages(report) if s in set(frame["stage"])]
    ax = plot_boxes(
        frame, group="stage", order=order, lang=lang, n=n, title=f"{t('proc_stage_time_title', lang)} · {report.period}"
    )
    frame = frame.assign(_order=frame["stage"].map({s: i for i, s in enumerate(order)}))
    sorted_frame = frame.sort_values(["_order", "when"], ascending=[True, False], kind="stable").drop(columns="_order")
    table = _distribution_table(sorted_frame, "stage", report)
    return Panel(
        frame=frame.drop(columns="_order"), table=table, figure=ax.figure, note=t("proc_stage_time_note", lang, n=n)
    )


def cycle_frame(report: Report) -> pd.DataFrame:
    """Sales-cycle days (created → won) of the deals won in the month (``period``) or trailing months (``baseline``).

    Columns: opportunity_id, days, amount, when.
    """
    start, end = _bounds(report.period)
    months = _history(report)
    lo = _bounds(months[0])[0] if months else start
    deals = _scope(_deals(report), report.region)
    won = deals[(deals["outcome"] == "won") & (deals["closed_at"] >= lo) & (deals["closed_at"] < end)]
    return pd.DataFrame(
        {
            "opportunity_id": won["opportunity_id"],
            "days": (won["closed_at"] - won["created_at"]).dt.total_seconds() / DAY_SECONDS,
            "amount": won["amount"],
            "when": np.where(won["closed_at"] >= start, "period", "baseline"),
        }
    ).reset_index(drop=True)


def cycle_summary(report: Report) -> dict[str, Any]:
    """The month's median sales cycle against the trailing months, with a one-sided Mann–Whitney test.

    Keys: n, median, usual_n, usual_median, rise (median ÷ usual − 1), p_value, won_value, flagged (rise of at
    least ``process.cycle_rise``, ``process.min_count`` wins, p below ``process.p_value``), and the stage whose
    median stay grew most (``stage``, ``stage_before``, ``stage_after``; ``None`` without stage data).
    """
    cfg = _cfg(report)
    frame = cycle_frame(report)
    now, base = frame[frame["when"] == "period"], frame[frame["when"] == "baseline"]
    median = float(now["days"].median()) if len(now) else float("nan")
    usual = float(base["days"].median()) if len(base) else float("nan")
    p = float("nan")
    if len(now) and len(base):
        p = float(stats.mannwhitneyu(now["days"], base["days"], alternative="greater").pvalue)
    rise = median / usual - 1 if usual and usual > 0 else float("nan")
    out: dict[str, Any] = {
        "n": int(len(now)),
        "median": median,
        "usual_n": int(len(base)),
        "usual_median": usual,
        "rise": rise,
        "p_value": p,
        "won_value": float(now["amount"].sum()),
        "flagged": bool(len(now) >= cfg["min_count"] and rise >= cfg["cycle_rise"] and p < cfg["p_value"]),
        "stage": None,
        "stage_before": None,
        "stage_after": None,
    }
    if report.ds.has("stage_events"):
        stays = time_in_stage_frame(report)
        medians = stays.groupby(["stage", "when"])["days"].median().unstack()
        if {"period", "baseline"} <= set(medians.columns):
            growth = (medians["period"] - medians["baseline"]).dropna()
            if len(growth) and growth.max() > 0:
                stage = str(growth.sort_values(ascending=False, kind="stable").index[0])
                out.update(
                    stage=stage,
                    stage_before=float(medians.at[stage, "baseline"]),
                    stage_after=float(medians.at[stage, "period"]),
                )
    return out


def cycle_panel(report: Report) -> Panel:
    """销售周期: the distribution of days from creation to win, this month against the trailing months."""
    skipped = _skip(report, "opportunities")
    if skipped:
        return skipped
    lang = report.lang
    n = _n_history(report)
    frame = cycle_frame(report)
    summary = cycle_summary(report)
    ax = plot_boxes(
        frame.assign(stage=t("proc_step_won", lang)),
        group="stage",
        order=[t("proc_step_won", lang)],
        lang=lang,
        n=n,
        horizontal=True,
        title=f"{t('proc_cycle_title', lang)} · {report.period}",
    )
    table = _distribution_table(frame.sort_values("when", ascending=False, kind="stable"), None, report)
    note = t(
        "proc_cycle_note",
        lang,
        n=summary["n"],
        median=_days_text(summary["median"]),
        m=n,
        usual_n=summary["usual_n"],
        usual=_days_text(summary["usual_median"]),
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def _days_text(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.0f}"


# ----------------------------------------------------------------------------------------- stalled deals


def stall_limits(report: Report, when: pd.Timestamp) -> pd.Series:
    """Per stage, the usual limit of a stay: a quantile of the stays completed before ``when`` (company-wide).

    The ``process.stall_quantile`` of the stays that ended in the ``process.stall_history_months`` months before
    ``when``; NaN under ``process.min_stays`` stays.
    """
    cfg = _cfg(report)
    settings = tuple(float(cfg[k]) for k in ("stall_quantile", "stall_history_months", "min_stays"))
    key = ("stall_limits", tuple(_stages(report)), when, settings)

    def build() -> pd.Series:
        stays = _stays(report)
        lo = when - pd.DateOffset(months=int(cfg["stall_history_months"]))
        done = stays[(stays["left_at"] < when) & (stays["left_at"] >= lo)]
        days = (done["left_at"] - done["entered_at"]).dt.total_seconds() / DAY_SECONDS
        days = days[days > 0]
        grouped = days.groupby(done.loc[days.index, "stage"])
        limits = grouped.quantile(float(cfg["stall_quantile"])).where(grouped.size() >= int(cfg["min_stays"]))
        return limits.reindex(_stages(report))

    return _cached(report.ds, key, build)


def _stalled_at(report: Report, month: str) -> pd.DataFrame:
    end = _bounds(month)[1]
    snap = _scoped_snapshot(report, month)
    limits = stall_limits(report, end)
    snap = snap.assign(limit_days=snap["stage"].map(limits).astype(float))
    return snap[snap["days_in_stage"] > snap["limit_days"]]


def stalled_deals_frame(report: Report) -> pd.DataFrame:
    """Open deals at month end that have sat in their stage longer than usual for it (see :func:`stall_limits`).

    Columns: opportunity_id, stage, days_in_stage, limit_days, amount, rep_id, customer_id, source, region,
    expected_close_at; the longest first.
    """
    stalled = _stalled_at(report, report.period)
    columns = [
        "opportunity_id",
        "stage",
        "days_in_stage",
        "limit_days",
        "amount",
        "rep_id",
        "customer_id",
        "source",
        "region",
        "expected_close_at",
    ]
    return stalled.sort_values(["days_in_stage", "opportunity_id"], ascending=[False, True], kind="stable")[
        columns
    ].reset_index(drop=True)


def stalled_summary_frame(report: Report) -> pd.DataFrame:
    """Stalled deals per stage at month end against the trailing month ends.

    Columns: stage, stalled, value, limit_days, usual, excess, p_value (Poisson), flagged (at least
    ``process.stalled_ratio`` × usual, ``process.min_count`` more than usual, p below ``process.p_value``).
    """
    cfg = _cfg(report)
    now = _stalled_at(report, report.period)
    months = _history(report)
    history = [_stalled_at(report, m)["stage"].value_counts() for m in months]
    limits = stall_limits(report, _bounds(report.period)[1])
    rows = []
    for stage in _stages(report):
        cur = now[now["stage"] == stage]
        usual = float(np.mean([h.get(stage, 0) for h in history])) if history else float("nan")
        rows.append(
            {
                "stage": stage,
                "stalled": len(cur),
                "value": float(cur["amount"].sum()),
                "limit_days": float(limits.get(stage, np.nan)),
                "usual": usual,
                "excess": len(cur) - usual if not math.isnan(usual) else float("nan"),
                "p_value": _count_rise(len(cur), usual * len(months), len(months)) if months else float("nan"),
            }
        )
    frame = pd.DataFrame(rows)
    frame["flagged"] = (
        (frame["stalled"] >= frame["usual"] * float(cfg["stalled_ratio"]))
        & (frame["excess"] >= cfg["min_count"])
        & (frame["p_value"] < cfg["p_value"])
    )
    return frame


def stalled_deals_panel(report: Report) -> Panel:
    """停滞商机: open deals stuck in their stage longer than usual, per stage against the trailing month ends."""
    skipped = _skip(report, "opportunities", "stage_events")
    if skipped:
        return skipped
    lang, cfg = report.lang, _cfg(report)
    n = _n_history(report)
    deals = stalled_deals_frame(report)
    summary = stalled_summary_frame(report)
    ax = plotting.plot_bar_compare(
        summary,
        label="stage",
        current="stalled",
        unit="count",
        baseline="usual",
        lang=lang,
        legend=(t("proc_this_month", lang), t("proc_usual", lang, n=n)),
        title=f"{t('proc_stalled', lang)} · {t('proc_stage', lang)}",
    )
    ax.set_xlabel(t("proc_count", lang))
    top_n = int(report.config["report"]["top_n"])
    shown = deals.head(top_n)
    table = _table(
        shown,
        [
            ("opportunity_id", t("proc_deal", lang), None),
            ("stage", t("proc_stage", lang), None),
            ("days_in_stage", t("proc_days_in_stage", lang), "days"),
            ("limit_days", t("proc_limit_days", lang), "days"),
            ("amount", t("proc_value", lang), "amount"),
            ("rep_id", t("proc_rep", lang), None),
            ("source", t("proc_source", lang), None),
        ],
        lang,
    )
    note = t(
        "proc_stalled_note",
        lang,
        q=f"{float(cfg['stall_quantile']):.0%}",
        months=int(cfg["stall_history_months"]),
        n=len(deals),
        value=format_amount(deals["amount"].sum(), lang),
        shown=len(shown),
    )
    return Panel(frame=deals, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ lead scoring


def lead_scoring_result(report: Report) -> dict[str, Any]:
    """Lead-scoring result for the report (see :func:`salesnb.models.lead_scoring.score_leads`), computed once."""
    cfg = _cfg(report)["scoring"]

    def build() -> dict[str, Any]:
        return lead_scoring.score_leads(
            _leads(report),
            report.period,
            region=report.region,
            holdout_months=int(cfg["holdout_months"]),
            min_train=int(cfg["min_train"]),
            min_holdout=int(cfg["min_holdout"]),
            min_class=int(cfg["min_class"]),
            open_days=int(_cfg(report)["open_lead_days"]),
            C=float(cfg["C"]),
        )

    return report.memo("process_lead_scoring", build)


def lead_scoring_panel(report: Report) -> Panel:
    """线索评分: the open leads most likely to convert, with the model's accuracy on a later hold-out period."""
    skipped = _skip(report, "leads")
    if skipped:
        return skipped
    lang = report.lang
    result = lead_scoring_result(report)
    scores = result["scores"]
    holdout_start = result["cutoff"]
    fmt = {**{k: v for k, v in result.items() if k != "scores"}, "holdout_start": holdout_start}
    if result["status"] == "few_train":
        return Panel(frame=scores, note=t("proc_scoring_few_train", lang, **fmt))
    days = int(_cfg(report)["open_lead_days"])
    note = t(
        "proc_scoring_note",
        lang,
        **{**fmt, "auc": f"{result['auc']:.2f}" if result["auc"] else "—"},
        n_open=len(scores),
        days=days,
    )
    if result["status"] == "few_holdout":
        note = t("proc_scoring_few_holdout", lang, **fmt) + " " + note
    if scores.empty:
        return Panel(frame=scores, note=note + " " + t("proc_no_open_leads", lang))
    top = scores.head(int(report.config["report"]["top_n"]))
    label = top["lead_id"] + " · " + top["source"] + " · " + top["size_band"]
    ax = plot_scores(top.assign(label=label), lang=lang, title=t("proc_scoring_title", lang))
    shown = top.assign(
        created=top["created_at"].dt.strftime("%Y-%m-%d"),
        status=top["status"].map(lambda s: t(f"proc_lead_{s}", lang)),
    )
    table = _table(
        shown,
        [
            ("lead_id", t("proc_lead", lang), None),
            ("created", t("proc_created", lang), None),
            ("source", t("proc_source", lang), None),
            ("size_band", t("proc_size_band", lang), None),
            ("region", t("region", lang), None),
            ("rep_id", t("proc_rep", lang), None),
            ("status", t("proc_status", lang), None),
            ("score", t("proc_score", lang), "pct"),
        ],
        lang,
    )
    return Panel(frame=scores, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------------ charts


def plot_funnel(
    frame: pd.DataFrame,
    *,
    label: str = "label",
    value: str = "count",
    share: str = "pct_prev",
    centred: bool = True,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a funnel: one centred horizontal bar per step, narrowing down, labelled with count and % of previous.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per step, top to bottom.
    label, value, share : str
        Columns with the step name, its count and its conversion from the previous step (drawn when present).
    centred : bool
        Centre the bars (a funnel); ``False`` starts them at zero (stock per stage).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax, rows=0 if frame is None else len(frame))
    if plotting.is_empty(frame) or not (pd.to_numeric(frame[value], errors="coerce").fillna(0) > 0).any():
        return plotting.no_data(ax, lang, title)
    counts = pd.to_numeric(frame[value], errors="coerce").fillna(0).to_numpy(dtype=float)
    widest = counts.max()
    positions = plotting.category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    colors = [plotting.NEUTRAL if i == 0 else plotting.PRIMARY for i in range(len(counts))]
    if len(counts) > 1 and centred:
        colors[-1] = plotting.GOOD
    left = (widest - counts) / 2 if centred else np.zeros(len(counts))
    ax.barh(positions, counts, left=left, height=0.7, color=colors, **kwargs)
    shares = frame[share].to_numpy(dtype=float) if share in frame.columns else np.full(len(counts), np.nan)
    for y, count, pct in zip(positions, counts, shares, strict=True):
        text = format_int(count) + ("" if np.isnan(pct) else f"  ({format_pct(pct, 0)})")
        if count >= widest * 0.35:
            ax.text(widest / 2 if centred else count / 2, y, text, ha="center", va="center", fontsize=8, color="white")
        else:
            end = (widest + count) / 2 if centred else count
            ax.text(end, y, f" {text}", ha="left", va="center", fontsize=8, color=plotting.TARGET)
    ax.set_xlim(0, widest * 1.05)
    ax.set_xticks([])
    ax.grid(False)
    for side in ("bottom", "left"):
        ax.spines[side].set_visible(False)
    return plotting.finish(ax, title)


def plot_conversion_matrix(
    frame: pd.DataFrame,
    *,
    row: str = "segment",
    column: str = "label",
    value: str = "pct_prev",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a segment × step grid of conversion ratios, darker where more moves on, each cell labelled.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long frame, one row per segment and step (as :func:`funnel_frame` returns it).
    row, column, value : str
        Columns with the segment, the step and the ratio.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.imshow``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if plotting.is_empty(frame):
        return plotting.no_data(plotting.axes(ax), lang, title)
    rows, columns = list(dict.fromkeys(frame[row].astype(str))), list(dict.fromkeys(frame[column].astype(str)))
    grid = (
        frame.assign(_r=frame[row].astype(str), _c=frame[column].astype(str))
        .pivot_table(index="_r", columns="_c", values=value, aggfunc="first", sort=False, dropna=False)
        .reindex(index=rows, columns=columns)
        .to_numpy(dtype=float)
    )
    if ax is None:
        _, ax = plt.subplots(
            figsize=(max(6.0, 0.9 * len(columns) + 1.5), max(2.4, 0.4 * len(rows) + 1.2)),
            dpi=plotting.DPI,
            layout="constrained",
        )
    shown = np.clip(grid, 0, 1.5)
    ax.imshow(np.ma.masked_invalid(shown), cmap="Blues", vmin=0, vmax=1.5, aspect="auto", **kwargs)
    ax.set_xticks(
        range(len(columns)),
        labels=columns,
        rotation=30 if len(columns) > 5 else 0,
        ha="right" if len(columns) > 5 else "center",
    )
    ax.set_yticks(range(len(rows)), labels=rows)
    for i in range(len(rows)):
        for j in range(len(columns)):
            if not np.isnan(grid[i, j]):
                ax.text(
                    j,
                    i,
                    format_pct(grid[i, j], 0),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if shown[i, j] > 0.9 else plotting.TARGET,
                )
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return plotting.finish(ax, title)


def plot_daily_watch(
    frame: pd.DataFrame,
    *,
    stage: str = "stage",
    date: str = "date",
    value: str = "conversion",
    line: str = "warning_line",
    alert: str = "alert",
    axes: np.ndarray | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> np.ndarray:
    """Draw one small chart per stage: the daily conversion, its dashed warning line, alert days marked.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per stage and day (as :func:`daily_watch_frame` returns it).
    stage, date, value, line, alert : str
        Columns with the stage, the day, the conversion, the warning line and the alert flag.
    axes : numpy.ndarray of Axes, optional
        One axes per stage; new small multiples when ``None``.
    lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``title`` on the first chart, ``**kwargs`` to ``ax.plot``.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
    """
    stages = list(dict.fromkeys(frame[stage])) if not plotting.is_empty(frame) else []
    if axes is None:
        cols = min(3, max(1, len(stages)))
        rows = max(1, math.ceil(len(stages) / cols))
        _, grid = plt.subplots(
            rows,
            cols,
            figsize=(plotting.FIGSIZE[0], 2.2 * rows + 0.4),
            dpi=plotting.DPI,
            layout="constrained",
            sharey=True,
            squeeze=False,
        )
        axes = grid.ravel()
        for extra in axes[len(stages) :]:
            extra.set_visible(False)
    axes = np.atleast_1d(axes)
    if not stages:
        plotting.no_data(axes[0], lang, title)
        return axes
    for ax, name in zip(axes, stages, strict=False):
        rows = frame[frame[stage] == name]
        ax.plot(rows[date], rows[value], color=plotting.PRIMARY, linewidth=1.4, **kwargs)
        ax.axhline(float(rows[line].iloc[0]), color=plotting.BAD, linestyle="--", linewidth=1)
        hit = rows[rows[alert].astype(bool)]
        ax.scatter(hit[date], hit[value], color=plotting.BAD, s=12, zorder=3)
        ax.set_title(str(name), fontsize=9)
        ax.yaxis.set_major_formatter(plotting.pct_formatter())
        ax.xaxis.set_major_formatter(plt.matplotlib.dates.DateFormatter("%d"))
        ax.grid(axis="y", color=plotting.GRID, linewidth=0.6)
        ax.set_ylim(0, 1.05)
    if title:
        axes[0].figure.suptitle(title, x=0.01, ha="left", fontsize=11)
    return axes


def plot_boxes(
    frame: pd.DataFrame,
    *,
    group: str = "stage",
    value: str = "days",
    when: str = "when",
    order: list[str] | None = None,
    n: int = 3,
    horizontal: bool = False,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw box plots of ``value`` per group, the month (blue) beside the trailing months (grey).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per observation with the group, the value and ``when`` (``period`` or ``baseline``).
    group, value, when : str
        Column names.
    order : list of str, optional
        Groups in display order; default their order of appearance.
    n : int
        Number of trailing months (for the legend).
    horizontal : bool
        Draw the boxes horizontally.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.boxplot``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax)
    if plotting.is_empty(frame):
        return plotting.no_data(ax, lang, title)
    groups = order or list(dict.fromkeys(frame[group]))
    positions = plotting.category_axis(ax, groups, horizontal=horizontal)
    handles = []
    for shift, key, color, name in (
        (-0.18, "period", plotting.PRIMARY, t("proc_when_period", lang)),
        (0.18, "baseline", plotting.NEUTRAL_LIGHT, t("proc_when_baseline", lang, n=n)),
    ):
        data = [frame.loc[(frame[group] == g) & (frame[when] == key), value].to_numpy(dtype=float) for g in groups]
        keep = [i for i, d in enumerate(data) if len(d)]
        if not keep:
            continue
        parts = ax.boxplot(
            [data[i] for i in keep],
            positions=positions[keep] + shift,
            widths=0.3,
            orientation="horizontal" if horizontal else "vertical",
            patch_artist=True,
            showfliers=True,
            flierprops={"markersize": 2, "markeredgecolor": plotting.NEUTRAL},
            medianprops={"color": plotting.TARGET},
            manage_ticks=False,
            **kwargs,
        )
        for box in parts["boxes"]:
            box.set_facecolor(color)
            box.set_edgecolor(plotting.NEUTRAL)
        handles.append(plt.matplotlib.patches.Patch(facecolor=color, edgecolor=plotting.NEUTRAL, label=name))
    (ax.set_xlabel if horizontal else ax.set_ylabel)(t("proc_days", lang))
    if handles:
        plotting.legend(ax, handles=handles)
    return plotting.finish(ax, title)


def plot_goal_bars(
    frame: pd.DataFrame,
    *,
    label: str = "label",
    value: str = "share",
    goal: float = 0.9,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a ratio per row as horizontal bars against a dashed goal line, bars under the goal in orange.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item, top to bottom.
    label, value : str
        Columns with the item name and its ratio (1.0 = 100%).
    goal : float
        Where the goal line is drawn.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax, rows=0 if frame is None else len(frame))
    if plotting.is_empty(frame):
        return plotting.no_data(ax, lang, title)
    ratios = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)
    positions = plotting.category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    colors = [plotting.BAD if r < goal else plotting.GOOD for r in np.nan_to_num(ratios, nan=goal)]
    ax.barh(positions, np.nan_to_num(ratios), height=0.6, color=colors, **kwargs)
    ax.axvline(goal, color=plotting.TARGET, linestyle="--", linewidth=1)
    plotting.bar_end_labels(ax, positions, np.nan_to_num(ratios), [format_pct(r) for r in ratios])
    ax.set_xlim(0, 1.15)
    ax.xaxis.set_major_formatter(plotting.pct_formatter())
    return plotting.finish(ax, title)


def plot_band_mix(
    frame: pd.DataFrame,
    *,
    bands: list[str],
    source: str = "source",
    band: str = "size_band",
    share: str = "share",
    usual: str = "usual_share",
    n: int = 3,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw each source's company-size mix as two 100% stacked bars: this month and the trailing months.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per source and band (as :func:`lead_fit_frame` returns it).
    bands : list of str
        Band labels in order (smallest first).
    source, band, share, usual : str
        Column names.
    n : int
        Number of trailing months (for the row labels).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    sources = list(dict.fromkeys(frame[source])) if not plotting.is_empty(frame) else []
    ax = plotting.axes(ax, rows=2 * len(sources))
    if not sources:
        return plotting.no_data(ax, lang, title)
    labels, now_rows, base_rows = [], [], []
    for name in sources:
        rows = frame[frame[source] == name].set_index(band)
        labels += [f"{name} · {t('proc_when_period', lang)}", f"{name} · {t('proc_when_baseline', lang, n=n)}"]
        now_rows.append([float(rows[share].get(b, 0.0)) for b in bands])
        base = rows[usual].reindex(bands).fillna(0.0)
        base_rows.append(list(base.to_numpy(dtype=float)))
    matrix = np.array([row for pair in zip(now_rows, base_rows, strict=True) for row in pair])
    positions = plotting.category_axis(ax, labels, horizontal=True)
    left = np.zeros(len(labels))
    colors = [plotting.BAD, plotting.PRIMARY_LIGHT, plotting.PRIMARY, "#1F3E5C", plotting.NEUTRAL]
    for k, name in enumerate(bands):
        ax.barh(positions, matrix[:, k], left=left, height=0.7, color=colors[k % len(colors)], label=name, **kwargs)
        left += matrix[:, k]
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plotting.pct_formatter())
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=len(bands), borderaxespad=0.2)
    return plotting.finish(ax, title)


def plot_scores(
    frame: pd.DataFrame,
    *,
    label: str = "label",
    value: str = "score",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw lead scores (0–1) as horizontal bars, best at the top, each ending with its percentage.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per lead, best first.
    label, value : str
        Columns with the lead's label and its score.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax, rows=0 if frame is None else len(frame))
    if plotting.is_empty(frame):
        return plotting.no_data(ax, lang, title)
    scores = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)
    positions = plotting.category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    ax.barh(positions, np.nan_to_num(scores), height=0.6, color=plotting.PRIMARY, **kwargs)
    plotting.bar_end_labels(ax, positions, np.nan_to_num(scores), [format_pct(s) for s in scores])
    ax.set_xlim(0, min(1.0, max(np.nanmax(scores), 0.05) * 1.3))
    ax.xaxis.set_major_formatter(plotting.pct_formatter())
    ax.set_xlabel(t("proc_score", lang))
    return plotting.finish(ax, title)


# ---------------------------------------------------------------------------------------------- findings


def _finding(report: Report, code: str, segment: dict, key: str, fmt: dict, action_key: str | None = None, **kw):
    lang = report.lang
    return make_finding(
        angle=ANGLE,
        code=code,
        segment=segment,
        revenue=_revenue(report),
        config=report.config,
        title=t(f"proc_f_{key}_title", lang, **fmt),
        detail=t(f"proc_f_{key}_detail", lang, **fmt),
        action=t(action_key or f"proc_f_{key}_action", lang, **fmt),
        **kw,
    )


def _new_deals_of(report: Report, source: str, band: str | None = None) -> pd.DataFrame:
    """Deals opened this month from leads of ``source`` (and ``band``), with the stage each sat in at month end."""
    start, end = _bounds(report.period)
    deals = _scope(_deals(report), report.region)
    rows = deals[(deals["created_at"] >= start) & (deals["created_at"] < end) & (deals["source"] == source)]
    if band is not None:
        rows = rows[rows["size_band"] == band]
    snap = _scoped_snapshot(report, report.period).set_index("opportunity_id")["stage"]
    return rows.assign(stage=rows["opportunity_id"].map(snap))


def _main_stage(rows: pd.DataFrame) -> tuple[str | None, int]:
    """The stage where most of ``rows`` (deals) sat at month end, when it holds at least half of them."""
    stages = rows["stage"].dropna().value_counts()
    if stages.empty or stages.iloc[0] * 2 < len(rows):
        return None, 0
    top = stages[stages == stages.iloc[0]].sort_index()
    return str(top.index[0]), int(top.iloc[0])


def _main_band(report: Report, source: str) -> tuple[str | None, float, float]:
    """The company-size band of ``source`` leads whose share rose most this month (share now, usual)."""
    if not report.ds.has("leads"):
        return None, float("nan"), float("nan")
    frame = lead_fit_frame(report)
    rows = frame[(frame["source"] == source) & (frame["size_band"] != facts.UNKNOWN)]
    rows = rows[rows["change"] >= report.config["thresholds"]["share_shift_points"]]
    if rows.empty:
        return None, float("nan"), float("nan")
    best = rows.sort_values(["change", "size_band"], ascending=[False, True], kind="stable").iloc[0]
    return str(best["size_band"]), float(best["share"]), float(best["usual_share"])


def _stage_profile(report: Report, source: str, band: str | None) -> str:
    lang = report.lang
    if not report.ds.has("stage_events"):
        return ""
    rows = _new_deals_of(report, source, band)
    stage, stuck = _main_stage(rows)
    if stage is None:
        return ""
    return t("proc_f_shift_profile_stage", lang, opps=len(rows), stuck=stuck, stage=stage)


def _conversion_findings(report: Report) -> list[dict]:
    lang, n = report.lang, _n_history(report)
    out = []
    for row in stage_conversion_frame(report).itertuples():
        if not row.flagged:
            continue
        effect = row.lost_excess * row.value
        fmt = {
            "stage": row.stage,
            "exits": row.exits,
            "advanced": row.advanced,
            "rate": format_pct(row.rate),
            "usual": format_pct(row.usual),
            "n": n,
            "lost": format_int(row.lost_excess),
            "effect": format_amount(effect, lang),
        }
        out.append(
            _finding(
                report,
                "stage_conversion_low",
                {"stage": row.stage},
                "conversion",
                fmt,
                metric="stage_conversion",
                value=row.rate,
                baseline=row.usual,
                effect=effect,
            )
        )
    return out


def _slippage_findings(report: Report) -> list[dict]:
    cfg, lang, n = _cfg(report), report.lang, _n_history(report)
    frame = pipeline_slippage_frame(report)
    now, base = frame[frame["is_period"]].iloc[0], frame[~frame["is_period"]]
    if not len(base) or not base["due"].sum() or not now["due"]:
        return []
    usual = base["slipped"].sum() / base["due"].sum()
    usual_value = base["slipped_value"].sum() / base["due_value"].sum() if base["due_value"].sum() else usual
    p = _fisher(now["slipped"], now["due"], base["slipped"].sum(), base["due"].sum(), "greater")
    excess_count = now["slipped"] - usual * now["due"]
    if not (
        now["share"] - usual >= cfg["slippage_rise_points"] and excess_count >= cfg["min_count"] and p < cfg["p_value"]
    ):
        return []
    effect = max(0.0, now["slipped_value"] - usual_value * now["due_value"])
    fmt = {
        "due": int(now["due"]),
        "due_value": format_amount(now["due_value"], lang),
        "slipped": int(now["slipped"]),
        "slipped_value": format_amount(now["slipped_value"], lang),
        "share": format_pct(now["share"]),
        "usual": format_pct(usual),
        "n": n,
    }
    return [
        _finding(
            report,
            "pipeline_slippage",
            {},
            "slippage",
            fmt,
            metric="slipped_share",
            value=now["share"],
            baseline=usual,
            effect=effect,
        )
    ]


def _stock_findings(report: Report) -> list[dict]:
    lang, n = report.lang, _n_history(report)
    frame = stage_stock_frame(report)
    out = []
    for row in frame[frame["flagged"]].itertuples():
        now = _scoped_snapshot(report, report.period)
        in_stage = now[now["stage"] == row.stage]
        effect = row.excess * float(in_stage["amount"].mean())
        profile, action_key, fmt_extra = "", None, {}
        source, count, usual_count = _surge_source(report, row.stage)
        if source is not None:
            rows = in_stage[in_stage["source"] == source]
            bands = rows["size_band"][rows["size_band"] != facts.UNKNOWN].value_counts()
            if len(bands):
                band = str(bands[bands == bands.iloc[0]].sort_index().index[0])
                share = bands.iloc[0] / len(rows)
                profile = t(
                    "proc_f_stock_profile",
                    lang,
                    source=source,
                    count=count,
                    usual=format_int(usual_count),
                    band=band,
                    share=format_pct(share),
                )
                if band == size_band_labels(list(_edges(report)))[0]:
                    action_key, fmt_extra = "proc_f_stock_action_profile", {"source": source, "band": band}
        fmt = {
            "stage": row.stage,
            "stock": row.stock,
            "usual": format_int(row.usual),
            "n": n,
            "change": format_pct(row.change, signed=True),
            "profile": profile,
            **fmt_extra,
        }
        out.append(
            _finding(
                report,
                "stage_stock_surge",
                {"stage": row.stage},
                "stock",
                fmt,
                action_key=action_key,
                metric="stage_stock",
                value=row.stock,
                baseline=row.usual,
                effect=effect,
            )
        )
    return out


def _surge_source(report: Report, stage: str) -> tuple[str | None, int, float]:
    """The deal source behind most of a stage's rise: (source, deals now, usual deals), or ``None``."""
    now = _scoped_snapshot(report, report.period)
    now = now[now["stage"] == stage]["source"].value_counts()
    months = _history(report)
    if not months:
        return None, 0, 0.0
    snaps = [_scoped_snapshot(report, m) for m in months]
    history = pd.concat([snap.loc[snap["stage"] == stage, "source"] for snap in snaps])
    usual = history.value_counts() / len(months)
    excess = (now - usual.reindex(now.index).fillna(0.0)).sort_index()
    total = float(now.sum() - usual.sum())
    if excess.empty or total <= 0:
        return None, 0, 0.0
    top = excess[excess == excess.max()].index[0]
    if excess[top] * 2 < total:
        return None, 0, 0.0
    return str(top), int(now[top]), float(usual.get(top, 0.0))


def _source_findings(report: Report) -> list[dict]:
    lang, n = report.lang, _n_history(report)
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
            effect = row.excess * _lead_value(report, row.source)
            fmt = {
                "source": row.source,
                "leads": row.leads,
                "share": format_pct(row.share),
                "usual": format_pct(row.usual_share),
                "n": n,
                "excess": format_int(row.excess),
                "profile": profile,
            }
            out.append(
                _finding(
                    report,
                    "lead_source_shift",
                    {"source": row.source},
                    "shift",
                    fmt,
                    metric="lead_share",
                    value=row.share,
                    baseline=row.usual_share,
                    effect=effect,
                )
            )
        elif row.flagged == "drop":
            effect = (row.usual_leads - row.leads) * _lead_value(report, row.source)
            fmt = {
                "source": row.source,
                "leads": row.leads,
                "share": format_pct(row.share),
                "usual": format_pct(row.usual_share),
                "n": n,
                "usual_leads": format_int(row.usual_leads),
            }
            out.append(
                _finding(
                    report,
                    "lead_source_shift",
                    {"source": row.source},
                    "drop",
                    fmt,
                    metric="lead_share",
                    value=row.share,
                    baseline=row.usual_share,
                    effect=effect,
                )
            )
    return out


def _fit_findings(report: Report) -> list[dict]:
    n = _n_history(report)
    smallest = size_band_labels(list(_edges(report)))[0]
    out = []
    for row in lead_fit_frame(report).itertuples():
        if not row.flagged:
            continue
        profile = _stage_profile(report, row.source, row.size_band)
        stage = (
            _main_stage(_new_deals_of(report, row.source, row.size_band))[0] if report.ds.has("stage_events") else None
        )
        effect = row.excess * _lead_value(report, row.source)
        fmt = {
            "source": row.source,
            "band": row.size_band,
            "leads": row.leads,
            "share": format_pct(row.share),
            "usual": format_pct(row.usual_share),
            "n": n,
            "fit": format_pct(row.fit_ratio),
            "profile": profile,
            "stage": stage or "",
        }
        action = "proc_f_fit_action" if row.size_band != smallest else "proc_f_fit_action_small"
        action += "" if stage or row.size_band != smallest else "_plain"
        out.append(
            _finding(
                report,
                "lead_fit_low",
                {"source": row.source, "company_size": row.size_band},
                "fit",
                fmt,
                action_key=action,
                metric="band_share",
                value=row.share,
                baseline=row.usual_share,
                effect=effect,
            )
        )
    return out


def _response_findings(report: Report) -> list[dict]:
    n, thr = _n_history(report), report.config["thresholds"]
    out = []
    for row in first_response_frame(report).itertuples():
        if not row.flagged:
            continue
        effect = row.late_excess * _lead_value(report, row.source)
        fmt = {
            "source": row.source,
            "share": format_pct(row.share),
            "hours": thr["first_response_hours"],
            "goal": format_pct(thr["first_response_share"], 0),
            "usual": format_pct(row.usual_share),
            "n": n,
            "median": f"{row.median_hours:.1f}",
            "late": row.late,
        }
        out.append(
            _finding(
                report,
                "slow_first_response",
                {"source": row.source},
                "response",
                fmt,
                metric="first_response_within_goal",
                value=row.share,
                baseline=row.usual_share,
                effect=effect,
            )
        )
    return out


def _cycle_findings(report: Report) -> list[dict]:
    lang = report.lang
    summary = cycle_summary(report)
    if not summary["flagged"]:
        return []
    effect = summary["won_value"] * (1 - summary["usual_median"] / summary["median"])
    stage_text = ""
    if summary["stage"] is not None:
        stage_text = t(
            "proc_f_cycle_stage",
            lang,
            stage=summary["stage"],
            before=_days_text(summary["stage_before"]),
            after=_days_text(summary["stage_after"]),
        )
    fmt = {
        "n": summary["n"],
        "median": _days_text(summary["median"]),
        "usual": _days_text(summary["usual_median"]),
        "m": _n_history(report),
        "rise": format_pct(summary["rise"], signed=True),
        "stage_text": stage_text,
    }
    return [
        _finding(
            report,
            "sales_cycle_lengthening",
            {},
            "cycle",
            fmt,
            metric="median_cycle_days",
            value=summary["median"],
            baseline=summary["usual_median"],
            effect=effect,
        )
    ]


def _stalled_findings(report: Report) -> list[dict]:
    lang = report.lang
    frame = stalled_summary_frame(report)
    out = []
    for row in frame[frame["flagged"]].itertuples():
        effect = row.excess * (row.value / row.stalled if row.stalled else 0.0)
        fmt = {
            "stage": row.stage,
            "count": row.stalled,
            "limit": _days_text(row.limit_days),
            "usual": format_int(row.usual),
            "value": format_amount(row.value, lang),
        }
        out.append(
            _finding(
                report,
                "stalled_deals",
                {"stage": row.stage},
                "stalled",
                fmt,
                metric="stalled_deals",
                value=row.stalled,
                baseline=row.usual,
                effect=effect,
            )
        )
    return out


def angle_findings(report: Report) -> list[dict[str, Any]]:
    """Every process finding of the report, computed once per report.

    Codes: stage_conversion_low, pipeline_slippage, stage_stock_surge, stalled_deals, sales_cycle_lengthening
    (need opportunities, the stage ones stage_events too), lead_source_shift, lead_fit_low, slow_first_response
    (need leads). Codes whose tables are missing are left out.
    """

    def build() -> list[dict[str, Any]]:
        ds, found = report.ds, []
        if ds.has("leads"):
            found += _source_findings(report)
            found += _fit_findings(report)
            found += _response_findings(report)
        if ds.has("opportunities"):
            found += _slippage_findings(report)
            found += _cycle_findings(report)
            if ds.has("stage_events"):
                found += _stock_findings(report)
                found += _conversion_findings(report)
                found += _stalled_findings(report)
        return found

    return report.memo("process_findings", build)


def angle_metrics(report: Report) -> dict[str, Any]:
    """The process's key numbers: win rate, velocity, cycle, open pipeline, stage stock, source shares, speed, AUC."""
    out: dict[str, Any] = {}
    ds = report.ds
    if ds.has("opportunities"):
        velocity = velocity_frame(report).set_index("metric")["value"]
        out["win_rate"] = _num(velocity["win_rate"])
        out["sales_velocity_per_day"] = _num(velocity["velocity_day"])
        out["sales_velocity_per_month"] = _num(velocity["velocity_month"])
        out["median_cycle_days"] = _num(velocity["cycle_median"])
        out["deals_won"] = int(velocity["won"])
        out["open_deals"] = int(velocity["open"])
        out["open_pipeline"] = float(pipeline_flow_frame(report).attrs["open_end_total"])
        if ds.has("stage_events"):
            for row in stage_stock_frame(report).itertuples():
                out[f"stage_stock_{row.stage}"] = int(row.stock)
            out["stalled_deals"] = int(len(stalled_deals_frame(report)))
    if ds.has("leads"):
        mix = source_mix_frame(report)
        out["leads"] = int(mix["leads"].sum())
        for row in mix.sort_values("source").itertuples():
            out[f"source_share_{row.source}"] = _num(row.share)
        speed = first_response_frame(report)
        out["first_response_within_goal"] = _num(speed.loc[speed["source"] == ALL, "share"].iloc[0])
        result = lead_scoring_result(report)
        out["lead_score_auc"] = result["auc"]
        out["lead_score_holdout"] = result["n_holdout"]
    return out
