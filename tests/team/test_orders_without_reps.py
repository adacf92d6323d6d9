"""Reps in their own table but none on the orders (Chinook's employees): polarisation has nothing to rank."""

from salesnb import team
from salesnb.data.summary import format_summary, summarize
from team.helpers import BASE_REPS, base_sales, base_targets, build, open_tiny


def test_polarisation_needs_the_orders_rep(tmp_path):
    tables = build(BASE_REPS, base_sales(), base_targets())
    for order in tables["orders"]:
        del order["rep_id"]
    report = open_tiny(tmp_path, tables)
    runnable = {rule.code for rule in team.ANGLE.runnable_rules(report.ds)}
    assert "rep_polarization" not in runnable and "rep_underperform" in runnable
    said = format_summary(summarize(report.ds), "en")
    assert "✗ rep_polarization: needs the rep id of orders (orders.rep_id)" in said
