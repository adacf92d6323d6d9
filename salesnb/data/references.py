"""Product keys an export names in its own words, found by reference (``salesnb map``).

A database exported table by table keys each table by a column named after it (Chinook: ``Track.TrackId``) and its
invoice lines point at the product by that name (``InvoiceLine.TrackId``). No synonym says a track is a product, so
the lines lacked a product id and were left out with the products: no product angle for a complete schema.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .column_words import SYNONYMS, concept_by_words, normalise
from .loading import SHEET

KEY_ENDINGS = ("id", "key", "code", "no")  # Track.csv keyed by TrackId, track_key, TrackCode, TrackNo
NAME_COLUMNS = ("name", "title")  # a product table's own name column (Track.Name, Album.Title)
_KNOWN = frozenset(normalise(s) for synonyms in SYNONYMS.values() for s in synonyms)


def own_key(name: str, frame: pd.DataFrame) -> str | None:
    """The file's own id: its first column, named after the file (``Track.csv``: ``TrackId``), if it is so named."""
    stem = normalise(Path(name.rpartition(SHEET)[2] or name).stem)
    first = str(frame.columns[0]) if len(frame.columns) else ""
    return first if normalise(first) in {stem + ending for ending in KEY_ENDINGS} else None


def product_keys(frames: dict[str, pd.DataFrame], lines: list[str]) -> dict[str, str]:
    """Other files' own ids held by an order-lines file and said by no synonym: column → the file it keys.

    ``InvoiceLine.TrackId`` → ``Track.csv``; ``InvoiceLine.InvoiceId`` is an order number by its name already.
    """
    keys = {own_key(name, frame): name for name, frame in frames.items()}
    keys.pop(None, None)
    found: dict[str, str] = {}
    for name in lines:
        for column in frames[name].columns[1:]:
            named = normalise(column) in _KNOWN or concept_by_words(str(column)) is not None
            if column in keys and keys[column] != name and not named:
                found[str(column)] = keys[column]
    return found


def refer_products(
    name: str, frame: pd.DataFrame, found: dict[str, str], products: dict[str, str], lines: bool
) -> None:
    """Add to ``found`` the product id (and name) file ``name`` holds by reference (:func:`product_keys`)."""
    if "product_id" in found or not products:
        return
    key = own_key(name, frame)
    if products.get(str(key)) == name:  # the products' own file: its key, and its name column
        found["product_id"] = str(key)
        named = [c for c in frame.columns if normalise(c) in NAME_COLUMNS and c not in found.values()]
        if named and "product_name" not in found:
            found["product_name"] = named[0]
    elif lines:
        column = next((c for c in frame.columns if c in products and c not in found.values()), None)
        if column is not None:
            found["product_id"] = column
