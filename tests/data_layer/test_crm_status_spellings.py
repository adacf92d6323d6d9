"""A CRM's own spellings of won, lost and a lead's decision (Salesforce ``Closed Won``, HubSpot ``closedwon``).

Maven's CRM pipeline (sales_pipeline.csv, 2017-12) written as a Salesforce export: 511 deals Closed Won and
140 Closed Lost that month gave 0 won, every deal open and the won value as open pipeline.
"""

from __future__ import annotations

import pandas as pd
from tiny import TABLES, write_tiny

from salesnb import process
from salesnb.data.deals import deal_facts, deal_outcome
from salesnb.data.leads import lead_facts
from salesnb.report import open_report


def test_crm_spellings_of_won_and_lost() -> None:
    raw = pd.Series(["Closed Won", "Closed Lost", "closedwon", "CLOSED_LOST", "Closed-Won", "Won", "Prospecting"])
    assert deal_outcome(raw).tolist() == ["won", "lost", "won", "lost", "won", "won", "open"]


def test_salesforce_statuses_count_as_won_lost_and_decided_leads(tmp_path) -> None:
    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    tables["opportunities"] = [  # won value 4,514 and 1,054, one lost, one still open (as sales_pipeline.csv)
        {"opportunity_id": "Z063OYW0", "created_at": "2026-08-25", "status": "Closed Won", "closed_at": "2026-10-11",
         "amount": 4514, "rep_id": "R1", "customer_id": "C1", "region": "华东"},
        {"opportunity_id": "1C1I7A6R", "created_at": "2026-09-20", "status": "Closed Won", "closed_at": "2026-10-01",
         "amount": 1054, "rep_id": "R1", "customer_id": "C2", "region": "华东"},
        {"opportunity_id": "EC4QE1BX", "created_at": "2026-09-02", "status": "Closed Lost", "closed_at": "2026-10-07",
         "amount": 0, "rep_id": "R1", "customer_id": "C2", "region": "华东"},
        {"opportunity_id": "HAXMC4IX", "created_at": "2026-09-08", "status": "Engaging", "amount": 0,
         "rep_id": "R1", "customer_id": "C1", "region": "华东"},
    ]  # fmt: skip
    tables["leads"] = [
        {"lead_id": "L1", "created_at": "2026-10-01 09:00", "source": "Web", "region": "华东",
         "first_response_at": "2026-10-01 10:00", "status": "Closed - Not Converted"},
        {"lead_id": "L2", "created_at": "2026-10-02 09:00", "source": "Web", "region": "华东",
         "status": "Open - Not Contacted"},
    ]  # fmt: skip
    report = open_report(str(write_tiny(tmp_path / "sf", tables=tables)), "2026-10", "ALL")
    deals = deal_facts(report.ds).set_index("opportunity_id")["outcome"]
    assert deals.to_dict() == {"Z063OYW0": "won", "1C1I7A6R": "won", "EC4QE1BX": "lost", "HAXMC4IX": "open"}
    velocity = process.velocity_frame(report).set_index("metric")["value"]
    assert velocity["won"] == 2 and velocity["win_rate"] == 2 / 3
    assert velocity["open"] == 1  # only the Engaging deal is open at month end
    leads = lead_facts(report.ds, (0, 50, 200, 1000)).set_index("lead_id")
    assert leads.at["L1", "status"] == "disqualified" and leads.at["L1", "converted"] == 0
    assert leads.at["L2", "status"] == "new" and pd.isna(leads.at["L2", "converted"])


def test_status_key_reduces_each_distinct_status_and_keeps_the_rows() -> None:
    from salesnb.data.status_words import status_key

    raw = pd.Series(["Closed Won", None, "closed-won", "P 1", "Closed Won"], index=[7, 3, 5, 1, 0], name="status")
    keys = status_key(raw)
    assert keys.index.tolist() == [7, 3, 5, 1, 0] and keys.name == "status"
    assert keys.iloc[[0, 2, 3, 4]].tolist() == ["closedwon", "closedwon", "p1", "closedwon"]
    assert pd.isna(keys.iloc[1])
    numbers = status_key(pd.Series([1.0, float("nan"), 1.0]))  # not text: as text, missing stays missing
    assert numbers.iloc[[0, 2]].tolist() == ["10", "10"] and pd.isna(numbers.iloc[1])
