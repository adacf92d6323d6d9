"""A deal without a lead source or a company size is "unknown" on an English funnel, not 未知 (Maven's pipeline)."""

from tiny import TABLES, write_tiny

from salesnb import process
from salesnb.report import open_report

DEALS = [  # sales_pipeline.csv has no source and its accounts no size: every deal's segment is unknown
    {"opportunity_id": "Z063OYW0", "created_at": "2026-10-02", "status": "Won", "closed_at": "2026-10-11",
     "amount": 4514, "rep_id": "R1", "customer_id": "C1"},
    {"opportunity_id": "EC4QE1BX", "created_at": "2026-10-05", "status": "Lost", "closed_at": "2026-10-20",
     "amount": 0, "rep_id": "R1", "customer_id": "C2"},
]  # fmt: skip


def _folder(tmp_path, deals):
    customers = [{k: v for k, v in c.items() if k != "employee_count"} for c in TABLES["customers"]]
    return write_tiny(tmp_path / "d", tables={**TABLES, "customers": customers, "opportunities": deals})


def test_funnel_by_source_says_unknown_in_the_readers_language(tmp_path):
    sourced = [{**DEALS[0], "source": "Web"}, DEALS[1]]  # one deal with a source: the other's is unknown
    folder = _folder(tmp_path, sourced)
    en = process.funnel_panel(open_report(str(folder), "2026-10", "ALL", lang="en"), by="source").table
    assert sorted(en.iloc[:, 0].tolist()) == ["Web", "unknown"]
    zh = process.funnel_panel(open_report(str(folder), "2026-10", "ALL"), by="source").table
    assert sorted(zh.iloc[:, 0].tolist()) == ["Web", "未知"]


def test_a_split_no_deal_carries_is_skipped_in_the_readers_language(tmp_path):
    folder = _folder(tmp_path, DEALS)
    for by in ("source", "size_band"):
        en = process.funnel_panel(open_report(str(folder), "2026-10", "ALL", lang="en"), by=by)
        assert en.is_skipped and en.note.startswith("The data lacks")
        zh = process.funnel_panel(open_report(str(folder), "2026-10", "ALL"), by=by)
        assert zh.is_skipped and zh.note.startswith("数据中没有")
