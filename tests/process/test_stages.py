"""Stage stock, stage conversion and the daily watch."""

import numpy as np
import pytest

from process.helpers import (
    config,
    conversion_scenario,
    rep,
    stock_scenario,
)
from salesnb import process


def test_stage_exits_and_conversion(basic):
    frame = process.stage_conversion_frame(rep(basic)).set_index("stage")
    assert frame.at["初步接触", "exits"] == 2 and frame.at["初步接触", "advanced"] == 2
    assert frame.at["需求确认", "exits"] == 3 and frame.at["需求确认", "rate"] == pytest.approx(2 / 3)  # OP3 lost
    assert frame.at["合同签订", "exits"] == 1 and frame.at["合同签订", "rate"] == 1  # won as it entered
    assert not frame["flagged"].any()
    stays = process.time_in_stage_frame(rep(basic))
    assert stays.loc[(stays["opportunity_id"] == "OP1") & (stays["stage"] == "初步接触"), "days"].iloc[0] == 4


def test_stage_stock_snapshot(basic):
    frame = process.stage_stock_frame(rep(basic)).set_index("stage")
    assert frame.at["技术交流", "stock"] == 2 and frame.at["技术交流", "value"] == 400
    assert frame.at["技术交流", "previous_month"] == 1  # OP4 at the end of September
    # the deals start in 2026-08, so the usual level is the end of August (OP4 in 需求确认) and of September
    assert frame.at["技术交流", "usual"] == pytest.approx(1 / 2) and frame.at["需求确认", "usual"] == pytest.approx(1)
    assert not frame["flagged"].any()  # 1.5 deals beyond usual: under process.min_count_floor


def test_stage_stock_surge_and_stalled_deals(tmp_path):
    folder = stock_scenario(tmp_path)
    r = rep(folder, config_path=config(tmp_path, min_stays=5))
    stock = process.stage_stock_frame(r).set_index("stage")
    assert stock.at["技术交流", "stock"] == 12 and stock.at["技术交流", "usual"] == 1
    assert stock.at["技术交流", "change"] == pytest.approx(11.0) and stock.at["技术交流", "flagged"]
    stalled = process.stalled_deals_frame(r)
    assert len(stalled) == 12 and (stalled["stage"] == "技术交流").all()
    assert stalled["days_in_stage"].iloc[0] == pytest.approx(26 + 14 / 24)  # 10-05 10:00 → 11-01 00:00
    summary = process.stalled_summary_frame(r).set_index("stage")
    assert summary.at["技术交流", "usual"] == 0 and summary.at["技术交流", "flagged"]
    found = {f["code"]: f for f in process.angle_findings(r)}
    assert found["stage_stock_surge"]["segment"] == {"stage": "技术交流"}
    assert found["stage_stock_surge"]["value"] == 12 and found["stage_stock_surge"]["baseline"] == 1
    assert "展会" in found["stage_stock_surge"]["detail"] and "<50" in found["stage_stock_surge"]["detail"]
    assert found["stalled_deals"]["segment"] == {"stage": "技术交流"} and found["stalled_deals"]["value"] == 12
    assert found["stalled_deals"]["effect"] == pytest.approx(12 * 50)
    assert {f["severity"] for f in found.values()} == {"high"}  # 600 at stake against 300 of revenue
    # a stage needs process.min_stays completed stays (30 here) before anything is judged stalled in it
    assert process.stalled_deals_frame(rep(folder, config_path=config(tmp_path, min_stays=31))).empty


def test_stage_conversion_low_and_daily_watch(tmp_path):
    r = rep(conversion_scenario(tmp_path))
    frame = process.stage_conversion_frame(r).set_index("stage")
    assert frame.at["需求确认", "exits"] == 20 and frame.at["需求确认", "rate"] == pytest.approx(0.4)
    assert frame.at["需求确认", "usual"] == pytest.approx(0.9)
    assert frame.at["需求确认", "lost_excess"] == pytest.approx(10.0) and frame.at["需求确认", "flagged"]
    found = [f for f in process.angle_findings(r) if f["code"] == "stage_conversion_low"]
    assert [f["segment"] for f in found] == [{"stage": "需求确认"}]
    assert found[0]["effect"] == pytest.approx(10 * 100)
    watch = process.daily_watch_frame(r)
    stage = watch[watch["stage"] == "需求确认"].reset_index(drop=True)
    assert stage.at[0, "warning_line"] == pytest.approx(0.72)  # 0.9 × 80%
    assert np.isnan(stage.at[3, "conversion"]) and stage.at[4, "exits"] == 5  # under 5 deals: not computed
    assert stage.at[6, "conversion"] == pytest.approx(4 / 7)  # days 1-7: j = 0..6, good when j % 5 < 2
    assert (stage["alert"] == (stage["streak"] >= 3)).all()
    first_alert = stage.index[stage["alert"]][0]
    assert stage.at[first_alert, "streak"] == 3 and stage.loc[first_alert - 2 : first_alert, "below"].all()
    assert "需求确认" in process.daily_watch_panel(r).note
    path = tmp_path / "lines.yaml"
    path.write_text("thresholds:\n  process:\n    warning_lines: [{stage: 需求确认, line: 0.3}]\n", encoding="utf-8")
    lines = process.daily_watch_frame(rep(conversion_scenario(tmp_path), config_path=str(path)))
    lines = lines[lines["stage"] == "需求确认"]
    assert (lines["warning_line"] == 0.3).all() and not lines["alert"].any()
