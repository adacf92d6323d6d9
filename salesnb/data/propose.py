"""Propose a mapping for an export from its column names and contents (``salesnb map``).

Column names are compared with Chinese and English synonyms ignoring case, spaces, underscores, hyphens and a
unit in brackets (``金额(元)``). Contents confirm a match: a date column must read as dates, an amount or a
quantity as numbers; when no name says "date", the first column whose values read as dates is the order date.
From one flat export every derivable table is proposed (orders, order_lines, customers, products, reps);
a line total without a unit price becomes ``unit_price: "=[Sales] / [Quantity]"``, and a line profit next to it
``unit_cost: "=([Sales] - [Profit]) / [Quantity]"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataSourceError
from .address_regions import province_tables
from .column_words import FILE_WORDS, normalise
from .contract import TABLES
from .crossed_ids import name_for_crossed_ids
from .database import masked_url
from .dataset import EMPTY, PER, joined_name
from .expressions import column_names, evaluate_text, is_text, parse_expression
from .header_rows import no_header
from .invoice_files import invoice_tables
from .line_amounts import (
    amount_priced,
    list_prices,
    order_total,
    quoted_list_price,
    shelf_price,
    taxed_price,
)
from .loading import FILE_SUFFIXES, SHEET, read_table_file
from .match import SAMPLE_ROWS, match_columns
from .messages import Message
from .namesakes import by_name_and_phone
from .parsing import parse_number
from .pipelines import pipeline_tables
from .proposal_tables import (
    ONE_UNIT,
    derived_quantity,
    note_per_day,
    one_unit,
    own_table,
    profit_cost,
    tables_from,
    unlinked_per_day,
)
from .references import product_keys, refer_products
from .return_rows import add_returns
from .row_notes import ZERO, note_rows
from .scales import MONEY, multiplier, profit_over_amount
from .shapes import summary_ids
from .ticket_files import ticket_columns, ticket_named
from .wide_targets import MONTHS, YEAR, month_sheet, wide_mapping
from .workbooks import data_sheets, is_workbook
from .year_months import year_month

VARYING = 0.2  # an attribute differing within this share of a dimension's ids belongs to the order, not to it
DIMENSIONS = ("customers", "products", "reps")


@dataclass
class Proposal:
    """A proposed mapping and what it is based on."""

    source: str  # file or folder given
    tables: dict[str, str] = field(default_factory=dict)  # contract table -> file name
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> contract column -> user column
    unused: dict[str, list[str]] = field(default_factory=dict)  # file -> columns no table uses
    missing: dict[str, list[str]] = field(default_factory=dict)  # table -> what its file lacks
    notes: list[str] = field(default_factory=list)  # files whose dates do not tell day from month
    varying: list[tuple[str, str, str, float]] = field(default_factory=list)  # (table, column, user, share of ids)
    one_unit: list[str] = field(default_factory=list)  # files whose rows are read as one unit each (no quantity)
    cancelled: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (file, status column, values)
    unpaid: list[tuple[str, str]] = field(default_factory=list)  # (file, payment time column with empty cells)
    zero_lines: list[tuple] = field(default_factory=list)  # (file, quantity, rows, money, share, month, its, "=0"/"")
    negative: list[tuple[str, str, int, float | None]] = field(default_factory=list)  # (file, quantity, rows, share)
    return_lines: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> returns columns of its 红字 lines
    rows: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # table -> the rows it keeps (return_rows)
    credits: list[tuple[str, str, int, float]] = field(default_factory=list)  # (file, amount, rows, share) < 0
    per_day: list[tuple[str, list[str], int, int, int]] = field(default_factory=list)  # (file, id parts, orders,
    # rows, orders split off a customer's day by region or channel: :func:`~.derive.split_reused_orders`)
    refunded: list[tuple[str, str, int]] = field(default_factory=list)  # (file, amount column, rows refunded in full)
    samples: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # file -> its first rows (a draft)
    recognised: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> concept -> its column
    splits: list[tuple[str, list[str]]] = field(default_factory=list)  # (pattern, its files): one table by year
    unreadable: list[tuple[str, object]] = field(default_factory=list)  # (file, why): left out of the proposal
    headerless: list[str] = field(default_factory=list)  # files or sheets without a header row: left out
    crossed: list[tuple[str, str, str, str, float, list[str]]] = field(default_factory=list)  # crossed_ids, by file
    list_priced: list[tuple[str, str, str, str, float, float]] = field(default_factory=list)  # line_amounts, by file
    shelf_priced: list[tuple[str, str, str]] = field(default_factory=list)  # (file, list price read as sold, quantity)
    over_listed: list[tuple[str, str, str, str | None, float]] = field(default_factory=list)  # line_amounts, by file
    amount_priced: list[tuple] = field(default_factory=list)  # (file, "rounded" or "apart", …): line_amounts
    taxed_prices: list[tuple[str, str, str, str, str | None, float]] = field(default_factory=list)  # line_amounts
    catalogue_priced: bool = False  # order lines without a price, valued at products.list_price (a star schema)
    order_totals: list[tuple[str, str]] = field(default_factory=list)  # (file, amount column holding order totals)
    line_costs: list[tuple[str, str]] = field(default_factory=list)  # (file, cost column holding each line's total)
    loose_profits: list[tuple[str, str, str, int, str]] = field(default_factory=list)  # (file, profit, amount, rows
    # above the amount, the cost it would give): no cost proposed
    scaled: list[tuple[str, str, str, int]] = field(default_factory=list)  # (file, money column, 万元, 10000)
    pivots: dict[str, list[str]] = field(default_factory=dict)  # file -> its month columns: a pivot, not sales
    wide: dict[str, dict] = field(default_factory=dict)  # file -> {year, months}: targets a column per month
    summaries: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # file -> (order count, its dimensions)
    totals: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # file -> (date, its dimensions): summaries
    year_months: dict[str, list[str]] = field(default_factory=dict)  # file -> [年份, 月份]: one date (year_months)
    namesakes: dict[str, tuple[list[str], float] | None] = field(default_factory=dict)  # file -> ([客户姓名, 联系电话],
    # share): buyers' names shared by people of different phones, each buyer a name and a phone (namesakes)
    left_out: list[str] = field(default_factory=list)  # tables whose own-named file lacks their required columns
    side_rules: list[tuple[str, dict]] = field(default_factory=list)  # (file, exclude): a deal pipeline, a ledger
    tickets_only: list[str] = field(default_factory=list)  # files of support tickets and no sale (ticket_files)
    provinces: list[tuple[str, str, bool]] = field(default_factory=list)  # (file, column, addresses or spellings):
    # the region is the province it says (address_regions.province_tables)

    def mapping(self) -> dict:
        """The mapping as a dict for the YAML file (only names that differ from the contract's)."""
        tables = {t: f for t, f in self.tables.items() if SHEET in f or Path(f).stem != t}
        tables |= {t: None for t in self.left_out if t not in self.tables}  # leads: ~ (its file is no such table)
        joined = {joined_name(parts): parts for _, parts, *_ in self.per_day}  # order_id: {per: [..]}
        summed = [*self.summaries.values(), *self.totals.values(), *(("", p) for p in self.year_months.values())]
        summed += [("", shared[0]) for shared in self.namesakes.values() if shared]  # 客户姓名 + 联系电话
        joined |= {joined_name(parts): parts for _, parts in summed if parts}
        columns = {
            t: {c: {PER: list(joined[u])} if u in joined else u for c, u in cols.items() if u != c}
            for t, cols in self.columns.items()
        }
        columns = wide_mapping(columns, self.wide.get(self.tables.get("targets", "")))  # period: {year, months}
        out: dict = {"tables": tables, "columns": {t: c for t, c in columns.items() if c}, "exclude": self.exclude()}
        out["rows"] = self.rows
        return {k: v for k, v in out.items() if v}

    def exclude(self) -> dict[str, dict[str, list[str]]]:
        """The cancelled orders to leave out: on the orders table when its file holds the status, else its lines'."""
        out: dict[str, dict[str, list[str]]] = {}
        for file, column, values in self.cancelled:
            table = next((t for t in ("orders", "order_lines") if self.tables.get(t) == file), None)
            if table is not None:
                out.setdefault(table, {})[column] = list(values)
        for _, column in self.unpaid_orders():
            out.setdefault("orders", {})[column] = [EMPTY]
        for _, column, *_, condition in self.no_op_lines():  # quantity 0, or none at all
            out.setdefault("order_lines", {}).setdefault(column, []).append(condition)
        for _, column, _ in self.refunded_orders():
            out.setdefault("orders", {})[column] = [ZERO]
        for file, rules in self.side_rules:  # a pipeline's deals not won are no orders, an undated one no deal
            for table, column in ((t, c) for t in rules if self.tables.get(t) == file for c in rules[t]):
                out.setdefault(table, {}).setdefault(column, []).extend(rules[table][column])  # beside, not over
        return {table: {c: list(dict.fromkeys(v)) for c, v in rules.items()} for table, rules in out.items()}

    def unpriced(self) -> bool:
        """Whether the orders have neither an amount nor priced order lines: every sale would count as 0.

        Such a mapping is no result to present as final: ``map`` writes a draft naming the columns that could be
        the amount (:func:`~.draft.amounts`), as it does for a missing order id.
        """
        return "orders" in self.columns and "amount" not in self.columns["orders"] and "order_lines" not in self.columns

    def orders_per_day(self) -> list[tuple[str, list[str], int, int, int]]:
        """(file, [customer, date], orders, rows, split) without order numbers (:func:`per_day_id`)."""
        key = self.columns.get("orders", {}).get("order_id")
        return [n for n in self.per_day if self.tables.get("orders") == n[0] and joined_name(n[1]) == key]

    def counted_orders(self) -> list[tuple[str, str, list[str]]]:
        """(file, order-count column, the dimensions its rows total by) when the orders are a summary's rows."""
        counted = self.columns.get("orders", {}).get("order_count")
        file = self.tables.get("orders")
        return [(file, count, dims) for f, (count, dims) in self.summaries.items() if f == file and count == counted]

    def refunded_orders(self) -> list[tuple[str, str, int]]:
        """(file, amount column, rows) of the orders' file whose amount is 0 after a full refund."""
        amount = self.columns.get("orders", {}).get("amount")
        return [n for n in self.refunded if self.tables.get("orders") == n[0] and n[1] == amount]

    def refunds(self) -> list[tuple[str, str]]:
        """(file, refund column) of the orders' file: understood, though no contract column takes it."""
        orders = self.tables.get("orders")
        return [(orders, self.recognised[orders]["refund"])] if "refund" in self.recognised.get(orders, {}) else []

    def no_op_lines(self) -> list[tuple]:
        """(file, quantity, rows, money, …: row_notes.zero_lines) of the order lines' file's lines of quantity 0."""
        return [note for note in self.zero_lines if self.tables.get("order_lines") == note[0]]

    def returned_lines(self) -> list[tuple[str, str, int, float | None]]:
        """(file, quantity column, rows, their value's share of the sales) of lines with a negative quantity."""
        return [note for note in self.negative if self.tables.get("order_lines") == note[0]]

    def credit_orders(self) -> list[tuple[str, str, int, float]]:
        """(file, amount column, rows, share) of the orders' file with negative amounts (red invoices, refunds)."""
        amount = self.columns.get("orders", {}).get("amount")
        return [n for n in self.credits if self.tables.get("orders") == n[0] and n[1] == amount]

    def unpaid_orders(self) -> list[tuple[str, str]]:
        """(file, column) of the orders' payment time when it is not their date: its empty cells are unpaid orders."""
        orders = self.columns.get("orders", {})
        return [(f, c) for f, c in self.unpaid if self.tables.get("orders") == f and orders.get("order_date") != c]


def _varying(frame: pd.DataFrame, table: str, columns: dict[str, str]) -> list[tuple[str, str, str, float]]:
    """Attributes of a dimension table that differ between rows of one id for many ids.

    E.g. a customer who bought in several regions: the region is the order's, not the customer's. Values differing
    only in case or spaces (Clothing, CLOTHING, ``  clothing``) are one value written differently. A name is not
    checked: a product retitled on a platform (a quarter of a Wayfair seller's SKUs) is still one product, and its
    label is the most frequent name (the loader says which ids had several); left out, products showed as codes.
    """
    key = columns[TABLES[table].key]
    found = []
    for column, user in columns.items():
        node = parse_expression(user[1:]) if user.startswith("=") else None  # a province read: its provinces vary
        if user == key or (node and not is_text(node)) or column == TABLES[table].key or column.endswith("_name"):
            continue
        values = evaluate_text(node, frame[column_names(node)[0]]) if node else frame[user]
        pairs = pd.DataFrame({"key": frame[key], "value": values}).dropna()
        distinct = pairs["value"].astype("str").str.strip().str.casefold().groupby(pairs["key"]).nunique()
        share = float((distinct > 1).mean()) if len(distinct) else 0.0
        if share > VARYING:
            found.append((table, column, user, share))
    return found


def _data_files(source: Path) -> list[Path]:
    """The export files to map: the file given, or the folder's readable files (not Excel's ``~$`` lock files)."""
    if not source.exists():
        raise DataSourceError(Message("map_not_found", source=str(source)))
    if source.is_file():
        return [source]
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in FILE_SUFFIXES and not p.name.startswith("~$"))
    if not files:
        raise DataSourceError(Message("map_no_files", source=str(source)))
    return files


def file_table(name: str) -> str | None:
    """The contract table a file's name points at (:data:`FILE_WORDS`: the word ending last), if any."""
    stem = normalise(Path(name).stem)
    ends = {
        table: max((stem.rfind(word) + len(word) for word in words if word in stem), default=-1)
        for table, words in FILE_WORDS.items()
    }
    table, end = max(ends.items(), key=lambda item: item[1])
    return table if end >= 0 else None


def _lines_file(name: str) -> bool:
    """Whether a file's (or sheet's) name points at order lines (``InvoiceLine.csv``, ``订单明细``)."""
    return file_table(name.rpartition(SHEET)[2] or name) == "order_lines"


def _key_unique(frame: pd.DataFrame, table: str, columns: dict[str, str]) -> bool:
    """Whether the file holds each of the table's ids once: a table's own file, not a flat export repeating it."""
    key = TABLES[table].key
    user = columns.get(key) if key else None
    return bool(user and user in frame.columns and frame[user].dropna().is_unique)


@dataclass
class _Candidate:
    """One file able to feed a table, ranked: contract name, own order ids, a name pointing at it, unique ids, columns.

    Own order ids: a file with an order number beats one whose orders are made of customer and day.
    """

    rank: tuple[bool, bool, bool, bool, int]
    name: str  # the file, or ``workbook.xlsx#sheet``
    columns: dict[str, str]
    varying: list[tuple[str, str, str, float]]


def _candidates(
    name: str, frame: pd.DataFrame, own: str | None, proposal: Proposal, products: dict[str, str]
) -> dict[str, _Candidate]:
    """The tables file (or sheet) ``name`` can feed (a contract-named one: its own table only), with their ranks.

    ``products``: product keys held by reference (:func:`~.references.product_keys`).
    """
    found, ambiguous = match_columns(frame)
    found, crossed = name_for_crossed_ids(frame, found)  # a number several customers share: they go by name
    proposal.crossed += [(name, *c) for c in crossed]
    refer_products(name, frame, found, products, _lines_file(name))
    proposal.recognised[name] = dict(found)
    proposal.notes += [name] if ambiguous else []
    proposal.line_costs += [(name, found["line_cost"])] if "line_cost" in found else []
    if "loose_profit" in found and (cost := profit_cost(found)):
        rows = profit_over_amount(frame, found["loose_profit"], found["amount"])
        proposal.loose_profits.append((name, found["loose_profit"], found["amount"], rows, cost))
    months, wide = month_sheet(name, frame, found)  # 1月 … 12月: a pivot of sales, or targets a column per month
    proposal.pivots |= {name: months} if months and not wide else {}
    proposal.wide |= {name: wide[1]} if wide else {}
    found, summary, monthly = summary_ids(frame, found)  # 订单量 or 月份: each row a total, an id of its dimensions
    if summary:
        proposal.summaries[name] = summary
        proposal.recognised[name]["order_count"] = summary[0]  # a count: no customer, no id to offer
    proposal.totals |= {name: monthly} if monthly else {}
    proposal.scaled += [(name, c, *multiplier(c)) for k, c in found.items() if k in MONEY and multiplier(c)]
    found = quoted_list_price(frame, found)  # 用友's 报价 before its 扣率
    totals = not own and order_total(frame, found)  # the order's total on each line: it prices no line
    found, taxed = (found, None) if totals or own else taxed_price(frame, found)  # 含税单价 beside a net 金额
    proposal.taxed_prices += [(name, *taxed)] if taxed else []
    found, listed, over = (found, None, None) if totals or own else list_prices(frame, found)  # 零售价, 单价 before …
    proposal.list_priced += [(name, *listed)] if listed else []
    proposal.over_listed += [(name, *over)] if over else []
    found, shelf = (found, None) if totals or own else shelf_price(found)  # 零售价 alone: the price sold at
    proposal.shelf_priced += [(name, *shelf)] if shelf else []
    found, by_amount = (found, None) if totals or own or listed else amount_priced(frame, found)  # 无税单价 to the cent
    proposal.amount_priced += [(name, *by_amount)] if by_amount else []
    tables, missing = ({"targets": wide[0]}, {}) if wide else tables_from(found)
    if totals:
        lines, lacking = tables_from({k: v for k, v in found.items() if k != "amount"})
        tables.pop("order_lines", None)
        missing.pop("order_lines", None)
        if "order_lines" in lines:
            tables["order_lines"] = lines["order_lines"]
        if "order_lines" in lacking:
            missing["order_lines"] = lacking["order_lines"]
        proposal.order_totals.append((name, found["amount"]))
    derived = derived_quantity(found)  # a line total over a price of 0 (a free line) or none is no quantity
    if derived and tables.get("order_lines", {}).get("quantity") == derived:
        if not parse_number(frame[found["unit_price"]])[0].fillna(0).all():
            tables.pop("order_lines")
            missing["order_lines"] = ["quantity"]
    tickets = None if own else ticket_columns(frame, found)
    if tickets:  # a helpdesk's tickets, no sale: the tickets table, not orders made of them
        tables, missing = {"tickets": tickets}, {}
        proposal.tickets_only.append(name)
    if own:
        named = ticket_named(frame, found) if own == "tickets" else {}  # a helpdesk's names for its columns
        tables, missing = own_table(frame, own, tables.get(own) or named, found)
        proposal.left_out += list(missing)  # leads: ~ in the mapping, as its file is read by its name otherwise
    for side in () if own or tickets else (pipeline_tables, invoice_tables):  # a CRM: won deals are orders; a ledger
        extra = side(frame, found)
        if extra:
            tables, missing = tables | extra[0], {t: m for t, m in missing.items() if t not in extra[0]}
            proposal.side_rules.append((name, extra[1]))
    tables, read = province_tables(frame.head(SAMPLE_ROWS), tables, found)  # region: =province([收货地址])
    proposal.provinces += [(name, *read)] if read else []
    for table, lacking in missing.items():
        proposal.missing.setdefault(table, lacking)
    note_rows(name, frame, found, proposal)
    note_per_day(name, frame, tables.get("orders", {}), proposal)
    pointed = own or file_table(name.rpartition(SHEET)[2] or name)
    out = {}
    for table, columns in tables.items():
        varying = _varying(frame, table, columns) if table in DIMENSIONS and not own else []
        columns = {c: u for c, u in columns.items() if c not in {v[1] for v in varying}}
        real = columns.get("order_id") in (None, *frame.columns)  # not one customer-day each
        rank = (bool(own), real, pointed == table, _key_unique(frame, table, columns), len(columns))
        out[table] = _Candidate(rank, name, columns, varying)
    return out


def _sources(files: list[Path]) -> list[tuple[Path, str | None, str]]:
    """(file, sheet, name) of every table source: each file, and each sheet holding data of a workbook with several.

    Chinese teams often keep 订单, 客户 and 产品 as sheets of one workbook; each sheet then maps on its own, as
    ``销售.xlsx#客户``.
    """
    out: list[tuple[Path, str | None, str]] = []
    for file in files:
        first, sheets = data_sheets(file) if is_workbook(file) else (None, [])
        if len(sheets) > 1 or (sheets and sheets[0] != first):  # several tables, or the data not on the first
            out += [(file, sheet, f"{file.name}{SHEET}{sheet}") for sheet in sheets]
        else:
            out.append((file, None, file.name))
    return out


_NUMBERS = r"[\d一二三四五六七八九十]+"  # the month or part a sheet is named by: 1月, 十二月, Sheet2
_MONTHS = re.compile(  # a month's English name or abbreviation, as a word: Sales_April_2019.csv, Sheet Jan
    r"(?<![a-z])(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])",
    re.IGNORECASE,
)


def _part_key(name: str, numbers: str) -> str:
    """``name`` with its numbers and English month names as ``*``: ``Sales_April_2019.csv`` → ``Sales_*_*.csv``."""
    return re.sub(numbers, "*", _MONTHS.sub("*", name))


def _joined_splits(
    sources: list[tuple[Path, str | None, str]], frames: dict[str, pd.DataFrame], proposal: Proposal
) -> tuple[list[tuple[Path, str | None, str]], dict[str, pd.DataFrame]]:
    """Files of one table split by year or month (``销售_2015.csv``, ``销售_2016.csv``): one source, a pattern.

    Files whose names differ only in their numbers (or English month names: ``Sales_April_2019.csv``,
    ``Sales_May_2019.csv``) and whose columns are the same are one table; the mapping
    names them ``销售_*.csv`` and the loader reads them one after another. Taking the first alone reported a
    year-old month as the latest. Sheets of one workbook so named (1月 … 12月, Sheet1 and Sheet2) are one table
    the same way: ``销售.xlsx#*月``; taking the first sheet alone lost every later month without a word.
    """
    groups: dict[str, list[tuple[Path, str | None, str]]] = {}
    for source in sources:
        file, sheet, name = source
        key = _part_key(name, r"\d+") if sheet is None else f"{file.name}{SHEET}{_part_key(sheet, _NUMBERS)}"
        groups.setdefault(key, []).append(source)
    out, joined = [], {}
    for key, members in groups.items():
        columns = {tuple(sorted(map(str, frames[name].columns))) for _, _, name in members}
        if len(members) == 1 or "*" not in key or len(columns) > 1:  # the pattern would name them all
            out += members
            joined.update({name: frames[name] for _, _, name in members})
            continue
        out.append((members[0][0], members[0][1] and key.rpartition(SHEET)[2], key))
        first = list(frames[members[0][2]].columns)
        joined[key] = pd.concat([frames[name][first] for _, _, name in members], ignore_index=True)
        proposal.splits.append((key, [name for _, _, name in members]))
    return out, joined


def _priceless_lines(proposal: Proposal) -> None:
    """Keep order lines without a unit price only when the products table gives a list price to value them at.

    A star-schema export's sales file holds order number, product and quantity, its product file the price
    (:mod:`~.catalogue`); without a catalogue price such lines would be worth nothing, and the tables say so.
    """
    lines = proposal.columns.get("order_lines")
    if lines is None or lines.get("unit_price"):
        return
    if proposal.columns.get("products", {}).get("list_price"):
        proposal.catalogue_priced = True
        return
    del proposal.columns["order_lines"], proposal.tables["order_lines"]
    proposal.missing["order_lines"] = ["unit_price"]


def propose_mapping(source: str | Path) -> Proposal:
    """Propose a mapping for a folder of exports or one export file.

    Every file offers the tables its columns can feed; each table takes the best offer: a file named after it
    (``customers.csv``, among several files: one export named ``orders.csv`` may be flat and feeds what it can),
    then a file whose name points at it (``olist_customers_dataset.csv``, ``订单明细.xlsx``),
    then one holding each id once, then the one mapping most columns (on a tie the orders' file, else the first).
    One flat export thus feeds every table it can, and a folder of a system's table exports maps table by table.
    A database URL is refused with a word on how its tables are read (:class:`~.errors.DataSourceError`).
    """
    if "://" in str(source):  # a database URL: Path would fold sqlite:/// into sqlite:/ and say it is missing
        raise DataSourceError(Message("map_database", source=masked_url(str(source))))
    path = Path(source)
    proposal = Proposal(str(source))
    sources = _sources(_data_files(path))
    own = {name: (sheet or file.stem).casefold() for file, sheet, name in sources}
    own = {name: table for name, table in own.items() if table in TABLES and len(sources) > 1}  # one file: flat
    offers: dict[str, list[_Candidate]] = {}
    names: dict[str, list] = {}
    frames = {}
    for file, sheet, name in list(sources):  # a file that cannot be read is said and left out, not the folder
        try:
            frames[name] = read_table_file(file, sheet=sheet)
        except DataSourceError as exc:
            if len(sources) == 1:
                raise
            proposal.unreadable.append((name, exc.args[0]))
            sources.remove((file, sheet, name))
    for file, sheet, name in list(sources):
        if no_header(frames[name]) and len(sources) > 1:  # a stray sheet of numbers: no columns to name
            proposal.headerless.append(name)
            sources.remove((file, sheet, name))
            del frames[name]
    sources, frames = _joined_splits(sources, frames, proposal)
    products = product_keys(frames, [name for _, _, name in sources if _lines_file(name)])
    for _, _, name in sorted(sources, key=lambda source: source[2] not in own):  # contract-named first
        frame, proposal.year_months[name] = year_month(frames[name])  # 年份 + 月份: one month
        frame, proposal.namesakes[name] = by_name_and_phone(frame)  # Emma of many phones: a buyer a name and phone
        names[name] = list(frame.columns)
        proposal.samples[name] = frame.head(SAMPLE_ROWS)
        for table, candidate in _candidates(name, frame, own.get(name), proposal, products).items():
            offers.setdefault(table, []).append(candidate)
    # a table two files offer equally comes from the orders' own file, else the first (customers from another
    # shop's buyer list, a sheet before the orders', matched none of the orders' customers)
    beside = max(offers["orders"], key=lambda c: c.rank).name if "orders" in offers else None
    for table, candidates in offers.items():
        best = max(candidates, key=lambda c: (c.rank, table not in ("orders", "order_lines") and c.name == beside))
        proposal.tables[table], proposal.columns[table] = best.name, best.columns
        proposal.varying += best.varying
        proposal.missing.pop(table, None)
        unit = best.columns.get("quantity") == ONE_UNIT or one_unit(proposal.recognised.get(best.name, {}))
        if unit and best.name not in proposal.one_unit:  # its lines' quantity, or the orders' amount: one a row
            proposal.one_unit.append(best.name)
    unlinked_per_day(proposal)
    _priceless_lines(proposal)
    add_returns(proposal)  # an ERP's 红字 lines: the returns table, left out of the orders
    used: dict[str, set[str]] = {}
    parts = {joined_name(shared[0]): shared[0] for shared in proposal.namesakes.values() if shared}  # both read
    for table, columns in proposal.columns.items():
        for user in columns.values():
            read = column_names(parse_expression(user[1:])) if user.startswith("=") else [user, *parts.get(user, [])]
            used.setdefault(proposal.tables[table], set()).update(read)
    for table, rules in proposal.exclude().items():
        used.setdefault(proposal.tables[table], set()).update(rules)
    for file, column in proposal.refunds():  # read by map (refunded orders), not by the reports
        used.setdefault(file, set()).add(column)
    for file, spec in proposal.wide.items():  # the month columns and the year: the targets' cells
        used.setdefault(file, set()).update([*spec[MONTHS], spec[YEAR]])
    for name, columns in names.items():
        proposal.unused[name] = [c for c in columns if c not in used.get(name, set())]
    return proposal
