import math

import pytest
from tiny import TABLES, write_tiny

from market.helpers import codes_of, steady_report
from salesnb import market
from salesnb.report import open_report


def test_acquired_at_decides_who_is_new(tmp_path):
    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    for row in tables["customers"]:
        row["acquired_at"] = "2020-01-01" if row["customer_id"] == "C4" else ""
    r = open_report(str(write_tiny(tmp_path / "t", tables=tables)), "2026-10", "ALL")
    assert market.new_customer_test(r)["count"] == 0  # C4 was a customer long before its first order here
    assert market.retention_test(r)["returning_buyers"] == 4


def test_new_customer_drop_and_no_double_count_as_acquisition_cost(tmp_path):
    r = steady_report(tmp_path, "acquisition")
    test = market.new_customer_test(r)
    assert test["count"] == 0 and test["usual"] == 20 and test["last_year"] == 20 and test["flagged"]
    assert test["effect"] == pytest.approx(20 * 500)  # missing customers × their usual first-month revenue
    codes = codes_of(market.angle_findings(r))
    assert ("new_customer_drop", "{}") in codes
    assert not any(code == "acquisition_cost_high" for code, _ in codes)  # all sources fell: one finding


def test_acquisition_cost_high(tmp_path):
    r = steady_report(tmp_path, "cac")
    frame = market.acquisition_cost_frame(r).set_index("source")
    assert frame.loc["展会", "usual_cac"] == pytest.approx(200) and frame.loc["展会", "new_customers"] == 0
    assert frame.loc["展会", "cac_ratio"] == math.inf and frame.loc["展会", "expected_new"] == pytest.approx(10)
    assert frame.loc["转介绍", "cac"] == pytest.approx(100) and not frame.loc["转介绍", "flagged"]
    # new customers halved (10 of 20, −50%): all acquisition fell, one finding, not two (new_customer_drop)
    assert [f["code"] for f in market.angle_findings(r) if "source" in f["segment"] or not f["segment"]] == [
        "new_customer_drop"
    ]
    # with a stricter new-customer rule (a fall of 60%), the source's cost is the finding
    strict = open_report(
        str(tmp_path / "steady_cac"), "2026-10", "华东", thresholds={"market": {"new_customer_drop": 0.6}}
    )
    found = [f for f in market.angle_findings(strict) if f["code"] == "acquisition_cost_high"]
    assert [f["segment"] for f in found] == [{"source": "展会"}] and found[0]["effect"] == pytest.approx(5000)
    assert found[0]["severity"] in {"medium", "high"}
