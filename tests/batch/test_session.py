"""A warm kernel's reset between reports: long-lived objects frozen once, later garbage still collected."""

import gc
import weakref

import pytest

from salesnb.batch import session
from salesnb.batch.session import release_memory


class _Node:
    """An object in a reference cycle (freed only by the cyclic collector, not by reference counting)."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def fresh_process(monkeypatch):
    """As in a new kernel: nothing frozen yet; whatever the test freezes is let go afterwards."""
    gc.unfreeze()
    monkeypatch.setitem(session._STATE, "frozen", False)
    yield
    gc.unfreeze()


def test_release_memory_freezes_once_and_still_collects_new_cycles(fresh_process):
    release_memory()
    frozen = gc.get_freeze_count()
    assert frozen > 0  # the first reset froze what was alive
    cycle = _Node()
    alive = weakref.ref(cycle)
    del cycle
    release_memory()
    assert alive() is None  # garbage made after the freeze is still collected
    assert gc.get_freeze_count() == frozen  # frozen once, not again at every report


def test_release_memory_does_not_count_the_frozen_objects(fresh_process, monkeypatch):
    """Counting walks every frozen object (~20 ms a report): whether it froze is remembered instead."""
    freezes = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(1))
    monkeypatch.setattr(gc, "get_freeze_count", lambda: pytest.fail("get_freeze_count walks the frozen objects"))
    release_memory()
    release_memory()
    release_memory()
    assert freezes == [1]
