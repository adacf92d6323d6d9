"""The Dataset: a data source's contract tables, parsed and typed, with what the user's data really held.

Kept apart from loading so that validation, facts and caches can name the type without importing the loader
(the loading ↔ validation import cycle is gone).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import MissingTableError
from .contract import TABLES
from .messages import Message

COMPUTED = "="  # a mapped column value starting with "=" is an expression over the file's columns
EMPTY = ""  # an exclude value for an empty cell (written "" or ~ in the mapping)
PER = "per"  # ``order_id: {per: [客户列, 日期列]}``: an id made of columns, one per distinct combination
JOINED = " + "  # the name such an id takes in the file's frame: ``社保卡号 + 购药时间``


def joined_name(parts: list[str] | tuple[str, ...]) -> str:
    """The column name of an id made of ``parts`` (``order_id: {per: parts}``), as messages show it."""
    return JOINED.join(parts)


@dataclass
class Mapping:
    """How the user's tables and columns map onto the contract (contract name -> user name).

    Several contract tables may name the same file (a flat export). A column value starting with ``=`` is
    computed from the file's columns (``unit_price: "=Sales / Quantity"``). ``dates`` holds ``dayfirst``
    (how to read ``10/5/2026`` when the data cannot tell) and ``formats`` (``{column or table.column: strftime
    format}``); ``encoding`` forces the CSV encoding. ``exclude`` names rows that are not sales (``{table: {column:
    [values]}}``, cancelled orders), left out after validation with the rows that depend on them
    (:mod:`salesnb.data.exclude`). An id written ``{per: [columns]}`` (an export without order numbers: one
    order per customer and day) is mapped to the column :func:`joined_name` that loading adds to the file
    (:func:`salesnb.data.derive.add_joined_ids`); ``joined`` holds its parts.
    """

    tables: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    dates: dict = field(default_factory=dict)
    encoding: str = ""
    exclude: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    joined: dict[str, list[str]] = field(default_factory=dict)  # joined_name(parts) -> parts of a ``per`` id
    currency: dict = field(default_factory=dict)  # {column, base, rates}: amounts converted into one currency
    wide: dict[str, dict] = field(default_factory=dict)  # table -> {year, months}: a column per month (目标分解表)
    rows: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # table -> the rows it keeps (``rows:``)

    def table_name(self, table: str) -> str:
        """Return the user's name of contract ``table``; ``""`` for a table left out (``leads: ~``): no file."""
        return self.tables.get(table, table)

    def renames(self, table: str) -> dict[str, str]:
        """Contract column -> the user's column, for the plain (not computed) columns of ``table``."""
        return {c: u for c, u in self.columns.get(table, {}).items() if not u.startswith(COMPUTED)}

    def computed(self, table: str) -> dict[str, str]:
        """Contract column -> expression (without the leading ``=``) for the computed columns of ``table``."""
        return {c: u[1:].strip() for c, u in self.columns.get(table, {}).items() if u.startswith(COMPUTED)}

    def date_format(self, table: str, column: str) -> str | None:
        """The declared strftime format of ``table.column`` (or of every column so named), if any."""
        formats = self.dates.get("formats") or {}
        return formats.get(f"{table}.{column}") or formats.get(column)

    @property
    def dayfirst(self) -> bool | None:
        """Declared day/month order of dates such as ``10/5/2026``; ``None`` when not declared."""
        return self.dates.get("dayfirst")


@dataclass(eq=False)  # identity equality keeps datasets hashable (facts caches per dataset)
class Dataset:
    """Contract tables of one data source, parsed and typed, with what the user's data really held.

    ``present_columns`` lists the contract columns each table actually had before empty optional
    columns were added, so a report can tell "no channel column" from "channel empty". The other
    fields record how the data was loaded (mapping, unparseable values, ignored source tables) so
    :mod:`salesnb.data.validation` can name the user's own names and avoid reporting a value twice.
    """

    tables: dict[str, pd.DataFrame]
    source: str = ""
    present_columns: dict[str, frozenset[str]] = field(default_factory=dict)
    mapping: Mapping = field(default_factory=Mapping)
    parse_problems: list[str] = field(default_factory=list)
    unparsed_rows: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # positions of unparseable values
    ignored: tuple[str, ...] = ()  # tables/files in the source that are not contract tables
    warnings: list[str] = field(default_factory=list)  # worth knowing, not blocking (conflicting attributes ...)
    excluded: dict[str, int] = field(default_factory=dict)  # rows the mapping's exclude left out, per table
    zero_orders: dict[str, int] = field(default_factory=dict)  # orders of total 0 left out, per month (zero_orders)
    covered_through: str | None = None  # latest date of orders left out (excluded, of 0): the export covered it
    copied_cost: dict[str, dict] = field(default_factory=dict)  # a cost left out as the amount's copy (copied_cost)

    def has(self, *names: str | Iterable[str]) -> bool:
        """Return True when every named table is present (an empty table counts as present)."""
        return all(name in self.tables for name in _names(names))

    def missing(self, *names: str | Iterable[str]) -> list[str]:
        """Return the named tables that are absent, in the order given."""
        return [name for name in _names(names) if name not in self.tables]

    def get(self, name: str) -> pd.DataFrame | None:
        """Return the table, or ``None`` when the source does not have it."""
        _names([name])
        return self.tables.get(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        _names([name])
        if name not in self.tables:
            present = ", ".join(self.table_names) or Message("tables_none")
            raise MissingTableError(Message("error_missing_table", name=name, present=present))
        return self.tables[name]

    @property
    def table_names(self) -> list[str]:
        """Names of the tables present, in contract order."""
        return [name for name in TABLES if name in self.tables]


def _names(names: Iterable[str | Iterable[str]]) -> list[str]:
    flat = [n for item in names for n in ([item] if isinstance(item, str) else item)]
    unknown = [n for n in flat if n not in TABLES]
    if unknown:
        raise MissingTableError(f"unknown table(s) {', '.join(unknown)}; contract tables: {', '.join(TABLES)}")
    return flat
