"""Write 销售明细.csv: the bundled sample flattened the way a Chinese ERP exports order lines.

One row per order line with the order, customer, product and rep repeated on every row, a line total
(销售额, with thousands separators) instead of a unit price, slash dates, Chinese headers, GB18030 encoded.
Every 8th order of the sample's last three months. Run from the repository root:
``python tests/data/flat/make_sales_zh.py``.
"""

from pathlib import Path

import pandas as pd

SAMPLE, OUT = Path("data/sample"), Path(__file__).with_name("销售明细.csv")

orders = pd.read_csv(SAMPLE / "orders.csv", dtype=str)
orders = orders[orders["order_date"] >= "2026-08-01"].iloc[::8]
lines = pd.read_csv(SAMPLE / "order_lines.csv", dtype={"order_id": str, "product_id": str})
flat = (
    lines.merge(orders, on="order_id")
    .merge(pd.read_csv(SAMPLE / "customers.csv", dtype=str), on="customer_id", suffixes=("", "_customer"))
    .merge(pd.read_csv(SAMPLE / "products.csv", dtype=str), on="product_id", suffixes=("", "_product"))
    .merge(pd.read_csv(SAMPLE / "reps.csv", dtype=str)[["rep_id", "rep_name"]], on="rep_id", how="left")
    .sort_values(["order_date", "order_id", "product_id"], kind="stable")
)
total = (flat["quantity"] * flat["unit_price"]).round(2)
out = pd.DataFrame(
    {
        "订单编号": flat["order_id"],
        "下单日期": pd.to_datetime(flat["order_date"]).dt.strftime("%Y/%m/%d"),
        "客户编号": flat["customer_id"],
        "客户名称": flat["customer_name"],
        "大区": flat["region"],
        "业务员": flat["rep_name"],
        "渠道": flat["channel"],
        "产品编号": flat["product_id"],
        "产品名称": flat["product_name"],
        "产品线": flat["product_line"],
        "数量": flat["quantity"],
        "销售额": total.map("{:,.2f}".format),
    }
)
out.to_csv(OUT, index=False, encoding="gb18030")
print(f"{OUT}: {len(out)} rows, {out['订单编号'].nunique()} orders")
