"""One rule of what a deal's status means, read the same by the process, product and team reports."""

from tiny import TABLES, write_tiny

from salesnb import process, team
from salesnb.data.deals import deal_facts, deal_outcome
from salesnb.product.lost import closed_deals
from salesnb.report import open_report

OPPORTUNITIES = [  # Chinese CRM statuses: 赢单 is won, 输单 lost, 进行中 open
    {"opportunity_id": "D1", "customer_id": "C1", "rep_id": "R1", "created_at": "2026-09-01", "status": "赢单",
     "closed_at": "2026-10-10", "amount": 1000, "region": "华东"},
    {"opportunity_id": "D2", "customer_id": "C2", "rep_id": "R1", "created_at": "2026-09-02", "status": "输单",
     "closed_at": "2026-10-12", "amount": 400, "region": "华东", "competitor": "某友商", "lost_reason": "价格"},
    {"opportunity_id": "D3", "customer_id": "C2", "rep_id": "R1", "created_at": "2026-09-03", "status": " WON ",
     "closed_at": "2026-10-15", "amount": 300, "region": "华东"},
    {"opportunity_id": "D4", "customer_id": "C1", "rep_id": "R1", "created_at": "2026-09-04", "status": "进行中",
     "amount": 200, "region": "华东"},
]  # fmt: skip


def test_deal_outcome_rule():
    import pandas as pd

    raw = pd.Series(["赢单", "输单", " WON ", "lost", "进行中", "whatever", None])
    assert deal_outcome(raw).tolist() == ["won", "lost", "won", "lost", "open", "open", "open"]


def test_every_report_counts_a_chinese_status_the_same(tmp_path):
    tables = {**TABLES, "opportunities": OPPORTUNITIES}
    report = open_report(str(write_tiny(tmp_path / "d", tables=tables)), "2026-10", "华东")
    deals = deal_facts(report.ds).set_index("opportunity_id")
    assert deals["outcome"].to_dict() == {"D1": "won", "D2": "lost", "D3": "won", "D4": "open"}
    # team: R1 won 2 and lost 1 of the deals closed in 2026-10
    reps = team.rep_frame(report).set_index("rep_id")
    assert (reps.loc["R1", "won"], reps.loc["R1", "lost"]) == (2, 1)
    assert reps.loc["R1", "win_rate"] == 2 / 3
    # product: the three closed deals, the lost one with its competitor and reason
    closed = closed_deals(report).set_index("opportunity_id")
    assert sorted(closed.index) == ["D1", "D2", "D3"]
    assert closed["lost"].to_dict() == {"D1": False, "D2": True, "D3": False}
    assert closed.loc["D2", "competitor"] == "某友商" and closed.loc["D2", "reason"] == "价格"
    assert set(closed["month"]) == {"2026-10"}
    # process: the same two wins and one loss in the month
    velocity = process.velocity_frame(report).set_index("metric")["value"]
    assert velocity["won"] == 2 and velocity["win_rate"] == 2 / 3
