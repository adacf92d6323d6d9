import pytest

from process.helpers import STAGES, Tables, ts


@pytest.fixture
def basic(tmp_path):
    """A handful of leads and deals in 2026-09..10 whose figures are worked out by hand in the tests."""
    tb = Tables()
    tb.lead("L1", ts("2026-10", 2, 9), "展会", size=20, hours=0.5, status="converted", opp="OP1")
    tb.lead("L2", ts("2026-10", 3), "展会", size=30, hours=5, status="disqualified")
    tb.lead("L3", ts("2026-10", 5), "转介绍", size=300, hours=0.5, status="converted", opp="OP2")
    tb.lead("L4", ts("2026-09", 10), "转介绍", size=100, hours=1, status="converted", opp="OP3")
    tb.lead("L5", ts("2026-10", 6), "线上广告", size=60, hours=None, status="new", region="华南")
    tb.lead("L6", ts("2026-10", 20), "展会", size=10, hours=1 / 6, status="qualified")
    tb.deal(
        "OP1",
        ts("2026-10", 4),
        [("初步接触", ts("2026-10", 4)), ("需求确认", ts("2026-10", 8)), ("技术交流", ts("2026-10", 15))],
        amount=100,
        source="",
        expected="2026-10-25",
    )
    tb.deal(
        "OP2",
        ts("2026-10", 6),
        [(s, ts("2026-10", d)) for s, d in zip(STAGES, [6, 8, 10, 12, 15, 20], strict=True)],
        status="won",
        closed=ts("2026-10", 20),
        amount=200,
        source="转介绍",
        expected="2026-11-15",
    )
    tb.deal(
        "OP3",
        ts("2026-09", 12),
        [("初步接触", ts("2026-09", 12)), ("需求确认", ts("2026-09", 20))],
        status="lost",
        closed=ts("2026-10", 10),
        amount=50,
        source="转介绍",
        expected="2026-10-30",
    )
    tb.deal(
        "OP4",
        ts("2026-08", 1),
        [("初步接触", ts("2026-08", 1)), ("需求确认", ts("2026-08", 10)), ("技术交流", ts("2026-09", 1))],
        amount=300,
        source="老客户",
        customer="C1",
        expected="2026-12-01",
    )
    tb.deal(
        "OP5",
        ts("2026-09", 1),
        [("初步接触", ts("2026-09", 1)), ("合同签订", ts("2026-09", 20))],
        status="won",
        closed=ts("2026-09", 20),
        amount=80,
        source="老客户",
    )
    tb.deal("OP6", ts("2026-09", 15), [("初步接触", ts("2026-09", 15))], amount=999, region="华南")
    return tb.write(tmp_path / "basic")
