"""A short export's first months: a customer first seen there is not new until the warm-up has passed.

The tiny export (:func:`market.helpers.fast_and_slow`) holds 30 monthly and 20 four-monthly regulars of before
the export and exactly 2 new customers a month: the truth is 2 a month, no gain and no drop.
"""

from market.helpers import fast_and_slow
from salesnb import market, overview
from salesnb.data.customers import acquisition_start
from salesnb.market.acquisition import new_customer_metrics
from salesnb.report import open_report


def test_the_warm_up_counts_each_returning_customer_once_and_undoes_the_window_s_truncation(tmp_path):
    """Twelve months from 2025-11. Repeat gaps: the 30 fast regulars' 330 of 30-31 days, the slow ones' 40 of
    120-123 days. Over orders the three-quarter gap is 31 days (330 of 370 gaps), a warm-up to 2025-12-02, so
    January and February each count 5 slow regulars as new (7 against the true 2). Counted per customer (30 fast,
    20 slow) and weighted for the window's truncation (a gap of g days fits in 362 − g of the 362 from 2025-11-01
    to 2026-10-28: fast × 362/332, slow × 362/242), the fast gaps hold 32.7 of 62.8 and the slow ones of 120 days
    11.2 more (7.5 customers' worth): the three-quarter gap (47.1) is a slow one of 121 days (2025-12-10..04-10),
    the warm-up runs to 2026-03-02 and April is the first month counted, which sees the truth.
    """
    r = open_report(str(fast_and_slow(tmp_path / "export", "2025-11", 12)), "2026-10")
    assert acquisition_start(r.ds) == "2026-04"
    months = market.new_customers_frame(r).set_index("period")
    assert list(months.loc["2026-04":, "new_customers"]) == [2] * 7
    assert list(months.loc["2026-01":"2026-02", "new_customers"]) == [7, 7]  # shown, first seen: not usual
    test = market.new_customer_test(r)
    assert test["count"] == 2 and test["usual"] == 2 and test["settled"]


def test_an_export_shorter_than_two_warm_ups_is_too_early_to_tell(tmp_path):
    """Six months from 2026-05 (181 days to the last order): the three-quarter gap, per customer and weighted for
    truncation, is 122 days (30 fast customers × 181/150 = 36.2, then 5 slow ones of 123 days and 5 of 122, each ×
    about 3.1): 2 × 122 is more than the 181 days seen, so gaps longer than it could not have shown and no month
    of the export is counted. Today the warm-up ends in June, June to August read 7 new customers (5 of them slow
    regulars) and October's true 2 fired new_customer_drop (medium, −65% against a usual 5.75).
    """
    r = open_report(str(fast_and_slow(tmp_path / "export", "2026-05", 6)), "2026-10", lang="zh")
    assert acquisition_start(r.ds) == "2027-05"  # a 12-month warm-up, after the export: none of its months counted
    test = market.new_customer_test(r)
    assert test["count"] == 2 and test["usual"] is None and test["baseline"] is None and not test["settled"]
    assert not [f for f in market.angle_findings(r) if f["code"] == "new_customer_drop"]
    assert overview.headline_metrics(r)["new_customers"] is None  # first seen in the export is not new
    assert "新客户数和老客户数占比暂不统计" in overview.headline_panel(r).note
    assert new_customer_metrics(r) == {"new_customers": None, "new_customers_usual": None}
    note = market.new_customers_panel(r).note
    assert "为时尚早" in note and "数据始于2026-05" in note
    en = open_report(str(tmp_path / "export"), "2026-10", lang="en")
    assert "too early" in market.new_customers_panel(en).note
