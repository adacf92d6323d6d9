"""Numbers shared by several panels, rules and metrics are computed once per dataset or report scope.

The memoised result must equal the plain computation, and no caller can change what the next one gets.
"""

import pandas as pd
from tiny import write_tiny

from salesnb import drivers, overview, planning
from salesnb.data import targets
from salesnb.report import open_report
from salesnb.support import collection_metrics


def test_total_target_is_computed_once_per_dataset_months_and_region(tmp_path, monkeypatch):
    report = open_report(str(write_tiny(tmp_path / "t")), "2026-10", "华东")
    calls = []
    plain = targets._total_target
    monkeypatch.setattr(targets, "_total_target", lambda *a: calls.append(a[1:]) or plain(*a))
    ds = report.ds
    # region rows: 华东 500 in 2026-10, 300 in 2026-09; the company row 1000 for ALL
    assert targets.total_target(ds, ["2026-10"], "华东") == 500
    assert targets.total_target(ds, ["2026-09", "2026-10"], "华东") == 800
    assert targets.total_target(ds, ["2026-10"], "ALL") == 1000
    assert targets.total_target(ds, ["2026-10"], "华东") == 500  # from the cache
    assert targets.total_target(ds, ["2026-08"], "华东") is None
    computed = [(["2026-10"], "华东"), (["2026-09", "2026-10"], "华东"), (["2026-10"], "ALL"), (["2026-08"], "华东")]
    assert calls == computed


def test_scope_memoised_frames_are_copies(tmp_path):
    report = open_report(str(write_tiny(tmp_path / "t")), "2026-10", "ALL")
    table = drivers.driver_table(report)
    expected = table.copy()
    table["revenue"] = -1.0  # a caller changing its frame ...
    pd.testing.assert_frame_equal(drivers.driver_table(report), expected)  # ... does not reach the next one
    headline = overview.headline_metrics(report)
    assert headline["target"] == 1000
    headline["target"] = 0
    assert overview.headline_metrics(report)["target"] == 1000
    assert planning.plan_total(report) == planning.plan_total(report)


def test_collection_metrics_memo_gives_each_caller_its_own_dict():
    report = open_report("", "2026-10", "华东")
    first = collection_metrics(report, "2026-09")
    assert collection_metrics(report, "2026-09", "华东") == first  # region None means the report's region
    first["receivables"] = -1.0
    assert collection_metrics(report, "2026-09")["receivables"] > 0
