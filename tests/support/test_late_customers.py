"""Late customers: how much of a complaint spike or a satisfaction drop the customers delivered late account for."""

import pytest
from tiny import write_tiny

from salesnb import causes
from salesnb.support import late_customers
from salesnb.support.complaints import complaint_spike
from salesnb.support.delivery import delivery_delay
from salesnb.support.satisfaction import satisfaction_drop
from support.helpers import build, report


def test_the_late_customers_of_the_month_and_the_month_before(folder):
    late, due = late_customers.late_customers(report(folder), "华东")
    assert late == {f"CE{k}" for k in range(7)} and due == 10  # CE0..CE6 late in October; 10 customers due
    assert late_customers.late_customers(report(folder), "华南") == (set(), 10)


def test_complaints_from_the_late_customers_are_the_delays(folder):
    # 8 交付延误 tickets from CE0..CE7 against a usual 1: 7 from the 7 late customers, 1 from the 3 on time.
    # At the on-time rate (1/3 a customer) the late would file 2.33: their extra 4.67 is at least half the excess 7.
    r = report(folder)
    assert late_customers.explain_complaints(r, "华东", "交付延误", usual=1.0) == pytest.approx((7 - 7 / 3, 7.0))
    assert not late_customers.explain_complaints(r, "华东", "交付延误", usual=8.0)  # no excess: nothing to explain
    assert not late_customers.explain_complaints(r, "华南", "使用咨询", usual=1.0)  # 华南 delivered everything on time


def test_a_drop_in_scores_everyone_shares_is_not_the_delays(folder):
    # every October answer scores 55 or 65, the on-time customers' too: leaving the late out takes nothing back
    assert not late_customers.explain_satisfaction(report(folder), "华东", "score_交付", usual=85.0)


def test_a_drop_in_scores_from_the_late_customers_is_the_delays(tmp_path):
    tables = build()
    for row in tables["surveys"]:
        if row["responded_at"].startswith("2026-10") and row["customer_id"] in ("CE7", "CE8", "CE9"):
            row.update(csat=85, score_交付=85, nps=9)  # the on-time customers answer as usual
    r = report(write_tiny(tmp_path / "t", tables=tables))
    # October 交付 scores: five 55s and four 65s from the late, 85 ×3 from CE7..CE9: mean 790 / 12; on time: 85
    taken_back, fall = late_customers.explain_satisfaction(r, "华东", "score_交付", usual=85.0)
    assert taken_back == pytest.approx(85 - 790 / 12) and fall == pytest.approx(85 - 790 / 12)
    assert late_customers.explain_satisfaction(r, "华东", "nps", usual=50.0)
    found = causes.link(r, [*delivery_delay(r), *complaint_spike(r), *satisfaction_drop(r)])
    parent = {f["code"]: f["parent"] for f in found}
    delay = next(f["id"] for f in found if f["code"] == "delivery_delay")
    assert parent["complaint_spike"] == delay and parent["satisfaction_drop"] == delay
    assert parent["delivery_delay"] is None
    explained = {f["code"]: f["explained"] for f in found}
    assert explained["delivery_delay"] is None  # a root: nothing explains it
    assert explained["complaint_spike"]["match"] == "late_customers"
    assert explained["complaint_spike"]["unit"] == "complaints"
    assert explained["satisfaction_drop"]["unit"] == "points"


def test_complaints_from_the_customers_delivered_on_time_are_not_the_delays(tmp_path):
    tables = build()
    spike = [row for row in tables["tickets"] if row["category"] == "交付延误" and row["created_at"] >= "2026-10"]
    for k, row in enumerate(spike):
        row["customer_id"] = f"CE{7 + k % 3}"  # the 8 October complaints come from CE7..CE9, delivered on time
    r = report(write_tiny(tmp_path / "t", tables=tables))
    assert not late_customers.explain_complaints(r, "华东", "交付延误", usual=1.0)
