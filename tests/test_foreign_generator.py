"""The foreign benchmark's generator is deterministic and a large planted region drop is reported as one."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import foreign  # noqa: E402
from diagnosis import judge  # noqa: E402
from foreign_data import simulate  # noqa: E402


def test_same_seed_same_world():
    world_a, a = simulate(11)
    world_b, b = simulate(11)
    assert world_a == world_b
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    _, other = simulate(12)
    assert not other["orders"].equals(a["orders"])


def test_large_region_drop_is_found():
    sc = foreign.draw(3, 1, 0, ["region_underperform"])[0]
    result = foreign.run(replace(sc, size=0.6))
    assert not result["error"] and not result["crashes"]
    fired = [f for f in result["found"] if f["code"] == "region_underperform" and f["severity"] != "low"]
    assert any(f["segment"].get("region") == result["scenario"].region for f in fired), fired
    assert judge(result) == (True, "")
