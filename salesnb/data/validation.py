"""Check a loaded dataset against the data contract and describe every problem found.

Each problem is one line naming the table, the column, how many rows fail and up to three example
rows (``row 5 (O5): '2026-13-45'``: the 1-based data row of the file, header excluded, with the row's
id in brackets when the table has a key). A line is a :class:`~salesnb.data.messages.Message`: the
English string, rendered in Chinese with ``say(line, "zh")``. All tables are checked
before anything is reported, so a user fixes everything in one pass. Every check is vectorised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..periods import ALL
from .contract import COUNT, NUMBER, SCORE, TABLES, Table
from .messages import Message, counted

if TYPE_CHECKING:
    from .dataset import Dataset, Mapping

ORDERS = "orders"
REQUIRED_TABLES: tuple[str, ...] = (ORDERS,)
TARGETS = "targets"
TARGET_GRAIN: tuple[str, ...] = ("period", "region", "rep_id", "product_line")  # one target row per combination
REGION = "region"
MAX_EXAMPLES = 3
MAX_LISTED_COLUMNS = 10
_NON_NEGATIVE = (NUMBER, COUNT)

assert all(TABLES[TARGETS].column(c) for c in TARGET_GRAIN), "TARGET_GRAIN must name targets columns"


def show_value(value: object) -> str:
    """Compact text of one example value: quoted text, numbers without trailing zeros, ISO dates."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return Message("problem_empty_value")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, float | np.floating):
        return f"{value:g}"
    if isinstance(value, int | np.integer):
        return str(value)
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


FILE_ROW = "_file_row"  # a frame's rows' 0-based lines in their file (header included), while it is checked


def example_rows(
    frame: pd.DataFrame,
    table: str,
    column: str | None,
    positions: np.ndarray,
    values: pd.Series | None = None,
) -> list[Message]:
    """Describe the rows at ``positions`` (0-based) as ``row 5 (O5): '2026-13-45'``, one message a row.

    ``values`` defaults to ``frame[column]``; pass the raw values when the parsed ones are NA.
    With ``column=None`` only the row labels are shown (for empty values).
    """
    key = TABLES[table].key if table in TABLES else None
    keys = frame[key] if key and key in frame.columns and key != column else None
    if values is None and column is not None:
        values = frame[column]
    parts = []
    for pos in positions[:MAX_EXAMPLES]:
        row = file_row(frame, pos)
        label = Message("problem_row", row=row)
        if keys is not None and not pd.isna(keys.iloc[pos]):
            label = Message("problem_row_id", row=row, id=str(keys.iloc[pos]))
        if values is not None:
            label = Message("problem_example", label=label, value=show_value(values.iloc[pos]))
        parts.append(label)
    return parts


def file_row(frame: pd.DataFrame, position: int) -> int:
    """The 1-based row of the file that the frame's row at ``position`` came from (its row number when unknown)."""
    return int(frame[FILE_ROW].iat[position] if FILE_ROW in frame.columns else position) + 1


def row_problem(
    frame: pd.DataFrame,
    table: str,
    column: str,
    mask: pd.Series | np.ndarray,
    what: str,
    *,
    values: pd.Series | None = None,
    hint: str | None = None,
    show_values: bool = True,
) -> Message | None:
    """One problem line for the rows where ``mask`` holds, or ``None`` when no row fails.

    ``what`` is the failure after "rows have": a :class:`Message`, or the text key of one, whose ``_many``
    form (``problem_unparseable_date_many``) serves several rows.
    """
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    if not len(positions):
        return None
    what = what if isinstance(what, Message) else counted(what, len(positions))
    shown = example_rows(frame, table, column if show_values else None, positions, values)
    return rows_line(f"{table}.{column}", len(positions), what, shown, hint)


def rows_line(where: str, n: int, what: Message, shown: list[Message], hint: str | None = None) -> Message:
    """``orders.order_date: 2 rows have unparseable dates, e.g. row 5 (O5): '2026-13-45'; expected ...``."""
    rows = counted("problem_rows", n)
    if hint:
        return Message("problem_rows_line_hint", where=where, rows=rows, what=what, shown=shown, hint=hint)
    return Message("problem_rows_line", where=where, rows=rows, what=what, shown=shown)


def is_in(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """Boolean array: which ``values`` occur in ``allowed`` (Arrow's hash lookup for text, ~15x faster)."""
    if isinstance(values.dtype, pd.StringDtype) and isinstance(allowed.dtype, pd.StringDtype):
        try:
            arr = pa.array(values.array, from_pandas=True)
            value_set = pa.array(allowed.dropna().unique(), type=arr.type, from_pandas=True)
            found = pc.is_in(arr, value_set=value_set, skip_nulls=True).fill_null(False)
            return found.to_numpy(zero_copy_only=False)
        except (pa.ArrowException, TypeError):
            pass
    return values.isin(allowed.dropna()).to_numpy()


def validate_dataset(ds: Dataset, parse_problems: list[str] | None = None) -> list[str]:
    """Return every contract problem of ``ds`` as one line each; an empty list means the data is valid.

    ``parse_problems`` are the unparseable-value lines found while loading (default: ``ds.parse_problems``);
    they are merged in table order so the report reads table by table.
    """
    parse = list(ds.parse_problems if parse_problems is None else parse_problems)
    problems = [_missing_table(ds, name) for name in REQUIRED_TABLES if name not in ds.tables]
    problems += [_empty_table(ds, name) for name in REQUIRED_TABLES if name in ds.tables and ds.tables[name].empty]
    for name, table in TABLES.items():
        if name not in ds.tables:
            mapped = ds.mapping.tables.get(name)
            if mapped and name not in REQUIRED_TABLES:
                problems.append(Message("problem_mapped_table_missing", name=name, mapped=mapped))
            continue
        frame = ds.tables[name]
        present = ds.present_columns.get(name, frozenset(frame.columns))
        problems += _column_problems(ds, table, frame, present)
        prefix = f"{name}."
        problems += [p for p in parse if p.startswith(prefix)]
        parse = [p for p in parse if not p.startswith(prefix)]
        problems += _value_problems(ds, table, frame, present)
        problems += _reference_problems(ds, table, frame, present)
    return problems + no_revenue(ds) + parse


def no_revenue(ds: Dataset) -> list[Message]:
    """The problem of orders that carry no money: no ``orders.amount`` and no order lines to price them.

    Every revenue figure would be 0 (a purchase-order export whose price column was not recognised): the data
    is refused with what to map rather than reported as a month without sales.
    """
    orders = ds.tables.get(ORDERS)
    if orders is None or "order_lines" in ds.tables:
        return []
    if "amount" in ds.present_columns.get(ORDERS, frozenset(orders.columns)):
        return []
    return [Message("problem_no_revenue")]


def summary_targets(names: Mapping) -> bool:
    """Whether the targets come from the orders' own file: a summary's 目标 on each row, added up after validation.

    A 月度销售汇总 sets a target per month, region, store and category; the stores' rows of one region and
    category are parts of that target (:func:`~.summaries.summed_targets`), not one target given twice.
    """
    source = names.tables.get(TARGETS)
    return bool(source) and source == names.tables.get(ORDERS)


def row_problems(ds: Dataset, name: str) -> list[str]:
    """The problems of table ``name`` that each row shows on its own: missing columns and bad values.

    What :func:`validate_dataset` checks of one table, without what spans rows (duplicate ids, the targets'
    grain), references and parse problems: the streaming ingest runs it on each block of rows (a block with
    a problem makes the whole-table loader report the dataset, in these same words).
    """
    table, frame = TABLES[name], ds.tables[name]
    present = ds.present_columns.get(name, frozenset(frame.columns))
    return _column_problems(ds, table, frame, present) + _value_problems(ds, table, frame, present, duplicates=False)


def _missing_table(ds: Dataset, name: str) -> Message:
    mapped = ds.mapping.tables.get(name)
    where = (
        Message("problem_table_named_mapped", mapped=mapped, name=name)
        if mapped
        else Message("problem_table_named", name=name)
    )
    line = Message("problem_missing_table", name=name, where=where)
    if ds.ignored:
        return Message("problem_also_found", line=line, ignored=", ".join(ds.ignored[:MAX_LISTED_COLUMNS]))
    return line


def _empty_table(ds: Dataset, name: str) -> Message:
    """A required table that holds a header and no rows: there is nothing to report on."""
    mapped = ds.mapping.tables.get(name)
    where = Message("problem_table_mapped", mapped=mapped, name=name) if mapped else name
    return Message("problem_empty_table", name=name, where=where)


def _column_problems(ds: Dataset, table: Table, frame: pd.DataFrame, present: frozenset[str]) -> list[str]:
    mapped = ds.mapping.columns.get(table.name, {})
    found = [c for c in frame.columns if c in present or (table.column(c) is None and c != FILE_ROW)]
    listed = ", ".join(map(str, found[:MAX_LISTED_COLUMNS])) + (" ..." if len(found) > MAX_LISTED_COLUMNS else "")
    listed = listed or Message("problem_none")
    problems = []
    for column in table.columns:
        if column.name in present:
            continue
        user = mapped.get(column.name)
        where = {"table": table.name, "column": column.name, "rows": len(frame), "listed": listed}
        if user:
            problems.append(Message("problem_mapped_column_missing", user=user, **where))
        elif column.required:
            problems.append(Message("problem_required_column_missing", **where))
    return problems


def _value_problems(
    ds: Dataset, table: Table, frame: pd.DataFrame, present: frozenset[str], *, duplicates: bool = True
) -> list[str]:
    lines: list[Message | None] = []
    for name in frame.columns:
        column = table.column(name)
        if column is None or name not in present:
            continue
        values = frame[name]
        if column.required:
            empty = values.isna().to_numpy(copy=True)
            empty[ds.unparsed_rows.get((table.name, name), [])] = False  # already reported as unparseable
            hint = _exclude_hint(ds, table.name, name) if empty.any() else None
            lines.append(
                row_problem(frame, table.name, name, empty, "problem_empty_required", show_values=False, hint=hint)
            )
        if column.kind in _NON_NEGATIVE:
            lines.append(row_problem(frame, table.name, name, values < 0, "problem_negative"))
        if column.kind == SCORE and column.bounds:
            low, high = column.bounds
            outside = (values < low) | (values > high)
            what = Message("problem_score_outside", low=low, high=high)
            lines.append(row_problem(frame, table.name, name, outside, what))
    if REGION in present:
        reserved = (frame[REGION] == ALL).fillna(False).to_numpy(dtype=bool)
        what = Message("problem_reserved_region", all=ALL)
        hint = Message("problem_hint_company_target" if table.name == TARGETS else "problem_hint_rename_region")
        lines.append(row_problem(frame, table.name, REGION, reserved, what, hint=hint))
    if duplicates and table.key and table.key in present:
        lines.append(_duplicate_problem(frame, table.name, table.key))
    if duplicates and table.name == TARGETS and not summary_targets(ds.mapping):
        lines.append(_grain_problem(frame, [c for c in TARGET_GRAIN if c in frame.columns]))
    return [line for line in lines if line]


def _duplicate_problem(frame: pd.DataFrame, table: str, key: str) -> Message | None:
    ids = frame[key]
    duplicated = ids.duplicated(keep=False) & ids.notna()
    if not duplicated.any():
        return None
    positions = np.flatnonzero(duplicated.to_numpy())
    order = np.argsort(ids.iloc[positions].to_numpy(dtype=object), kind="stable")  # show a repeated id together
    distinct = ids[duplicated].nunique()
    shown = example_rows(frame, table, key, positions[order])
    return rows_line(f"{table}.{key}", len(positions), counted("problem_duplicate_ids", int(distinct)), shown)


def _grain_problem(frame: pd.DataFrame, grain: list[str]) -> Message | None:
    required = [c for c in grain if c in TABLES[TARGETS].required_columns]
    repeated = frame.duplicated(subset=grain, keep=False) & frame[required].notna().all(axis=1)  # empty: reported
    if not repeated.any():
        return None
    positions = np.flatnonzero(repeated.to_numpy())
    ordered = frame.iloc[positions][grain].astype(str)
    positions = positions[np.lexsort([ordered[c].to_numpy() for c in reversed(grain)])]
    shown = [
        Message("problem_grain_example", row=file_row(frame, p), combo=[show_value(frame[c].iloc[p]) for c in grain])
        for p in positions[:MAX_EXAMPLES]
    ]
    where = f"{TARGETS}.({', '.join(grain)})"
    what, hint = Message("problem_same_combination"), Message("problem_hint_one_target")
    return rows_line(where, len(positions), what, shown, hint)


def _exclude_hint(ds: Dataset, table: str, column: str) -> Message | None:
    """For order lines with an empty required value (a POS export's blank rows): the exclude leaving them out."""
    user = ds.mapping.renames(table).get(column, column)
    if table != "order_lines" or str(user).startswith("="):
        return None
    return Message("problem_hint_exclude_empty", table=table, column=user)


def _not_found_key(word: str) -> str:
    """The English article before ``word`` picks the text: "an order_id", "a customer_id"."""
    return "problem_not_found_an" if word[:1].lower() in "aeiou" else "problem_not_found"


def _reference_problems(ds: Dataset, table: Table, frame: pd.DataFrame, present: frozenset[str]) -> list[str]:
    lines = []
    for column, target in table.references.items():
        key = TABLES[target].key
        if column not in present or target not in ds.tables or not key:
            continue
        if key not in ds.present_columns.get(target, frozenset(ds.tables[target].columns)):
            continue  # reported as a missing column of the referenced table
        values = frame[column]
        orphan = values.notna().to_numpy() & ~is_in(values, ds.tables[target][key])
        what = Message(_not_found_key(column), column=column, target=target, key=key)
        lines.append(row_problem(frame, table.name, column, orphan, what))
    return [line for line in lines if line]
