"""A CRM's deal pipeline (Maven's sales_pipeline.csv, 8,800 deals) through map, validate and the process figures.

Asked only to confirm ``order_id: opportunity_id``, the user got every deal as an order (2,473 lost ones of 0),
dated by the day it was engaged: December 2017's won value (511 deals, 1,131,573) landed in the months the deals
were opened. Taken as it was meant, the open deals' empty close dates and the prospects' empty engage dates
refused the whole export.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping
from salesnb.report import open_report

ACCOUNTS = "account,sector,year_established,revenue\nCancity,retail,2001,718.62\nIsdom,medical,2002,3178.24\n"
PIPELINE = """opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054
Z063OYW0,Darcel Schlecht,GTX Pro,Isdom,Won,2016-10-25,2017-03-11,4514
ZNBS69V1,Anna Snelling,MG Special,Isdom,Lost,2016-10-29,2017-03-18,0
HAXMC4IX,James Ascencio,MG Advanced,Cancity,Engaging,2017-12-20,,
6CWZFOHJ,Versie Hillebrand,GTK 500,,Prospecting,,,
"""


def test_a_deal_pipeline_gives_won_orders_on_their_close_date_and_every_dated_deal(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "sales_pipeline.csv").write_text(PIPELINE, encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["orders"] == proposal.tables["opportunities"] == "sales_pipeline.csv"
    orders, deals = proposal.columns["orders"], proposal.columns["opportunities"]
    assert (orders["order_id"], orders["order_date"], orders["amount"]) == (
        "opportunity_id",
        "close_date",
        "close_value",
    )
    assert (deals["created_at"], deals["status"], deals["closed_at"]) == ("engage_date", "deal_stage", "close_date")
    assert deals["customer_id"] == "account" and deals["rep_id"] == "sales_agent"
    assert proposal.exclude() == {
        "orders": {"deal_stage": ["Lost", "Engaging", "Prospecting"]},
        "opportunities": {"engage_date": [""]},
    }
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(proposal.mapping(), allow_unicode=True), encoding="utf-8")
    ds = load_dataset(tmp_path, mapping=mapping)  # the open deals' empty close dates no longer refuse the export
    assert sorted(ds["orders"]["order_id"]) == ["1C1I7A6R", "Z063OYW0"]
    assert ds["orders"]["order_date"].tolist() == [pd.Timestamp("2017-03-01"), pd.Timestamp("2017-03-11")]
    assert ds["orders"]["amount"].sum() == 1054 + 4514
    assert sorted(ds["opportunities"]["opportunity_id"]) == ["1C1I7A6R", "HAXMC4IX", "Z063OYW0", "ZNBS69V1"]


def test_an_open_deals_empty_close_date_is_no_orders_missing_date(tmp_path: Path) -> None:
    """The mapping realint6 wrote by hand was refused: "orders.order_date: 2,089 rows have an empty required value"."""
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "sales_pipeline.csv").write_text(PIPELINE, encoding="utf-8")
    deal = {"opportunity_id": "opportunity_id", "customer_id": "account", "amount": "close_value"}
    mapping = {
        "tables": {"customers": "accounts.csv", "orders": "sales_pipeline.csv", "opportunities": "sales_pipeline.csv"},
        "columns": {
            "customers": {"customer_id": "account"},
            "orders": {"order_id": "opportunity_id", "customer_id": "account", "order_date": "close_date",
                       "amount": "close_value"},
            "opportunities": {**deal, "created_at": "engage_date", "status": "deal_stage", "closed_at": "close_date"},
        },
        "exclude": {"orders": {"deal_stage": ["Lost", "Engaging", "Prospecting"]},
                    "opportunities": {"engage_date": [""]}},
    }  # fmt: skip
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds["orders"]["amount"].sum() == 5568 and len(ds["opportunities"]) == 4


def test_the_header_names_the_orders_rule_and_keeps_the_deals(tmp_path: Path) -> None:
    """The process page said "(engage_date = (empty); deal_stage = …) 4,562 orders left out: no figure counts them"."""
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "sales_pipeline.csv").write_text(PIPELINE, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(propose_mapping(tmp_path).mapping(), allow_unicode=True), encoding="utf-8")
    report = open_report(str(tmp_path), "2017-03", "ALL", mapping_path=str(mapping), lang="en")
    note = report._repr_markdown_().split("\n\n")[-1]
    assert "(deal_stage = Lost, Engaging, Prospecting), 3 deals of the data are no orders" in note
    assert "engage_date" not in note and note.endswith(
        "they still count in the win rate, the open pipeline and the sales cycle."
    )


CRM = """商机编号,商机名称,客户名称,销售阶段,商机金额,负责人,创建时间,预计成交日期,实际成交日期,输单原因,商机来源
S1,甲项目,甲公司,赢单,100000,张伟,2026-08-01 09:00,2026-09-15,2026-09-10,,展会
S2,乙项目,乙公司,输单,50000,王芳,2026-08-05 10:00,2026-09-20,2026-09-18,价格,官网
S3,丙项目,丙公司,赢单,80000,王芳,2026-08-09 11:00,2026-09-30,2026-09-25,,转介绍
S4,丁项目,丁公司,商务谈判,60000,张伟,2026-09-01 09:30,2026-10-30,,,展会
"""


def test_a_chinese_crms_one_file_export_keeps_every_deal_beside_its_won_orders(tmp_path: Path) -> None:
    """销售易/纷享销客's opportunity list, one file: 商机编号 was read as a product and the export refused for want
    of an amount; once read as a pipeline, the won deals' exclude took the lost ones from the deals too (100 % won)."""
    from salesnb.process import angle_metrics

    (tmp_path / "商机列表.csv").write_text(CRM, encoding="gb18030")
    proposal = propose_mapping(tmp_path)
    orders, deals = proposal.columns["orders"], proposal.columns["opportunities"]
    assert (orders["order_id"], orders["order_date"], orders["amount"]) == ("商机编号", "实际成交日期", "商机金额")
    assert (deals["created_at"], deals["expected_close_at"], deals["lost_reason"]) == (
        "创建时间", "预计成交日期", "输单原因",
    )  # fmt: skip
    assert "products" not in proposal.tables  # 商机编号 + 商机名称 name a deal, not a product
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(proposal.mapping(), allow_unicode=True), encoding="utf-8")
    ds = load_dataset(tmp_path, mapping=mapping)
    assert sorted(ds["orders"]["order_id"]) == ["S1", "S3"] and ds["orders"]["amount"].sum() == 180000
    assert sorted(ds["opportunities"]["opportunity_id"]) == ["S1", "S2", "S3", "S4"]
    assert sorted(ds["customers"]["customer_id"]) == ["丁公司", "丙公司", "乙公司", "甲公司"]
    metrics = angle_metrics(open_report(dataset=ds, period="2026-09"))
    assert metrics["win_rate"] == pytest.approx(2 / 3) and metrics["deals_won"] == 2


def test_a_funnel_split_by_a_dimension_the_export_lacks_is_skipped_not_one_unknown(tmp_path: Path) -> None:
    """The CRM list names no company size: its funnel by size was one 未知 row at 100 %, an empty grid."""
    from salesnb.process import funnel_panel

    (tmp_path / "商机列表.csv").write_text(CRM, encoding="gb18030")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(propose_mapping(tmp_path).mapping(), allow_unicode=True), encoding="utf-8")
    report = open_report(dataset=load_dataset(tmp_path, mapping=mapping), period="2026-09")
    by_size = funnel_panel(report, by="size_band")
    assert by_size.is_skipped and by_size.note.startswith("数据中没有企业规模")
    assert not funnel_panel(report, by="source").is_skipped


SALESFORCE = """Opportunity Name,Account Name,Stage,Amount,Close Date,Created Date,Opportunity Owner,Lead Source
Acme - Upgrade,Acme,Closed Won,"$12,000",09/10/2026,08/01/2026,Ann Lee,Web
Acme - Renewal,Acme,Closed Lost,"$5,000",09/20/2026,08/03/2026,Ann Lee,Web
Globex - New,Globex,Closed Won,"$8,000",09/28/2026,08/20/2026,Bob Ray,Partner
Initech - Pilot,Initech,Negotiation/Review,"$20,000",12/15/2026,09/05/2026,Bob Ray,Trade Show
"""


def test_a_salesforce_report_without_ids_is_a_pipeline_and_an_open_deals_close_date_its_forecast(
    tmp_path: Path,
) -> None:
    """Exported without an id column, every deal (lost and open ones too) was an order of its account on its
    close date; an open deal's Close Date, its forecast, then carried the data three months into the future."""
    from salesnb.data.deals import deal_facts, last_deal_day

    (tmp_path / "report.csv").write_text(SALESFORCE, encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.columns["orders"]["order_id"] == "Opportunity Name"
    assert proposal.columns["orders"]["rep_id"] == "Opportunity Owner"
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(proposal.mapping(), allow_unicode=True), encoding="utf-8")
    ds = load_dataset(tmp_path, mapping=mapping)
    assert ds["orders"]["amount"].sum() == 20000 and len(ds["opportunities"]) == 4
    deals = deal_facts(ds).set_index("opportunity_id")
    assert deals.loc["Initech - Pilot", "expected_close_at"] == pd.Timestamp("2026-12-15")
    assert pd.isna(deals.loc["Initech - Pilot", "closed_at"])
    assert last_deal_day(ds) == pd.Timestamp("2026-09-30")  # September read whole, not through December
