"""Stage rules fire at medium on weak evidence (issue 11, item 4): conversion against a year, q below indicative_q."""

import pytest
from scipy import stats as sps

from process.helpers import HISTORY, STAGES, Tables, next_month, rep, ts
from salesnb import process

YEAR = ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03", *HISTORY]  # the tiny orders' months


def _conversion(tmp_path, usual=lambda i: 8, october=(6, 3)):
    """10 deals a month leave 需求确认, ``usual(i)`` of them move on in the i-th month of 2025-10..2026-09 (8: the same
    8 every month); in October ``october`` (exits, advanced): 3 of 6."""
    tb = Tables()
    k = 0
    for i, month in enumerate([*YEAR, "2026-10"]):
        n, good = october if month == "2026-10" else (10, usual(i))
        for j in range(n):
            k += 1
            path = [(STAGES[0], ts(month, 1 + j, 8)), (STAGES[1], ts(month, 1 + j, 9))]
            if j < good:
                path.append((STAGES[2], ts(month, 1 + j, 15)))
                tb.deal(f"C{k:03d}", ts(month, 1 + j, 8), path, status="won", closed=ts(month, 1 + j, 16))
            else:
                tb.deal(f"C{k:03d}", ts(month, 1 + j, 8), path, status="lost", closed=ts(month, 1 + j, 15))
    return tb.write(tmp_path / "conversion_year")


def test_conversion_judged_against_the_stages_year_with_an_exact_small_count_test(tmp_path):
    r = rep(_conversion(tmp_path))
    row = process.stage_conversion_frame(r).set_index("stage").loc["需求确认"]
    # the usual conversion pools the 12 months before (96 of 120), not the last 6 (48 of 60)
    assert (row["usual_exits"], row["usual"]) == (120, pytest.approx(0.8))
    assert row["rho"] == 0.0  # 8 of 10 every month: no swing beyond binomial chance
    assert (row["exits"], row["advanced"], row["rate"]) == (6, 3, 0.5)
    assert row["relative_drop"] == pytest.approx(0.375) and row["lost_excess"] == pytest.approx(1.8)  # ≈ 2 deals
    mid_p = sps.binom.cdf(2, 6, 0.8) + 0.5 * sps.binom.pmf(3, 6, 0.8)  # 0.0579: P(fewer) + ½ P(exactly 3)
    assert row["p_value"] == pytest.approx(mid_p)
    # 初步接触 and 技术交流 pass every deal (mid-p 0.5): BH over the three stages gives 3 × 0.0579, above fdr
    assert row["q_value"] == pytest.approx(3 * mid_p)
    assert row["flagged"] and not row["confirmed"]  # weak evidence: q 0.174 below indicative_q (0.2), not fdr
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "stage_conversion_low"]
    assert found["segment"] == {"stage": "需求确认"} and found["severity"] == "medium"
    assert "仍可能是正常波动" in found["detail"] and "p=0.06" in found["detail"]
    assert "近12月" in found["detail"]


def test_a_fall_within_the_stages_own_swing_is_no_top_problem(tmp_path):
    """A year of 9 and 7 of 10 in turn (usual 80 %), then 8 of 20 in October. Binomial mid-p 0.00006: confirmed
    (q = 3p, below strong_q) and high on the revenue at stake. But the months swing beyond binomial chance: their
    weighted median share is 0.7 (the lower one at an exact half), around it the 0.9 months' squared Pearson
    residual is (9 − 7)² ÷ (10 × 0.7 × 0.3) = 1.905, the 0.7 months' 0, so the median of zᵢ² ÷ (1 + 9ρ) is
    0.952 ÷ (1 + 9ρ) = χ²₁'s median 0.455: ρ = 0.121. Beta-binomial with mean 80 % and that ρ, the mid-p is 0.023,
    not below strong_q (0.01): medium (high on main)."""
    r = rep(_conversion(tmp_path, usual=lambda i: 9 if i % 2 == 0 else 7, october=(20, 8)))
    row = process.stage_conversion_frame(r).set_index("stage").loc["需求确认"]
    assert (row["usual_exits"], row["usual"], row["exits"], row["advanced"]) == (120, pytest.approx(0.8), 20, 8)
    assert row["p_value"] == pytest.approx(sps.binom.cdf(7, 20, 0.8) + 0.5 * sps.binom.pmf(8, 20, 0.8))
    assert row["confirmed"] and row["q_value"] < 0.01
    rho = (4 / 2.1 / (2 * sps.chi2.median(1)) - 1) / 9
    assert row["rho"] == pytest.approx(rho) and row["rho"] == pytest.approx(0.1215, abs=1e-4)
    a, b = 0.8 * (1 / rho - 1), 0.2 * (1 / rho - 1)
    mid_p = sps.betabinom.cdf(7, 20, a, b) + 0.5 * sps.betabinom.pmf(8, 20, a, b)
    assert row["spread_p"] == pytest.approx(mid_p) and row["spread_p"] == pytest.approx(0.0231, abs=1e-4)
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "stage_conversion_low"]
    assert found["segment"] == {"stage": "需求确认"} and found["severity"] == "medium"
    steady = rep(_conversion(tmp_path / "steady", october=(20, 8)))  # 8 of 10 every month: ρ = 0, high
    (found,) = [f for f in process.angle_findings(steady) if f["code"] == "stage_conversion_low"]
    assert found["severity"] == "high"


def test_four_exits_are_not_judged(tmp_path):
    """Under min_exits (5) deals leaving, one deal moves the rate by a quarter: nothing fires, however low."""
    tb = Tables()
    for month in [*YEAR, "2026-10"]:
        n, good = (4, 0) if month == "2026-10" else (10, 8)
        for j in range(n):
            path = [(STAGES[0], ts(month, 1 + j, 8)), (STAGES[1], ts(month, 1 + j, 9))]
            if j < good:
                path.append((STAGES[2], ts(month, 1 + j, 15)))
            status = "won" if j < good else "lost"
            tb.deal(f"F{month}{j}", ts(month, 1 + j, 8), path, status=status, closed=ts(month, 1 + j, 16))
    frame = process.stage_conversion_frame(rep(tb.write(tmp_path / "four"))).set_index("stage")
    assert frame.at["需求确认", "exits"] == 4 and frame.at["需求确认", "rate"] == 0
    assert not frame["flagged"].any()


def _held(tmp_path):
    """12 deals a month enter 技术交流 on the 5th: usually 4 still there at month end, in October 8."""
    tb = Tables()
    for month in [*HISTORY, "2026-10"]:
        held = 8 if month == "2026-10" else 4
        for j in range(12):
            path = [(STAGES[0], ts(month, 1)), (STAGES[1], ts(month, 2)), (STAGES[2], ts(month, 5))]
            if month == "2026-10" and j < held:
                tb.deal(f"H{month}{j}", ts(month, 1), path)
            else:
                closed = ts(next_month(month), 3) if j < held else ts(month, 15)
                tb.deal(f"H{month}{j}", ts(month, 1), path, status="lost", closed=closed)
    return tb.write(tmp_path / "held_weak")


def test_stock_surge_on_weak_evidence_is_a_medium_finding_saying_so(tmp_path):
    folder = _held(tmp_path)
    r = rep(folder)
    row = process.stage_stock_frame(r).set_index("stage").loc["技术交流"]
    assert (row["stock"], row["usual"], row["entered"], row["held"]) == (8, 4, 12, 8)  # +100%, 4 more than usual
    p_stock = sps.binom.sf(7, 8 + 24, 1 / 7)  # 0.076
    p_held = sps.fisher_exact([[8, 4], [24, 48]], alternative="greater").pvalue  # 0.031
    assert row["p_value"] == pytest.approx(2 * min(p_stock, p_held))  # 0.063: the old gate (p < fdr) hid it
    assert 0.05 < row["p_value"] < 0.10 and row["flagged"] and not row["confirmed"]
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "stage_stock_surge"]
    assert found["severity"] == "medium" and "建议下月复核" in found["detail"]
    en = [f for f in process.angle_findings(rep(folder, lang="en")) if f["code"] == "stage_stock_surge"]
    assert "may still be chance" in en[0]["detail"]


def test_a_stage_is_flagged_on_its_q_over_the_stages_not_on_its_own_p():
    """Three stages fired, each p 0.06 alone. With six stages tested their BH q is 0.36 and none is flagged (on its
    own p below 0.10, each was a medium finding: one in six stages of a clean region reads p < 0.1 by chance); with
    the same stage among three tested, q 0.174 < indicative_q (0.2) flags it, unconfirmed; q 0.03 confirms it."""
    from types import SimpleNamespace

    import pandas as pd

    from salesnb.config import load_config
    from salesnb.process.confidence import flag_weak

    config = load_config()
    report = SimpleNamespace(thresholds=lambda name: config["thresholds"][name])
    frame = pd.DataFrame({"p_value": [0.06, 0.06, 0.06, 0.06], "q_value": [0.36, 0.174, 0.03, 0.03]})
    flag_weak(report, frame, [True, True, True, False])
    assert list(frame["flagged"]) == [False, True, True, False]
    assert list(frame["confirmed"]) == [False, False, True, False]


def test_a_stage_is_indicated_on_its_q_over_tarones_family_at_the_indicative_level():
    """Stock surge and stalled deals read Tarone's family (stages whose smallest possible p could pass). 技术交流:
    2 deals where none are usual, p = its smallest (1/7)² = 0.0204, beside two stages that could confirm (smallest
    p 1e-6, p 0.5 now) and one that never could. At fdr the family is K = 3: 0.05/3 = 0.0167 < 0.0204 leaves it
    out (q = 1: never indicated, the hole flag_weak read stock surge through); at indicative_q (0.2) 0.2/3 holds it:
    q = 3 × 0.0204 = 0.0612, indicated, unconfirmed. Conversely, a stage whose p 0.09 stood alone in fdr's family
    (q 0.09) is no longer indicated when five more stages could reach p 0.03: at 0.2 all six count, BH q 0.5."""
    from types import SimpleNamespace

    import pandas as pd

    from salesnb.config import load_config
    from salesnb.process.confidence import flag_indicated
    from salesnb.process.evidence import confirm

    config = load_config()
    report = SimpleNamespace(thresholds=lambda name: config["thresholds"][name])
    p = (1 / 7) ** 2
    frame = pd.DataFrame({"p_value": [0.5, 0.5, p, 0.9]}, index=["初步接触", "需求确认", "技术交流", "合同签订"])
    min_p = [1e-6, 1e-6, p, 1.0]
    fired = [False, False, True, False]
    confirm(report, frame, fired, min_p=min_p)
    assert frame.loc["技术交流", "q_value"] == 1.0 and not frame.loc["技术交流", "flagged"]
    flag_indicated(report, frame, fired, min_p)
    assert frame.loc["技术交流", "indicated_q"] == pytest.approx(3 * p)
    assert list(frame["flagged"]) == [False, False, True, False] and not frame["confirmed"].any()

    alone = pd.DataFrame({"p_value": [0.09, *[0.5] * 5]})
    min_p, fired = [0.001, *[0.03] * 5], [True, *[False] * 5]
    confirm(report, alone, fired, min_p=min_p)
    assert alone.loc[0, "q_value"] == pytest.approx(0.09)  # fdr's family: it alone (K = 2: 0.025 holds only it)
    flag_indicated(report, alone, fired, min_p)
    assert alone.loc[0, "indicated_q"] == pytest.approx(0.5) and not alone["flagged"].any()
