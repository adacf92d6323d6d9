"""Report.memo keeps a bounded number of months per region; scope_memo shares one frame per scope."""

from tiny import write_tiny

from salesnb import report as report_module
from salesnb.report import Report, open_report, scope_memo


def memo_periods(report: Report) -> list[tuple[str, str]]:
    return [(scope[0], scope[3]) for scope in report_module._SHARED[report.ds]]


def test_memo_keeps_the_latest_months_of_each_region(tmp_path, monkeypatch):
    data = str(write_tiny(tmp_path / "tiny"))
    base = open_report(data, "2026-10", "华东", thresholds=None)
    base.config["findings"]["status_months"] = 1  # keep 1 + MEMO_SPARE_PERIODS = 3 months of a region
    report_module._SHARED.pop(base.ds, None)
    calls = []
    for period in ["2026-06", "2026-07", "2026-08", "2026-09"]:
        for region in ["华东", "ALL"]:
            scoped = Report(base.ds, period, region, base.config)
            assert scoped.memo("k", lambda p=period: calls.append(p) or [p]) == [period]
    kept = memo_periods(base)
    assert [p for r, p in kept if r == "华东"] == ["2026-07", "2026-08", "2026-09"]
    assert [p for r, p in kept if r == "ALL"] == ["2026-07", "2026-08", "2026-09"]
    # a month still kept is not computed again; a dropped one is, and the value is the same
    assert Report(base.ds, "2026-08", "华东", base.config).memo("k", lambda: calls.append("again") or ["x"]) == [
        "2026-08"
    ]
    assert Report(base.ds, "2026-06", "华东", base.config).memo("k", lambda: ["2026-06"]) == ["2026-06"]
    assert "again" not in calls
    assert [p for r, p in memo_periods(base) if r == "华东"] == ["2026-09", "2026-08", "2026-06"]  # least recent first
    monkeypatch.setattr(report_module, "MEMO_SCOPES", 2)
    Report(base.ds, "2026-05", "ALL", base.config).memo("k", lambda: [])
    assert len(memo_periods(base)) == 2


def test_scope_memo_computes_a_frame_once_per_scope_and_hands_out_copies(tmp_path):
    data = str(write_tiny(tmp_path / "tiny"))
    calls = []

    @scope_memo
    def frame_of(report, region=None, *, top=3):
        calls.append((report.period, region, top))
        return {"rows": [report.region if region is None else region] * top}

    report = open_report(data, "2026-10", "华东")
    first = frame_of(report)
    first["rows"].append("changed by a caller")
    assert frame_of(report, "华东") == {"rows": ["华东"] * 3}  # region None means the report's region: shared
    assert frame_of(report, region="华北") == {"rows": ["华北"] * 3}
    assert frame_of(report, top=2) == {"rows": ["华东"] * 2}
    assert frame_of(open_report(data, "2026-09", "华东")) == {"rows": ["华东"] * 3}
    assert calls == [("2026-10", None, 3), ("2026-10", "华北", 3), ("2026-10", None, 2), ("2026-09", None, 3)]


def test_scope_memo_passes_other_callers_through():
    @scope_memo
    def double(value):
        return value * 2

    assert double(4) == 8
