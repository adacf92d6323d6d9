"""Shared helpers of the overview tests: the drivers' tiny dataset, worked out by hand."""

from __future__ import annotations

from pathlib import Path

from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"


def tables():
    """A buys in both months, B only in 2026-09 (lost), C only in 2026-10 (new).

    2026-09: O1 A (P1 10 × 10, P2 5 × 20), O2 B (P1 2 × 10)          → 220
    2026-10: O3 A (P1 12 × 11, P3 1 × 50), O4 C (P2 3 × 20, channel 电商, on the 31st) → 242
    """
    return {
        "customers": [
            {"customer_id": "A", "region": "华东", "employee_count": 600},
            {"customer_id": "B", "region": "华东", "employee_count": 10},
            {"customer_id": "C", "region": "华东", "employee_count": 100},
        ],
        "products": [
            {"product_id": "P1", "product_name": "甲", "product_line": "L1"},
            {"product_id": "P2", "product_name": "乙", "product_line": "L2"},
            {"product_id": "P3", "product_name": "丙", "product_line": "L1"},
        ],
        "reps": [
            {"rep_id": "R1", "rep_name": "张三", "region": "华东"},
            {"rep_id": "R2", "rep_name": "李四", "region": "华东"},
        ],
        "orders": [
            order("O1", "A", "2026-09-03", "R1", "直营"),
            order("O2", "B", "2026-09-04", "R1", "直营"),
            order("O3", "A", "2026-10-03", "R1", "直营"),
            order("O4", "C", "2026-10-31", "R2", "电商"),  # the data reaches the month end: October is complete
        ],
        "order_lines": [
            {"order_id": "O1", "product_id": "P1", "quantity": 10, "unit_price": 10},
            {"order_id": "O1", "product_id": "P2", "quantity": 5, "unit_price": 20},
            {"order_id": "O2", "product_id": "P1", "quantity": 2, "unit_price": 10},
            {"order_id": "O3", "product_id": "P1", "quantity": 12, "unit_price": 11},
            {"order_id": "O3", "product_id": "P3", "quantity": 1, "unit_price": 50},
            {"order_id": "O4", "product_id": "P2", "quantity": 3, "unit_price": 20},
        ],
        "targets": [
            {"period": "2026-10", "target_amount": 300, "region": "华东", "rep_id": "", "product_line": ""},
            {"period": "2026-10", "target_amount": 200, "region": "", "rep_id": "R1", "product_line": ""},
            {"period": "2026-10", "target_amount": 150, "region": "华东", "rep_id": "", "product_line": "L1"},
            {"period": "2026-10", "target_amount": 100, "region": "华东", "rep_id": "", "product_line": "L2"},
        ],
    }  # fmt: skip


def order(order_id, customer, day, rep, channel):
    return {"order_id": order_id, "customer_id": customer, "order_date": day, "region": "华东", "rep_id": rep,
            "channel": channel}  # fmt: skip


def report(folder, region="华东", period="2026-10", **kw):
    return open_report(str(folder), period, region, **kw)
