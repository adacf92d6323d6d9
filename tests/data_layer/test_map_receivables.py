"""``salesnb map`` on an accounts-receivable ledger (IBM's WA_Fn-UseC_-Accounts-Receivable.csv, 2,466 invoices).

On main it wrote a draft (InvoiceAmount unrecognised) and, once the amount was filled in, orders only: DueDate and
SettledDate went unused and the support angle's receivables, DSO and overdue sections had no data.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping

LEDGER = """countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,\
PaperlessBill,DaysToSettle,DaysLate
391,0379-NEVHP,4/6/2013,0000611365,1/2/2013,2/1/2013,55.94,No,1/15/2013,Paper,13,0
406,8976-AMJEO,3/3/2012,0007900770,1/26/2013,2/25/2013,61.74,Yes,3/3/2013,Electronic,36,6
391,2820-XGXSB,1/26/2012,0009231909,7/3/2013,8/2/2013,65.88,No,7/8/2013,Electronic,5,0
406,9322-YCTQO,4/6/2012,0009888306,2/10/2013,3/12/2013,105.92,No,3/17/2013,Electronic,35,5
"""


def test_a_ledger_with_due_and_settled_dates_is_proposed_as_the_invoices_too(tmp_path: Path) -> None:
    (tmp_path / "WA_Fn-UseC_-Accounts-Receivable.csv").write_text(LEDGER, encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.columns["orders"]["amount"] == "InvoiceAmount"
    assert proposal.columns["invoices"] == {
        "invoice_id": "invoiceNumber",
        "customer_id": "customerID",
        "issued_at": "InvoiceDate",
        "due_at": "DueDate",
        "amount": "InvoiceAmount",
        "paid_at": "SettledDate",
    }
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(proposal.mapping(), allow_unicode=True), encoding="utf-8")
    invoices = load_dataset(tmp_path, mapping=mapping)["invoices"].set_index("invoice_id")
    late = invoices["paid_at"] > invoices["due_at"]  # 8976-AMJEO and 9322-YCTQO settled 6 and 5 days late
    assert late.to_dict() == {"0000611365": False, "0007900770": True, "0009231909": False, "0009888306": True}
    assert invoices["amount"].sum() == 55.94 + 61.74 + 65.88 + 105.92
