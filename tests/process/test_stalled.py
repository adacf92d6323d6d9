"""Stalled deals."""

import numpy as np
import pandas as pd
import pytest

from process.helpers import (
    config,
    rep,
    stock_scenario,
)
from salesnb import process


def test_stalled_limit_hand_computed(tmp_path):
    r = rep(stock_scenario(tmp_path), config_path=config(tmp_path, min_stays=5, stall_quantile=0.5))
    limits = process.stall_limits(r, pd.Timestamp("2026-11-01"))
    assert limits["技术交流"] == pytest.approx(10.0)  # 24 stays of 10 days, 6 of 11 days
    assert np.isnan(limits["合同签订"])  # stays of no length (won on entry) do not count
