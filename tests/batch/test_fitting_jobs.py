"""How many reports run side by side: as many as fit in memory, from the stored rows of the data."""

import pytest

from salesnb.batch.memory import JOB_BASE_MIB, available_mib, fitting_jobs, job_estimate_mib
from salesnb.data.store_read import open_store, stored_rows
from tests.conftest import SAMPLE


def test_estimate_grows_with_the_stored_rows():
    assert job_estimate_mib(0) == JOB_BASE_MIB
    assert job_estimate_mib(2**20) == JOB_BASE_MIB + 350  # 350 bytes a row
    # the two measured points it was drawn from (scale.py): 5.0 M rows 2,176 MiB, 49.7 M rows 17,276 MiB
    assert 2176 <= job_estimate_mib(5_039_119) <= 2176 * 1.15
    assert 17276 <= job_estimate_mib(49_687_246) <= 17276 * 1.05


@pytest.mark.parametrize(
    ("wanted", "explicit", "estimate", "free", "jobs", "says"),
    [
        (2, False, 500, 20_000, 2, ""),  # fits: as asked
        (2, False, 9_000, 10_000, 1, "1 report(s) at a time instead of 2"),  # the default is lowered
        (4, False, 3_000, 10_000, 3, "3 report(s) at a time instead of 4"),
        (2, True, 9_000, 10_000, 2, "--jobs 2 may run out of memory"),  # the user's count is kept, with a warning
        (1, False, 12_000, 10_000, 1, "may run out of memory"),  # not even one fits: one, with a warning
        (3, True, 12_000, 10_000, 3, "may run out of memory"),
        (2, False, 9_000, None, 2, ""),  # memory unknown (not Linux): as asked
    ],
)
def test_fitting_jobs(wanted, explicit, estimate, free, jobs, says):
    got, note = fitting_jobs(wanted, explicit, estimate, free)
    assert got == jobs
    assert (says in note) if says else note == ""
    if note:
        assert f"{estimate:,} MiB" in note


def test_available_memory_is_read_on_linux():
    free = available_mib()
    assert free is None or free > 0


def test_stored_rows_sums_the_manifest():
    ds = open_store(SAMPLE)  # the tests' store (conftest)
    assert stored_rows(ds) == sum(len(frame) for frame in ds.tables.values()) > 60_000
    assert stored_rows(open_store(SAMPLE, region="华东")) is None  # a region's rows only: not the whole data
