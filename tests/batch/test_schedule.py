"""The reuse plan: each worker keeps to a region, months ascending; every scope is handed out exactly once."""

from salesnb.batch.jobs import Job
from salesnb.batch.runner import _scopes
from salesnb.batch.schedule import ReusePlan, region_major

MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10"]


def scope(period: str, region: str) -> list[Job]:
    return [Job(period, region, "overview"), Job(period, region, "market")]


def grid(regions: list[str], months: list[str] = MONTHS) -> list[list[Job]]:
    """Period-major, as the jobs are planned."""
    return [scope(p, r) for p in months for r in regions]


def names(scopes) -> list[tuple[str, str]]:
    return [(s[0].region, s[0].period) for s in scopes]


def test_region_major_orders_regions_as_planned_and_months_ascending():
    shuffled = [scope("2026-10", "华东"), scope("2026-09", "ALL"), scope("2026-08", "华东"), scope("2026-07", "ALL")]
    assert names(region_major(shuffled)) == [
        ("华东", "2026-08"), ("华东", "2026-10"), ("ALL", "2026-07"), ("ALL", "2026-09"),
    ]  # fmt: skip


def test_runner_groups_jobs_by_scope_region_major_with_the_overview_first():
    jobs = [job for s in grid(["ALL", "华东"], ["2026-09", "2026-10"]) for job in s]
    scopes = _scopes(jobs)
    assert names(scopes) == [("ALL", "2026-09"), ("ALL", "2026-10"), ("华东", "2026-09"), ("华东", "2026-10")]
    assert all([j.angle for j in s] == ["overview", "market"] for s in scopes)


def test_one_worker_runs_each_region_through_in_ascending_order():
    plan = ReusePlan(grid(["ALL", "华东", "华北"]))
    handed = []
    while (s := plan.next(0)) is not None:
        handed.append(s)
    assert names(handed) == [(r, m) for r in ["ALL", "华东", "华北"] for m in MONTHS]
    assert plan.remaining() == 0


def test_two_workers_keep_their_regions_then_split_the_longest_chain():
    plan = ReusePlan(grid(["ALL", "华东", "华北"]))
    got: dict[int, list] = {0: [], 1: []}
    order = [0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0]  # who is free next (worker 0 is slower on ALL)
    for lane in order:
        s = plan.next(lane)
        if s is not None:
            got[lane].append(names([s])[0])
    # worker 0 goes through ALL, worker 1 through 华东; 华北 is free and goes to whoever finishes first (worker 1)
    assert got[0][:4] == [("ALL", m) for m in MONTHS]
    assert got[1][:4] == [("华东", m) for m in MONTHS]
    assert got[1][4:6] == [("华北", "2026-07"), ("华北", "2026-08")]
    # worker 0, done with ALL while worker 1 has 华北 09-10 ahead, takes the later half; worker 1 keeps 09
    assert got[0][4:] == [("华北", "2026-10")]
    assert got[1][6:] == [("华北", "2026-09")]
    every = sorted(got[0] + got[1])
    assert every == sorted((r, m) for r in ["ALL", "华东", "华北"] for m in MONTHS)  # each exactly once


def test_a_worker_with_nothing_left_to_take_gets_none_and_the_others_finish():
    plan = ReusePlan(grid(["华东"], ["2026-09", "2026-10"]))
    assert names([plan.next(0)]) == [("华东", "2026-09")]
    assert plan.next(1) is None  # one month left, and it is worker 0's next: not split
    assert names([plan.next(0)]) == [("华东", "2026-10")]
    assert plan.next(0) is None and plan.remaining() == 0


def test_cluster_segments_keep_months_of_one_region_together_in_order():
    from salesnb.batch.schedule import segments

    regions = ["ALL", "华东", "华北", "华南", "华中", "西南"]
    months = [f"2025-{m:02d}" for m in range(11, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
    scopes = grid(regions, months)
    tasks = segments(scopes, workers=2)
    assert [len(t) for t in tasks] == [4] * 18  # 72 scopes for 2 workers: runs of 4 months, 3 per region
    assert sorted(names([s for t in tasks for s in t])) == sorted(names(scopes))  # each scope exactly once
    for task in tasks:
        assert len({s[0].region for s in task}) == 1
        assert [s[0].period for s in task] == sorted(s[0].period for s in task)
    assert names(tasks[0]) == [("ALL", m) for m in months[:4]]
    # many workers: single months, so every worker has work; 10 months for one worker: runs of 3 at most, equal
    assert [len(t) for t in segments(scopes, workers=16)] == [1] * 72
    assert [len(t) for t in segments(grid(["ALL"], months[:10]), workers=1)] == [2, 3, 3, 2]
