"""The support tests' tiny dataset: 华东 has every support problem in 2026-10, 华南 none."""

from pathlib import Path

import pandas as pd

from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
CODES = {"sla_breach", "complaint_spike", "delivery_delay", "satisfaction_drop", "receivables_overdue"}
CODES |= {"credit_risk_open_deal"}
HISTORY = [f"2026-{m:02d}" for m in range(4, 10)]  # 2026-04 .. 2026-09
REGIONS = ("华东", "华南")


def oid(region, month, k):
    return f"O{'E' if region == '华东' else 'S'}{month[5:]}{k}"


def cid(region, k):
    return f"C{'E' if region == '华东' else 'S'}{k}"


def build():
    """Ten orders of 100 a month per region (2026-04..10), the last on the month's last day (whole months).

    华东 has every problem in 2026-10, 华南 none.

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
                day = "03" if k < 9 else str(pd.Period(month).days_in_month)  # the orders reach the month's end
                promised = f"{month}-08" if k < 9 else f"{month}-{day}"
                t["orders"].append(
                    {"order_id": oid(region, month, k), "customer_id": cid(region, k), "order_date": f"{month}-{day}",
                     "region": region, "channel": "直营", "amount": 100, "promised_at": promised,
                     "delivered_at": delivered if k < 9 else promised}
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


def report(folder, region="华东", period="2026-10", **kw):
    return open_report(str(folder), period, region, **kw)
