"""Rep ranking: revenue, target, deals won and lost per rep."""

import math

import pytest

from salesnb import team
from salesnb.report import open_report
from team.helpers import BASE_REPS, base_sales, base_targets, build, open_tiny


def test_rep_frame_hand_computed(tmp_path):
    opps = [
        {"opportunity_id": f"OP{k}", "created_at": "2026-09-01 10:00", "status": status, "rep_id": "R1",
         "region": "华东", "closed_at": "2026-10-05 10:00", "amount": 100}
        for k, status in enumerate(["won", "won", "lost"])
    ]  # fmt: skip
    report = open_tiny(tmp_path, build(BASE_REPS, base_sales(), base_targets(), opportunities=opps))
    frame = team.rep_frame(report).set_index("rep_id")
    assert list(frame.index) == ["R1", "R2"]  # 华东 reps only, by revenue
    assert frame.loc["R1", "revenue"] == 600 and frame.loc["R1", "orders"] == 6 and frame.loc["R1", "rank"] == 1
    assert frame.loc["R1", "attainment"] == pytest.approx(1.0) and frame.loc["R1", "aov"] == 100
    assert frame.loc["R1", "won"] == 2 and frame.loc["R1", "win_rate"] == pytest.approx(2 / 3)
    assert frame.loc["R2", "won"] == 0 and math.isnan(frame.loc["R2", "win_rate"])
    assert frame.loc["R1", "label"] == "代表R1（R1）"
    everyone = team.rep_frame(open_report(report.ds.source, "2026-10", "ALL", dataset=report.ds))
    assert set(everyone["rep_id"]) == {"R1", "R2", "R4"} and everyone["revenue"].sum() == 1100


def test_the_ranking_shows_only_the_columns_the_export_feeds(tmp_path):
    # a flat sales sheet (orders with a rep, nothing else): no targets, deals or activities. Six columns of "—"
    # beside every rep (目标, 达成率, 赢单数, 赢单率, 活动数, 每次活动销售额) said nothing the note does not say.
    tables = build(BASE_REPS, base_sales(), {})
    panel = team.rep_panel(open_tiny(tmp_path / "flat", tables))
    assert list(panel.table.columns) == ["排名", "销售代表", "销售额", "订单数"]
    assert panel.table["销售额"].tolist() == ["600", "200"] and panel.table["订单数"].tolist() == ["6", "2"]
    assert "目标" in panel.note  # why there is no attainment is still said
    # targets and deals present: their columns come back, a rep without a closed deal shows 0 won
    opps = [
        {"opportunity_id": "OP1", "created_at": "2026-09-01 10:00", "status": "won", "rep_id": "R1",
         "region": "华东", "closed_at": "2026-10-05 10:00", "amount": 100}
    ]  # fmt: skip
    tables = build(BASE_REPS, base_sales(), base_targets(), opportunities=opps)
    shown = team.rep_panel(open_tiny(tmp_path / "crm", tables)).table
    assert list(shown.columns) == ["排名", "销售代表", "销售额", "目标", "达成率", "订单数", "赢单商机数", "商机赢单率"]
    assert shown["赢单商机数"].tolist() == ["1", "0"] and shown["达成率"].tolist() == ["100.0%", "100.0%"]
