"""``salesnb map``: a mapping proposed from column names (Chinese and English synonyms) and contents."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.cli import main
from salesnb.data import facts
from salesnb.data.column_words import normalise
from salesnb.data.loading import load_dataset, read_table_file
from salesnb.data.mapview import describe
from salesnb.data.match import match_columns
from salesnb.data.proposal_tables import _net_prices
from salesnb.data.propose import file_table, propose_mapping
from salesnb.errors import DataSourceError, DataValidationError


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Order ID", "orderid"),
        ("order_id", "orderid"),
        ("ORDER-ID", "orderid"),
        ("金额（元）", "金额"),
        ("Unit Price ($)", "unitprice"),
        ("订单 编号", "订单编号"),
    ],
)
def test_names_compare_without_case_spaces_underscores_and_units(name: str, expected: str) -> None:
    assert normalise(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("销售(数量)", "数量"),  # the bracket says what the sales column counts
        ("销售（金额）", "金额"),
        ("Sales (Units)", "units"),  # taken for the amount before
        ("Sales (USD)", "sales"),  # a currency is a unit
        ("折扣(金额)", "折扣"),  # the name says another concept: a discount stays one
        ("Discount (Amount)", "discount"),
        ("退货(数量)", "退货"),  # a return's quantity is not the quantity sold
        ("Sales (Qty)", "qty"),
        ("数量（件）", "数量"),
    ],
)
def test_a_bracket_naming_a_measure_is_the_columns_meaning(name: str, expected: str) -> None:
    assert normalise(name) == expected


def test_sales_qualified_by_units_and_money_are_read_as_quantity_and_amount() -> None:
    sample = frame(
        Order=["D1", "D2"], Date=["2026-09-01", "2026-09-02"], Customer=["A", "B"],
        **{"Sales (Units)": ["3", "5"], "Sales (USD)": ["30.5", "99"]},
    )  # fmt: skip
    found, _ = match_columns(sample)
    assert (found["order_id"], found["amount"], found["quantity"]) == ("Order", "Sales (USD)", "Sales (Units)")


def test_a_live_commerce_export_names_its_order_product_and_traffic_source() -> None:
    """抖店's order export: 主订单编号 (子订单编号 is a line's), 选购商品, 流量来源 (直播, 短视频, 商品卡)."""
    found, _ = match_columns(
        frame(
            主订单编号=["6901", "6901"], 子订单编号=["69011", "69012"], 选购商品=["保温杯", "茶具"],
            商品数量=["2", "1"], 商品单价=["59", "199"], 订单提交时间=["2025-01-02 10:00:00"] * 2,
            流量来源=["直播", "直播"], 收件人手机号=["13800001111"] * 2,
        )
    )  # fmt: skip
    assert (found["order_id"], found["product_name"], found["channel"]) == ("主订单编号", "选购商品", "流量来源")


def test_a_marketplace_price_column_is_the_lines_unit_price() -> None:
    """A 京东 order export prices its lines by 京东价 (商品价格, 销售价格 elsewhere): without it, no product angle."""
    for name in ("京东价", "商品价格", "销售价格"):
        found, _ = match_columns(frame(订单号=["1"], 下单时间=["2025-01-02"], 订购数量=["2"], **{name: ["129"]}))
        assert (found["unit_price"], found["quantity"]) == (name, "订购数量")


def test_chinese_synonyms_match_their_concepts() -> None:
    found, ambiguous = match_columns(
        frame(
            订单号=["1"],
            订单日期=["2026/10/05"],
            客户名称=["甲"],
            销售金额=["1,000"],
            销量=["2"],
            大区=["华东"],
            业务员=["张三"],
            品类=["X"],
            商品编码=["P1"],
            备注=["x"],
        )
    )
    assert found == {
        "order_id": "订单号",
        "order_date": "订单日期",
        "customer_name": "客户名称",
        "amount": "销售金额",
        "quantity": "销量",
        "region": "大区",
        "rep_name": "业务员",
        "product_id": "商品编码",
        "product_line": "品类",
    }
    assert not ambiguous


def test_english_synonyms_and_the_more_specific_name_win() -> None:
    found, _ = match_columns(
        frame(
            **{
                "Customer Name": ["A"],
                "customer id": ["C1"],
                "Order Date": ["10/13/2026"],
                "Sales": ["5"],
                "Unit Price": ["2.5"],
                "QTY": ["2"],
                "Order ID": ["1"],
                "Sales Rep": ["Ann"],
            }
        )
    )
    assert found["customer_id"] == "customer id" and found["customer_name"] == "Customer Name"
    assert found["unit_price"] == "Unit Price" and found["quantity"] == "QTY" and found["rep_name"] == "Sales Rep"


def test_run_together_names_and_a_named_customer_before_a_phone() -> None:
    """Kaggle's sales_data_sample: QUANTITYORDERED, PRICEEACH (one word each), CUSTOMERNAME beside PHONE."""
    found, _ = match_columns(
        frame(
            ORDERNUMBER=["1", "2"], QUANTITYORDERED=["30", "34"], PRICEEACH=["95.7", "81.35"], SALES=["2871", "2765.9"],
            ORDERDATE=["2/24/2003 0:00", "5/7/2003 0:00"], CUSTOMERNAME=["Land of Toys", "Reims Collectables"],
            PHONE=["2125557818", "26.47.1555"], TOTALPRICE=["2871", "2765.9"],
        )
    )  # fmt: skip
    assert found["quantity"] == "QUANTITYORDERED" and found["unit_price"] == "PRICEEACH"
    assert found["customer_name"] == "CUSTOMERNAME" and found.get("customer_id") != "PHONE"
    alone, _ = match_columns(frame(会员手机号=["138", "138", "139"], 金额=["1", "2", "3"]))
    assert alone["customer_id"] == "会员手机号"  # without a customer's name the phone is the customer


def test_contents_confirm_a_name_and_find_an_unnamed_date() -> None:
    found, ambiguous = match_columns(frame(单号=["1", "2"], 金额=["n.a.", "abc"], 时间戳=["2026-10-05", "2026-10-06"]))
    assert "amount" not in found  # not numbers
    assert found["order_date"] == "时间戳" and not ambiguous
    assert match_columns(frame(date=["10/5/2026", "1/5/2026"]))[1]  # day/month cannot be told


def write_flat(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = (
        "Order ID,Order Date,Customer,Region,Product,Category,Quantity,Sales,Note\n"
        "A1,10/13/2026,Acme,East,P1,X,2,10,a\n"
        "A1,10/13/2026,Acme,East,P2,Y,1,5,b\n"
        "A2,10/14/2026,Acme,East,P1,X,3,15,\n"
        "A3,10/15/2026,Bolt,West,P2,Y,4,20,\n"
    )
    (folder / "export.csv").write_text(text, encoding="utf-8")
    return folder / "export.csv"


def test_a_flat_file_proposes_every_derivable_table(tmp_path: Path) -> None:
    proposal = propose_mapping(write_flat(tmp_path))
    mapping = proposal.mapping()
    assert mapping["tables"] == dict.fromkeys(["orders", "order_lines", "customers", "products"], "export.csv")
    assert mapping["columns"]["order_lines"] == {
        "order_id": "Order ID",
        "product_id": "Product",
        "quantity": "Quantity",
        "unit_price": "=[Sales] / [Quantity]",
    }
    assert mapping["columns"]["customers"] == {"customer_id": "Customer", "region": "Region"}
    assert proposal.missing == {"reps": ["rep_id"]}
    assert proposal.unused == {"export.csv": ["Note"]}
    ds = load_dataset(tmp_path / "export.csv", mapping=mapping)
    assert ds["orders"].set_index("order_id")["amount"].to_dict() == {"A1": 15.0, "A2": 15.0, "A3": 20.0}


def test_an_attribute_that_varies_per_id_stays_on_the_order(tmp_path: Path) -> None:
    text = "Order ID,Order Date,Customer,Region,Sales\n1,2026-10-05,A,East,1\n2,2026-10-06,A,West,1\n"
    (tmp_path / "export.csv").write_text(text, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "export.csv")
    assert proposal.mapping()["columns"]["orders"]["region"] == "Region"
    assert "customers" not in proposal.mapping()["columns"] or "region" not in proposal.columns["customers"]
    assert proposal.varying == [("customers", "region", "Region", 1.0)]


def test_a_folder_keeps_contract_named_files_for_their_tables(tmp_path: Path) -> None:
    write_flat(tmp_path)
    (tmp_path / "customers.csv").write_text("customer_id,industry\nAcme,制造业\nBolt,金融\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["customers"] == "customers.csv" and proposal.tables["orders"] == "export.csv"
    assert "customers" not in proposal.mapping()["tables"]  # its file already carries the table's name
    assert load_dataset(tmp_path, mapping=proposal.mapping())["customers"]["industry"].tolist() == ["制造业", "金融"]


def test_describe_lists_tables_reports_and_validation(tmp_path: Path) -> None:
    text = "\n".join(describe(propose_mapping(write_flat(tmp_path)), "en"))
    assert "order_id ← Order ID" in text
    assert "✗ Team (team): no section has its data; needs one of: the rep id of orders" in text
    assert "The data passes validation with this mapping" in text


def test_describe_shows_the_first_problems_in_the_readers_language(tmp_path: Path) -> None:
    path = write_flat(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("Y,4,20", "Y,-4,20"), encoding="utf-8")
    text = "\n".join(describe(propose_mapping(path), "zh"))
    assert "按此映射校验发现 2 个问题" in text
    assert "  - order_lines.quantity：有 1 行为负数，例如 第 5 行：-4" in text


def test_map_writes_the_file_and_never_overwrites_without_force(tmp_path: Path, monkeypatch, capsys) -> None:
    export = write_flat(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", str(export), "--out", "m.yaml"]) == 0
    assert (tmp_path / "m.yaml").read_text(encoding="utf-8").startswith("# ")
    assert main(["map", "--data", str(export), "--out", "m.yaml"]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["map", "--data", str(export), "--out", "m.yaml", "--force"]) == 0
    assert main(["map", "--data", str(tmp_path / "nope.csv")]) == 1
    assert "nope.csv" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["map", "--data", str(tmp_path / "empty")]) == 1
    assert "中没有可映射的 .csv、.parquet、.xlsx 或 .xls 文件" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("olist_order_items_dataset.csv", "order_lines"),
        ("olist_orders_dataset.csv", "orders"),
        ("customer_orders.csv", "orders"),
        ("olistcustomerdataset.csv", "customers"),
        ("Order Details.xlsx", "order_lines"),
        ("销售订单明细.csv", "order_lines"),
        ("客户订单.csv", "orders"),
        ("产品目录.csv", "products"),
        ("Employees.csv", "reps"),
        ("export.csv", None),
    ],
)
def test_a_file_name_points_at_its_table_by_the_word_ending_last(name: str, table: str | None) -> None:
    assert file_table(name) == table


def write_system_export(folder: Path) -> Path:
    """A shop system's table-by-table export (shaped like the public Olist one): other names, US dates."""
    (folder / "shop_orders_dataset.csv").write_text(
        "order_id,customer_id,order_status,order_purchase_timestamp,order_delivered_customer_date,"
        "order_estimated_delivery_date\n"
        "o1,c1,delivered,10/2/2026 10:56,10/10/2026 21:25,10/18/2026 0:00\n"
        "o2,c2,delivered,10/24/2026 20:41,11/7/2026 15:27,11/3/2026 0:00\n"
        "o3,c1,delivered,11/8/2026 8:38,11/17/2026 18:06,11/22/2026 0:00\n",
        encoding="utf-8",
    )
    (folder / "shop_order_items_dataset.csv").write_text(
        "order_id,order_item_id,product_id,seller_id,price,freight_value\n"
        "o1,1,p1,s1,58.90,13.29\no1,2,p1,s1,58.90,13.29\no2,1,p2,s2,239.90,19.93\no3,1,p2,s2,199.00,8.00\n"
        ",,,,,\n,,,,,\n",  # a spreadsheet's empty formatted rows
        encoding="utf-8",
    )
    (folder / "shop_customers_dataset.csv").write_text(
        "customer_id,customer_unique_id,customer_city,customer_state\nc1,u1,franca,SP\nc2,u2,rio,RJ\n",
        encoding="utf-8",
    )
    (folder / "shop_products_dataset.csv").write_text(
        "product_id,product_category_name,product_weight_g\np1,perfumaria,225\np2,artes,1000\n", encoding="utf-8"
    )
    return folder


def test_a_system_export_maps_table_by_table(tmp_path: Path) -> None:
    proposal = propose_mapping(write_system_export(tmp_path))
    assert proposal.tables == {
        "orders": "shop_orders_dataset.csv",
        "customers": "shop_customers_dataset.csv",  # not the orders file, which also names each order's customer
        "order_lines": "shop_order_items_dataset.csv",
        "products": "shop_products_dataset.csv",  # not the items file, which repeats each product
    }
    columns = proposal.mapping()["columns"]
    assert columns["orders"] == {
        "order_date": "order_purchase_timestamp",
        "promised_at": "order_estimated_delivery_date",
        "delivered_at": "order_delivered_customer_date",
    }
    assert columns["order_lines"] == {"quantity": "=1", "unit_price": "price"}
    assert columns["customers"] == {"region": "customer_state"}
    assert columns["products"] == {"product_line": "product_category_name"}
    assert proposal.one_unit == ["shop_order_items_dataset.csv"]
    text = "\n".join(describe(proposal, "en"))
    assert "each row is read as one unit" in text and "✓ Support (support): ready" in text
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    orders = ds["orders"].set_index("order_id")
    lines = ds["order_lines"]
    assert lines["quantity"].tolist() == [1, 1, 1, 1]
    revenue = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum().round(2)
    assert revenue.to_dict() == {"o1": 117.8, "o2": 239.9, "o3": 199.0}
    regions = facts.order_facts(ds).set_index("order_id")["region"].astype(str)
    assert regions.to_dict() == {"o1": "SP", "o2": "RJ", "o3": "SP"}  # each order in its customer's state
    assert str(orders.loc["o2", "promised_at"].date()) == "2026-11-03"
    assert len(ds["order_lines"]) == 4  # the two empty rows left out, nothing reported against them


def test_empty_rows_are_skipped_with_one_warning_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\nA1,c1,2026-10-01,5\nA2,c1,not a date,5\n,,,\nA3,c1,2026-10-02,-5\n"
        ",,,\n,,,\n",
        encoding="utf-8",
    )
    frame = read_table_file(tmp_path / "orders.csv")
    assert frame["order_id"].fillna("-").tolist() == ["A1", "A2", "-", "A3"]  # the ones at the end go silently
    with pytest.raises(DataValidationError) as error:
        load_dataset(tmp_path)
    assert error.value.problems == [  # each row by its number in the file, the empty row 3 not among them
        "orders.order_date: 1 row has an unparseable date, e.g. row 3 (A2): 'not a date'; expected YYYY-MM-DD",
        "orders.amount: 1 row has a negative value, e.g. row 5 (A3): -5",
    ]
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\nA1,c1,2026-10-01,5\n,,,\n,,,\nA3,c1,2026-10-02,5\n", encoding="utf-8"
    )
    ds = load_dataset(tmp_path)
    assert ds["orders"]["order_id"].tolist() == ["A1", "A3"] and "_file_row" not in ds["orders"].columns
    assert ds.warnings == ["table orders: 2 empty rows were skipped (rows 3, 4)"]
    assert ds.warnings[0].text("zh") == "数据表 orders：2 个空行已跳过（第 3, 4 行）"


def test_total_and_subtotal_rows_are_no_sales_and_are_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "销售.csv").write_text(
        '订单编号,客户,日期,金额\nA1,c1,2026-10-01,5\nA2,c2,2026-10-01,7\n小计：,,,12\nA3,c1,2026-10-02,"1,000"\n'
        '合 计,,,"1,012"\n',
        encoding="gb18030",
    )
    mapping = {"tables": {"orders": "销售.csv"}, "columns": {"orders": {
        "order_id": "订单编号", "customer_id": "客户", "order_date": "日期", "amount": "金额"}}}  # fmt: skip
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds["orders"]["order_id"].tolist() == ["A1", "A2", "A3"] and ds["orders"]["amount"].sum() == 1012
    assert ds.warnings == ["table orders: 2 total or subtotal rows are no sales and were skipped (rows 4, 6)"]
    assert ds.warnings[0].text("zh") == "数据表 orders：2 个合计或小计行不是销售，已跳过（第 4, 6 行）"


def test_a_discount_share_nets_the_price_and_keeps_the_list_price(tmp_path: Path) -> None:
    # Northwind: a unit price before the discount share taken off
    found, _ = match_columns(
        frame(order_id=["1", "1"], unit_price=["14", "9.8"], quantity=["12", "10"], discount=["0", "0.15"])
    )
    assert found["discount_off"] == "discount"
    assert _net_prices(found) == ("=[unit_price] * (1 - [discount])", "unit_price")
    # Superstore: a line total after the discount
    found, _ = match_columns(frame(**{"Order ID": ["1"], "Sales": ["80"], "Quantity": ["2"], "Discount": ["0.2"]}))
    assert _net_prices(found) == ("=[Sales] / [Quantity]", "=[Sales] / [Quantity] / (1 - [Discount])")
    # a Chinese 折扣 as the share paid (九折 = 0.9)
    found, _ = match_columns(frame(订单号=["1", "2"], 单价=["100", "50"], 数量=["1", "2"], 折扣=["0.9", "0.85"]))
    assert found["discount_paid"] == "折扣"
    assert _net_prices(found) == ("=[单价] * [折扣]", "单价")
    # an amount or a percent number is not read as a share
    found, _ = match_columns(frame(单价=["100"], 数量=["1"], 折扣=["15"]))
    assert "discount_off" not in found and "discount_paid" not in found
    (tmp_path / "order_details.csv").write_text(
        "order_id,product_id,unit_price,quantity,discount\n10248,11,14,12,0\n10248,42,9.8,10,0.15\n", encoding="utf-8"
    )
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_date\n10248,VINET,1996-07-04\n", encoding="utf-8")
    lines = load_dataset(tmp_path, mapping=propose_mapping(tmp_path).mapping())["order_lines"]
    assert (lines["quantity"] * lines["unit_price"]).round(2).tolist() == [168.0, 83.3]  # 98 less 15 %
    assert lines["list_price"].tolist() == [14.0, 9.8]


def test_a_sparse_region_gives_way_to_the_country(tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_text(
        "customer_id,region,country\nALFKI,,Germany\nGREAL,OR,USA\nBONAP,,France\nSEVES,,UK\n", encoding="utf-8"
    )
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_date\n1,ALFKI,1996-07-04\n", encoding="utf-8")
    (tmp_path / "employees.csv").write_text("employee_id,last_name,hire_date\n1,Davolio,1992-05-01\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.columns["customers"]["region"] == "country"  # a state for 1 customer of 4: the country is the level
    assert proposal.columns["reps"] == {"rep_id": "employee_id", "hire_date": "hire_date"}
    found, _ = match_columns(frame(customer_id=["a", "b"], region=["East", "West"], country=["CN", "CN"]))
    assert found["region"] == "region"  # filled: kept


def test_cancelled_orders_in_a_status_column_are_pointed_out(tmp_path: Path) -> None:
    (tmp_path / "销售明细.csv").write_text(
        "订单号,下单日期,客户,金额,订单状态\nA1,2026-10-01,甲,100,已完成\nA2,2026-10-02,乙,50,已取消\nA3,2026-10-03,乙,70,作废\n",
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path)
    assert proposal.cancelled == [("销售明细.csv", "订单状态", ["作废", "已取消"])]
    text = "\n".join(describe(proposal, "en"))
    assert "销售明细.csv column 订单状态 marks cancelled, rejected or fully refunded orders (作废, 已取消)" in text
    assert proposal.mapping()["exclude"] == {"orders": {"订单状态": ["作废", "已取消"]}}
    assert "订单状态" not in proposal.unused["销售明细.csv"]  # the exclude reads it
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert ds["orders"]["order_id"].tolist() == ["A1"]  # 已取消 and 作废 are not sales
    assert facts.order_facts(ds)["revenue"].sum() == 100
    (tmp_path / "销售明细.csv").write_text(
        "订单号,下单日期,客户,金额,状态\nA1,2026-10-01,甲,100,已完成\n", encoding="utf-8"
    )
    assert propose_mapping(tmp_path).cancelled == []


def test_rejected_orders_are_left_out_as_cancelled_ones_while_pending_ones_stay(tmp_path: Path) -> None:
    # an ERP's order status (BikeStores-like: 待处理, 处理中, 已拒绝, 已完成): a rejected order never stood
    (tmp_path / "订单.csv").write_text(
        "订单号,下单日期,客户,金额,订单状态\nA1,2026-10-01,甲,100,已完成\nA2,2026-10-02,乙,50,已拒绝\n"
        "A3,2026-10-03,乙,70,待处理\nA4,2026-10-04,丙,30,处理中\nA5,2026-10-05,丙,20,Rejected\n",
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path)
    assert proposal.mapping()["exclude"] == {"orders": {"订单状态": ["Rejected", "已拒绝"]}}
    assert "订单.csv 的 订单状态 列标出取消、被拒或全额退款、未成交的订单（Rejected, 已拒绝）" in "\n".join(
        describe(proposal, "zh")
    )
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert ds["orders"]["order_id"].tolist() == ["A1", "A3", "A4"]  # pending and in-process orders are sales
    assert facts.order_facts(ds)["revenue"].sum() == 200


def test_a_workbooks_sheets_map_one_by_one(tmp_path: Path) -> None:
    with pd.ExcelWriter(tmp_path / "销售.xlsx") as book:
        orders = frame(
            订单号=["A1", "A2"], 下单日期=["2026-10-01", "2026-10-03"], 客户编号=["C1", "C2"], 金额=["100", "50"]
        )
        orders.to_excel(book, sheet_name="订单", index=False)
        frame(客户编号=["C1", "C2"], 区域=["华东", "华南"]).to_excel(book, sheet_name="客户", index=False)
        pd.DataFrame({"说明": []}).to_excel(book, sheet_name="说明", index=False)  # a header only: no table
    proposal = propose_mapping(tmp_path / "销售.xlsx")
    assert proposal.tables == {"orders": "销售.xlsx#订单", "customers": "销售.xlsx#客户"}
    ds = load_dataset(tmp_path / "销售.xlsx", mapping=proposal.mapping())
    assert ds["customers"].set_index("customer_id")["region"].to_dict() == {"C1": "华东", "C2": "华南"}
    assert facts.order_facts(ds).set_index("order_id")["region"].astype(str).to_dict() == {"A1": "华东", "A2": "华南"}
    with pytest.raises(DataSourceError, match="no sheet named '产品'; its sheets: 订单, 客户, 说明"):
        load_dataset(tmp_path, mapping={"tables": {"orders": "销售.xlsx#订单", "products": "销售.xlsx#产品"}})


POS_LINES = """订单编号,订单日期,客户名称,产品名称,数量,金额
A1,2018-01-01,甲,P1,2,20
A1,2018-01-01,甲,P2,0,0
A2,2018-01-02,乙,P1,-1,-10
A3,2018-01-03,乙,P2,1,10
"""


def test_map_leaves_out_no_op_lines_and_names_the_returns(tmp_path: Path) -> None:
    (tmp_path / "pos.csv").write_text(POS_LINES, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "pos.csv")
    assert proposal.mapping()["exclude"] == {"order_lines": {"数量": ["=0"]}}
    text = "\n".join(describe(proposal, "zh"))
    assert "! pos.csv：1 行的 数量 与金额都为 0，没有卖出东西" in text
    assert "! pos.csv：1 行的 数量 为负数（退货）" in text and '加上 "<0"' in text
    ds = load_dataset(tmp_path / "pos.csv", mapping=proposal.mapping(), validate=False)
    assert ds.tables["order_lines"]["quantity"].tolist() == [2.0, -1.0, 1.0]  # the no-op line left out
    (tmp_path / "pos.csv").write_text(POS_LINES.replace("P2,0,0", "P2,0,5"), encoding="utf-8")  # money on it
    proposal = propose_mapping(tmp_path / "pos.csv")  # priced 金额 ÷ 数量: no price for it, left out and said
    assert proposal.mapping()["exclude"] == {"order_lines": {"数量": ["=0"]}}
    assert "1 行的 数量 为 0 却有金额（合计 5.00，占 20.0%，2018-01 最多，占当月 20.0%）" in "\n".join(
        describe(proposal, "zh")
    )


def test_columns_are_recognised_word_by_word_and_by_their_contents() -> None:
    found, _ = match_columns(
        frame(
            detail_id=["1", "2", "3"],
            order_id=["137", "137", "138"],
            dishes_id=["610047", "609970", "610047"],
            dishes_name=["西瓜沙拉", "小龙虾", "西瓜沙拉"],
            counts=["1", "2", "1"],
            amounts=["26", "99", "26"],
            place_order_time=["2016/8/3 14:01", "2016/8/3 14:02", "2016/8/4 9:00"],
            emp_id=["1248", "1248", "1100"],  # whose id? not said: left to the user
        )
    )
    assert found == {
        "order_id": "order_id",
        "product_id": "dishes_id",
        "product_name": "dishes_name",
        "quantity": "counts",
        "amount": "amounts",
        "order_date": "place_order_time",
    }
    found, _ = match_columns(
        frame(
            流水号=["1", "2", "3"],
            备注日期=["x", "y", "z"],  # named a date, but no date inside
            购药时间=["2018-01-01 星期五", "2018-01-02 星期六", "2018-01-02 星期六"],
            社保卡号=["*528", "*528", "*77"],
            收货地址=["上海", "内蒙古自治区", "广东省"],
        )
    )
    assert found == {"customer_id": "社保卡号", "order_date": "购药时间", "region": "收货地址"}
    found, _ = match_columns(frame(开单=["2018-01-01"], 发货时间=["2018-01-03"], 地点=["某地"]))
    assert found == {"order_date": "发货时间"}  # the column named a time first; 某地 is no place


def test_a_single_pos_export_maps_with_no_edit(tmp_path: Path) -> None:
    (tmp_path / "朝阳.csv").write_text(
        "购药时间,社保卡号,商品编码,商品名称,销售数量,应收金额,实收金额\n"
        "2018-01-01 星期五,*528,236701,强力VC银翘片,6,82.8,69\n"
        "2018-01-01 星期五,*528,236702,清热解毒口服液,1,28,24.64\n"
        "2018-01-06 星期三,*2828,236701,强力VC银翘片,1,13.8,12\n",
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path / "朝阳.csv")
    ds = load_dataset(tmp_path / "朝阳.csv", mapping=proposal.mapping())
    assert ds.tables["orders"].set_index("order_id")["amount"].to_dict() == {
        "*528 + 2018-01-01": 93.64,
        "*2828 + 2018-01-06": 12.0,
    }


def test_a_line_total_before_discount_gives_the_list_price() -> None:
    """A POS export's 应收金额 (before the discount) beside 实收金额 (paid): list price = 应收金额 ÷ 数量."""
    found, _ = match_columns(frame(实收金额=["82.8", "28"], 应收金额=["82.8", "30"], 销售数量=["1", "2"]))
    assert found["amount"] == "实收金额" and found["list_amount"] == "应收金额"
    assert _net_prices(found) == ("=[实收金额] / [销售数量]", "=[应收金额] / [销售数量]")
