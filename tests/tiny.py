"""A tiny hand-made dataset whose metrics are worked out by hand in the tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

TABLES: dict[str, list[dict]] = {
    "customers": [
        {"customer_id": "C1", "customer_name": "杭州瑞丰机械有限公司", "region": "华东", "employee_count": 600},
        {"customer_id": "C2", "customer_name": "宁波小林贸易", "region": "华东", "employee_count": 10},
        {"customer_id": "C3", "customer_name": "广州南方医疗", "region": "华南", "employee_count": 100},
        {"customer_id": "C4", "customer_name": "深圳新锐科技", "region": "华南", "employee_count": 40},
    ],
    "products": [
        {"product_id": "P1", "product_name": "甲", "product_line": "A线", "list_price": 120},
        {"product_id": "P2", "product_name": "乙", "product_line": "B线", "list_price": 60},
    ],
    "reps": [
        {"rep_id": "R1", "rep_name": "张三", "region": "华东"},
        {"rep_id": "R2", "rep_name": "李四", "region": "华南"},
    ],
    "orders": [
        {
            "order_id": "O1",
            "customer_id": "C1",
            "order_date": "2025-10-05",
            "region": "华东",
            "rep_id": "R1",
            "channel": "直营",
        },
        {
            "order_id": "O2",
            "customer_id": "C2",
            "order_date": "2026-09-10",
            "region": "",
            "rep_id": "R1",
            "channel": "分销",
        },
        {
            "order_id": "O3",
            "customer_id": "C1",
            "order_date": "2026-10-03",
            "region": "华东",
            "rep_id": "R1",
            "channel": "直营",
        },
        {
            "order_id": "O4",
            "customer_id": "C3",
            "order_date": "2026-10-20",
            "region": "华南",
            "rep_id": "R2",
            "channel": "电商",
        },
        {
            "order_id": "O5",
            "customer_id": "C2",
            "order_date": "2026-10-25",
            "region": "华东",
            "rep_id": "R1",
            "channel": "分销",
        },
        {
            "order_id": "O6",
            "customer_id": "C3",
            "order_date": "2026-08-15",
            "region": "华南",
            "rep_id": "R2",
            "channel": "电商",
        },
        {
            "order_id": "O7",
            "customer_id": "C4",
            "order_date": "2026-10-31",
            "region": "华南",
            "rep_id": "R2",
            "channel": "直营",
        },
    ],
    "order_lines": [
        {"order_id": "O1", "product_id": "P1", "quantity": 2, "unit_price": 100},
        {"order_id": "O2", "product_id": "P1", "quantity": 1, "unit_price": 100},
        {"order_id": "O2", "product_id": "P2", "quantity": 1, "unit_price": 50},
        {"order_id": "O3", "product_id": "P2", "quantity": 4, "unit_price": 50},
        {"order_id": "O4", "product_id": "P1", "quantity": 3, "unit_price": 100},
        {"order_id": "O5", "product_id": "P1", "quantity": 1, "unit_price": 100},
        {"order_id": "O6", "product_id": "P2", "quantity": 2, "unit_price": 50},
        {"order_id": "O7", "product_id": "P2", "quantity": 2, "unit_price": 50},
    ],
    "targets": [
        {"period": "2026-10", "target_amount": 1000, "region": "", "rep_id": "", "product_line": ""},
        {"period": "2026-10", "target_amount": 500, "region": "华东", "rep_id": "", "product_line": ""},
        {"period": "2026-10", "target_amount": 400, "region": "华南", "rep_id": "", "product_line": ""},
        {"period": "2026-10", "target_amount": 150, "region": "华东", "rep_id": "", "product_line": "A线"},
        {"period": "2026-10", "target_amount": 250, "region": "华东", "rep_id": "", "product_line": "B线"},
        {"period": "2026-10", "target_amount": 600, "region": "", "rep_id": "R1", "product_line": ""},
        {"period": "2026-09", "target_amount": 300, "region": "华东", "rep_id": "", "product_line": ""},
    ],
}


def write_tiny(folder: Path, *, drop: tuple[str, ...] = (), tables: dict[str, list[dict]] | None = None) -> Path:
    """Write the tiny dataset (minus ``drop``) as CSV files into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (tables or TABLES).items():
        if name not in drop:
            pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)
    return folder


ONE_MONTH_WARM_UP = str(Path(__file__).with_name("one_month_warm_up.yaml"))  # a toy's second month counts new buyers
