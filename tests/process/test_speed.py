"""Time in stage and the sales cycle."""

import pytest

from process.helpers import (
    cycle_scenario,
    rep,
)
from salesnb import process


def test_sales_cycle_lengthening(tmp_path):
    r = rep(cycle_scenario(tmp_path))
    summary = process.cycle_summary(r)
    assert summary["n"] == 6 and summary["median"] == 60 and summary["usual_median"] == 20
    assert summary["rise"] == pytest.approx(2.0) and summary["flagged"]
    (finding,) = [f for f in process.angle_findings(r) if f["code"] == "sales_cycle_lengthening"]
    assert finding["effect"] == pytest.approx(600 * (1 - 20 / 60))
    assert finding["segment"] == {}
