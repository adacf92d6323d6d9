"""产品生命周期, 新产品表现: each product's lifecycle stage, and how the recently launched products are adopted.

A product's launch is ``products.launch_date``. A product without one has no launch: the lifecycle counts its
age from its first sale in the data and says so (``since = "first_sale"``, shown as "首次销售"), and it is never
a new product (its first sale in the data is not a launch). A product already sold in the data's first month
was on sale before the export began: its age is unknown (``since = "before_data"``, "数据首月已在售"), and it is
never in its introduction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..data import facts
from ..display import plotting
from ..display.bounded import bounded, bounded_note
from ..display.formatting import format_amounts, format_int, format_pct, table, text_column
from ..display.panel import Panel, needs
from ..display.plotting.products import plot_lifecycle
from ..expect import month_factors
from ..i18n import t
from ..periods import shift_month
from ..report import Report
from .common import NAME, lines, named, returned, scoped_lines, with_orders

STAGES = ("intro", "growth", "mature", "decline", "sporadic")  # lifecycle stages, in order; sporadic: no trajectory


def launch_dates(report: Report) -> pd.Series:
    """Declared launch date per product (``products.launch_date``); products without one are left out."""

    def build(ds) -> pd.Series:
        products = ds.get("products")
        if products is None or "launch_date" not in products.columns:
            return pd.Series(dtype="datetime64[ns]", name="launch_date")
        launch = products.set_index("product_id")["launch_date"]
        return launch[launch.notna()]

    return report.cached(NAME, "launch", build)


def first_sales(report: Report) -> pd.Series:
    """Date of each product's first sale in the data (every region).

    The earliest order date of a product's lines is among its lines of its first month: only those rows are
    dated (:func:`~salesnb.product.common.with_orders`), not every line.
    """

    def build(ds) -> pd.Series:
        data = lines(ds)[["product_id", "month", "order_id"]]
        first = data.groupby("product_id")["month"].min()
        rows = data[data["month"] == facts.lookup(data["product_id"], first)]
        rows = with_orders(ds, rows, sorted(first.dropna().unique()))
        return rows.groupby("product_id")["order_date"].min().reindex(first.index)

    return report.cached(NAME, "first_sale", build)


def _months_between(start: pd.Series, month: str) -> pd.Series:
    """Whole months from each date's month to ``month`` (0 in the launch month; ``NaN`` without a date)."""
    end = pd.Period(month, freq="M")
    dates = pd.to_datetime(start)
    return (end.year * 12 + end.month) - (dates.dt.year * 12 + dates.dt.month)


# ------------------------------------------------------------------------------------------ 3. lifecycle


def _rolling3(pivot: pd.DataFrame) -> np.ndarray:
    """Each row's running sum over three columns (fewer at the start), as ``pivot.T.rolling(3, min_periods=1)``.

    One grouped rolling over the stacked values instead of one rolling per product column: the same sums
    (pandas' own windowed sum, restarted at each row), in a time that does not grow with the column count.
    """
    rows, columns = pivot.shape
    stacked = pd.Series(pivot.to_numpy(dtype=float).ravel())
    groups = np.repeat(np.arange(rows), columns)
    summed = stacked.groupby(groups, sort=False).rolling(3, min_periods=1).sum()
    return summed.to_numpy().reshape(rows, columns)


def lifecycle_frame(report: Report) -> pd.DataFrame:
    """Lifecycle stage of every product sold in the scope up to the period (导入/成长/成熟/衰退).

    Rule (settings in ``product``): a product's age counts from ``products.launch_date``; a product without one
    counts from its first sale in the data, and ``since`` says which (``"launch"`` / ``"first_sale"``; for a
    product sold in the data's first month ``"before_data"``: its age is unknown, and it is never 导入);
    ``recent`` is its revenue over the last three months (the period and the two before).

    - 导入 ``intro``: fewer than ``lifecycle_intro_months`` months since launch (or first sale, unless it sold
      too sparsely to read: a long-tail product's first sale in a short export is no launch, 零星销售 below);
    - otherwise its growth is ``recent`` against the same three months a year earlier when it was on sale for
      all of them (seasonality cancels out), else against the three months before (unknown when the data does
      not reach back to them: months before the export are not months without sales); either only when the
      company has orders in each of those months (SAP SHINE's export, real29: 2014-09, nothing in 2014-10..12,
      then 2015 — every product sold in 2014-09 read 成长期 against a year-ago 0 of a company selling nothing);
    - 衰退 ``decline``: growth ≤ −``lifecycle_growth``, or ``recent`` below ``lifecycle_peak_share`` of its best
      three consecutive months since launch, when that best stands out of the product's own level (more lines
      than a steady product reaches in any of its windows by chance, :func:`_peak_stands_out`);
    - 成长 ``growth``: growth ≥ ``lifecycle_growth`` (or no sales at all in the comparison months);
    - either only beyond chance: a few lines a month swing a product's three months far from the months it is
      compared with (a product selling a steady 6 lines a month, lognormal line values, read 46% in decline and
      34% in growth; 13% in decline at 60 lines). A sum of lines that come by chance varies by the sum of their
      squares (compound Poisson), so the gap (to the comparison months, or to ``lifecycle_peak_share`` of the
      best three) must be beyond the one-sided ``lifecycle_p_value`` of that spread (then 7% and 7%; on a real
      stable catalogue of 47 products, 25 in decline and 18 in growth became 5 and 5); growth from empty
      comparison months too (lines of the last three months alone: three equal lines at 5%);
    - 成熟 ``mature``: the rest;
    - 零星销售 ``sporadic`` (past its introduction, or without a launch date): fewer than ``lifecycle_min_lines``
      order lines in its best three consecutive months. A long-tail product sold a few times a year has no
      trajectory to read: any three months are far below its best three by chance, and a big catalogue would
      read as mostly in decline.

    - the peak and the three months before are read at the season of the last three months: each month's revenue
      over the scope's seasonal factor of its month (:func:`_calendar`), times the last three months' mean factor.
      A best quarter in the peak season is no peak a summer quarter fell from, nor a spring quarter a growth
      against winter's; ``recent`` stays the revenue sold, ``peak`` and a three-months-before ``compare`` are at
      its season (growth then reads the last three months at it too), a year-ago ``compare`` is as sold.

    Columns: product_id, product_name, product_line, launch (the launch date, else the first sale), since,
    age_months, recent, compare, growth, peak, of_peak, peak_lines, stage. Sorted by stage order, then recent revenue.
    Vectorised over products (a catalogue of tens of thousands of products takes seconds).
    """
    cfg = report.settings(NAME)
    data = scoped_lines(report)[["product_id", "product_line", "month", "revenue"]]  # every month: not copied
    if not (data["month"] <= report.period).any():
        return pd.DataFrame(
            columns=["product_id", "product_name", "product_line", "launch", "since", "age_months", "recent",
                     "compare", "growth", "peak", "of_peak", "peak_lines", "stage"]
        )  # fmt: skip
    first, _ = facts.data_months(report.ds)
    months = [str(p) for p in pd.period_range(first, report.period, freq="M")]
    pivot = data.pivot_table(index="product_id", columns="month", values="revenue", aggfunc="sum", fill_value=0.0)
    pivot = pivot.reindex(columns=months, fill_value=0.0)  # months after the period dropped here, and products
    squares = data.assign(revenue=data["revenue"] ** 2).pivot_table(
        index="product_id", columns="month", values="revenue", aggfunc="sum", fill_value=0.0
    )  # the spread of a month's sum of lines that come by chance (compound Poisson)
    squares = squares.reindex(index=pivot.index, columns=months, fill_value=0.0)
    sold = data.pivot_table(index="product_id", columns="month", values="revenue", aggfunc="count", fill_value=0)
    sold = sold.reindex(index=pivot.index, columns=months, fill_value=0)  # order lines per product and month
    info = named(report.ds, data.drop_duplicates("product_id")).set_index("product_id")
    info = info[["product_name", "product_line"]]
    frame = info.reindex(pivot.index)
    declared = launch_dates(report).reindex(pivot.index)
    frame["launch"] = declared.fillna(first_sales(report).reindex(pivot.index))
    launched = pd.to_datetime(frame["launch"]).dt.strftime("%Y-%m")
    frame["since"] = np.select([declared.notna(), launched == first], ["launch", "before_data"], "first_sale")
    frame["age_months"] = _months_between(frame["launch"], report.period).where(frame["since"] != "before_data")
    launch_month = pd.to_datetime(frame["launch"]).dt.strftime("%Y-%m").fillna(first)
    season = _calendar(report, pivot.sum(axis=0).to_numpy(dtype=float), months)
    at_now = float(season[-3:].mean())  # the season of the last three months: every window is read at it
    level, level_sq = pivot / season, squares / season**2  # each month at an ordinary season's level
    rolling = _rolling3(level)
    last3 = [shift_month(report.period, k) for k in (2, 1, 0)]
    year3 = [shift_month(m, 12) for m in last3]
    prev3 = [shift_month(m, 3) for m in last3]
    recent = pivot.reindex(columns=last3, fill_value=0.0).sum(axis=1)
    recent_level = level.reindex(columns=last3, fill_value=0.0).sum(axis=1) * at_now
    held = facts.month_orders(report.ds)  # a month the whole company sold nothing in compares no product
    use_year = (launch_month <= year3[0]) & (year3[0] >= first) & all(m in held for m in year3)
    before = level.reindex(columns=prev3, fill_value=0.0).sum(axis=1) * at_now
    known = prev3[0] >= first and all(m in held for m in prev3)
    before = before if known else before * np.nan  # months before the export, or without any order: unknown
    # a year back the season is the same: raw revenue; three months back, both at the last three months' season
    compare = pd.Series(
        np.where(use_year, pivot.reindex(columns=year3, fill_value=0.0).sum(axis=1), before), index=pivot.index
    )
    current = pd.Series(np.where(use_year, recent, recent_level), index=pivot.index)  # what compare is set against
    raw = {k: squares.reindex(columns=m, fill_value=0.0).sum(axis=1) for k, m in (("recent", last3), ("year", year3))}
    levels = {k: level_sq.reindex(columns=m, fill_value=0.0).sum(axis=1) * at_now**2 for k, m in (("recent", last3),
              ("before", prev3))}  # fmt: skip
    spread = {
        "current": pd.Series(np.where(use_year, raw["recent"], levels["recent"]), index=pivot.index),
        "compare": pd.Series(np.where(use_year, raw["year"], levels["before"]), index=pivot.index),
    }
    on_sale = np.asarray(months)[None, :] >= launch_month.to_numpy(dtype=str)[:, None]  # months since launch
    masked = np.where(on_sale, rolling, -np.inf)
    best = masked.max(axis=1)
    at = (np.arange(len(best)), masked.argmax(axis=1))
    peak_spread = _rolling3(level_sq)[at] * at_now**2
    peak = pd.Series(np.where(np.isneginf(best), np.nan, best * at_now), index=pivot.index)
    lines3 = _rolling3(sold)
    busiest = np.where(on_sale, lines3, 0.0).max(axis=1, initial=0.0)  # lines in its best three months
    window_season = pd.Series(season).rolling(3, min_periods=1).mean().to_numpy()  # each window's mean factor
    with np.errstate(invalid="ignore"):  # the peak window's season against the product's months on sale
        swing = window_season[at[1]] / np.where(on_sale, season[None, :], np.nan).mean(axis=1)
    real_peak = _peak_stands_out(lines3[at], sold, on_sale, cfg, np.nan_to_num(swing, nan=1.0))
    frame["recent"] = recent
    frame["compare"] = compare
    frame["growth"] = current / compare.where(compare > 0) - 1
    frame["peak"] = peak
    frame["of_peak"] = recent_level / peak.where(peak > 0)
    frame["peak_lines"] = busiest.astype(int)
    g = cfg["lifecycle_growth"]
    sporadic = frame["peak_lines"] < cfg["lifecycle_min_lines"]
    intro = (frame["age_months"] < cfg["lifecycle_intro_months"]) & ~(sporadic & (frame["since"] == "first_sale"))
    share, beyond = cfg["lifecycle_peak_share"], stats.norm.isf(cfg["lifecycle_p_value"])
    with np.errstate(divide="ignore", invalid="ignore"):  # no line on either side: no growth to judge
        z_growth = (current - compare) / np.sqrt(spread["current"] + spread["compare"])
        z_peak = (recent_level - share * peak) / np.sqrt(levels["recent"] + share**2 * peak_spread)
    fell_from_peak = (frame["of_peak"] < share) & (z_peak <= -beyond) & real_peak
    decline = ((frame["growth"] <= -g) & (z_growth <= -beyond)) | fell_from_peak
    growth = ((frame["growth"] >= g) | ((compare <= 0) & (current > 0))) & (z_growth >= beyond)
    choices = [intro, sporadic, decline, growth]
    frame["stage"] = np.select(choices, ["intro", "sporadic", "decline", "growth"], "mature")
    frame = frame[(pivot.sum(axis=1) != 0)].rename_axis("product_id").reset_index()  # sold only after it here
    order = frame["stage"].map({s: k for k, s in enumerate(STAGES)})
    frame = frame.assign(_o=order).sort_values(["_o", "recent", "product_id"], ascending=[True, False, True])
    return frame.drop(columns="_o").reset_index(drop=True)


def _calendar(report: Report, totals: np.ndarray, months: list[str]) -> np.ndarray:
    """Each month's seasonal factor of the scope's revenue (``totals`` over ``months``); 1s where none can be read.

    A catalogue selling three times as much in November-January as in summer had every steady product's summer
    quarter below half of its best (TPC-DS catalogue sales, real31: 3,421 of 12,000 products 衰退期 in September).
    Read at one season, a window's revenue is compared as the calendar makes it. The scope's own months, shrunk by
    their noise (:func:`salesnb.expect.month_factors`), per calendar month: a three-month window holds January and
    February together or neither, so where 春节 falls moves little of it, and a festival key would keep its own
    size from one noisy month (a steady product read -10 % against a year-ago quarter holding the other key).
    """
    return month_factors(totals)


def _peak_stands_out(
    peak_lines: np.ndarray, sold: pd.DataFrame, on_sale: np.ndarray, cfg: dict, swing: np.ndarray
) -> np.ndarray:
    """Whether each product's best three months stand out of its own level: a peak it can fall from.

    They must hold more lines than a steady product of its level reaches in the best of its three-month windows
    by chance (one-sided Poisson at ``lifecycle_p_value``, Bonferroni over those windows).
    The best three months are picked as the largest of many: a steady product's best is above its level by chance
    alone, the more so the fewer lines it sells (TPC-H, real30: 4,000 parts of ~1 line a quarter, best quarter 4-6
    lines; 1,087 read 衰退期 as three months below half of that best, 847 成长期 from an empty comparison window).
    Only a best that a steady product would not reach in any of its windows marks a peak it can fall from.
    ``swing``: the season of each product's best window against its months on sale (1 without a season): a
    steady product sells more lines in a high season.
    """
    months = on_sale.sum(axis=1)
    lines = np.where(on_sale, sold.to_numpy(dtype=float), 0.0).sum(axis=1)
    level = 3 * lines / np.maximum(months, 1) * swing  # lines a steady product sells in three months of that season
    windows = np.maximum(months / 3, 1)
    chance = stats.poisson.sf(peak_lines - 1, level) * windows
    return chance < cfg["lifecycle_p_value"]


@needs("order_lines")
def lifecycle_panel(report: Report) -> Panel:
    """产品生命周期: the top products' last three months of revenue, coloured by stage, the rest as "其他".

    Chart and table show the ``report.top_n`` products with the most recent revenue, in stage order, and one
    "others" row with the count and revenue of the rest; the note counts the products in each stage.
    """
    lang = report.lang
    frame = lifecycle_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("no_data", lang))
    cfg = report.settings(NAME)
    top = bounded(frame.assign(_pos=frame.index), report, "product_name", ["recent"], by="recent")
    shown = pd.concat([top[~top["is_other"]].sort_values("_pos"), top[top["is_other"]]]).drop(columns="_pos")
    ax = plot_lifecycle(_charted(shown), lang=lang, title=f"{t('prod_lifecycle_title', lang)} · {report.region_label}")
    table = pd.DataFrame(
        {
            t("prod_product", lang): shown["product_name"],
            t("prod_line", lang): text_column(shown["product_line"], lang),
            t("prod_stage", lang): shown["stage"].map(lambda s: t(f"prod_stage_{s}", lang) if s in STAGES else "—"),
            t("prod_launch", lang): [
                _launch_text(d, since, lang) for d, since in zip(shown["launch"], shown["since"], strict=True)
            ],
            t("prod_age", lang): shown["age_months"].map(format_int),
            t("prod_recent", lang): format_amounts(shown["recent"], lang),
            t("prod_growth", lang): shown["growth"].map(lambda v: format_pct(v, signed=True)),
            t("prod_of_peak", lang): shown["of_peak"].map(format_pct),
        }
    )
    if report.needs("products.product_line") is not None:  # no product lines: a column of 未知 on every row
        table = table.drop(columns=t("prod_line", lang))
    counts = frame["stage"].value_counts()
    stages = "，".join if lang == "zh" else ", ".join
    note = t(
        "prod_lifecycle_note", lang, intro=cfg["lifecycle_intro_months"], g=format_pct(cfg["lifecycle_growth"], 0),
        peak=format_pct(cfg["lifecycle_peak_share"], 0), lines=cfg["lifecycle_min_lines"],
    )  # fmt: skip
    parts = [
        note,
        t("prod_lifecycle_counts", lang, total=format_int(len(frame)),
          stages=stages(f"{t(f'prod_stage_{s}', lang)} {format_int(counts.get(s, 0))}" for s in STAGES)),
        bounded_note(top, lang),
    ]  # fmt: skip
    no_launch = int(frame["since"].isin(["first_sale", "before_data"]).sum())
    if no_launch:
        parts.append(t("prod_first_sold_note", lang, n=format_int(no_launch)))
    note = " ".join(p for p in parts if p)
    return Panel(frame=frame, table=table, figure=ax.figure, note=note)


def _charted(shown: pd.DataFrame, dwarfs: float = 2.0) -> pd.DataFrame:
    """The rows the chart draws: without the "others" row when it is over ``dwarfs`` × the largest product.

    A big catalogue's long tail sums to many times its top products: drawn on one axis it would flatten every
    bar worth reading. The table keeps the row, and the note says how many products it holds.
    """
    named = shown[~shown["is_other"]]
    tail = shown.loc[shown["is_other"], "recent"]
    biggest = float(named["recent"].max()) if len(named) else 0.0
    return named if len(tail) and float(tail.max()) > dwarfs * biggest > 0 else shown


def _launch_text(date: object, since: object, lang: str) -> str:
    """``2024-05``, or ``首次销售 2024-05`` when the product has no launch date (the first sale stands in)."""
    if pd.isna(date):
        return "—"
    month = pd.Timestamp(date).strftime("%Y-%m")
    if since == "before_data":
        return t("prod_before_data", lang, month=month)
    return t("prod_first_sold", lang, month=month) if since == "first_sale" else month


# ------------------------------------------------------------------------------------------ 4. new products


def new_products_frame(report: Report) -> pd.DataFrame:
    """Adoption of the products launched in the last ``product.new_product_months`` months (launch month included).

    Per product: launch, revenue (this month), revenue_since_launch, buyers (this month), buyers_since_launch,
    orders_since_launch, repeat_rate (share of its buyers since launch with two or more orders of it),
    units_sold and units_returned since launch (returns up to the end of the period), return_rate
    (``NaN`` without a returns table). Sorted by launch, newest first. Only products with a launch date in
    ``products`` count: a first sale in the data is not a launch.
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
    data = scoped_lines(report)[["product_id", "month", "revenue", "quantity", "customer_id", "order_id"]]
    data = data[facts.among(data["product_id"], new.index) & (data["month"] <= report.period)]
    order = new.sort_values(ascending=False)
    ids = order.index
    products = report.ds.get("products")
    names = products.set_index("product_id") if products is not None else pd.DataFrame()
    by_product = data.groupby("product_id")
    now = data[data["month"] == report.period].groupby("product_id")
    per_buyer = data.groupby(["product_id", "customer_id"])["order_id"].nunique()
    buyers_since = per_buyer.groupby(level="product_id").size().reindex(ids, fill_value=0)
    repeat = (per_buyer >= 2).groupby(level="product_id").mean().reindex(ids)
    units = by_product["quantity"].sum().reindex(ids, fill_value=0).astype(float)
    back_units = pd.Series(np.nan, index=ids)
    if report.ds.has("returns"):
        back = facts.in_region(returned(report.ds), report.region)
        back = back[back["product_id"].isin(ids) & (back["month"] <= report.period)]
        back_units = back.groupby("product_id")["quantity"].sum().reindex(ids, fill_value=0.0).astype(float)
    frame = pd.DataFrame(
        {
            "product_id": ids,
            "product_name": names["product_name"].reindex(ids).fillna(pd.Series(ids, index=ids)).astype(str)
            if len(names)
            else ids,
            "product_line": names["product_line"].reindex(ids).fillna(facts.UNKNOWN).astype(str)
            if len(names)
            else facts.UNKNOWN,
            "launch": order,
            "revenue": now["revenue"].sum().reindex(ids, fill_value=0.0).astype(float),
            "revenue_since_launch": by_product["revenue"].sum().reindex(ids, fill_value=0.0).astype(float),
            "buyers": now["customer_id"].nunique().reindex(ids, fill_value=0).astype(int),
            "buyers_since_launch": buyers_since.astype(int),
            "orders_since_launch": by_product["order_id"].nunique().reindex(ids, fill_value=0).astype(int),
            "repeat_rate": repeat.astype(float),
            "units_sold": units,
            "units_returned": back_units,
            "return_rate": back_units / units.where(units > 0),
        },
        index=ids,
    )
    if not report.buyers_named:  # each order its own buyer: buyers would be orders, and nobody would repeat
        frame[["buyers", "buyers_since_launch", "repeat_rate"]] = np.nan
    return frame.reset_index(drop=True)[columns]


@needs("order_lines", "products")
def new_products_panel(report: Report) -> Panel:
    """新产品表现: revenue this month and since launch per new product; buyers, repeat and return rates."""
    lang = report.lang
    n = report.settings(NAME)["new_product_months"]
    frame = new_products_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("prod_no_new", lang, n=n))
    top = bounded(frame, report, "product_name", ["revenue", "revenue_since_launch"], by="revenue_since_launch")
    ax = plotting.plot_bar_compare(
        top, label="product_name", current="revenue", baseline="revenue_since_launch", lang=lang,
        legend=(t("prod_this_month", lang), t("prod_since_launch", lang)),
        title=f"{t('prod_new_title', lang)} · {report.region_label}",
    )  # fmt: skip
    shown = table(
        top.assign(launch=top["launch"].map(lambda d: "—" if pd.isna(d) else pd.Timestamp(d).strftime("%Y-%m-%d"))),
        [
            ("product_name", "prod_product", None),
            ("launch", "prod_launch", None),
            ("revenue", "prod_revenue", "amount"),
            ("revenue_since_launch", "prod_since_launch", "amount"),
            *(
                [
                    ("buyers", "prod_buyers", "int"),
                    ("buyers_since_launch", "prod_buyers_total", "int"),
                    ("repeat_rate", "prod_repeat_rate", "pct"),
                ]
                if report.buyers_named
                else []
            ),
            ("return_rate", "prod_return_rate", "pct"),
        ],
        lang,
    )
    note = " ".join(p for p in (t("prod_new_note", lang, n=n), bounded_note(top, lang)) if p)
    return Panel(frame=frame, table=shown, figure=ax.figure, note=note)
