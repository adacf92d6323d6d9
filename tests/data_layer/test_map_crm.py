"""``salesnb map`` on international CRM, SaaS, ERP and support exports: their vocabulary, dates and drafts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.cli import main
from salesnb.data.draft import candidates
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.match import match_columns, yearly
from salesnb.data.propose import propose_mapping
from salesnb.data.validation import validate_dataset


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


ACCOUNTS = """account,sector,year_established,revenue,employees
Acme,technology,1996,1100.04,2822
Betasoloin,medical,1999,251.41,495
Cancity,retail,2001,718.62,13
Isdom,medical,2002,3178.24,4540
"""
PIPELINE = """opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,10/20/2016,3/1/2017,1054
Z063OYW0,Darcel Schlecht,GTX Pro,Isdom,Won,10/25/2016,3/11/2017,4514
EC4QE1BX,Darcel Schlecht,MG Special,Cancity,Won,10/25/2016,3/7/2017,50
MV1LWRNH,Moses Frase,GTX Basic,Acme,Won,10/25/2016,3/9/2017,588
"""


def test_years_are_no_order_dates() -> None:
    assert yearly(pd.Series(["1996", "1999", "2001"]))
    assert yearly(pd.Series(["2016-01-01", "2017-01-01"]))  # one date a year: years
    assert not yearly(pd.Series(["2016-01-01", "2016-03-05"]))
    assert not yearly(pd.Series(["2016-01-01"]))  # one new year's day order is an order
    found, _ = match_columns(frame(account=["Acme", "Beta"], founded=["1996-01-01", "1999-01-01"], year=["1", "2"]))
    assert "order_date" not in found
    found, _ = match_columns(frame(account=["Acme", "Beta"], year_established=["1996", "1999"]))
    assert "order_date" not in found


def test_a_head_count_is_no_order_id() -> None:
    accounts = frame(account=["Acme", "Beta", "Cancity"], employees=["2822", "495", "13"], seats=["9", "18", "4"])
    assert candidates(accounts, {}, "order_id") == []


def test_a_crm_folder_takes_its_orders_from_the_deals_not_the_accounts(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "sales_pipeline.csv").write_text(PIPELINE, encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["orders"] == "sales_pipeline.csv"  # won deals on their close date (test_map_pipeline)
    assert proposal.columns["orders"]["order_id"] == "opportunity_id"
    assert proposal.columns["orders"]["order_date"] == "close_date"
    assert "employees" not in proposal.columns["orders"].values()
    assert "year_established" not in proposal.columns["orders"].values()


def test_crm_saas_and_erp_vocabulary() -> None:
    found, _ = match_columns(
        frame(
            opportunity_id=["1C1I7A6R", "Z063OYW0"],
            sales_agent=["Moses Frase", "Darcel Schlecht"],
            account=["Cancity", "Isdom"],
            engage_date=["2016-10-20", "2016-10-25"],
            close_value=["1054", "4514"],
        )
    )
    assert found["customer_name"] == "account" and found["rep_name"] == "sales_agent"
    assert found["amount"] == "close_value" and found["own_id"] == "opportunity_id"
    found, _ = match_columns(frame(subscription_id=["S-1", "S-2"], account_id=["A-1", "A-2"], arr_amount=["12", "24"]))
    assert found["customer_id"] == "account_id" and found["amount"] == "arr_amount"
    found, _ = match_columns(frame(employeeNumber=["1002", "1056"], lastName=["Murphy", "Patterson"]))
    assert found["rep_id"] == "employeeNumber"
    found, _ = match_columns(frame(salesRepEmployeeNumber=["1370"], buyPrice=["48.81"], MSRP=["95.70"]))
    assert found["rep_id"] == "salesRepEmployeeNumber" and found["unit_cost"] == "buyPrice"
    assert match_columns(frame(采购价=["3"], purchase_price=["4"]))[0]["unit_cost"] == "采购价"


def test_a_month_without_a_target_stays_a_date() -> None:
    found, _ = match_columns(frame(月份=["2024-01", "2024-02"], 销售额=["10", "20"]))
    assert "period" not in found and found["order_date"] == "月份"


def test_a_file_of_monthly_targets_is_proposed_as_the_targets(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount,category\n1,c1,2018-04-02,10,Furniture\n2,c2,2018-05-03,20,Clothing\n",
        encoding="utf-8",
    )
    (tmp_path / "Sales target.csv").write_text(
        "Month of Order Date,Category,Target\n2018-04,Furniture,10400\n2018-05,Clothing,10500\n", encoding="utf-8"
    )
    (tmp_path / "销售目标.csv").write_text("月份,大区,目标金额\n2018-04,华东,100\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["targets"] == "Sales target.csv"
    assert proposal.columns["targets"] == {
        "period": "Month of Order Date",
        "target_amount": "Target",
        "product_line": "Category",
    }
    assert proposal.unused["Sales target.csv"] == []
    alone = propose_mapping(tmp_path / "销售目标.csv")
    assert alone.columns["targets"] == {"period": "月份", "target_amount": "目标金额", "region": "大区"}


def test_a_start_date_is_a_hire_date_only_beside_a_rep() -> None:
    subscriptions = frame(
        subscription_id=["S-1", "S-2", "S-3", "S-4"],
        account_id=["A-1", "A-2", "A-1", "A-3"],
        start_date=["2024-01-05", "2024-02-11", "2024-03-01", "2024-03-09"],
        end_date=[None, None, None, "2024-04-12"],
    )
    found, _ = match_columns(subscriptions)
    assert "hire_date" not in found and found["order_date"] == "start_date"
    found, _ = match_columns(
        frame(employee_id=["E1", "E2"], name=["Ann", "Bo"], start_date=["2020-01-05", "2021-03-01"])
    )
    assert found["hire_date"] == "start_date"


def test_a_mostly_empty_date_gives_way_to_a_full_one() -> None:
    found, _ = match_columns(
        frame(ended_at=[None, None, "2024-02-01"], created=["2024-01-05", "2024-01-06", "2024-01-07"])
    )
    assert found["order_date"] == "created"


TICKETS = """Ticket_ID,Customer_Name,Customer_Age,Product_Purchased,Date_of_Purchase,Ticket_Type,\
First_Response_Time,Time_to_Resolution,Customer_Satisfaction_Rating
T-1,Christopher Robbins,48,Dell XPS,2020-07-14,Technical issue,2023-06-01 11:14,2023-06-01 18:05,3
T-2,Christina Dillon,27,Microsoft Office,2020-11-13,Billing inquiry,2023-06-01 07:29,2023-06-01 11:57,3
T-3,Alexander Carroll,24,Dell XPS,2021-03-22,Technical issue,2023-06-01 09:51,2023-06-01 16:22,4
"""


def test_a_ticket_export_is_dated_by_its_purchase_and_drafted_without_money(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    (tmp_path / "tickets.csv").write_text(TICKETS, encoding="utf-8")
    found, _ = match_columns(pd.read_csv(tmp_path / "tickets.csv", dtype="str"))
    assert found["order_date"] == "Date_of_Purchase"
    assert (
        match_columns(frame(First_Response_Time=["2023-06-01 11:14"], Time_to_Resolution=["2023-06-01 18:05"]))[0] == {}
    )
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "tickets.csv", "--lang", "en"]) == 1
    draft = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    assert "order_date: Date_of_Purchase" in draft and "# order_id: T" in draft and "# amount: ?" in draft
    assert "Customer_Age" not in draft and "First_Response_Time" not in draft
    assert "no amount" in capsys.readouterr().err


def test_won_deals_are_orders_with_their_value_on_their_close_date(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "won_deals.csv").write_text(PIPELINE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", "won_deals.csv", "--lang", "en"]) == 0
    written = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    assert "amount: close_value" in written and "order_id: opportunity_id" in written
    assert "order_date: close_date" in written and "exclude" not in written  # every deal is won


def test_a_sub_category_is_the_product_and_the_category_its_line(tmp_path: Path) -> None:
    (tmp_path / "Order Details.csv").write_text(
        "Order ID,Amount,Profit,Quantity,Category,Sub-Category\n"
        "B-1,1275,-1148,7,Furniture,Bookcases\nB-1,66,-12,5,Clothing,Stole\nB-2,8,-2,3,Clothing,Hankerchief\n"
        "B-3,10,1,1,FURNITURE,Bookcases\n",  # a category written in capitals is still the line
        encoding="utf-8",
    )
    proposal = propose_mapping(tmp_path / "Order Details.csv")
    assert proposal.columns["products"] == {"product_id": "Sub-Category", "product_line": "Category"}
    assert proposal.columns["order_lines"]["product_id"] == "Sub-Category"
    found, _ = match_columns(frame(商品名称=["保温杯"], 类目=["家居"], 二级类目=["杯具"]))
    assert found["product_name"] == "商品名称" and found["product_line"] == "类目"
    assert match_columns(frame(类目=["家居"], 二级类目=["杯具"]))[0]["product_name"] == "二级类目"


def test_map_on_a_database_url_keeps_it_and_says_map_reads_files(capsys) -> None:
    assert main(["map", "--data", "sqlite:///no/such/sales.db", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "sqlite:///no/such/sales.db is a database URL: salesnb map reads export files and folders only" in err
    assert "not found" not in err


def test_a_stray_sheet_without_a_header_is_said_not_listed_as_columns(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    orders = book.active
    orders.title = "Sheet1"
    for row in (
        ["订单号", "客户名称", "订单日期", "总金额"],
        ["A1", "甲", "2026-01-05", 100],
        ["A2", "乙", "2026-01-06", 50],
    ):
        orders.append(row)
    stray = book.create_sheet("Sheet2")
    for row, value in enumerate((12, 40, 7), start=4):
        stray.cell(row=row, column=6, value=value)
    book.save(tmp_path / "orders.xlsx")
    proposal = propose_mapping(tmp_path / "orders.xlsx")
    assert proposal.headerless == ["orders.xlsx#Sheet2"] and "orders.xlsx#Sheet2" not in proposal.unused
    text = "\n".join(describe(proposal, "en", check=False))
    assert "orders.xlsx#Sheet2 has no header row" in text and "Unnamed" not in text


def test_a_crm_sales_export_maps_sales_ids_and_contacts(tmp_path: Path) -> None:
    """Sales.csv (SalesID, ContactID, SalesDate) and SalesLines.csv (SalesID, ItemNo, Quantity) beside the
    contacts and the products: the sale's number is the order id, the buying contact the customer (``SalesID``
    was taken for the product key of the lines, and ``Sales.csv`` for the products file)."""
    (tmp_path / "Contacts.csv").write_text("ContactID,FullName,State\nC001,Brooke Brown,Texas\n", encoding="utf-8")
    (tmp_path / "Products.csv").write_text("ItemNo,ItemName,UnitPrice,Category\nP001,Lamp,56.86,Books\n", "utf-8")
    (tmp_path / "Sales.csv").write_text("SalesID,ContactID,SalesDate\nS0001,C001,2024-10-07\n", encoding="utf-8")
    (tmp_path / "SalesLines.csv").write_text(
        "LineID,SalesID,ItemNo,Quantity\nSL1,S0001,P001,9\nSL2,S0001,P001,2\n", encoding="utf-8"
    )
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["orders"] == "Sales.csv" and proposal.tables["products"] == "Products.csv"
    assert proposal.columns["orders"] == {"order_id": "SalesID", "customer_id": "ContactID", "order_date": "SalesDate"}
    assert proposal.columns["order_lines"] == {"order_id": "SalesID", "product_id": "ItemNo", "quantity": "Quantity"}
    assert proposal.columns["customers"]["customer_id"] == "ContactID"


def test_a_contract_named_file_maps_its_columns_written_other_ways(tmp_path: Path) -> None:
    """Leads.csv of a CRM (LeadID, CreatedAt, LeadSource …): its contract columns by their names written any way."""
    (tmp_path / "Leads.csv").write_text(
        "LeadID,ContactID,Source,Status,Created_At\nL0001,C052,Referral,Working,2025-02-05\n", encoding="utf-8"
    )
    (tmp_path / "orders.csv").write_text("order_id,customer_id,order_date,amount\n1,C052,2025-03-01,5\n", "utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.columns["leads"] == {
        "lead_id": "LeadID",
        "created_at": "Created_At",
        "source": "Source",
        "status": "Status",
    }


def test_a_contract_named_file_that_is_not_that_table_is_left_out(tmp_path: Path) -> None:
    """A CRM's Leads.csv without a lead source or a creation date: ``leads: ~``, so the sales are still read.

    It was read as the leads table by its name and refused with its missing columns: no report at all.
    """
    (tmp_path / "Leads.csv").write_text("LeadID,ContactID,Notes\nL0001,C052,call back\n", encoding="utf-8")
    (tmp_path / "Sales.csv").write_text("SalesID,ContactID,SalesDate,Amount\nS1,C052,2025-03-01,5\n", "utf-8")
    proposal = propose_mapping(tmp_path)
    assert "leads" not in proposal.columns and proposal.mapping()["tables"]["leads"] is None
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert "leads" not in ds.tables and validate_dataset(ds) == []
    assert ds["orders"]["amount"].tolist() == [5.0]


def test_a_crm_leads_file_maps_its_source_status_and_created_date(tmp_path: Path) -> None:
    """Leads.csv of the round-8 CRM export (200 leads): LeadSource, LeadStatus and CreatedDate were left out."""
    (tmp_path / "Leads.csv").write_text(
        "LeadID,ContactID,LeadSource,LeadStatus,CreatedDate,Notes\n"
        "L0001,C052,Email Campaign,Working,2025-02-05,Respond discover\n"
        "L0002,C077,Referral,Working,2025-04-18,Attack\n",
        encoding="utf-8",
    )
    (tmp_path / "Sales.csv").write_text("SalesID,ContactID,SalesDate,Amount\nS1,C052,2025-03-01,5\n", "utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.columns["leads"] == {
        "lead_id": "LeadID",
        "source": "LeadSource",
        "status": "LeadStatus",
        "created_at": "CreatedDate",
    }
    ds = load_dataset(tmp_path, mapping=proposal.mapping())
    assert ds["leads"]["source"].tolist() == ["Email Campaign", "Referral"]
