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


def test_the_three_newer_plants_change_what_they_claim():
    """Margin: the line's cost rises by 25·size points of its price; returns: size of its lines come back in the
    month; competitor: size of the region's deals closing in the month are lost to it."""
    import numpy as np
    from foreign_plants import PLANTS, in_month, supports

    seed = next(
        s
        for s in range(100)
        if all(supports(simulate(s)[0], c) for c in ("margin_erosion", "return_rate_high", "lost_to_competitor"))
    )
    world, tables = simulate(seed)
    region, period = world.regions[0], world.months[-2]

    work = {k: v.copy() for k, v in tables.items()}
    line = PLANTS["margin_erosion"](work, world, region, period, 0.4, np.random.default_rng(1))["product_line"]
    changed = work["order_lines"]["unit_cost"] - tables["order_lines"]["unit_cost"]
    hit = changed.abs() > 0
    assert hit.any()
    expected = (0.1 * tables["order_lines"].loc[hit, "unit_price"]).round(2)
    assert np.allclose(changed[hit], expected, atol=0.011)
    products = work["products"].set_index("product_id")["product_line"]
    assert set(work["order_lines"].loc[hit, "product_id"].map(products)) == {line}

    work = {k: v.copy() for k, v in tables.items()}
    PLANTS["return_rate_high"](work, world, region, period, 0.5, np.random.default_rng(2))
    new = work["returns"].iloc[len(tables["returns"]) :]
    assert len(new) >= 1 and (new["reason"] == "质量问题").all()
    assert in_month(new["returned_at"], period).all()

    work = {k: v.copy() for k, v in tables.items()}
    competitor = PLANTS["lost_to_competitor"](work, world, region, period, 0.5, np.random.default_rng(3))["competitor"]
    opp, before = work["opportunities"], tables["opportunities"]
    closing = (
        (before["region"] == region) & in_month(before["closed_at"], period) & (before["competitor"] != competitor)
    )
    taken = (opp["competitor"] == competitor) & (before["competitor"] != competitor)
    assert taken.sum() == max(1, round(0.5 * closing.sum())) and (opp.loc[taken, "status"] == "lost").all()


def test_the_flow_plants_change_what_they_claim():
    """SLA: size of a category's tickets answered after 50-120 h (a low-priority one 74-144 h); cycle: closing
    deals took 1/(1-size) as long,
    same close dates; source shift: the source's leads in the month rise by 4·size times the month's count."""
    import numpy as np
    from foreign_plants import PLANTS, in_month, supports

    codes = ("sla_breach", "sales_cycle_lengthening", "lead_source_shift")
    seed = next(s for s in range(100) if all(supports(simulate(s)[0], c) for c in codes))
    world, tables = simulate(seed)
    region, period = world.regions[0], world.months[-2]

    work = {k: v.copy() for k, v in tables.items()}
    category = PLANTS["sla_breach"](work, world, region, period, 0.5, np.random.default_rng(1))["category"]
    wait = (work["tickets"]["first_response_at"] - work["tickets"]["created_at"]).dt.total_seconds() / 3600
    late = wait.ge(50) & ~wait.eq(
        (tables["tickets"]["first_response_at"] - tables["tickets"]["created_at"]).dt.total_seconds() / 3600
    )
    assert late.sum() >= 2 and set(work["tickets"].loc[late, "category"]) == {category}
    low = work["tickets"]["severity"].eq("低")  # held to a 72-hour SLA: answered 24 h later still
    assert wait[late & ~low].le(120.01).all()
    assert wait[late & low].between(74 - 0.01, 144.01).all()

    from foreign_plant_kit import Unplantable

    def planted_cycle():  # the first world and place with 5 deals won in a month
        for s in range(100):
            w, tabs = simulate(s)
            if not supports(w, "sales_cycle_lengthening"):
                continue
            for r, m in ((r, m) for m in w.months[-4:-1] for r in w.regions):
                done = {k: v.copy() for k, v in tabs.items()}
                try:
                    PLANTS["sales_cycle_lengthening"](done, w, r, m, 0.5, np.random.default_rng(2))
                except Unplantable:
                    continue
                return tabs, done, r, m
        raise AssertionError("no world with 5 deals won in a month")

    original, work, region, period = planted_cycle()
    before, after = original["opportunities"], work["opportunities"]
    closing = (before["region"] == region) & in_month(before["closed_at"], period)

    def took(o):
        return (o["closed_at"] - o["created_at"]).dt.total_seconds()

    assert np.allclose(took(after)[closing], 2 * took(before)[closing], rtol=1e-4, atol=2)
    assert after.loc[~closing, "created_at"].equals(before.loc[~closing, "created_at"])

    region, period = world.regions[0], world.months[-2]
    work = {k: v.copy() for k, v in tables.items()}
    source = PLANTS["lead_source_shift"](work, world, region, period, 0.5, np.random.default_rng(3))["source"]

    def count(ld):
        return int(((ld["region"] == region) & (ld["source"] == source) & in_month(ld["created_at"], period)).sum())

    now = count(tables["leads"])
    assert count(work["leads"]) - now >= max(2, round(2 * now))
    assert work["leads"]["lead_id"].is_unique
