"""Team angle (团队与管理): rep ranking, polarisation, underperformers, new-hire ramp, activity, target realism.

Every analysis is a ``*_frame(report)`` returning the raw numbers and a ``*_panel(report)`` showing them.
A rep's figures are those of the report's scope: in a region report, the rep's orders in that region and
the rep targets of reps belonging to it (as :func:`salesnb.overview.attainment_frame` counts them).
Tiered commission statements live in :mod:`salesnb.commission`.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy import stats

from . import commission
from .data import facts
from .data.targets import total_target
from .display import plotting
from .display.formatting import format_amount, format_int, format_pct
from .display.panel import Panel
from .findings import make_finding
from .i18n import t
from .periods import ALL, month_labels
from .report import Report

ANGLE = "team"
DAYS_PER_MONTH = 30.4375


# ----------------------------------------------------------------------------------------------- helpers


def _cached(ds, key: str, build):
    return facts.per_dataset(ds, ("team", key), lambda: build(ds))


def _cfg(report: Report) -> dict[str, Any]:
    return report.config["team"]


def _months_back(period: str, count: int, offset: int = 0) -> list[str]:
    end = pd.Period(period, freq="M") - offset
    return [str(end - k) for k in range(count - 1, -1, -1)]


def _covered(report: Report, months: list[str]) -> list[str]:
    first, last = facts.data_months(report.ds)
    return [m for m in months if first <= m <= last]


def _trailing(report: Report) -> list[str]:
    return _covered(report, report.baselines.trailing_labels)


def _report_revenue(report: Report) -> float:
    orders = facts.in_months(facts.in_region(facts.order_facts(report.ds), report.region), report.period)
    return float(orders["revenue"].sum())


def _month_start(month: str) -> pd.Timestamp:
    return pd.Period(month, freq="M").start_time.normalize()


def _month_end(month: str) -> pd.Timestamp:
    return (pd.Period(month, freq="M") + 1).start_time.normalize()


def rep_info(ds) -> pd.DataFrame:
    """Reps indexed by ``rep_id`` with ``rep_name``, ``region``, ``hire_date``, ``leave_date`` (empty if absent)."""

    def build(ds) -> pd.DataFrame:
        reps = ds.get("reps")
        columns = ["rep_name", "region", "hire_date", "leave_date"]
        if reps is None:
            return pd.DataFrame(columns=columns, index=pd.Index([], name="rep_id"))
        return reps.drop_duplicates("rep_id").set_index("rep_id")[columns]

    return _cached(ds, "rep_info", build)


def rep_label(ds, rep_id: str, lang: str = "zh") -> str:
    """``蔡一鸣（R015）`` (``蔡一鸣 (R015)`` in English), or the id alone when the name is unknown."""
    info = rep_info(ds)
    name = info["rep_name"].get(rep_id) if rep_id in info.index else None
    if name is None or pd.isna(name) or str(name) == "":
        return str(rep_id)
    return f"{name}（{rep_id}）" if lang == "zh" else f"{name} ({rep_id})"


def _rep_sales(ds) -> pd.DataFrame:
    """Revenue and order count per rep, region and month (orders without a rep are left out)."""

    def build(ds) -> pd.DataFrame:
        orders = facts.order_facts(ds)
        orders = orders[orders["rep_id"].notna()]
        grouped = orders.groupby(["rep_id", "region", "month"], sort=True).agg(
            revenue=("revenue", "sum"), orders=("order_id", "size")
        )
        return grouped.reset_index()

    return _cached(ds, "rep_sales", build)


def _rep_targets(ds) -> pd.DataFrame:
    """Rep-level targets (rows with a rep and no product line) with the rep's region filled from reps."""

    def build(ds) -> pd.DataFrame:
        targets = ds.get("targets")
        if targets is None:
            return pd.DataFrame(columns=["rep_id", "region", "month", "target"])
        rows = targets[targets["rep_id"].notna() & targets["product_line"].isna()]
        region = rows["region"].fillna(rows["rep_id"].map(rep_info(ds)["region"]))
        frame = pd.DataFrame(
            {"rep_id": rows["rep_id"], "region": region, "month": rows["period"], "target": rows["target_amount"]}
        )
        return frame.groupby(["rep_id", "region", "month"], dropna=False)["target"].sum().reset_index()

    return _cached(ds, "rep_targets", build)


def rep_months(report: Report) -> pd.DataFrame:
    """Revenue, orders and target per (rep_id, month) in the report's region, over all months of the data.

    A rep's revenue counts the rep's orders in the region; a rep's target counts where the rep belongs
    to the region. ``target`` is NaN where the rep has none.
    """

    def build(ds) -> pd.DataFrame:
        sales = facts.in_region(_rep_sales(ds), report.region)
        sales = sales.groupby(["rep_id", "month"])[["revenue", "orders"]].sum()
        targets = _rep_targets(ds)
        if report.region != ALL:
            targets = targets[targets["region"] == report.region]
        targets = targets.groupby(["rep_id", "month"])["target"].sum()
        frame = pd.concat([sales, targets], axis=1)
        frame[["revenue", "orders"]] = frame[["revenue", "orders"]].fillna(0.0)
        frame.index.names = ["rep_id", "month"]
        return frame.astype(float)

    return _cached(report.ds, f"rep_months:{report.region}", build)


def _opportunity_facts(ds) -> pd.DataFrame:
    """Opportunities with ``region`` (filled from the customer) and the ``close_month`` label."""

    def build(ds) -> pd.DataFrame:
        opps = ds["opportunities"]
        region = opps["region"]
        customers = ds.get("customers")
        if customers is not None:
            region = region.fillna(opps["customer_id"].map(customers.set_index("customer_id")["region"]))
        return pd.DataFrame(
            {
                "opportunity_id": opps["opportunity_id"],
                "rep_id": opps["rep_id"],
                "status": opps["status"].str.lower(),
                "region": region.fillna(facts.UNKNOWN),
                "close_month": month_labels(opps["closed_at"]),
                "amount": opps["amount"],
            }
        )

    return _cached(ds, "opportunity_facts", build)


def _activity_facts(ds) -> pd.DataFrame:
    """Activities with ``month`` and ``region`` (the rep's region, else the customer's)."""

    def build(ds) -> pd.DataFrame:
        acts = ds["activities"]
        region = acts["rep_id"].map(rep_info(ds)["region"])
        customers = ds.get("customers")
        if customers is not None:
            region = region.fillna(acts["customer_id"].map(customers.set_index("customer_id")["region"]))
        return pd.DataFrame(
            {
                "rep_id": acts["rep_id"],
                "type": acts["type"].fillna(facts.UNKNOWN),
                "month": month_labels(acts["occurred_at"]),
                "region": region.fillna(facts.UNKNOWN),
            }
        )

    return _cached(ds, "activity_facts", build)


def _tenure_months(ds, rep_ids: pd.Index | pd.Series, month: str) -> pd.Series:
    """Months between each rep's hire date and the start of ``month`` (NaN when unknown)."""
    hire = pd.Series(list(rep_ids), index=list(rep_ids)).map(rep_info(ds)["hire_date"])
    days = (_month_start(month) - pd.to_datetime(hire)).dt.days
    return (days / DAYS_PER_MONTH).astype(float)


def _left_before_end(ds, rep_ids: pd.Index | pd.Series, month: str) -> pd.Series:
    """True for reps whose leave date falls before the end of ``month``."""
    leave = pd.Series(list(rep_ids), index=list(rep_ids)).map(rep_info(ds)["leave_date"])
    return pd.to_datetime(leave).lt(_month_end(month)).fillna(False).astype(bool)


# ------------------------------------------------------------------------------------------ rep ranking


def rep_frame(report: Report) -> pd.DataFrame:
    """One row per rep in scope this period: revenue, orders, target, attainment, deals, win rate, activity.

    Columns: rep_id, label, revenue, orders, aov, target, attainment, gap, won, lost, win_rate, activities,
    revenue_per_activity (the productivity measure), rank (by revenue, 1 = best). Reps appear when they
    sold in the region this period or have a target there. ``won``/``lost`` count opportunities closed in
    the period (NaN without the opportunities table); ``activities`` needs the activities table.
    """
    months = rep_months(report)
    now = months.xs(report.period, level="month") if report.period in months.index.get_level_values("month") else None
    if now is None or now.empty:
        now = pd.DataFrame(columns=["revenue", "orders", "target"], dtype=float)
    now = now[(now["revenue"] > 0) | now["target"].notna()].copy()
    now.index.name = "rep_id"
    now["aov"] = now["revenue"] / now["orders"].where(now["orders"] > 0)
    now["attainment"] = now["revenue"] / now["target"].where(now["target"] > 0)
    now["gap"] = now["revenue"] - now["target"]
    ds = report.ds
    if ds.has("opportunities"):
        opps = facts.in_region(_opportunity_facts(ds), report.region)
        closed = opps[opps["close_month"] == report.period]
        counts = closed.groupby(["rep_id", "status"]).size().unstack(fill_value=0)
        now["won"] = now.index.map(counts["won"] if "won" in counts else pd.Series(dtype=float)).fillna(0.0)
        now["lost"] = now.index.map(counts["lost"] if "lost" in counts else pd.Series(dtype=float)).fillna(0.0)
        decided = now["won"] + now["lost"]
        now["win_rate"] = now["won"] / decided.where(decided > 0)
    else:
        now["won"] = now["lost"] = now["win_rate"] = np.nan
    if ds.has("activities"):
        acts = facts.in_months(facts.in_region(_activity_facts(ds), report.region), report.period)
        counts = acts.groupby("rep_id").size()
        now["activities"] = now.index.map(counts).fillna(0.0).astype(float)
        now["revenue_per_activity"] = now["revenue"] / now["activities"].where(now["activities"] > 0)
    else:
        now["activities"] = now["revenue_per_activity"] = np.nan
    now = now.reset_index()
    now["label"] = [rep_label(ds, r, report.lang) for r in now["rep_id"]]
    now = now.sort_values(["revenue", "rep_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    now["rank"] = np.arange(1, len(now) + 1)
    columns = ["rep_id", "label", "revenue", "orders", "aov", "target", "attainment", "gap"]
    columns += ["won", "lost", "win_rate", "activities", "revenue_per_activity", "rank"]
    return now[columns]


def rep_panel(report: Report) -> Panel:
    """销售代表排名: revenue against target per rep, with orders, win rate and activity productivity."""
    lang = report.lang
    frame = rep_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("team_no_reps", lang))
    top = frame.head(report.config["report"]["top_n"] * 3)
    ax = plotting.plot_bar_compare(
        top,
        label="label",
        current="revenue",
        baseline="target",
        legend=(t("revenue", lang), t("target", lang)),
        lang=lang,
        title=f"{t('team_ranking_title', lang)} · {report.region_label}",
    )
    table = pd.DataFrame(
        {
            t("team_rank", lang): frame["rank"],
            t("team_rep", lang): frame["label"],
            t("revenue", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("target", lang): frame["target"].map(lambda v: format_amount(v, lang)),
            t("attainment", lang): frame["attainment"].map(format_pct),
            t("team_orders", lang): frame["orders"].map(format_int),
            t("team_won", lang): frame["won"].map(format_int),
            t("team_win_rate", lang): frame["win_rate"].map(format_pct),
            t("team_activities", lang): frame["activities"].map(format_int),
            t("team_rev_per_activity", lang): frame["revenue_per_activity"].map(lambda v: format_amount(v, lang)),
        }
    )
    note = "" if frame["target"].notna().any() else t("team_no_rep_targets", lang)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ polarisation


def gini(values: Any) -> float:
    """Gini coefficient of non-negative amounts: 0 when everyone has the same, towards 1 when one has all.

    Uses G = 2·Σ i·x₍ᵢ₎ / (n·Σx) − (n+1)/n over the values sorted ascending (i = 1..n), which lies in
    [0, (n−1)/n]. Negative values are treated as 0; NaN when there are no values or they sum to 0.
    """
    x = np.sort(np.clip(np.asarray(values, dtype=float), 0.0, None))
    x = x[~np.isnan(x)]
    n, total = len(x), x.sum()
    if n == 0 or total <= 0:
        return float("nan")
    ranks = np.arange(1, n + 1)
    return float(max(0.0, 2.0 * np.sum(ranks * x) / (n * total) - (n + 1) / n))


def top_share(values: Any, share: float = 0.2) -> float:
    """Share of the total held by the top ``share`` of the values (at least one value); NaN for a zero total."""
    x = np.sort(np.clip(np.asarray(values, dtype=float), 0.0, None))[::-1]
    x = x[~np.isnan(x)]
    if len(x) == 0 or x.sum() <= 0:
        return float("nan")
    k = max(1, math.ceil(share * len(x) - 1e-9))
    return float(x[:k].sum() / x.sum())


def lorenz_points(values: Any) -> pd.DataFrame:
    """Points of the Lorenz curve: cumulative share of reps (poorest first) against cumulative share of revenue."""
    x = np.sort(np.clip(np.asarray(values, dtype=float), 0.0, None))
    x = x[~np.isnan(x)]
    total = x.sum()
    if len(x) == 0 or total <= 0:
        return pd.DataFrame({"rep_share": [0.0, 1.0], "revenue_share": [0.0, 1.0]})
    return pd.DataFrame(
        {
            "rep_share": np.concatenate([[0.0], np.arange(1, len(x) + 1) / len(x)]),
            "revenue_share": np.concatenate([[0.0], np.cumsum(x) / total]),
        }
    )


def _active_rep_revenue(report: Report, month: str) -> pd.Series:
    """Revenue per rep active in ``month`` (sold in scope or had a target there)."""
    months = rep_months(report)
    if month not in months.index.get_level_values("month"):
        return pd.Series(dtype=float, index=pd.Index([], name="rep_id"), name="revenue")
    now = months.xs(month, level="month")
    now = now[(now["revenue"] > 0) | now["target"].notna()]
    return now["revenue"].rename_axis("rep_id").sort_index()


def polarization_metrics(report: Report) -> dict[str, float | int | None]:
    """Gini and top-20% share of rep revenue this period, and the Gini averaged over the trailing months.

    ``shortfall`` is what the reps below the median would add by reaching the median rep's revenue.
    """
    share = _cfg(report)["top_share"]
    revenue = _active_rep_revenue(report, report.period)
    baseline = [gini(_active_rep_revenue(report, m)) for m in _trailing(report)]
    baseline = [g for g in baseline if not math.isnan(g)]
    median = float(revenue.median()) if len(revenue) else float("nan")
    shortfall = float((median - revenue[revenue < median]).sum()) if len(revenue) else 0.0
    value = gini(revenue)
    return {
        "reps": int(len(revenue)),
        "gini": None if math.isnan(value) else value,
        "top_share": None if len(revenue) == 0 or math.isnan(top_share(revenue, share)) else top_share(revenue, share),
        "baseline_gini": float(np.mean(baseline)) if baseline else None,
        "median_revenue": None if math.isnan(median) else median,
        "shortfall": shortfall,
    }


def polarization_frame(report: Report) -> pd.DataFrame:
    """Reps this period sorted by revenue (lowest first) with cumulative shares: the Lorenz curve's points."""
    revenue = _active_rep_revenue(report, report.period)
    frame = revenue.rename("revenue").reset_index().sort_values(["revenue", "rep_id"], kind="stable")
    total = frame["revenue"].sum()
    frame["label"] = [rep_label(report.ds, r, report.lang) for r in frame["rep_id"]]
    frame["share"] = frame["revenue"] / total if total > 0 else np.nan
    frame["rep_share"] = np.arange(1, len(frame) + 1) / max(len(frame), 1)
    frame["revenue_share"] = frame["share"].cumsum()
    return frame.reset_index(drop=True)


def plot_lorenz(
    frame: pd.DataFrame,
    *,
    x: str = "rep_share",
    y: str = "revenue_share",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a Lorenz curve (cumulative share of reps against cumulative share of revenue) and the equality line.

    Parameters
    ----------
    frame : pandas.DataFrame
        Points from (0, 0) to (1, 1), as :func:`lorenz_points` returns them.
    x, y : str
        Columns with the cumulative share of reps and of revenue.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to the curve's ``ax.plot``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 4.2), dpi=plotting.DPI, layout="constrained")
    if frame is None or len(frame) < 2:
        return plotting.no_data(ax, lang, title)
    xs, ys = frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float)
    ax.plot([0, 1], [0, 1], color=plotting.NEUTRAL, linestyle="--", linewidth=1, label=t("team_equality", lang))
    ax.plot(xs, ys, color=plotting.PRIMARY, marker="o", markersize=3, linewidth=1.6, label=t("revenue", lang), **kwargs)
    ax.fill_between(xs, ys, xs, color=plotting.PRIMARY_LIGHT, alpha=0.35)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_formatter(plotting.pct_formatter())
    ax.yaxis.set_major_formatter(plotting.pct_formatter())
    ax.set_xlabel(t("team_cum_reps", lang))
    ax.set_ylabel(t("team_cum_revenue", lang))
    ax.grid(color=plotting.GRID, linewidth=0.6)
    plotting.legend(ax)
    return plotting.finish(ax, title)


def polarization_panel(report: Report) -> Panel:
    """两极分化: the Lorenz curve of rep revenue, the Gini coefficient and the top-20% reps' share."""
    lang = report.lang
    frame = polarization_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("team_no_reps", lang))
    m = polarization_metrics(report)
    points = pd.concat(
        [pd.DataFrame({"rep_share": [0.0], "revenue_share": [0.0]}), frame[["rep_share", "revenue_share"]]]
    )
    ax = plot_lorenz(points, lang=lang, title=f"{t('team_lorenz_title', lang)} · {report.region_label}")
    shown = frame.sort_values(["revenue", "rep_id"], ascending=[False, True], kind="stable")
    table = pd.DataFrame(
        {
            t("team_rep", lang): shown["label"],
            t("revenue", lang): shown["revenue"].map(lambda v: format_amount(v, lang)),
            t("share", lang): shown["share"].map(format_pct),
        }
    )
    note = t(
        "team_polarization_note",
        lang,
        gini=_fmt_ratio(m["gini"]),
        baseline=_fmt_ratio(m["baseline_gini"]),
        top=format_pct(m["top_share"]),
        n=m["reps"],
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def _fmt_ratio(value: float | None) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


# ------------------------------------------------------------------------------------------ underperformers


def underperform_frame(report: Report) -> pd.DataFrame:
    """Reps with a target this period: attainment, orders against their usual count, and the flag.

    A rep is flagged when attainment is below ``team.underperform_attainment`` **and** the month's order
    count is improbably low against the rep's own trailing average (Poisson probability of so few orders
    below ``team.underperform_p_value``), so a normal lumpy month does not count. Reps hired less than
    ``team.min_tenure_months`` before the period (judged by the ramp analysis) and reps leaving during the
    month are not flagged. Sorted worst attainment first.
    """
    cfg = _cfg(report)
    months = rep_months(report)
    columns = ["rep_id", "label", "revenue", "target", "attainment", "gap", "orders", "usual_orders", "p_value"]
    columns += ["tenure_months", "flagged"]
    if report.period not in months.index.get_level_values("month"):
        return pd.DataFrame(columns=columns)
    now = months.xs(report.period, level="month")
    now = now[now["target"].notna() & (now["target"] > 0)].copy()
    if now.empty:
        return pd.DataFrame(columns=columns)
    trailing = _trailing(report)
    if trailing:
        past = months[months.index.get_level_values("month").isin(trailing)]["orders"].unstack("month")
        usual = past.reindex(columns=trailing).fillna(0.0).mean(axis=1)
    else:
        usual = pd.Series(dtype=float)
    now["usual_orders"] = now.index.map(usual).astype(float)
    now["p_value"] = stats.poisson.cdf(now["orders"], now["usual_orders"].where(now["usual_orders"] > 0))
    now["attainment"] = now["revenue"] / now["target"]
    now["gap"] = now["revenue"] - now["target"]
    now["tenure_months"] = _tenure_months(report.ds, now.index, report.period).to_numpy()
    leaving = _left_before_end(report.ds, now.index, report.period).to_numpy()
    seasoned = ~(now["tenure_months"] < cfg["min_tenure_months"]).to_numpy()
    now["flagged"] = (
        (now["attainment"] < cfg["underperform_attainment"]).to_numpy()
        & (now["p_value"] < cfg["underperform_p_value"]).to_numpy()
        & seasoned
        & ~leaving
    )
    now = now.reset_index()
    now["label"] = [rep_label(report.ds, r, report.lang) for r in now["rep_id"]]
    now = now.sort_values(["attainment", "rep_id"], kind="stable").reset_index(drop=True)
    return now[columns]


def underperform_panel(report: Report) -> Panel:
    """远低于目标的代表: attainment per rep, the flagged ones with their order count against their usual."""
    lang = report.lang
    if not report.ds.has("targets"):
        return Panel.skipped(t("needs_table", lang, tables="targets"))
    frame = underperform_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("team_no_rep_targets", lang))
    limit = 2 * report.config["report"]["top_n"]  # a company of thousands of reps: chart and table stay readable
    shown = frame[frame["flagged"] | (frame.index < limit)]
    note = t("showing_lowest", lang, shown=len(shown), total=len(frame)) if len(shown) < len(frame) else ""
    ax = plotting.plot_attainment(
        shown, label="label", value="attainment", lang=lang, title=t("team_underperform_title", lang)
    )
    table = pd.DataFrame(
        {
            t("team_rep", lang): shown["label"],
            t("revenue", lang): shown["revenue"].map(lambda v: format_amount(v, lang)),
            t("target", lang): shown["target"].map(lambda v: format_amount(v, lang)),
            t("attainment", lang): shown["attainment"].map(format_pct),
            t("team_orders", lang): shown["orders"].map(format_int),
            t("team_expected_orders", lang): shown["usual_orders"].map(lambda v: "—" if pd.isna(v) else f"{v:.1f}"),
            t("team_p_value", lang): shown["p_value"].map(lambda v: "—" if pd.isna(v) else f"{v:.3f}"),
            t("team_flag", lang): shown["flagged"].map(lambda f: t("team_flag_yes", lang) if f else ""),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ new-hire ramp


def _cohort_labels(bands: list[float]) -> list[str]:
    edges = [int(b) if float(b).is_integer() else b for b in bands]
    labels = [f"<{edges[0]}"]
    labels += [f"{lo}-{hi}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    return labels + [f">{edges[-1]}"]


def _cohort_of(tenure: pd.Series, bands: list[float]) -> pd.Series:
    labels = _cohort_labels(bands)
    index = np.searchsorted(np.asarray(bands, dtype=float), tenure.to_numpy(dtype=float), side="right")
    out = pd.Series([labels[i] for i in index], index=tenure.index, dtype=object)
    return out.where(tenure.notna())


def _tenured_rows(report: Report, month: str) -> pd.DataFrame:
    months = rep_months(report)
    if month not in months.index.get_level_values("month"):
        return pd.DataFrame(columns=["revenue", "orders", "target", "tenure"])
    rows = months.xs(month, level="month")
    rows = rows[rows["target"].notna() & (rows["target"] > 0)].copy()
    rows["tenure"] = _tenure_months(report.ds, rows.index, month).to_numpy()
    return rows


def ramp_frame(report: Report) -> pd.DataFrame:
    """Attainment per tenure cohort (months since hire at the start of the month): this period and trailing.

    Cohort edges come from ``team.tenure_bands`` (default <3, 3-6, 6-12, >12 months). Columns: cohort, reps,
    revenue, target, attainment, revenue_per_rep, trailing_attainment (pooled over the trailing months).
    """
    bands = _cfg(report)["tenure_bands"]
    labels = _cohort_labels(bands)
    now = _tenured_rows(report, report.period)
    now["cohort"] = _cohort_of(now["tenure"], bands)
    grouped = now.groupby("cohort").agg(reps=("revenue", "size"), revenue=("revenue", "sum"), target=("target", "sum"))
    past = [_tenured_rows(report, m) for m in _trailing(report)]
    past = [p.assign(cohort=_cohort_of(p["tenure"], bands)) for p in past if len(p)]
    trailing = (
        pd.concat(past).groupby("cohort")[["revenue", "target"]].sum() if past else pd.DataFrame(columns=["revenue"])
    )
    frame = grouped.reindex(labels)
    frame["reps"] = frame["reps"].fillna(0).astype(int)
    frame[["revenue", "target"]] = frame[["revenue", "target"]].fillna(0.0)
    frame["attainment"] = frame["revenue"] / frame["target"].where(frame["target"] > 0)
    frame["revenue_per_rep"] = frame["revenue"] / frame["reps"].where(frame["reps"] > 0)
    if len(trailing):
        trailing = trailing.reindex(labels)
        frame["trailing_attainment"] = trailing["revenue"] / trailing["target"].where(trailing["target"] > 0)
    else:
        frame["trailing_attainment"] = np.nan
    return frame.rename_axis("cohort").reset_index()


def ramp_metrics(report: Report) -> dict[str, float | int | None]:
    """New hires (tenure below ``team.ramp_months``) against reps of 12+ months this period."""
    cfg = _cfg(report)
    rows = _tenured_rows(report, report.period)
    new = rows[rows["tenure"] < cfg["ramp_months"]]
    old = rows[rows["tenure"] >= 12]

    def att(part: pd.DataFrame) -> float | None:
        return float(part["revenue"].sum() / part["target"].sum()) if len(part) and part["target"].sum() > 0 else None

    return {
        "new_reps": int(len(new)),
        "new_attainment": att(new),
        "tenured_attainment": att(old),
        "new_gap": float((new["target"] - new["revenue"]).sum()) if len(new) else 0.0,
    }


def ramp_panel(report: Report) -> Panel:
    """新人爬坡: attainment per tenure cohort this period, with the trailing months' attainment for comparison."""
    lang = report.lang
    missing = [n for n in ("reps", "targets") if not report.ds.has(n)]
    if missing:
        return Panel.skipped(t("needs_table", lang, tables=", ".join(missing)))
    if report.ds["reps"]["hire_date"].isna().all():
        return Panel.skipped(t("team_no_hire_dates", lang))
    frame = ramp_frame(report)
    chart = frame.assign(label=frame["cohort"] + (" 个月" if lang == "zh" else " months"))
    ax = plotting.plot_attainment(chart, label="label", value="attainment", lang=lang, title=t("team_ramp_title", lang))
    table = pd.DataFrame(
        {
            t("team_tenure", lang): frame["cohort"],
            t("team_reps", lang): frame["reps"],
            t("revenue", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("target", lang): frame["target"].map(lambda v: format_amount(v, lang)),
            t("attainment", lang): frame["attainment"].map(format_pct),
            t("team_trailing_attainment", lang): frame["trailing_attainment"].map(format_pct),
            t("team_revenue_per_rep", lang): frame["revenue_per_rep"].map(lambda v: format_amount(v, lang)),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure)


# ------------------------------------------------------------------------------------------ activity


_ACTIVITY_COLUMNS = frozenset(
    {"rep_id", "label", "activities", "usual", "spread", "ratio", "z", "revenue", "won", "win_rate", "flagged"}
)


def _activity_counts(report: Report) -> pd.DataFrame:
    acts = facts.in_region(_activity_facts(report.ds), report.region)
    return acts.groupby(["rep_id", "month"]).size().unstack("month", fill_value=0).astype(float)


def activity_link(report: Report) -> dict[str, float | None]:
    """How activity goes with revenue over the ``team.link_months`` months before the period.

    ``slope``: extra monthly revenue per extra activity *within* a rep (each rep's months against the rep's
    own average, so busy territories do not inflate it; floored at 0); ``correlation``: Spearman correlation
    of activities and revenue across rep-months; ``months`` used.
    """
    months = _covered(report, _months_back(report.period, _cfg(report)["link_months"], offset=1))
    counts = _activity_counts(report).reindex(columns=months).fillna(0.0)
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


def activity_frame(report: Report) -> pd.DataFrame:
    """Activities per rep this period by type, against the rep's usual month, with the rep's results.

    Columns: rep_id, label, one column per activity type, activities, usual (mean over the
    ``team.link_months`` months before the period), spread (their standard deviation, at least √usual),
    ratio, z (how many spreads below usual), revenue, won, win_rate, flagged. A rep is flagged when activity
    fell to at most ``1 − team.activity_drop`` of usual, usual is at least ``team.activity_min_baseline``, the
    drop is ``team.activity_z`` spreads or more (so a rep's normal ups and downs do not count) and the rep was
    on the team the whole month for at least ``team.min_tenure_months``. The first row, ``rep_id`` ALL, is the
    whole team, for reference.
    """
    cfg = _cfg(report)
    acts = facts.in_region(_activity_facts(report.ds), report.region)
    now = facts.in_months(acts, report.period)
    by_type = now.groupby(["rep_id", "type"]).size().unstack("type", fill_value=0)
    types = sorted(by_type.columns.tolist())
    counts = _activity_counts(report)
    history = _covered(report, _months_back(report.period, cfg["link_months"], offset=1))
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
    tenure = _tenure_months(report.ds, frame.index, report.period)
    leaving = _left_before_end(report.ds, frame.index, report.period)
    frame["flagged"] = (
        (frame.index != ALL)
        & (frame["ratio"] <= 1 - cfg["activity_drop"])
        & (frame["usual"] >= cfg["activity_min_baseline"])
        & (frame["z"] >= cfg["activity_z"])
        & ~(tenure < cfg["min_tenure_months"])
        & ~leaving
    )
    frame = frame.reset_index()
    frame["label"] = [
        t("team_whole_team", report.lang) if r == ALL else rep_label(report.ds, r, report.lang) for r in frame["rep_id"]
    ]
    head, rest = frame.iloc[:1], frame.iloc[1:].sort_values(["activities", "rep_id"], ascending=[False, True])
    frame = pd.concat([head, rest]).reset_index(drop=True)
    front = ["rep_id", "label", *types, "activities", "usual", "spread", "ratio", "z", "revenue", "won", "win_rate"]
    return frame[[*front, "flagged"]]


def plot_activity(
    frame: pd.DataFrame,
    *,
    x: str = "activities",
    y: str = "revenue",
    label: str = "label",
    flag: str | None = "flagged",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Scatter of activities against revenue per rep, flagged reps in the problem colour and named.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per rep.
    x, y, label : str
        Columns with the activity count, the revenue and the rep's name.
    flag : str, optional
        Boolean column marking reps to highlight.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax)
    if frame is None or frame.empty:
        return plotting.no_data(ax, lang, title)
    flagged = frame[flag].to_numpy(dtype=bool) if flag and flag in frame else np.zeros(len(frame), dtype=bool)
    xs, ys = frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float)
    colors = [plotting.BAD if f else plotting.PRIMARY for f in flagged]
    ax.scatter(xs, ys, c=colors, s=28, alpha=0.85, **kwargs)
    for xv, yv, name, f in zip(xs, ys, frame[label], flagged, strict=True):
        if f:
            ax.annotate(str(name), (xv, yv), xytext=(4, 3), textcoords="offset points", fontsize=8)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(plotting.amount_formatter(lang))
    ax.set_xlabel(t("team_activities", lang))
    ax.set_ylabel(t("revenue", lang))
    ax.grid(color=plotting.GRID, linewidth=0.6)
    return plotting.finish(ax, title)


def activity_panel(report: Report) -> Panel:
    """活动量: visits, calls and demos per rep against their usual, and how activity goes with revenue."""
    lang = report.lang
    if not report.ds.has("activities"):
        return Panel.skipped(t("needs_table", lang, tables="activities"))
    frame = activity_frame(report)
    reps = frame[frame["rep_id"] != ALL]
    ax = plot_activity(reps, lang=lang, title=f"{t('team_activity_title', lang)} · {report.region_label}")
    types = [c for c in frame.columns if c not in _ACTIVITY_COLUMNS]
    table = pd.DataFrame({t("team_rep", lang): frame["label"]})
    for kind in types:
        table[kind] = frame[kind].map(format_int)
    table[t("team_activities", lang)] = frame["activities"].map(format_int)
    table[t("team_usual_activities", lang)] = frame["usual"].map(lambda v: "—" if pd.isna(v) else f"{v:.1f}")
    table[t("team_activity_ratio", lang)] = frame["ratio"].map(format_pct)
    table[t("revenue", lang)] = frame["revenue"].map(lambda v: format_amount(v, lang))
    table[t("team_win_rate", lang)] = frame["win_rate"].map(format_pct)
    link = activity_link(report)
    note = ""
    if link["slope"] is not None:
        slope, corr = format_amount(link["slope"], lang), f"{link['correlation']:.2f}"
        note = t("team_activity_note", lang, n=link["months"], slope=slope, corr=corr)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ target realism


def _monthly_revenue(report: Report, region: str) -> pd.Series:
    def build(ds) -> pd.Series:
        return facts.in_region(facts.order_facts(ds), region).groupby("month")["revenue"].sum()

    return _cached(report.ds, f"monthly_revenue:{region}", build)


def seasonal_expectation(report: Report, month: str, region: str) -> tuple[float | None, str]:
    """Revenue to expect in ``month`` for ``region`` from the history before it, and the method used.

    ``seasonal``: the region's average over the trailing months × the company's seasonal factor, i.e. the
    company's revenue in the same month last year over its average in the trailing months a year earlier
    (seasonality is taken from the whole company, where it is measured with far less noise than in one
    region). ``trailing``: the trailing average where the data does not reach back that far; ``None``
    without history.
    """
    n = report.config["baselines"]["trailing_months"]
    first, _ = facts.data_months(report.ds)
    recent_months = [m for m in _months_back(month, n, offset=1) if m >= first]
    if not recent_months:
        return None, "none"
    level = float(_monthly_revenue(report, region).reindex(recent_months).fillna(0.0).mean())
    year_ago = _months_back(month, n, offset=13)
    if year_ago[0] >= first and len(recent_months) == n:
        company = _monthly_revenue(report, ALL)
        before = float(company.reindex(year_ago).fillna(0.0).mean())
        same = float(company.get(str(pd.Period(month, freq="M") - 12), 0.0))
        if before > 0 and same > 0:
            return level * same / before, "seasonal"
    return level, "trailing"


def run_rate_error(report: Report, region: str, months: int = 12) -> float | None:
    """Typical error of the seasonal run-rate for ``region``: the standard deviation of log(actual / expected).

    Measured over the ``months`` months before the period where the seasonal method applies (at least 3), it
    widens the tolerance of the target check for small, noisy regions.
    """
    revenue = _monthly_revenue(report, region)
    errors = []
    for month in _covered(report, _months_back(report.period, months, offset=1)):
        expected, method = seasonal_expectation(report, month, region)
        actual = float(revenue.get(month, 0.0))
        if method == "seasonal" and expected and actual > 0:
            errors.append(math.log(actual / expected))
    return float(np.std(errors, ddof=1)) if len(errors) >= 3 else None


def target_frame(report: Report) -> pd.DataFrame:
    """The period's target against the seasonal run-rate, for the scope and (in the ALL report) each region.

    Columns: segment (region name, or ALL), target, expected, method, ratio (target / expected), revenue,
    tolerance, flagged. The tolerance is ``team.target_band`` or, where the run-rate has missed actual revenue
    by more in the past, twice its typical error; a target outside 1 ± tolerance is misaligned.
    """
    band = _cfg(report)["target_band"]
    scopes = [report.region] + (facts.regions(report.ds) if report.region == ALL else [])
    orders = facts.in_months(facts.order_facts(report.ds), report.period)
    rows = []
    for scope in scopes:
        target = total_target(report.ds, [report.period], scope)
        expected, method = seasonal_expectation(report, report.period, scope)
        error = run_rate_error(report, scope)
        tolerance = max(band, math.exp(2 * error) - 1) if error is not None else band
        ratio = target / expected if target is not None and expected else None
        rows.append(
            {
                "segment": scope,
                "target": target,
                "expected": expected,
                "method": method,
                "ratio": ratio,
                "revenue": float(facts.in_region(orders, scope)["revenue"].sum()),
                "tolerance": tolerance,
                "flagged": ratio is not None and abs(ratio - 1) > tolerance,
            }
        )
    frame = pd.DataFrame(rows)
    frame[["target", "expected", "ratio"]] = frame[["target", "expected", "ratio"]].astype(float)
    return frame


def target_trend_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """Target, seasonal run-rate and actual revenue per month for the scope, up to the period."""
    labels = _covered(report, _months_back(report.period, months))
    revenue = _monthly_revenue(report, report.region)
    rows = []
    for month in labels:
        expected, _ = seasonal_expectation(report, month, report.region)
        rows.append(
            {
                "period": month,
                "target": total_target(report.ds, [month], report.region),
                "expected": expected,
                "revenue": float(revenue.get(month, 0.0)),
            }
        )
    frame = pd.DataFrame(rows, columns=["period", "target", "expected", "revenue"])
    frame[["target", "expected"]] = frame[["target", "expected"]].astype(float)
    frame["ratio"] = frame["target"] / frame["expected"].where(frame["expected"] > 0)
    return frame


def plot_target_realism(
    frame: pd.DataFrame,
    *,
    x: str = "period",
    target: str = "target",
    expected: str = "expected",
    actual: str = "revenue",
    highlight: str | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw actual revenue as bars with the target and the seasonal run-rate as lines.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per month.
    x, target, expected, actual : str
        Columns with the month, the target, the seasonal run-rate and the actual revenue.
    highlight : str, optional
        The report month, drawn darker.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.plot_trend(
        frame, x=x, y=actual, target=None, highlight=highlight, ax=ax, lang=lang, title=title, **kwargs
    )
    if frame is None or frame.empty:
        return ax
    positions = np.arange(len(frame))
    handles = list(ax.containers[:1])
    for column, color, style, name in (
        (target, plotting.TARGET, "-", t("target", lang)),
        (expected, plotting.BAD, "--", t("team_expected", lang)),
    ):
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        if not np.isnan(values).all():
            (line,) = ax.plot(positions, values, color=color, linestyle=style, marker="o", markersize=3, label=name)
            handles.append(line)
    plotting.legend(ax, handles=handles)
    return ax


def target_panel(report: Report) -> Panel:
    """目标合理性: is this month's target in line with the seasonal run-rate (same month last year × trend)?"""
    lang = report.lang
    if not report.ds.has("targets"):
        return Panel.skipped(t("needs_table", lang, tables="targets"))
    trend = target_trend_frame(report)
    frame = target_frame(report)
    ax = plot_target_realism(
        trend, highlight=report.period, lang=lang, title=f"{t('team_target_title', lang)} · {report.region_label}"
    )
    method = {"seasonal": t("team_method_seasonal", lang), "trailing": t("team_method_trailing", lang)}
    table = pd.DataFrame(
        {
            t("team_scope", lang): frame["segment"].map(lambda s: t("all_regions", lang) if s == ALL else s),
            t("target", lang): frame["target"].map(lambda v: format_amount(v, lang)),
            t("team_expected", lang): frame["expected"].map(lambda v: format_amount(v, lang)),
            t("team_target_ratio", lang): frame["ratio"].map(format_pct),
            t("team_actual", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("team_method", lang): frame["method"].map(lambda m: method.get(m, "—")),
        }
    )
    note = t("team_target_note", lang, n=report.config["baselines"]["trailing_months"])
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ findings


def _finding(report: Report, code: str, segment: dict, *, key: str, fmt: dict, title_fmt: dict | None = None, **kw):
    lang = report.lang
    return make_finding(
        angle=ANGLE,
        code=code,
        segment=segment,
        revenue=_report_revenue(report),
        config=report.config,
        title=t(f"team_f_{key}_title", lang, **(title_fmt or {})),
        detail=t(f"team_f_{key}_detail", lang, **fmt),
        action=t(f"team_f_{key}_action", lang),
        **kw,
    )


def _underperform_findings(report: Report) -> list[dict]:
    lang = report.lang
    frame = underperform_frame(report)
    out = []
    for row in frame[frame["flagged"]].itertuples():
        out.append(
            _finding(
                report,
                "rep_underperform",
                {"rep_id": row.rep_id},
                key="underperform",
                title_fmt={"rep": row.label},
                fmt={
                    "revenue": format_amount(row.revenue, lang),
                    "target": format_amount(row.target, lang),
                    "attainment": format_pct(row.attainment),
                    "orders": format_int(row.orders),
                    "usual": f"{row.usual_orders:.1f}",
                },
                metric="attainment",
                value=row.attainment,
                baseline=1.0,
                effect=row.target - row.revenue,
            )
        )
    return out


def _polarization_findings(report: Report) -> list[dict]:
    cfg = _cfg(report)
    m = polarization_metrics(report)
    if m["reps"] < cfg["polarization_min_reps"] or m["gini"] is None or m["baseline_gini"] is None:
        return []
    if m["gini"] < cfg["polarization_gini"] or m["gini"] - m["baseline_gini"] < cfg["polarization_rise"]:
        return []
    lang = report.lang
    fmt = {
        "gini": _fmt_ratio(m["gini"]),
        "baseline": _fmt_ratio(m["baseline_gini"]),
        "top": format_pct(m["top_share"]),
        "effect": format_amount(m["shortfall"], lang),
    }
    return [
        _finding(
            report,
            "rep_polarization",
            {},
            key="polarization",
            fmt=fmt,
            metric="gini",
            value=m["gini"],
            baseline=m["baseline_gini"],
            effect=m["shortfall"],
        )
    ]


def _ramp_findings(report: Report) -> list[dict]:
    cfg = _cfg(report)
    if not report.ds.has("reps") or not report.ds.has("targets"):
        return []
    m = ramp_metrics(report)
    new, old = m["new_attainment"], m["tenured_attainment"]
    if m["new_reps"] < cfg["ramp_min_reps"] or new is None or old is None:
        return []
    if new >= cfg["ramp_attainment"] or old - new < cfg["ramp_gap_points"]:
        return []
    lang = report.lang
    months = cfg["ramp_months"]
    return [
        _finding(
            report,
            "new_hire_ramp_slow",
            {"tenure_months": f"<{months}"},
            key="ramp",
            title_fmt={"months": months},
            fmt={
                "n": m["new_reps"],
                "attainment": format_pct(new),
                "baseline": format_pct(old),
                "effect": format_amount(m["new_gap"], lang),
            },
            metric="attainment",
            value=new,
            baseline=old,
            effect=max(m["new_gap"], 0.0),
        )
    ]


def _activity_findings(report: Report) -> list[dict]:
    if not report.ds.has("activities"):
        return []
    lang = report.lang
    frame = activity_frame(report)
    slope = activity_link(report)["slope"] or 0.0
    out = []
    for row in frame[frame["flagged"]].itertuples():
        effect = slope * (row.usual - row.activities)
        segment = {} if row.rep_id == ALL else {"rep_id": row.rep_id}
        out.append(
            _finding(
                report,
                "activity_low",
                segment,
                key="activity",
                title_fmt={"who": row.label},
                fmt={
                    "count": format_int(row.activities),
                    "usual": f"{row.usual:.1f}",
                    "ratio": format_pct(row.ratio),
                    "effect": format_amount(effect, lang),
                },
                metric="activities",
                value=row.activities,
                baseline=row.usual,
                effect=effect,
            )
        )
    return out


def _target_findings(report: Report) -> list[dict]:
    if not report.ds.has("targets"):
        return []
    lang = report.lang
    out = []
    for row in target_frame(report).itertuples():
        if not row.flagged:
            continue
        high = row.ratio > 1
        scope = t("all_regions", lang) if row.segment == ALL else row.segment
        segment = {} if row.segment == report.region else {"region": row.segment}
        finding = make_finding(
            angle=ANGLE,
            code="target_misaligned",
            segment=segment,
            metric="target_to_run_rate",
            value=row.ratio,
            baseline=1.0,
            effect=abs(row.target - row.expected),
            revenue=_report_revenue(report),
            config=report.config,
            title=t("team_f_target_title_high" if high else "team_f_target_title_low", lang, scope=scope),
            detail=t(
                "team_f_target_detail",
                lang,
                target=format_amount(row.target, lang),
                expected=format_amount(row.expected, lang),
                ratio=format_pct(row.ratio),
                revenue=format_amount(row.revenue, lang),
            ),
            action=t("team_f_target_action_high" if high else "team_f_target_action_low", lang),
        )
        out.append(finding)
    return out


def angle_findings(report: Report) -> list[dict[str, Any]]:
    """Every team finding of the report, computed once per report.

    Codes: rep_underperform, rep_polarization, new_hire_ramp_slow, activity_low, target_misaligned; codes whose
    tables are missing are left out.
    """

    def build() -> list[dict[str, Any]]:
        found = _underperform_findings(report) if report.ds.has("targets") else []
        found += _polarization_findings(report)
        found += _ramp_findings(report)
        found += _activity_findings(report)
        found += _target_findings(report)
        return found

    return report.memo("team_findings", build)


def angle_metrics(report: Report) -> dict[str, Any]:
    """The team's key numbers: reps, polarisation, underperformers, new-hire and activity figures."""
    frame = rep_frame(report)
    pol = polarization_metrics(report)
    out: dict[str, Any] = {
        "reps": int(len(frame)),
        "reps_with_target": int(frame["target"].notna().sum()),
        "reps_below_target": int((frame["attainment"] < 1).sum()),
        "gini": pol["gini"],
        "top20_share": pol["top_share"],
        "baseline_gini": pol["baseline_gini"],
    }
    if report.ds.has("targets"):
        under = underperform_frame(report)
        out["reps_far_below_target"] = int(under["flagged"].sum())
    if report.ds.has("reps") and report.ds.has("targets"):
        ramp = ramp_metrics(report)
        out["new_hire_attainment"] = ramp["new_attainment"]
        out["tenured_attainment"] = ramp["tenured_attainment"]
    if report.ds.has("activities"):
        acts = activity_frame(report)
        out["activities"] = float(acts.loc[acts["rep_id"] == ALL, "activities"].iloc[0])
        out["activities_per_rep"] = out["activities"] / len(frame) if len(frame) else None
    if report.ds.has("targets"):
        row = target_frame(report).iloc[0]
        out["target_to_run_rate"] = None if pd.isna(row["ratio"]) else float(row["ratio"])
    out.update(commission.commission_metrics(report))
    return out
