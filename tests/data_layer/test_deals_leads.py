"""The deal and lead facts every angle reads: data/deals.py and data/leads.py, and the one size band."""

import numpy as np
import pandas as pd
import pytest
from tiny import TABLES, write_tiny

from salesnb.data.deals import DEAL_STATUS, deal_facts, deal_outcome, open_at, snapshot, stage_stays
from salesnb.data.facts import size_band, size_band_labels
from salesnb.data.leads import lead_facts
from salesnb.report import open_report


def test_size_bands():
    assert size_band_labels([0, 50, 200, 1000]) == ["<50", "50-199", "200-999", "1000+"]
    assert size_band_labels([10, 100]) == ["<10", "10-99", "100+"]
    bands = size_band(pd.Series([3, 49, 50, 199, 200, 1000, 60000, None]), [0, 50, 200, 1000])
    assert list(bands) == ["<50", "<50", "50-199", "50-199", "200-999", "1000+", "1000+", "未知"]


def test_lead_facts_decision_times(tmp_path):
    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    tables["leads"] = [
        {
            "lead_id": "L1",
            "created_at": "2026-10-01 09:00",
            "source": "展会",
            "region": "华东",
            "company_size": 20,
            "first_response_at": "2026-10-01 10:00",
            "status": "converted",
            "opportunity_id": "OP1",
        },
        {
            "lead_id": "L2",
            "created_at": "2026-10-02 09:00",
            "source": "展会",
            "region": "",
            "rep_id": "R2",
            "first_response_at": "2026-10-02 12:00",
            "status": "disqualified",
        },
        {
            "lead_id": "L3",
            "created_at": "2026-10-03 09:00",
            "source": "转介绍",
            "region": "华东",
            "status": "qualified",
        },
    ]
    tables["opportunities"] = [
        {"opportunity_id": "OP1", "created_at": "2026-10-05 09:00", "status": "open", "region": "华东"}
    ]
    folder = write_tiny(tmp_path / "t", tables=tables)
    report = open_report(str(folder), "2026-10", "ALL")
    leads = lead_facts(report.ds, (0, 50, 200, 1000)).set_index("lead_id")
    assert leads.at["L1", "decided_at"] == pd.Timestamp("2026-10-05 09:00") and leads.at["L1", "converted"] == 1
    assert leads.at["L2", "decided_at"] == pd.Timestamp("2026-10-02 12:00") and leads.at["L2", "converted"] == 0
    assert pd.isna(leads.at["L3", "decided_at"]) and np.isnan(leads.at["L3", "converted"])
    assert leads.at["L2", "region"] == "华南"  # from its rep
    assert leads.at["L1", "response_hours"] == pytest.approx(1.0) and leads.at["L1", "size_band"] == "<50"


def test_deal_outcome_is_the_one_status_rule():
    raw = pd.Series(["赢单", " Won ", "LOST", "丢单", "进行中", "谈判中", None])
    assert list(deal_outcome(raw)) == ["won", "won", "lost", "lost", "open", "open", "open"]
    assert set(DEAL_STATUS.values()) == {"won", "lost", "open"}


def test_open_at_counts_created_before_and_not_yet_closed():
    deals = pd.DataFrame(
        {
            "created_at": pd.to_datetime(["2026-09-01", "2026-09-01", "2026-10-05", "2026-11-02"]),
            "closed_at": pd.to_datetime(["2026-09-20", None, "2026-11-10", None]),
        }
    )
    assert list(open_at(deals, pd.Timestamp("2026-11-01"))) == [False, True, True, False]


def test_deal_facts_stays_and_snapshot(tmp_path):
    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    tables["opportunities"] = [
        {"opportunity_id": "OP1", "created_at": "2026-10-01 09:00", "status": "赢单", "region": "华东", "amount": 100},
        {"opportunity_id": "OP2", "created_at": "2026-10-02 09:00", "status": "进行中", "region": "华东"},
    ]
    tables["stage_events"] = [
        {"opportunity_id": "OP1", "stage": "A", "entered_at": "2026-10-01 09:00"},
        {"opportunity_id": "OP1", "stage": "B", "entered_at": "2026-10-03 09:00"},
        {"opportunity_id": "OP2", "stage": "A", "entered_at": "2026-10-02 09:00"},
    ]
    folder = write_tiny(tmp_path / "t", tables=tables)
    ds = open_report(str(folder), "2026-10", "ALL").ds
    deals = deal_facts(ds).set_index("opportunity_id")
    assert deals.at["OP1", "outcome"] == "won" and deals.at["OP1", "closed_at"] == pd.Timestamp("2026-10-03 09:00")
    assert deals.at["OP2", "outcome"] == "open" and pd.isna(deals.at["OP2", "closed_at"])
    assert deals.at["OP2", "amount"] == 0.0  # a missing amount counts as 0
    stays = stage_stays(ds, ["A", "B"]).set_index(["opportunity_id", "stage"])
    assert stays.at[("OP1", "A"), "advanced"] == 1.0 and stays.at[("OP1", "B"), "advanced"] == 1.0  # won
    assert np.isnan(stays.at[("OP2", "A"), "advanced"])  # still in the stage
    snap = snapshot(ds, pd.Timestamp("2026-10-03 00:00"), ["A", "B"]).set_index("opportunity_id")
    assert list(snap.index) == ["OP1", "OP2"] and (snap["stage"] == "A").all()
    assert snap.at["OP1", "days_in_stage"] == pytest.approx(39 / 24)
