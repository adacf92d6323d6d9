"""A flat sales sheet naming each order's rep, beside a target sheet: the mapping both target-sheet tests load."""

from __future__ import annotations


def rep_sales_mapping(targets_file: str, targets: dict) -> dict:
    """The mapping of ``sales.csv`` (订单号, 下单日期, 客户, 销售员, 金额: orders and reps) and ``targets_file``."""
    return {
        "tables": {"orders": "sales.csv", "reps": "sales.csv", "targets": targets_file},
        "columns": {
            "orders": {
                "order_id": "订单号",
                "customer_id": "客户",
                "order_date": "下单日期",
                "rep_id": "销售员",
                "amount": "金额",
            },
            "reps": {"rep_id": "销售员"},
            "targets": targets,
        },
    }
