"""Which worker runs which period × region next: each worker keeps to a region, its months in ascending order.

A report's executive summary runs every angle's rules for its month and for the months before it (the finding
status ``new``/``persisting`` and last month's follow-up, :mod:`salesnb.followup`). Those rule findings are
memoised in the kernel (:meth:`salesnb.report.Report.memo`), so when the same warm kernel ran the region's
previous month just before, the look-back costs nothing: about half of the summary's work. The plan therefore
hands out *chains*: the months of one region, ascending. A free worker goes on with its chain; when that is
done it takes the untouched chain with the most months left, and when every chain is taken it splits the
longest one, taking its later half (only the first month of a split pays for its look-back again).

On a Dask cluster the scheduler, not this plan, picks the worker of each task, so the chains are cut into
*segments* instead (:func:`segments`): a task is up to :data:`SEGMENT_MONTHS` consecutive months of one region,
run in that order in one worker's kernel; only a segment's first month pays for its look-back.

Only the order of the work changes: what a report shows depends on its inputs alone (findings.json and
metrics.json are byte-identical whichever worker ran what).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Hashable, Sequence

from .jobs import Job

Scope = list[Job]
SEGMENT_MONTHS = 4  # the longest segment: a task's pages travel back in one message, and a lost worker loses it all


def region_major(scopes: Sequence[Scope]) -> list[Scope]:
    """``scopes`` region by region (regions in their first-seen order), each region's months ascending."""
    first = {}
    for scope in scopes:
        first.setdefault(scope[0].region, len(first))
    return sorted(scopes, key=lambda scope: (first[scope[0].region], scope[0].period))


def segments(scopes: Sequence[Scope], workers: int, longest: int = SEGMENT_MONTHS) -> list[list[Scope]]:
    """``scopes`` as tasks of consecutive months of one region, at least about three tasks per worker.

    Each region's months (ascending) are cut into equal runs of at most ``longest`` months, shorter when there
    are too few tasks to keep ``workers`` busy till the end (three per worker), never shorter than one month.
    Tasks come region by region, each region's segments in month order.
    """
    chains: dict[str, list[Scope]] = {}
    for scope in region_major(scopes):
        chains.setdefault(scope[0].region, []).append(scope)
    size = max(1, min(longest, len(scopes) // max(1, 3 * workers)))
    tasks = []
    for chain in chains.values():
        parts = -(-len(chain) // size)  # as many parts as runs of ``size``, then made equal
        bounds = [round(k * len(chain) / parts) for k in range(parts + 1)]
        tasks += [chain[a:b] for a, b in itertools.pairwise(bounds)]
    return tasks


class ReusePlan:
    """Hand out scopes to workers (``lanes``) so that each keeps going with its region's next month.

    ``next(lane)`` gives the lane's next scope or ``None`` when nothing is left that it may take. Every scope is
    handed out exactly once; the result depends only on the scopes and the order of the calls.
    """

    def __init__(self, scopes: Sequence[Scope]):
        chains: dict[str, deque[Scope]] = {}
        for scope in region_major(scopes):
            chains.setdefault(scope[0].region, deque()).append(scope)
        self.chains: list[deque[Scope]] = list(chains.values())
        self.owner: dict[Hashable, deque[Scope]] = {}

    def next(self, lane: Hashable) -> Scope | None:
        """The scope ``lane`` should run next: its chain's next month, else a free chain, else half of the longest."""
        chain = self.owner.get(lane)
        if not chain:
            chain = self._free_chain() or self._split_longest()
            if chain is None:
                self.owner.pop(lane, None)
                return None
            self.owner[lane] = chain
        return chain.popleft()

    def _free_chain(self) -> deque[Scope] | None:
        owned = {id(chain) for chain in self.owner.values()}
        free = [chain for chain in self.chains if chain and id(chain) not in owned]
        return max(free, key=len) if free else None  # max keeps the first of equals: the plan's order

    def _split_longest(self) -> deque[Scope] | None:
        """The later half of the longest chain someone works on (at least two months left), as a new chain."""
        busy = [chain for chain in self.owner.values() if len(chain) >= 2]
        if not busy:
            return None
        donor = max(busy, key=len)
        keep = len(donor) - len(donor) // 2  # the owner keeps the earlier months (and the odd one)
        later = deque(list(donor)[keep:])
        for _ in range(len(later)):
            donor.pop()
        self.chains.append(later)
        return later

    def remaining(self) -> int:
        """Scopes not handed out yet."""
        return sum(len(chain) for chain in self.chains)
