"""The corpus, data side: encodings, date and number formats, ids, tables, columns, types, corrupt files.

What a careless export looks like (each built from ``tests/tiny.py``), and what ``salesnb validate`` must say.
"""

from __future__ import annotations

from .build import (
    add_csv_column,
    as_format,
    drop_column,
    drop_table,
    edit,
    edit_all,
    header_only,
    move,
    raw,
    reencode,
    remove,
    rename_everywhere,
    rename_header,
    repeat_row,
    separated,
    truncate,
)
from .case import Case, V

ORDER_DATES = ["2025-10-05", "2026-09-10", "2026-10-03", "2026-10-20", "2026-10-25", "2026-08-15", "2026-10-31"]
US_DATES = ["10/5/2025", "9/10/2026", "10/3/2026", "10/20/2026", "10/25/2026", "8/15/2026", "10/31/2026"]
EXCEL_SERIALS = [45935, 46275, 46298, 46315, 46320, 46249, 46326]  # the same days as Excel stores them


DATA_CASES: list[Case] = [
    # ---- encodings ------------------------------------------------------------------------------------
    Case("encoding-gb18030", V, 0, ("华东", "华南", "orders"), files=(reencode("gb18030"),)),
    Case("encoding-utf8-bom", V, 0, ("orders: ", "华东"), files=(reencode("utf-8-sig"),)),
    Case("encoding-mixed-per-file", V, 0, ("华南",), files=(reencode("gb18030", ("customers", "reps")),)),
    Case(  # a Western Excel export: read as Windows-1252
        "encoding-latin1",
        V,
        0,
        ("customers: 4 条",),
        files=(
            raw(
                "data/customers.csv",
                "customer_id,customer_name\nC1,Société Générale\nC2,Zürich AG\nC3,Québec Inc\nC4,Müller\n".encode(
                    "latin-1"
                ),
            ),
        ),
    ),
    Case(  # bytes no encoding tried reads (0x81 is undefined in Windows-1252 and starts no GB18030 pair with a space)
        "encoding-garbage",
        V,
        1,
        ("customers.csv", "无法按 UTF-8、GB18030 或 Windows-1252（西文 Excel）解码"),
        files=(raw("data/customers.csv", b"customer_id,customer_name,region\nC1,\x81 \x81 \x81,x\n"),),
    ),
    Case("encoding-utf16", V, 1, ("orders.csv", "解码"), files=(reencode("utf-16", ("orders",)),)),
    # ---- dates ----------------------------------------------------------------------------------------
    Case(
        "date-slash",
        V,
        0,
        ("2025-10-05", "2026-10-31"),
        edits=(edit_all("orders", "order_date", [d.replace("-", "/") for d in ORDER_DATES]),),
    ),
    Case(
        "date-chinese",
        V,
        0,
        ("2025-10-05", "2026-10-31"),
        edits=(edit_all("orders", "order_date", [f"{d[:4]}年{int(d[5:7])}月{int(d[8:])}日" for d in ORDER_DATES]),),
    ),
    Case(
        "date-with-time",
        V,
        0,
        ("2026-10-31",),
        edits=(edit_all("orders", "order_date", [f"{d} 14:30" for d in ORDER_DATES]),),
    ),
    Case(
        "date-us-month-first",
        V,
        0,
        ("2025-10-05", "2026-10-31"),
        edits=(edit_all("orders", "order_date", US_DATES),),
    ),
    Case(
        "date-excel-serial",
        V,
        0,
        ("2025-10-05", "2026-10-31"),
        edits=(edit_all("orders", "order_date", EXCEL_SERIALS),),
    ),
    Case(
        "date-text",
        V,
        1,
        ("orders.order_date", "日期无法识别", "下周一"),
        edits=(edit("orders", 2, "order_date", "下周一"),),
    ),
    Case(
        "date-impossible",
        V,
        1,
        ("orders.order_date", "2026-02-30"),
        edits=(edit("orders", 2, "order_date", "2026-02-30"),),
    ),
    Case(
        "date-month-13",
        V,
        1,
        ("orders.order_date", "2026-13-01"),
        edits=(edit("orders", 2, "order_date", "2026-13-01"),),
    ),
    Case("date-year-1900", V, 0, ("1900-01-01",), edits=(edit("orders", 0, "order_date", "1900-01-01"),)),
    Case("date-year-2100", V, 0, ("2100-01-01",), edits=(edit("orders", 0, "order_date", "2100-01-01"),)),
    Case(
        "date-year-2300",
        V,
        1,
        ("orders.order_date", "2300-01-01"),
        edits=(edit("orders", 0, "order_date", "2300-01-01"),),
    ),
    # ---- numbers --------------------------------------------------------------------------------------
    Case("number-thousands", V, 0, ("order_lines: ",), edits=(edit("order_lines", 0, "unit_price", "1,234.50"),)),
    Case(
        "number-text",
        V,
        1,
        ("order_lines.quantity", "不是数字", "three"),
        edits=(edit("order_lines", 1, "quantity", "three"),),
    ),
    # a formatted sheet's text (Excel writes what a cell shows): currency signs and an accountant's negative are read
    Case("number-currency-yuan", V, 0, ("order_lines: ",), edits=(edit("order_lines", 1, "unit_price", "¥100"),)),
    Case(
        "number-currency-dollar", V, 0, ("order_lines: ",), edits=(edit("order_lines", 1, "unit_price", "$1,234.50"),)
    ),
    Case(
        "number-decimal-comma",
        V,
        1,
        ("order_lines.unit_price", "100,5"),
        edits=(edit("order_lines", 1, "unit_price", "100,5"),),
    ),
    Case(
        "number-infinite", V, 1, ("order_lines.unit_price", "inf"), edits=(edit("order_lines", 1, "unit_price", "inf"),)
    ),
    Case(
        "number-nan-text",
        V,
        1,
        ("order_lines.quantity", "必填值为空"),
        edits=(edit("order_lines", 1, "quantity", "NaN"),),
    ),
    Case(
        "number-negative-quantity",
        V,
        1,
        ("order_lines.quantity", "为负数", "-2"),
        edits=(edit("order_lines", 0, "quantity", -2),),
    ),
    Case("number-huge-amount", V, 0, ("order_lines: 8",), edits=(edit("order_lines", 0, "unit_price", "1e15"),)),
    # ---- ids ------------------------------------------------------------------------------------------
    Case("id-duplicate-order", V, 1, ("orders.order_id", "编号重复", "O1"), edits=(repeat_row("orders", 0),)),
    Case(
        "id-duplicate-customer", V, 1, ("customers.customer_id", "编号重复", "C2"), edits=(repeat_row("customers", 1),)
    ),
    Case("id-duplicate-product", V, 1, ("products.product_id", "编号重复", "P1"), edits=(repeat_row("products", 0),)),
    Case(
        "id-orphan-customer",
        V,
        1,
        ("orders.customer_id", "C99", "customers.customer_id"),
        edits=(edit("orders", 0, "customer_id", "C99"),),
    ),
    Case(
        "id-orphan-product",
        V,
        1,
        ("order_lines.product_id", "P99", "products"),
        edits=(edit("order_lines", 0, "product_id", "P99"),),
    ),
    Case(
        "id-orphan-order",
        V,
        1,
        ("order_lines.order_id", "O99", "orders.order_id"),
        edits=(edit("order_lines", 0, "order_id", "O99"),),
    ),
    Case("id-orphan-rep", V, 1, ("orders.rep_id", "R99", "reps.rep_id"), edits=(edit("orders", 0, "rep_id", "R99"),)),
    Case(
        "id-empty",
        V,
        1,
        ("orders.order_id", "必填值为空", "第 3 行"),
        edits=(edit("orders", 1, "order_id", ""),),
    ),
    Case("id-padded-with-spaces", V, 0, ("orders: 7",), edits=(edit("orders", 0, "customer_id", "  C1 "),)),
    Case("id-other-case", V, 1, ("orders.customer_id", "'c1'"), edits=(edit("orders", 0, "customer_id", "c1"),)),
    Case(
        "id-excel-float",
        V,
        0,
        ("orders: 7",),
        edits=(rename_everywhere("C1", "1001"), edit("orders", 0, "customer_id", "1001.0")),
    ),
    # ---- tables ---------------------------------------------------------------------------------------
    Case("table-orders-missing", V, 1, ("需要数据表 orders",), edits=(drop_table("orders"), drop_table("order_lines"))),
    Case("table-orders-zero-bytes", V, 1, ("orders.csv", "空文件"), files=(raw("data/orders.csv", b""),)),
    Case(
        "table-orders-no-rows",
        V,
        1,
        ("orders", "没有数据行"),
        files=(header_only("orders"), remove("data/order_lines.csv")),
    ),
    Case(
        "table-optional-no-rows",
        V,
        0,
        ("tickets: 0",),
        files=(raw("data/tickets.csv", "ticket_id,customer_id,created_at,category\n"),),
    ),
    Case("table-customers-missing", V, 0, ("orders: 7",), edits=(drop_table("customers"),)),
    Case("table-not-in-contract", V, 0, ("notes.csv",), files=(raw("data/notes.csv", "a,b\n1,2\n"),)),
    Case(
        "table-two-formats", V, 1, ("orders.csv", "orders.xlsx"), files=(as_format("orders", ".xlsx", keep_csv=True),)
    ),
    Case(
        "table-csv-named-xls",
        V,
        1,
        ("orders.xls", "文本文件", "另存为 .xlsx 或 CSV"),
        files=(move("data/orders.csv", "data/orders.xls"),),
    ),
    Case("table-semicolon-separated", V, 0, ("orders: 7",), files=(separated("orders", ";"),)),  # European Excel
    Case("table-tab-separated-txt", V, 0, ("orders: 7",), files=(separated("orders", "\t", ".txt"),)),  # an ERP's .txt
    Case("table-excel-lock-file", V, 0, ("orders: 7",), files=(raw("data/~$orders.xlsx", b"\x00lock"),)),
    # ---- columns --------------------------------------------------------------------------------------
    Case(
        "column-missing-required",
        V,
        1,
        ("orders.order_date", "缺这一必填列"),
        edits=(drop_column("orders", "order_date"),),
    ),
    Case(
        "column-missing-quantity",
        V,
        1,
        ("order_lines.quantity", "缺这一"),
        edits=(drop_column("order_lines", "quantity"),),
    ),
    Case(
        "column-wrong-case",
        V,
        1,
        ("orders.order_id", "Order_ID"),
        files=(rename_header("orders", "order_id", "Order_ID"),),
    ),
    Case("column-padded-header", V, 0, ("orders: 7",), files=(rename_header("orders", "order_id", "  order_id "),)),
    Case("column-not-in-contract", V, 0, ("orders: 7",), files=(add_csv_column("orders", "备注", "加急"),)),
    Case(
        "column-repeated-header",
        V,
        1,
        ("orders", "region"),
        files=(add_csv_column("orders", "region", "华南"),),
    ),
    # ---- wrong types ----------------------------------------------------------------------------------
    Case(
        "type-quantity-date",
        V,
        1,
        ("order_lines.quantity", "2026-10-05"),
        edits=(edit("order_lines", 0, "quantity", "2026-10-05"),),
    ),
    Case("type-date-boolean", V, 1, ("orders.order_date", "TRUE"), edits=(edit("orders", 0, "order_date", "TRUE"),)),
    Case(
        "type-count-text",
        V,
        1,
        ("customers.employee_count", "约600人"),
        edits=(edit("customers", 0, "employee_count", "约600人"),),
    ),
    Case("type-period-text", V, 1, ("targets.period", "十月"), edits=(edit("targets", 0, "period", "十月"),)),
    Case(
        "type-score-outside",
        V,
        1,
        ("surveys.nps", "11"),
        files=(raw("data/surveys.csv", "customer_id,responded_at,nps\nC1,2026-10-05,11\n"),),
    ),
    Case(
        "date-iso-with-offset",
        V,
        0,
        ("2025-10-05", "2026-10-31"),
        edits=(edit_all("orders", "order_date", [f"{d}T14:30:00+08:00" for d in ORDER_DATES]),),
    ),
    Case(
        "date-mixed-formats",
        V,
        0,
        ("2025-10-05", "2026-10-31"),
        edits=(edit("orders", 0, "order_date", "2025/10/5"), edit("orders", 1, "order_date", "2026年9月10日")),
    ),
    Case(
        "number-fullwidth-digits",
        V,
        1,
        ("order_lines.quantity", "１"),
        edits=(edit("order_lines", 1, "quantity", "１"),),
    ),
    Case("type-period-full-date", V, 0, ("targets: 7",), edits=(edit("targets", 0, "period", "2026-10-15"),)),
    Case("id-duplicate-target", V, 1, ("targets.(period, region", "第 9 行"), edits=(repeat_row("targets", 1),)),
    Case(
        "type-aspect-score-outside",
        V,
        1,
        ("surveys.score_交付", "130"),
        files=(raw("data/surveys.csv", "customer_id,responded_at,score_交付\nC1,2026-10-05,130\n"),),
    ),
    Case(
        "hostile-region-named-all",
        V,
        1,
        ("orders.region", "'ALL'", "customers.region"),
        edits=(rename_everywhere("华南", "ALL"),),
    ),
    Case(
        "hostile-target-region-all",
        V,
        1,
        ("targets.region", "全公司的目标"),
        edits=(edit("targets", 0, "region", "ALL"),),
    ),
    # ---- corrupt files --------------------------------------------------------------------------------
    Case(
        "corrupt-parquet",
        V,
        1,
        ("orders.parquet",),
        files=(remove("data/orders.csv"), raw("data/orders.parquet", b"PAR1 not really")),
    ),
    Case(
        "corrupt-parquet-truncated",
        V,
        1,
        ("order_lines.parquet",),
        files=(as_format("order_lines", ".parquet"), truncate("data/order_lines.parquet")),
    ),
    Case(
        "corrupt-xlsx",
        V,
        1,
        ("customers.xlsx",),
        files=(remove("data/customers.csv"), raw("data/customers.xlsx", b"PK\x03\x04 broken zip")),
    ),
    Case(
        "corrupt-xlsx-truncated",
        V,
        1,
        ("customers.xlsx",),
        files=(as_format("customers", ".xlsx"), truncate("data/customers.xlsx")),
    ),
    Case(
        "corrupt-csv-named-xlsx",
        V,
        1,
        ("orders.xlsx",),
        files=(raw("data/orders.xlsx", "order_id,customer_id\nO1,C1\n"), remove("data/orders.csv")),
    ),
    Case("xlsx-chinese-sheet-name", V, 0, ("orders: 7",), files=(as_format("orders", ".xlsx", sheet="订单明细"),)),
    Case("parquet-table", V, 0, ("order_lines: 8",), files=(as_format("order_lines", ".parquet"),)),
]
