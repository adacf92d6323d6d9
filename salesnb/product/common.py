"""The product angle's own helpers: the order-lines table, scopes, weighted means and its count tests.

- :func:`lines` — the order lines (the shared line facts); :func:`priced`, :func:`named` and :func:`with_orders`
  add list price, cost, discount and margin, the product's name, the order's date and revenue to the rows a
  section reads;
- :func:`returned` — the returns with the returned order's region, the month returned and the refunded value;
- :func:`with_scopes`, :func:`scoped`, :func:`where`, :func:`prefer_regions` — the ALL report looks for each
  problem in every region as well as company-wide and keeps the regional finding;
- :func:`weighted` / :func:`weighted_mean` — revenue-weighted means with their standard error;
- :func:`month_dispersion` — the spread behind the count tests (:func:`salesnb.stats.count_below`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..data import facts
from ..data.event_months import event_months
from ..data.grouping import sorted_codes
from ..i18n import t
from ..periods import ALL
from ..report import Report
from ..stats import dispersion_around

NAME = "product"  # the angle's name: cache namespace and findings' angle


def lines(ds) -> pd.DataFrame:
    """The order lines every section reads: the shared line facts (:func:`salesnb.data.facts.line_facts`), no copy.

    Columns: order_id, product_id, quantity, unit_price, revenue, month, region, channel, customer_id, rep_id,
    product_line. What a section needs beyond them is added to the rows it reads: prices and costs
    (:func:`priced`), product names (:func:`named`), the order's date and revenue (:func:`with_orders`). A
    full-width copy of every line was the largest derived table (226 MiB at a million lines) and, dropped
    between angles at scale, was rebuilt in every report for columns most sections never read.
    """
    return facts.line_facts(ds)


CODED = ("region", "month", "product_line", "product_id")  # the line facts' columns :func:`coded` holds


class Coded(NamedTuple):
    """Per column of :data:`CODED`: each order line's code (``-1``: missing) and the sorted labels the codes index."""

    codes: dict[str, np.ndarray]
    labels: dict[str, pd.Index]


def coded(ds) -> Coded:
    """:data:`CODED` columns of the order lines (:func:`~salesnb.product.common.lines`) as codes; per dataset."""

    def build() -> Coded:
        data = lines(ds)
        codes, labels = {}, {}
        for column in CODED:
            codes[column], labels[column] = sorted_codes(data[column])
        return Coded(codes, labels)

    return facts.per_dataset(ds, (NAME, "coded"), build)


def priced(ds, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` of :func:`lines` with their list price and unit cost, list revenue, cost, discount and margin.

    ``list_price`` and ``unit_cost`` are the order line's, else the product's; ``list_revenue`` and ``cost`` are
    times ``quantity``; ``discount`` = 1 − unit_price / list_price (``NaN`` without a list price), ``margin`` =
    1 − unit_cost / unit_price. ``rows`` keep the index of :func:`lines` (a slice of it, not a scoped copy): the
    raw order line is found by it.
    """
    raw = ds.get("order_lines")
    if raw is None:
        columns = ["list_price", "unit_cost", "list_revenue", "cost", "discount", "margin"]
        return rows.assign(**{c: pd.Series(np.nan, index=rows.index, dtype=float) for c in columns})
    at = lines(ds).index.get_indexer(rows.index)  # the rows' positions among the order lines
    list_price = pd.Series(raw["list_price"].to_numpy(dtype=float)[at], index=rows.index)
    unit_cost = pd.Series(raw["unit_cost"].to_numpy(dtype=float)[at], index=rows.index)
    products = ds.get("products")
    if products is not None:
        by_product = products.set_index("product_id")
        at = facts.positions(by_product.index, rows["product_id"])  # one lookup for both columns
        list_price = list_price.fillna(facts.take(by_product["list_price"], at, rows.index))
        unit_cost = unit_cost.fillna(facts.take(by_product["unit_cost"], at, rows.index))
    list_price = list_price.where(list_price > 0).astype(float)
    unit_cost = unit_cost.astype(float)
    return rows.assign(
        list_price=list_price,
        unit_cost=unit_cost,
        list_revenue=rows["quantity"] * list_price,
        cost=rows["quantity"] * unit_cost,
        discount=1 - rows["unit_price"] / list_price,
        margin=1 - unit_cost / rows["unit_price"].where(rows["unit_price"] > 0),
    )


def priced_rows(ds, at: np.ndarray) -> pd.DataFrame:
    """The order lines at positions ``at``, :func:`priced`: only the columns :func:`priced` reads are taken.

    The rows are grouped on the lines' codes (:mod:`salesnb.product.codes`), not on a copy of their text.
    """
    return priced(ds, lines(ds)[["product_id", "quantity", "unit_price", "revenue"]].take(at))


def product_names(ds, product_ids: pd.Series) -> pd.Series:
    """The name of each of ``product_ids`` (``products.product_name``, else the id itself), on their index.

    A name several products share (扶手椅 for three SKUs) carries the product's spec where the products have one
    (``products.spec``, an export's 规格型号: ``马利宝椰子 750ml``), and the product's id where the name and spec
    are still shared or there is no spec, ``扶手椅（10002）``: two rows of one table must not read as the same
    product.
    """
    products = ds.get("products")
    if products is not None:
        by_product = facts.per_dataset(ds, (NAME, "shown_names"), lambda: _shown_names(products))
        names = facts.take(by_product, facts.positions(by_product.index, product_ids), product_ids.index)
    else:
        names = pd.Series(np.nan, index=product_ids.index, dtype=object)
    return names.fillna(product_ids).astype(str).rename("product_name")


def _shown_names(products: pd.DataFrame) -> pd.Series:
    """``product_name`` by ``product_id``: a name other products also carry with its spec, then with its id."""
    rows = products.drop_duplicates("product_id").set_index("product_id")
    names = rows["product_name"]
    shared = names.notna() & names.duplicated(keep=False)
    if not shared.any():
        return names
    if "spec" in rows.columns:  # 马利宝椰子 750ml beside 马利宝椰子 1000ml
        spec = rows["spec"].astype("string").str.strip()
        named = shared & spec.notna() & spec.ne("")
        names = names.where(~named, names.astype(str) + " " + spec.astype(str))
        shared = names.notna() & names.duplicated(keep=False)
    ids = names.index.to_series().astype(str)
    return names.where(~shared, names.astype(str) + "（" + ids + "）")


def named(ds, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (with ``product_id``) with ``product_name`` (:func:`product_names`)."""
    return rows.assign(product_name=product_names(ds, rows["product_id"]))


def with_orders(ds, rows: pd.DataFrame, months: list[str] | None = None) -> pd.DataFrame:
    """``rows`` (with ``order_id``) with their order's ``order_date`` and ``order_revenue`` (the whole order's).

    ``months``: the months of ``rows``' orders when known (rows of :func:`lines` in these months).
    """
    found = order_values(ds, rows["order_id"], ["order_date", "revenue"], months)
    return rows.assign(order_date=found["order_date"], order_revenue=found["revenue"])


def order_values(ds, order_ids: pd.Series, columns: list[str], months: list[str] | None = None) -> pd.DataFrame:
    """The order facts' ``columns`` of each of ``order_ids`` (missing where it is no order), on their index.

    The ids are looked up among the orders that can match only: those of ``months`` when given, else those
    among ``order_ids`` (found by hashing the orders against the few ids): hashing every order of the data as
    keys cost more than the lookup itself.
    """
    orders = facts.order_facts(ds)
    if months is not None:
        keep = orders["month"].isin(months).to_numpy()
    else:
        keep = facts.among(orders["order_id"], order_ids)
    orders = orders.loc[keep, ["order_id", *columns]]
    at = facts.positions(orders["order_id"], order_ids)  # one lookup for every column
    return pd.DataFrame({c: facts.take(orders[c], at, order_ids.index) for c in columns}, index=order_ids.index)


def scoped_lines(report: Report, months: list[str] | str | None = None) -> pd.DataFrame:
    """:func:`lines` of the report's region (in ``months`` when given)."""
    if months is None:
        return facts.in_region(lines(report.ds), report.region)
    return facts.scoped(lines(report.ds), report.region, months)


def returned(ds) -> pd.DataFrame:
    """Returns with the returned order's region, the month returned and the refunded value (units × unit price)."""

    def build() -> pd.DataFrame:
        returns = ds.get("returns")
        if returns is None:
            return pd.DataFrame(columns=["order_id", "product_id", "quantity", "reason", "region", "month", "value"])
        data = returned_lines(ds)  # a returned order's first line of each product: its price
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
        region = order_values(ds, frame["order_id"], ["region"])["region"]
        frame["region"] = region.fillna(facts.UNKNOWN).astype(str)
        frame["month"] = event_months(ds, frame["returned_at"])
        keys = pd.MultiIndex.from_frame(frame[["order_id", "product_id"]])
        frame["value"] = frame["quantity"] * price.reindex(keys).to_numpy(dtype=float)
        return frame

    return facts.per_dataset(ds, (NAME, "returns"), build)


def product_info(ds) -> pd.DataFrame:
    """The first order line of each product (:func:`lines`' columns and its name), by ``product_id``; per dataset."""
    return facts.per_dataset(
        ds, (NAME, "product_info"), lambda: named(ds, lines(ds).drop_duplicates("product_id")).set_index("product_id")
    )


def returned_lines(ds) -> pd.DataFrame:
    """The :func:`lines` of the returned orders (:func:`lines_of_orders`), once per dataset: a few rows."""

    def build() -> pd.DataFrame:
        returns = ds.get("returns")
        return lines_of_orders(ds, returns["order_id"] if returns is not None else pd.Series(dtype="str"))

    return facts.per_dataset(ds, (NAME, "returned_lines"), build)


def lines_of_orders(ds, order_ids: pd.Series) -> pd.DataFrame:
    """The :func:`lines` of the orders ``order_ids`` (the same rows in the same order as an ``isin``), one lookup."""
    data = lines(ds)
    return data[facts.among(data["order_id"], order_ids)]


def same_month_last_year(report: Report) -> str | None:
    """The same month a year before the period, when the data reaches back to it."""
    month = str(report.baselines.same_month_last_year)
    return month if report.covered([month]) else None


# ------------------------------------------------------------------------------------------------ scopes


def with_scopes(frame: pd.DataFrame, report: Report) -> pd.DataFrame:
    """``frame`` with a ``scope`` column: the report's region, or ALL plus every known region for ALL reports."""
    if report.region != ALL:
        return frame[frame["region"] == report.region].assign(scope=report.region)
    regional = frame[frame["region"] != facts.UNKNOWN]
    return pd.concat([frame.assign(scope=ALL), regional.assign(scope=regional["region"])], ignore_index=True)


def in_scopes(report: Report, frame: pd.DataFrame, months: list[str], columns: list[str] | None = None) -> pd.DataFrame:
    """``with_scopes(in_months(frame, months), report)``; a region's rows of a shared table filtered once.

    ``columns`` (with ``region``) keeps only these columns of the months' rows before the ALL report doubles them
    into scopes: the same rows and values, without copying the columns nobody reads.
    """
    if report.region != ALL:
        rows = facts.scoped(frame, report.region, months)
        return (rows if columns is None else rows[columns]).assign(scope=report.region)
    rows = facts.in_months(frame, months)
    return with_scopes(rows if columns is None else rows[columns], report)


def scoped(report: Report, scope: str, segment: dict[str, Any]) -> dict[str, Any]:
    """A finding's segment: ``{"region": scope}`` first when it is one region of the ALL report."""
    return {**({"region": scope} if report.region == ALL and scope != ALL else {}), **segment}


def where(report: Report, scope: str) -> str:
    """``华东：`` before a finding's title when it sits in one region of the ALL report, else ``""``.

    Kept instead of :meth:`Report.where` because the English form differs (``华东: `` here, ``华东 · `` there).
    """
    return "" if scope == report.region or scope == ALL else t("prod_where", report.lang, region=scope)


def prefer_regions(found: list[tuple[str, tuple, dict]]) -> list[dict]:
    """Drop a company-wide finding when the same problem (same key) was also found in a region.

    ``found`` holds ``(scope, key, finding)``; the findings are returned in their order.
    """
    regional = {key for scope, key, _ in found if scope != ALL}
    return [f for scope, key, f in found if scope != ALL or key not in regional]


# ------------------------------------------------------------------------------------------- weighted means


def weighted(frame: pd.DataFrame, value: str, weight: str, prefix: str) -> pd.DataFrame:
    """Columns to sum for a weighted mean of ``value`` and its standard error: w, w·x, w², w²·x, w²·x²."""
    ok = frame[value].notna() & frame[weight].notna() & (frame[weight] > 0)
    w = frame[weight].where(ok, 0.0)
    x = frame[value].where(ok, 0.0)
    return pd.DataFrame(
        {f"{prefix}_w": w, f"{prefix}_wx": w * x, f"{prefix}_w2": w * w, f"{prefix}_w2x": w * w * x,
         f"{prefix}_w2x2": w * w * x * x},
        index=frame.index,
    )  # fmt: skip


def weighted_mean(sums: pd.DataFrame, prefix: str) -> tuple[pd.Series, pd.Series]:
    """Weighted mean and its standard error from the sums made by :func:`weighted`."""
    w = sums[f"{prefix}_w"]
    mean = sums[f"{prefix}_wx"] / w.where(w > 0)
    var = (sums[f"{prefix}_w2x2"] - 2 * mean * sums[f"{prefix}_w2x"] + mean * mean * sums[f"{prefix}_w2"]) / w**2
    return mean, np.sqrt(var.clip(lower=0.0))


def rate_sums(data: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: revenue, list revenue, cost, units and the sums behind discount depth and margin."""
    return pd.concat([data[keys], rate_parts(data)], axis=1).groupby(keys).sum(numeric_only=True)


def rate_parts(data: pd.DataFrame) -> pd.DataFrame:
    """Per row of :func:`priced` ``data``, what a group's rates are summed from.

    Columns: revenue, quantity, the sums behind discount depth and margin (:func:`weighted`, prefixes ``d`` and
    ``m``), list_revenue (of the lines with a list price). Depth is weighted by list revenue, so a group's depth
    is 1 − Σ paid ÷ Σ list (what 折扣率 means on a price list); margin by revenue, 1 − Σ cost ÷ Σ revenue. A
    revenue weight would count a deeply discounted line by the little it brought in and understate the depth.
    """
    return pd.concat(
        [
            data[["revenue", "quantity"]],
            weighted(data, "discount", "list_revenue", "d"),  # Σ(list − paid) ÷ Σ list: the money given off list
            weighted(data, "margin", "revenue", "m"),
            data["list_revenue"].where(data["discount"].notna(), 0.0).rename("list_revenue"),
        ],
        axis=1,
    )


# ------------------------------------------------------------------------------------------------- tests


def month_dispersion(counts: pd.DataFrame, months: list[str], window: int) -> pd.Series:
    """How much more a row's monthly counts spread than a Poisson count would (at least 1), around a moving level.

    For each of ``months`` the count is compared with the average of the ``window`` months before it (see
    :func:`dispersion_around`). Seasonality and lumpy business raise φ, making the tests that use it more careful.
    (Unlike :func:`salesnb.stats.dispersion`, a variance ÷ mean over the months, this measures the spread around a
    moving level, so a trend is not spread.)
    """
    columns = list(counts.columns)
    level = {m: counts.iloc[:, k - window : k].mean(axis=1) for m in months if (k := columns.index(m)) >= window}
    return dispersion_around(counts, pd.DataFrame(level, index=counts.index), months)
