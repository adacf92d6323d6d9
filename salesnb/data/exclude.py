"""Rows that are not sales, left out as the mapping says (``exclude:``), with the rows that depend on them.

An export often keeps its cancelled orders (订单状态 = 已取消, Olist's ``canceled``): counted as sales they
inflate revenue, order counts and every rate built on them. The mapping names them by value; they are left out
after validation, so every problem is still reported with its row number in the file. An order whose every line
is left out goes too. What hangs on a left-out row goes with it: a required reference (an order line of a
cancelled order) drops its row, an optional one (a ticket about that order) keeps its row and loses only the
link. A warning says how many rows went.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..errors import DataSourceError
from .contract import TABLES
from .dataset import Dataset
from .messages import Message, counted
from .validation import is_in

MADE_OF: dict[str, tuple[str, str]] = {"orders": ("order_lines", "order_id")}  # a whole, its parts and their link


def drop_excluded(ds: Dataset) -> Dataset:
    """``ds`` without the rows its mapping excludes and those depending on them; ``ds`` itself when none are."""
    rules = ds.mapping.exclude
    if not rules:
        return ds
    tables = dict(ds.tables)
    gone: dict[str, pd.Series] = {}  # keyed table -> ids left out
    notes: list[str] = []
    for name, by_column in rules.items():
        if name not in tables:
            continue
        frame = tables[name]
        mask = np.zeros(len(frame), dtype=bool)
        for column, values in by_column.items():
            mask |= _values_in(frame[_column(ds, name, column)], values)
        said = exclude_rule({name: by_column})
        notes.append(counted("problem_excluded", int(mask.sum()), name=name, said=said))
        tables[name] = _drop(frame, name, mask, gone)
    notes += _emptied_wholes(ds.tables, tables, gone)
    notes += _cascade(tables, gone)
    counts = {name: len(ds.tables[name]) - len(frame) for name, frame in tables.items()}
    excluded = {name: n for name, n in counts.items() if n}
    return dataclasses.replace(ds, tables=tables, warnings=[*ds.warnings, *notes], excluded=excluded)


def _emptied_wholes(
    loaded: dict[str, pd.DataFrame], tables: dict[str, pd.DataFrame], gone: dict[str, pd.Series]
) -> list[Message]:
    """Leave out a whole whose every part was left out: an order all of whose lines are cancelled.

    Kept, it would have no revenue yet still count as an order and its customer as a buyer. An order that kept
    some lines stays, with those lines' revenue only.
    """
    notes = []
    for whole, (part, link) in MADE_OF.items():
        if whole not in tables or part not in tables or len(tables[part]) == len(loaded[part]):
            continue
        before = loaded[part][link].dropna()
        emptied = before[~is_in(before, tables[part][link])]  # wholes with no part left
        mask = is_in(tables[whole][TABLES[whole].key], emptied)
        if mask.any():
            notes.append(counted("problem_excluded_emptied", int(mask.sum()), name=whole, part=part))
            tables[whole] = _drop(tables[whole], whole, mask, gone)
    return notes


def exclude_rule(mapping_exclude: dict[str, dict[str, list[str]]]) -> str:
    """The mapping's exclude in a few words for a report's note: ``订单状态 = 已取消, 作废``."""
    return "; ".join(f"{c} = {', '.join(v)}" for rules in mapping_exclude.values() for c, v in rules.items())


def _column(ds: Dataset, table: str, column: str) -> str:
    """The frame's name of ``column``: the user's own name, or the contract name it was mapped to."""
    frame = ds.tables[table]
    if column in frame.columns:
        return column
    renamed = [c for c, user in ds.mapping.renames(table).items() if user == column and c in frame.columns]
    if renamed:
        return renamed[0]
    columns = ", ".join(map(str, frame))
    raise DataSourceError(Message("error_exclude_column", table=table, column=repr(column), columns=columns))


def _values_in(column: pd.Series, values: list[str]) -> np.ndarray:
    """Rows whose value is one of ``values``, compared as text (a status read as a number included)."""
    text = column.astype("string").str.strip()
    return text.isin(values).fillna(False).to_numpy(dtype=bool)


def _drop(frame: pd.DataFrame, name: str, mask: np.ndarray, gone: dict[str, pd.Series]) -> pd.DataFrame:
    """``frame`` without the ``mask`` rows; a keyed table's ids among them are recorded in ``gone``."""
    if not mask.any():
        return frame
    key = TABLES[name].key
    if key:
        left = frame.loc[mask, key].dropna()
        gone[name] = pd.concat([gone[name], left]) if name in gone else left
    return frame.loc[~mask].reset_index(drop=True)


def _cascade(tables: dict[str, pd.DataFrame], gone: dict[str, pd.Series]) -> list[Message]:
    """Follow the left-out ids through the contract's references until nothing more goes (orders -> lines ...)."""
    dropped: dict[tuple[str, str], int] = {}
    unlinked: dict[tuple[str, str, str], int] = {}
    changed = True
    while changed:
        changed = False
        for name, spec in TABLES.items():
            for column, target in spec.references.items():
                if name not in tables or target not in gone or column not in tables[name]:
                    continue
                frame = tables[name]
                hit = is_in(frame[column], gone[target])  # Arrow's hash lookup: order lines run to millions
                if not hit.any():
                    continue
                changed = True
                if spec.column(column).required:
                    tables[name] = _drop(frame, name, hit, gone)
                    dropped[name, target] = dropped.get((name, target), 0) + int(hit.sum())
                else:
                    tables[name] = frame.assign(**{column: frame[column].mask(hit)})
                    unlinked[name, column, target] = unlinked.get((name, column, target), 0) + int(hit.sum())
    return [
        counted("problem_excluded_dropped", n, name=name, target=target) for (name, target), n in dropped.items()
    ] + [
        counted("problem_excluded_unlinked", n, name=name, column=column, target=target)
        for (name, column, target), n in unlinked.items()
    ]
