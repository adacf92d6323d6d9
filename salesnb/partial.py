"""The partial-month note: which of the dataset's tables a partial month compares on days 1..D, and how.

A partial month is read through its last day D in every table (orders, leads, deals, activities, tickets,
invoices), open deals and unpaid invoices as at day D, targets and marketing spend prorated. The note names only
the tables the dataset has: an orders-only export read of 商机 and 工单 it never had.
"""

from __future__ import annotations

from .data.dataset import Dataset
from .i18n import joined, t

CUT: tuple[str, ...] = ("orders", "leads", "opportunities", "activities", "tickets", "invoices")  # days 1..D
AT_DAY: tuple[str, ...] = ("opportunities", "invoices")  # open deals, unpaid invoices at the end of day D
PRORATED: tuple[str, ...] = ("targets", "marketing_spend")  # a month's amount × D / days of the month


def partial_note(ds: Dataset, lang: str, period: str, day: int) -> str:
    """``⚠ 2016-12 是不完整月 …`` naming the tables of ``ds`` a partial month through ``day`` is read by."""

    def listed(tables: tuple[str, ...], kind: str) -> str:
        names = [t(f"partial_{kind}_{name}", lang) for name in tables if ds.has(name)]
        return joined(names, lang) if lang == "zh" or kind == "cut" else " and ".join(names)

    extras = ""
    if listed(AT_DAY, "at"):
        extras += t("partial_at_day", lang, tables=listed(AT_DAY, "at"), day=day)
    if listed(PRORATED, "pro"):
        extras += t("partial_prorated", lang, tables=listed(PRORATED, "pro"))
    return t("partial_note", lang, period=period, day=day, tables=listed(CUT, "cut"), extras=extras)
