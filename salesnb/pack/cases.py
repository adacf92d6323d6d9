"""Typical complaint cases for 客户反馈处理: the month's complaints that weigh most, one row each.

"Largest" is the customer's value (average monthly revenue over ``support.customer_value_months``, the measure
the support angle puts at stake), then the hours to resolve (or still open). With ``pack.anonymise_cases`` the
customers read 客户A, 客户B ... (Customer A ... in English) in the order shown, so a pack can leave the room.
"""

from __future__ import annotations

import string

import pandas as pd

from ..data import facts
from ..display.formatting import format_amount, format_decimal
from ..display.panel import Panel
from ..i18n import t
from ..report import Report
from ..support.common import customer_value
from ..support.complaints import complaint_categories
from ..support.tickets import judged_tickets

COLUMNS = ["ticket_id", "created_at", "customer_id", "customer", "category", "value", "response_hours", "open"]


def _names(report: Report, ids: pd.Series) -> pd.Series:
    customers = report.ds.get("customers")
    if customers is None or "customer_name" not in customers:
        return ids.astype(str)
    names = customers.drop_duplicates("customer_id").set_index("customer_id")["customer_name"]
    return ids.map(names).fillna(ids).astype(str)


def _anonymous(count: int, lang: str) -> list[str]:
    letters = string.ascii_uppercase
    labels = [letters[k % 26] + (str(k // 26) if k >= 26 else "") for k in range(count)]
    return [t("pack_case_customer", lang, letter=label) for label in labels]


def cases_frame(report: Report) -> pd.DataFrame:
    """The month's complaint tickets of the scope, weightiest first, at most ``pack.cases`` rows (``COLUMNS``)."""
    if report.ds.missing("tickets"):
        return pd.DataFrame(columns=COLUMNS)
    categories, _ = complaint_categories(report)  # the support angle's complaints: an export's own names too
    judged = facts.in_months(facts.in_region(judged_tickets(report), report.region), report.period)
    judged = judged[judged["category"].isin(categories)]
    if judged.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.DataFrame(
        {
            "ticket_id": judged["ticket_id"].astype(str),
            "created_at": judged["created_at"],
            "customer_id": judged["customer_id"].astype(str),
            "category": judged["category"].astype(str),
            "value": judged["customer_id"].map(customer_value(report)).fillna(0.0).astype(float),
            "response_hours": judged["response_hours"].astype(float),
            "open": judged["unresolved"].astype(bool),
        }
    )
    frame = frame.sort_values(["value", "open", "ticket_id"], ascending=[False, False, True], kind="stable")
    frame = frame.head(int(report.settings("pack")["cases"])).reset_index(drop=True)
    if report.settings("pack")["anonymise_cases"]:
        frame["customer"] = _anonymous(len(frame), report.lang)
    else:
        frame["customer"] = _names(report, frame["customer_id"]).to_numpy()
    return frame[COLUMNS]


def cases_panel(report: Report) -> Panel:
    """典型案例: the weightiest complaints of the month, who raised them, and whether they are still open."""
    lang = report.lang
    frame = cases_frame(report)
    if frame.empty:
        return Panel(frame=frame, note=t("pack_no_cases", lang))
    table = pd.DataFrame(
        {
            t("pack_col_date", lang): frame["created_at"].dt.strftime("%Y-%m-%d"),
            t("pack_col_customer", lang): frame["customer"],
            t("pack_col_category", lang): frame["category"],
            t("pack_col_value", lang): [format_amount(v, lang) for v in frame["value"]],
            t("pack_col_response", lang): [format_decimal(v) for v in frame["response_hours"]],
            t("pack_col_open", lang): [t("pack_open" if o else "pack_closed", lang) for o in frame["open"]],
        }
    )
    return Panel(frame=frame, table=table, note=t("pack_cases_note", lang, count=len(frame)))
