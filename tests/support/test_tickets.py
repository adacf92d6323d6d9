"""Tickets and SLA: response times per category, breaches judged at month end or when due."""

import math

import pytest
from tiny import write_tiny

from salesnb import support
from salesnb.data.summary import summarize
from support.helpers import HISTORY, build, report, ticket


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


def _helpdesk(tmp_path):
    """build() with eight 售后响应 tickets of 华南 created 2026-10-05 09:00, each with its priority (and two with the
    export's own SLA): answered after 10, 30, 20, 30, 60, 60, 10 and 10 hours."""
    tables = build()
    rows = [("紧急", "10-05 19:00"), ("高", "10-06 15:00"), ("P2", "10-06 05:00"), ("中", "10-06 15:00")]
    rows += [("low", "10-07 21:00"), ("其他", "10-07 21:00"), ("低", "10-05 19:00"), ("紧急", "10-05 19:00")]
    for k, (priority, answered) in enumerate(rows):
        row = ticket("华南", "2026-10", k, "售后响应", "2026-10-05 09:00", f"2026-{answered}")
        tables["tickets"].append(row | {"severity": priority})
    tables["tickets"][-2]["sla_hours"] = 8  # 低, but the export says 8 hours: 10 h is late
    tables["tickets"][-1]["response_due_at"] = "2026-10-06 09:00"  # 紧急, but due in 24 h: 10 h is in time
    return write_tiny(tmp_path / "helpdesk", tables=tables)


def test_each_ticket_is_held_to_its_priority_s_sla_and_the_export_s_own_wins(tmp_path):
    # one 48 h SLA judged only the two 60 h answers late (2 of 8); per priority: 紧急 4 h (10 h: late), 高 24 h
    # (30 h: late), P2 = 高 (20 h: in time), 中 48 h (30 h), low 72 h (60 h) in time, 其他 no level: 48 h (60 h:
    # late), 低 with sla_hours 8 (10 h: late), 紧急 due at 10-06 09:00 by the export (10 h: in time) — 4 of 8
    r = report(_helpdesk(tmp_path), region="华南")
    rows = support.judged_tickets(r)
    mine = rows[rows["category"] == "售后响应"]
    assert mine["breached"].tolist() == [True, True, False, False, False, True, True, False]
    row = support.sla_frame(r).set_index("category").loc["售后响应"]
    assert (row["judged"], row["breached"]) == (8, 4) and row["breach_share"] == pytest.approx(0.5)
    found = [f for f in support.angle_findings(r) if f["code"] == "sla_breach"]
    assert [f["segment"] for f in found] == [{"category": "售后响应"}]
    said = "各优先级的时限（紧急 4 小时、P2/高 24 小时、中 48 小时、low/低 72 小时）"
    said += "，其他按 48 小时，自带响应时限的工单按其时限"
    assert f"首次响应超时（50.0%，近12月常态 —），首次响应中位数 25.0 小时。SLA口径：{said}。" in found[0]["detail"]
    assert f"为该类工单按{said}设置SLA预警和升级机制" in found[0]["action"]
    assert support.sla_panel(r).note == f"SLA口径：首次响应须在{said}内。"
    en = [f for f in support.angle_findings(report(_helpdesk(tmp_path / "en"), region="华南", lang="en"))
          if f["code"] == "sla_breach"]  # fmt: skip
    assert "SLA: each priority's deadline (紧急 4 h, P2/高 24 h, 中 48 h, low/低 72 h); others 48 h" in en[0]["detail"]


def test_tickets_without_a_priority_keep_the_one_sla(folder):
    r = report(folder)
    assert support.sla_panel(r).note == "SLA口径：首次响应须在48 小时内。"
    found = next(f for f in support.angle_findings(r) if f["code"] == "sla_breach")
    assert found["detail"].endswith("SLA口径：48 小时。") and "为该类工单按48 小时设置SLA预警" in found["action"]


def test_a_company_s_own_priority_word_is_held_to_its_level(tmp_path):
    """The helpdesk's 其他 is the company's 低 (configuration support.priority_words): its 60 h answer is in time."""
    config = tmp_path / "own_words.yaml"
    config.write_text("support:\n  priority_words: {low: [其他]}\n", encoding="utf-8")
    r = report(_helpdesk(tmp_path), region="华南", config_path=str(config))
    mine = support.judged_tickets(r).query("category == '售后响应'")
    assert mine["breached"].tolist() == [True, True, False, False, False, False, True, False]
    found = next(f for f in support.angle_findings(r) if f["code"] == "sla_breach")
    assert "本月 8 张工单中 3 张首次响应超时（37.5%" in found["detail"]
    assert "SLA口径：各优先级的时限（紧急 4 小时、P2/高 24 小时、中 48 小时、low/低/其他 72 小时）" in found["detail"]


def test_a_ticket_due_after_month_end_is_judged_when_it_falls_due(tmp_path):
    """Two 华南 tickets opened on 09-30 (48-hour SLA): one answered 60 hours later, one 12 hours later.

    At September's end neither was answered nor due: judged then, both were pending and no month ever counted
    the late one. Judged at their due time (10-02), the first breached and the second was answered in 12 hours.
    """
    tables = build()
    tables["tickets"] += [
        ticket("华南", "2026-10", 0, "售后响应", "2026-09-30 20:00", "2026-10-03 08:00", n=91),
        ticket("华南", "2026-10", 1, "售后响应", "2026-09-30 22:00", "2026-10-01 10:00", n=92),
    ]
    rows = support.judged_tickets(report(write_tiny(tmp_path / "late", tables=tables), region="华南", period="2026-09"))
    late = rows[rows["ticket_id"].astype(str).str.endswith(("91", "92"))].set_index("created_at")
    assert late["pending"].tolist() == [False, False]
    assert late["breached"].tolist() == [True, False]
    assert late["response_hours"].iloc[1] == pytest.approx(12.0)  # answered before month end's judgement was due
    assert late["response_hours"].isna().iloc[0]  # not answered when judged: a breach, not a response time


def test_categories_that_could_never_confirm_do_not_dilute_the_sla_family(tmp_path):
    # 华南: 使用咨询 10 tickets a month, 1 answered after 72 h (usual share 6/60 = 0.1), 2026-10 4 of 10 late:
    # binomial p = P(X ≥ 4 | 10, 0.1) = 0.0128. 退款, 发票, 安装: 2 tickets a month, 1 late (usual 0.5), one
    # answered in time in 2026-10: at best (that one late) p = 0.5, so Tarone leaves them out (K = 1: only 使用咨询
    # has a smallest p ≤ 0.05) and q = p = 0.0128 confirms it; BH over all four would give 4 × 0.0128 = 0.051
    tables = build()
    tables["tickets"] = []
    late, fast = "08 09:00", "05 11:00"
    for month in [*HISTORY, "2026-10"]:
        breached = 4 if month == "2026-10" else 1
        for k in range(10):
            answered = late if k < breached else fast
            tables["tickets"].append(ticket("华南", month, k, "使用咨询", f"{month}-05 09:00", f"{month}-{answered}"))
        for n, category in enumerate(("退款", "发票", "安装")):
            for k in range(1 if month == "2026-10" else 2):
                answered = late if k == 1 else fast
                tables["tickets"].append(
                    ticket("华南", month, k, category, f"{month}-05 09:00", f"{month}-{answered}", n=20 + n)
                )
    frame = support.sla_frame(report(write_tiny(tmp_path / "family", tables=tables), region="华南"))
    frame = frame.set_index("category")
    row = frame.loc["使用咨询"]
    assert row["judged"] == 10 and row["breached"] == 4 and row["usual_share"] == pytest.approx(0.1)
    p = 1 - sum(math.comb(10, k) * 0.1**k * 0.9 ** (10 - k) for k in range(4))
    assert row["p_value"] == pytest.approx(p) and p == pytest.approx(0.0128, abs=1e-4)
    assert row["q_value"] == pytest.approx(p) and bool(row["flagged"])
    assert (frame.loc[["退款", "发票", "安装"], "usual_share"] == 0.5).all()
    assert (frame.loc[["退款", "发票", "安装"], "q_value"] == 1.0).all()
