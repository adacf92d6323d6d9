"""Write ``淘宝订单.xls``: a made-up Taobao order report in the old Excel 97-2003 format (tests of ``.xls``).

pandas cannot write ``.xls``; this one-off script uses xlwt (``pip install xlwt``, not a salesnb dependency).
Headers as a Taobao/Tmall seller's order report has them; dates are Excel date cells, amounts numbers.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlwt

HEADER = [
    "订单编号",
    "买家会员名",
    "买家实际支付金额",
    "宝贝总数量",
    "宝贝标题",
    "订单付款时间",
    "订单创建时间",
    "订单状态",
]
ROWS = [
    ("T1001", "小王", 99.5, 1, "保温杯", datetime(2026, 9, 1, 9, 30), datetime(2026, 9, 1, 9, 26), "交易成功"),
    ("T1002", "阿美", 240.0, 3, "帆布包", datetime(2026, 9, 2, 20, 5), datetime(2026, 9, 2, 20, 1), "交易成功"),
    ("T1003", "小王", 59.0, 2, "数据线", datetime(2026, 9, 15, 11, 0), datetime(2026, 9, 15, 10, 58), "交易成功"),
    ("T1004", "老李", 0.0, 1, "保温杯", None, datetime(2026, 9, 20, 8, 0), "交易关闭"),
    ("T1005", "阿美", 120.0, 1, "帆布包", datetime(2026, 10, 3, 13, 45), datetime(2026, 10, 3, 13, 40), "交易成功"),
]


def main() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("订单报表")
    when = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for column, name in enumerate(HEADER):
        sheet.write(0, column, name)
    for row, values in enumerate(ROWS, start=1):
        for column, value in enumerate(values):
            if isinstance(value, datetime):
                sheet.write(row, column, value, when)
            elif value is not None:
                sheet.write(row, column, value)
    book.save(str(Path(__file__).with_name("淘宝订单.xls")))


if __name__ == "__main__":
    main()
