"""Complaint categories of an export that names them its own way: by keyword, else every ticket."""

import pandas as pd
import pytest
from tiny import write_tiny

from salesnb import support
from salesnb.support import complaints
from support.helpers import HISTORY, cid, oid, report, ticket


def _folder(tmp_path, spiking, quiet):
    """华东, ten orders a month (the last on its last day); one ``spiking`` ticket a month and 8 in 2026-10, two
    ``quiet`` tickets a month."""
    t = {"customers": [{"customer_id": cid("华东", k), "region": "华东"} for k in range(10)], "orders": [],
         "tickets": []}  # fmt: skip
    for month in [*HISTORY, "2026-10"]:
        for k in range(10):
            day = "03" if k < 9 else pd.Period(month).days_in_month  # the orders reach the month's end: whole months
            t["orders"].append({"order_id": oid("华东", month, k), "customer_id": cid("华东", k),
                                "order_date": f"{month}-{day}", "region": "华东", "amount": 100})  # fmt: skip
        for k in range(8 if month == "2026-10" else 1):
            t["tickets"].append(ticket("华东", month, k, spiking, f"{month}-12 09:00", f"{month}-12 10:00"))
        for k in range(2):
            t["tickets"].append(ticket("华东", month, 8 + k, quiet, f"{month}-05 09:00", f"{month}-05 10:00"))
    return write_tiny(tmp_path / "t", tables=t)


def test_categories_named_like_complaints_are_complaints(tmp_path):
    """物流延迟 holds 延迟 (a keyword): a complaint besides the configured four; 产品咨询 is not."""
    folder = _folder(tmp_path, "物流延迟", "产品咨询")
    r = report(folder)
    categories, how = complaints.complaint_categories(r)
    assert categories == ["交付延误", "合同争议", "质量问题", "售后响应", "物流延迟"] and how == "keywords"
    row = support.complaint_frame(r).set_index("category").loc["物流延迟"]
    assert row["count"] == 8 and row["usual"] == pytest.approx(1.0) and bool(row["flagged"])
    found = complaints.complaint_spike(r)
    assert [f["segment"] for f in found] == [{"category": "物流延迟"}]
    assert "物流延迟" in support.complaints_panel(r).note
    assert "物流延迟" in support.complaints_panel(report(folder, lang="en")).note


def test_without_any_complaint_category_every_ticket_counts(tmp_path):
    """Neither Billing nor Onboarding is configured or named like a complaint: every ticket is a complaint."""
    folder = _folder(tmp_path, "Billing", "Onboarding")
    r = report(folder, lang="en")
    assert complaints.complaint_categories(r) == (["Billing", "Onboarding"], "all")
    frame = support.complaint_frame(r).set_index("category")
    assert frame["count"].to_dict() == {"Billing": 8, "Onboarding": 2}
    assert [f["segment"] for f in complaints.complaint_spike(r)] == [{"category": "Billing"}]
    note = support.complaints_panel(r).note
    assert "every ticket" in note and "Billing" in note
    assert "全部工单" in support.complaints_panel(report(folder)).note


def test_configured_categories_alone_leave_the_panel_note_empty(folder):
    r = report(folder)
    assert complaints.complaint_categories(r)[1] == "configured"
    assert support.complaints_panel(r).note == ""
