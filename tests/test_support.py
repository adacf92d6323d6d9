import json
import math
from pathlib import Path

import pandas as pd
import pytest
from tiny import write_tiny

from salesnb import support
from salesnb.data import facts
from salesnb.demo import generate_dataset, write_dataset
from salesnb.report import clean_json, open_report

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
CODES = {"sla_breach", "complaint_spike", "delivery_delay", "satisfaction_drop", "receivables_overdue"}
CODES |= {"credit_risk_open_deal"}
HISTORY = [f"2026-{m:02d}" for m in range(4, 10)]  # 2026-04 .. 2026-09
REGIONS = ("华东", "华南")


def oid(region, month, k):
    return f"O{'E' if region == '华东' else 'S'}{month[5:]}{k}"


def cid(region, k):
    return f"C{'E' if region == '华东' else 'S'}{k}"


def build():
    """Ten orders of 100 a month per region (2026-04..10). 华东 has every problem in 2026-10, 华南 none.

    华东 2026-10: 6 orders delivered 5 days late and 1 not delivered; 使用咨询 tickets answered after 60 h;
    8 交付延误 complaints (1 a month before); 5 invoices due 10-15 unpaid; an invoice of CE0 due 08-15 unpaid
    while CE0 has a deal in 商务谈判; CSAT, NPS and the 交付 score far down.
    """
    t = {"customers": [], "orders": [], "tickets": [], "invoices": [], "surveys": []}
    for region in REGIONS:
        t["customers"] += [{"customer_id": cid(region, k), "region": region} for k in range(10)]
        for month in [*HISTORY, "2026-10"]:
            problem = region == "华东" and month == "2026-10"
            for k in range(10):
                delivered = f"{month}-08"
                if problem and k < 6:
                    delivered = f"{month}-13"
                if problem and k == 6:
                    delivered = ""
                t["orders"].append(
                    {"order_id": oid(region, month, k), "customer_id": cid(region, k), "order_date": f"{month}-03",
                     "region": region, "channel": "直营", "amount": 100, "promised_at": f"{month}-08",
                     "delivered_at": delivered}
                )  # fmt: skip
            for k in range(2):  # 使用咨询 tickets answered in 2 hours
                if not problem:
                    t["tickets"].append(ticket(region, month, k, "使用咨询", f"{month}-05 09:00", f"{month}-05 11:00"))
            if region == "华东" and not problem:
                t["tickets"].append(ticket(region, month, 9, "交付延误", f"{month}-12 09:00", f"{month}-12 10:00"))
                for k in range(4):  # invoices paid before they fall due
                    t["invoices"].append(invoice(region, month, k, f"{month}-01", f"{month}-15", f"{month}-10"))
                for k in range(4):
                    t["surveys"].append(survey(region, k, f"{month}-20", 80 + 10 * (k % 2), 9 + k % 2))
    month = "2026-10"
    for k in range(6):  # answered after 60 hours
        t["tickets"].append(ticket("华东", month, k, "使用咨询", f"{month}-05 09:00", f"{month}-07 21:00"))
    t["tickets"].append(ticket("华东", month, 6, "使用咨询", f"{month}-01 09:00", ""))  # never answered
    t["tickets"].append(ticket("华东", month, 7, "使用咨询", f"{month}-31 22:00", ""))  # still inside the SLA
    for k in range(8):
        t["tickets"].append(ticket("华东", month, k, "交付延误", f"{month}-14 09:00", f"{month}-14 10:00", n=k + 10))
    for k in range(5):
        t["invoices"].append(invoice("华东", month, k, f"{month}-05", f"{month}-15", ""))
    t["invoices"].append(invoice("华东", "2026-07", 0, "2026-07-16", "2026-08-15", "", tag="late"))
    for k in range(12):
        t["surveys"].append(survey("华东", k % 10, f"{month}-20", 55 + 10 * (k % 2), 3))
    t["opportunities"] = [
        opp("OP1", "CE0", "open", ""),
        opp("OP2", "CE1", "open", ""),
        opp("OP3", "CE0", "open", ""),
        opp("OP4", "CE0", "won", "2026-10-20 10:00"),
    ]
    stages = ["初步接触", "需求确认", "技术交流", "方案报价", "商务谈判", "合同签订"]
    reach = {"OP1": 5, "OP2": 5, "OP3": 4, "OP4": 6}
    t["stage_events"] = [
        {"opportunity_id": o, "stage": stages[s], "entered_at": f"2026-09-{1 + 4 * s:02d} 10:00"}
        for o, n in reach.items()
        for s in range(n)
    ]
    return t


def ticket(region, month, k, category, created, responded, n=None):
    return {
        "ticket_id": f"T{oid(region, month, k)}{category}{n or ''}",
        "customer_id": cid(region, k),
        "created_at": created,
        "category": category,
        "first_response_at": responded,
        "resolved_at": "",
        "order_id": oid(region, month, k),
    }


def invoice(region, month, k, issued, due, paid, tag=""):
    return {"invoice_id": f"I{oid(region, month, k)}{tag}", "customer_id": cid(region, k), "issued_at": issued,
            "due_at": due, "amount": 100, "order_id": oid(region, month, k), "paid_at": paid,
            "paid_amount": 100 if paid else None}  # fmt: skip


def survey(region, k, day, score, nps):
    return {"customer_id": cid(region, k), "responded_at": day, "nps": nps, "csat": score, "score_交付": score}


def opp(opportunity, customer, status, closed):
    return {"opportunity_id": opportunity, "created_at": "2026-09-01 10:00", "status": status, "customer_id": customer,
            "region": "华东", "amount": 5000, "closed_at": closed}  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_tiny(tmp_path_factory.mktemp("support") / "tiny", tables=build())


def report(folder, region="华东", period="2026-10", **kw):
    return open_report(str(folder), period, region, **kw)


# ------------------------------------------------------------------------------------------ hand-computed


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


def test_complaint_spike_hand_computed(folder):
    frame = support.complaint_frame(report(folder)).set_index("category")
    row = frame.loc["交付延误"]
    assert row["count"] == 8 and row["usual"] == pytest.approx(1.0) and row["baseline"] == pytest.approx(1.0)
    assert row["z"] == pytest.approx(7.0)  # no spread: √1 as the floor
    assert bool(row["flagged"]) and row["at_stake"] == pytest.approx(800)
    assert list(frame.index) == ["交付延误", "合同争议", "质量问题", "售后响应"]
    assert not frame.drop("交付延误")["flagged"].any()
    trend = support.complaint_trend_frame(report(folder))
    assert list(trend["period"]) == [*HISTORY, "2026-10"] and trend["交付延误"].tolist() == [1] * 6 + [8]


def test_delivery_hand_computed(folder):
    row = support.delivery_frame(report(folder)).iloc[0]
    assert row["due"] == 10 and row["late"] == 7 and row["undelivered"] == 1
    assert row["late_share"] == pytest.approx(0.7) and row["usual_share"] == 0.0
    assert row["delay_p50"] == 5 and row["delay_max"] == 5 and row["late_revenue"] == pytest.approx(700)
    assert bool(row["flagged"])
    assert not support.delivery_frame(report(folder, region="华南")).iloc[0]["flagged"]
    trend = support.delivery_trend_frame(report(folder))
    assert trend["late_share"].tolist() == [0.0] * 6 + [pytest.approx(0.7)]


def test_receivables_hand_computed(folder):
    r = report(folder)
    ageing = support.ageing_frame(r).set_index("bucket")
    assert list(ageing.index) == ["0–30", "31–60", "61–90", ">90"]
    assert ageing.loc["0–30", "amount"] == 500 and ageing.loc["0–30", "invoices"] == 5  # due 10-15: 16 days
    assert ageing.loc["61–90", "amount"] == 100  # due 08-15: 77 days at 10-31
    assert ageing.loc["31–60", "prev_amount"] == 100  # 46 days at 09-30
    assert ageing["share"].sum() == pytest.approx(1.0)
    m = support.collection_metrics(r)
    assert m["receivables"] == 600 and m["overdue"] == 600
    assert m["dso"] == pytest.approx(600 / 3000 * 92)  # Aug-Oct revenue and days
    assert m["due"] == 500 and m["unpaid_rate"] == 1.0 and m["unpaid_invoices"] == 5
    row = support.receivables_frame(r).iloc[0]
    assert row["usual_rate"] == pytest.approx(100 / 2500)  # the August invoice in 6 months of 4 paid ones
    assert row["excess"] == pytest.approx((1 - 0.04) * 500) and bool(row["flagged"])
    trend = support.receivables_trend_frame(r)
    assert trend["overdue"].tolist()[-3:] == [100, 100, 600]


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


def test_satisfaction_hand_computed(folder):
    frame = support.satisfaction_frame(report(folder)).set_index("metric")
    assert list(frame.index) == ["nps", "csat", "score_交付"]
    assert frame.loc["csat", "n"] == 12 and frame.loc["csat", "value"] == pytest.approx(60)
    assert frame.loc["csat", "baseline"] == pytest.approx(85) and frame.loc["csat", "change"] == pytest.approx(-25)
    assert frame.loc["nps", "value"] == -100 and frame.loc["nps", "baseline"] == 100
    assert frame["flagged"].all()
    # dissatisfied (< 60): the five customers scoring 55, each 7 orders of 100 over 12 months
    assert frame.loc["csat", "dissatisfied_value"] == pytest.approx(5 * 700 / 12)
    tiers = support.satisfaction_by_tier_frame(report(folder))
    assert tiers["n"].sum() == 12


def test_findings_of_the_problem_region(folder):
    found = support.angle_findings(report(folder))
    by_code = {}
    for f in found:
        by_code.setdefault(f["code"], []).append(f)
    assert set(by_code) == CODES
    assert by_code["sla_breach"][0]["segment"] == {"category": "使用咨询"}
    assert by_code["sla_breach"][0]["effect"] == pytest.approx(700)
    assert by_code["complaint_spike"][0]["segment"] == {"category": "交付延误"}
    assert by_code["complaint_spike"][0]["effect"] == pytest.approx(800 * (1 - 1 / 8))
    assert by_code["delivery_delay"][0]["segment"] == {} and by_code["delivery_delay"][0]["effect"] == 700
    assert by_code["receivables_overdue"][0]["effect"] == pytest.approx(480)
    assert by_code["credit_risk_open_deal"][0]["segment"] == {"customer_id": "CE0"}
    assert by_code["credit_risk_open_deal"][0]["effect"] == 5000
    assert [f["segment"] for f in by_code["satisfaction_drop"]] == [{}, {"aspect": "交付"}]
    assert all(f["severity"] == "high" for f in found)  # every effect is large against 1,000 of revenue
    assert all(f["title"] and f["detail"] and f["action"] for f in found)


def test_clean_region_is_quiet_and_all_report_names_the_region(folder):
    assert support.angle_findings(report(folder, region="华南")) == []
    everyone = support.angle_findings(report(folder, region="ALL"))
    regional = [f for f in everyone if f["code"] != "credit_risk_open_deal"]
    assert regional and all(f["segment"]["region"] == "华东" for f in regional)
    assert {"region": "华东", "category": "使用咨询"} in [f["segment"] for f in everyone]


# ------------------------------------------------------------------------------------------ skipping, language


def test_missing_tables_skip(tmp_path):
    tables = build()
    for name in ("tickets", "invoices", "surveys", "opportunities", "stage_events"):
        del tables[name]
    for row in tables["orders"]:
        del row["promised_at"], row["delivered_at"]
    r = open_report(str(write_tiny(tmp_path / "t", tables=tables)), "2026-10", "华东")
    panels = [support.tickets_panel(r), support.sla_panel(r), support.complaints_panel(r), support.delivery_panel(r)]
    panels += [support.satisfaction_panel(r), support.receivables_panel(r), support.receivables_trend_panel(r)]
    panels += [support.credit_risk_panel(r)]
    names = ["tickets"] * 3 + ["promised_at", "surveys", "invoices", "invoices", "invoices"]
    for panel, table in zip(panels, names, strict=True):
        assert panel.is_skipped and table in panel.note
    assert support.angle_findings(r) == []
    assert support.angle_metrics(r) == {}


def test_english_texts(folder):
    r = report(folder, lang="en")
    found = support.angle_findings(r)
    titles = {f["code"]: f["title"] for f in found}
    assert titles["delivery_delay"] == "More late deliveries"
    assert titles["sla_breach"] == "“使用咨询” tickets past the SLA"
    assert "usual over 12 months" in next(f["detail"] for f in found if f["code"] == "receivables_overdue")
    for fn in (support.tickets_panel, support.sla_panel, support.complaints_panel, support.delivery_panel):
        panel = fn(r)
        assert panel.figure is not None and not panel.table.empty
    assert "Days past due" in support.receivables_panel(r).table.columns
    assert "Deal amount" in support.credit_risk_panel(r).table.columns
    assert "Responses" in support.satisfaction_panel(r).table.columns
    everyone = support.angle_findings(report(folder, region="ALL", lang="en"))
    assert any(f["title"].startswith("华东 · ") for f in everyone)


def test_metrics_are_plain_and_findings_deterministic(folder):
    r = report(folder)
    metrics = support.angle_metrics(r)
    assert metrics["late_delivery_share"] == pytest.approx(0.7) and metrics["credit_risk_customers"] == 1
    assert metrics["complaints"] == 8 and metrics["tickets"] == 16
    assert json.dumps(clean_json(metrics))
    once = json.dumps(clean_json(support.angle_findings(r)), sort_keys=True)
    again = json.dumps(clean_json(support.angle_findings(report(folder))), sort_keys=True)
    assert once == again


# ------------------------------------------------------------------------------------------ sample and clean data


def test_planted_support_problems_are_found(sample):
    planted = [p for p in json.loads((SAMPLE / "planted.json").read_text()) if p["code"] in CODES]
    assert {p["code"] for p in planted} == {"sla_breach", "complaint_spike", "delivery_delay", "receivables_overdue"}
    for plant in planted:
        r = open_report(str(SAMPLE), plant["period"], plant["region"], dataset=sample)
        hits = [
            f
            for f in support.angle_findings(r)
            if f["code"] == plant["code"] and plant["segment"].items() <= f["segment"].items()
        ]
        assert hits, f"{plant['code']} not found in {plant['region']} {plant['period']}"
        assert hits[0]["severity"] in ("high", "medium")


def test_sample_panels_render(sample):
    r = open_report(str(SAMPLE), "2026-10", "华北", dataset=sample)
    panels = [support.tickets_panel(r), support.sla_panel(r), support.complaints_panel(r), support.delivery_panel(r)]
    panels += [support.satisfaction_panel(r), support.receivables_panel(r), support.receivables_trend_panel(r)]
    assert all(p.figure is not None for p in panels)
    sla = support.sla_frame(r).set_index("category")
    assert sla.loc["售后响应", "breach_share"] > 0.9 and math.isclose(sla["breach_share"].drop("售后响应").max(), 0.0)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean_support")
    tables, planted = generate_dataset(seed=11, scale=0.5, plant=False)
    write_dataset(tables, planted, folder)
    return folder


def test_clean_data_stays_quiet(clean):
    ds = open_report(str(clean), "", "ALL").ds
    _, last = facts.data_months(ds)
    months = [str(pd.Period(last, freq="M") - k) for k in range(6)]
    highs, found, reports = [], [], 0
    for month in months:
        for region in ["ALL", *facts.regions(ds)]:
            findings = support.angle_findings(open_report(str(clean), month, region, dataset=ds))
            reports += 1
            found += findings
            highs.append(sum(f["severity"] == "high" for f in findings))
    assert {f["code"] for f in found} <= CODES
    assert sum(highs) <= 4, f"{sum(highs)} high-severity support findings in {reports} clean reports"
    assert sum(h == 0 for h in highs) >= 0.85 * reports
    assert len(found) <= reports  # at most one finding per report on average
    problems = [f for f in found if f["code"] != "credit_risk_open_deal"]
    assert len(problems) <= 4  # SLA, complaint, delivery, satisfaction and receivables rules barely fire
