"""Credit risk: overdue customers with open late-stage deals."""

from salesnb import support
from support.helpers import report


def test_credit_risk_hand_computed(folder):
    frame = support.credit_risk_frame(report(folder))
    assert frame["customer_id"].tolist() == ["CE0"]  # CE1's invoice is only 16 days overdue
    row = frame.iloc[0]
    assert row["deals"] == "OP1" and row["deal_amount"] == 5000 and row["stage"] == "商务谈判"
    assert row["overdue_invoices"] == 2 and row["overdue_amount"] == 200 and row["max_days_past_due"] == 77
    # as of 09-30: the August invoice was 46 days overdue, OP1 sat in 商务谈判 and OP4, won only on 10-20,
    # was still open in 合同签订
    earlier = support.credit_risk_frame(report(folder, period="2026-09")).iloc[0]
    assert earlier["deals"] == "OP1, OP4" and earlier["deal_amount"] == 10000 and earlier["stage"] == "合同签订"
    assert earlier["overdue_invoices"] == 1 and earlier["max_days_past_due"] == 46
