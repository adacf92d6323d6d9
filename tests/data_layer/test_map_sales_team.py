"""A "Sales Team" column named by one person per team (US Regional Sales Data: 28 teams, each one seller) is the rep.

It was left out: no reps table, no team angle, and (for the workbook) no regions, which sit on the team roster.
"""

from __future__ import annotations

from pathlib import Path

from salesnb.data.propose import propose_mapping

ORDERS = """OrderNumber,OrderDate,Customer Names,Sales Team,Region,Order Quantity,Unit Price
SO - 000101,2018-05-31,Rochester Ltd,Joshua Bennett,Northeast,5,1963.1
SO - 000102,2018-05-31,Pacific Ltd,Adam Hernandez,Northeast,3,3939.6
SO - 000103,2018-05-31,3LAB Ltd,Keith Griffin,Midwest,1,1775.5
"""


def test_a_sales_team_named_by_its_seller_is_the_rep(tmp_path: Path) -> None:
    (tmp_path / "us_sales.csv").write_text(ORDERS, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "us_sales.csv")
    assert proposal.columns["orders"]["rep_id"] == "Sales Team"
    assert proposal.columns["reps"] == {"rep_id": "Sales Team"}


def test_a_rep_column_comes_before_the_sales_team(tmp_path: Path) -> None:
    lines = ORDERS.splitlines()
    rows = [lines[0] + ",Sales Rep"] + [f"{line},Rep {k}" for k, line in enumerate(lines[1:])]
    (tmp_path / "us_sales.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert propose_mapping(tmp_path / "us_sales.csv").columns["orders"]["rep_id"] == "Sales Rep"
