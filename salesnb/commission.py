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

import pandas as pd

from .data import facts
from .data.reps import rep_label
from .display.bounded import bounded_note, top_n_with_other
from .display.formatting import format_amount, format_int, format_pct
from .display.panel import Panel
from .display.plotting.people import plot_commission
from .errors import ConfigError
from .i18n import t
from .periods import month_labels
from .report import Report, scope_memo

COUNT_WHEN: tuple[str, ...] = ("invoice_paid", "order")


def commission_rules(config: dict[str, Any]) -> dict[str, Any]:
    """The ``commission`` section checked and normalised: ``{"tiers": [...], "count_when": ...}``.

    Each tier is ``{from_order, to_order (None = no end), rate}``; tiers are sorted and may not overlap.

    Raises
    ------
    ConfigError
        When a tier is malformed, tiers overlap, or ``count_when`` is not one of ``invoice_paid``/``order``.
    """
    section = config.get("commission") or {}
    when = section.get("count_when", "invoice_paid")
    if when not in COUNT_WHEN:
        raise ConfigError(f"commission.count_when must be one of {', '.join(COUNT_WHEN)}, got {when!r}")
    tiers = []
    for k, tier in enumerate(section.get("tiers") or []):
        where = f"commission.tiers[{k}]"
        if not isinstance(tier, dict) or "from_order" not in tier or "rate" not in tier:
            raise ConfigError(f"{where} needs from_order, to_order (empty for no end) and rate, got {tier!r}")
        start, end, rate = tier["from_order"], tier.get("to_order"), tier["rate"]
        if not isinstance(start, int) or start < 1:
            raise ConfigError(f"{where}.from_order must be a whole number from 1, got {start!r}")
        if end is not None and (not isinstance(end, int) or end < start):
            raise ConfigError(f"{where}.to_order must be empty or a whole number >= from_order, got {end!r}")
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ConfigError(f"{where}.rate must be a fraction between 0 and 1 (0.08 = 8%), got {rate!r}")
        tiers.append({"from_order": start, "to_order": end, "rate": float(rate)})
    tiers.sort(key=lambda x: x["from_order"])
    for before, after in zip(tiers[:-1], tiers[1:], strict=True):
        if before["to_order"] is None or before["to_order"] >= after["from_order"]:
            raise ConfigError(
                f"commission tiers overlap: one from order {before['from_order']} and one from {after['from_order']}"
            )
    return {"tiers": tiers, "count_when": when}


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
    """Each order's number among its customer's orders (1 = first), indexed by ``order_id``.

    Orders are numbered by order date, then order id. A customer acquired (``customers.acquired_at``) before
    its first order in the data starts at 2: its first order happened before the data begins.
    """

    def build() -> pd.Series:
        orders = ds["orders"][["order_id", "customer_id", "order_date"]]
        ordered = orders.sort_values(["customer_id", "order_date", "order_id"], kind="stable")
        number = ordered.groupby("customer_id", sort=False).cumcount() + 1
        customers = ds.get("customers")
        if customers is not None:
            first = ordered.groupby("customer_id", sort=False)["order_date"].transform("min").dt.normalize()
            acquired = ordered["customer_id"].map(customers.set_index("customer_id")["acquired_at"])
            number = number + (pd.to_datetime(acquired).dt.normalize() < first).astype(int)
        return pd.Series(number.to_numpy(), index=ordered["order_id"].to_numpy(), name="sequence")

    return facts.per_dataset(ds, ("commission", "sequence"), build)


def paid_months(ds) -> pd.Series:
    """The month label of each invoice's payment (``invoices.paid_at``), per dataset: every month's lines filter it."""
    return facts.per_dataset(ds, ("commission", "paid_months"), lambda: month_labels(ds["invoices"]["paid_at"]))


@scope_memo  # the panel and the published metrics read one computation
def commission_lines(report: Report) -> pd.DataFrame:
    """One row per amount earning commission this period in the report's region, with its tier and commission.

    Columns: order_id, rep_id, customer_id, sequence, tier, rate, base (paid amount, or order revenue with
    ``count_when: order``), commission, counted_at. Orders without a rep earn nothing and are left out.
    """
    rules = commission_rules(report.config)
    orders = facts.in_region(facts.order_facts(report.ds), report.region)
    orders = orders[orders["rep_id"].notna()].set_index("order_id")
    if rules["count_when"] == "order":
        now = facts.in_months(orders, report.period)
        lines = pd.DataFrame(
            {"order_id": now.index, "base": now["revenue"].to_numpy(), "counted_at": now["order_date"].to_numpy()}
        )
    else:
        invoices = report.ds["invoices"]
        paid = invoices[invoices["paid_at"].notna() & (paid_months(report.ds) == report.period)]
        paid = paid[facts.among(paid["order_id"], orders.index)]
        lines = pd.DataFrame(
            {
                "order_id": paid["order_id"].to_numpy(),
                "base": paid["paid_amount"].fillna(paid["amount"]).to_numpy(dtype=float),
                "counted_at": paid["paid_at"].to_numpy(),
            }
        )
    at = facts.positions(orders.index, lines["order_id"])  # one lookup for the two columns ``map`` would fill
    lines["rep_id"] = facts.take(orders["rep_id"], at, lines.index)
    lines["customer_id"] = facts.take(orders["customer_id"], at, lines.index)
    sequence = order_sequence(report.ds)
    numbered = facts.positions(sequence.index, lines["order_id"])
    lines["sequence"] = facts.take(sequence, numbered, lines.index).astype(int)
    tiers = [tier_of(int(s), rules["tiers"]) for s in lines["sequence"]]
    lines["tier"] = [tier_label(tier, report.lang) for tier in tiers]
    lines["rate"] = [tier["rate"] if tier else 0.0 for tier in tiers]
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
            base: frame["base"].map(lambda v: format_amount(v, lang)),
        }
    )
    for part in parts:
        table[part] = frame[part].map(lambda v: format_amount(v, lang))
    table[t("com_total", lang)] = frame["total"].map(lambda v: format_amount(v, lang))
    table[t("com_rate", lang)] = frame["effective_rate"].map(lambda v: format_pct(v, digits=2))
    note = " ".join(p for p in (_note(report, rules), bounded_note(frame, lang)) if p)
    return Panel(frame=full, table=table, figure=ax.figure, note=note)


def _note(report: Report, rules: dict[str, Any]) -> str:
    lang = report.lang
    if rules["count_when"] == "order":
        return t("com_note_order", lang)
    invoices = report.ds["invoices"]
    paid = invoices["paid_at"].notna() & (paid_months(report.ds) == report.period)
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
