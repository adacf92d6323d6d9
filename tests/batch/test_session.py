"""A warm kernel's reset between reports: survivors frozen each time, later garbage still collected."""

import gc
import weakref

import pytest

from salesnb.batch import session
from salesnb.batch.session import FULL_SWEEP_EVERY, release_memory


class _Node:
    """An object in a reference cycle (freed only by the cyclic collector, not by reference counting)."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def fresh_process(monkeypatch):
    """As in a new kernel: nothing frozen yet; whatever the test freezes is let go afterwards."""
    gc.unfreeze()
    monkeypatch.setitem(session._STATE, "released", 0)
    yield
    gc.unfreeze()


def test_release_memory_freezes_the_survivors_and_still_collects_new_cycles(fresh_process):
    release_memory()
    frozen = gc.get_freeze_count()
    assert frozen > 0  # the first reset froze what was alive
    cycle = _Node()
    alive = weakref.ref(cycle)
    del cycle
    release_memory()
    assert alive() is None  # garbage made after the freeze is still collected
    kept = [_Node() for _ in range(1000)]  # many: objects frozen before and freed since lower the count a little
    release_memory()
    assert gc.get_freeze_count() >= frozen + 900  # what the last report left alive is frozen too
    assert all(ref is not kept[0] for ref in gc.get_objects())  # out of the collector's view


def test_a_cycle_that_dies_frozen_is_collected_by_the_next_full_sweep(fresh_process):
    cycle = _Node()
    alive = weakref.ref(cycle)
    release_memory()  # the cycle is alive: frozen
    del cycle
    for _ in range(FULL_SWEEP_EVERY - 2):
        release_memory()
    assert alive() is not None  # frozen garbage waits for the sweep
    release_memory()  # the FULL_SWEEP_EVERY-th report
    assert alive() is None
