"""产品生命周期, 新产品表现: each product's lifecycle stage, and how the recently launched products are adopted.

A product's launch is ``products.launch_date``, else its first sale in the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import facts
from ..display import plotting
from ..display.formatting import format_amount, format_int, format_pct, table
from ..display.panel import Panel, needs
from ..display.plotting.products import plot_lifecycle
from ..i18n import t
from ..periods import shift_month
from ..report import Report
from .common import NAME, lines, returned, scoped_lines

STAGES = ("intro", "growth", "mature", "decline")  # lifecycle stages, in order


def launch_dates(report: Report) -> pd.Series:
    """Launch date per product: ``products.launch_date`` where present, else the first sale in the data."""

    def build(ds) -> pd.Series:
        data = lines(ds)
        first = data.groupby("product_id")["order_date"].min()
        products = ds.get("products")
        if products is None:
            return first
        launch = products.set_index("product_id")["launch_date"]
        return launch.reindex(launch.index.union(first.index)).fillna(first)

    return report.cached(NAME, "launch", build)


def _months_between(start: pd.Series, month: str) -> pd.Series:
    """Whole months from each date's month to ``month`` (0 in the launch month)."""
    end = pd.Period(month, freq="M")
    return start.map(lambda d: np.nan if pd.isna(d) else (end - pd.Period(d, freq="M")).n)


# ------------------------------------------------------------------------------------------ 3. lifecycle


def lifecycle_frame(report: Report) -> pd.DataFrame:
    """Lifecycle stage of every product sold in the scope up to the period (导入/成长/成熟/衰退).

    Rule (settings in ``product``): a product's launch is ``products.launch_date``, else its first sale;
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
    cfg = report.settings(NAME)
    data = scoped_lines(report)
    data = data[data["month"] <= report.period]
    launch = launch_dates(report)
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
    last3 = [shift_month(report.period, k) for k in (2, 1, 0)]
    year3 = [shift_month(m, 12) for m in last3]
    prev3 = [shift_month(m, 3) for m in last3]
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


@needs("order_lines")
def lifecycle_panel(report: Report) -> Panel:
    """产品生命周期: each product's last three months of revenue, coloured by stage, with the rule in the note."""
    lang = report.lang
    frame = lifecycle_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    cfg = report.settings(NAME)
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


def new_products_frame(report: Report) -> pd.DataFrame:
    """Adoption of the products launched in the last ``product.new_product_months`` months (launch month included).

    Per product: launch, revenue (this month), revenue_since_launch, buyers (this month), buyers_since_launch,
    orders_since_launch, repeat_rate (share of its buyers since launch with two or more orders of it),
    units_sold and units_returned since launch (returns up to the end of the period), return_rate
    (``NaN`` without a returns table). Sorted by launch, newest first.
    """
    n = report.settings(NAME)["new_product_months"]
    launch = launch_dates(report)
    first_new = pd.Period(report.period, freq="M") - (n - 1)
    end = (pd.Period(report.period, freq="M") + 1).start_time
    new = launch[(launch >= first_new.start_time) & (launch < end)]
    columns = ["product_id", "product_name", "product_line", "launch", "revenue", "revenue_since_launch", "buyers",
               "buyers_since_launch", "orders_since_launch", "repeat_rate", "units_sold", "units_returned",
               "return_rate"]  # fmt: skip
    if new.empty:
        return pd.DataFrame(columns=columns)
    data = scoped_lines(report)
    data = data[data["product_id"].isin(new.index) & (data["month"] <= report.period)]
    products = report.ds.get("products")
    names = products.set_index("product_id") if products is not None else pd.DataFrame()
    rows = []
    for product_id, launched in new.sort_values(ascending=False).items():
        part = data[data["product_id"] == product_id]
        now = part[part["month"] == report.period]
        per_buyer = part.groupby("customer_id")["order_id"].nunique()
        back_units = float("nan")
        if report.ds.has("returns"):
            back = facts.in_region(returned(report.ds), report.region)
            back = back[(back["product_id"] == product_id) & (back["month"] <= report.period)]
            back_units = float(back["quantity"].sum())
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
                "units_returned": back_units,
                "return_rate": back_units / units if units > 0 else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=columns)


@needs("order_lines", "products")
def new_products_panel(report: Report) -> Panel:
    """新产品表现: revenue this month and since launch per new product; buyers, repeat and return rates."""
    lang = report.lang
    n = report.settings(NAME)["new_product_months"]
    frame = new_products_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("prod_no_new", lang, n=n))
    ax = plotting.plot_bar_compare(
        frame, label="product_name", current="revenue", baseline="revenue_since_launch", lang=lang,
        legend=(t("prod_this_month", lang), t("prod_since_launch", lang)),
        title=f"{t('prod_new_title', lang)} · {report.region_label}",
    )  # fmt: skip
    shown = table(
        frame.assign(launch=frame["launch"].map(lambda d: pd.Timestamp(d).strftime("%Y-%m-%d"))),
        [
            ("product_name", "prod_product", None),
            ("launch", "prod_launch", None),
            ("revenue", "prod_revenue", "amount"),
            ("revenue_since_launch", "prod_since_launch", "amount"),
            ("buyers", "prod_buyers", "int"),
            ("buyers_since_launch", "prod_buyers_total", "int"),
            ("repeat_rate", "prod_repeat_rate", "pct"),
            ("return_rate", "prod_return_rate", "pct"),
        ],
        lang,
    )
    return Panel(frame=frame, table=shown, figure=ax.figure, note=t("prod_new_note", lang, n=n))
