"""Tickets and SLA: response times per category, breaches judged at month end."""

import pytest
from tiny import write_tiny

from salesnb import support
from salesnb.data.summary import summarize
from support.helpers import build, report


def test_tickets_and_sla_hand_computed(folder):
    frame = support.tickets_frame(report(folder)).set_index("category")
    row = frame.loc["使用咨询"]
    assert row["tickets"] == 8 and row["response_p50"] == pytest.approx(60.0)
    assert row["within_sla"] == pytest.approx(0.0) and row["unresolved"] == 8
    sla = support.sla_frame(report(folder)).set_index("category")
    row = sla.loc["使用咨询"]
    assert row["judged"] == 7 and row["breached"] == 7  # 6 answered late + 1 never answered; 1 still pending
    assert row["breach_share"] == 1.0 and row["usual_share"] == 0.0 and bool(row["flagged"])
    assert row["at_stake"] == pytest.approx(700)
    assert not sla.loc["交付延误", "flagged"]
    quiet = support.sla_frame(report(folder, region="华南"))
    assert not quiet["flagged"].any() and quiet["breach_share"].max() == 0


def test_without_a_first_response_column_the_sla_is_not_judged(tmp_path):
    """Bug 11: tickets exported without first_response_at made every ticket an SLA breach (share 100%)."""
    tables = build()
    for row in tables["tickets"]:
        del row["first_response_at"]
        row["resolved_at"] = row["created_at"]  # every ticket closed at once: answered, whatever the SLA says
    data = write_tiny(tmp_path / "t", tables=tables)
    r = report(data)
    sla = support.sla_panel(r)
    assert sla.is_skipped and "first_response_at" in sla.note
    assert support.angle_metrics(r)["sla_breach_share"] is None and support.angle_metrics(r)["tickets"] == 16
    assert "sla_breach" not in {f["code"] for f in support.angle_findings(r)}
    assert "sla_breach" not in {f["code"] for f in support.angle_findings(report(data, region="ALL"))}
    sections = {s.key for s in support.ANGLE.runnable_sections(r.ds)}
    assert "sla" not in sections and {"tickets", "complaints"} <= sections
    state = summarize(r.ds)["angles"]["support"]
    assert state["sections"]["sla"] == ["tickets.first_response_at"] and "sla_breach" in state["unavailable"]
    tickets = support.tickets_panel(r)
    assert not tickets.is_skipped and "first_response_at" in tickets.note
    shown = " ".join(tickets.table.columns)
    assert "SLA" not in shown and "首次响应" not in shown and "解决时长" in shown


def test_a_ticket_without_an_answer_still_breaches_when_the_column_is_there(folder):
    rows = support.judged_tickets(report(folder))
    never = rows[rows["first_response_at"].isna() & (rows["month"] == "2026-10") & (rows["region"] == "华东")]
    assert never["breached"].tolist() == [True, False]  # 10-01: past the SLA at month end; 10-31 22:00: pending
