"""Credit risk: overdue customers with open late-stage deals."""

import pytest

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


def test_one_credit_finding_per_scope_with_the_customers_as_detail(folder):
    # 10 days past due is enough: CE1 (16 days overdue, OP2 in 商务谈判) joins CE0 (OP1, 5,000)
    r = report(folder, thresholds={"support": {"credit_days_past_due": 10}})
    found = [f for f in support.angle_findings(r) if f["code"] == "credit_risk_open_deal"]
    assert len(found) == 1, found  # one credit-risk finding on 10,000, not one per customer
    (hit,) = found
    assert hit["segment"] == {} and hit["effect"] == 10000 and hit["value"] == 10000
    # 2026-09 already carried 10,000 (OP1, OP4) after five months at 0: the expected range's top is 12,708
    # (salesnb.expect's trend line, its prediction interval), so none of this month's 10,000 is new exposure
    assert support.credit.usual_exposure(r) == {"华东": pytest.approx(12707.96, abs=0.01)}
    assert hit["baseline"] == pytest.approx(12707.96, abs=0.01)  # the usual exposure, not the 300 overdue
    assert hit["severity"] == "low"
    members = {m["segment"]["customer_id"]: m for m in hit["members"]}
    assert set(members) == {"CE0", "CE1"} and members["CE1"]["value"] == 5000 and members["CE0"]["baseline"] == 200
    assert hit["title"] == "2 家逾期客户仍在推进签约，涉及商机 1.0万"
    # the ALL report names the region on the one finding of that region
    company = support.angle_findings(report(folder, region="ALL", thresholds={"support": {"credit_days_past_due": 10}}))
    credit = [f for f in company if f["code"] == "credit_risk_open_deal"]
    assert [f["segment"] for f in credit] == [{"region": "华东"}] and credit[0]["effect"] == 10000


def test_new_credit_exposure_is_high(folder):
    # 50 days past due: CE0's August invoice is 46 days overdue on 09-30 (no risk before 2026-10), 77 on 10-31
    r = report(folder, thresholds={"support": {"credit_days_past_due": 50}})
    assert support.credit.usual_exposure(r) == {}  # no month before carried any
    (hit,) = [f for f in support.angle_findings(r) if f["code"] == "credit_risk_open_deal"]
    assert hit["effect"] == 5000 and hit["severity"] == "high"  # OP1's 5,000 all new, against 1,000 of revenue
    assert hit["baseline"] == 0.0  # no month carried any
