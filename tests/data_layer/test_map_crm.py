"""``salesnb map`` on international CRM, SaaS, ERP and support exports: their vocabulary, dates and drafts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from salesnb.data.draft import candidates
from salesnb.data.mapview import no_orders
from salesnb.data.match import match_columns, yearly
from salesnb.data.propose import propose_mapping


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


def test_a_crm_folder_drafts_its_orders_from_the_deals_not_the_accounts(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "sales_pipeline.csv").write_text(PIPELINE, encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert "orders" not in proposal.tables
    lines, draft = no_orders(proposal, "en")
    assert draft is not None and "orders: sales_pipeline.csv" in draft
    assert "# order_id: opportunity_id" in draft and "employees" not in draft and "year_established" not in draft
