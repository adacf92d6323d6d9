"""The mapping file: how a user's export maps onto the data contract, read and checked once.

```yaml
tables:                      # contract table: your file (with or without its extension) or SQL table
  orders: sales_export
  order_lines: sales_export  # several tables may come from one flat export
columns:                     # contract column: your column, or "=expression" over your columns
  order_lines: {quantity: 数量, unit_price: "=销售额 / 数量"}
  orders: {order_id: {per: [会员卡号, 销售日期]}}   # no order number: one order per customer and day
  customers: {region: "=province([收货地址])"}   # the province an address lies in (浙江省), as the region
  targets: {period: {year: 年份, months: [1月, 2月, 3月]}, rep_id: 销售员}   # a target sheet a column per month
dates: {dayfirst: false}     # 10/5/2026 is 5 October; or formats: {order_date: "%m/%d/%Y"}
encoding: gb18030            # optional; UTF-8 (with or without BOM), GB18030 and Windows-1252 are recognised anyway
exclude:                     # rows that are not sales: table: {your column: [values]} ("" = empty cell)
  orders: {订单状态: [已取消, 作废]}
  order_lines: {销售数量: ["<0", "=0"]}   # a comparison with a number is a condition on the number
rows:                        # a table read from only the rows of its file meeting every rule (values as exclude)
  returns: {数量: ["<0"]}     # an ERP's return lines (红字) in the sales sheet: the returns table
currency: {column: 货币, base: CNY, rates: {EUR: 7.8, USD: 7.2}}   # amounts in several currencies, into one
```
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Collection
from pathlib import Path

import yaml

from ..config import read_user_text
from ..errors import ConfigError
from .contract import DATE, ID, PERIOD, TABLES, TEXT, TIMESTAMP
from .dataset import COMPUTED, EMPTY, PER, Mapping, joined_name
from .expressions import is_text, parse_expression
from .messages import Message
from .wide_targets import MONTHS, YEAR, wide_names

MAPPING_SECTIONS = ("tables", "columns", "dates", "encoding", "exclude", "currency", "rows")
DATE_OPTIONS = ("dayfirst", "formats")


# a column may play several roles of one thing: a product known only by its line (产品线 as the product, its name
# and its line), a customer or rep known only by name, a won deal that is its own order (opportunity_id as the
# order id and its deal), a ticket's priority as its category and its severity; any other contract column needs a
# column of its own
ONE_NAME_MANY_ROLES = (
    frozenset({"product_id", "product_name", "product_line"}),
    frozenset({"customer_id", "customer_name"}),
    frozenset({"rep_id", "rep_name"}),
    frozenset({"order_id", "opportunity_id"}),
    frozenset({"category", "severity"}),
    frozenset({"order_date", "delivered_at"}),  # a shipping list dated by its 签收日期 only: booked when delivered
)
JOINABLE = (ID, DATE, TIMESTAMP, PERIOD)  # columns a mapping may make of several: ids, and 年份 + 月份


def load_mapping(mapping: str | os.PathLike | dict | Mapping | None) -> Mapping:
    """Read a mapping (YAML file or dict) and check its contract names, expressions and options.

    Raises :class:`ConfigError` naming the section and listing the valid names when the mapping names an
    unknown table or column, an expression cannot be read, or an option has the wrong type.
    """
    if mapping is None or isinstance(mapping, Mapping):
        return mapping or Mapping()
    if not isinstance(mapping, dict):
        path = Path(mapping)
        if not path.is_file():
            raise ConfigError(Message("error_mapping_not_found", path=str(path)))
        try:
            mapping = yaml.safe_load(read_user_text(path, "mapping_file")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(Message("error_mapping_unreadable", path=str(path), reason=str(exc))) from exc
    if not isinstance(mapping, dict):
        raise ConfigError(Message("error_mapping_not_dict"))
    unknown = sorted(set(map(str, mapping)) - set(MAPPING_SECTIONS))
    if unknown:
        valid = ", ".join(MAPPING_SECTIONS)
        raise ConfigError(Message("error_mapping_unknown_sections", unknown=", ".join(unknown), valid=valid))
    optional = [t for t in TABLES if t != "orders"]  # any table but the orders may be left out
    tables = _name_pairs(mapping.get("tables"), "tables", list(TABLES), left_out=optional)
    columns: dict[str, dict[str, str]] = {}
    joined: dict[str, list[str]] = {}
    wide: dict[str, dict] = {}
    for table, pairs in _section(mapping.get("columns"), "columns").items():
        if table not in TABLES:
            raise ConfigError(_unknown_table("columns", table))
        spec = TABLES[table]
        pairs = _joined_ids(table, _wide_period(table, _section(pairs, f"columns.{table}"), wide), joined)
        valid = [c.name for c in spec.columns] + [f"{p}<name>" for p in spec.prefix_columns]
        columns[table] = _name_pairs(pairs, f"columns.{table}", valid, accept=lambda c, s=spec: s.column(c) is not None)
        roles: dict[str, set[str]] = {}
        for contract, user in columns[table].items():
            if not user.startswith(COMPUTED):
                roles.setdefault(user, set()).add(contract)
        repeated = sorted(u for u, r in roles.items() if len(r) > 1 and not any(r <= g for g in ONE_NAME_MANY_ROLES))
        if repeated:
            raise ConfigError(Message("error_mapping_one_column_twice", table=table, names=", ".join(repeated)))
        for column, user in columns[table].items():
            if user.startswith(COMPUTED):
                try:
                    node = parse_expression(user[1:])
                except ValueError as exc:
                    raise ConfigError(
                        Message("error_mapping_expression", table=table, column=column, reason=exc.args[0])
                    ) from exc
                if is_text(node) and spec.column(column).kind != TEXT:  # province(): a region, not an amount
                    raise ConfigError(Message("error_mapping_text_expression", table=table, column=column, text=user))
    return Mapping(
        tables,
        columns,
        _dates(mapping.get("dates")),
        _encoding(mapping.get("encoding")),
        _exclude(mapping.get("exclude")),
        joined,
        _currency(mapping.get("currency")),
        wide,
        rows=_exclude(mapping.get("rows"), "rows"),
    )


def _currency(value: object) -> dict:
    """``currency:``: the currency column, the reports' currency and each other currency's rate into it.

    Codes are read as the data writes them (人民币 and RMB are CNY); a rate is a positive number.
    """
    from .currency import currency_code

    if value is None:
        return {}
    rates = value.get("rates") if isinstance(value, dict) else None
    base = currency_code(value.get("base")) if isinstance(value, dict) else None
    if not isinstance(rates, dict) or not base or set(value) - {"column", "base", "rates"}:
        raise ConfigError(Message("error_mapping_currency", value=repr(value)))
    try:
        read = {currency_code(code): float(rate) for code, rate in rates.items()}
    except (TypeError, ValueError) as exc:
        raise ConfigError(Message("error_mapping_currency", value=repr(value))) from exc
    if not read or any(code is None or not rate > 0 for code, rate in read.items()):
        raise ConfigError(Message("error_mapping_currency", value=repr(value)))
    column = str(value.get("column") or "").strip()
    return {"column": column, "base": base, "rates": read}


def _joined_ids(table: str, pairs: dict, joined: dict[str, list[str]]) -> dict:
    """``pairs`` with each ``{per: [columns]}`` id as the name of the column loading makes of those columns.

    Only an id (``order_id``, ``customer_id`` ...) may be made of columns: rows whose columns all agree are one;
    and a date or a month kept as 年份 and 月份 (``order_date: {per: [年份, 月份]}``, :mod:`.year_months`).
    """
    out = dict(pairs)
    for column, value in pairs.items():
        if not isinstance(value, dict):
            continue
        parts = value.get(PER)
        spec = TABLES[table].column(str(column).strip())
        names = [str(p).strip() for p in parts] if isinstance(parts, list) else []
        if set(value) != {PER} or not names or not all(names) or spec is None or spec.kind not in JOINABLE:
            raise ConfigError(Message("error_mapping_per", table=table, column=str(column)))
        out[column] = joined_name(names)
        joined[out[column]] = names
    return out


def _wide_period(table: str, pairs: dict, wide: dict[str, dict]) -> dict:
    """``pairs`` with a period kept a column per month (``period: {year: 年份, months: [1月, 2月]}``) read as columns.

    Only the targets' period may be so written; its cells are the targets (:mod:`.wide_targets`).
    """
    value = pairs.get("period")
    if not isinstance(value, dict) or PER in value:  # {per: [年份, 月份]}: one month of two columns
        return pairs
    months, year = value.get(MONTHS), value.get(YEAR)
    if table != "targets" or set(value) - {MONTHS, YEAR} or not isinstance(months, list) or not months:
        raise ConfigError(Message("error_mapping_wide", table=table))
    months = [str(m).strip() for m in months]
    wide[table] = {YEAR: str(year).strip() if year else None, MONTHS: months}
    period, amount = wide_names(months)
    return {**pairs, "period": period, "target_amount": pairs.get("target_amount") or amount}


def _exclude(value: object, section: str = "exclude") -> dict[str, dict[str, list[str]]]:
    """``exclude:``: contract table -> {column (yours or the contract's): [values whose rows are left out]}.

    An empty value (``""`` or ``~``) stands for an empty cell: an unpaid order's missing payment time; ``"<0"``,
    ``"=0"`` ... compare the value read as a number (:data:`salesnb.data.exclude.CONDITION`). ``rows:`` (the
    rows a table keeps, :func:`salesnb.data.exclude.only_rows`) is written and read the same way.
    """
    out: dict[str, dict[str, list[str]]] = {}
    for table, rules in _section(value, section).items():
        if table not in TABLES:
            raise ConfigError(_unknown_table(section, table))
        out[table] = {}
        for column, values in _section(rules, f"{section}.{table}").items():
            listed = values if isinstance(values, list) else [values]
            texts = [EMPTY if v is None else str(v).strip() for v in listed]  # "" or ~: an empty cell
            if not texts:
                raise ConfigError(Message("error_mapping_exclude_values", table=table, column=column))
            out[table][str(column).strip()] = texts
    return out


def _dates(value: object) -> dict:
    dates = _section(value, "dates")
    unknown = sorted(set(map(str, dates)) - set(DATE_OPTIONS))
    if unknown:
        valid = ", ".join(DATE_OPTIONS)
        raise ConfigError(Message("error_mapping_date_options", unknown=", ".join(unknown), valid=valid))
    dayfirst = dates.get("dayfirst")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise ConfigError(Message("error_mapping_dayfirst"))
    formats = {str(k).strip(): str(v) for k, v in _section(dates.get("formats"), "dates.formats").items()}
    for where, fmt in formats.items():
        column = where.split(".")[-1]
        if not any(TABLES[t].column(column) for t in TABLES) or "%" not in fmt:
            raise ConfigError(Message("error_mapping_date_format", where=where, fmt=fmt))
    return {"dayfirst": dayfirst, "formats": formats}


def _encoding(value: object) -> str:
    if value is None or value == "":
        return ""
    try:
        return codecs.lookup(str(value)).name
    except LookupError as exc:
        raise ConfigError(Message("error_mapping_encoding", value=str(value))) from exc


def _section(value: object, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(Message("error_mapping_section", where=where))
    return value


def _name_pairs(
    value: object,
    where: str,
    valid: list[str],
    accept: Callable[[str], bool] | None = None,
    *,
    left_out: Collection[str] = (),
) -> dict[str, str]:
    """Contract name -> the user's name; an empty name of one in ``left_out`` (``leads: ~``) leaves it unread.

    A file named after a contract table that is not that table (a CRM's ``Leads.csv`` without a lead source) is
    read as it by its name; ``tables: {leads: ~}`` says not to, and ``salesnb map`` writes so.
    """
    pairs = {str(k).strip(): ("" if v is None else str(v).strip()) for k, v in _section(value, where).items()}
    unknown = [k for k in pairs if not (accept(k) if accept else k in valid)]
    if unknown:
        names = {"unknown": ", ".join(unknown), "valid": ", ".join(valid)}
        raise ConfigError(Message("error_mapping_unknown_names", where=where, **names))
    empty = [k for k, v in pairs.items() if (not v and k not in left_out) or v == COMPUTED]
    if empty:
        raise ConfigError(Message("error_mapping_no_name", where=where, names=", ".join(empty)))
    return pairs


def _unknown_table(where: str, table: object) -> Message:
    return Message("error_mapping_unknown_table", where=where, table=str(table), valid=", ".join(TABLES))
