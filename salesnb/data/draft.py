"""A draft mapping when ``salesnb map`` cannot form the orders table: what it recognised, and where to add the rest.

Writing nothing left the user to start the mapping file from the documentation, though ``map`` had recognised
most columns. The draft holds every table it could propose, the orders table of the file that came closest,
and for each column the orders still need a commented line at its place, naming the file's columns whose
contents fit (:func:`candidates`): the user removes the ``#`` and keeps the right name.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import yaml

from .column_words import says_count, says_measure, says_no_money, says_size, words
from .dates import parse_dates
from .match import MOSTLY, OWN_ID, SAMPLE_ROWS, reads_as_dates, row_counter, yearly
from .parsing import parse_number
from .proposal_tables import orders_columns, tables_from
from .propose import Proposal

REPEATS = 0.9  # a customer column's distinct values stay under this share of its rows (customers buy again)
UNIQUE = 0.98  # an order number column's distinct values reach this share of its rows
SHOWN = 3  # candidates named per missing column
VARIES = 0.2  # share of a column's repeated values found on several days above which it is no order number
FEW = 10  # a customer column of a long sample holds at least this many different values
_TODO = "__salesnb_todo_{column}__"


def file_orders(proposal: Proposal, file: str) -> tuple[dict[str, str], list[str]]:
    """The orders columns ``file`` gives and the required ones it lacks.

    Orders made of customer and day do not count when the order lines come from another file: they would match
    none of its order numbers (:func:`~.proposal_tables.unlinked_per_day`).
    """
    columns, lacking = orders_columns(proposal.recognised[file])
    lines = proposal.tables.get("order_lines")
    if columns.get("order_id") not in (None, *proposal.samples[file].columns) and lines not in (None, file):
        columns = {c: u for c, u in columns.items() if c != "order_id"}
        lacking = ["order_id", *lacking]
    return columns, lacking


def closest_file(proposal: Proposal) -> str | None:
    """The file whose recognised columns leave the orders table the fewest required columns short (no pivot)."""
    recognised = {f: found for f, found in proposal.recognised.items() if f not in proposal.pivots}
    files = [(len(file_orders(proposal, f)[1]), -len(found), f) for f, found in recognised.items()]
    return min(files)[2] if files else None


def candidates(frame: pd.DataFrame, recognised: dict[str, str], column: str) -> list[str]:
    """The frame's unrecognised columns whose contents fit contract ``column`` (a customer, an order id, a date).

    An order id is unique per row, or, in an export of order lines (a product or quantity per row), repeats on
    an order's lines; a row counter (行, 序号: 1, 2, 3 …) is never offered, as each line would be an order.
    """
    sample = frame.head(SAMPLE_ROWS)
    if column == "amount":
        return amounts(sample, recognised)[:SHOWN]
    lines = "product_id" in recognised or "product_name" in recognised or "quantity" in recognised
    taken = {user for concept, user in recognised.items() if concept != OWN_ID}  # a row's own id may be the order's
    out = []
    for name in frame.columns:
        values = sample[name].dropna()
        if name in taken or not len(values) or (column != "order_date" and _staff(name)):
            continue
        distinct = values.nunique() / len(values)
        is_date = reads_as_dates(values)[0]
        numbers = parse_number(values)[0]
        if numbers.notna().all() and (numbers != numbers.round()).any():
            continue  # amounts, prices: no id
        if column != "order_date" and numbers.notna().all() and says_count(name):
            continue  # 单据菜品数, item_count: the same few counts on many orders, no buyer and no order number
        if column == "order_date" and is_date and not yearly(values):
            out.append(name)
        elif column == "order_date" or is_date or not _id_like(values):
            continue
        elif column == "customer_id" and _many(values) and distinct < REPEATS and not _not_buyer(name):
            out.append(name)
        elif column == "order_id" and (row_counter(numbers) or says_size(name) or says_measure(name)):
            continue  # 行, 序号: a row's number, not its order's; employees, seats: a head-count; an age
        elif column == "order_id" and (_no_digits(values) or _spans_dates(sample, name, recognised.get("order_date"))):
            continue  # a person's name, a city, or a code recurring on many days: not an order number
        elif column == "order_id" and (distinct >= UNIQUE or (lines and _many(values) and distinct < REPEATS)):
            out.append(name)
    return sorted(out, key=lambda name: words(name)[-1:] != ["id"])[:SHOWN]  # emp_id before a plain name


def amounts(sample: pd.DataFrame, recognised: dict[str, str]) -> list[str]:
    """The unrecognised columns reading as numbers that could be the orders' amount, the likeliest first.

    Ids, ages and ratings (Ticket_ID, Customer_Age, 满意度) read as numbers but are never money. A total that is
    the sum of two other columns on its rows (总金额 = 已收金额 + 未收金额, an order ledger's total beside what was
    received and what is outstanding) comes first, then columns holding fractions (money has cents; counts do
    not), then the file's order.
    """
    numbers = {}
    for name in sample.columns:
        values = sample[name].dropna()
        if name in recognised.values() or not len(values) or says_no_money(name) or reads_as_dates(values)[0]:
            continue
        parsed = parse_number(values)[0]
        if parsed.notna().mean() >= MOSTLY and not row_counter(parsed):
            numbers[name] = parse_number(sample[name])[0]
    totals = {name for name in numbers if _sum_of_two(numbers, name)}
    fractions = {name for name, values in numbers.items() if (values.dropna() != values.dropna().round()).any()}
    return sorted(numbers, key=lambda name: (name not in totals, name not in fractions))


def _sum_of_two(numbers: dict[str, pd.Series], total: str) -> bool:
    """Whether column ``total`` equals the sum of two other columns on nearly all rows where all three are filled."""
    others = [numbers[name].to_numpy(dtype="float64") for name in numbers if name != total]
    whole = numbers[total].to_numpy(dtype="float64")
    for k, first in enumerate(others):
        for second in others[k + 1 :]:
            gap = np.abs(whole - first - second)
            filled = ~np.isnan(gap)
            if filled.sum() >= 2 and (gap[filled] <= 0.01 * np.maximum(np.abs(whole[filled]), 1)).mean() >= MOSTLY:
                return True
    return False


STAFF_WORDS = ("员工", "工号", "销售员", "业务员", "收银员", "收款员", "导购", "营业员", "销售代表")


def _staff(name: str) -> bool:
    """Whether a column's name says it holds the staff (员工工号, 收银员): never an order number or a customer."""
    return any(word in str(name) for word in STAFF_WORDS)


NOT_BUYER_WORDS = ("状态", "物流", "快递", "运单", "status", "tracking", "carrier", "shipping")


def _not_buyer(name: str) -> bool:
    """Whether a column's name says it holds an order's status or its parcel (订单状态, 物流单号): never the buyer."""
    return any(word in str(name).casefold() for word in NOT_BUYER_WORDS)


def _many(values: pd.Series) -> bool:
    """Whether a column holds many different values, as buyers are: not a flag (会员/普通) or a gender (男/女)."""
    return values.nunique() >= min(FEW, max(2, 0.05 * len(values)))  # a short sample cannot tell: two will do


def _no_digits(values: pd.Series) -> bool:
    """Whether most values hold no digit (颜先生, 广州, Alice): names and places, never an order number."""
    return bool(values.astype("str").str.contains(r"\d").mean() < 0.5)


def _spans_dates(sample: pd.DataFrame, name: str, date: str | None) -> bool:
    """Whether the values of column ``name`` that repeat mostly recur on different days: an order is on one day.

    A customer's name or code repeated across many dates is who bought, not which order it was.
    """
    if date is None or date not in sample.columns:
        return False
    days = parse_dates(sample[date])[0].dt.normalize()
    per_value = days.groupby(sample[name]).nunique()
    repeated = sample[name].value_counts()
    repeated = repeated[repeated > 1].index
    return bool(len(repeated)) and bool((per_value[repeated] > 1).mean() > VARIES)


def _id_like(values: pd.Series) -> bool:
    """Whether values look like codes (1001, *******528, C-17, a@b.cn): no spaces, slashes or long text."""
    return bool(values.astype("str").str.fullmatch(r"[\w\-*@.+#]{1,40}").mean() >= 0.95)


def draft_proposal(proposal: Proposal, file: str) -> tuple[Proposal, list[str]]:
    """``proposal`` with the orders ``file`` could give, and the required columns it still lacks.

    The file's order lines come too when the order number is all they lack: a line export's quantity, price and
    cost were recognised, and a draft without them lost the product, margin and discount sections unexplained
    once the user had filled in the one line asked for.
    """
    columns, lacking = file_orders(proposal, file)
    tables = {**proposal.tables, "orders": file}
    drafted = {**proposal.columns, "orders": columns}
    if "order_lines" not in proposal.tables and "order_id" in lacking:
        offered, missing = tables_from(proposal.recognised[file], keep_short=("order_lines",))
        if missing.get("order_lines") == ["order_id"]:
            tables["order_lines"], drafted["order_lines"] = file, offered["order_lines"]
    return dataclasses.replace(proposal, tables=tables, columns=drafted), lacking


def draft_text(draft: Proposal, lacking: dict[str, list[str]], header: str, todo: str, todo_none: str) -> str:
    """The draft as YAML: each lacking orders column a commented line at its place, with its candidates.

    ``lacking``: contract column -> candidate columns; ``todo`` the comment after a line (``{names}`` filled).
    """
    mapping = draft.mapping()
    orders = mapping.setdefault("columns", {}).setdefault("orders", {})
    for column in lacking:
        orders[column] = _TODO.format(column=column)
    if "order_id" in lacking and "order_lines" in mapping["columns"]:  # the lines name their order the same way
        mapping["columns"]["order_lines"] = {"order_id": _TODO.format(column="order_id"),
                                             **mapping["columns"]["order_lines"]}  # fmt: skip
    text = yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False, width=200)
    for column, names in lacking.items():
        shown = names[0] if names else "?"
        line = f"# {column}: {shown}   # {todo if names else todo_none}".format(names=", ".join(names))
        text = text.replace(f"{column}: {_TODO.format(column=column)}", line)
    return f"# {header}\n{text}"
