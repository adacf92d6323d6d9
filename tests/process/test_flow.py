"""Pipeline flow and slippage."""

import pytest

from process.helpers import (
    SAMPLE,
    rep,
    slippage_scenario,
)
from salesnb import process
from salesnb.report import open_report


def test_pipeline_flow_hand_computed_and_adds_up(basic):
    frame = process.pipeline_flow_frame(rep(basic)).set_index("step")
    assert frame["value"].to_dict() == {
        "start": 350,
        "new": 300,
        "won": -200,
        "lost": -50,
        "slipped": -100,
        "value_change": 0,
        "end": 300,
    }
    assert frame["count"].to_dict() == {
        "start": 2,
        "new": 2,
        "won": 1,
        "lost": 1,
        "slipped": 1,
        "value_change": 0,
        "end": 1,
    }
    assert frame.attrs["slipped_due"] == 1 and frame.attrs["slipped_stale"] == 0
    assert frame.attrs["open_end_total"] == 400


def test_pipeline_flow_adds_up_exactly_on_the_sample():
    base = open_report(str(SAMPLE), "2026-10", "ALL")
    for period in ("2026-06", "2026-10"):
        for region in ("ALL", "华东", "西南"):
            frame = process.pipeline_flow_frame(open_report("", period, region, dataset=base.ds))
            steps = frame[~frame["is_total"]]["cents"].sum()
            assert frame["cents"].iloc[0] + steps == frame["cents"].iloc[-1]  # whole cents: exact
            assert frame["value"].iloc[0] + frame[~frame["is_total"]]["value"].sum() == pytest.approx(
                frame["value"].iloc[-1], abs=1e-6
            )


def test_pipeline_slippage(tmp_path):
    r = rep(slippage_scenario(tmp_path))
    frame = process.pipeline_slippage_frame(r)
    now = frame[frame["is_period"]].iloc[0]
    assert now["due"] == 10 and now["slipped"] == 8 and now["share"] == pytest.approx(0.8)
    assert (frame.loc[~frame["is_period"], "slipped"] == 0).all()
    (finding,) = [f for f in process.angle_findings(r) if f["code"] == "pipeline_slippage"]
    assert finding["value"] == pytest.approx(0.8) and finding["baseline"] == 0
    assert finding["effect"] == pytest.approx(800)
    flow = process.pipeline_flow_frame(r).set_index("step")
    assert flow.at["slipped", "count"] == 8 and flow.attrs["slipped_due"] == 8
