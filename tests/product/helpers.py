"""The product tests' tiny dataset: 华东 has every product problem in 2026-10, 华南 none."""

from pathlib import Path

import pandas as pd

from salesnb import product
from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
CODES = set(product.CODES)
MONTHS = [f"2026-{m:02d}" for m in range(4, 11)]  # 2026-04 .. 2026-10
REGIONS = ("华东", "华南")


def build():
    """Twelve customers per region, one order each a month (2026-04..10; the last on the month's last day, so whole
    months), and every problem in 华东 2026-10.

    Every order has P1 (A线, 2 × 90, list 100, cost 40); customers 0-7 also P2 (B线, 4 × 45, list 50, cost 20)
    and customers 4-11 P4 (C线, 1 × 72, list 80, cost 30). 华东 2026-10: P2 in one order only (B线 decline),
    P1 sold at 70 (A线 discount 30%), P4's cost 60 on the order lines (C线 margin), 6 of the 12 P1 lines
    returned for 质量问题, 8 deals lost to 乙竞. P3 (A线, launched 2026-09-10) sold to CE0 (09 and 10) and CE1 (10).
    Deals: 6 won and 4 lost a month per region (2 lost to 甲竞, 2 without a competitor), 100 each.
    """
    t = {
        "products": [
            {"product_id": "P1", "product_name": "甲", "product_line": "A线", "launch_date": "2024-01-01",
             "list_price": 100, "unit_cost": 40},
            {"product_id": "P2", "product_name": "乙", "product_line": "B线", "launch_date": "2024-01-01",
             "list_price": 50, "unit_cost": 20},
            {"product_id": "P3", "product_name": "丙", "product_line": "A线", "launch_date": "2026-09-10",
             "list_price": 200, "unit_cost": 100},
            {"product_id": "P4", "product_name": "丁", "product_line": "C线", "launch_date": "2024-01-01",
             "list_price": 80, "unit_cost": 30},
        ],
        "customers": [], "orders": [], "order_lines": [], "returns": [], "opportunities": [],
    }  # fmt: skip
    for region in REGIONS:
        tag = "E" if region == "华东" else "S"
        t["customers"] += [{"customer_id": f"C{tag}{k}", "region": region} for k in range(12)]
        for month in MONTHS:
            problem = region == "华东" and month == "2026-10"
            for k in range(12):
                order = f"O{tag}{month[5:]}{k:02d}"
                day = "05" if k < 11 else pd.Period(month).days_in_month  # the orders reach the month's end
                t["orders"].append(
                    {"order_id": order, "customer_id": f"C{tag}{k}", "order_date": f"{month}-{day}", "region": region,
                     "channel": "直营"}
                )  # fmt: skip
                t["order_lines"].append(line(order, "P1", 2, 70 if problem else 90, 100, 40))
                if k < 8 and (not problem or k == 0):
                    t["order_lines"].append(line(order, "P2", 4, 45, 50, 20))
                if k >= 4:
                    t["order_lines"].append(line(order, "P4", 1, 72, 80, 60 if problem else 30))
                if region == "华东" and ((month == "2026-09" and k == 0) or (month == "2026-10" and k < 2)):
                    t["order_lines"].append(line(order, "P3", 1, 180, 200, 100))
                if problem and k < 6:
                    t["returns"].append(
                        {"order_id": order, "product_id": "P1", "quantity": 2, "returned_at": f"{month}-20",
                         "reason": "质量问题"}
                    )  # fmt: skip
            for k in range(10):
                status = "won" if k < 6 else "lost"
                competitor = "甲竞" if k in (6, 7) else ""
                t["opportunities"].append(deal(f"OP{tag}{month[5:]}{k}", region, month, status, competitor))
            if problem:
                for k in range(8):
                    t["opportunities"].append(deal(f"OP{tag}{month[5:]}X{k}", region, month, "lost", "乙竞"))
    t["returns"].append(
        {"order_id": "OS0603", "product_id": "P1", "quantity": 1, "returned_at": "2026-06-20", "reason": "物流损坏"}
    )
    return t


def line(order, product_id, quantity, price, list_price, cost):
    return {"order_id": order, "product_id": product_id, "quantity": quantity, "unit_price": price,
            "list_price": list_price, "unit_cost": cost}  # fmt: skip


def deal(opportunity, region, month, status, competitor):
    reason = ("竞品替代" if competitor else "预算不足") if status == "lost" else ""
    return {"opportunity_id": opportunity, "created_at": f"{month}-01", "status": status, "region": region,
            "amount": 100, "expected_close_at": f"{month}-15", "closed_at": f"{month}-15", "lost_reason": reason,
            "competitor": competitor}  # fmt: skip


def report(folder, region="华东", period="2026-10", **kw):
    return open_report(str(folder), period, region, **kw)
