"""Rows that are not sales, left out as the mapping says (``exclude:``), with the rows that depend on them.

An export often keeps its cancelled orders (订单状态 = 已取消, Olist's ``canceled``): counted as sales they
inflate revenue, order counts and every rate built on them. The mapping names them by value; they are left out
after validation, so every problem is still reported with its row number in the file. An order whose every line
is left out goes too. What hangs on a left-out row goes with it: a required reference (an order line of a
cancelled order) drops its row, an optional one (a ticket about that order) keeps its row and loses only the
link. A warning says how many rows went.

A single flat export (every table cut from one file) leaves its excluded rows out of the file before its tables
are cut and checked (:func:`drop_flat_rows`): an unpaid or closed order's row often has no product or quantity,
and rows that are not sales must not keep the data from loading. ``""`` in a rule's values stands for an empty
cell (an order without a payment time). A value written as a comparison with a number (``"<0"``, ``"=0"``,
``">=10000"``) is a condition on the column read as numbers (:data:`CONDITION`): a POS export's return lines
(negative quantity) and no-op lines (quantity 0) leave this way without editing the export.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import DataSourceError
from .contract import TABLES
from .coverage import dropped_dates, flat_through, latest
from .dataset import EMPTY, Dataset, Mapping
from .messages import Message, counted
from .parsing import parse_number
from .validation import FILE_ROW, is_in

MADE_OF: dict[str, tuple[str, str]] = {"orders": ("order_lines", "order_id")}  # a whole, its parts and their link
CONDITION = re.compile(r"^(<=|>=|<|>|=)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))$")  # "<0", "= 0", ">=1e4" is text
_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "=": np.equal}


OWN_ROWS = ("opportunities",)  # a flat CRM export's deals: every row, whatever the orders (won deals) leave out


def own_rows(raw: Iterable[str]) -> set[str]:
    """The tables of one flat export that keep every row, whatever the orders' exclude leaves out.

    A CRM's deals (the orders are its won ones alone) and the customers and reps they refer to: a lost deal's
    customer is a customer all the same. A one-file pipeline export read 100 % won for want of its lost deals.
    """
    own = {table for table in OWN_ROWS if table in raw}
    return own | {target for table in own for target in TABLES[table].references.values() if target in raw}


def drop_flat_rows(
    frame: pd.DataFrame, names: Mapping, tables: list[str], done: FlatExcluded | None = None
) -> tuple[pd.DataFrame, FlatExcluded]:
    """A single flat export's file without the rows its mapping excludes, before any table is cut from it.

    Every table of the dataset comes from this one file (``tables``), so a row left out leaves every table at
    once: an order's lines go with it and nothing else refers to it. A table's rules are applied here when all
    their columns are the file's (the user's name or the one mapped to the contract's); the rest are left to
    :func:`drop_excluded`, which names a column it cannot find. The kept rows carry their position in the file
    (:data:`~.validation.FILE_ROW`): problems still name the row in the file. So does a table alone in its file
    that no other table refers to (``tables`` is then that table): ``done`` gathers what every such file left out.
    """
    done = done or FlatExcluded()
    mask = np.zeros(len(frame), dtype=bool)
    for name in tables:
        rules = names.exclude.get(name, {})
        columns = {column: raw_column(frame, names, name, column) for column in rules}
        if not rules or None in columns.values():
            continue
        hit = np.zeros(len(frame), dtype=bool)
        for column, values in rules.items():
            hit |= _values_in(frame[columns[column]], values)
        key, said, rows = _raw_key(names, name), exclude_rule({name: rules}), int(hit.sum())
        count = int(frame.loc[hit, key].nunique()) if key in frame.columns else rows
        partial = _kept_in_part(frame, hit, key)
        if partial:  # a PO of a cancelled line and a shipped one: the order stays with its shipped line
            done.notes.append(
                Message("problem_excluded_partial", name=name, said=said, rows=rows, n=count, partial=partial,
                        whole=count - partial)
            )  # fmt: skip
        elif count and count != rows:  # an order of several lines: how many orders, and how many rows of the file
            done.notes.append(counted("problem_excluded_flat", count, name=name, said=said, rows=rows))
        else:
            done.notes.append(counted("problem_excluded", rows, name=name, said=said))  # rows of no order: rows
        done.tables.add(name)
        mask |= hit
    if not mask.any():
        return frame, done
    rows = frame[FILE_ROW].to_numpy() if FILE_ROW in frame.columns else np.arange(len(frame))  # empty rows gone
    kept = frame.loc[~mask].assign(**{FILE_ROW: rows[~mask]})  # problems still name the file's row
    if "orders" in tables:  # the export covered the days of the orders left out
        done.through = latest(
            flat_through(frame, names, raw_column(frame, names, "orders", "order_date"), mask), done.through
        )
    if "order_lines" in tables:  # one row of the file, one line
        done.counts["order_lines"] = int(mask.sum())
    key = _raw_key(names, "orders")
    if "orders" in tables and key in frame.columns:  # the orders none of whose rows is kept
        done.counts["orders"] = int((~frame.loc[mask, key].dropna().drop_duplicates().isin(set(kept[key]))).sum())
    return kept, done


def only_rows(frame: pd.DataFrame, names: Mapping, table: str, where: str) -> pd.DataFrame:
    """The rows of ``frame`` (file ``where``) that ``table`` keeps by its ``rows:`` rules: each rule met.

    A rule is written as an ``exclude:`` one (values, ``""``, ``"<0"``); an ERP's return lines (红字, a negative
    数量) in the sales sheet are the ``returns`` table this way while ``exclude:`` leaves them out of the orders.
    The kept rows carry their position in the file (:data:`~.validation.FILE_ROW`), as :func:`drop_flat_rows`'.
    """
    keep = np.ones(len(frame), dtype=bool)
    for column, values in names.rows.get(table, {}).items():
        raw = raw_column(frame, names, table, column)
        if raw is None:
            columns = ", ".join(str(c) for c in frame if c != FILE_ROW)
            raise DataSourceError(Message("error_rows_column", table=table, file=where, column=repr(column),
                                          columns=columns))  # fmt: skip
        keep &= _values_in(frame[raw], values)
    rows = frame[FILE_ROW].to_numpy() if FILE_ROW in frame.columns else np.arange(len(frame))
    return frame.loc[keep].assign(**{FILE_ROW: rows[keep]})


def unmatched_rows(tables: dict[str, pd.DataFrame], names: Mapping) -> tuple[dict[str, pd.DataFrame], list[Message]]:
    """``tables`` without the rows of a ``rows:`` table whose required reference names no row of the export.

    A return read from the sales sheet's 红字 lines points at its original order (原单号) or at its own number:
    an order sold before the export began, or a return document of its own, is no order of the export. Such a
    return cannot be matched to its sale (the return rate counts returns of the period's sales), so it is left
    out and counted in a warning rather than refusing the file, as a separate returns table's unknown order is.
    """
    notes = []
    for name in (n for n in names.rows if n in tables):
        frame = tables[name]
        for column, target in TABLES[name].references.items():
            key = TABLES[target].key
            if not TABLES[name].column(column).required or target not in tables or column not in frame:
                continue
            orphan = frame[column].notna().to_numpy() & ~is_in(frame[column], tables[target][key])
            if orphan.any():
                notes.append(counted("problem_rows_unmatched", int(orphan.sum()), name=name, column=column,
                                     target=target))  # fmt: skip
                frame = frame.loc[~orphan].reset_index(drop=True)
        tables[name] = frame
    return tables, notes


def _kept_in_part(frame: pd.DataFrame, hit: np.ndarray, key: str | None) -> int:
    """How many ids (orders) of the rows ``hit`` leaves out keep other rows of the file: left out in part only."""
    if key not in frame.columns or not hit.any():
        return 0
    ids = frame.loc[hit, key].dropna().drop_duplicates()
    return int(ids.isin(set(frame.loc[~hit, key].dropna())).sum())


def stands_alone(table: str, tables: Iterable[str]) -> bool:
    """Whether no other of ``tables`` refers to ``table`` and it is no part of one (order lines of orders).

    Such a table's excluded rows may leave before the checks: nothing else loses a reference or a whole its parts.
    """
    others = [other for other in tables if other != table]
    parts = {part for whole, (part, _) in MADE_OF.items() if whole in others}
    return table not in parts and not any(table in TABLES[other].references.values() for other in others)


def shared_alone(table: str, raw: dict, sources: list[str], source: str, done: FlatExcluded | None) -> bool:
    """Whether ``table`` shares file ``source`` with other tables, other files feed the rest, and no row needs its rows.

    A CRM's pipeline export feeds the orders (its won deals) and the opportunities (every deal): each one's
    exclude (``deal_stage: [Lost, Engaging]``; ``engage_date: [""]``) takes its rows out of its own copy of the
    file before the checks, as for a lone table's file (:func:`stands_alone`); an open deal's empty close date is
    then no order's missing date. Only a required reference (stage_events.opportunity_id, order lines of orders)
    keeps the rows for the checks; an optional one (orders.opportunity_id) naming a row left out is reported.
    """
    if sources.count(source) < 2 or set(sources) == {source} or table in (done.tables if done else ()):
        return False
    for other in raw:
        pointing = [c for c, target in TABLES[other].references.items() if target == table and other != table]
        if any(TABLES[other].column(c).required for c in pointing):
            return False
    return not any(part == table and whole in raw for whole, (part, _) in MADE_OF.items())  # lines of orders


def _raw_key(names: Mapping, table: str) -> str | None:
    """The file's column holding ``table``'s id (``None`` for a table without one)."""
    key = TABLES[table].key
    return names.renames(table).get(key, key) if key else None


@dataclasses.dataclass
class FlatExcluded:
    """What :func:`drop_flat_rows` left out: the tables whose rules it applied, its notes, orders and lines gone."""

    tables: set[str] = dataclasses.field(default_factory=set)
    notes: list[Message] = dataclasses.field(default_factory=list)
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    through: str | None = None  # the latest date of the orders left out (:mod:`.coverage`)


def raw_column(frame: pd.DataFrame, names: Mapping, table: str, column: str) -> str | None:
    """The file's column a rule names: the user's own name, or the one the contract column is mapped to."""
    if column in frame.columns:
        return column
    mapped = names.renames(table).get(column)
    return mapped if mapped in frame.columns else None


def drop_excluded(ds: Dataset, flat: FlatExcluded | None = None) -> Dataset:
    """``ds`` without the rows its mapping excludes and those depending on them; ``ds`` itself when none are.

    ``flat``: the rules :func:`drop_flat_rows` already applied to a flat export's file, with its notes and counts.
    ``covered_through``: the latest date of the orders left out, here or from the file (:mod:`.coverage`).
    """
    rules = ds.mapping.exclude
    flat = flat or FlatExcluded()
    if not rules:
        return ds
    tables = dict(ds.tables)
    gone: dict[str, pd.Series] = {}  # keyed table -> ids left out
    notes: list[str] = list(flat.notes)
    for name, by_column in rules.items():
        if name not in tables or name in flat.tables:
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
    counts = {name: len(ds.tables[name]) - len(frame) + flat.counts.get(name, 0) for name, frame in tables.items()}
    excluded = {name: n for name, n in counts.items() if n}
    through = latest(dropped_dates(ds.tables.get("orders"), tables.get("orders")), flat.through, ds.covered_through)
    return dataclasses.replace(
        ds, tables=tables, warnings=[*ds.warnings, *notes], excluded=excluded, covered_through=through
    )


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


def exclude_rule(mapping_exclude: dict[str, dict[str, list[str]]], lang: str = "zh") -> str:
    """The mapping's exclude in a few words for a report's note: ``订单状态 = 已取消, 作废``, ``付款时间 = （空）``."""
    from ..i18n import t

    empty = t("exclude_empty", lang)

    def said(column: str, values: list[str]) -> list[str]:
        texts = ", ".join(empty if v == EMPTY else v for v in values if not CONDITION.match(v))
        conditions = [" ".join(CONDITION.match(v).groups()) for v in values if CONDITION.match(v)]
        return ([f"{column} = {texts}"] if texts else []) + [f"{column} {c}" for c in conditions]

    parts = [p for rules in mapping_exclude.values() for c, v in rules.items() for p in said(c, v)]
    return "; ".join(dict.fromkeys(parts))  # one rule named for two tables of one file is said once


def _column(ds: Dataset, table: str, column: str) -> str:
    """The frame's name of ``column``: the user's own name, or the contract name it was mapped to."""
    frame = ds.tables[table]
    if column in frame.columns:
        return column
    renamed = [c for c, user in ds.mapping.renames(table).items() if user == column and c in frame.columns]
    if renamed:
        return renamed[0]
    columns = ", ".join(str(c) for c in frame if c != FILE_ROW)
    raise DataSourceError(Message("error_exclude_column", table=table, column=repr(column), columns=columns))


def _values_in(column: pd.Series, values: list[str]) -> np.ndarray:
    """Rows whose value is one of ``values`` compared as text (a status read as a number included), or meets one.

    A value such as ``"<0"`` is a condition on the column read as a number; text that is no number meets none.
    """
    conditions = [CONDITION.match(v).groups() for v in values if CONDITION.match(v)]
    text = column.astype("string").str.strip()
    hit = text.isin([v for v in values if not CONDITION.match(v)]).fillna(False).to_numpy(dtype=bool, copy=True)
    if EMPTY in values:  # an empty cell: missing, or only spaces
        hit = hit | (text.isna() | (text == EMPTY)).fillna(True).to_numpy(dtype=bool)
    if conditions:
        numbers = parse_number(column)[0].to_numpy(dtype=float)
        for operator, number in conditions:
            hit |= _COMPARE[operator](numbers, float(number))  # NaN compares False
    return hit


def _drop(frame: pd.DataFrame, name: str, mask: np.ndarray, gone: dict[str, pd.Series]) -> pd.DataFrame:
    """``frame`` without the ``mask`` rows; a keyed table's ids among them are recorded in ``gone``."""
    if not mask.any():
        return frame
    key = TABLES[name].key
    if key:
        left = frame.loc[mask, key].dropna()
        gone[name] = pd.concat([gone[name], left]) if name in gone else left
    return frame.loc[~mask].reset_index(drop=True)


def leave_out(
    tables: dict[str, pd.DataFrame], name: str, mask: np.ndarray
) -> tuple[dict[str, pd.DataFrame], list[Message]]:
    """``tables`` without ``name``'s ``mask`` rows and what depends on them (:func:`_cascade`), with its notes."""
    tables, gone = dict(tables), {}
    tables[name] = _drop(tables[name], name, mask, gone)
    return tables, _cascade(tables, gone)


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
                if spec.column(column).required or spec.column(column).belongs:  # an excluded customer's orders go too
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
