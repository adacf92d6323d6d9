"""The support angle's declared sections say what its panels do: a section lacking its data is a skipped panel."""

from tiny import write_tiny

from salesnb import support
from salesnb.report import open_report


def test_declared_sections_match_the_panels_skips(tmp_path):
    orders = [
        {"order_id": "O1", "customer_id": "C1", "order_date": "2026-09-03", "amount": 100,
         "promised_at": "2026-09-10", "delivered_at": "2026-09-12"},
        {"order_id": "O2", "customer_id": "C1", "order_date": "2026-10-03", "amount": 100,
         "promised_at": "2026-10-10", "delivered_at": "2026-10-09"},
    ]  # fmt: skip
    customers = [{"customer_id": "C1", "region": "华东"}]
    surveys = [{"customer_id": "C1", "responded_at": "2026-10-20", "nps": 9, "csat": 90}]
    folder = write_tiny(tmp_path / "s", tables={"orders": orders, "customers": customers, "surveys": surveys})
    report = open_report(str(folder), "2026-10", "ALL")
    runnable = {section.key for section in support.ANGLE.runnable_sections(report.ds)}
    assert runnable == {"delivery", "satisfaction"} and support.ANGLE.ready(report.ds)
    for section in support.ANGLE.sections:
        panel = getattr(support, f"{section.key}_panel")(report)
        assert panel.is_skipped == (section.key not in runnable), section.key
    assert {rule.code for rule in support.ANGLE.runnable_rules(report.ds)} == {"delivery_delay", "satisfaction_drop"}
    without = write_tiny(tmp_path / "o", tables={"orders": [{k: v for k, v in row.items() if "_at" not in k}
                                                           for row in orders]})  # fmt: skip
    assert not support.ANGLE.ready(open_report(str(without), "2026-10", "ALL").ds)
