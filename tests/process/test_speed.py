"""Time in stage and the sales cycle."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from process.helpers import (
    cycle_scenario,
    rep,
)
from salesnb import process
from salesnb.process import speed
from salesnb.report import open_report

SAMPLE = Path(__file__).resolve().parent.parent.parent / "data" / "sample"


def test_sales_cycle_lengthening(tmp_path):
    r = rep(cycle_scenario(tmp_path))
    summary = process.cycle_summary(r)
    assert summary["n"] == 6 and summary["median"] == 60 and summary["usual_median"] == 20
    assert summary["rise"] == pytest.approx(2.0) and summary["flagged"]
    (finding,) = [f for f in process.angle_findings(r) if f["code"] == "sales_cycle_lengthening"]
    assert finding["effect"] == pytest.approx(600 * (1 - 20 / 60))
    assert finding["segment"] == {}
    assert "阶段停留时间" in finding["action"]


def test_a_longer_cycle_without_stage_records_points_at_no_skipped_section(tmp_path):
    folder = cycle_scenario(tmp_path)
    (folder / "stage_events.csv").unlink()  # a CRM export of deals only: the time-in-stage section is skipped
    (finding,) = [f for f in process.angle_findings(rep(folder)) if f["code"] == "sales_cycle_lengthening"]
    assert "阶段停留时间" not in finding["action"] and "stage_events" in finding["action"]


def _table_of_sorted_rows(frame, group, report, order):
    """The definition: sort every row by (group's place in ``order``, this month first), then group as they come."""
    rank = frame[group].map({s: i for i, s in enumerate(order)}) if group else 0
    rows = frame.assign(_rank=rank).sort_values(["_rank", "when"], ascending=[True, False], kind="stable")
    return speed._distribution_table(rows.drop(columns="_rank"), group, report, order)


@pytest.mark.parametrize("seed", range(5))
def test_distribution_table_orders_its_rows_as_sorting_every_row_did(seed):
    rng = np.random.default_rng(seed)
    report = open_report(str(SAMPLE), "2026-10", "ALL")
    n = int(rng.integers(1, 300))
    names = ["初步接触", "需求确认", "商务谈判", "旧阶段", "其他"]  # the last two are not in ``order``
    frame = pd.DataFrame(
        {
            "stage": rng.choice(names, n),
            "days": rng.integers(1, 40, n).astype(float),
            "when": rng.choice(["period", "baseline"], n),
        }
    )
    order = ["商务谈判", "初步接触", "需求确认"]
    for group in ("stage", None):
        expected = _table_of_sorted_rows(frame, group, report, order)
        pd.testing.assert_frame_equal(speed._distribution_table(frame, group, report, order), expected)
