"""Propose a mapping for an export from its column names and contents (``salesnb map``).

Column names are compared with Chinese and English synonyms ignoring case, spaces, underscores, hyphens and a
unit in brackets (``金额(元)``). Contents confirm a match: a date column must read as dates, an amount or a
quantity as numbers; when no name says "date", the first column whose values read as dates is the order date.
From one flat export every derivable table is proposed (orders, order_lines, customers, products, reps);
a line total without a unit price becomes ``unit_price: "=[Sales] / [Quantity]"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataSourceError
from .contract import TABLES
from .dates import parse_dates
from .expressions import column_names, parse_expression
from .loading import FILE_SUFFIXES, read_table_file
from .parsing import parse_number

SAMPLE_ROWS = 2_000  # values checked per column: enough to tell dates and numbers, cheap on a million rows
MOSTLY = 0.95  # share of sampled values that must read as dates / numbers
VARYING = 0.2  # an attribute differing within this share of a dimension's ids belongs to the order, not to it
DIMENSIONS = ("customers", "products", "reps")

# concept: synonyms, most specific first (the first synonym found wins when several columns match)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "order_id": (
        "订单编号",
        "订单号",
        "订单id",
        "订单编码",
        "单号",
        "单据编号",
        "orderid",
        "orderno",
        "ordernumber",
        "invoiceno",
        "invoice",
        "invoiceid",
        "发票号",
    ),
    "order_date": (
        "下单日期",
        "订单日期",
        "下单时间",
        "成交日期",
        "销售日期",
        "日期",
        "orderdate",
        "invoicedate",
        "date",
        "orderdatetime",
    ),
    "customer_id": ("客户编号", "客户id", "客户代码", "客户编码", "customerid", "custid", "clientid", "customerno"),
    "customer_name": ("客户名称", "客户名", "客户", "customername", "customer", "client", "clientname"),
    "amount": (
        "金额",
        "销售额",
        "销售金额",
        "订单金额",
        "成交金额",
        "实收金额",
        "总价",
        "小计",
        "合计",
        "sales",
        "amount",
        "revenue",
        "totalprice",
        "linetotal",
        "total",
        "salesamount",
    ),
    "quantity": ("数量", "销量", "销售数量", "件数", "quantity", "qty", "units"),
    "unit_price": ("单价", "成交单价", "售价", "unitprice", "price", "saleprice"),
    "list_price": ("标价", "原价", "目录价", "指导价", "listprice", "msrp"),
    "unit_cost": ("单位成本", "成本", "unitcost", "cost"),
    "region": ("区域", "大区", "销售区域", "地区", "region", "area", "territory", "salesregion"),
    "country": ("国家", "country", "countryregion"),
    "rep_id": ("销售员编号", "业务员编号", "工号", "repid", "salesrepid", "employeeid"),
    "rep_name": (
        "销售员",
        "业务员",
        "销售代表",
        "销售人员",
        "负责人",
        "salesrep",
        "salesperson",
        "rep",
        "accountmanager",
        "salesman",
        "owner",
    ),
    "channel": ("渠道", "销售渠道", "channel", "saleschannel"),
    "industry": ("行业", "客户类型", "客户行业", "industry", "segment", "customersegment"),
    "product_id": (
        "产品编号",
        "产品id",
        "商品编号",
        "商品编码",
        "产品编码",
        "物料编码",
        "sku",
        "productid",
        "stockcode",
        "itemcode",
        "productcode",
    ),
    "product_name": (
        "产品名称",
        "商品名称",
        "品名",
        "产品",
        "商品",
        "productname",
        "product",
        "description",
        "itemname",
        "item",
    ),
    "product_line": ("产品线", "品类", "产品类别", "商品类别", "类别", "productline", "category", "productcategory"),
}
DATES, NUMBERS = ("order_date",), ("amount", "quantity", "unit_price", "list_price", "unit_cost")


def normalise(name: str) -> str:
    """A column name compared loosely: no unit in brackets, case, spaces, ``_ - . / :`` or a trailing '#'."""
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", str(name)).casefold()
    return re.sub(r"[\s_\-./:#：]+", "", text)


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

    def mapping(self) -> dict:
        """The mapping as a dict for the YAML file (only names that differ from the contract's)."""
        tables = {t: f for t, f in self.tables.items() if Path(f).stem != t}
        columns = {t: {c: u for c, u in cols.items() if u != c} for t, cols in self.columns.items()}
        out: dict = {"tables": tables, "columns": {t: c for t, c in columns.items() if c}}
        return {k: v for k, v in out.items() if v}


def _ref(column: str) -> str:
    return f"`{column}`" if "]" in column else f"[{column}]"


def _share(ok: pd.Series, sample: pd.Series) -> float:
    return float(ok.sum()) / max(int(sample.notna().sum()), 1)


def _reads_as_dates(sample: pd.Series) -> tuple[bool, bool]:
    """(most values read as dates, the day/month order is ambiguous)."""
    if pd.api.types.is_numeric_dtype(sample):
        return False, False
    parsed, _, hint = parse_dates(sample)
    if hint:
        return True, True
    return _share(parsed.notna(), sample) >= MOSTLY, False


def _reads_as_numbers(sample: pd.Series) -> bool:
    numbers, _ = parse_number(sample)
    return _share(numbers.notna(), sample) >= MOSTLY


def match_columns(frame: pd.DataFrame) -> tuple[dict[str, str], bool]:
    """Concept -> the frame's column, by synonyms then contents; and whether the dates need a declared order."""
    sample = frame.head(SAMPLE_ROWS)
    by_name = {normalise(c): c for c in reversed(frame.columns)}  # the first of equal names wins
    found: dict[str, str] = {}
    ambiguous = False
    for concept, synonyms in SYNONYMS.items():
        for synonym in (normalise(concept), *map(normalise, synonyms)):
            column = by_name.get(synonym)
            if column is None or column in found.values():
                continue
            values = sample[column].dropna()
            if concept in DATES:
                ok, unclear = _reads_as_dates(values)
                ambiguous |= unclear
            else:
                ok = concept not in NUMBERS or _reads_as_numbers(values)
            if ok:
                found[concept] = column
                break
    if "order_date" not in found:
        for column in frame.columns:
            if column not in found.values():
                ok, unclear = _reads_as_dates(sample[column].dropna())
                if ok:
                    found["order_date"], ambiguous = column, unclear
                    break
    return found, ambiguous


def _tables_from(found: dict[str, str]) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """Contract tables (contract column -> user column or expression) derivable from matched concepts."""
    customer = found.get("customer_id") or found.get("customer_name")
    product = found.get("product_id") or found.get("product_name")
    rep = found.get("rep_id") or found.get("rep_name")
    region = found.get("region") or found.get("country")
    tables: dict[str, dict[str, str]] = {}
    missing: dict[str, list[str]] = {}
    orders = {"order_id": found.get("order_id"), "customer_id": customer, "order_date": found.get("order_date")}
    orders |= {"region": region, "rep_id": rep, "channel": found.get("channel"), "amount": found.get("amount")}
    lines = {"order_id": found.get("order_id"), "product_id": product, "quantity": found.get("quantity")}
    price = found.get("unit_price")
    if price is None and found.get("amount") and found.get("quantity"):
        price = f"={_ref(found['amount'])} / {_ref(found['quantity'])}"
    lines |= {"unit_price": price, "list_price": found.get("list_price"), "unit_cost": found.get("unit_cost")}
    customers = {"customer_id": customer, "customer_name": found.get("customer_name"), "region": region}
    customers["industry"] = found.get("industry")
    products = {"product_id": product, "product_name": found.get("product_name")}
    products |= {"product_line": found.get("product_line")}
    reps = {"rep_id": rep, "rep_name": found.get("rep_name")}
    for table, columns in (
        ("orders", orders),
        ("order_lines", lines),
        ("customers", customers),
        ("products", products),
        ("reps", reps),
    ):
        lacking = [c for c in TABLES[table].required_columns if not columns.get(c)]
        if lacking:
            missing[table] = lacking
            continue
        key = TABLES[table].key
        tables[table] = {c: u for c, u in columns.items() if u and (c == key or u != columns.get(key))}
    return tables, missing


def _varying(frame: pd.DataFrame, table: str, columns: dict[str, str]) -> list[tuple[str, str, str, float]]:
    """Attributes of a dimension table that differ between rows of one id for many ids.

    E.g. a customer who bought in several regions: the region is the order's, not the customer's.
    """
    key = columns[TABLES[table].key]
    found = []
    for column, user in columns.items():
        if user == key or user.startswith("=") or column == TABLES[table].key:
            continue
        distinct = frame[[key, user]].dropna().groupby(key)[user].nunique()
        share = float((distinct > 1).mean()) if len(distinct) else 0.0
        if share > VARYING:
            found.append((table, column, user, share))
    return found


def _data_files(source: Path) -> list[Path]:
    if not source.exists():
        raise DataSourceError(f"{source} not found; pass an export file or the folder holding your exports")
    if source.is_file():
        return [source]
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in FILE_SUFFIXES and not p.name.startswith("~$"))
    if not files:
        raise DataSourceError(f"{source} holds no .csv, .parquet or .xlsx file to map")
    return files


def propose_mapping(source: str | Path) -> Proposal:
    """Propose a mapping for a folder of exports or one export file.

    A file named after a contract table (``customers.csv``) maps onto that table; any other file is read as
    a flat export and feeds every table it can, unless a file of that table's own name exists.
    """
    path = Path(source)
    proposal = Proposal(str(source))
    files = _data_files(path)
    own = {p: p.stem.casefold() for p in files if p.stem.casefold() in TABLES}
    used: dict[str, set[str]] = {}
    for file in sorted(files, key=lambda p: p not in own):  # contract-named files first
        frame = read_table_file(file)
        found, ambiguous = match_columns(frame)
        if ambiguous:
            proposal.notes.append(file.name)
        tables, missing = _tables_from(found)
        if file in own:
            table = own[file]
            columns = {c: c for c in frame.columns if TABLES[table].column(c)}  # contract names as they are
            taken = set(columns)
            for column, user in (tables.get(table) or {}).items():  # synonyms for the others
                if column not in columns and user not in taken:
                    columns[column] = user
                    taken.add(user)
            tables, missing = {table: columns}, {}
        for table, columns in tables.items():
            if table in proposal.tables:
                continue
            if table in DIMENSIONS and file not in own:
                varying = _varying(frame, table, columns)
                proposal.varying += varying
                columns = {c: u for c, u in columns.items() if c not in {v[1] for v in varying}}
            proposal.tables[table], proposal.columns[table] = file.name, columns
            proposal.missing.pop(table, None)
            for user in columns.values():
                names = column_names(parse_expression(user[1:])) if user.startswith("=") else [user]
                used.setdefault(file.name, set()).update(names)
        for table, lacking in missing.items():
            if table not in proposal.tables:
                proposal.missing.setdefault(table, lacking)
        proposal.unused[file.name] = [c for c in frame.columns if c not in used.get(file.name, set())]
    return proposal
