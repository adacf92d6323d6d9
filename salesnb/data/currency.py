"""Amounts in several currencies: refused as they are, converted into one with the mapping's rates.

A foreign-trade order register keeps a 货币 column (EUR, USD, CNY) beside 金额. Added up as one currency, its
March read −50.8 % on February where, converted into yuan, it rose about 68 %, and a CNY customer's share of
revenue was wrong. The contract's amounts are in one currency, so a file whose currency column holds several is
a problem naming them (:func:`currency_problems`), with the way out: the rates in the mapping,

```yaml
currency: {column: 货币, base: CNY, rates: {EUR: 7.8, USD: 7.2}}   # one EUR is 7.8 CNY
```

or an ``exclude:`` keeping one currency. With rates, every money column of a table read from that file
(amounts, prices, costs) is multiplied by its row's rate before orders are totalled (:func:`in_base_currency`),
and a warning says what was converted. A currency is recognised however it is written (人民币, RMB, ¥ are CNY).

A money column named in the books' own currency (用友/SAP's 本币无税金额 beside 原币无税金额, 汇率 and 币种) is
already one currency: a table whose money all comes from such columns is never converted, and its file's mixed
币种 is said as a warning, not refused (:func:`books_money`). Refused, the mapping's way out (rates) would have
multiplied yuan by the euro's rate.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .column_words import BOOKS_WORDS, NAMES, named_column
from .dataset import Mapping
from .expressions import column_names, parse_expression
from .messages import Message

CURRENCY_NAMES = tuple(NAMES["currency_names"])  # 货币, 币种, currency: the column naming a row's currency
ALIASES = {alias.upper(): code for code, aliases in NAMES["currency_codes"].items() for alias in aliases}
MONEY: dict[str, tuple[str, ...]] = {  # each table's columns holding money
    "orders": ("amount",),
    "order_lines": ("unit_price", "list_price", "unit_cost"),
    "products": ("list_price", "unit_cost"),
    "opportunities": ("amount",),
    "invoices": ("amount", "paid_amount"),
}
LISTED = 4  # currencies named in a message


def currency_code(value: object) -> str | None:
    """The code of a currency as an export writes it: 人民币, RMB, ¥ → CNY; an unknown one upper-cased as it is."""
    if value is None or pd.isna(value) or not str(value).strip():
        return None
    text = str(value).strip().upper()
    return ALIASES.get(text, text)


def currency_column(frame: pd.DataFrame, names: Mapping) -> str | None:
    """The file's currency column: the mapping's ``currency.column``, else one named like a currency (货币)."""
    declared = names.currency.get("column")
    if declared:
        return declared if declared in frame.columns else None
    return named_column(frame, CURRENCY_NAMES)


def currency_problems(frame: pd.DataFrame, names: Mapping, where: str) -> tuple[list[Message], list[Message]]:
    """(problems, warnings) of a file's currencies: several without rates, or one without its rate, is a problem.

    A file of one currency says nothing, nor do the currencies the mapping's ``exclude:`` leaves out. With the
    mapping's rates, a warning says which rows were converted; a file whose money is read from 本币 columns alone
    (:func:`books_money`), that they were not.
    """
    column = currency_column(frame, names)
    if column is None:
        return [], []
    codes = _codes(frame[column]).value_counts().sort_index()
    books = books_money(names, list(names.columns), frame.columns)
    codes = codes.sort_values(ascending=False, kind="stable")  # the most rows first, a tie by its code
    left_out = {currency_code(v) for rules in names.exclude.values() for v in rules.get(column, [])}
    codes = codes[[code not in left_out for code in codes.index]]  # exclude: {orders: {货币: [EUR, USD]}}
    if books and (len(codes) > 1 or names.currency):
        return [], [Message("problem_currency_books", where=where, column=column, listed=_listed(codes), columns=books)]
    if not names.currency:
        if len(codes) < 2:
            return [], []
        base = "CNY" if "CNY" in codes.index else str(codes.index[0])
        example = ", ".join(f"{code}: ?" for code in codes.index if code != base)
        listed = _listed(codes)
        said = Message("problem_currencies_mixed", where=where, column=column, n=len(codes), listed=listed)
        return [Message("problem_currencies_hint", said=said, column=column, base=base, example=example)], []
    rates = names.currency["rates"]
    unknown = codes[[code not in rates and code != names.currency["base"] for code in codes.index]]
    if len(unknown):
        return [Message("problem_currency_no_rate", where=where, column=column, listed=_listed(unknown))], []
    converted = codes[[code != names.currency["base"] for code in codes.index]]
    if not len(converted):
        return [], []
    return [], [
        Message("problem_currency_converted", where=where, listed=_listed(converted), base=names.currency["base"])
    ]


def in_base_currency(table: str, frame: pd.DataFrame, names: Mapping) -> pd.DataFrame:
    """``frame`` with its money columns in the mapping's base currency (each row times its currency's rate).

    A row without a currency is taken to be in the base currency. Nothing changes without ``currency:`` rates or
    without the currency column in the frame.
    """
    column = currency_column(frame, names) if names.currency else None
    money = [c for c in MONEY.get(table, ()) if c in frame.columns]
    if column is None or not money or books_money(names, [table]):
        return frame
    factor = _factors(frame[column], names)
    return frame.assign(**{c: frame[c] * factor for c in money})


def lines_in_order_currency(tables: dict[str, pd.DataFrame], names: Mapping) -> dict[str, pd.DataFrame]:
    """``tables`` with order lines that name no currency of their own converted at their order's currency.

    An order file with 币种 beside a lines file without it: the orders were converted, the lines (where revenue
    comes from) were not, while the warning said "converted". Lines of an order without a currency stay as they are.
    """
    lines, orders = tables.get("order_lines"), tables.get("orders")
    if not names.currency or lines is None or orders is None or currency_column(lines, names) is not None:
        return tables
    if books_money(names, ["order_lines"]):  # 本币 prices: already in one currency
        return tables
    column = currency_column(orders, names)
    money = [c for c in MONEY["order_lines"] if c in lines.columns]
    if column is None or not money:
        return tables
    by_order = pd.Series(_factors(orders[column], names), index=orders["order_id"].to_numpy())
    factor = lines["order_id"].map(by_order[~by_order.index.duplicated()]).fillna(1.0).to_numpy(dtype=float)
    return {**tables, "order_lines": lines.assign(**{c: lines[c] * factor for c in money})}


def books_money(names: Mapping, tables: list[str], columns: object = None) -> str:
    """The user's money columns of ``tables`` (among ``columns`` when given), when all are in the books' currency.

    ``""`` when any money of those tables is read from a column not named so (金额, 原币无税金额), or none is mapped.
    A computed money column counts by the columns it reads: ``=[本币无税金额] / [数量]`` is in the books' currency.
    """
    sources = []
    for table in tables:
        for concept in MONEY.get(table, ()):
            read = _sources(names, table, concept)
            read = [c for c in read if columns is None or c in columns]
            if read:
                sources.append(read)
    if not sources or not all(any(_in_books(c) for c in read) for read in sources):
        return ""
    return ", ".join(dict.fromkeys(c for read in sources for c in read if _in_books(c)))


def _sources(names: Mapping, table: str, concept: str) -> list[str]:
    """The user's columns a contract money column is read from: its own, or those its expression reads."""
    plain = names.renames(table).get(concept)
    if plain:
        return [plain]
    expression = names.computed(table).get(concept)
    if not expression:
        return []
    try:
        return column_names(parse_expression(expression))
    except ValueError:  # a broken expression is said where it is evaluated
        return []


def _in_books(column: str) -> bool:
    """Whether a column's name says its money is in the books' own currency: 本币无税金额, Amount in Local Currency."""
    loose = re.sub(r"[\s_\-./:#()（）\[\]【】]+", "", str(column).casefold())
    return any(word in loose for word in BOOKS_WORDS)


def _factors(values: pd.Series, names: Mapping) -> np.ndarray:
    """Each row's rate into the base currency (1 for the base and for a row naming no currency)."""
    rates = {**names.currency["rates"], names.currency["base"]: 1.0}
    return _codes(values).map(rates).fillna(1.0).to_numpy(dtype=float)


def _codes(values: pd.Series) -> pd.Series:
    """Each row's currency code, read once per distinct spelling (a column of millions holds a few)."""
    return values.map({value: currency_code(value) for value in values.dropna().unique()})


def _listed(counts: pd.Series) -> str:
    """``EUR 208 行, USD 130 行`` — the currencies and how many rows each holds, the most frequent first."""
    shown = [Message("problem_currency_rows", code=str(code), n=int(n)) for code, n in counts.head(LISTED).items()]
    return shown + (["…"] if len(counts) > LISTED else [])
