"""Contract tables from the user's frames: computed columns, and one row per id from a flat export.

A flat export has one row per order line with the order, customer, product and rep on every row. When a
mapping points several contract tables at one file, each table keyed by an id (orders, customers, products,
reps ...) keeps one row per id: each attribute takes its most frequent value for that id (ties: the value
seen first), and ids whose rows disagree are reported as warnings with examples. An order's ``amount`` is
the sum over its rows, so order totals come from the lines. Rows with an empty id are no entity and dropped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contract import DATE, TABLES, TIMESTAMP
from .dataset import JOINED, Mapping
from .dates import excel_days, parse_dates
from .expressions import column_names, evaluate, evaluate_text, is_text, parse_expression
from .messages import Message, counted
from .parsing import id_text, parse_number
from .provinces import province_warning
from .validation import FILE_ROW, MAX_EXAMPLES, MAX_LISTED_COLUMNS, row_problem, show_value

SUMMED: dict[str, tuple[str, ...]] = {"orders": ("amount", "order_count")}  # additive: an order's total is its lines'
LATEST: dict[str, tuple[str, ...]] = {
    "orders": ("promised_at", "delivered_at")
}  # an order is delivered with its last line
PENDING: dict[str, tuple[str, ...]] = {"orders": ("delivered_at",)}  # an empty line's date: not happened yet
# an order has one customer, one day, one region and one channel (a store numbering its receipts from 0001 reuses them)
ORDER_OF: tuple[str, ...] = ("customer_id", "order_date", "region", "channel")


def _listed(columns: list[str]) -> str:
    shown = ", ".join(map(str, columns[:MAX_LISTED_COLUMNS]))
    return shown + (f" ... ({len(columns)} columns)" if len(columns) > MAX_LISTED_COLUMNS else "")


def computed_columns(
    table: str, frame: pd.DataFrame, expressions: dict[str, str], source: str
) -> tuple[dict[str, pd.Series], list[str], dict, list[str]]:
    """Evaluate the mapping's ``column: "=expression"`` entries of ``table`` on the user's ``frame``.

    Returns the computed columns (float64 by contract name; text for ``province([收货地址])``), problems (a name
    the file does not have, naming the file's columns; values that are not numbers; divisions by zero), the
    positions of the rows already reported, so that validation does not report them again as empty, and
    warnings (the rows whose address reads no province: their region is 未知).
    """
    out, problems, reported, warnings = {}, [], {}, []
    for column, text in expressions.items():
        node = parse_expression(text)
        names = column_names(node)
        missing = [n for n in names if n not in frame.columns]
        if missing:
            absent = ", ".join(repr(m) for m in missing)
            listed = _listed([c for c in frame.columns if c != FILE_ROW])
            problems.append(
                Message(
                    "problem_computed_missing",
                    table=table,
                    column=column,
                    text=text,
                    source=source,
                    missing=absent,
                    listed=listed,
                )
            )
            continue
        if is_text(node):  # region: =province([收货地址])
            out[column] = evaluate_text(node, frame[names[0]])
            warnings += [w for w in [province_warning(frame[names[0]], out[column], names[0], source)] if w]
            continue
        numbers, bad = {}, np.zeros(len(frame), dtype=bool)
        for name in names:
            numbers[name], failed = parse_number(frame[name])
            days = excel_days(frame[name]) if failed is not None and failed.any() else None
            if days is not None:  # a date, in days: ``[created_date] + [first_response_minutes] / 1440``
                numbers[name], failed = days, None
            if failed is not None and failed.any():
                what = Message("problem_computed_not_number", name=name, text=text)
                problems.append(row_problem(frame, table, column, failed, what, values=frame[name]))
                bad |= failed.to_numpy(dtype=bool)
        value = evaluate(node, numbers, frame.index)
        inputs_present = np.ones(len(frame), dtype=bool)
        for name in names:
            inputs_present &= numbers[name].notna().to_numpy()
        undefined = value.isna().to_numpy() & inputs_present
        what = Message("problem_computed_division", text=text)
        shown = frame[names[-1]] if names else None
        problems.append(row_problem(frame, table, column, undefined, what, values=shown))
        reported[(table, column)] = np.flatnonzero(bad | undefined)
        out[column] = value
    return out, [p for p in problems if p], reported, warnings


def _best_values(codes: np.ndarray, n_ids: int, values: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """Most frequent non-empty value per id code (ties: first seen), and (id code, value, rows) of ids that disagree.

    Integer work only (values factorised, pairs counted with ``np.unique``), far faster than a groupby on text.
    """
    value_codes, uniques = pd.factorize(values)
    if not len(uniques):  # no value at all (every date unparseable, a column left blank): empty per id
        empty = pd.Series(index=range(n_ids), dtype=values.dtype)
        return empty, pd.DataFrame({"id": [], "value": [], "size": []})
    ok = value_codes >= 0
    width = max(len(uniques), 1)
    pairs, first, size = np.unique(
        codes[ok].astype(np.int64) * width + value_codes[ok], return_index=True, return_counts=True
    )
    ident, value, first = pairs // width, pairs % width, np.flatnonzero(ok)[first]
    order = np.lexsort((first, -size, ident))  # per id: most rows first, then first seen
    ident, value, size = ident[order], value[order], size[order]
    lead = np.r_[True, ident[1:] != ident[:-1]] if len(ident) else np.zeros(0, dtype=bool)
    best = np.full(n_ids, -1)
    best[ident[lead]] = value[lead]
    chosen = pd.Series(uniques.take(np.maximum(best, 0)), dtype=values.dtype).where(best >= 0)
    disagree = np.bincount(ident, minlength=n_ids)[ident] > 1
    conflicts = pd.DataFrame({"id": ident[disagree], "value": uniques.take(value[disagree]), "size": size[disagree]})
    return chosen, conflicts


def _first_time(codes: np.ndarray, n_ids: int, values: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """Each id's most frequent day at its earliest time there, and the ids whose rows fall on several days.

    A till without receipt numbers makes one order of a customer's day (``order_id: {per: [卡号, 时间]}``), and an
    ERP stamps each line when it was scanned: times of one day are one order placed at the first, not a conflict.
    """
    days, conflicts = _best_values(codes, n_ids, values.dt.normalize())
    on_day = (values.dt.normalize() == days.to_numpy()[codes]).to_numpy()
    earliest = values[on_day].groupby(codes[on_day]).min().reindex(range(n_ids))
    return pd.Series(earliest.to_numpy(), dtype=values.dtype), conflicts


def _latest(codes: np.ndarray, n_ids: int, values: pd.Series, pending: bool) -> np.ndarray:
    """Each id's latest date; with ``pending``, none for an id with an empty line when the file dates every line.

    An order is delivered with its last line: a line-level export (签收日期 on each line) leaves the lines not yet
    received empty, and the latest of the received ones read a half-delivered order as delivered, on time (TPC-H
    exported on its last order day, real30: 53% of July's due orders late instead of 87%). A sheet writing the
    order's date once, on its first line, keeps the latest: there most orders of several lines (any dated) carry
    it on one line only (more than :data:`ONCE_PER_ORDER`).
    """
    latest = values.groupby(codes).max().reindex(range(n_ids)).to_numpy()
    if not pending:
        return latest
    rows = np.bincount(codes, minlength=n_ids)
    dated = np.bincount(codes, weights=values.notna().to_numpy(dtype=float), minlength=n_ids)
    several = (rows > 1) & (dated > 0)
    if not several.any() or (dated[several] == 1).mean() > ONCE_PER_ORDER:
        return latest  # the date written once per order, on its first line
    return pd.Series(latest, dtype=values.dtype).where(dated >= rows).to_numpy()


def _conflict_warning(table: str, key: str, column: str, conflicts: pd.DataFrame, ids: pd.Series) -> Message:
    shown = conflicts["id"].drop_duplicates()
    examples = []
    for code in shown.iloc[:MAX_EXAMPLES]:
        rows = conflicts[conflicts["id"] == code]
        seen = ", ".join(f"{show_value(v)} ×{n}" for v, n in zip(rows["value"], rows["size"], strict=True))
        examples.append(f"{ids.iloc[code]}: {seen}")
    return counted("problem_conflict", len(shown), table=table, key=key, column=column, examples="; ".join(examples))


def one_row_per_id(
    table: str, frame: pd.DataFrame, present: frozenset[str], unparsed: dict, names: Mapping | None = None
) -> tuple[pd.DataFrame, list[str], dict]:
    """Collapse a keyed table read from a flat export to one row per id; returns frame, warnings, unparsed.

    Contract columns take the most frequent value per id (``orders.amount`` the sum; the promised and delivery
    dates the latest, as an order is complete with its last line: no delivery yet while a line has none, see
    :func:`_latest`); other columns the first row's value. Ids keep
    the order of their first row. ``unparsed`` (positions of unparseable values, already reported) is re-pointed
    at the collapsed rows so that validation does not report them again. Orders made of a customer's day
    (``names`` maps ``order_id: {per: [卡号, 日期]}``) are placed at their first time that day (:func:`_first_time`).
    """
    key = TABLES[table].key
    frame = frame.reset_index(drop=True)
    codes, _ = pd.factorize(frame[key])  # codes follow first appearance; -1: empty id
    if (codes >= 0).all() and codes.max(initial=-1) + 1 == len(frame):
        return frame, [], unparsed
    keep = codes >= 0
    rows, codes = frame[keep], codes[keep]
    n_ids = int(codes.max(initial=-1)) + 1
    _, first_rows = np.unique(codes, return_index=True)
    first = rows.iloc[first_rows].reset_index(drop=True)
    warnings = []
    renames = names.renames(table) if names is not None else {}
    by_day = names is not None and renames.get("order_date") in names.joined.get(renames.get(key, key), ())
    for column in frame.columns:
        if column == key or TABLES[table].column(column) is None or column not in present:
            continue
        values = rows[column]
        if column in LATEST.get(table, ()):  # lines shipped on several days: the order arrived with the last
            first[column] = _latest(codes, n_ids, values, column in PENDING.get(table, ()))
            continue
        if column in SUMMED.get(table, ()) and repeated_per_id(codes, values):  # the order's total on each line
            first[column] = values.groupby(codes).first().reindex(range(n_ids)).to_numpy()
            orders = int((np.bincount(codes, minlength=n_ids) > 1).sum())  # what adding up would have counted more
            extra = f"{float(values.sum() - first[column].sum()):,.2f}"
            warnings.append(Message("problem_amount_repeated", table=table, column=column, orders=orders, extra=extra))
            continue
        if column in SUMMED.get(table, ()):
            total = np.bincount(codes, weights=values.fillna(0).to_numpy(dtype=float), minlength=n_ids)
            counted = np.bincount(codes, weights=values.notna().to_numpy(dtype=float), minlength=n_ids)
            first[column] = pd.Series(total, dtype=values.dtype).where(counted > 0)
            continue
        if by_day and column == "order_date" and pd.api.types.is_datetime64_any_dtype(values):
            first[column], conflicts = _first_time(codes, n_ids, values)
        else:
            first[column], conflicts = _best_values(codes, n_ids, values)
        if len(conflicts):
            warnings.append(_conflict_warning(table, key, column, conflicts, first[key]))
    repointed = {}
    for (name, column), _ in unparsed.items():
        if name == table:
            repointed[(name, column)] = np.flatnonzero(first[column].isna().to_numpy())
    return first, warnings, {**unparsed, **repointed}


ONCE_PER_ORDER = 0.5  # share of orders of several lines dated on one line only: the date is the order's, written once
REPEATED_IDS = 3  # ids of several rows needed to tell an order's total repeated on its lines from line amounts


def repeated_per_id(codes: np.ndarray, values: pd.Series) -> bool:
    """Whether every id of several rows repeats one value on all of them: an order's total written on each line.

    A marketplace's order-detail export writes 订单金额 (the whole order) on every item line; summed per order it
    counted a three-line order three times. Line amounts agree on every line of every order only when the lines
    do not differ, so :data:`REPEATED_IDS` such orders, and not one that differs, make the column the order's.
    """
    frame = pd.DataFrame({"id": codes, "value": values.to_numpy()}).dropna()
    sizes = frame.groupby("id")["value"].agg(["size", "nunique"])
    several = sizes[sizes["size"] > 1]
    return len(several) >= REPEATED_IDS and bool((several["nunique"] == 1).all())


def day_of(values: pd.Series) -> pd.Series:
    """A date column's day as text: a time of day on some rows does not make another order."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.normalize().astype("str").where(values.notna())
    return values.astype("str").where(values.notna()).str.split(r"[ T]", n=1, regex=True).str[0]


def split_reused_orders(frame: pd.DataFrame, names: Mapping) -> tuple[pd.DataFrame, list[Message]]:
    """A flat export's order number that stands for several orders is split: one per customer, day, region, channel.

    Some systems reuse an order number (per store, per year, a re-keyed sample): its rows then carry other
    customers, dates, regions or stores. Collapsed to one row per id, every line would move to the most frequent
    date, region and channel, so revenue would land in the wrong month, region or store and orders be undercounted.
    Instead the rows of one number are told apart by those of :data:`ORDER_OF` the mapping gives the orders (an
    empty one counts as the number's first): the
    first seen keeps the number, the others become ``number#2``, ``number#3`` ... in every table the file
    feeds (orders and their lines alike). One warning says how many numbers were split, with examples.
    """
    renames, computed = names.renames("orders"), names.computed("orders")
    key = renames.get("order_id", "order_id")
    own = names.joined.get(renames.get("order_id", ""), [])  # an id of customer and day: the rest tells orders apart
    parts = [renames.get(c, c) for c in ORDER_OF if c not in computed]
    parts = [c for c in parts if c in frame.columns and c not in own]
    if key not in frame.columns or not parts:
        return frame, []
    ids = frame[key]
    codes, _ = pd.factorize(ids)
    keep = codes >= 0
    values = {c: (day_of(frame[c]) if c == renames.get("order_date", "order_date") else frame[c]) for c in parts}
    keyed = pd.DataFrame({"id": codes, **{f"k{i}": v.to_numpy() for i, v in enumerate(values.values())}})[keep]
    columns = [c for c in keyed.columns if c != "id"]
    for column in columns:  # an empty customer or day is the number's first known one
        keyed[column] = keyed[column].fillna(keyed.groupby("id")[column].transform("first"))
    combo = keyed.groupby(["id", *columns], dropna=False, sort=False).ngroup().to_numpy()
    n_combos = int(combo.max(initial=-1)) + 1
    if n_combos == int(codes.max(initial=-1)) + 1:
        return frame, []
    _, first = np.unique(combo, return_index=True)
    owners = pd.DataFrame({"id": keyed["id"].to_numpy()[first], "at": first}).sort_values(["id", "at"])
    rank = np.empty(n_combos, dtype=np.int64)
    rank[owners.index.to_numpy()] = owners.groupby("id").cumcount().to_numpy()
    row_rank = np.zeros(len(frame), dtype=np.int64)
    row_rank[np.flatnonzero(keep)] = rank[combo]
    text = id_text(ids)
    taken = set(text.dropna())
    split = row_rank > 0
    new = text[split] + "#" + pd.Series(row_rank[split] + 1, index=text.index[split]).astype("str")
    while taken & set(new):  # a number#k the export already uses: lengthen the suffix until it is free
        new = new.where(~new.isin(taken), new + "#")
    text[split] = new
    count = pd.Series(rank).groupby(owners.sort_index()["id"].to_numpy()).max()
    reused = count[count > 0]
    examples = ", ".join(
        f"{ids.iloc[np.flatnonzero(codes == c)[0]]} ×{n + 1}" for c, n in reused.iloc[:MAX_EXAMPLES].items()
    )
    by = {"parts": " / ".join(map(str, parts)), "by": " + ".join(map(str, [key, *parts]))}
    warning = counted("problem_split_orders", len(reused), key=key, orders=int(reused.sum()), examples=examples, **by)
    return frame.assign(**{key: text}), [warning]


def add_joined_ids(frame: pd.DataFrame, names: Mapping) -> pd.DataFrame:
    """``frame`` with each id the mapping makes of columns (``order_id: {per: [社保卡号, 购药时间]}``) as a column.

    A POS or pharmacy export has no order number: a visit is one customer on one day, the rule
    :func:`split_reused_orders` already applies to reused numbers. The id is the parts' values joined
    (``*******528 + 2018-01-01``); a part the mapping reads as a date counts by its day (a time of day or a
    weekday after it makes no other order). A row with an empty part has no id (reported as such). An id whose
    parts the file lacks is not added: validation names the mapped column the data does not have.
    """
    dates = {user for table in TABLES for c, user in names.renames(table).items() if _is_date(table, c)}
    added: dict[str, pd.Series] = {}
    for _ in range(2):  # an id may be made of a joined month (年份 + 月份, :mod:`.year_months`): that one first
        for name, parts in names.joined.items():
            have = {**{c: frame[c] for c in parts if c in frame.columns}, **added}
            if name in frame.columns or name in added or not all(p in have for p in parts):
                continue
            texts = [_day_text(have[p], names) if p in dates else id_text(have[p]) for p in parts]
            joined = texts[0].astype("object")
            for text in texts[1:]:
                joined = joined + JOINED + text.astype("object")
            added[name] = joined.astype("str")
    return frame.assign(**added) if added else frame


def _is_date(table: str, column: str) -> bool:
    spec = TABLES[table].column(column)
    return spec is not None and spec.kind in (DATE, TIMESTAMP)


def _day_text(values: pd.Series, names: Mapping) -> pd.Series:
    """A date column's day as ``YYYY-MM-DD``; a value that is no date stays as written (it is reported apart)."""
    parsed, _, _ = parse_dates(values, dayfirst=names.dayfirst)
    return parsed.dt.strftime("%Y-%m-%d").where(parsed.notna(), id_text(values))


def joined_note(tables: dict[str, pd.DataFrame], names: Mapping, file_rows: int | None = None) -> list[Message]:
    """One line saying how many orders an order id made of columns gives, from how many rows (``validate`` shows it).

    The rows are the order lines', else ``file_rows``: the rows of the orders' file before they were made orders.
    """
    key = names.renames("orders").get("order_id")
    if key not in names.joined or "orders" not in tables:
        return []
    orders = int(tables["orders"]["order_id"].nunique())
    rows = len(tables["order_lines"]) if "order_lines" in tables else (file_rows or len(tables["orders"]))
    named = names.renames("orders")
    if not {"customer_id", "order_count"} & set(named):  # a summary's rows (:func:`~.shapes.period_totals`)
        return [Message("problem_summary_rows", parts=" × ".join(names.joined[key]), orders=orders)]
    return [Message("problem_joined_orders", parts=key, orders=orders, rows=rows)]
