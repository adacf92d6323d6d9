"""An invoice ledger with due and payment dates (``salesnb map``): its rows are the receivables too.

IBM's accounts-receivable sample (invoiceNumber, customerID, InvoiceDate, DueDate, InvoiceAmount, SettledDate) and
an ERP's AR ageing export were proposed as orders only: DueDate and SettledDate went unused, so the support
angle's receivables, DSO and overdue sections had no data unless the invoices table was mapped by hand. A file
whose orders are invoices (an id, a customer, an issue date and an amount) and which holds a due date is proposed
as the ``invoices`` table as well, paid on its payment date when it has one.
"""

from __future__ import annotations

import pandas as pd

from .pipelines import dated_column

DUE_NAMES = ("duedate", "dueat", "datedue", "invoiceduedate", "paymentduedate", "netduedate", "到期日", "到期日期",
             "应收日期", "付款到期日", "账期到期日", "约定付款日期")  # fmt: skip
PAID_NAMES = ("settleddate", "settledat", "paiddate", "paidat", "datepaid", "paymentdate", "clearingdate",
              "cleareddate", "paymentreceiveddate", "收款日期", "回款日期", "实际收款日期", "实际回款日期",
              "到账日期")  # fmt: skip


def invoice_tables(frame: pd.DataFrame, found: dict[str, str]) -> tuple[dict, dict] | None:
    """(the invoices columns, no exclude rules) of a ledger with due dates, else ``None``."""
    invoice, issued = found.get("order_id"), found.get("order_date")
    customer, amount = found.get("customer_id") or found.get("customer_name"), found.get("amount")
    due = dated_column(frame, DUE_NAMES)
    if not (invoice and issued and customer and amount and due) or amount.startswith("="):
        return None
    columns = {"invoice_id": invoice, "customer_id": customer, "issued_at": issued, "due_at": due, "amount": amount}
    paid = dated_column(frame, PAID_NAMES)
    return {"invoices": columns | ({"paid_at": paid} if paid and paid not in (issued, due) else {})}, {}
