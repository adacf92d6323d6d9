"""Rep facts (salesnb.data.reps): names, tenure and leaving, on a hand-made reps table."""

import math

import pytest
from tiny import write_tiny

from salesnb.data.reps import left_before_end, rep_info, rep_label, tenure_months
from salesnb.report import open_report

REPS = [
    {"rep_id": "R1", "rep_name": "张三", "region": "华东", "hire_date": "2026-04-01", "leave_date": "2026-10-20"},
    {"rep_id": "R2", "rep_name": "", "region": "华南", "hire_date": "", "leave_date": ""},
    {"rep_id": "李四", "rep_name": "李四", "region": "华南", "hire_date": "", "leave_date": ""},  # keyed by name
]


@pytest.fixture
def ds(tmp_path):
    orders = [{"order_id": "O1", "customer_id": "C1", "order_date": "2026-10-05", "region": "华东", "amount": 1}]
    folder = write_tiny(tmp_path / "reps", tables={"reps": REPS, "orders": orders})
    return open_report(str(folder), "2026-10", "ALL").ds


def test_labels_and_info(ds):
    assert rep_label(ds, "R1") == "张三（R1）" and rep_label(ds, "R1", "en") == "张三 (R1)"
    assert rep_label(ds, "R2") == "R2" and rep_label(ds, "R9") == "R9"  # no name, unknown rep: the id alone
    assert rep_label(ds, "李四") == "李四" and rep_label(ds, "李四", "en") == "李四"  # not 李四（李四）
    assert rep_info(ds).loc["R2", "region"] == "华南"


def test_tenure_and_leaving(ds):
    tenure = tenure_months(ds, ["R1", "R2", "R9"], "2026-10")
    assert tenure["R1"] == pytest.approx(183 / 30.4375)  # 2026-04-01 to 2026-10-01: 183 days
    assert math.isnan(tenure["R2"]) and math.isnan(tenure["R9"])
    leaving = left_before_end(ds, ["R1", "R2"], "2026-10")
    assert leaving.tolist() == [True, False]
    assert not left_before_end(ds, ["R1"], "2026-09")["R1"]
