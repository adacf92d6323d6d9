"""Market angle (市场与客户): regions, penetration, channels, acquisition, retention, RFM, concentration, CLV.

Every analysis is a ``*_frame(report)`` with the raw numbers and a ``*_panel(report)`` showing them.
Definitions used throughout:

- A customer's **acquisition month** is the earlier of ``customers.acquired_at`` and the month of the
  customer's first order; a **new customer** of a month is one acquired in it (customers bought before the
  data window are not new just because their first order in the data is recent). A **returning buyer** is a
  buyer acquired before the month.
- **Retention** of a month: of the customers who bought in the trailing window (``baselines.trailing_months``
  months before it), the share who buy again in the month; the others are **lapsed**.
- The **usual level** a month is tested against is the mean (or pooled rate) of the ``market.history_months``
  months before it, scaled by a **peer factor** (at most 1): how comparable segments did this month against
  their own usual level (the same channel in the other regions, the rest of the company, the other lead
  sources). A fall is judged against the lower of that and the same month last year, so seasonal and
  company-wide dips are not blamed on one segment, and it must be improbable by chance (Poisson or, for
  counts that swing more than Poisson, negative binomial; binomial on rates; ``market.p_value``).

In the ALL report the channel, new-customer, acquisition-cost and retention findings are checked for the
whole company and for each region (segment ``{"region": ...}``), so a problem in one region is not averaged
away; ``region_underperform`` exists only in the ALL report.
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
from .data.targets import total_target
from .display import plotting
from .display.formatting import format_amount, format_int, format_pct
from .display.panel import Panel
from .findings import make_finding
from .i18n import t
from .models import customer_value
from .periods import ALL, month_labels
from .report import Report

ANGLE = "market"
INACTIVE = "inactive"  # RFM pseudo-tier: no order in the lookback window


# ----------------------------------------------------------------------------------------------- helpers


def _cached(ds, key: str, build):
    return facts.per_dataset(ds, ("market", key), lambda: build(ds))


def _cfg(report: Report) -> dict[str, Any]:
    return report.config["market"]


def _all_months(ds) -> list[str]:
    """Every month from the first to the last order month, without gaps."""
    first, last = facts.data_months(ds)
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def _covered(report: Report, months: list[str]) -> list[str]:
    first, last = facts.data_months(report.ds)
    return [m for m in months if first <= m <= last]


def _history(report: Report, period: str | None = None) -> list[str]:
    """The ``market.history_months`` months before ``period`` that the data covers: the usual level."""
    end = pd.Period(period or report.period, freq="M")
    n = _cfg(report)["history_months"]
    return _covered(report, [str(end - k) for k in range(n, 0, -1)])


def _last_year(report: Report, period: str | None = None) -> str | None:
    month = str(pd.Period(period or report.period, freq="M") - 12)
    return month if _covered(report, [month]) else None


def _month_end(period: str) -> pd.Timestamp:
    """First instant after ``period``."""
    return (pd.Period(period, freq="M") + 1).start_time.normalize()


def _report_revenue(report: Report) -> float:
    orders = facts.in_months(facts.in_region(facts.order_facts(report.ds), report.region), report.period)
    return float(orders["revenue"].sum())


def _scopes(report: Report) -> list[tuple[str, dict[str, str]]]:
    """(region, segment) pairs the findings check: the report's region; in ALL the company and each region."""
    if report.region == ALL:
        return [(ALL, {})] + [(region, {"region": region}) for region in facts.regions(report.ds)]
    return [(report.region, {})]


def _where(report: Report, segment: dict[str, str]) -> str:
    region = segment.get("region")
    if not region:
        return ""
    return f"{region} · " if report.lang == "en" else f"{region}："


def _lower(*values: float | None) -> float | None:
    """The smallest of the values that exist (``None`` when none does)."""
    known = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return min(known) if known else None


def _ratio(numerator: float | None, denominator: float | None) -> float:
    if numerator is None or denominator is None or not denominator or math.isnan(denominator):
        return float("nan")
    return float(numerator) / float(denominator)


def _change(current: float | None, baseline: float | None) -> float:
    ratio = _ratio(current, baseline)
    return ratio - 1 if not math.isnan(ratio) else float("nan")


def _dispersion(history: np.ndarray | pd.Series | list) -> float:
    """Variance ÷ mean of monthly counts (at least 1): how much more they swing than a Poisson count would."""
    values = np.asarray(history, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 3 or values.mean() <= 0:
        return 1.0
    return max(1.0, float(values.var(ddof=1) / values.mean()))


def _poisson_low(count: float, usual: float | None, dispersion: float = 1.0) -> float:
    """Probability of at most ``count`` events when ``usual`` are expected (1 when nothing is expected).

    With ``dispersion`` above 1 the count is negative binomial with that variance-to-mean ratio, so a segment
    whose months normally swing widely needs a deeper fall to count as improbable.
    """
    if usual is None or not usual > 0:
        return 1.0
    k = int(round(count))
    if dispersion <= 1.0 + 1e-9:
        return float(stats.poisson.cdf(k, usual))
    return float(stats.nbinom.cdf(k, usual / (dispersion - 1.0), 1.0 / dispersion))


def _binom_low(hits: int, n: int, rate: float | None) -> float:
    """Probability of at most ``hits`` of ``n`` at the usual ``rate``."""
    if n <= 0 or rate is None or not rate > 0:
        return 1.0
    return float(stats.binom.cdf(hits, n, min(rate, 1.0)))


def _fmt_num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _signed(value: float | None) -> str:
    return format_pct(value, signed=True)


# ----------------------------------------------------------------------------------------- customer facts


def customer_facts(ds) -> pd.DataFrame:
    """One row per customer (orders and customers table together), indexed by ``customer_id``.

    Columns: name, region (``customers.region``, else the region of the first order), first_region (region of
    the first order, else ``region``), industry, employee_count, source (``acquisition_channel``),
    first_month (first order), acquired_month (the earlier of ``acquired_at`` and the first order).
    """

    def build(ds) -> pd.DataFrame:
        orders = facts.order_facts(ds).sort_values(["order_date", "order_id"], kind="stable")
        first = orders.groupby("customer_id", sort=True).first()
        frame = pd.DataFrame(index=pd.Index(sorted(set(orders["customer_id"])), name="customer_id"))
        frame["first_month"] = first["month"]
        frame["first_region"] = first["region"]
        customers = ds.get("customers")
        if customers is not None:
            table = customers.drop_duplicates("customer_id").set_index("customer_id")
            frame = frame.reindex(frame.index.union(table.index))
            frame.index.name = "customer_id"

            def column(name: str) -> pd.Series:
                return table[name].reindex(frame.index) if name in table.columns else pd.Series(pd.NA, frame.index)

            frame["name"] = column("customer_name")
            home = column("region")
            frame["industry"] = column("industry")
            frame["employee_count"] = pd.to_numeric(column("employee_count"), errors="coerce")
            frame["source"] = column("acquisition_channel")
            acquired = column("acquired_at")
            acquired_month = month_labels(acquired) if pd.api.types.is_datetime64_any_dtype(acquired) else None
        else:
            home = pd.Series(pd.NA, frame.index)
            for name in ("name", "industry", "employee_count", "source"):
                frame[name] = pd.NA
            acquired_month = None
        frame["region"] = home.fillna(frame["first_region"]).fillna(facts.UNKNOWN).astype(str)
        frame["first_region"] = frame["first_region"].fillna(frame["region"]).astype(str)
        frame["name"] = frame["name"].fillna(pd.Series(frame.index, index=frame.index)).astype(str)
        frame["industry"] = frame["industry"].fillna(facts.UNKNOWN).astype(str)
        frame["source"] = frame["source"].fillna(facts.UNKNOWN).astype(str)
        acq = frame["first_month"]
        if acquired_month is not None:
            acq = pd.concat([acq, acquired_month], axis=1).min(axis=1)
        frame["acquired_month"] = acq
        return frame

    return _cached(ds, "customer_facts", build)


def size_band_labels(edges: list[int]) -> list[str]:
    """Labels of the company-size bands given by their lower edges.

    ``[0, 50, 200, 1000]`` → ``<50``, ``50-199``, ``200-999``, ``1000+``.
    """
    labels = []
    for i, low in enumerate(edges):
        if i + 1 < len(edges):
            high = edges[i + 1]
            labels.append(f"<{high}" if i == 0 and low <= 0 else f"{low}-{high - 1}")
        else:
            labels.append(f"{low}+")
    return labels


def size_band(employees: pd.Series, edges: list[int]) -> pd.Series:
    """Company-size band label per employee count (``未知`` when missing)."""
    labels = size_band_labels(edges)
    bins = [-np.inf, *edges[1:], np.inf]
    banded = pd.cut(pd.to_numeric(employees, errors="coerce"), bins=bins, labels=labels, right=False)
    return banded.astype(object).where(banded.notna(), facts.UNKNOWN).astype(str)


def _scope_orders(report: Report, region: str | None = None) -> pd.DataFrame:
    return facts.in_region(facts.order_facts(report.ds), report.region if region is None else region)


# ------------------------------------------------------------------------------------------------ regions


def region_frame(report: Report) -> pd.DataFrame:
    """Every region's revenue, target attainment and growth this period, and its deviation from the average.

    Columns: rank, region, revenue, orders, target, attainment, trailing_avg, vs_trailing, last_year, yoy,
    share (of company revenue), vs_average (revenue against the mean region revenue), attainment_gap (points
    against the company attainment), usual (mean revenue over ``market.history_months``), peer_factor (the
    rest of the company this month against its usual level, at most 1), baseline (the lower of usual ×
    peer_factor and last year), change (against it), flagged (``region_underperform``: attainment below
    ``market.region_attainment`` or a fall of ``market.region_decline`` against the baseline, with at least
    ``market.min_effect_share`` of the company's revenue at stake), effect (the larger of the gap to target
    and to the baseline). Sorted best first (attainment, else growth).
    """
    ds, cfg = report.ds, _cfg(report)
    columns = ["rank", "region", "revenue", "orders", "target", "attainment", "trailing_avg", "vs_trailing"]
    columns += ["last_year", "yoy", "share", "vs_average", "attainment_gap", "usual", "peer_factor", "baseline"]
    columns += ["change", "flagged", "effect"]
    regions = facts.regions(ds)
    if not regions:
        return pd.DataFrame(columns=columns)
    orders = facts.order_facts(ds)
    history, last_year = _history(report), _last_year(report)
    trailing = _covered(report, report.baselines.trailing_labels)
    monthly = orders.pivot_table(index="region", columns="month", values="revenue", aggfunc="sum", fill_value=0.0)
    monthly = monthly.reindex(index=regions, columns=_all_months(ds), fill_value=0.0)

    def mean_of(months: list[str]) -> pd.Series:
        return monthly[months].sum(axis=1) / len(months) if months else pd.Series(np.nan, index=monthly.index)

    company_revenue = float(facts.in_months(orders, report.period)["revenue"].sum())
    company_target = total_target(ds, [report.period], ALL)
    company_usual = float(facts.in_months(orders, history)["revenue"].sum()) / len(history) if history else np.nan
    frame = pd.DataFrame(
        {
            "revenue": mean_of([report.period]),
            "orders": facts.in_months(orders, report.period).groupby("region").size().reindex(regions, fill_value=0),
            "target": [total_target(ds, [report.period], r) for r in regions],
            "trailing_avg": mean_of(trailing),
            "last_year": mean_of([last_year] if last_year else []),
            "usual": mean_of(history),
        }
    ).rename_axis("region")
    frame["target"] = pd.to_numeric(frame["target"], errors="coerce").astype(float)
    frame["peer_factor"] = _peer_factor(company_revenue - frame["revenue"], company_usual - frame["usual"])
    frame["baseline"] = pd.concat([frame["usual"] * frame["peer_factor"], frame["last_year"]], axis=1).min(axis=1)
    frame = frame.reset_index()
    frame["attainment"] = frame["revenue"] / frame["target"].where(frame["target"] > 0)
    frame["vs_trailing"] = frame["revenue"] / frame["trailing_avg"].where(frame["trailing_avg"] > 0) - 1
    frame["yoy"] = frame["revenue"] / frame["last_year"].where(frame["last_year"] > 0) - 1
    frame["share"] = frame["revenue"] / company_revenue if company_revenue > 0 else np.nan
    mean_revenue = frame["revenue"].mean()
    frame["vs_average"] = frame["revenue"] / mean_revenue - 1 if mean_revenue > 0 else np.nan
    frame["attainment_gap"] = frame["attainment"] - _ratio(company_revenue, company_target)
    frame["change"] = frame["revenue"] / frame["baseline"].where(frame["baseline"] > 0) - 1
    low_attainment = frame["attainment"] < cfg["region_attainment"]
    falling = frame["change"] <= -cfg["region_decline"]
    gap_target = (frame["target"] - frame["revenue"]).where(low_attainment, 0.0).fillna(0.0)
    gap_base = (frame["baseline"] - frame["revenue"]).where(falling, 0.0).fillna(0.0)
    frame["effect"] = np.maximum(gap_target, gap_base).clip(lower=0.0)
    frame["flagged"] = (low_attainment | falling) & (frame["effect"] >= cfg["min_effect_share"] * company_revenue)
    key = "attainment" if frame["attainment"].notna().any() else "vs_trailing"
    frame = frame.sort_values([key, "region"], ascending=[False, True], na_position="last", kind="stable")
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame.reset_index(drop=True)[columns]


def company_summary(report: Report) -> dict[str, float | None]:
    """The company's attainment and growth and the average region revenue, for a region's comparison row."""
    ds = report.ds
    orders = facts.order_facts(ds)
    revenue = float(facts.in_months(orders, report.period)["revenue"].sum())
    trailing = _covered(report, report.baselines.trailing_labels)
    last_year = _last_year(report)
    trailing_avg = float(facts.in_months(orders, trailing)["revenue"].sum()) / len(trailing) if trailing else None
    ly = float(facts.in_months(orders, last_year)["revenue"].sum()) if last_year else None
    n = max(len(facts.regions(ds)), 1)
    target = total_target(ds, [report.period], ALL)
    return {
        "revenue": revenue,
        "avg_region_revenue": revenue / n,
        "target": target,
        "attainment": _ratio(revenue, target),
        "vs_trailing": _change(revenue, trailing_avg),
        "yoy": _change(revenue, ly),
    }


def plot_ranking(
    frame: pd.DataFrame,
    *,
    label: str = "segment",
    value: str = "value",
    reference: float | None = None,
    reference_label: str | None = None,
    highlight: str | None = None,
    kind: str = "pct",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw one value per row as horizontal bars in frame order, with an optional reference line.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item, in display order (top to bottom).
    label, value : str
        Columns with the row name and the value.
    reference : float, optional
        A dashed vertical line (e.g. the company average), labelled ``reference_label``.
    highlight : str, optional
        The row drawn in the primary colour; the others are lighter. ``None`` draws all in primary.
    kind : {"pct", "amount", "int"}
        How values are written at the bar ends and on the axis.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax, rows=0 if frame is None else len(frame))
    if plotting.is_empty(frame):
        return plotting.no_data(ax, lang, title)
    plotting.require(frame, {"label": label, "value": value}, "plot_ranking")
    values = plotting.numbers(frame[value])
    if np.isnan(values).all():
        return plotting.no_data(ax, lang, title)
    names = frame[label].astype(str).tolist()
    fmt = {
        "pct": format_pct,
        "amount": lambda v: format_amount(v, lang),
        "int": format_int,
    }[kind]
    colors = [plotting.PRIMARY if highlight is None or n == str(highlight) else plotting.PRIMARY_LIGHT for n in names]
    positions = plotting.category_axis(ax, names, horizontal=True)
    ax.barh(positions, np.nan_to_num(values), height=0.6, color=colors, **kwargs)
    plotting.bar_end_labels(ax, positions, values, [fmt(v) for v in values])
    ends = np.concatenate([values[~np.isnan(values)], [0.0] if reference is None else [0.0, reference]])
    low, high = min(0.0, ends.min() * 1.25), max(ends.max() * 1.25, 1e-9)
    ax.set_xlim(low, high)
    if reference is not None and not math.isnan(reference):
        ax.axvline(reference, color=plotting.TARGET, linestyle="--", linewidth=1, label=reference_label)
        if reference_label:
            plotting.legend(ax)
    if kind == "pct":
        ax.xaxis.set_major_formatter(plotting.pct_formatter())
    elif kind == "amount":
        ax.xaxis.set_major_formatter(plotting.amount_formatter(lang))
    return plotting.finish(ax, title)


def region_panel(report: Report) -> Panel:
    """区域排名: every region's attainment (or growth) against the company; a region report highlights its own."""
    lang = report.lang
    frame = region_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    company = company_summary(report)
    by_attainment = frame["attainment"].notna().any()
    value, reference = (
        ("attainment", company["attainment"]) if by_attainment else ("vs_trailing", company["vs_trailing"])
    )
    ax = plot_ranking(
        frame, label="region", value=value, reference=reference,
        reference_label=t("mk_company_line", lang, value=format_pct(reference)),
        highlight=None if report.region == ALL else report.region, lang=lang,
        title=t("mk_region_title" if by_attainment else "mk_region_growth_title", lang),
    )  # fmt: skip
    shown = frame if report.region == ALL else frame[frame["region"] == report.region]
    rows = pd.DataFrame(
        {
            t("mk_rank", lang): shown["rank"].map(str),
            t("mk_region", lang): shown["region"],
            t("mk_revenue", lang): shown["revenue"].map(lambda v: format_amount(v, lang)),
            t("mk_target", lang): shown["target"].map(lambda v: format_amount(v, lang)),
            t("mk_attainment", lang): shown["attainment"].map(format_pct),
            t("mk_vs_trailing", lang): shown["vs_trailing"].map(_signed),
            t("mk_yoy", lang): shown["yoy"].map(_signed),
            t("mk_share", lang): shown["share"].map(format_pct),
            t("mk_vs_average", lang): shown["vs_average"].map(_signed),
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
        t("mk_vs_trailing", lang): _signed(company["vs_trailing"]),
        t("mk_yoy", lang): _signed(company["yoy"]),
        t("mk_share", lang): format_pct(1 / len(frame)),
        t("mk_vs_average", lang): format_pct(0.0),
    }
    table = pd.concat([rows, pd.DataFrame([average])], ignore_index=True)
    return Panel(frame=frame, table=table, figure=ax.figure)


# -------------------------------------------------------------------------------------------- penetration


def penetration_frame(report: Report, by: str = "industry") -> pd.DataFrame:
    """Customers, active customers and revenue per industry (``by="industry"``) or size band (``"size_band"``).

    The base is the scope's customers (home region) acquired by the end of the period; ``active`` of them
    ordered in the ``rfm.lookback_months`` months up to the period, ``buyers`` in the period. Revenue is the
    period's revenue in scope by the buying customer's segment, ``revenue_share`` its share (sums to 1), and
    ``vs_trailing`` its change against the trailing average.
    """
    if by not in ("industry", "size_band"):
        raise ValueError(f"penetration is by 'industry' or 'size_band', not {by!r}")
    cust = customer_facts(report.ds)
    edges = report.config["customers"]["size_bands"]
    segment_of = cust["industry"] if by == "industry" else size_band(cust["employee_count"], edges)
    months = report.config["rfm"]["lookback_months"]
    end = pd.Period(report.period, freq="M")
    window = [str(end - k) for k in range(months)]
    base = cust[cust["acquired_month"].isna() | (cust["acquired_month"] <= report.period)]
    if report.region != ALL:
        base = base[base["region"] == report.region]
    orders = _scope_orders(report)
    active_ids = set(facts.in_months(orders, window)["customer_id"])
    now = facts.in_months(orders, report.period)
    trailing = _covered(report, report.baselines.trailing_labels)
    before = facts.in_months(orders, trailing)
    seg_base = segment_of.reindex(base.index)
    frame = pd.DataFrame(
        {
            "customers": seg_base.value_counts(),
            "active": seg_base[base.index.isin(active_ids)].value_counts(),
            "buyers": seg_base[base.index.isin(set(now["customer_id"]))].value_counts(),
            "revenue": now.groupby(now["customer_id"].map(segment_of).fillna(facts.UNKNOWN))["revenue"].sum(),
            "trailing_revenue": before.groupby(before["customer_id"].map(segment_of).fillna(facts.UNKNOWN))[
                "revenue"
            ].sum()
            / max(len(trailing), 1),
        }
    ).fillna(0.0)
    frame.index.name = "segment"
    for column in ("customers", "active", "buyers"):
        frame[column] = frame[column].astype(int)
    frame["active_rate"] = frame["active"] / frame["customers"].where(frame["customers"] > 0)
    frame["buy_rate"] = frame["buyers"] / frame["customers"].where(frame["customers"] > 0)
    total = frame["revenue"].sum()
    frame["revenue_share"] = frame["revenue"] / total if total > 0 else np.nan
    frame["vs_trailing"] = frame["revenue"] / frame["trailing_revenue"].where(frame["trailing_revenue"] > 0) - 1
    frame = frame.reset_index()
    if by == "size_band":
        order = {label: i for i, label in enumerate(size_band_labels(edges) + [facts.UNKNOWN])}
        frame = frame.sort_values("segment", key=lambda s: s.map(order), kind="stable")
    else:
        frame = frame.sort_values(["revenue", "segment"], ascending=[False, True], kind="stable")
    columns = ["segment", "customers", "active", "active_rate", "buyers", "buy_rate", "revenue", "revenue_share"]
    return frame.reset_index(drop=True)[columns + ["trailing_revenue", "vs_trailing"]]


def penetration_panel(report: Report, by: str = "industry") -> Panel:
    """行业 / 企业规模渗透: revenue share and the share of customers active, per segment."""
    lang = report.lang
    if not report.ds.has("customers"):
        return Panel.skipped(t("needs_table", lang, tables="customers"))
    frame = penetration_frame(report, by)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    name = t("mk_industry" if by == "industry" else "mk_size_band", lang)
    rows = len(frame)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(plotting.FIGSIZE[0], max(plotting.FIGSIZE[1], plotting.ROW_HEIGHT * rows + 1.2)),
        dpi=plotting.DPI, layout="constrained", sharey=True,
    )  # fmt: skip
    plotting.plot_composition(
        frame, label="segment", value="revenue", baseline="trailing_revenue", ax=left, lang=lang,
        legend=(t("mk_value", lang), t("mk_trailing_avg", lang)),
        title=f"{t('mk_share', lang)} · {name}",
    )  # fmt: skip
    active_all = _ratio(frame["active"].sum(), frame["customers"].sum())
    plot_ranking(
        frame, label="segment", value="active_rate", reference=active_all,
        reference_label=t("mk_company_line", lang, value=format_pct(active_all)) if report.region == ALL else None,
        ax=right, lang=lang, title=t("mk_active_rate", lang),
    )  # fmt: skip
    right.tick_params(axis="y", labelleft=False)
    table = pd.DataFrame(
        {
            name: frame["segment"],
            t("mk_customers", lang): frame["customers"].map(format_int),
            t("mk_active", lang): frame["active"].map(format_int),
            t("mk_active_rate", lang): frame["active_rate"].map(format_pct),
            t("mk_buyers", lang): frame["buyers"].map(format_int),
            t("mk_revenue", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("mk_share", lang): frame["revenue_share"].map(format_pct),
            t("mk_vs_trailing", lang): frame["vs_trailing"].map(_signed),
        }
    )
    note = t("mk_penetration_note", lang, months=report.config["rfm"]["lookback_months"])
    return Panel(frame=frame, table=table, figure=fig, note=note)


# ----------------------------------------------------------------------------------------------- channels


def _channel_months(ds, region: str) -> pd.DataFrame:
    """Revenue, orders, and revenue/cost of the orders with a known cost, per channel and month in a scope.

    Cost per order comes from order_lines.unit_cost, else products.unit_cost; an order without any known
    line cost is left out of the margin figures.
    """

    def build(ds) -> pd.DataFrame:
        orders = facts.in_region(facts.order_facts(ds), region)
        cost = _order_costs(ds)
        known = orders["order_id"].map(cost)
        rows = pd.DataFrame(
            {
                "channel": orders["channel"].astype(str),
                "month": orders["month"],
                "revenue": orders["revenue"],
                "orders": 1,
                "costed_revenue": orders["revenue"].where(known.notna(), 0.0),
                "cost": known.fillna(0.0),
            }
        )
        return rows.groupby(["channel", "month"], sort=True).sum().astype(float)

    return _cached(ds, f"channel_months:{region}", build)


def _order_costs(ds) -> pd.Series:
    """Cost per order id (orders without any known line cost are absent)."""

    def build(ds) -> pd.Series:
        lines = ds.get("order_lines")
        if lines is None or lines.empty:
            return pd.Series(dtype=float)
        cost = lines["unit_cost"] if "unit_cost" in lines.columns else pd.Series(np.nan, index=lines.index)
        products = ds.get("products")
        if products is not None and "unit_cost" in products.columns:
            cost = cost.fillna(lines["product_id"].map(products.set_index("product_id")["unit_cost"]))
        known = cost.notna()
        if not known.any():
            return pd.Series(dtype=float)
        per_line = (lines["quantity"] * cost)[known]
        return per_line.groupby(lines.loc[known, "order_id"]).sum()

    return _cached(ds, "order_costs", build)


def _peer_factor(now: float | pd.Series, usual: float | pd.Series) -> float | pd.Series:
    """How far comparable segments fell this month against their usual level: min(1, now ÷ usual), 1 when unknown.

    Scaling a segment's usual level by it keeps a seasonal or company-wide dip from being blamed on one
    segment; growth elsewhere never raises the bar (the factor is at most 1).
    """
    if isinstance(now, pd.Series):
        ratio = now / usual.where(usual > 0)
        return ratio.clip(upper=1.0).fillna(1.0)
    if usual is None or not usual > 0 or now is None or math.isnan(now):
        return 1.0
    return min(1.0, float(now) / float(usual))


def channel_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """Revenue, orders and gross margin per channel this period, against last month, last year and the usual level.

    Columns: channel, revenue, orders, customers, share, prev_month, mom, last_year, yoy, trailing_avg,
    vs_trailing, usual (mean revenue of the ``market.history_months`` months before), usual_orders,
    peer_factor (how the same channel did in the other regions — in the whole company: how the other channels
    did — this month against usual, at most 1), baseline (the lower of usual × peer_factor and last year),
    change (against it), margin, usual_margin, p_value (Poisson: this few orders given the orders baseline),
    flagged (``channel_underperform``: change at or below −``market.channel_decline``, p_value below
    ``market.p_value`` and revenue at stake at least ``market.min_effect_share`` of the scope's revenue),
    effect (baseline − revenue). Sorted by revenue.
    """
    cfg = _cfg(report)
    scope = report.region if region is None else region
    columns = ["channel", "revenue", "orders", "customers", "share", "prev_month", "mom", "last_year", "yoy"]
    columns += ["trailing_avg", "vs_trailing", "usual", "usual_orders", "peer_factor", "baseline", "change"]
    columns += ["margin", "usual_margin", "p_value", "flagged", "effect"]
    history, last_year = _history(report), _last_year(report)
    prev = _covered(report, [str(report.baselines.previous_month)])
    trailing = _covered(report, report.baselines.trailing_labels)
    cube = _channel_months(report.ds, scope)
    if cube.empty:
        return pd.DataFrame(columns=columns)
    company = _channel_months(report.ds, ALL)
    names = ("revenue", "orders", "costed_revenue", "cost")
    wide = {name: cube[name].unstack(fill_value=0.0) for name in names}
    whole = {name: company[name].unstack(fill_value=0.0).reindex(wide[name].index, fill_value=0.0) for name in names}

    def mean_of(name: str, months: list[str], source: dict | None = None) -> pd.Series:
        table = (source or wide)[name]
        if not months:
            return pd.Series(np.nan, index=table.index)
        return table.reindex(columns=months, fill_value=0.0).sum(axis=1) / len(months)

    def margin_of(months: list[str]) -> pd.Series:
        revenue = mean_of("costed_revenue", months)
        return 1 - mean_of("cost", months) / revenue.where(revenue > 0)

    now = [report.period]
    ly = [last_year] if last_year else []
    frame = pd.DataFrame(
        {
            "revenue": mean_of("revenue", now),
            "orders": mean_of("orders", now).astype(int),
            "prev_month": mean_of("revenue", prev),
            "last_year": mean_of("revenue", ly),
            "last_year_orders": mean_of("orders", ly),
            "trailing_avg": mean_of("revenue", trailing),
            "usual": mean_of("revenue", history),
            "usual_orders": mean_of("orders", history),
            "margin": margin_of(now),
            "usual_margin": margin_of(history),
        }
    ).rename_axis("channel")
    if scope == ALL:  # peers: the other channels
        peer_now = frame["revenue"].sum() - frame["revenue"]
        peer_usual = frame["usual"].sum() - frame["usual"]
    else:  # peers: the same channel in the other regions
        peer_now = mean_of("revenue", now, whole) - frame["revenue"]
        peer_usual = mean_of("revenue", history, whole) - frame["usual"]
    frame["peer_factor"] = _peer_factor(peer_now, peer_usual)
    frame = frame[(frame["revenue"] > 0) | (frame["usual"] > 0) | (frame["last_year"] > 0)].reset_index()
    if frame.empty:
        return pd.DataFrame(columns=columns)
    buyers = facts.in_months(_scope_orders(report, scope), report.period).groupby("channel")["customer_id"].nunique()
    frame["customers"] = frame["channel"].map(buyers).fillna(0).astype(int)
    scope_revenue = float(frame["revenue"].sum())
    frame["share"] = frame["revenue"] / scope_revenue if scope_revenue > 0 else np.nan
    for name, base in (("mom", "prev_month"), ("yoy", "last_year"), ("vs_trailing", "trailing_avg")):
        frame[name] = frame["revenue"] / frame[base].where(frame[base] > 0) - 1
    expected = pd.concat([frame["usual"] * frame["peer_factor"], frame["last_year"]], axis=1)
    frame["baseline"] = expected.min(axis=1, skipna=True)
    expected_orders = pd.concat([frame["usual_orders"] * frame["peer_factor"], frame["last_year_orders"]], axis=1)
    frame["change"] = frame["revenue"] / frame["baseline"].where(frame["baseline"] > 0) - 1
    history_orders = wide["orders"].reindex(columns=history, fill_value=0.0)
    frame["p_value"] = [
        _poisson_low(n, None if pd.isna(u) else u, _dispersion(history_orders.loc[c]) if history else 1.0)
        for c, n, u in zip(frame["channel"], frame["orders"], expected_orders.min(axis=1, skipna=True), strict=True)
    ]
    frame["effect"] = (frame["baseline"] - frame["revenue"]).clip(lower=0.0).fillna(0.0)
    frame["flagged"] = (
        (frame["change"] <= -cfg["channel_decline"])
        & (frame["p_value"] < cfg["p_value"])
        & (frame["effect"] >= cfg["min_effect_share"] * max(scope_revenue, float(frame["baseline"].sum())))
    )
    frame = frame.sort_values(["revenue", "channel"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[columns]


def channel_panel(report: Report) -> Panel:
    """渠道效能: revenue per channel this month against its baseline, with growth and gross margin."""
    lang, m = report.lang, _cfg(report)["history_months"]
    frame = channel_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plotting.plot_bar_compare(
        frame, label="channel", current="revenue", baseline="baseline", lang=lang,
        legend=(t("mk_value", lang), t("mk_baseline", lang)), title=t("mk_channel_title", lang),
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("mk_channel", lang): frame["channel"],
            t("mk_revenue", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("mk_share", lang): frame["share"].map(format_pct),
            t("mk_orders", lang): frame["orders"].map(format_int),
            t("mk_mom", lang): frame["mom"].map(_signed),
            t("mk_yoy", lang): frame["yoy"].map(_signed),
            t("mk_baseline", lang): frame["baseline"].map(lambda v: format_amount(v, lang)),
            t("mk_change", lang): frame["change"].map(_signed),
            t("mk_margin", lang): frame["margin"].map(format_pct),
            t("mk_margin_change", lang): (frame["margin"] - frame["usual_margin"]).map(_signed),
        }
    )
    note = t("mk_channel_note", lang, m=m)
    if frame["margin"].isna().all():
        note += " " + t("mk_no_cost", lang)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ new customers


def new_customer_months(report: Report, region: str | None = None) -> pd.DataFrame:
    """New customers per month in a scope (all months of the data, no gaps), and their first-month revenue.

    A customer belongs to the region of its first order (its home region when it has none). Columns: month,
    new_customers, first_revenue (their revenue in scope in the month they were acquired).
    """
    scope = report.region if region is None else region

    def build(ds) -> pd.DataFrame:
        cust = customer_facts(ds)
        if scope != ALL:
            cust = cust[cust["first_region"] == scope]
        cust = cust[cust["acquired_month"].notna()]
        orders = facts.in_region(facts.order_facts(ds), scope)
        acquired = orders["customer_id"].map(cust["acquired_month"])
        first = orders[orders["month"] == acquired]
        months = _all_months(ds)
        return pd.DataFrame(
            {
                "month": months,
                "new_customers": cust.groupby("acquired_month").size().reindex(months, fill_value=0).to_numpy(),
                "first_revenue": first.groupby("month")["revenue"].sum().reindex(months, fill_value=0.0).to_numpy(),
            }
        )

    return _cached(report.ds, f"new_customer_months:{scope}", build)


def new_customer_test(report: Report, region: str | None = None) -> dict[str, Any]:
    """New customers of the period against the usual month and last year, with the Poisson test.

    Keys: count, usual (mean over ``market.history_months``), last_year, peer_factor (for a region: how the
    rest of the company's new customers did this month against their usual level; for the whole company: how
    its returning buyers did; at most 1), baseline (the lower of usual ×
    peer_factor and last year), change, p_value, avg_first_revenue (mean first-month revenue of a new customer
    over the history months), effect (missing customers × avg_first_revenue), flagged (``new_customer_drop``).
    """
    cfg = _cfg(report)
    scope = report.region if region is None else region
    months = new_customer_months(report, scope).set_index("month")
    history, last_year = _history(report), _last_year(report)
    count = int(months["new_customers"].get(report.period, 0))
    hist = months.reindex(history)
    usual = float(hist["new_customers"].mean()) if history else None
    ly = float(months["new_customers"].get(last_year)) if last_year else None
    factor = 1.0
    if scope != ALL and usual is not None:  # peers: the rest of the company's new customers
        company = new_customer_months(report, ALL).set_index("month")["new_customers"]
        factor = _peer_factor(
            float(company.get(report.period, 0)) - count, float(company.reindex(history).mean()) - usual
        )
    elif usual is not None:  # the whole company: its returning customers' buying (the same seasons, not acquisition)
        returning = retention_months(report, ALL).set_index("month")["returning_buyers"]
        factor = _peer_factor(float(returning.get(report.period, 0)), float(returning.reindex(history).mean()))
    baseline = _lower(None if usual is None else usual * factor, ly)
    hist_new = float(hist["new_customers"].sum()) if history else 0.0
    avg_first = float(hist["first_revenue"].sum()) / hist_new if hist_new > 0 else None
    missing = max((baseline or 0.0) - count, 0.0)
    effect = missing * avg_first if avg_first is not None else 0.0
    p_value = _poisson_low(count, baseline, _dispersion(hist["new_customers"]))
    scope_revenue = float(facts.in_months(_scope_orders(report, region), report.period)["revenue"].sum())
    flagged = (
        baseline is not None
        and count <= (1 - cfg["new_customer_drop"]) * baseline
        and p_value < cfg["p_value"]
        and effect >= cfg["min_effect_share"] * scope_revenue
    )
    return {
        "count": count,
        "usual": usual,
        "last_year": ly,
        "peer_factor": factor,
        "baseline": baseline,
        "change": _change(count, baseline),
        "p_value": p_value,
        "avg_first_revenue": avg_first,
        "effect": effect,
        "flagged": bool(flagged),
    }


def new_customers_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """New customers per month for the ``months`` months up to the period, with the usual level of each month.

    Columns: period, new_customers, first_revenue, usual (mean of the ``market.history_months`` months before).
    """
    frame = new_customer_months(report).copy()
    n = _cfg(report)["history_months"]
    frame["usual"] = frame["new_customers"].shift(1).rolling(n, min_periods=1).mean()
    end = pd.Period(report.period, freq="M")
    labels = _covered(report, [str(end - k) for k in range(months - 1, -1, -1)])
    frame = frame[frame["month"].isin(labels)].rename(columns={"month": "period"})
    return frame.reset_index(drop=True)


def new_customers_by_source(report: Report) -> pd.DataFrame:
    """New customers per acquisition source (``customers.acquisition_channel``): this period, usual, last year."""
    cust = customer_facts(report.ds)
    if report.region != ALL:
        cust = cust[cust["first_region"] == report.region]
    history, last_year = _history(report), _last_year(report)
    counts = cust.groupby(["source", "acquired_month"]).size().unstack(fill_value=0)
    frame = pd.DataFrame(index=counts.index)
    frame["new_customers"] = counts.get(report.period, 0)
    frame["usual"] = counts.reindex(columns=history, fill_value=0).mean(axis=1) if history else np.nan
    frame["last_year"] = counts.get(last_year, 0) if last_year else np.nan
    frame = frame[(frame["new_customers"] > 0) | (frame["usual"] > 0)].rename_axis("source").reset_index()
    frame["new_customers"] = frame["new_customers"].astype(int)
    return frame.sort_values(["new_customers", "source"], ascending=[False, True], kind="stable").reset_index(drop=True)


def plot_monthly(
    frame: pd.DataFrame,
    *,
    x: str = "period",
    y: str = "value",
    reference: str | None = None,
    reference_label: str | None = None,
    highlight: str | None = None,
    kind: str = "int",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a monthly count or rate as bars, the report month highlighted, with a dashed usual-level line.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per month, in order.
    x, y : str
        Columns with the month label and the value.
    reference : str, optional
        Column with the usual level of each month, drawn as a dashed line labelled ``reference_label``.
    highlight : str, optional
        The month drawn in the primary colour, the others lighter.
    kind : {"int", "pct", "amount"}
        Axis format of the values.
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax)
    if plotting.is_empty(frame):
        return plotting.no_data(ax, lang, title)
    plotting.require(frame, {"x": x, "y": y, "reference": reference}, "plot_monthly")
    values = plotting.numbers(frame[y])
    if np.isnan(values).all():
        return plotting.no_data(ax, lang, title)
    periods = frame[x].astype(str).tolist()
    positions = plotting.category_axis(ax, periods, horizontal=False)
    colors = [plotting.PRIMARY if highlight is None or p == str(highlight) else plotting.PRIMARY_LIGHT for p in periods]
    ax.bar(positions, np.nan_to_num(values), width=0.65, color=colors, **kwargs)
    if reference is not None and frame[reference].notna().any():
        ax.plot(
            positions, plotting.numbers(frame[reference]), color=plotting.TARGET, linestyle="--", linewidth=1.2,
            marker="o", markersize=3, label=reference_label,
        )  # fmt: skip
        if reference_label:
            plotting.legend(ax)
    ax.set_ylim(bottom=0)
    if kind == "pct":
        ax.yaxis.set_major_formatter(plotting.pct_formatter())
    elif kind == "amount":
        ax.yaxis.set_major_formatter(plotting.amount_formatter(lang))
    else:
        ax.yaxis.get_major_locator().set_params(integer=True)
    return plotting.finish(ax, title)


def new_customers_panel(report: Report) -> Panel:
    """新客户获取: new customers per month against the usual level, and this month's by acquisition source."""
    lang, m = report.lang, _cfg(report)["history_months"]
    frame = new_customers_frame(report)
    ax = plot_monthly(
        frame, y="new_customers", reference="usual", reference_label=t("mk_usual", lang, m=m),
        highlight=report.period, lang=lang, title=t("mk_new_title", lang),
    )  # fmt: skip
    if report.ds.has("customers"):
        sources = new_customers_by_source(report)
        table = pd.DataFrame(
            {
                t("mk_source", lang): sources["source"],
                t("mk_new_customers", lang): sources["new_customers"].map(format_int),
                t("mk_usual", lang, m=m): sources["usual"].map(lambda v: _fmt_num(v)),
                t("mk_yoy", lang): sources["last_year"].map(format_int),
            }
        )
    else:
        row = frame[frame["period"] == report.period]
        table = pd.DataFrame(
            {
                t("period", lang): row["period"],
                t("mk_new_customers", lang): row["new_customers"].map(format_int),
                t("mk_usual", lang, m=m): row["usual"].map(lambda v: _fmt_num(v)),
                t("mk_first_revenue", lang): row["first_revenue"].map(lambda v: format_amount(v, lang)),
            }
        )
    return Panel(frame=frame, table=table, figure=ax.figure, note=t("mk_new_note", lang, m=m))


# ---------------------------------------------------------------------------------------- acquisition cost


def _spend_has_region(ds) -> bool:
    spend = ds.get("marketing_spend")
    return spend is not None and "region" in spend.columns and spend["region"].notna().any()


def acquisition_cost_frame(report: Report, region: str | None = None) -> pd.DataFrame:
    """Marketing spend, new customers and acquisition cost (CAC) per lead source this period and usually.

    New customers are counted by ``customers.acquisition_channel`` and acquisition month; spend by
    ``marketing_spend.channel`` (the same source names). Columns: source, spend, new_customers, cac (NaN
    without new customers), usual_spend, usual_new (monthly means over ``market.history_months``), usual_cac
    (their ratio), expected_new (spend ÷ usual_cac, scaled down when the other sources also won fewer customers
    than their spend usually buys), p_value (Poisson: this few new customers given expected_new), cac_ratio
    (cac ÷ usual_cac; inf with spend and no customer), flagged (``acquisition_cost_high``: cac_ratio at least
    ``market.cac_ratio``, p_value below ``market.p_value``, effect at least ``market.min_effect_share`` of the
    scope's revenue), effect (missing customers × mean first-month revenue of a new customer).
    """
    cfg = _cfg(report)
    scope = report.region if region is None else region
    columns = ["source", "spend", "new_customers", "cac", "usual_spend", "usual_new", "usual_cac", "expected_new"]
    columns += ["p_value", "cac_ratio", "flagged", "effect"]
    spend = report.ds.get("marketing_spend")
    if spend is None or (scope != ALL and not _spend_has_region(report.ds)):
        return pd.DataFrame(columns=columns)
    if scope != ALL:
        spend = spend[spend["region"] == scope]
    history = _history(report)
    cust = customer_facts(report.ds)
    if scope != ALL:
        cust = cust[cust["first_region"] == scope]
    new = cust.groupby(["source", "acquired_month"]).size()
    paid = spend.groupby(["channel", "period"])["amount"].sum()
    sources = sorted(set(spend.loc[spend["period"].isin([report.period, *history]), "channel"].dropna()))
    new_test = new_customer_test(report, scope)
    avg_first = new_test["avg_first_revenue"] or 0.0
    scope_revenue = float(facts.in_months(_scope_orders(report, scope), report.period)["revenue"].sum())
    rows = []
    for source in sources:
        spent = float(paid.get((source, report.period), 0.0))
        count = int(new.get((source, report.period), 0))
        usual_spend = sum(float(paid.get((source, m), 0.0)) for m in history) / len(history) if history else np.nan
        usual_new = sum(int(new.get((source, m), 0)) for m in history) / len(history) if history else np.nan
        usual_cac = usual_spend / usual_new if usual_new and usual_new > 0 else np.nan
        expected = spent / usual_cac if usual_cac and usual_cac > 0 else np.nan
        cac = spent / count if count > 0 else np.nan
        ratio = cac / usual_cac if count > 0 else (np.inf if spent > 0 else np.nan)
        rows.append(
            {
                "source": source,
                "spend": spent,
                "new_customers": count,
                "cac": cac,
                "usual_spend": usual_spend,
                "usual_new": usual_new,
                "usual_cac": usual_cac,
                "expected_new": expected,
                "cac_ratio": ratio,
            }
        )
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows)
    # peers: how the other sources turned their spend into customers this month (seasonal dips hit them all)
    known = frame["expected_new"].notna()
    won, expected = frame["new_customers"].where(known, 0).sum(), frame["expected_new"].fillna(0.0).sum()
    peer_won = won - frame["new_customers"].where(known, 0)
    peer_expected = expected - frame["expected_new"].fillna(0.0)
    frame["expected_new"] = frame["expected_new"] * _peer_factor(peer_won.astype(float), peer_expected)
    spread = [_dispersion([new.get((source, m), 0) for m in history]) for source in frame["source"]]
    frame["p_value"] = [
        _poisson_low(n, None if pd.isna(e) else e, d)
        for n, e, d in zip(frame["new_customers"], frame["expected_new"], spread, strict=True)
    ]
    frame["effect"] = (frame["expected_new"] - frame["new_customers"]).clip(lower=0.0).fillna(0.0) * avg_first
    frame["flagged"] = (
        (frame["cac_ratio"] >= cfg["cac_ratio"])
        & (frame["p_value"] < cfg["p_value"])
        & (frame["effect"] >= cfg["min_effect_share"] * scope_revenue)
    )
    frame = frame.sort_values(["spend", "source"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[columns]


def acquisition_cost_panel(report: Report) -> Panel:
    """获客成本: acquisition cost per lead source this month against its usual level."""
    lang, m = report.lang, _cfg(report)["history_months"]
    for table_name in ("marketing_spend", "customers"):
        if not report.ds.has(table_name):
            return Panel.skipped(t("needs_table", lang, tables=table_name))
    if report.region != ALL and not _spend_has_region(report.ds):
        return Panel.skipped(t("mk_cac_no_region", lang))
    frame = acquisition_cost_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plotting.plot_bar_compare(
        frame, label="source", current="cac", baseline="usual_cac", lang=lang,
        legend=(t("mk_value", lang), t("mk_usual_short", lang)), title=t("mk_cac_title", lang),
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("mk_source", lang): frame["source"],
            t("mk_spend", lang): frame["spend"].map(lambda v: format_amount(v, lang)),
            t("mk_new_customers", lang): frame["new_customers"].map(format_int),
            t("mk_cac", lang): frame["cac"].map(lambda v: format_amount(v, lang)),
            t("mk_usual_cac", lang): frame["usual_cac"].map(lambda v: format_amount(v, lang)),
            t("mk_change", lang): (frame["cac_ratio"] - 1).map(lambda v: _signed(v) if np.isfinite(v) else "—"),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=t("mk_cac_note", lang, m=m))


# ----------------------------------------------------------------------------------------------- retention


def retention_months(report: Report, region: str | None = None) -> pd.DataFrame:
    """Buyers, returning buyers, retention and lapsing per month in a scope (all months of the data).

    Columns: month, buyers, returning_buyers (acquired before the month), repeat_rate (their share of
    buyers), revenue, returning_revenue, window_buyers (bought in the ``baselines.trailing_months`` months
    before), retained (of them, bought in the month), lapsed (did not), retention_rate, retained_revenue.
    The first months, whose window is not fully inside the data, have NaN retention.
    """
    scope = report.region if region is None else region
    k = report.config["baselines"]["trailing_months"]

    def build(ds) -> pd.DataFrame:
        months = _all_months(ds)
        orders = facts.in_region(facts.order_facts(ds), scope)
        revenue = orders.pivot_table(
            index="customer_id", columns="month", values="revenue", aggfunc="sum", fill_value=0.0
        ).reindex(columns=months, fill_value=0.0)
        bought = (
            orders.groupby(["customer_id", "month"]).size().unstack(fill_value=0).reindex(columns=months, fill_value=0)
        ) > 0
        bought = bought.reindex(revenue.index, fill_value=False)
        acquired = customer_facts(ds)["acquired_month"].reindex(bought.index)
        month_arr = np.array(months, dtype=object)
        returning = acquired.to_numpy(dtype=object)[:, None] < month_arr[None, :]
        b = bought.to_numpy()
        counts = np.concatenate([np.zeros((b.shape[0], 1), dtype=int), np.cumsum(b, axis=1)], axis=1)
        window = np.zeros_like(b)
        for j in range(len(months)):
            lo = max(j - k, 0)
            window[:, j] = (counts[:, j] - counts[:, lo]) > 0
        rev = revenue.to_numpy()
        frame = pd.DataFrame(
            {
                "month": months,
                "buyers": b.sum(axis=0),
                "returning_buyers": (b & returning).sum(axis=0),
                "revenue": rev.sum(axis=0),
                "returning_revenue": (rev * returning).sum(axis=0),
                "window_buyers": window.sum(axis=0),
                "retained": (window & b).sum(axis=0),
                "retained_revenue": (rev * (window & b)).sum(axis=0),
            }
        )
        frame["lapsed"] = frame["window_buyers"] - frame["retained"]
        frame["repeat_rate"] = frame["returning_buyers"] / frame["buyers"].where(frame["buyers"] > 0)
        frame["retention_rate"] = frame["retained"] / frame["window_buyers"].where(frame["window_buyers"] > 0)
        frame.loc[frame.index < k, ["retention_rate"]] = np.nan  # window reaches before the data
        return frame

    return _cached(report.ds, f"retention_months:{scope}:{k}", build)


def retention_test(report: Report, region: str | None = None) -> dict[str, Any]:
    """Retention of the period against the usual rate and last year, with the binomial test.

    Keys: window_buyers, retained, lapsed, rate, usual (pooled over ``market.history_months``), last_year,
    peer_factor (for a region: the rest of the company's retention this month against its usual rate, at most
    1), baseline (the lower of usual × peer_factor and last year), p_value, avg_retained_revenue (usual revenue
    of a retained customer in a month), effect (customers missing against the baseline rate ×
    avg_retained_revenue), flagged (``customer_churn_rise``), plus buyers, returning_buyers, repeat_rate,
    returning_revenue.
    """
    cfg = _cfg(report)
    scope = report.region if region is None else region
    months = retention_months(report, scope).set_index("month")
    row = months.loc[report.period]
    history = [m for m in _history(report) if not pd.isna(months.loc[m, "retention_rate"])]
    last_year = _last_year(report)
    hist = months.loc[history]
    usual = float(hist["retained"].sum() / hist["window_buyers"].sum()) if hist["window_buyers"].sum() > 0 else None
    ly = None
    if last_year and not pd.isna(months.loc[last_year, "retention_rate"]):
        ly = float(months.loc[last_year, "retention_rate"])
    base, retained = int(row["window_buyers"]), int(row["retained"])
    factor = 1.0
    if scope != ALL and usual is not None:
        company = retention_months(report, ALL).set_index("month")
        peers = company[["retained", "window_buyers"]] - months[["retained", "window_buyers"]]
        now, before = peers.loc[report.period], peers.loc[history].sum()
        if now["window_buyers"] > 0 and before["window_buyers"] > 0:
            factor = _peer_factor(now["retained"] / now["window_buyers"], before["retained"] / before["window_buyers"])
    baseline = _lower(None if usual is None else usual * factor, ly)
    rate = retained / base if base > 0 else float("nan")
    avg = float(hist["retained_revenue"].sum() / hist["retained"].sum()) if hist["retained"].sum() > 0 else None
    missing = max((baseline or 0.0) * base - retained, 0.0)
    effect = missing * avg if avg is not None else 0.0
    p_value = _binom_low(retained, base, baseline)
    flagged = (
        baseline is not None
        and base > 0
        and rate <= (1 - cfg["churn_drop"]) * baseline
        and p_value < cfg["p_value"]
        and effect >= cfg["min_effect_share"] * float(row["revenue"])
    )
    return {
        "buyers": int(row["buyers"]),
        "returning_buyers": int(row["returning_buyers"]),
        "repeat_rate": None if pd.isna(row["repeat_rate"]) else float(row["repeat_rate"]),
        "returning_revenue": float(row["returning_revenue"]),
        "window_buyers": base,
        "retained": retained,
        "lapsed": int(row["lapsed"]),
        "rate": rate,
        "usual": usual,
        "last_year": ly,
        "peer_factor": factor,
        "baseline": baseline,
        "p_value": p_value,
        "avg_retained_revenue": avg,
        "effect": effect,
        "flagged": bool(flagged),
    }


def retention_frame(report: Report, months: int = 13) -> pd.DataFrame:
    """Retention per month for the ``months`` months up to the period, with each month's usual (pooled) rate."""
    frame = retention_months(report).copy()
    n = _cfg(report)["history_months"]
    valid = frame["retention_rate"].notna()
    retained = frame["retained"].where(valid, 0).shift(1).rolling(n, min_periods=1).sum()
    base = frame["window_buyers"].where(valid, 0).shift(1).rolling(n, min_periods=1).sum()
    frame["usual"] = retained / base.where(base > 0)
    end = pd.Period(report.period, freq="M")
    labels = _covered(report, [str(end - k) for k in range(months - 1, -1, -1)])
    frame = frame[frame["month"].isin(labels)].rename(columns={"month": "period"})
    return frame.reset_index(drop=True)


def retention_panel(report: Report) -> Panel:
    """客户留存: the retention rate per month against its usual level, and this month's repeat-purchase figures."""
    lang, m = report.lang, _cfg(report)["history_months"]
    k = report.config["baselines"]["trailing_months"]
    frame = retention_frame(report)
    ax = plot_monthly(
        frame, y="retention_rate", reference="usual", reference_label=t("mk_usual", lang, m=m),
        highlight=report.period, kind="pct", lang=lang, title=t("mk_retention_title", lang),
    )  # fmt: skip
    test = retention_test(report)
    months = retention_months(report).set_index("month")
    hist = months.loc[[h for h in _history(report) if h in months.index]]

    def usual(column: str) -> float | None:
        return float(hist[column].mean()) if len(hist) else None

    def pooled(part: str, whole: str) -> float | None:
        return float(hist[part].sum() / hist[whole].sum()) if len(hist) and hist[whole].sum() > 0 else None

    rows = [
        (t("mk_buyers", lang), format_int(test["buyers"]), format_int(usual("buyers"))),
        (t("mk_returning_buyers", lang), format_int(test["returning_buyers"]), format_int(usual("returning_buyers"))),
        (t("mk_repeat_rate", lang), format_pct(test["repeat_rate"]), format_pct(pooled("returning_buyers", "buyers"))),
        (
            t("mk_returning_revenue", lang),
            format_amount(test["returning_revenue"], lang),
            format_amount(usual("returning_revenue"), lang),
        ),
        (t("mk_window_buyers", lang, k=k), format_int(test["window_buyers"]), format_int(usual("window_buyers"))),
        (t("mk_retained", lang), format_int(test["retained"]), format_int(usual("retained"))),
        (t("mk_lapsed", lang), format_int(test["lapsed"]), format_int(usual("lapsed"))),
        (t("mk_retention_rate", lang), format_pct(test["rate"]), format_pct(test["usual"])),
    ]
    table = pd.DataFrame(
        {
            t("mk_metric", lang): [r[0] for r in rows],
            t("mk_value", lang): [r[1] for r in rows],
            t("mk_usual", lang, m=m): [r[2] for r in rows],
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=t("mk_retention_note", lang, k=k, m=m))


# ------------------------------------------------------------------------------------------------------ RFM


def _tiers(report: Report) -> list[dict[str, Any]]:
    return list(report.config["rfm"]["tiers"])


def tier_label(report: Report, name: str) -> str:
    """Display name of an RFM tier: ``label_zh`` / ``label_en`` from the configuration, else the name."""
    if name == INACTIVE:
        return t("mk_inactive", report.lang)
    for tier in _tiers(report):
        if tier["name"] == name:
            if report.lang == "en":
                return str(tier.get("label_en") or name.replace("_", " ").capitalize())
            return str(tier.get("label_zh") or name)
    return name


def tier_cadence(report: Report, name: str) -> str:
    """Service cadence of a tier: the tier's ``cadence_zh``/``cadence_en``, else ``market.cadence``."""
    for tier in _tiers(report):
        if tier["name"] == name and tier.get(f"cadence_{report.lang}"):
            return str(tier[f"cadence_{report.lang}"])
    entry = _cfg(report).get("cadence", {}).get(name) or {}
    return str(entry.get(report.lang) or entry.get("zh") or "—")


def assign_tiers(rfm: pd.DataFrame, tiers: list[dict[str, Any]]) -> pd.Series:
    """Tier name per customer: the first tier whose every rule holds (the last tier has no rule: the rest).

    Rules a tier may set: ``max_recency_days``, ``min_frequency``, ``min_monetary_x_mean`` (monetary at least
    this multiple of the mean monetary of the customers in ``rfm``), ``min_monetary`` (an absolute amount).
    Customers matching no tier get the last tier's name.
    """
    mean_m = float(rfm["monetary"].mean()) if len(rfm) else 0.0
    result = pd.Series(pd.NA, index=rfm.index, dtype=object)
    for tier in tiers:
        match = pd.Series(True, index=rfm.index)
        if tier.get("max_recency_days") is not None:
            match &= rfm["recency_days"] <= tier["max_recency_days"]
        if tier.get("min_frequency") is not None:
            match &= rfm["frequency"] >= tier["min_frequency"]
        if tier.get("min_monetary_x_mean") is not None:
            match &= rfm["monetary"] >= tier["min_monetary_x_mean"] * mean_m
        if tier.get("min_monetary") is not None:
            match &= rfm["monetary"] >= tier["min_monetary"]
        result = result.where(result.notna() | ~match, tier["name"])
    if tiers:
        result = result.fillna(tiers[-1]["name"])
    return result.astype(object)


def rfm_frame(report: Report, period: str | None = None) -> pd.DataFrame:
    """Recency, frequency, monetary and tier per customer as of the end of ``period`` (default: the report's).

    Over the ``rfm.lookback_months`` months up to the period, in scope: recency_days (days from the last
    order to the month end), frequency (orders), monetary (revenue). Only customers with an order in the
    window. Sorted by monetary, largest first.
    """
    period = period or report.period
    months = report.config["rfm"]["lookback_months"]
    end = pd.Period(period, freq="M")
    window = [str(end - k) for k in range(months)]
    orders = facts.in_months(_scope_orders(report), window)
    cutoff = _month_end(period)
    grouped = orders.groupby("customer_id", sort=True)
    frame = pd.DataFrame(
        {
            "recency_days": (cutoff - grouped["order_date"].max()).dt.days.astype(int),
            "frequency": grouped.size().astype(int),
            "monetary": grouped["revenue"].sum().astype(float),
        }
    )
    frame.index.name = "customer_id"
    frame["tier"] = assign_tiers(frame, _tiers(report))
    frame = frame.reset_index()
    return frame.sort_values(["monetary", "customer_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def rfm_tiers_frame(report: Report) -> pd.DataFrame:
    """Customers per RFM tier now and at the end of last month, their revenue this period and averages.

    Columns: tier, label, customers, share (sums to 1), baseline_customers, baseline_share, revenue (this
    period, in scope), revenue_share, avg_recency, avg_frequency, avg_monetary, cadence. One row per
    configured tier, in configuration order.
    """
    now = rfm_frame(report)
    before = rfm_frame(report, str(report.baselines.previous_month))
    revenue = facts.in_months(_scope_orders(report), report.period).groupby("customer_id")["revenue"].sum()
    names = [tier["name"] for tier in _tiers(report)]
    grouped = now.groupby("tier")
    frame = pd.DataFrame(index=pd.Index(names, name="tier"))
    frame["label"] = [tier_label(report, n) for n in names]
    frame["customers"] = now["tier"].value_counts().reindex(names, fill_value=0).astype(int)
    frame["baseline_customers"] = before["tier"].value_counts().reindex(names, fill_value=0).astype(int)
    for column, total in (("customers", "share"), ("baseline_customers", "baseline_share")):
        count = frame[column].sum()
        frame[total] = frame[column] / count if count > 0 else np.nan
    tier_revenue = now.assign(rev=revenue.reindex(now["customer_id"]).fillna(0.0).to_numpy(dtype=float))
    tier_revenue = tier_revenue.groupby("tier")["rev"].sum()
    frame["revenue"] = tier_revenue.reindex(names, fill_value=0.0).astype(float)
    total_revenue = frame["revenue"].sum()
    frame["revenue_share"] = frame["revenue"] / total_revenue if total_revenue > 0 else np.nan
    frame["avg_recency"] = grouped["recency_days"].mean().reindex(names)
    frame["avg_frequency"] = grouped["frequency"].mean().reindex(names)
    frame["avg_monetary"] = grouped["monetary"].mean().reindex(names)
    frame["cadence"] = [tier_cadence(report, n) for n in names]
    return frame.reset_index()


def rfm_transition_frame(report: Report) -> pd.DataFrame:
    """Customer counts moving from their tier at the end of last month (rows) to their tier now (columns).

    Both axes list the configured tiers then ``inactive`` (no order in the lookback window at that date); the
    customers inactive at both dates are not counted. Every customer in a tier at either date is counted once.
    """
    now = rfm_frame(report).set_index("customer_id")["tier"]
    before = rfm_frame(report, str(report.baselines.previous_month)).set_index("customer_id")["tier"]
    names = [tier["name"] for tier in _tiers(report)] + [INACTIVE]
    ids = now.index.union(before.index)
    pairs = pd.DataFrame(
        {"from": before.reindex(ids).fillna(INACTIVE).to_numpy(), "to": now.reindex(ids).fillna(INACTIVE).to_numpy()}
    )
    matrix = pd.crosstab(pairs["from"], pairs["to"]).reindex(index=names, columns=names, fill_value=0)
    matrix.index.name, matrix.columns.name = "from", "to"
    return matrix.astype(int)


def rfm_panel(report: Report) -> Panel:
    """RFM 客户分层: customers per tier now against last month end, revenue per tier and each tier's cadence."""
    lang = report.lang
    frame = rfm_tiers_frame(report)
    if frame["customers"].sum() == 0:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plotting.plot_composition(
        frame, label="label", value="customers", baseline="baseline_customers", lang=lang,
        legend=(t("mk_value", lang), t("mk_prev_customers", lang)), title=t("mk_rfm_title", lang),
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("mk_tier", lang): frame["label"],
            t("mk_customers", lang): frame["customers"].map(format_int),
            t("mk_prev_customers", lang): frame["baseline_customers"].map(format_int),
            t("mk_revenue", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("mk_share", lang): frame["revenue_share"].map(format_pct),
            t("mk_avg_recency", lang): frame["avg_recency"].map(lambda v: _fmt_num(v, 0)),
            t("mk_avg_frequency", lang): frame["avg_frequency"].map(lambda v: _fmt_num(v, 1)),
            t("mk_avg_monetary", lang): frame["avg_monetary"].map(lambda v: format_amount(v, lang)),
            t("mk_cadence", lang): frame["cadence"],
        }
    )
    note = t("mk_rfm_note", lang, months=report.config["rfm"]["lookback_months"])
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def plot_transitions(
    matrix: pd.DataFrame,
    *,
    labels: list[str] | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a from × to count matrix as an annotated heatmap (stayers on the diagonal).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Square counts, rows "from", columns "to", same order.
    labels : list of str, optional
        Display names of the rows/columns (default: the index).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.imshow``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(plotting.FIGSIZE[0] * 0.75, 3.8), dpi=plotting.DPI, layout="constrained")
    if matrix is None or matrix.size == 0 or matrix.to_numpy().sum() == 0:
        return plotting.no_data(ax, lang, title)
    values = matrix.to_numpy(dtype=float)
    names = labels or [str(v) for v in matrix.index]
    cmap = kwargs.pop("cmap", "Blues")
    ax.imshow(values, cmap=cmap, aspect="auto", **kwargs)
    ax.set_xticks(range(len(names)), labels=names)
    ax.set_yticks(range(len(names)), labels=names)
    ax.grid(False)
    top = values.max()
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            color = "white" if values[i, j] > 0.6 * top else "#333333"
            ax.text(j, i, format_int(values[i, j]), ha="center", va="center", fontsize=8, color=color)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return plotting.finish(ax, title)


def rfm_transition_panel(report: Report) -> Panel:
    """层级迁移: how many customers moved between tiers from last month end to this month end."""
    lang = report.lang
    matrix = rfm_transition_frame(report)
    labels = [tier_label(report, n) for n in matrix.index]
    ax = plot_transitions(
        matrix, labels=labels, lang=lang, title=t("mk_transition_title", lang), xlabel=t("mk_to", lang),
        ylabel=t("mk_from", lang),
    )  # fmt: skip
    table = matrix.copy()
    table.index, table.columns = labels, labels
    table = table.map(format_int).rename_axis(f"{t('mk_from', lang)} \\ {t('mk_to', lang)}").reset_index()
    frame = matrix.reset_index()
    return Panel(frame=frame, table=table, figure=ax.figure, note=t("mk_transition_note", lang))


# ------------------------------------------------------------------------------------------- concentration


def concentration_shares(revenue: pd.Series, top: int = 10) -> dict[str, Any]:
    """Top-``top`` share, largest share and Herfindahl-Hirschman index of revenue per customer.

    Customers with zero or negative revenue are left out. Returns customers, total, top_share, largest_share,
    largest_customer, hhi (Σ share², between 1/n and 1); shares are ``None`` without revenue.
    """
    values = revenue[revenue > 0].astype(float)
    total = float(values.sum())
    if values.empty or total <= 0:
        return {"customers": 0, "total": 0.0, "top_share": None, "largest_share": None, "largest_customer": None,
                "hhi": None}  # fmt: skip
    shares = (values / total).sort_values(ascending=False, kind="stable")
    ordered = shares.reset_index()
    ordered.columns = ["customer", "share"]
    ordered = ordered.sort_values(["share", "customer"], ascending=[False, True], kind="stable")
    return {
        "customers": int(len(shares)),
        "total": total,
        "top_share": float(min(ordered["share"].head(top).sum(), 1.0)),
        "largest_share": float(ordered["share"].iloc[0]),
        "largest_customer": str(ordered["customer"].iloc[0]),
        "hhi": float(min((shares**2).sum(), 1.0)),
    }


def _concentration_window(report: Report) -> list[str]:
    end = pd.Period(report.period, freq="M")
    return _covered(report, [str(end - k) for k in range(_cfg(report)["concentration_months"] - 1, -1, -1)])


def concentration_metrics(report: Report) -> dict[str, Any]:
    """Customer concentration over the ``market.concentration_months`` months up to the period, in scope.

    Keys as in :func:`concentration_shares`, plus months (the window length in the data), top_n, and
    top_revenue / largest_revenue (their average monthly revenue in the window).
    """
    months = _concentration_window(report)
    top = _cfg(report)["top_customers"]
    revenue = facts.in_months(_scope_orders(report), months).groupby("customer_id")["revenue"].sum()
    out = concentration_shares(revenue, top)
    n = max(len(months), 1)
    out.update({"months": len(months), "top_n": top})
    out["top_revenue"] = (out["top_share"] or 0.0) * out["total"] / n
    out["largest_revenue"] = (out["largest_share"] or 0.0) * out["total"] / n
    return out


def concentration_frame(report: Report) -> pd.DataFrame:
    """The largest customers over the concentration window: revenue, share and cumulative share.

    Columns: rank, customer_id, name, revenue, share, cum_share; the top ``market.top_customers`` rows.
    """
    months = _concentration_window(report)
    top = _cfg(report)["top_customers"]
    revenue = facts.in_months(_scope_orders(report), months).groupby("customer_id")["revenue"].sum()
    revenue = revenue[revenue > 0]
    total = float(revenue.sum())
    frame = revenue.rename("revenue").rename_axis("customer_id").reset_index()
    frame = frame.sort_values(["revenue", "customer_id"], ascending=[False, True], kind="stable").head(top)
    frame["share"] = frame["revenue"] / total if total > 0 else np.nan
    frame["cum_share"] = frame["share"].cumsum()
    frame["name"] = frame["customer_id"].map(customer_facts(report.ds)["name"]).fillna(frame["customer_id"])
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame.reset_index(drop=True)[["rank", "customer_id", "name", "revenue", "share", "cum_share"]]


def plot_pareto(
    frame: pd.DataFrame,
    *,
    label: str = "name",
    share: str = "share",
    cumulative: str = "cum_share",
    limit: float | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw each item's share as bars with the cumulative share as a line (a Pareto chart).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item, largest first.
    label, share, cumulative : str
        Columns with the item name, its share and the running total of shares.
    limit : float, optional
        A dashed horizontal line at this share (e.g. the concentration warning level).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax)
    if plotting.is_empty(frame):
        return plotting.no_data(ax, lang, title)
    plotting.require(frame, {"label": label, "share": share, "cumulative": cumulative}, "plot_pareto")
    names = [n if len(n) <= 8 else n[:7] + "…" for n in frame[label].astype(str)]
    positions = plotting.category_axis(ax, names, horizontal=False)
    ax.bar(positions, plotting.numbers(frame[share]), width=0.65, color=plotting.PRIMARY, **kwargs)
    cum = plotting.numbers(frame[cumulative])
    ax.plot(positions, cum, color=plotting.BAD, marker="o", markersize=3, linewidth=1.4)
    for x, y in zip(positions, cum, strict=True):
        ax.annotate(format_pct(y, 0), (x, y), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=7)
    if limit is not None:
        ax.axhline(limit, color=plotting.TARGET, linestyle="--", linewidth=1)
    ax.set_ylim(0, max(np.nanmax(cum), limit or 0.0) * 1.15 + 1e-9)
    ax.yaxis.set_major_formatter(plotting.pct_formatter())
    return plotting.finish(ax, title)


def concentration_panel(report: Report) -> Panel:
    """客户集中度: the largest customers' shares of revenue, top-N share, largest share and HHI."""
    lang = report.lang
    frame = concentration_frame(report)
    m = concentration_metrics(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    thresholds = report.config["thresholds"]
    ax = plot_pareto(
        frame, limit=thresholds["concentration_top10_share"], lang=lang,
        title=t("mk_concentration_title", lang, n=m["top_n"]),
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("mk_rank", lang): frame["rank"].map(str),
            t("mk_customer", lang): frame["name"],
            t("mk_revenue", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("mk_share", lang): frame["share"].map(format_pct),
            t("mk_cum_share", lang): frame["cum_share"].map(format_pct),
        }
    )
    note = t(
        "mk_concentration_note", lang, months=m["months"], customers=format_int(m["customers"]), n=m["top_n"],
        top=format_pct(m["top_share"]), largest=format_pct(m["largest_share"]), hhi=_fmt_num(m["hhi"], 4),
    )  # fmt: skip
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------ customer lifetime value


def _horizon_weeks(period: str) -> float:
    nxt = pd.Period(period, freq="M") + 1
    return nxt.days_in_month / customer_value.DAYS_PER_UNIT


def clv_model(report: Report) -> dict[str, Any]:
    """Fit BG/NBD and Gamma-Gamma on the scope's purchase histories up to the period end (memoised per report).

    Returns ``{"customers": frame, "bgnbd": BGNBD or None, "spend": GammaGamma or None, "horizon": weeks}``;
    the frame is :func:`salesnb.models.customer_value.customer_values`' output (empty when the model cannot be fitted).
    """

    def build() -> dict[str, Any]:
        orders = _scope_orders(report)
        summary = customer_value.summarise(orders, _month_end(report.period))
        horizon = _horizon_weeks(report.period)
        try:
            frame, bgnbd, spend = customer_value.customer_values(summary, horizon)
        except customer_value.ModelFitError:
            return {"customers": summary.iloc[0:0], "bgnbd": None, "spend": None, "horizon": horizon}
        return {"customers": frame, "bgnbd": bgnbd, "spend": spend, "horizon": horizon}

    return report.memo("market_clv", build)


def clv_frame(report: Report) -> pd.DataFrame:
    """Per customer in scope: purchase history, P(alive) and the expected purchases and value next month.

    Columns: customer_id, frequency, recency, T (weeks), monetary, first_value, total_value, last_purchase,
    p_alive, expected_purchases, expected_spend, expected_value, name. Sorted by expected value, largest first.
    """
    fit = clv_model(report)
    frame = fit["customers"].reset_index()
    if frame.empty:
        return frame
    frame["name"] = frame["customer_id"].map(customer_facts(report.ds)["name"]).fillna(frame["customer_id"])
    frame = frame.sort_values(["expected_value", "customer_id"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)


def clv_at_risk_frame(report: Report) -> pd.DataFrame:
    """Valuable customers likely to be lost, ranked by value at risk = historic revenue × (1 − P(alive)).

    Valuable: the top ``market.clv_top_share`` of customers by historic revenue; likely lost: P(alive) below
    ``market.clv_risk_p_alive``.
    """
    cfg = _cfg(report)
    frame = clv_frame(report)
    columns = ["customer_id", "name", "total_value", "frequency", "last_purchase", "days_since", "p_alive"]
    columns += ["expected_value", "value_at_risk"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    cutoff = frame["total_value"].quantile(1 - cfg["clv_top_share"])
    valuable = frame[(frame["total_value"] >= cutoff) & (frame["p_alive"] < cfg["clv_risk_p_alive"])].copy()
    valuable["days_since"] = (_month_end(report.period) - valuable["last_purchase"]).dt.days
    valuable["value_at_risk"] = valuable["total_value"] * (1 - valuable["p_alive"])
    valuable = valuable.sort_values(["value_at_risk", "customer_id"], ascending=[False, True], kind="stable")
    return valuable.reset_index(drop=True)[columns]


def plot_clv(
    frame: pd.DataFrame,
    *,
    value: str = "total_value",
    alive: str = "p_alive",
    risk: float | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    **kwargs: object,
) -> Axes:
    """Scatter historic value (log scale) against P(alive); customers below ``risk`` drawn in the warning colour.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer.
    value, alive : str
        Columns with the historic revenue and the probability of being active.
    risk : float, optional
        P(alive) below which a customer is at risk (a dashed line).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax)
    if plotting.is_empty(frame):
        return plotting.no_data(ax, lang, title)
    x, y = plotting.numbers(frame[value]), plotting.numbers(frame[alive])
    keep = (x > 0) & ~np.isnan(y)
    if not keep.any():
        return plotting.no_data(ax, lang, title)
    x, y = x[keep], y[keep]
    colors = np.where((risk is not None) & (y < (risk or 0)), plotting.BAD, plotting.PRIMARY)
    ax.scatter(x, y, s=10, c=colors, alpha=0.55, linewidths=0, **kwargs)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(plotting.amount_formatter(lang))
    ax.yaxis.set_major_formatter(plotting.pct_formatter())
    ax.set_ylim(-0.03, 1.03)
    if risk is not None:
        ax.axhline(risk, color=plotting.TARGET, linestyle="--", linewidth=1)
    ax.grid(color=plotting.GRID, linewidth=0.6)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return plotting.finish(ax, title)


def clv_panel(report: Report) -> Panel:
    """客户终身价值: historic value against P(alive) per customer, and the customers worth most next month."""
    lang, cfg = report.lang, _cfg(report)
    fit = clv_model(report)
    frame = clv_frame(report)
    if fit["bgnbd"] is None or frame.empty:
        return Panel(frame=frame, note=t("mk_clv_unfit", lang))
    ax = plot_clv(
        frame, risk=cfg["clv_risk_p_alive"], lang=lang, title=t("mk_clv_title", lang),
        xlabel=t("mk_historic_value", lang), ylabel=t("mk_p_alive", lang),
    )  # fmt: skip
    shown = frame.head(report.config["report"]["top_n"])
    table = pd.DataFrame(
        {
            t("mk_customer", lang): shown["name"],
            t("mk_historic_value", lang): shown["total_value"].map(lambda v: format_amount(v, lang)),
            t("mk_frequency", lang): shown["frequency"].map(format_int),
            t("mk_p_alive", lang): shown["p_alive"].map(format_pct),
            t("mk_expected_purchases", lang): shown["expected_purchases"].map(lambda v: _fmt_num(v, 2)),
            t("mk_expected_value", lang): shown["expected_value"].map(lambda v: format_amount(v, lang)),
        }
    )
    b, s = fit["bgnbd"], fit["spend"]
    note = t(
        "mk_clv_note", lang, r=_fmt_num(b.r, 3), alpha=_fmt_num(b.alpha, 3), a=_fmt_num(b.a, 3), b=_fmt_num(b.b, 3),
        n=format_int(b.customers), p=_fmt_num(s.p if s else None, 2), q=_fmt_num(s.q if s else None, 2),
        gamma=_fmt_num(s.gamma if s else None, 1), k=format_int(s.customers if s else 0),
        total=format_amount(frame["expected_value"].sum(), lang),
    )  # fmt: skip
    if s is None:
        note += " " + t("mk_clv_no_spend", lang)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def clv_at_risk_panel(report: Report) -> Panel:
    """高价值客户流失风险: the valuable customers least likely to still be active, by value at risk."""
    lang, cfg = report.lang, _cfg(report)
    frame = clv_at_risk_frame(report)
    note = t("mk_at_risk_note", lang, top=format_pct(cfg["clv_top_share"], 0), p=format_pct(cfg["clv_risk_p_alive"], 0))
    if frame.empty:
        return Panel(frame=frame, note=t("mk_at_risk_none", lang) + " " + note)
    shown = frame.head(report.config["report"]["top_n"])
    ax = plot_ranking(
        shown, label="name", value="value_at_risk", kind="amount", lang=lang, title=t("mk_at_risk_title", lang)
    )
    table = pd.DataFrame(
        {
            t("mk_customer", lang): shown["name"],
            t("mk_historic_value", lang): shown["total_value"].map(lambda v: format_amount(v, lang)),
            t("mk_frequency", lang): shown["frequency"].map(format_int),
            t("mk_last_purchase", lang): shown["last_purchase"].dt.strftime("%Y-%m-%d"),
            t("mk_p_alive", lang): shown["p_alive"].map(format_pct),
            t("mk_value_at_risk", lang): shown["value_at_risk"].map(lambda v: format_amount(v, lang)),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------------ findings


def _finding(
    report: Report, code: str, segment: dict, key: str, fmt: dict, title_fmt: dict, title_key: str = "", **kw
) -> dict:
    lang = report.lang
    return make_finding(
        angle=ANGLE,
        code=code,
        segment=segment,
        revenue=_report_revenue(report),
        config=report.config,
        title=t(title_key or f"mk_f_{key}_title", lang, **title_fmt),
        detail=t(f"mk_f_{key}_detail", lang, **fmt),
        action=t(f"mk_f_{key}_action", lang),
        **kw,
    )


def _channel_findings(report: Report) -> list[dict]:
    lang = report.lang
    out = []
    for region, segment in _scopes(report):
        for row in channel_frame(report, region).itertuples():
            if not row.flagged:
                continue
            fmt = {
                "revenue": format_amount(row.revenue, lang),
                "orders": format_int(row.orders),
                "baseline": format_amount(row.baseline, lang),
                "change": _signed(row.change),
                "usual_orders": _fmt_num(row.usual_orders),
            }
            out.append(
                _finding(
                    report, "channel_underperform", {**segment, "channel": row.channel}, "channel", fmt,
                    {"where": _where(report, segment), "channel": row.channel},
                    metric="channel_revenue", value=row.revenue, baseline=row.baseline, effect=row.effect,
                )
            )  # fmt: skip
    return out


def _new_customer_findings(report: Report) -> tuple[list[dict], set[str]]:
    """new_customer_drop findings and the regions (scopes) where they fired."""
    lang = report.lang
    out, fired = [], set()
    for region, segment in _scopes(report):
        test = new_customer_test(report, region)
        if not test["flagged"]:
            continue
        fired.add(region)
        fmt = {
            "count": format_int(test["count"]),
            "baseline": _fmt_num(test["baseline"]),
            "usual": _fmt_num(test["usual"]),
            "last_year": format_int(test["last_year"]),
            "change": _signed(test["change"]),
            "avg": format_amount(test["avg_first_revenue"], lang),
        }
        out.append(
            _finding(
                report, "new_customer_drop", segment, "new", fmt, {"where": _where(report, segment)},
                metric="new_customers", value=test["count"], baseline=test["baseline"], effect=test["effect"],
            )
        )  # fmt: skip
    return out, fired


def _cac_findings(report: Report, skip: set[str]) -> list[dict]:
    """acquisition_cost_high per source, except in scopes where all acquisition fell (new_customer_drop)."""
    lang = report.lang
    out = []
    for region, segment in _scopes(report):
        if region in skip:
            continue
        for row in acquisition_cost_frame(report, region).itertuples():
            if not row.flagged:
                continue
            fmt = {
                "spend": format_amount(row.spend, lang),
                "count": format_int(row.new_customers),
                "cac": format_amount(row.cac, lang),
                "usual": format_amount(row.usual_cac, lang),
                "expected": _fmt_num(row.expected_new),
            }
            out.append(
                _finding(
                    report, "acquisition_cost_high", {**segment, "source": row.source}, "cac", fmt,
                    {"where": _where(report, segment), "source": row.source},
                    metric="cac", value=row.cac, baseline=row.usual_cac, effect=row.effect,
                )
            )  # fmt: skip
    return out


def _churn_findings(report: Report) -> list[dict]:
    out = []
    k = report.config["baselines"]["trailing_months"]
    for region, segment in _scopes(report):
        test = retention_test(report, region)
        if not test["flagged"]:
            continue
        fmt = {
            "k": k,
            "base": format_int(test["window_buyers"]),
            "retained": format_int(test["retained"]),
            "rate": format_pct(test["rate"]),
            "usual": format_pct(test["baseline"]),
            "lapsed": format_int(test["lapsed"]),
        }
        out.append(
            _finding(
                report, "customer_churn_rise", segment, "churn", fmt, {"where": _where(report, segment)},
                metric="retention_rate", value=test["rate"], baseline=test["baseline"], effect=test["effect"],
            )
        )  # fmt: skip
    return out


def _concentration_findings(report: Report) -> list[dict]:
    thresholds = report.config["thresholds"]
    m = concentration_metrics(report)
    if m["top_share"] is None or m["months"] < _cfg(report)["concentration_months"] / 2:
        return []  # a window of a few months makes any small customer base look concentrated
    largest = m["largest_share"] >= thresholds["concentration_largest_share"]
    top = (
        m["top_share"] >= thresholds["concentration_top10_share"]
        and m["customers"] >= _cfg(report)["concentration_min_customers"]
    )  # with few customers the top 10 are a large part of the base and hold most revenue by construction
    if not (largest or top):
        return []
    fmt = {
        "months": m["months"],
        "n": m["top_n"],
        "largest": format_pct(m["largest_share"]),
        "largest_limit": format_pct(thresholds["concentration_largest_share"]),
        "top": format_pct(m["top_share"]),
        "top_limit": format_pct(thresholds["concentration_top10_share"]),
        "hhi": _fmt_num(m["hhi"], 3),
    }
    if largest:
        name = customer_facts(report.ds)["name"].get(m["largest_customer"], m["largest_customer"])
        return [
            _finding(
                report, "customer_concentration", {"customer_id": m["largest_customer"]}, "conc", fmt,
                {"where": "", "customer": name}, title_key="mk_f_conc_largest_title", metric="largest_customer_share",
                value=m["largest_share"], baseline=thresholds["concentration_largest_share"],
                effect=m["largest_revenue"],
            )
        ]  # fmt: skip
    return [
        _finding(
            report, "customer_concentration", {}, "conc", fmt, {"where": ""}, metric="top10_share",
            value=m["top_share"], baseline=thresholds["concentration_top10_share"], effect=m["top_revenue"],
        )
    ]  # fmt: skip


def _region_findings(report: Report) -> list[dict]:
    if report.region != ALL:
        return []
    lang = report.lang
    company = company_summary(report)
    out = []
    for row in region_frame(report).itertuples():
        if not row.flagged:
            continue
        fmt = {
            "revenue": format_amount(row.revenue, lang),
            "attainment": format_pct(row.attainment),
            "company": format_pct(company["attainment"]),
            "baseline": format_amount(row.baseline, lang),
            "change": _signed(row.change),
        }
        low = not pd.isna(row.attainment) and row.attainment < _cfg(report)["region_attainment"]
        out.append(
            _finding(
                report, "region_underperform", {"region": row.region}, "region", fmt, {"region": row.region},
                metric="attainment" if low else "revenue_vs_baseline",
                value=row.attainment if low else row.revenue, baseline=1.0 if low else row.baseline,
                effect=row.effect,
            )
        )  # fmt: skip
    return out


def angle_findings(report: Report) -> list[dict[str, Any]]:
    """Every market finding of the report, computed once per report.

    Codes: channel_underperform, new_customer_drop, acquisition_cost_high (needs marketing_spend and
    customers), customer_churn_rise, customer_concentration, region_underperform (ALL report only).
    """

    def build() -> list[dict[str, Any]]:
        ds = report.ds
        found = _channel_findings(report)
        new, fired = _new_customer_findings(report)
        found += new
        if ds.has("marketing_spend") and ds.has("customers"):
            found += _cac_findings(report, fired)
        found += _churn_findings(report)
        found += _concentration_findings(report)
        found += _region_findings(report)
        return found

    return report.memo("market_findings", build)


def angle_metrics(report: Report) -> dict[str, Any]:
    """The market angle's key numbers: customers won and kept, RFM tiers, concentration and lifetime value."""
    test = retention_test(report)
    new = new_customer_test(report)
    conc = concentration_metrics(report)
    out: dict[str, Any] = {
        "new_customers": new["count"],
        "new_customers_usual": new["usual"],
        "buyers": test["buyers"],
        "returning_buyers": test["returning_buyers"],
        "repeat_purchase_rate": test["repeat_rate"],
        "returning_revenue": test["returning_revenue"],
        "retention_rate": None if math.isnan(test["rate"]) else test["rate"],
        "lapsed_customers": test["lapsed"],
        "top10_share": conc["top_share"],
        "largest_customer_share": conc["largest_share"],
        "hhi": conc["hhi"],
    }
    tiers = rfm_tiers_frame(report)
    for row in tiers.itertuples():
        out[f"rfm_{row.tier}"] = int(row.customers)
    if report.ds.has("marketing_spend") and report.ds.has("customers"):
        cac = acquisition_cost_frame(report)
        spend, won = float(cac["spend"].sum()), int(cac["new_customers"].sum())
        out["marketing_spend"] = spend
        out["cac"] = spend / won if won else None
    fit = clv_model(report)
    customers = fit["customers"]
    if fit["bgnbd"] is not None and len(customers):
        at_risk = clv_at_risk_frame(report)
        out.update(
            {
                "clv_customers": int(len(customers)),
                "clv_mean_p_alive": float(customers["p_alive"].mean()),
                "clv_expected_purchases_next_month": float(customers["expected_purchases"].sum()),
                "clv_expected_value_next_month": float(customers["expected_value"].sum()),
                "clv_at_risk_customers": int(len(at_risk)),
                "clv_value_at_risk": float(at_risk["value_at_risk"].sum()),
            }
        )
    return out
