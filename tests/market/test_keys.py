"""The market angle's integer keys: customer codes of the orders, and sums grouped by codes."""

import numpy as np
import pandas as pd

from salesnb.data import facts
from salesnb.data.customers import customer_facts, customer_names
from salesnb.market import keys
from salesnb.report import open_report


def test_codes_are_positions_among_the_sorted_ids(tiny):
    report = open_report(str(tiny), "2026-10", "ALL")
    ids = keys.customer_ids(report)
    assert ids.is_monotonic_increasing and ids is customer_facts(report.ds).index
    orders = facts.order_facts(report.ds)
    codes = keys.order_codes(report)
    assert list(ids.take(codes)) == list(orders["customer_id"])
    some = orders.iloc[[2, 0]]  # a slice keeps the fact rows' index
    np.testing.assert_array_equal(keys.row_codes(report, some), codes[[2, 0]])
    np.testing.assert_array_equal(keys.facts_rows(report), np.arange(len(ids)))
    named = keys.names_of(report, codes)
    assert list(named) == list(customer_names(report.ds, orders["customer_id"]))


def test_pair_sum_hand_computed():
    values = pd.DataFrame({"revenue": [1.0, 2.0, 4.0, 8.0, 16.0], "orders": [1, 1, 1, 1, 1]})
    first = np.array([1, 0, 1, 0, -1])  # -1: no label, left out
    second = np.array([0, 1, 0, 0, 0])
    labels = (pd.Index(["a", "b"]), pd.Index(["2025-01", "2025-02"]))
    sums = keys.pair_sum(values, first, second, labels, ("channel", "month"))
    assert list(sums.index) == [("a", "2025-01"), ("a", "2025-02"), ("b", "2025-01")]
    assert sums["revenue"].tolist() == [8.0, 2.0, 5.0] and sums["orders"].tolist() == [1, 1, 2]
    assert list(sums.index.names) == ["channel", "month"]


def test_labels_of_sorts_and_marks_missing():
    codes, labels = keys.labels_of(pd.Series(["b", None, "a", "b"], name="channel"))
    assert codes.tolist() == [1, -1, 0, 1] and list(labels) == ["a", "b"] and labels.name == "channel"
