"""The demo's small vectorised helpers, on tiny hand-made arrays with hand-computed answers."""

import numpy as np

from salesnb.demo.draws import (
    _choice,
    _codes,
    _day_values,
    _grouped_choice,
    _lookup,
    _spread_choice,
    _stream,
    _take,
    _texts,
    _thin,
)
from salesnb.demo.world import MISSING


def test_streams_are_reproducible_and_independent_by_name():
    assert _stream(7, "orders").random() == _stream(7, "orders").random()
    assert _stream(7, "orders").random() != _stream(7, "leads").random()
    assert _stream(7, "orders").random() != _stream(8, "orders").random()


def test_take_lookup_and_texts_leave_missing_indices_empty():
    assert _take(np.array([10, 20, 30]), np.array([2, -1, 0]), -1).tolist() == [30, -1, 10]
    assert _take(np.array([], dtype=np.int64), np.array([-1, -1]), 5).tolist() == [5, 5]
    assert _lookup(np.array(["a", "b"], dtype=object), np.array([1, -1])).tolist() == ["b", None]
    assert _texts(("低", "高"), np.array([0, -1, 1])).tolist() == ["低", None, "高"]


def test_codes_pad_to_the_width_or_the_count():
    assert _codes("P", 3, 3).tolist() == ["P001", "P002", "P003"]
    assert _codes("X", 12, 1).tolist()[-2:] == ["X11", "X12"]


def test_day_values_turn_day_numbers_into_dates():
    out = _day_values(np.array([0, 31, MISSING]))
    assert str(out[0])[:10] == "1970-01-01" and str(out[1])[:10] == "1970-02-01" and np.isnat(out[2])


def test_choice_follows_one_hot_rows():
    p = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert _choice(np.random.default_rng(0), p).tolist() == [1, 0, 2]


def test_grouped_and_spread_choice():
    weights = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    rng = np.random.default_rng(0)
    assert _grouped_choice(rng, weights, np.array([0, 1, 1])).tolist() == [-1, 1, 1]
    spread = _spread_choice(rng, weights, np.full(100, 2))
    assert sorted(np.bincount(spread, minlength=2).tolist()) == [50, 50]  # each option its exact share
    assert (_spread_choice(rng, weights, np.zeros(4, dtype=np.int64)) == -1).all()


def test_thin_keeps_the_given_share_of_the_masked_rows():
    mask = np.array([True] * 10 + [False] * 5)
    drop = _thin(np.random.default_rng(0), mask, 0.3)
    assert drop.sum() == 7 and not drop[10:].any()
