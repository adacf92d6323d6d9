"""Tiered sales commission (提成) per rep, from rules written as data in the ``commission`` configuration.

A rule set is a list of tiers by the order's sequence number for its customer (the customer's 1st, 2nd ...
order) with a rate each, and ``count_when``: ``invoice_paid`` counts the paid amount of an order's invoices
in the month they are paid (``invoices.paid_at``), ``order`` counts the order's revenue in the month it is
placed. The seed example pays 8% on a new customer's first order, 6% on orders 2–5 and 5% from the 6th on.

Sequence numbers are counted over the orders in the data, in order date order (then order id). A customer
whose ``customers.acquired_at`` lies before the first order the data holds for it had an earlier order the
data does not show, so its numbering starts at 2.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .angle import BUYERS
from .config import COUNT_WHEN, commission_rules  # noqa: F401 - the rules' home is the configuration's check
from .data import facts
from .data.reps import rep_label
from .display.bounded import bounded_note, top_n_with_other
from .display.formatting import format_amounts, format_int, format_pct
from .display.panel import Panel
from .display.plotting.people import plot_commission
from .i18n import t
from .periods import ALL, bounds
from .report import Report, scope_memo


def tier_label(tier: dict[str, Any] | None, lang: str = "zh") -> str:
    """``第1单``, ``第2–5单``, ``第6单起`` (``Order 1``, ``Orders 2–5``, ``Order 6 on``)."""
    if tier is None:
        return t("com_no_tier", lang)
    start, end = tier["from_order"], tier["to_order"]
    if end is None:
        return t("com_tier_open", lang, a=start)
    if end == start:
        return t("com_tier_one", lang, n=start)
    return t("com_tier_range", lang, a=start, b=end)


def tier_of(sequence: int, tiers: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The tier covering an order's sequence number, or ``None``."""
    for tier in tiers:
        if sequence >= tier["from_order"] and (tier["to_order"] is None or sequence <= tier["to_order"]):
            return tier
    return None


def order_sequence(ds) -> pd.Series:
    """Each order's number among its customer's orders (1 = first), indexed by ``order_id`` (in the orders' order).

    Orders are numbered by order date, then order id. A customer acquired (``customers.acquired_at``) before
    its first order in the data starts at 2: its first order happened before the data begins.
    """
    return pd.Series(sequence_numbers(ds), index=pd.Index(ds["orders"]["order_id"]), name="sequence")


def sequence_numbers(ds) -> np.ndarray:
    """:func:`order_sequence`'s numbers aligned with the rows of ``orders`` (and of the order facts), per dataset.

    The orders are put in (customer, order date, order id) order by one Arrow sort and numbered from each
    customer's first row; a customer's first date and acquisition date are compared once per customer, not per
    order (CPU at 5.7M orders: 11 s for pandas' sort of the text columns and the per-order ``map``, 3 s now).
    Orders without a customer get NaN (the numbers are then floats), as a ``cumcount`` over their missing key gives.
    """

    def build() -> np.ndarray:
        orders = ds["orders"]
        table = pa.Table.from_pandas(orders[["customer_id", "order_date", "order_id"]], preserve_index=False)
        order = sorted_rows(table)
        ids = table.column("customer_id").take(order)  # each customer's orders in a run, missing ones last
        missing = pc.is_null(ids).to_numpy(zero_copy_only=False)
        changed = pc.fill_null(pc.not_equal(ids[1:], ids[:-1]), True).to_numpy(zero_copy_only=False)
        starts = np.flatnonzero(np.r_[True, changed]) if len(order) else np.array([], dtype=int)
        sizes = np.diff(np.r_[starts, len(order)])
        number = np.arange(len(order)) - np.repeat(starts, sizes) + 1
        if ds.get("customers") is not None:
            number = number + np.repeat(_acquired_before(ds, order[starts], ids.take(starts), missing[starts]), sizes)
        if missing.any():
            number = np.where(missing, np.nan, number)
        out = np.empty(len(number), dtype=number.dtype)
        out[order] = number
        return out

    return facts.per_dataset(ds, ("commission", "sequence"), build)


def _acquired_before(ds, first_rows: np.ndarray, customers: pa.ChunkedArray, missing: np.ndarray) -> np.ndarray:
    """1 for each of ``customers`` acquired before the day of its first order (row ``first_rows``), else 0.

    Missing dates sort last: a customer's first row holds its earliest date, if any. A ``missing`` customer: 0.
    """
    known = ~missing
    first = ds["orders"]["order_date"].take(first_rows[known]).dt.normalize().reset_index(drop=True)
    by_id = ds["customers"].set_index("customer_id")["acquired_at"]
    text = by_id.index.dtype if isinstance(by_id.index.dtype, pd.StringDtype) else None  # the ids' own dtype
    ids = pd.Series(customers.filter(pa.array(known)).to_pandas(types_mapper=lambda _: text))
    acquired = pd.to_datetime(facts.lookup(ids, by_id)).dt.normalize()
    out = np.zeros(len(known), dtype=int)
    out[known] = (acquired < first).to_numpy(dtype=int)
    return out


def sorted_rows(table: pa.Table) -> np.ndarray:
    """Row positions of ``table`` sorted by its columns, ascending, missing values last, ties in row order.

    The order of a stable ``sort_values(columns)``, by one Arrow table sort (text compares by code point in both).
    """
    return pc.sort_indices(table, sort_keys=[(c, "ascending") for c in table.column_names]).to_numpy()


def rows_of(keys: pd.Series, values: pd.Series) -> np.ndarray:
    """Position in ``keys`` of each of ``values`` (the first where a key repeats), ``-1`` where absent.

    :func:`salesnb.data.facts.positions` for a few values among many keys (a month's invoices among every
    order): the hash is built on the values' distinct ids and the keys are looked up in it, not the other way.
    """
    distinct = pd.Index(pd.unique(values))
    hit = facts.positions(distinct, keys)
    found = np.flatnonzero(hit >= 0)[::-1]  # assigned last to first: the first row holding an id wins
    row = np.full(len(distinct), -1, dtype=np.intp)
    row[hit[found]] = found
    at = facts.positions(distinct, values)
    return np.where(at >= 0, row[at], -1)


def paid_in(report: Report) -> pd.Series:
    """Whether each invoice was paid in the report's month (``invoices.paid_at``; the loader's dates are naive).

    The month's bounds against the payment dates: labelling every invoice's payment month and keeping the labels
    per dataset cost a second and 60 MB at 5.6M invoices, for the one month a report counts.
    """
    start, end = bounds(report.period)
    paid_at = report.ds["invoices"]["paid_at"]
    return (paid_at >= start) & (paid_at < end)


@scope_memo  # the panel and the published metrics read one computation
def commission_lines(report: Report) -> pd.DataFrame:
    """One row per amount earning commission this period in the report's region, with its tier and commission.

    Columns: order_id, rep_id, customer_id, sequence, tier, rate, base (paid amount, or order revenue with
    ``count_when: order``), commission, counted_at. Orders without a rep earn nothing and are left out.
    """
    rules = commission_rules(report.config)
    orders = facts.order_facts(report.ds)  # its rows are the orders' (a RangeIndex): sequence_numbers line up
    if rules["count_when"] == "order":
        now = facts.scoped(orders, report.region, report.period)
        now = now[now["rep_id"].notna()]
        at = now.index.to_numpy()
        lines = pd.DataFrame(
            {
                "order_id": now["order_id"].array,  # the dtype an order_id index gives
                "base": now["revenue"].to_numpy(),
                "counted_at": now["order_date"].to_numpy(),
            }
        )
    else:
        invoices = report.ds["invoices"]
        paid = invoices[paid_in(report)]
        at = rows_of(orders["order_id"], paid["order_id"])
        keep = at >= 0  # the invoice's order is known; it counts when it has a rep and lies in the region
        found = pd.RangeIndex(int(keep.sum()))
        counted = facts.take(orders["rep_id"], at[keep], found).notna()
        if report.region != ALL:
            counted &= facts.take(orders["region"], at[keep], found) == report.region
        keep[keep] = counted.to_numpy(dtype=bool)
        paid, at = paid[keep], at[keep]
        lines = pd.DataFrame(
            {
                "order_id": paid["order_id"].to_numpy(),
                "base": paid["paid_amount"].fillna(paid["amount"]).to_numpy(dtype=float),
                "counted_at": paid["paid_at"].to_numpy(),
            }
        )
    lines["rep_id"] = facts.take(orders["rep_id"], at, lines.index)
    lines["customer_id"] = facts.take(orders["customer_id"], at, lines.index)
    sequence = pd.Series(sequence_numbers(report.ds)[at], index=lines.index)
    lines["sequence"] = sequence.fillna(1).astype(int)  # an order without a customer is its own buyer's first
    numbers, which = np.unique(lines["sequence"].to_numpy(), return_inverse=True)  # a tier per distinct number
    tiers = [tier_of(int(n), rules["tiers"]) for n in numbers]
    lines["tier"] = np.array([tier_label(tier, report.lang) for tier in tiers], dtype=object)[which].tolist()
    lines["rate"] = np.array([tier["rate"] if tier else 0.0 for tier in tiers], dtype=float)[which]
    lines["commission"] = lines["base"] * lines["rate"]
    columns = ["order_id", "rep_id", "customer_id", "sequence", "tier", "rate", "base", "commission", "counted_at"]
    return lines.sort_values(["rep_id", "counted_at", "order_id"], kind="stable").reset_index(drop=True)[columns]


def statement_frame(report: Report) -> pd.DataFrame:
    """Per-rep commission statement: orders counted, base amount, commission per tier, total and effective rate.

    One column per configured tier (named by :func:`tier_label`), in tier order; the tier columns add up to
    ``total``. Sorted by total commission, largest first.
    """
    rules = commission_rules(report.config)
    lines = commission_lines(report)
    tier_names = [tier_label(tier, report.lang) for tier in rules["tiers"]]
    extra = [name for name in lines["tier"].unique() if name not in tier_names]
    by_tier = lines.pivot_table(index="rep_id", columns="tier", values="commission", aggfunc="sum", fill_value=0.0)
    by_tier = by_tier.reindex(columns=tier_names + sorted(extra), fill_value=0.0)
    frame = pd.DataFrame(
        {
            "orders": lines.groupby("rep_id")["order_id"].nunique(),
            "base": lines.groupby("rep_id")["base"].sum(),
        }
    ).join(by_tier)
    frame["total"] = lines.groupby("rep_id")["commission"].sum()
    frame["effective_rate"] = frame["total"] / frame["base"].where(frame["base"] > 0)
    frame = frame.rename_axis("rep_id").reset_index()
    frame.insert(1, "label", [rep_label(report.ds, r, report.lang) for r in frame["rep_id"]])
    return frame.sort_values(["total", "rep_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def statement_panel(report: Report) -> Panel:
    """提成结算: commission per rep stacked by tier, with the statement table (orders, base, tiers, total)."""
    lang = report.lang
    rules = commission_rules(report.config)
    if rules["count_when"] == "invoice_paid" and (skipped := report.needs("invoices")) is not None:
        return skipped
    if len(rules["tiers"]) > 1 and (skipped := report.needs(BUYERS)) is not None:  # tiers count a customer's orders
        return skipped
    frame = statement_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("com_none", lang))
    parts = [c for c in frame.columns if c not in ("rep_id", "label", "orders", "base", "total", "effective_rate")]
    top = frame.head(report.config["report"]["top_n"] * 3)
    ax = plot_commission(top, parts=parts, lang=lang, title=f"{t('com_title', lang)} · {report.region_label}")
    base = t("com_base_paid" if rules["count_when"] == "invoice_paid" else "com_base_order", lang)
    full, frame = (
        frame,
        top_n_with_other(
            frame, None, len(top), "label", ["orders", "base", *parts, "total"], t("other_rows", lang, n="{n}")
        ),
    )  # the statement's top rows and one "others" row with the rest's totals
    table = pd.DataFrame(
        {
            t("com_rep", lang): frame["label"],
            t("com_orders", lang): frame["orders"].map(format_int),
            base: format_amounts(frame["base"], lang),
        }
    )
    for part in parts:
        table[part] = format_amounts(frame[part], lang)
    table[t("com_total", lang)] = format_amounts(frame["total"], lang)
    table[t("com_rate", lang)] = frame["effective_rate"].map(lambda v: format_pct(v, digits=2))
    note = " ".join(p for p in (_note(report, rules), bounded_note(frame, lang)) if p)
    return Panel(frame=full, table=table, figure=ax.figure, note=note)


def _note(report: Report, rules: dict[str, Any]) -> str:
    lang = report.lang
    if rules["count_when"] == "order":
        return t("com_note_order", lang)
    invoices = report.ds["invoices"]
    paid = paid_in(report)
    unlinked = int((paid & invoices["order_id"].isna()).sum())
    return t("com_note_paid", lang, unlinked=t("com_unlinked", lang, n=unlinked) if unlinked else "").strip()


def commission_metrics(report: Report) -> dict[str, float | int | None]:
    """Total commission, base and effective rate this period (``None`` where invoices are needed and absent)."""
    rules = commission_rules(report.config)
    if rules["count_when"] == "invoice_paid" and not report.ds.has("invoices"):
        return {"commission_total": None, "commission_base": None, "commission_rate": None}
    lines = commission_lines(report)
    total, base = float(lines["commission"].sum()), float(lines["base"].sum())
    return {"commission_total": total, "commission_base": base, "commission_rate": total / base if base else None}
