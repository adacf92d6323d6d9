"""Product angle (产品与竞争): contribution, lifecycle, new products, returns, price and margin, bundles, lost deals.

Every analysis is a ``*_frame(report)`` with the raw numbers and a ``*_panel(report)`` showing them. Figures are
for the report's scope (region, or the whole company) and month, against the trailing months
(``baselines.trailing_months``, default 3) and, where the data reaches back, the same month last year.

Definitions used throughout:

- revenue = quantity × unit_price (order_lines); list revenue = quantity × list_price, where list_price comes
  from the order line, else from products; cost = quantity × unit_cost, likewise.
- discount depth = 1 − unit_price / list_price per order line, averaged with the lines' revenue as weights
  (lines without a list price are left out); gross margin = 1 − cost / revenue over lines with a known cost
  (the same as the revenue-weighted average of the lines' margins).
- return rate = units returned in the month (by ``returned_at``, region of the returned order) ÷ units sold in
  the month: what a manager sees at month end, without waiting for later returns.
- a lost deal belongs to the month of its ``closed_at`` (else ``expected_close_at``) and to the region of the deal
  (else of its customer, else of its rep).

In the ALL report the findings are looked for in every region as well as company-wide (segment
``{"region": ...}`` added), so a problem of one region is not averaged away; a company-wide finding is dropped
when the same problem is found in a region. The revenue at stake (``effect``) is: the shortfall against the
baseline for a declining product line; the revenue refunded beyond the usual return rate; the discount given
beyond the usual depth; the gross profit lost to a lower margin; the amount of deals lost to a competitor beyond
its usual month.
"""

from __future__ import annotations

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
from .findings import make_finding, rank_findings
from .i18n import t
from .periods import ALL
from .report import Report

ANGLE = "product"
CODES = ("product_line_decline", "return_rate_high", "discount_deepening", "margin_erosion", "lost_to_competitor")
STAGES = ("intro", "growth", "mature", "decline")  # lifecycle stages, in order


# ------------------------------------------------------------------------------------------------ helpers


def _cached(ds, key: str, build):
    return facts.per_dataset(ds, ("product", key), lambda: build(ds))


def _cfg(report: Report) -> dict[str, Any]:
    return report.config["product"]


def _shift(month: str, k: int) -> str:
    """The month ``k`` months before ``month`` (after it for negative ``k``)."""
    return str(pd.Period(month, freq="M") - k)


def _covered(report: Report, months: list[str]) -> list[str]:
    first, last = facts.data_months(report.ds)
    return [m for m in months if first <= m <= last]


def _trailing(report: Report) -> list[str]:
    return _covered(report, report.baselines.trailing_labels)


def _yoy(report: Report) -> str | None:
    month = str(report.baselines.same_month_last_year)
    return month if _covered(report, [month]) else None


def _report_revenue(report: Report) -> float:
    orders = facts.in_region(facts.order_facts(report.ds), report.region)
    return float(facts.in_months(orders, report.period)["revenue"].sum())


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator and not pd.isna(denominator) else float("nan")


def _none(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _where(report: Report, scope: str) -> str:
    return "" if scope == report.region or scope == ALL else t("prod_where", report.lang, region=scope)


def _pct_points(value: float) -> str:
    return f"{abs(value) * 100:.1f}"


def lines(ds) -> pd.DataFrame:
    """Order lines with their order's month, region, channel, customer, rep and the product's line and name.

    Adds ``list_price`` and ``unit_cost`` (order line, else products), ``list_revenue``, ``cost``, ``discount``
    (1 − unit_price / list_price, ``NaN`` without a list price), ``margin`` (1 − unit_cost / unit_price),
    ``order_date`` and ``order_revenue`` (the whole order's revenue). Cached per dataset.
    """

    def build(ds) -> pd.DataFrame:
        frame = facts.line_facts(ds).copy()
        raw = ds.get("order_lines")
        products = ds.get("products")
        if raw is None or frame.empty:
            columns = ["list_price", "unit_cost", "list_revenue", "cost", "discount", "margin", "product_name"]
            return frame.assign(**{c: pd.Series(dtype=float) for c in columns})
        list_price = pd.Series(raw["list_price"].to_numpy(dtype=float), index=frame.index)
        unit_cost = pd.Series(raw["unit_cost"].to_numpy(dtype=float), index=frame.index)
        if products is not None:
            by_product = products.set_index("product_id")
            list_price = list_price.fillna(frame["product_id"].map(by_product["list_price"]))
            unit_cost = unit_cost.fillna(frame["product_id"].map(by_product["unit_cost"]))
            names = frame["product_id"].map(by_product["product_name"])
        else:
            names = pd.Series(np.nan, index=frame.index)
        frame["product_name"] = names.fillna(frame["product_id"]).astype(str)
        list_price = list_price.where(list_price > 0)
        frame["list_price"] = list_price.astype(float)
        frame["unit_cost"] = unit_cost.astype(float)
        frame["list_revenue"] = frame["quantity"] * frame["list_price"]
        frame["cost"] = frame["quantity"] * frame["unit_cost"]
        frame["discount"] = 1 - frame["unit_price"] / frame["list_price"]
        frame["margin"] = 1 - frame["unit_cost"] / frame["unit_price"].where(frame["unit_price"] > 0)
        orders = facts.order_facts(ds).set_index("order_id")
        frame["order_date"] = frame["order_id"].map(orders["order_date"])
        frame["order_revenue"] = frame["order_id"].map(orders["revenue"])
        return frame

    return _cached(ds, "lines", build)


def _scoped_lines(report: Report) -> pd.DataFrame:
    return facts.in_region(lines(report.ds), report.region)


def _with_scopes(frame: pd.DataFrame, report: Report) -> pd.DataFrame:
    """``frame`` with a ``scope`` column: the report's region, or ALL plus every known region for ALL reports."""
    if report.region != ALL:
        return frame[frame["region"] == report.region].assign(scope=report.region)
    regional = frame[frame["region"] != facts.UNKNOWN]
    return pd.concat([frame.assign(scope=ALL), regional.assign(scope=regional["region"])], ignore_index=True)


def _weighted(frame: pd.DataFrame, value: str, weight: str, prefix: str) -> pd.DataFrame:
    """Columns to sum for a weighted mean of ``value`` and its standard error: w, w·x, w², w²·x, w²·x²."""
    ok = frame[value].notna() & frame[weight].notna() & (frame[weight] > 0)
    w = frame[weight].where(ok, 0.0)
    x = frame[value].where(ok, 0.0)
    return pd.DataFrame(
        {f"{prefix}_w": w, f"{prefix}_wx": w * x, f"{prefix}_w2": w * w, f"{prefix}_w2x": w * w * x,
         f"{prefix}_w2x2": w * w * x * x},
        index=frame.index,
    )  # fmt: skip


def _weighted_mean(sums: pd.DataFrame, prefix: str) -> tuple[pd.Series, pd.Series]:
    """Weighted mean and its standard error from the sums made by :func:`_weighted`."""
    w = sums[f"{prefix}_w"]
    mean = sums[f"{prefix}_wx"] / w.where(w > 0)
    var = (sums[f"{prefix}_w2x2"] - 2 * mean * sums[f"{prefix}_w2x"] + mean * mean * sums[f"{prefix}_w2"]) / w**2
    return mean, np.sqrt(var.clip(lower=0.0))


def _region_label(report: Report, scope: str) -> dict[str, str]:
    return {"region": scope} if report.region == ALL and scope != ALL else {}


def _prefer_regions(findings: list[tuple[str, tuple, dict]]) -> list[dict]:
    """Drop a company-wide finding when the same problem (same key) was also found in a region."""
    regional = {key for scope, key, _ in findings if scope != ALL}
    return [f for scope, key, f in findings if scope != ALL or key not in regional]


# ------------------------------------------------------------------------------------- 1. product lines


def line_frame(report: Report) -> pd.DataFrame:
    """Revenue, share and order count per product line this month, against last month, last year and trailing.

    Columns: product_line, revenue, share, orders, prev_revenue, yoy_revenue (``NaN`` when the data does not
    reach back a year), trailing_avg (average month of the trailing months), mom_growth, yoy_growth,
    vs_trailing. Shares sum to 1. Sorted by revenue, largest first.
    """
    data = _scoped_lines(report)
    prev = _covered(report, [str(report.baselines.previous_month)])
    yoy, trailing = _yoy(report), _trailing(report)
    months = {report.period, *prev, *trailing, *([yoy] if yoy else [])}
    data = facts.in_months(data, sorted(months))
    pivot = data.pivot_table(index="product_line", columns="month", values="revenue", aggfunc="sum", fill_value=0.0)
    orders = facts.in_months(data, report.period).groupby("product_line")["order_id"].nunique()

    def col(month: str | None) -> pd.Series:
        if month is None:
            return pd.Series(np.nan, index=pivot.index)
        return pivot[month] if month in pivot.columns else pd.Series(0.0, index=pivot.index)

    frame = pd.DataFrame({"revenue": col(report.period)})
    total = frame["revenue"].sum()
    frame["share"] = frame["revenue"] / total if total > 0 else np.nan
    frame["orders"] = orders.reindex(frame.index, fill_value=0).astype(int)
    frame["prev_revenue"] = col(prev[0]) if prev else np.nan
    frame["yoy_revenue"] = col(yoy)
    frame["trailing_avg"] = sum(col(m) for m in trailing) / len(trailing) if trailing else np.nan
    for name, base in (("mom_growth", "prev_revenue"), ("yoy_growth", "yoy_revenue"), ("vs_trailing", "trailing_avg")):
        frame[name] = frame["revenue"] / frame[base].where(frame[base] > 0) - 1
    frame = frame.astype(float).rename_axis("product_line").reset_index()
    frame["orders"] = frame["orders"].astype(int)
    return frame.sort_values(["revenue", "product_line"], ascending=[False, True]).reset_index(drop=True)


def line_panel(report: Report) -> Panel:
    """产品线贡献: revenue per line this month against the trailing average, with shares and growth."""
    lang = report.lang
    if not report.ds.has("order_lines"):
        return Panel.skipped(t("needs_table", lang, tables="order_lines"))
    frame = line_frame(report)
    if frame.empty or frame["revenue"].sum() == 0:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plotting.plot_bar_compare(
        frame, label="product_line", current="revenue", baseline="trailing_avg", lang=lang,
        legend=(t("prod_this_month", lang), t("prod_trailing", lang)),
        title=f"{t('prod_line_title', lang)} · {report.region_label}",
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("prod_line", lang): frame["product_line"],
            t("prod_revenue", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("prod_share", lang): frame["share"].map(format_pct),
            t("prod_orders", lang): frame["orders"].map(format_int),
            t("prod_mom", lang): frame["mom_growth"].map(lambda v: format_pct(v, signed=True)),
            t("prod_yoy", lang): frame["yoy_growth"].map(lambda v: format_pct(v, signed=True)),
            t("prod_vs_trailing", lang): frame["vs_trailing"].map(lambda v: format_pct(v, signed=True)),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure)


# ------------------------------------------------------------------------------------- 2. product Pareto


def product_frame(report: Report) -> pd.DataFrame:
    """Revenue per product this month, largest first, with its share, cumulative share and rank.

    Columns: product_id, product_name, product_line, revenue, units, orders, share, cum_share, rank, top
    (within the configured top N). Shares sum to 1; ``cum_share`` ends at 1.
    """
    data = facts.in_months(_scoped_lines(report), report.period)
    grouped = data.groupby(["product_id", "product_name", "product_line"], as_index=False).agg(
        revenue=("revenue", "sum"), units=("quantity", "sum"), orders=("order_id", "nunique")
    )
    grouped = grouped[grouped["revenue"] != 0]
    grouped = grouped.sort_values(["revenue", "product_id"], ascending=[False, True]).reset_index(drop=True)
    total = grouped["revenue"].sum()
    grouped["share"] = grouped["revenue"] / total if total > 0 else np.nan
    grouped["cum_share"] = grouped["share"].cumsum()
    grouped["rank"] = np.arange(1, len(grouped) + 1)
    grouped["top"] = grouped["rank"] <= _cfg(report)["top_products"]
    return grouped


def pareto_metrics(report: Report) -> dict[str, float | int | None]:
    """Top-N share (N = ``product.top_products``) and how many products make the Pareto share of revenue."""
    frame = product_frame(report)
    if frame.empty or frame["revenue"].sum() <= 0:
        return {"top_share": None, "pareto_products": None, "products_sold": int(len(frame))}
    line = _cfg(report)["pareto_share"]
    reached = frame.index[frame["cum_share"] >= line - 1e-12]
    return {
        "top_share": float(frame.loc[frame["top"], "share"].sum()),
        "pareto_products": int(reached[0] + 1) if len(reached) else int(len(frame)),
        "products_sold": int(len(frame)),
    }


def plot_pareto(
    frame: pd.DataFrame,
    *,
    label: str = "product_name",
    value: str = "revenue",
    cum: str = "cum_share",
    line: float = 0.8,
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw a Pareto chart: bars of ``value`` largest first and the cumulative share as a line on a second axis.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item, sorted largest first.
    label, value, cum : str
        Columns with the item name, its amount and its cumulative share (0–1).
    line : float
        Cumulative share marked with a dashed line (0.8 = the 80% of the Pareto rule).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.bar``.

    Returns
    -------
    matplotlib.axes.Axes
        The bar axes (the cumulative line is on its twin).
    """
    ax = plotting.axes(ax)
    if frame is None or len(frame) == 0:
        return plotting.no_data(ax, lang, title)
    positions = plotting.category_axis(ax, frame[label].astype(str).tolist(), horizontal=False)
    ax.bar(positions, frame[value].to_numpy(dtype=float), width=0.7, color=plotting.PRIMARY, **kwargs)
    ax.yaxis.set_major_formatter(plotting.amount_formatter(lang))
    ax.set_ylabel(t("prod_revenue", lang))
    twin = ax.twinx()
    twin.plot(positions, frame[cum].to_numpy(dtype=float), color=plotting.BAD, marker="o", markersize=3, linewidth=1.4)
    twin.axhline(line, color=plotting.TARGET, linestyle="--", linewidth=1)
    twin.set_ylim(0, 1.05)
    twin.yaxis.set_major_formatter(plotting.pct_formatter())
    twin.set_ylabel(t("prod_cum_share", lang))
    twin.spines["right"].set_visible(True)
    return plotting.finish(ax, title)


def pareto_panel(report: Report) -> Panel:
    """产品贡献与帕累托: products by revenue with the cumulative share curve, Top-N share in the note."""
    lang = report.lang
    if not report.ds.has("order_lines"):
        return Panel.skipped(t("needs_table", lang, tables="order_lines"))
    frame = product_frame(report)
    if frame.empty or frame["revenue"].sum() <= 0:
        return Panel(frame=frame, note=t("no_data", lang))
    cfg = _cfg(report)
    m = pareto_metrics(report)
    _, ax = plt.subplots(figsize=(8.0, 4.2), dpi=plotting.DPI, layout="constrained")
    plot_pareto(
        frame,
        line=cfg["pareto_share"],
        ax=ax,
        lang=lang,
        title=f"{t('prod_pareto_title', lang)} · {report.region_label}",
    )
    shown = frame.head(report.config["report"]["top_n"])
    table = pd.DataFrame(
        {
            "#": shown["rank"],
            t("prod_product", lang): shown["product_name"],
            t("prod_line", lang): shown["product_line"],
            t("prod_revenue", lang): shown["revenue"].map(lambda v: format_amount(v, lang)),
            t("prod_share", lang): shown["share"].map(format_pct),
            t("prod_cum_share", lang): shown["cum_share"].map(format_pct),
            t("prod_units", lang): shown["units"].map(format_int),
        }
    )
    note = t(
        "prod_pareto_note", lang, n=cfg["top_products"], top=format_pct(m["top_share"]), k=m["pareto_products"],
        total=m["products_sold"], line=format_pct(cfg["pareto_share"], 0),
    )  # fmt: skip
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ 3. lifecycle


def _launch_dates(ds) -> pd.Series:
    """Launch date per product: ``products.launch_date`` where present, else the first sale in the data."""

    def build(ds) -> pd.Series:
        data = lines(ds)
        first = data.groupby("product_id")["order_date"].min()
        products = ds.get("products")
        if products is None:
            return first
        launch = products.set_index("product_id")["launch_date"]
        return launch.reindex(launch.index.union(first.index)).fillna(first)

    return _cached(ds, "launch", build)


def _months_between(start: pd.Series, month: str) -> pd.Series:
    """Whole months from each date's month to ``month`` (0 in the launch month)."""
    end = pd.Period(month, freq="M")
    return start.map(lambda d: np.nan if pd.isna(d) else (end - pd.Period(d, freq="M")).n)


def lifecycle_frame(report: Report) -> pd.DataFrame:
    """Lifecycle stage of every product sold in the scope up to the period (导入/成长/成熟/衰退).

    Rule (thresholds in ``product``): a product's launch is ``products.launch_date``, else its first sale;
    ``recent`` is its revenue over the last three months (the period and the two before).

    - 导入 ``intro``: fewer than ``lifecycle_intro_months`` months since launch;
    - otherwise its growth is ``recent`` against the same three months a year earlier when it was on sale for
      all of them (seasonality cancels out), else against the three months before;
    - 衰退 ``decline``: growth ≤ −``lifecycle_growth``, or ``recent`` below ``lifecycle_peak_share`` of its best
      three consecutive months since launch;
    - 成长 ``growth``: growth ≥ ``lifecycle_growth`` (or no sales at all in the comparison months);
    - 成熟 ``mature``: the rest.

    Columns: product_id, product_name, product_line, launch, age_months, recent, compare, growth, peak,
    of_peak, stage. Sorted by stage order, then recent revenue.
    """
    cfg = _cfg(report)
    data = _scoped_lines(report)
    data = data[data["month"] <= report.period]
    launch = _launch_dates(report.ds)
    if data.empty:
        return pd.DataFrame(
            columns=["product_id", "product_name", "product_line", "launch", "age_months", "recent", "compare",
                     "growth", "peak", "of_peak", "stage"]
        )  # fmt: skip
    first, _ = facts.data_months(report.ds)
    months = [str(p) for p in pd.period_range(first, report.period, freq="M")]
    pivot = data.pivot_table(index="product_id", columns="month", values="revenue", aggfunc="sum", fill_value=0.0)
    pivot = pivot.reindex(columns=months, fill_value=0.0)
    info = data.drop_duplicates("product_id").set_index("product_id")[["product_name", "product_line"]]
    frame = info.reindex(pivot.index)
    frame["launch"] = launch.reindex(pivot.index)
    frame["age_months"] = _months_between(frame["launch"], report.period)
    launch_month = frame["launch"].map(lambda d: str(pd.Period(d, freq="M")) if not pd.isna(d) else first)
    rolling = pivot.T.rolling(3, min_periods=1).sum().T
    last3 = [_shift(report.period, k) for k in (2, 1, 0)]
    year3 = [_shift(m, 12) for m in last3]
    prev3 = [_shift(m, 3) for m in last3]
    recent = pivot.reindex(columns=last3, fill_value=0.0).sum(axis=1)
    use_year = (launch_month <= year3[0]) & (year3[0] >= first)
    compare = pd.Series(
        np.where(use_year, pivot.reindex(columns=year3, fill_value=0.0).sum(axis=1),
                 pivot.reindex(columns=prev3, fill_value=0.0).sum(axis=1)),
        index=pivot.index,
    )  # fmt: skip
    peak = pd.Series(
        [rolling.loc[p, [m for m in months if m >= launch_month[p]]].max() for p in pivot.index], index=pivot.index
    )
    frame["recent"] = recent
    frame["compare"] = compare
    frame["growth"] = recent / compare.where(compare > 0) - 1
    frame["peak"] = peak
    frame["of_peak"] = recent / peak.where(peak > 0)
    g = cfg["lifecycle_growth"]
    intro = frame["age_months"] < cfg["lifecycle_intro_months"]
    decline = (frame["growth"] <= -g) | (frame["of_peak"] < cfg["lifecycle_peak_share"])
    growth = (frame["growth"] >= g) | ((compare <= 0) & (recent > 0))
    frame["stage"] = np.select([intro, decline, growth], ["intro", "decline", "growth"], "mature")
    frame = frame[(pivot.sum(axis=1) != 0)].rename_axis("product_id").reset_index()
    order = frame["stage"].map({s: k for k, s in enumerate(STAGES)})
    frame = frame.assign(_o=order).sort_values(["_o", "recent", "product_id"], ascending=[True, False, True])
    return frame.drop(columns="_o").reset_index(drop=True)


_STAGE_COLORS = {
    "intro": plotting.PALETTE[4],
    "growth": plotting.GOOD,
    "mature": plotting.PRIMARY,
    "decline": plotting.BAD,
}


def plot_lifecycle(
    frame: pd.DataFrame,
    *,
    label: str = "product_name",
    value: str = "recent",
    stage: str = "stage",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Draw one horizontal bar per product (its recent revenue), coloured by lifecycle stage, in frame order.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per product, as :func:`lifecycle_frame` returns it.
    label, value, stage : str
        Columns with the product name, the amount drawn and the stage key (``intro``/``growth``/``mature``/
        ``decline``).
    ax, lang, title, **kwargs
        As in :func:`salesnb.display.plotting.plot_trend`; ``**kwargs`` go to ``ax.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax, rows=0 if frame is None else len(frame))
    if frame is None or len(frame) == 0:
        return plotting.no_data(ax, lang, title)
    positions = plotting.category_axis(ax, frame[label].astype(str).tolist(), horizontal=True)
    values = frame[value].to_numpy(dtype=float)
    colors = [_STAGE_COLORS.get(s, plotting.NEUTRAL) for s in frame[stage]]
    ax.barh(positions, values, height=0.6, color=colors, **kwargs)
    plotting.bar_end_labels(ax, positions, values, [format_amount(v, lang) for v in values])
    ax.set_xlim(0, max(np.nanmax(values), 1e-9) * 1.25)
    ax.xaxis.set_major_formatter(plotting.amount_formatter(lang))
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=_STAGE_COLORS[s], label=t(f"prod_stage_{s}", lang))
        for s in STAGES
        if s in set(frame[stage])
    ]
    plotting.legend(ax, handles=handles)
    return plotting.finish(ax, title)


def lifecycle_panel(report: Report) -> Panel:
    """产品生命周期: each product's last three months of revenue, coloured by stage, with the rule in the note."""
    lang = report.lang
    if not report.ds.has("order_lines"):
        return Panel.skipped(t("needs_table", lang, tables="order_lines"))
    frame = lifecycle_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    cfg = _cfg(report)
    ax = plot_lifecycle(frame, lang=lang, title=f"{t('prod_lifecycle_title', lang)} · {report.region_label}")
    table = pd.DataFrame(
        {
            t("prod_product", lang): frame["product_name"],
            t("prod_line", lang): frame["product_line"],
            t("prod_stage", lang): frame["stage"].map(lambda s: t(f"prod_stage_{s}", lang)),
            t("prod_launch", lang): frame["launch"].map(
                lambda d: "—" if pd.isna(d) else pd.Timestamp(d).strftime("%Y-%m")
            ),
            t("prod_age", lang): frame["age_months"].map(format_int),
            t("prod_recent", lang): frame["recent"].map(lambda v: format_amount(v, lang)),
            t("prod_growth", lang): frame["growth"].map(lambda v: format_pct(v, signed=True)),
            t("prod_of_peak", lang): frame["of_peak"].map(format_pct),
        }
    )
    note = t(
        "prod_lifecycle_note", lang, intro=cfg["lifecycle_intro_months"], g=format_pct(cfg["lifecycle_growth"], 0),
        peak=format_pct(cfg["lifecycle_peak_share"], 0),
    )  # fmt: skip
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------ 4. new products


def _returns(ds) -> pd.DataFrame:
    """Returns with the returned order's region, the month returned and the refunded value (units × unit price)."""

    def build(ds) -> pd.DataFrame:
        returns = ds.get("returns")
        if returns is None:
            return pd.DataFrame(columns=["order_id", "product_id", "quantity", "reason", "region", "month", "value"])
        data = lines(ds)
        orders = facts.order_facts(ds).set_index("order_id")
        price = data.drop_duplicates(["order_id", "product_id"]).set_index(["order_id", "product_id"])["unit_price"]
        frame = pd.DataFrame(
            {
                "order_id": returns["order_id"],
                "product_id": returns["product_id"],
                "quantity": returns["quantity"].astype(float),
                "returned_at": returns["returned_at"],
                "reason": returns["reason"].fillna(facts.UNKNOWN).astype(str),
            }
        )
        frame["region"] = frame["order_id"].map(orders["region"]).fillna(facts.UNKNOWN).astype(str)
        frame["month"] = frame["returned_at"].dt.strftime("%Y-%m")
        keys = pd.MultiIndex.from_frame(frame[["order_id", "product_id"]])
        frame["value"] = frame["quantity"] * price.reindex(keys).to_numpy(dtype=float)
        return frame

    return _cached(ds, "returns", build)


def new_products_frame(report: Report) -> pd.DataFrame:
    """Adoption of the products launched in the last ``product.new_product_months`` months (launch month included).

    Per product: launch, revenue (this month), revenue_since_launch, buyers (this month), buyers_since_launch,
    orders_since_launch, repeat_rate (share of its buyers since launch with two or more orders of it),
    units_sold and units_returned since launch (returns up to the end of the period), return_rate
    (``NaN`` without a returns table). Sorted by launch, newest first.
    """
    n = _cfg(report)["new_product_months"]
    launch = _launch_dates(report.ds)
    first_new = pd.Period(report.period, freq="M") - (n - 1)
    end = (pd.Period(report.period, freq="M") + 1).start_time
    new = launch[(launch >= first_new.start_time) & (launch < end)]
    columns = ["product_id", "product_name", "product_line", "launch", "revenue", "revenue_since_launch", "buyers",
               "buyers_since_launch", "orders_since_launch", "repeat_rate", "units_sold", "units_returned",
               "return_rate"]  # fmt: skip
    if new.empty:
        return pd.DataFrame(columns=columns)
    data = _scoped_lines(report)
    data = data[data["product_id"].isin(new.index) & (data["month"] <= report.period)]
    products = report.ds.get("products")
    names = products.set_index("product_id") if products is not None else pd.DataFrame()
    rows = []
    for product_id, launched in new.sort_values(ascending=False).items():
        part = data[data["product_id"] == product_id]
        now = part[part["month"] == report.period]
        per_buyer = part.groupby("customer_id")["order_id"].nunique()
        returned = float("nan")
        if report.ds.has("returns"):
            back = facts.in_region(_returns(report.ds), report.region)
            back = back[(back["product_id"] == product_id) & (back["month"] <= report.period)]
            returned = float(back["quantity"].sum())
        units = float(part["quantity"].sum())
        rows.append(
            {
                "product_id": product_id,
                "product_name": str(names["product_name"].get(product_id, product_id)) if len(names) else product_id,
                "product_line": str(names["product_line"].get(product_id, facts.UNKNOWN))
                if len(names)
                else facts.UNKNOWN,
                "launch": launched,
                "revenue": float(now["revenue"].sum()),
                "revenue_since_launch": float(part["revenue"].sum()),
                "buyers": int(now["customer_id"].nunique()),
                "buyers_since_launch": int(len(per_buyer)),
                "orders_since_launch": int(part["order_id"].nunique()),
                "repeat_rate": float((per_buyer >= 2).mean()) if len(per_buyer) else float("nan"),
                "units_sold": units,
                "units_returned": returned,
                "return_rate": returned / units if units > 0 else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def new_products_panel(report: Report) -> Panel:
    """新产品表现: revenue this month and since launch per new product; buyers, repeat and return rates."""
    lang = report.lang
    if not report.ds.has("order_lines", "products"):
        return Panel.skipped(t("needs_table", lang, tables=", ".join(report.ds.missing("order_lines", "products"))))
    n = _cfg(report)["new_product_months"]
    frame = new_products_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("prod_no_new", lang, n=n))
    ax = plotting.plot_bar_compare(
        frame, label="product_name", current="revenue", baseline="revenue_since_launch", lang=lang,
        legend=(t("prod_this_month", lang), t("prod_since_launch", lang)),
        title=f"{t('prod_new_title', lang)} · {report.region_label}",
    )  # fmt: skip
    table = pd.DataFrame(
        {
            t("prod_product", lang): frame["product_name"],
            t("prod_launch", lang): frame["launch"].map(lambda d: pd.Timestamp(d).strftime("%Y-%m-%d")),
            t("prod_revenue", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("prod_since_launch", lang): frame["revenue_since_launch"].map(lambda v: format_amount(v, lang)),
            t("prod_buyers", lang): frame["buyers"].map(format_int),
            t("prod_buyers_total", lang): frame["buyers_since_launch"].map(format_int),
            t("prod_repeat_rate", lang): frame["repeat_rate"].map(format_pct),
            t("prod_return_rate", lang): frame["return_rate"].map(format_pct),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=t("prod_new_note", lang, n=n))


# ------------------------------------------------------------------------------------------------ 5. returns


def _sold_by_product(report: Report, months: list[str]) -> pd.DataFrame:
    data = facts.in_months(_scoped_lines(report), months)
    return data.groupby("product_id").agg(units_sold=("quantity", "sum"), lines_sold=("quantity", "size"))


def returns_frame(report: Report) -> pd.DataFrame:
    """Return rate per product this month against the trailing months.

    Columns: product_id, product_name, product_line, units_sold, units_returned, lines_returned, returned_value,
    return_rate (units returned ÷ units sold, both in the month), baseline_rate (the same over the trailing
    months pooled), top_reason. Products with sales or returns this month; sorted by units returned.
    """
    back = facts.in_region(_returns(report.ds), report.region)
    trailing = _trailing(report)
    now = back[back["month"] == report.period]
    sold = _sold_by_product(report, [report.period])
    returned = now.groupby("product_id").agg(
        units_returned=("quantity", "sum"), lines_returned=("quantity", "size"), returned_value=("value", "sum")
    )
    frame = sold.join(returned, how="outer").fillna(0.0)
    base_sold = _sold_by_product(report, trailing)["units_sold"]
    base_back = back[back["month"].isin(trailing)].groupby("product_id")["quantity"].sum()
    frame["return_rate"] = frame["units_returned"] / frame["units_sold"].where(frame["units_sold"] > 0)
    frame["baseline_rate"] = base_back.reindex(frame.index).fillna(0.0) / base_sold.reindex(frame.index).where(
        lambda s: s > 0
    )
    reasons = now.groupby(["product_id", "reason"])["quantity"].sum().reset_index()
    reasons = reasons.sort_values(["product_id", "quantity", "reason"], ascending=[True, False, True])
    frame["top_reason"] = reasons.drop_duplicates("product_id").set_index("product_id")["reason"].reindex(frame.index)
    info = lines(report.ds).drop_duplicates("product_id").set_index("product_id")
    frame = frame.rename_axis("product_id").reset_index()
    frame.insert(1, "product_name", frame["product_id"].map(info["product_name"]).fillna(frame["product_id"]))
    frame.insert(2, "product_line", frame["product_id"].map(info["product_line"]).fillna(facts.UNKNOWN))
    return frame.sort_values(
        ["units_returned", "return_rate", "product_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


def return_reasons_frame(report: Report) -> pd.DataFrame:
    """Returns per reason this month against the average trailing month: lines, units, refunded value, unit share."""
    back = facts.in_region(_returns(report.ds), report.region)
    trailing = _trailing(report)
    now = (
        back[back["month"] == report.period]
        .groupby("reason")
        .agg(lines=("quantity", "size"), units=("quantity", "sum"), value=("value", "sum"))
    )
    base = back[back["month"].isin(trailing)].groupby("reason")["quantity"].sum() / max(len(trailing), 1)
    frame = now.join(base.rename("baseline_units"), how="outer").fillna(0.0)
    total = frame["units"].sum()
    frame["share"] = frame["units"] / total if total > 0 else np.nan
    frame = frame.rename_axis("reason").reset_index()
    return frame.sort_values(["units", "reason"], ascending=[False, True]).reset_index(drop=True)


def returns_panel(report: Report) -> Panel:
    """退货分析: return rate of the products with returns against the trailing months, and returns by reason."""
    lang = report.lang
    if not report.ds.has("order_lines", "returns"):
        return Panel.skipped(t("needs_table", lang, tables=", ".join(report.ds.missing("order_lines", "returns"))))
    frame = returns_frame(report)
    reasons = return_reasons_frame(report)
    sold = frame["units_sold"].sum()
    units = frame["units_returned"].sum()
    trailing = _trailing(report)
    base_sold = _sold_by_product(report, trailing)["units_sold"].sum()
    back = facts.in_region(_returns(report.ds), report.region)
    base_units = back[back["month"].isin(trailing)]["quantity"].sum()
    note = t(
        "prod_returns_note", lang, rate=format_pct(_ratio(units, sold)), units=format_int(units), sold=format_int(sold),
        base=format_pct(_ratio(base_units, base_sold)),
    )  # fmt: skip
    shown = frame[frame["units_returned"] > 0].head(report.config["report"]["top_n"])
    if shown.empty:
        return Panel(frame=frame, note=t("prod_no_returns", lang) + " " + note)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, max(3.6, 0.5 * len(shown) + 1.2)), dpi=plotting.DPI,
                                      layout="constrained")  # fmt: skip
    plotting.plot_bar_compare(
        shown,
        unit="pct",
        label="product_name",
        current="return_rate",
        baseline="baseline_rate",
        ax=left,
        lang=lang,
        legend=(t("prod_this_month", lang), t("prod_trailing", lang)),
        title=t("prod_returns_title", lang),
    )
    plotting.plot_bar_compare(
        reasons,
        unit="count",
        label="reason",
        current="units",
        baseline="baseline_units",
        ax=right,
        lang=lang,
        legend=(t("prod_this_month", lang), t("prod_trailing", lang)),
        title=t("prod_reasons_title", lang),
    )
    table = pd.DataFrame(
        {
            t("prod_product", lang): shown["product_name"],
            t("prod_units", lang): shown["units_sold"].map(format_int),
            t("prod_returned", lang): shown["units_returned"].map(format_int),
            t("prod_return_rate", lang): shown["return_rate"].map(format_pct),
            t("prod_trailing", lang): shown["baseline_rate"].map(format_pct),
            t("prod_returned_value", lang): shown["returned_value"].map(lambda v: format_amount(v, lang)),
            t("prod_top_reason", lang): shown["top_reason"].fillna("—"),
        }
    )
    return Panel(frame=frame, table=table, figure=fig, note=note)


# ------------------------------------------------------------------------------------ 6. price and discount


def _rate_sums(data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: revenue, list revenue, cost, units and the sums behind discount depth and margin."""
    parts = pd.concat(
        [
            data[keys + ["revenue", "quantity"]],
            _weighted(data, "discount", "revenue", "d"),
            _weighted(data, "margin", "revenue", "m"),
            data["list_revenue"].where(data["discount"].notna(), 0.0).rename("list_revenue"),
        ],
        axis=1,
    )
    return parts.groupby(keys).sum(numeric_only=True)


def discount_frame(report: Report) -> pd.DataFrame:
    """Discount depth and gross margin per product line (and all lines) this month against the trailing months.

    Columns: product_line, is_total, revenue, list_revenue, discount (revenue-weighted 1 − unit/list price),
    baseline_discount, discount_change, margin (1 − cost/revenue), baseline_margin, margin_change, units,
    baseline_units (average trailing month), units_change.
    """
    data = _scoped_lines(report)
    trailing = _trailing(report)
    out = []
    for months, tag in (([report.period], "now"), (trailing, "base")):
        part = facts.in_months(data, months)
        sums = _rate_sums(part.assign(_all=t("prod_all_lines", report.lang)), ["product_line"])
        total = _rate_sums(part.assign(_all=t("prod_all_lines", report.lang)), ["_all"])
        sums = pd.concat([sums, total.rename_axis("product_line")])
        discount, _ = _weighted_mean(sums, "d")
        margin, _ = _weighted_mean(sums, "m")
        n = max(len(months), 1)
        out.append(
            pd.DataFrame(
                {
                    f"{tag}_revenue": sums["revenue"] / n,
                    f"{tag}_list_revenue": sums["list_revenue"] / n,
                    f"{tag}_discount": discount,
                    f"{tag}_margin": margin,
                    f"{tag}_units": sums["quantity"] / n,
                }
            )
        )
    both = out[0].join(out[1], how="left")
    frame = pd.DataFrame(
        {
            "is_total": both.index == t("prod_all_lines", report.lang),
            "revenue": both["now_revenue"],
            "list_revenue": both["now_list_revenue"],
            "discount": both["now_discount"],
            "baseline_discount": both["base_discount"],
            "margin": both["now_margin"],
            "baseline_margin": both["base_margin"],
            "units": both["now_units"],
            "baseline_units": both["base_units"],
        },
        index=both.index,
    )
    frame["discount_change"] = frame["discount"] - frame["baseline_discount"]
    frame["margin_change"] = frame["margin"] - frame["baseline_margin"]
    frame["units_change"] = frame["units"] / frame["baseline_units"].where(frame["baseline_units"] > 0) - 1
    frame = frame.rename_axis("product_line").reset_index()
    return frame.sort_values(["is_total", "revenue", "product_line"], ascending=[True, False, True]).reset_index(
        drop=True
    )


def discount_panel(report: Report) -> Panel:
    """折扣与毛利: discount depth and gross margin per product line, this month against the trailing months."""
    lang = report.lang
    if not report.ds.has("order_lines"):
        return Panel.skipped(t("needs_table", lang, tables="order_lines"))
    frame = discount_frame(report)
    if frame.empty or frame["revenue"].sum() == 0:
        return Panel(frame=frame, note=t("no_data", lang))
    legend = (t("prod_this_month", lang), t("prod_trailing", lang))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, max(3.6, 0.6 * len(frame) + 1.2)), dpi=plotting.DPI,
                                      layout="constrained")  # fmt: skip
    for ax, column, title in ((left, "discount", "prod_discount_title"), (right, "margin", "prod_margin_title")):
        plotting.plot_bar_compare(frame, label="product_line", current=column, baseline=f"baseline_{column}",
                                  unit="pct", ax=ax, lang=lang, legend=legend, title=t(title, lang))  # fmt: skip
    right.set_yticklabels([])
    suffix = t("prod_baseline_suffix", lang)
    table = pd.DataFrame(
        {
            t("prod_line", lang): frame["product_line"],
            t("prod_revenue", lang): frame["revenue"].map(lambda v: format_amount(v, lang)),
            t("prod_discount", lang): frame["discount"].map(format_pct),
            t("prod_discount", lang) + suffix: frame["baseline_discount"].map(format_pct),
            t("prod_margin", lang): frame["margin"].map(format_pct),
            t("prod_margin", lang) + suffix: frame["baseline_margin"].map(format_pct),
            t("prod_units_change", lang): frame["units_change"].map(lambda v: format_pct(v, signed=True)),
        }
    )
    note = t("prod_discount_note", lang)
    if frame["discount"].isna().all():
        note += " " + t("prod_needs_list_price", lang)
    return Panel(frame=frame, table=table, figure=fig, note=note)


def price_frame(report: Report) -> pd.DataFrame:
    """Price change per product against the trailing months and what happened to its volume and order value.

    Per product sold this month and in the trailing months: price (average unit price = revenue ÷ units),
    baseline_price, price_change; units and baseline_units (average trailing month), units_change; aov and
    baseline_aov (average value of the orders containing it), aov_change; elasticity = ln(units ratio) ÷
    ln(price ratio), ``NaN`` when the price moved less than 1%. Sorted by the size of the price change.
    """
    data = _scoped_lines(report)
    trailing = _trailing(report)
    keys = ["product_id", "product_name", "product_line"]

    def summary(months: list[str]) -> pd.DataFrame:
        part = facts.in_months(data, months)
        n = max(len(months), 1)
        per_order = part.drop_duplicates(["order_id", "product_id"])
        grouped = part.groupby(keys).agg(revenue=("revenue", "sum"), units=("quantity", "sum"))
        grouped["aov"] = per_order.groupby(keys)["order_revenue"].mean()
        grouped["units"] = grouped["units"] / n
        grouped["revenue"] = grouped["revenue"] / n
        return grouped

    now, base = summary([report.period]), summary(trailing)
    frame = now.join(base.add_suffix("_base"), how="inner")
    frame = frame[(frame["units"] > 0) & (frame["units_base"] > 0)]
    out = pd.DataFrame(
        {
            "revenue": frame["revenue"],
            "price": frame["revenue"] / frame["units"],
            "baseline_price": frame["revenue_base"] / frame["units_base"],
            "units": frame["units"],
            "baseline_units": frame["units_base"],
            "aov": frame["aov"],
            "baseline_aov": frame["aov_base"],
        }
    )
    out["price_change"] = out["price"] / out["baseline_price"] - 1
    out["units_change"] = out["units"] / out["baseline_units"] - 1
    out["aov_change"] = out["aov"] / out["baseline_aov"] - 1
    moved = out["price_change"].abs() >= 0.01
    out["elasticity"] = (np.log1p(out["units_change"]) / np.log1p(out["price_change"])).where(moved)
    out = out.reset_index()
    out["_abs"] = out["price_change"].abs()
    out = out.sort_values(["_abs", "product_id"], ascending=[False, True]).drop(columns="_abs")
    return out.reset_index(drop=True)


def plot_price_volume(
    frame: pd.DataFrame,
    *,
    x: str = "price_change",
    y: str = "units_change",
    size: str = "revenue",
    label: str = "product_name",
    ax: Axes | None = None,
    lang: str = "zh",
    title: str | None = None,
    **kwargs: object,
) -> Axes:
    """Scatter the price change (x) against the volume change (y) of each item, dots sized by ``size``.

    Volume changes are drawn clipped to −100%…+200%; the first three rows (the largest price moves, as
    :func:`price_frame` sorts them) are labelled. ``**kwargs`` go to ``ax.scatter``; the rest as in
    :func:`salesnb.display.plotting.plot_trend`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = plotting.axes(ax)
    if frame is None or len(frame) == 0:
        return plotting.no_data(ax, lang, title)
    xs, ys = frame[x].to_numpy(dtype=float), frame[y].to_numpy(dtype=float)
    ys = np.clip(ys, -1.0, 2.0)  # a product ramping up from almost nothing would flatten the others
    sizes = frame[size].to_numpy(dtype=float)
    sizes = 30 + 400 * sizes / max(np.nanmax(sizes), 1e-9)
    colors = [plotting.BAD if py < 0 else plotting.GOOD for py in ys]
    ax.scatter(xs, ys, s=sizes, c=colors, alpha=0.7, edgecolors="white", linewidths=0.6, **kwargs)
    ax.axhline(0, color=plotting.NEUTRAL, linewidth=0.8)
    ax.axvline(0, color=plotting.NEUTRAL, linewidth=0.8)
    for k in range(min(3, len(frame))):  # the frame comes sorted by the size of the price change
        ax.annotate(str(frame[label].iloc[k]), (xs[k], ys[k]), xytext=(4, 4 + 8 * k), textcoords="offset points",
                    fontsize=7, color=plotting.TARGET)  # fmt: skip
    ax.xaxis.set_major_formatter(plotting.pct_formatter())
    ax.yaxis.set_major_formatter(plotting.pct_formatter())
    ax.set_xlabel(t("prod_price_change", lang))
    ax.set_ylabel(t("prod_units_change", lang))
    ax.grid(color=plotting.GRID, linewidth=0.6)
    return plotting.finish(ax, title)


def price_panel(report: Report) -> Panel:
    """价格变化的影响: each product's price change against the trailing months and its volume change."""
    lang = report.lang
    if not report.ds.has("order_lines"):
        return Panel.skipped(t("needs_table", lang, tables="order_lines"))
    frame = price_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    ax = plot_price_volume(frame, lang=lang, title=f"{t('prod_price_title', lang)} · {report.region_label}")
    shown = frame.head(report.config["report"]["top_n"])
    table = pd.DataFrame(
        {
            t("prod_product", lang): shown["product_name"],
            t("prod_price", lang): shown["price"].map(lambda v: format_amount(v, lang)),
            t("prod_price_change", lang): shown["price_change"].map(lambda v: format_pct(v, signed=True)),
            t("prod_units_change", lang): shown["units_change"].map(lambda v: format_pct(v, signed=True)),
            t("prod_aov", lang): shown["aov"].map(lambda v: format_amount(v, lang)),
            t("prod_aov_change", lang): shown["aov_change"].map(lambda v: format_pct(v, signed=True)),
            t("prod_elasticity", lang): shown["elasticity"].map(lambda v: "—" if pd.isna(v) else f"{v:.2f}"),
        }
    )
    return Panel(frame=frame, table=table, figure=ax.figure, note=t("prod_price_note", lang))


# ---------------------------------------------------------------------------------------------- 7. bundles


def bundle_frame(report: Report) -> pd.DataFrame:
    """Pairs of products bought in the same order over the last ``product.bundle_months`` months.

    For a pair (a, b) over the N orders of the window: orders (with both), support = orders ÷ N,
    confidence_ab = orders ÷ orders with a, confidence_ba = orders ÷ orders with b, lift = support ÷ (share of
    orders with a × share with b); aov_with = average value of the orders with both, aov_without = average
    value of the orders with exactly one of the two, aov_uplift = aov_with ÷ aov_without − 1. Pairs in at least
    ``product.bundle_min_orders`` orders, sorted by lift then orders.
    """
    cfg = _cfg(report)
    months = _covered(report, [_shift(report.period, k) for k in range(cfg["bundle_months"] - 1, -1, -1)])
    data = facts.in_months(_scoped_lines(report), months)
    basket = data.drop_duplicates(["order_id", "product_id"])[["order_id", "product_id", "order_revenue"]]
    columns = ["product_a", "product_b", "name_a", "name_b", "orders", "support", "confidence_ab", "confidence_ba",
               "lift", "aov_with", "aov_without", "aov_uplift"]  # fmt: skip
    n_orders = basket["order_id"].nunique()
    multi = basket[basket.duplicated("order_id", keep=False)]
    if n_orders == 0 or multi.empty:
        return pd.DataFrame(columns=columns)
    pairs = multi.merge(multi[["order_id", "product_id"]], on="order_id", suffixes=("_a", "_b"))
    pairs = pairs[pairs["product_id_a"] < pairs["product_id_b"]]
    grouped = pairs.groupby(["product_id_a", "product_id_b"]).agg(
        orders=("order_id", "size"), value=("order_revenue", "sum")
    )
    grouped = grouped[grouped["orders"] >= cfg["bundle_min_orders"]]
    if grouped.empty:
        return pd.DataFrame(columns=columns)
    single = basket.groupby("product_id").agg(n=("order_id", "size"), value=("order_revenue", "sum"))
    a = grouped.index.get_level_values(0)
    b = grouped.index.get_level_values(1)
    n_a, n_b = single["n"].reindex(a).to_numpy(float), single["n"].reindex(b).to_numpy(float)
    v_a, v_b = single["value"].reindex(a).to_numpy(float), single["value"].reindex(b).to_numpy(float)
    n_ab, v_ab = grouped["orders"].to_numpy(float), grouped["value"].to_numpy(float)
    one = n_a + n_b - 2 * n_ab
    names = data.drop_duplicates("product_id").set_index("product_id")["product_name"]
    frame = pd.DataFrame(
        {
            "product_a": a, "product_b": b,
            "name_a": names.reindex(a).to_numpy(), "name_b": names.reindex(b).to_numpy(),
            "orders": n_ab.astype(int), "support": n_ab / n_orders, "confidence_ab": n_ab / n_a,
            "confidence_ba": n_ab / n_b, "lift": n_ab * n_orders / (n_a * n_b), "aov_with": v_ab / n_ab,
            "aov_without": np.where(one > 0, (v_a + v_b - 2 * v_ab) / np.where(one > 0, one, 1), np.nan),
        }
    )  # fmt: skip
    frame["aov_uplift"] = frame["aov_with"] / frame["aov_without"] - 1
    return frame.sort_values(
        ["lift", "orders", "product_a", "product_b"], ascending=[False, False, True, True]
    ).reset_index(drop=True)[columns]


def bundle_panel(report: Report) -> Panel:
    """产品组合: pairs bought together more often than by chance, and the value of the orders holding them."""
    lang = report.lang
    if not report.ds.has("order_lines"):
        return Panel.skipped(t("needs_table", lang, tables="order_lines"))
    cfg = _cfg(report)
    frame = bundle_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("prod_no_bundles", lang, m=cfg["bundle_months"], k=cfg["bundle_min_orders"]))
    shown = frame.head(report.config["report"]["top_n"]).copy()
    shown["pair"] = shown["name_a"].astype(str) + " + " + shown["name_b"].astype(str)
    ax = plotting.axes(None, rows=len(shown))
    positions = plotting.category_axis(ax, shown["pair"].tolist(), horizontal=True)
    lift = shown["lift"].to_numpy(dtype=float)
    ax.barh(positions, lift, height=0.6, color=[plotting.PRIMARY if v >= 1 else plotting.NEUTRAL for v in lift])
    ax.axvline(1.0, color=plotting.TARGET, linestyle="--", linewidth=1)
    plotting.bar_end_labels(ax, positions, lift, [f"{v:.2f}" for v in lift])
    ax.set_xlim(0, max(lift.max(), 1.0) * 1.2)
    ax.set_xlabel(t("prod_lift", lang))
    plotting.finish(ax, f"{t('prod_bundle_title', lang)} · {report.region_label}")
    table = pd.DataFrame(
        {
            t("prod_pair", lang): shown["pair"],
            t("prod_pair_orders", lang): shown["orders"].map(format_int),
            t("prod_support", lang): shown["support"].map(format_pct),
            t("prod_confidence", lang): shown["confidence_ab"].map(format_pct),
            t("prod_lift", lang): shown["lift"].map(lambda v: f"{v:.2f}"),
            t("prod_aov_with", lang): shown["aov_with"].map(lambda v: format_amount(v, lang)),
            t("prod_aov_without", lang): shown["aov_without"].map(lambda v: format_amount(v, lang)),
        }
    )
    note = t("prod_bundle_note", lang, m=cfg["bundle_months"], k=cfg["bundle_min_orders"])
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


# ------------------------------------------------------------------------------------------- 8. lost deals


def _closed_deals(ds) -> pd.DataFrame:
    """Won and lost opportunities with region (deal, else customer, else rep), close month, competitor and reason."""

    def build(ds) -> pd.DataFrame:
        opps = ds["opportunities"]
        status = opps["status"].astype(str).str.strip().str.lower()
        closed = opps[status.isin(["won", "lost"])]
        region = closed["region"]
        customers, reps = ds.get("customers"), ds.get("reps")
        if customers is not None:
            region = region.fillna(closed["customer_id"].map(customers.set_index("customer_id")["region"]))
        if reps is not None:
            region = region.fillna(closed["rep_id"].map(reps.set_index("rep_id")["region"]))
        when = closed["closed_at"].fillna(closed["expected_close_at"])
        lost = status[closed.index] == "lost"
        return pd.DataFrame(
            {
                "opportunity_id": closed["opportunity_id"],
                "lost": lost,
                "region": region.fillna(facts.UNKNOWN).astype(str),
                "month": when.dt.strftime("%Y-%m"),
                "amount": closed["amount"].fillna(0.0).astype(float),
                "competitor": closed["competitor"].astype(str).where(closed["competitor"].notna() & lost, ""),
                "reason": closed["lost_reason"].fillna(facts.UNKNOWN).astype(str),
            }
        ).reset_index(drop=True)

    return _cached(ds, "closed", build)


def _lost_deals(ds) -> pd.DataFrame:
    """The lost deals of :func:`_closed_deals`."""
    closed = _closed_deals(ds)
    return closed[closed["lost"]]


def _lost_by(report: Report, by: str) -> pd.DataFrame:
    lost = facts.in_region(_lost_deals(report.ds), report.region)
    trailing = _trailing(report)
    now = lost[lost["month"] == report.period].groupby(by).agg(deals=("amount", "size"), amount=("amount", "sum"))
    base = lost[lost["month"].isin(trailing)].groupby(by).agg(
        baseline_deals=("amount", "size"), baseline_amount=("amount", "sum")
    ) / max(len(trailing), 1)
    frame = now.join(base, how="outer").fillna(0.0)
    total = frame["amount"].sum()
    frame["share"] = frame["amount"] / total if total > 0 else np.nan
    frame["deals"] = frame["deals"].astype(int)
    return (
        frame.rename_axis(by).reset_index().sort_values(["amount", by], ascending=[False, True]).reset_index(drop=True)
    )


def lost_frame(report: Report) -> pd.DataFrame:
    """Deals lost this month per competitor (``""`` = none named) against the average trailing month.

    Columns: competitor, deals, amount, baseline_deals, baseline_amount, share (of the amount lost).
    """
    return _lost_by(report, "competitor")


def lost_reasons_frame(report: Report) -> pd.DataFrame:
    """Deals lost this month per lost reason against the average trailing month (columns as :func:`lost_frame`)."""
    return _lost_by(report, "reason")


def lost_panel(report: Report) -> Panel:
    """丢单分析: amount lost per competitor and deals lost per reason, this month against the trailing months."""
    lang = report.lang
    if not report.ds.has("opportunities"):
        return Panel.skipped(t("needs_table", lang, tables="opportunities"))
    frame = lost_frame(report)
    reasons = lost_reasons_frame(report)
    if frame["deals"].sum() == 0:
        return Panel(frame=frame, note=t("prod_no_lost", lang))
    shown = frame.assign(label=frame["competitor"].replace("", t("prod_not_named", lang)))
    named = frame[frame["competitor"] != ""]
    note = t(
        "prod_lost_note", lang, n=int(frame["deals"].sum()), amount=format_amount(frame["amount"].sum(), lang),
        k=int(named["deals"].sum()), share=format_pct(_ratio(named["deals"].sum(), frame["deals"].sum())),
    )  # fmt: skip
    legend = (t("prod_this_month", lang), t("prod_trailing", lang))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, max(3.6, 0.55 * len(shown) + 1.2)), dpi=plotting.DPI,
                                      layout="constrained")  # fmt: skip
    plotting.plot_bar_compare(shown, label="label", current="amount", baseline="baseline_amount", ax=left, lang=lang,
                              legend=legend, title=t("prod_lost_title", lang))  # fmt: skip
    plotting.plot_bar_compare(reasons, label="reason", current="deals", baseline="baseline_deals", unit="count",
                              ax=right, lang=lang, legend=legend, title=t("prod_reasons_lost_title", lang))  # fmt: skip
    table = pd.DataFrame(
        {
            t("prod_competitor", lang): shown["label"],
            t("prod_lost_deals", lang): shown["deals"].map(format_int),
            t("prod_lost_amount", lang): shown["amount"].map(lambda v: format_amount(v, lang)),
            t("prod_share", lang): shown["share"].map(format_pct),
            t("prod_trailing", lang): shown["baseline_amount"].map(lambda v: format_amount(v, lang)),
        }
    )
    return Panel(frame=frame, table=table, figure=fig, note=note)


# ------------------------------------------------------------------------------------------------ findings


def _history(report: Report, months: int) -> list[str]:
    return _covered(report, [_shift(report.period, k) for k in range(months, 0, -1)])


def _dispersion(counts: pd.DataFrame, months: list[str], window: int) -> pd.Series:
    """How much more a row's monthly counts spread than a Poisson count would (at least 1).

    For each of ``months`` the count is compared with the average of the ``window`` months before it:
    φ = mean of (count − average)² ÷ average. Seasonality and lumpy business raise φ, making the tests that use
    it more careful. Rows with fewer than three such months get φ = 1.
    """
    columns = list(counts.columns)
    ratios = []
    for month in months:
        k = columns.index(month)
        if k < window:
            continue
        mean = counts.iloc[:, k - window : k].mean(axis=1)
        ratios.append(((counts[month] - mean) ** 2 / mean.where(mean > 0)).rename(month))
    if len(ratios) < 3:
        return pd.Series(1.0, index=counts.index)
    table = pd.concat(ratios, axis=1)
    phi = table.mean(axis=1).where(table.notna().sum(axis=1) >= 3)
    return phi.fillna(1.0).clip(lower=1.0)


def _count_below(observed: pd.Series, expected: pd.Series, phi: pd.Series) -> np.ndarray:
    """P(X ≤ observed) for a count with mean ``expected`` and variance φ × mean (negative binomial; Poisson at 1)."""
    mean = expected.fillna(0.0).clip(lower=1e-9).to_numpy()
    dispersion = phi.reindex(expected.index).fillna(1.0).to_numpy()
    poisson = stats.poisson.cdf(observed.to_numpy(), mean)
    over = dispersion > 1 + 1e-9
    size = mean / np.where(over, dispersion - 1, 1.0)
    negbin = stats.nbinom.cdf(observed.to_numpy(), size, 1 / np.where(over, dispersion, 2.0))
    return np.where(over, negbin, poisson)


def decline_check(report: Report) -> pd.DataFrame:
    """The product-line decline test per scope (region; ALL and every region in an ALL report) and line.

    A line declines when it falls behind its own baseline *and* behind the rest of the scope's business, so a
    month that is weak for every line (春节, a region losing customers) is not a product-line problem. For each
    baseline — the trailing average month, and the same month last year where the data reaches back — the
    line's baseline revenue is scaled by how the scope's other lines moved since (their revenue now ÷ then);
    ``expected`` is the lower of these, so both baselines must show the fall. ``usual_orders`` is the same for
    the number of orders containing the line (scaled by the other lines' order counts).

    A line is ``flagged`` when its revenue is at least ``product.line_decline`` below ``expected`` and its order
    count is improbably low around ``usual_orders``: a negative binomial count whose spread ``dispersion`` is
    learnt from the line's own months over ``product.history_months`` (see :func:`_dispersion`), p below
    ``product.p_value`` ÷ the number of lines tested in the scope (each line is a separate chance of a false
    alarm). It needs the full trailing window in the data. ``effect`` = expected − revenue.

    Columns: scope, product_line, revenue, orders, trailing, yoy (``NaN`` without last year), others_change (the
    other lines against the trailing months), expected, usual_orders, dispersion, change, p_value, effect, flagged.
    """
    cfg = _cfg(report)
    trailing, yoy = _trailing(report), _yoy(report)
    window = report.config["baselines"]["trailing_months"]
    history = _history(report, cfg["history_months"] + window)
    months = sorted({*history, report.period})
    data = _with_scopes(facts.in_months(lines(report.ds), months), report)
    grouped = data.groupby(["scope", "product_line", "month"]).agg(
        revenue=("revenue", "sum"), orders=("order_id", "nunique")
    )
    revenue = grouped["revenue"].unstack("month").reindex(columns=months).fillna(0.0)
    orders = grouped["orders"].unstack("month").reindex(columns=months).fillna(0.0)

    def others(table: pd.DataFrame) -> pd.DataFrame:
        """Per line, the sum of the scope's other lines."""
        return table.groupby(level="scope").transform("sum") - table

    def scaled(table: pd.DataFrame, base_months: list[str]) -> pd.Series:
        rest = others(table)
        now, then = rest[report.period], rest[base_months].sum(axis=1) / len(base_months)
        return table[base_months].sum(axis=1) / len(base_months) * (now / then.where(then > 0)).fillna(1.0)

    frame = pd.DataFrame({"revenue": revenue[report.period], "orders": orders[report.period]})
    n = max(len(trailing), 1)
    frame["trailing"] = revenue[trailing].sum(axis=1) / n if trailing else np.nan
    frame["yoy"] = revenue[yoy] if yoy else np.nan
    rest = others(revenue)
    frame["others_change"] = (
        rest[report.period] / (rest[trailing].sum(axis=1) / n).where(lambda v: v > 0) - 1 if trailing else np.nan
    )
    bases = ([trailing] if trailing else []) + ([[yoy]] if yoy else [])
    if bases:
        frame["expected"] = pd.concat([scaled(revenue, b) for b in bases], axis=1).min(axis=1)
        frame["usual_orders"] = pd.concat([scaled(orders, b) for b in bases], axis=1).min(axis=1)
    else:
        frame["expected"] = np.nan
        frame["usual_orders"] = np.nan
    frame["dispersion"] = _dispersion(orders, [m for m in months if m < report.period], window)
    frame["change"] = frame["revenue"] / frame["expected"].where(frame["expected"] > 0) - 1
    frame["p_value"] = _count_below(frame["orders"], frame["usual_orders"], frame["dispersion"])
    frame["effect"] = frame["expected"] - frame["revenue"]
    tested = (frame["usual_orders"] > 0).groupby(level="scope").transform("sum").clip(lower=1)
    frame["flagged"] = (
        (frame["change"] <= -cfg["line_decline"])
        & (frame["p_value"] < cfg["p_value"] / tested)
        & (frame["usual_orders"] > 0)
        & (len(trailing) >= window)
    )
    return frame.reset_index().sort_values(["scope", "product_line"]).reset_index(drop=True)


def return_check(report: Report) -> pd.DataFrame:
    """The return-rate test per scope and product.

    ``usual_rate`` is the product's unit return rate over the ``product.history_months`` months before the period
    in the scope. The test counts order lines: ``lines_returned`` this month against ``lines_sold``, with the
    usual probability that a line comes back = (the product's returned lines in the history + 20 × its product
    line's company-wide rate) ÷ (its lines sold in the history + 20), so a product with little history leans on
    its line. ``flagged``: at least ``product.min_returns`` lines returned, a unit return rate at least
    ``product.return_ratio`` times the usual rate, and a binomial p-value below ``product.p_value`` ÷ the number of
    products sold in the scope.
    ``effect`` = refunded value − usual rate × the product's revenue this month.
    """
    cfg = _cfg(report)
    history = _history(report, cfg["history_months"])
    months = [*history, report.period]
    sold = _with_scopes(facts.in_months(lines(report.ds), months), report)
    back = _with_scopes(facts.in_months(_returns(report.ds), months), report)
    sold = sold.assign(period=sold["month"] == report.period)
    back = back.assign(period=back["month"] == report.period)
    keys = ["scope", "product_id"]
    s = sold.groupby([*keys, "period"]).agg(
        units=("quantity", "sum"), n=("quantity", "size"), revenue=("revenue", "sum")
    )
    r = back.groupby([*keys, "period"]).agg(units=("quantity", "sum"), n=("quantity", "size"), value=("value", "sum"))
    s, r = s.unstack("period"), r.unstack("period")

    def pick(frame: pd.DataFrame, column: str, period: bool) -> pd.Series:
        if (column, period) in frame.columns:
            return frame[(column, period)]
        return pd.Series(0.0, index=frame.index)

    index = s.index.union(r.index)
    frame = pd.DataFrame(index=index)
    frame["units_sold"] = pick(s, "units", True).reindex(index).fillna(0.0)
    frame["lines_sold"] = pick(s, "n", True).reindex(index).fillna(0.0)
    frame["revenue"] = pick(s, "revenue", True).reindex(index).fillna(0.0)
    frame["units_returned"] = pick(r, "units", True).reindex(index).fillna(0.0)
    frame["lines_returned"] = pick(r, "n", True).reindex(index).fillna(0.0)
    frame["returned_value"] = pick(r, "value", True).reindex(index).fillna(0.0)
    hist_units = pick(s, "units", False).reindex(index).fillna(0.0)
    hist_lines = pick(s, "n", False).reindex(index).fillna(0.0)
    hist_back_units = pick(r, "units", False).reindex(index).fillna(0.0)
    hist_back_lines = pick(r, "n", False).reindex(index).fillna(0.0)
    # the product line's company-wide rates over the history, the prior of products with little history
    info = lines(report.ds).drop_duplicates("product_id").set_index("product_id")
    product_line = index.get_level_values("product_id").map(info["product_line"])
    company_sold = facts.in_months(lines(report.ds), history)
    company_back = facts.in_months(_returns(report.ds), history)
    line_lines = company_sold.groupby("product_line")["quantity"].size()
    line_back = company_back.groupby(company_back["product_id"].map(info["product_line"]))["quantity"].size()
    prior = (line_back.reindex(line_lines.index).fillna(0.0) / line_lines.where(line_lines > 0)).fillna(0.0)
    prior_p = pd.Series(product_line.map(prior), index=index).astype(float).fillna(0.0)
    strength = 20.0
    frame["usual_line_p"] = (hist_back_lines + strength * prior_p) / (hist_lines + strength)
    frame["return_rate"] = frame["units_returned"] / frame["units_sold"].where(frame["units_sold"] > 0)
    frame["usual_rate"] = (hist_back_units / hist_units.where(hist_units > 0)).fillna(prior_p)
    k = frame["lines_returned"]
    n = np.maximum(frame["lines_sold"], k)
    p0 = frame["usual_line_p"].clip(1e-6, 1 - 1e-6)
    frame["p_value"] = stats.binom.sf(k - 1, n, p0)
    ratio_ok = frame["return_rate"] >= cfg["return_ratio"] * frame["usual_rate"]
    tested = (n > 0).groupby(level="scope").transform("sum").clip(lower=1)
    alpha = cfg["p_value"] / tested
    frame["flagged"] = (k >= cfg["min_returns"]) & ratio_ok.fillna(False) & (frame["p_value"] < alpha)
    frame["effect"] = (frame["returned_value"] - frame["usual_rate"] * frame["revenue"]).clip(lower=0.0)
    now = back[back["period"]].groupby([*keys, "reason"])["quantity"].sum().reset_index()
    now = now.sort_values([*keys, "quantity", "reason"], ascending=[True, True, False, True])
    top = now.drop_duplicates(keys).set_index(keys)
    frame["top_reason"] = top["reason"].reindex(index)
    frame["top_reason_share"] = top["quantity"].reindex(index) / frame["units_returned"].where(
        frame["units_returned"] > 0
    )
    frame = frame.reset_index()
    frame.insert(2, "product_name", frame["product_id"].map(info["product_name"]).fillna(frame["product_id"]))
    return frame.sort_values(keys).reset_index(drop=True)


def price_check(report: Report) -> pd.DataFrame:
    """The discount-deepening and margin-erosion tests per scope and product line, against the trailing months.

    ``discount`` and ``margin`` are this month's revenue-weighted averages, ``baseline_*`` the same over the
    trailing months pooled, ``*_se`` their standard errors from the spread of the order lines.

    - Discount: ``discount_points`` = discount − baseline, ``discount_z`` = points ÷ √(se² + baseline se²).
      ``discount_flagged``: at least ``product.discount_rise_points`` deeper and ``discount_z`` ≥ ``product.z``;
      ``discount_effect`` = the extra depth × this month's list revenue (what was given away beyond the usual).
    - Margin, like for like: each order line's margin is compared with its product's margin over the trailing
      months in the scope, so a shift towards low-margin products (normal month-to-month mix) is not erosion but a
      cost rise or a price cut is. ``margin_points`` = the revenue-weighted average fall, ``margin_z`` = points ÷
      its standard error, ``like_for_like_baseline`` = margin + points (this month's mix at the usual product
      margins). ``margin_flagged``: at least ``product.margin_drop_points`` and ``margin_z`` ≥ ``product.z``,
      and not already a deeper discount of the same line (that finding covers it); ``margin_effect`` = points ×
      the revenue of the compared lines (gross profit lost).
    """
    cfg = _cfg(report)
    trailing = _trailing(report)
    data = _with_scopes(facts.in_months(lines(report.ds), [report.period, *trailing]), report)
    data = data.assign(period=data["month"] == report.period)
    sums = _rate_sums(data, ["scope", "product_line", "period"])
    flags = set(sums.index.get_level_values("period"))
    now, base = (
        sums.xs(flag, level="period") if flag in flags else sums.iloc[0:0].droplevel("period") for flag in (True, False)
    )
    frame = pd.DataFrame(index=now.index)
    frame["revenue"] = now["revenue"]
    frame["list_revenue"] = now["list_revenue"]
    frame["units"] = now["quantity"]
    frame["baseline_units"] = base["quantity"].reindex(frame.index) / max(len(trailing), 1)
    for prefix, name in (("d", "discount"), ("m", "margin")):
        mean, se = _weighted_mean(now, prefix)
        base_mean, base_se = _weighted_mean(base, prefix)
        frame[name] = mean
        frame[f"{name}_se"] = se
        frame[f"baseline_{name}"] = base_mean.reindex(frame.index)
        frame[f"baseline_{name}_se"] = base_se.reindex(frame.index)
    spread = np.sqrt(frame["discount_se"] ** 2 + frame["baseline_discount_se"] ** 2)
    frame["discount_points"] = frame["discount"] - frame["baseline_discount"]
    frame["discount_z"] = _z(frame["discount_points"], spread)
    frame["discount_flagged"] = (frame["discount_points"] >= cfg["discount_rise_points"]) & (
        frame["discount_z"] >= cfg["z"]
    )
    frame["discount_effect"] = (frame["discount_points"] * frame["list_revenue"]).clip(lower=0.0)
    # like-for-like margin: this month's lines against their product's usual margin in the scope
    usual = data[~data["period"] & data["margin"].notna() & (data["revenue"] > 0)]
    usual = usual.groupby(["scope", "product_id"])[["cost", "revenue"]].sum()
    usual_margin = 1 - usual["cost"] / usual["revenue"]
    current = data[data["period"]]
    keys = pd.MultiIndex.from_frame(current[["scope", "product_id"]])
    current = current.assign(_drop=usual_margin.reindex(keys).to_numpy() - current["margin"].to_numpy())
    drop = pd.concat([current[["scope", "product_line"]], _weighted(current, "_drop", "revenue", "l")], axis=1)
    drop = drop.groupby(["scope", "product_line"]).sum(numeric_only=True).reindex(frame.index)
    points, se = _weighted_mean(drop, "l")
    frame["margin_points"] = points
    frame["margin_z"] = _z(points, se)
    frame["like_for_like_baseline"] = frame["margin"] + points
    frame["margin_flagged"] = (
        (frame["margin_points"] >= cfg["margin_drop_points"])
        & (frame["margin_z"] >= cfg["z"])
        & ~frame["discount_flagged"]
    )
    frame["margin_effect"] = (frame["margin_points"] * drop["l_w"]).clip(lower=0.0)
    frame["units_change"] = frame["units"] / frame["baseline_units"].where(frame["baseline_units"] > 0) - 1
    for column in ("discount_flagged", "margin_flagged"):
        frame[column] = frame[column].fillna(False).astype(bool)
    return frame.reset_index().sort_values(["scope", "product_line"]).reset_index(drop=True)


def _z(difference: pd.Series, spread: pd.Series) -> pd.Series:
    """``difference / spread``; a difference without any spread (every line alike) is infinitely sure."""
    ratio = difference / spread.where(spread > 0)
    sure = np.where(difference > 0, np.inf, np.where(difference < 0, -np.inf, 0.0))
    return ratio.where(spread > 0, pd.Series(sure, index=difference.index).where(difference.notna()))


def lost_check(report: Report) -> pd.DataFrame:
    """The lost-to-competitor test per scope and named competitor, on its share of the month's closed deals.

    ``closed`` counts the deals won or lost this month in the scope and ``deals`` those lost to the competitor;
    ``usual_share`` = (deals lost to it + ½) ÷ (deals closed + 1) over the ``product.lost_history_months`` months
    before the period, ``usual_deals`` its average month. Testing the share of closed deals rather than the count
    keeps a month with many closings from looking like a competitor's attack, and still counts deals it took that
    would otherwise have been won. ``flagged``: at least ``product.lost_min_deals`` deals, a share at least
    ``product.lost_ratio`` times the usual share, a binomial p-value below ``product.p_value`` ÷ the number of
    competitors tested in the scope (each competitor is a separate chance of a false alarm), and at least three
    months of history. ``effect`` = the amount lost to it beyond the usual share: amount × (1 − usual share ×
    closed ÷ deals).
    """
    cfg = _cfg(report)
    history = _history(report, cfg["lost_history_months"])
    closed = _with_scopes(facts.in_months(_closed_deals(report.ds), [*history, report.period]), report)
    closed = closed.assign(period=closed["month"] == report.period)
    totals = closed.groupby(["scope", "period"]).size().unstack("period").reindex(columns=[True, False]).fillna(0.0)
    named = closed[closed["competitor"] != ""]
    keys = ["scope", "competitor"]
    now = named[named["period"]].groupby(keys).agg(deals=("amount", "size"), amount=("amount", "sum"))
    past = named[~named["period"]].groupby(keys).size().rename("hist_deals")
    frame = now.join(past, how="left").fillna({"hist_deals": 0.0})
    scope = frame.index.get_level_values("scope")
    frame["closed"] = totals[True].reindex(scope).to_numpy()
    hist_closed = totals[False].reindex(scope).to_numpy()
    frame["share"] = frame["deals"] / frame["closed"].where(frame["closed"] > 0)
    frame["usual_share"] = (frame["hist_deals"] + 0.5) / (hist_closed + 1.0)
    frame["usual_deals"] = frame["hist_deals"] / max(len(history), 1)
    trials = frame["closed"].clip(lower=frame["deals"])
    frame["p_value"] = stats.binom.sf(frame["deals"] - 1, trials, frame["usual_share"])
    tested = named[named["scope"].isin(scope)].groupby("scope")["competitor"].nunique()
    alpha = cfg["p_value"] / tested.reindex(scope).clip(lower=1).to_numpy()
    frame["flagged"] = (
        (frame["deals"] >= cfg["lost_min_deals"])
        & (frame["share"] >= cfg["lost_ratio"] * frame["usual_share"])
        & (frame["p_value"] < alpha)
        & (len(history) >= 3)
    )
    expected = frame["usual_share"] * frame["closed"]
    frame["effect"] = (frame["amount"] * (1 - expected / frame["deals"])).clip(lower=0.0)
    reasons = named[named["period"]].groupby([*keys, "reason"]).size().rename("n").reset_index()
    reasons = reasons.sort_values([*keys, "n", "reason"], ascending=[True, True, False, True]).drop_duplicates(keys)
    frame["top_reason"] = reasons.set_index(keys)["reason"].reindex(frame.index)
    frame["deals"] = frame["deals"].astype(int)
    return frame.drop(columns=["hist_deals"]).reset_index().sort_values(keys).reset_index(drop=True)


def _finding(report: Report, code: str, key: str, scope: str, segment: dict, title: dict, detail: dict, **kw) -> dict:
    lang = report.lang
    where = _where(report, scope)
    return make_finding(
        angle=ANGLE,
        code=code,
        segment={**_region_label(report, scope), **segment},
        revenue=_report_revenue(report),
        config=report.config,
        title=t(f"prod_f_{key}_title", lang, where=where, **title),
        detail=t(f"prod_f_{key}_detail", lang, **detail),
        action=t(f"prod_f_{key}_action", lang, **title),
        **kw,
    )


def _decline_findings(report: Report) -> list[tuple[str, tuple, dict]]:
    lang = report.lang
    out = []
    for row in decline_check(report).itertuples():
        if not row.flagged:
            continue
        detail = {
            "revenue": format_amount(row.revenue, lang), "trailing": format_amount(row.trailing, lang),
            "vs_trailing": format_pct(_ratio(row.revenue, row.trailing) - 1, signed=True),
            "yoy": format_amount(row.yoy, lang),
            "vs_yoy": format_pct(_ratio(row.revenue, row.yoy) - 1 if not pd.isna(row.yoy) else None, signed=True),
            "orders": format_int(row.orders), "usual": f"{row.usual_orders:.0f}",
            "others": format_pct(row.others_change, signed=True),
        }  # fmt: skip
        finding = _finding(
            report, "product_line_decline", "decline", row.scope, {"product_line": row.product_line},
            {"line": row.product_line}, detail, metric="revenue", value=row.revenue, baseline=row.expected,
            effect=row.effect,
        )  # fmt: skip
        out.append((row.scope, ("decline", row.product_line), finding))
    return out


def _return_findings(report: Report) -> list[tuple[str, tuple, dict]]:
    lang = report.lang
    out = []
    for row in return_check(report).itertuples():
        if not row.flagged:
            continue
        reason = row.top_reason if isinstance(row.top_reason, str) else "—"
        detail = {
            "units": format_int(row.units_returned), "lines": format_int(row.lines_returned),
            "rate": format_pct(row.return_rate), "usual": format_pct(row.usual_rate), "reason": reason,
            "reason_share": format_pct(row.top_reason_share), "value": format_amount(row.returned_value, lang),
        }  # fmt: skip
        finding = _finding(
            report, "return_rate_high", "return", row.scope,
            {"product_id": row.product_id, "product_name": row.product_name},
            {"product": row.product_name, "reason": reason}, detail, metric="return_rate", value=row.return_rate,
            baseline=row.usual_rate, effect=row.effect,
        )  # fmt: skip
        out.append((row.scope, ("return", row.product_id), finding))
    return out


def _price_findings(report: Report) -> list[tuple[str, tuple, dict]]:
    lang = report.lang
    out = []
    for row in price_check(report).itertuples():
        segment = {"product_line": row.product_line}
        if row.discount_flagged:
            detail = {
                "depth": format_pct(row.discount), "usual": format_pct(row.baseline_discount),
                "points": _pct_points(row.discount_points), "effect": format_amount(row.discount_effect, lang),
                "units": format_pct(row.units_change, signed=True),
            }  # fmt: skip
            finding = _finding(
                report, "discount_deepening", "discount", row.scope, segment, {"line": row.product_line}, detail,
                metric="discount_depth", value=row.discount, baseline=row.baseline_discount,
                effect=row.discount_effect,
            )  # fmt: skip
            out.append((row.scope, ("discount", row.product_line), finding))
        if row.margin_flagged:
            detail = {
                "margin": format_pct(row.margin), "usual": format_pct(row.like_for_like_baseline),
                "points": _pct_points(row.margin_points), "effect": format_amount(row.margin_effect, lang),
                "depth": format_pct(row.discount), "usual_depth": format_pct(row.baseline_discount),
            }  # fmt: skip
            finding = _finding(
                report, "margin_erosion", "margin", row.scope, segment, {"line": row.product_line}, detail,
                metric="gross_margin", value=row.margin, baseline=row.like_for_like_baseline, effect=row.margin_effect,
            )  # fmt: skip
            out.append((row.scope, ("margin", row.product_line), finding))
    return out


def _lost_findings(report: Report) -> list[tuple[str, tuple, dict]]:
    lang = report.lang
    out = []
    for row in lost_check(report).itertuples():
        if not row.flagged:
            continue
        detail = {
            "deals": format_int(row.deals), "competitor": row.competitor, "amount": format_amount(row.amount, lang),
            "usual": f"{row.usual_deals:.1f}", "reason": row.top_reason if isinstance(row.top_reason, str) else "—",
        }  # fmt: skip
        finding = _finding(
            report, "lost_to_competitor", "lost", row.scope, {"competitor": row.competitor},
            {"competitor": row.competitor}, detail, metric="lost_deals", value=row.deals, baseline=row.usual_deals,
            effect=row.effect,
        )  # fmt: skip
        out.append((row.scope, ("lost", row.competitor), finding))
    return out


def angle_findings(report: Report) -> list[dict]:
    """Every finding of the product angle for the report (computed once per report scope, see ``Report.memo``).

    Codes: ``product_line_decline`` (needs order_lines), ``return_rate_high`` (order_lines, returns),
    ``discount_deepening`` and ``margin_erosion`` (order_lines with list prices / costs), ``lost_to_competitor``
    (opportunities). Checks whose tables are absent are left out.
    """

    def build() -> list[dict]:
        ds = report.ds
        found: list[tuple[str, tuple, dict]] = []
        if ds.has("order_lines") and not lines(ds).empty:
            found += _decline_findings(report)
            found += _price_findings(report)
            if ds.has("returns"):
                found += _return_findings(report)
        if ds.has("opportunities"):
            found += _lost_findings(report)
        return rank_findings(_prefer_regions(found))

    return report.memo("product_findings", build)


def angle_metrics(report: Report) -> dict[str, Any]:
    """Key numbers of the angle: Top-N share, growth per line, return rate, discount depth, margin, lost deals."""
    ds = report.ds
    out: dict[str, Any] = {}
    if ds.has("order_lines"):
        pareto = pareto_metrics(report)
        out["top_share"] = pareto["top_share"]
        out["pareto_products"] = pareto["pareto_products"]
        out["products_sold"] = pareto["products_sold"]
        for row in line_frame(report).itertuples():
            out[f"line_growth_mom.{row.product_line}"] = _none(row.mom_growth)
            out[f"line_growth_yoy.{row.product_line}"] = _none(row.yoy_growth)
            out[f"line_vs_trailing.{row.product_line}"] = _none(row.vs_trailing)
        total = discount_frame(report)
        total = total[total["is_total"]]
        if len(total):
            row = total.iloc[0]
            out["discount_depth"] = _none(row["discount"])
            out["discount_depth_baseline"] = _none(row["baseline_discount"])
            out["gross_margin"] = _none(row["margin"])
            out["gross_margin_baseline"] = _none(row["baseline_margin"])
        if ds.has("returns"):
            frame = returns_frame(report)
            sold = frame["units_sold"].sum()
            out["units_returned"] = float(frame["units_returned"].sum())
            out["return_rate"] = _none(_ratio(frame["units_returned"].sum(), sold))
    if ds.has("opportunities"):
        frame = lost_frame(report)
        named = frame[frame["competitor"] != ""]
        out["lost_deals"] = int(frame["deals"].sum())
        out["lost_amount"] = float(frame["amount"].sum())
        out["lost_deals_to_competitors"] = int(named["deals"].sum())
        out["lost_amount_to_competitors"] = float(named["amount"].sum())
    return out
