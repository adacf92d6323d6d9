"""Rows of each table in a region: what the report object prints instead of the tables themselves."""

from tiny import write_tiny

from salesnb.data.scope import scope_rows
from salesnb.report import open_report


def test_scope_rows_count_the_region_only(tmp_path):
    report = open_report(str(write_tiny(tmp_path / "tiny")), "2026-10", "华东")
    # orders O1, O3, O5 and O2 (no region: its customer C2's); their 5 lines; C1, C2; R1; 4 targets named 华东
    expected = {"orders": 4, "order_lines": 5, "customers": 2, "products": None, "reps": 1, "targets": 4}
    assert scope_rows(report.ds, "华东") == expected
    assert scope_rows(report.ds, "ALL") == {
        "orders": 7,
        "order_lines": 8,
        "customers": 4,
        "products": 2,
        "reps": 2,
        "targets": 7,
    }


def test_report_prints_its_scope_not_its_tables(tmp_path):
    report = open_report(str(write_tiny(tmp_path / "tiny")), "2026-10", "华东")
    text = (
        "Report(华东 · 2026-10, lang=zh; "
        "rows: orders 4 · order_lines 5 · customers 2 · products shared · reps 1 · targets 4)"
    )
    assert repr(report) == str(report) == text
    printed = []
    report._repr_pretty_(type("Printer", (), {"text": lambda self, value: printed.append(value)})(), False)
    assert printed == [text]
    assert "广州南方医疗" not in repr(report) and "华南" not in repr(report)  # the other region's customer, its name
