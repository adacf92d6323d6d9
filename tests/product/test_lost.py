"""丢单与竞争对手."""

from product.helpers import report
from salesnb import product


def test_lost_deals_hand_computed(folder):
    frame = product.lost_frame(report(folder, "华南")).set_index("competitor")
    assert frame.loc["甲竞", "deals"] == 2 and frame.loc["甲竞", "amount"] == 200
    assert frame.loc["甲竞", "baseline_deals"] == 2 and frame.loc["", "deals"] == 2
    reasons = product.lost_reasons_frame(report(folder)).set_index("reason")
    assert reasons.loc["竞品替代", "deals"] == 10 and reasons.loc["预算不足", "deals"] == 2


def test_without_opportunities_the_section_skips(bare):
    r = report(bare)
    assert product.lost_panel(r).is_skipped and "opportunities" in product.lost_panel(r).note
    assert product.lost.metrics(r) == {}
    assert product.ANGLE.runnable_rules(r.ds) == []
