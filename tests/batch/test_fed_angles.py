"""``salesnb run`` without ``--angle`` runs the angles the data can feed, and says which it left out."""

from __future__ import annotations

from pathlib import Path

from salesnb.batch.runner import available_angles, fed_angles, plan_jobs
from salesnb.data.store_read import planning_dataset
from tests.tiny import write_tiny


def test_the_default_run_leaves_out_angles_without_their_tables(tmp_path: Path) -> None:
    data = write_tiny(tmp_path / "tiny")  # orders, lines, customers, products, reps, targets: no deals, no service
    ds = planning_dataset(data, None, tmp_path / "store")
    assert ds.tables == {}  # planned from the store's shape, no rows read
    assert fed_angles(ds, available_angles()) == ["overview", "market", "product", "team"]
    jobs = plan_jobs(ds, ["2026-10"], ["ALL"], [])
    assert [job.angle for job in jobs] == ["overview", "market", "product", "team"]
    assert [job.angle for job in plan_jobs(ds, ["2026-10"], ["ALL"], ["process"])] == ["process"]  # asked: run
