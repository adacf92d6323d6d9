"""丢单与竞争对手."""

import pytest
from scipy import stats as sps
from tiny import write_tiny

from product.helpers import MONTHS, build, deal, report
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


def _competitor_months(tmp_path, name, history, now):
    """The product tiny dataset with 华南's deals replaced: 10 closed a month, ``history[i]`` of them (2026-04..09)
    and ``now`` (2026-10) lost to 甲竞, the rest won."""
    tables = build()
    tables["opportunities"] = [o for o in tables["opportunities"] if o["region"] != "华南"]
    for month, lost in zip(MONTHS, [*history, now], strict=True):
        for k in range(10):
            competitor = "甲竞" if k < lost else ""
            status = "lost" if competitor else "won"
            tables["opportunities"].append(deal(f"OPS{month[5:]}{k}", "华南", month, status, competitor))
    return write_tiny(tmp_path / name, tables=tables)


def test_a_swing_like_the_usual_months_is_no_finding(tmp_path):
    # 甲竞 took 1, 3, 1, 3, 1, 3 of 10 closed deals a month: usual share (12 + ½) ÷ (60 + 1); the months' weighted
    # median share is 0.1 (the lower one at the exact half), z² = (k − 1)² ÷ 0.9 = 0, 4.44, …, whose median
    # 2.22 ÷ (1 + 9ρ) = χ²₁'s median 0.455 gives ρ = 0.4316. 6 of 10 this month: binomial p 0.0072 (a finding
    # before), beta-binomial p 0.149 (none)
    frame = product.lost_check(report(_competitor_months(tmp_path, "swing", [1, 3, 1, 3, 1, 3], 6), "华南"))
    row = frame.set_index("competitor").loc["甲竞"]
    assert row["usual_share"] == pytest.approx(12.5 / 61)
    median_z2 = (0 + 4 / 0.9) / 2
    rho = (median_z2 / sps.chi2.median(1) - 1) / 9
    assert row["spread"] == pytest.approx(rho, abs=1e-6) and row["spread"] == pytest.approx(0.4316, abs=1e-4)
    size = 1 / rho - 1
    expected = sps.betabinom.sf(5, 10, 12.5 / 61 * size, (1 - 12.5 / 61) * size)
    assert row["p_value"] == pytest.approx(expected, rel=1e-5) and row["p_value"] == pytest.approx(0.149, abs=1e-3)
    assert sps.binom.sf(5, 10, 12.5 / 61) < 0.01  # the binomial test alone would have confirmed it
    assert not row["flagged"]


def test_a_clear_jump_over_steady_months_is_still_a_finding(tmp_path):
    # 1, 2, 1, 2, 1, 2 of 10: median share 0.1, z² 0 or 1/0.9, median 0.556 → ρ = (0.556 ÷ 0.455 − 1) ÷ 9 = 0.0246;
    # 8 of 10 this month against the usual (9 + ½) ÷ 61: beta-binomial p 1.2e-4, flagged
    folder = _competitor_months(tmp_path, "jump", [1, 2, 1, 2, 1, 2], 8)
    row = product.lost_check(report(folder, "华南")).set_index("competitor").loc["甲竞"]
    rho = ((1 / 0.9) / 2 / sps.chi2.median(1) - 1) / 9
    assert row["spread"] == pytest.approx(rho, abs=1e-6) and row["spread"] == pytest.approx(0.0246, abs=1e-4)
    size = 1 / rho - 1
    expected = sps.betabinom.sf(7, 10, 9.5 / 61 * size, (1 - 9.5 / 61) * size)
    assert row["p_value"] == pytest.approx(expected, rel=1e-5) and row["p_value"] < 2e-4
    assert row["flagged"] and row["deals"] == 8
    (found,) = [f for f in product.lost.lost_to_competitor(report(folder, "华南"))]
    assert found["segment"] == {"competitor": "甲竞"} and found["value"] == 8
