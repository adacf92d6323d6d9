import pandas as pd
from tiny import write_tiny

from salesnb.report import open_report
from salesnb.trend import trend_months, trend_rows


def test_trend_months_end_at_the_report_month_and_start_where_the_data_does(tmp_path):
    report = open_report(str(write_tiny(tmp_path / "tiny")), "2026-01", "ALL")  # the data starts 2025-10
    assert trend_months(report, 3) == ["2025-11", "2025-12", "2026-01"]
    assert trend_months(report, 6) == ["2025-10", "2025-11", "2025-12", "2026-01"]


def test_trend_rows_keep_the_trend_months_as_period(tmp_path):
    report = open_report(str(write_tiny(tmp_path / "tiny")), "2026-01", "ALL")
    frame = pd.DataFrame({"month": ["2025-09", "2025-12", "2026-01", "2026-02"], "n": [1, 2, 3, 4]}, index=[7, 8, 9, 5])
    rows = trend_rows(report, frame, 2)
    assert rows.to_dict("list") == {"period": ["2025-12", "2026-01"], "n": [2, 3]}
    assert list(rows.index) == [0, 1]
