"""A warm kernel's reset between reports: long-lived objects frozen once, later garbage still collected."""

import gc
import weakref

from salesnb.batch.session import release_memory


class _Node:
    """An object in a reference cycle (freed only by the cyclic collector, not by reference counting)."""

    def __init__(self) -> None:
        self.me = self


def test_release_memory_freezes_once_and_still_collects_new_cycles():
    try:
        release_memory()
        frozen = gc.get_freeze_count()
        assert frozen > 0  # the first reset froze what was alive
        cycle = _Node()
        alive = weakref.ref(cycle)
        del cycle
        release_memory()
        assert alive() is None  # garbage made after the freeze is still collected
        assert gc.get_freeze_count() == frozen  # frozen once, not again at every report
    finally:
        gc.unfreeze()
