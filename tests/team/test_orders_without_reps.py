"""Reps in their own table but none on the orders (Chinook's employees): no rep's sales to rank or test."""

from salesnb import team
from salesnb.data.summary import format_summary, summarize
from team.helpers import BASE_REPS, base_sales, base_targets, build, open_tiny


def test_polarisation_needs_the_orders_rep(tmp_path):
    tables = build(BASE_REPS, base_sales(), base_targets())
    for order in tables["orders"]:
        del order["rep_id"]
    report = open_tiny(tmp_path, tables)
    runnable = {rule.code for rule in team.ANGLE.runnable_rules(report.ds)}
    assert "rep_polarization" not in runnable and "rep_underperform" not in runnable  # no rep sells anything
    assert {"new_hire_ramp_slow", "target_misaligned"} <= runnable and team.ANGLE.ready(report.ds)
    said = format_summary(summarize(report.ds), "en")
    assert "✗ rep_polarization: needs the rep id of orders (orders.rep_id)" in said
    assert "✗ rep_underperform: needs the rep id of orders (orders.rep_id)" in said
    del tables["targets"]
    assert not team.ANGLE.ready(open_tiny(tmp_path / "bare", tables).ds)  # reps who sell nothing, no targets
