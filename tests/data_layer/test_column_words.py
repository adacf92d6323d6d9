"""The words of ``column_names.yaml`` as ``salesnb map`` reads them."""

from __future__ import annotations

from salesnb.data.column_words import NAMES, concept_by_words


def _leaves(node: object) -> list[object]:
    if isinstance(node, dict):
        return [leaf for value in node.values() for leaf in _leaves(value)]
    if isinstance(node, list):
        return [leaf for value in node for leaf in _leaves(value)]
    return [node]


def test_every_word_is_text() -> None:
    """YAML reads a bare ``no`` as False: the id word ``no`` was lost, and ``ItemNo`` was no product id."""
    assert [leaf for leaf in _leaves(NAMES) if not isinstance(leaf, str)] == []


def test_a_number_word_after_an_entity_names_its_id() -> None:
    assert concept_by_words("ItemNo") == "product_id"  # a CRM's SalesLines / Products
    assert concept_by_words("order_no") == "order_id"
    assert concept_by_words("Member No") == "customer_id"
