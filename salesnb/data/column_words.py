"""The words ``salesnb map`` reads column and file names by (``column_names.yaml``), and how names are compared.

Kept apart from the proposal logic so that every part of ``map`` (the matching of columns, the notes on rows
that are not sales) reads the same words, compared the same loose way.
"""

from __future__ import annotations

import re
from importlib import resources

import pandas as pd
import yaml

# synonyms of each concept, the words of file names and of status columns: salesnb/data/column_names.yaml
NAMES = yaml.safe_load(resources.files("salesnb").joinpath("data", "column_names.yaml").read_text(encoding="utf-8"))
SYNONYMS: dict[str, tuple[str, ...]] = {concept: tuple(names) for concept, names in NAMES["synonyms"].items()}
FILE_WORDS: dict[str, tuple[str, ...]] = {
    table: tuple(words) for table, words in NAMES["file_words"].items()
}  # words in file names pointing at a table
STATUS_NAMES = tuple(NAMES["status_names"])  # a column saying whether an order stands
PAID_NAMES = tuple(NAMES["paid_names"])  # a column saying when an order was paid


def normalise(name: str) -> str:
    """A column name compared loosely: no unit in brackets, case, spaces, ``_ - . / :`` or a trailing '#'."""
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", str(name)).casefold()
    return re.sub(r"[\s_\-./:#：]+", "", text)


def named_column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    """The frame's first column (in the order of ``names``) whose name is one of ``names``, compared loosely."""
    by_name = {normalise(c): c for c in reversed(frame.columns)}  # the first of equal names wins
    return next((by_name[normalise(n)] for n in names if normalise(n) in by_name), None)
