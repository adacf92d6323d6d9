"""The month factors of the team rules: each rep's peers' median with the rep left out."""

import numpy as np
import pandas as pd
import pytest

from salesnb.team.common import MIN_PEERS, peer_medians


def _one_by_one(values: np.ndarray, groups: np.ndarray, settled: np.ndarray) -> np.ndarray:
    """The definition, rep by rep and month by month (a pandas median over the peers with a value)."""
    out = np.ones(values.shape)
    for rep in range(len(values)):
        for month in range(values.shape[1]):
            column = pd.Series(values[:, month]).drop(rep)
            present = column[settled[column.index] & column.notna().to_numpy()]
            peers = present[groups[present.index] == groups[rep]]
            peers = peers if len(peers) >= MIN_PEERS else present
            if len(peers) >= MIN_PEERS:
                out[rep, month] = peers.median()
    return out


def test_hand_computed_factors():
    values = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 4.0], [4.0, 8.0], [10.0, 1.0]])
    groups = np.array(["a", "a", "a", "a", "b"])
    settled = np.array([True, True, True, True, False])
    got = peer_medians(values, groups, settled)
    # rep 0: peers 1, 2, 3 -> median 3; in month 2 rep 1 has no value: two peers, too few anywhere -> 1
    assert got[0].tolist() == [3.0, 1.0]
    # rep 1 (its NaN removes nothing): 1, 3, 4 and 2, 4, 8
    assert got[1].tolist() == [3.0, 4.0]
    assert got[3].tolist() == [2.0, 1.0]
    # rep 4's group has no settled peer: every settled rep with a value (4, then 3 of them) -> 2.5 and 4
    assert got[4].tolist() == [2.5, 4.0]


def test_too_few_peers_anywhere_gives_one():
    values = np.array([[1.0], [5.0], [9.0]])
    got = peer_medians(values, np.array(["a", "a", "a"]), np.array([True, True, True]))
    assert got.tolist() == [[1.0], [1.0], [1.0]]  # two others each: fewer than MIN_PEERS


@pytest.mark.parametrize("seed", range(20))
def test_matches_the_definition_on_random_teams(seed):
    rng = np.random.default_rng(seed)
    reps, months = int(rng.integers(1, 40)), int(rng.integers(1, 14))
    values = rng.choice([0.0, 0.5, 1.0, 1.5, 2.0], size=(reps, months)) * rng.uniform(0.5, 2, size=(reps, 1))
    values[rng.random((reps, months)) < 0.25] = np.nan
    values[rng.random((reps, months)) < 0.1] = 1.0  # ties
    groups = rng.choice(["华东", "华北", "西南"], size=reps).astype(object)
    settled = rng.random(reps) < 0.7
    np.testing.assert_array_equal(peer_medians(values, groups, settled), _one_by_one(values, groups, settled))
