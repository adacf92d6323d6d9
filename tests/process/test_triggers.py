"""Triggers: the business rule fires, the evidence (Benjamini–Hochberg over the report's tests) sizes it; the ICP."""

import pytest
from scipy import stats as sps

from process.helpers import HISTORY, STAGES, Tables, next_month, rep, ts
from salesnb import process


def _exhibition_stock(tmp_path):
    """13 deals sit in 技术交流 at every usual month end (closed lost early next month); 26 at the end of October."""
    tb = Tables()
    for month in [*HISTORY, "2026-10"]:
        for j in range(26 if month == "2026-10" else 13):
            path = [(STAGES[0], ts(month, 1)), (STAGES[1], ts(month, 2)), (STAGES[2], ts(month, 5))]
            if month == "2026-10":
                tb.deal(f"D{month}{j:02d}", ts(month, 1), path, amount=100)
            else:
                tb.deal(f"D{month}{j:02d}", ts(month, 1), path, status="lost", closed=ts(next_month(month), 3))
    return tb.write(tmp_path / "exhibition")


def test_stage_stock_surge_fires_on_the_rule_with_controlled_evidence(tmp_path):
    r = rep(_exhibition_stock(tmp_path))
    frame = process.stage_stock_frame(r).set_index("stage")
    assert frame.at["技术交流", "stock"] == 26 and frame.at["技术交流", "usual"] == 13
    p = sps.binom.sf(25, 26 + 78, 1 / 7)  # 26 this month, 78 in 6 usual month ends
    assert 0.001 < p < 0.005  # the old gate (0.001) hid it
    # every entry is held to month end as usual (held ÷ entered 26/26 against 78/78: Fisher p = 1), so the
    # stock's Poisson p decides, doubled for the two views (Bonferroni)
    assert frame.at["技术交流", "held"] == 26 and frame.at["技术交流", "held_usual"] == 1.0
    assert frame.at["技术交流", "p_value"] == pytest.approx(2 * p)
    # the deals passed 初步接触 and 需求确认 this month (26 entries each, none held: their held view could have
    # confirmed a pile-up); the last three stages never saw a deal and leave the family (Tarone): q = 2p × 3
    assert frame.at["技术交流", "q_value"] == pytest.approx(6 * p) and frame.at["技术交流", "flagged"]
    assert frame["flagged"].sum() == 1
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "stage_stock_surge"]
    assert found["segment"] == {"stage": "技术交流"} and found["value"] == 26 and found["baseline"] == 13
    assert found["severity"] == "medium"  # 1,300 at stake is large, but q = 0.016 is above strong_q (0.01)


def _fair_leads(tmp_path, *, history: bool):
    """展会 leads: 16 a month, 3 from firms under 50 staff (19%); October 30, 20 of them small (67%).

    With ``history``, leads of 2025-07..12 show that small firms never buy while mid-size ones do (fit known)."""
    tb = Tables()
    k = 0
    if history:
        for month in ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]:
            for j in range(10):
                k += 1
                tb.lead(f"F{k:03d}", ts(month, 1 + j), "展会", size=20)
                won = j < 4
                tb.lead(f"G{k:03d}", ts(month, 1 + j), "展会", size=300, status="converted" if won else "disqualified",
                        opp=f"GO{k:03d}" if won else None)  # fmt: skip
                if won:
                    tb.deal(f"GO{k:03d}", ts(month, 2 + j), [], status="won", closed=ts(month, 20), amount=100)
    for month in HISTORY:
        for j in range(16):
            k += 1
            tb.lead(f"H{k:03d}", ts(month, 1 + j), "展会", size=20 if j < 3 else 300)
    for j in range(30):
        tb.lead(f"N{j:03d}", ts("2026-10", 8), "展会", size=20 if j < 20 else 300)
    return tb.write(tmp_path / ("fair_history" if history else "fair"))


def test_off_profile_surge_is_flagged_without_conversion_history(tmp_path):
    r = rep(_fair_leads(tmp_path, history=False))
    assert process.icp.off_profile_bands(r) == ["<50"]  # process.icp.min_company_size = 50
    frame = process.lead_fit_frame(r).set_index(["source", "size_band"])
    row = frame.loc[("展会", "<50")]
    assert row["share"] == pytest.approx(20 / 30) and row["usual_share"] == pytest.approx(3 / 16)
    assert row["excess"] == pytest.approx(20 - 30 * 3 / 16)
    assert row["off_profile"] and not row["poor_fit"] and row["flagged"]  # no fit known: the profile is enough
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "lead_fit_low"]
    assert found["segment"] == {"source": "展会", "company_size": "<50"}
    assert "目标客户画像（50 人以上）" in found["detail"] and "偏离目标客户" in found["title"]
    assert found["severity"] == "low"  # no deal value known for 展会 leads: nothing sized, and no history to raise it


def test_history_strengthens_the_off_profile_finding(tmp_path):
    r = rep(_fair_leads(tmp_path, history=True))
    row = process.lead_fit_frame(r).set_index(["source", "size_band"]).loc[("展会", "<50")]
    assert row["fit_ratio"] == 0 and row["poor_fit"] and row["flagged"]  # small firms never bought
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "lead_fit_low"]
    assert "匹配度低" in found["title"] and "0.0%" in found["detail"]
    # 展会 leads are now worth something (4 wins of 100 per 20 leads a month in 2025): 20 − 5.625 excess leads
    # put 111 at stake against 300 of revenue, and history confirms the fit: high (without it: capped)
    assert found["effect"] == pytest.approx(110.58, abs=0.01) and found["severity"] == "high"


def test_icp_bounds_follow_the_configured_bands(tmp_path):
    folder = _fair_leads(tmp_path, history=False)
    path = tmp_path / "icp.yaml"
    path.write_text('{"process": {"icp": {"min_company_size": 10, "max_company_size": 1000}}}', encoding="utf-8")
    r = rep(folder, config_path=str(path))
    assert process.icp.off_profile_bands(r) == ["1000+"]  # <50 straddles 10: not wholly outside
    assert not any(f["code"] == "lead_fit_low" for f in process.angle_findings(r))


def test_off_profile_industries_with_a_configured_icp(tmp_path):
    """展会 leads: 16 a month, 2 from 餐饮 (12.5%), the rest 制造业; October 30, 20 from 餐饮 (67%)."""
    tb = Tables()
    for month in HISTORY:
        for j in range(16):
            tb.lead(f"H{month}{j:02d}", ts(month, 1 + j), "展会")
            tb.leads[-1]["industry"] = "餐饮" if j < 2 else "制造业"
    for j in range(30):
        tb.lead(f"N{j:03d}", ts("2026-10", 8), "展会")
        tb.leads[-1]["industry"] = "餐饮" if j < 20 else "制造业"
    folder = tb.write(tmp_path / "industries")
    assert not any(f["code"] == "lead_fit_low" for f in process.angle_findings(rep(folder)))  # no ICP industries
    path = tmp_path / "icp.yaml"
    path.write_text('{"process": {"icp": {"industries": ["制造业", "能源"]}}}', encoding="utf-8")
    r = rep(folder, config_path=str(path))
    frame = process.icp.industry_fit_frame(r).set_index(["source", "industry"])
    assert list(frame.index) == [("展会", "餐饮")]  # only industries off the profile are tested
    row = frame.loc[("展会", "餐饮")]
    assert row["share"] == pytest.approx(20 / 30) and row["usual_share"] == pytest.approx(2 / 16)
    assert row["excess"] == pytest.approx(20 - 30 * 2 / 16) and row["flagged"]
    (found,) = [f for f in process.angle_findings(r) if f["code"] == "lead_fit_low"]
    assert found["segment"] == {"source": "展会", "industry": "餐饮"} and found["metric"] == "industry_share"
    assert "不在目标行业（制造业、能源）之内" in found["detail"] and found["severity"] != "high"
