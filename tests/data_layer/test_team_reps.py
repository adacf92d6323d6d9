"""``salesnb map``: a 销售团队 / Team column holding people's names is the rep; one holding groups is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnb.data.propose import propose_mapping
from salesnb.data.team_reps import looks_like_person

HEADER = "订单号,下单时间,买家,实付金额,{team}\n"


def _export(folder: Path, team: str, values: list[str], extra: str = "") -> Path:
    rows = [f"T{i},2026-10-{i + 1:02d},buyer{i % 3},{100 + i},{v}" for i, v in enumerate(values)]
    (folder / "orders.csv").write_text(HEADER.format(team=team) + "\n".join(rows) + "\n", encoding="utf-8")
    return folder / "orders.csv"


@pytest.mark.parametrize(
    ("team", "values"),
    [
        ("销售团队", ["张伟", "李娜", "王芳", "张伟", "欧阳娜娜", "李娜"]),
        ("Sales Team", ["John Smith", "Mary Lee", "Wang Wei", "John Smith", "Ann Fox", "Mary Lee"]),
        ("销售组", ["刘洋", "陈静", "杨帆", "刘洋"]),
        ("Team", ["Mary", "John", "Ann", "Mary"]),
        ("Team", ["Tom", "Kevin", "Lily", "Tom", "Cherry"]),  # the English names Chinese sales staff go by
        ("Sales Team", ["Anna Smith", "Tom", "Lee Chen", "Anna Smith"]),  # full names with a lone given name
        ("销售团队", ["刘洋", "陈静", "诸葛亮", "刘洋"]),
    ],
)
def test_a_team_column_of_people_is_proposed_as_the_rep(tmp_path: Path, team: str, values: list[str]) -> None:
    proposal = propose_mapping(_export(tmp_path, team, values))
    assert proposal.columns["orders"]["rep_id"] == team


@pytest.mark.parametrize(
    ("team", "values"),
    [
        ("销售团队", ["华东组", "华南组", "一组", "华东组"]),  # groups, not people
        ("Team", ["Team A", "Team B", "Team C", "Team A"]),
        ("Sales Team", ["North Team", "Key Accounts", "Online", "North Team"]),
        ("销售团队", ["华东", "华南", "华北", "华东"]),  # regions read like 2-character names: not people
        ("销售团队", ["张伟", "李娜", "张伟", "李娜"]),  # two people are as likely two groups: too few to tell
        ("Team", ["Phoenix", "Falcon", "Alpha", "Phoenix"]),  # a team's code names: one word, no given name
        ("Sales Team", ["Tigers", "Eagles", "Titan", "Vanguard", "Tigers"]),
    ],
)
def test_a_team_column_of_groups_is_no_rep(tmp_path: Path, team: str, values: list[str]) -> None:
    proposal = propose_mapping(_export(tmp_path, team, values))
    assert "rep_id" not in proposal.columns["orders"]


def test_a_column_named_as_the_rep_is_the_better_one(tmp_path: Path) -> None:
    text = "订单号,下单时间,买家,实付金额,业务员,销售团队\n"
    text += "".join(f"T{i},2026-10-0{i + 1},b{i},10,{p},{t}\n" for i, (p, t) in enumerate(
        [("赵敏", "张伟"), ("钱进", "李娜"), ("孙丽", "王芳"), ("赵敏", "张伟")]))  # fmt: skip
    (tmp_path / "orders.csv").write_text(text, encoding="utf-8")
    assert propose_mapping(tmp_path / "orders.csv").columns["orders"]["rep_id"] == "业务员"


def test_several_people_on_one_order_are_a_teams_members_not_its_rep(tmp_path: Path) -> None:
    """A line export where each order's lines name different people: 3 of 3 orders have two names."""
    text = "订单号,下单时间,买家,商品,数量,单价,销售团队\n"
    rows = [("A", "张伟"), ("A", "李娜"), ("B", "王芳"), ("B", "刘洋"), ("C", "陈静"), ("C", "张伟")]
    text += "".join(f"{o},2026-10-01,b{o},P{i},1,10,{p}\n" for i, (o, p) in enumerate(rows))
    (tmp_path / "orders.csv").write_text(text, encoding="utf-8")
    assert "rep_id" not in propose_mapping(tmp_path / "orders.csv").columns.get("orders", {})


def test_what_reads_as_a_person() -> None:
    people = ["张伟", "欧阳娜娜", "John Smith", "Mary", "Ann-Marie O'Neil", "Tom", "Anna Smith", "Kevin"]
    groups = ["华东组", "一组", "销售一部", "王府井店", "Team A", "North Team", "Key Accounts", "华东", "上海", "A",
              "Phoenix", "Falcon", "Alpha", "Omega"]  # fmt: skip
    assert all(map(looks_like_person, people)) and not any(map(looks_like_person, groups))
