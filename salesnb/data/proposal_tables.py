"""The contract tables a file's matched concepts can feed (``salesnb map``), with computed prices and costs.

A line total without a unit price becomes ``unit_price: "=[Sales] / [Quantity]"``, a line total and a unit price
without a quantity ``quantity: "=[Sales] / [Price]"``, a line's total cost
``unit_cost: "=[成本] / [数量]"``, a line profit next to the total ``unit_cost: "=([Sales] - [Profit]) / [Quantity]"``;
without an order number an order is one customer on one day (:func:`per_day_id`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .column_words import normalise
from .contract import TABLES
from .dataset import Mapping, joined_name
from .derive import add_joined_ids, split_reused_orders
from .scales import multiplier

if TYPE_CHECKING:  # the proposal unlinked_per_day corrects; propose imports this module
    from .propose import Proposal

ONE_UNIT = "=1"  # the quantity of a line export that has a price per row but no quantity column


def _ref(column: str) -> str:
    return f"`{column}`" if "]" in column else f"[{column}]"


def _term(column: str) -> str:
    """A money column in an expression, in 元: ``[金额（万元）] * 10000`` (:func:`~.scales.multiplier`)."""
    unit = multiplier(column)
    return f"{_ref(column)} * {unit[1]}" if unit else _ref(column)


def _money(column: str | None) -> str | None:
    """A money column as a mapping value: its name, or ``=[金额（万元）] * 10000`` when it is not in 元."""
    return f"={_term(column)}" if column and multiplier(column) else column


def _per_unit(total: str, quantity: str) -> str:
    """``total`` (a term) per unit: ``[成本] / [数量]``, or over a derived quantity in brackets (:func:`_quantity`)."""
    return f"{total} / ({quantity[1:]})" if quantity.startswith("=") else f"{total} / {_ref(quantity)}"


def _quantity(found: dict[str, str]) -> str | None:
    """The quantity column; without one, the line total over the unit price, or one unit a row.

    A till export with ``Unit Price`` and ``Line Total`` but no quantity: its lines were not proposed at all (no
    product analysis); ``[Line Total] / [Unit Price]`` is the quantity. Beside a discount the total is after it
    and the price maybe before: no quantity is derived. A price with no amount is a line per item sold
    (order_item_id 1, 2, …): each row is one unit at its price (:data:`ONE_UNIT`), and the orders' amount is that
    price too: a dealer's 成交价 beside no product column (a car, a flat sold one a row) left the orders unpriced.
    """
    quantity, price = found.get("quantity"), found.get("unit_price")
    if quantity or not price:
        return quantity
    return ONE_UNIT if one_unit(found) else derived_quantity(found)


def one_unit(found: dict[str, str]) -> bool:
    """Whether each row is one unit at its price: a unit price, no quantity and no amount (:func:`_quantity`)."""
    return bool(found.get("unit_price")) and not (found.get("quantity") or found.get("amount"))


def derived_quantity(found: dict[str, str]) -> str | None:
    """``=[Line Total] / [Unit Price]`` (money columns in 元) when the file has both and no discount, else ``None``.

    Only when every row has a price other than 0 (``salesnb map`` checks the file): a free line's quantity would be
    a division by zero.
    """
    price, amount = found.get("unit_price"), found.get("amount")
    if not (price and amount) or found.get("discount_off") or found.get("discount_paid"):
        return None
    divisor = _term(price)
    return f"={_term(amount)} / {divisor if divisor == _ref(price) else f'({divisor})'}"


def _net_prices(found: dict[str, str]) -> tuple[str | None, str | None]:
    """(unit_price, list_price) of a line, net of its discount share when the export has one.

    A line's total before its discount (应收金额 beside 实收金额 in a POS export) gives the list price
    ``[应收金额] / [数量]``, so the discount analysis has a price to measure against.

    An explicit unit price next to a discount is the price before it (Northwind: revenue = price × quantity ×
    (1 − discount)); a line total next to one is the amount after it (Superstore). Without a discount the
    unit price is the column, or the line total ÷ quantity.
    """
    price, amount, quantity = found.get("unit_price"), found.get("amount"), found.get("quantity")
    gross = _term(price) if price else (f"{_term(amount)} / {_ref(quantity)}" if amount and quantity else None)
    off, paid = found.get("discount_off"), found.get("discount_paid")
    listed = _money(found.get("list_price"))
    if not listed and found.get("list_amount") and quantity and quantity != ONE_UNIT:  # 应收金额 beside 实收金额
        listed = f"={_per_unit(_term(found['list_amount']), quantity)}"
    if gross is None or not (off or paid):
        return (_money(price) or (f"={gross}" if gross else None)), listed
    share = f"(1 - {_ref(off)})" if off else _ref(paid)
    if price:  # the price before the discount: the list price
        return f"={gross} * {share}", _money(found.get("list_price") or price)
    return f"={gross}", _money(found.get("list_price")) or f"={gross} / {share}"


def _days_after(found: dict[str, str], concept: str) -> str | None:
    """A delivery date column, or the order date plus its days (``promised_at: "=[订单日期] + [计划配送天数]"``).

    A logistics or e-commerce export (DataCo's ``Days for shipment (scheduled)`` / ``Days for shipping (real)``,
    an ERP's 计划配送天数 / 实际配送天数) states the promised and the actual delivery as days after the order rather
    than as dates: left unused, the delivery section had no dates to compare. A date column of its own wins.
    """
    date, days = found.get("order_date"), found.get(concept.replace("_at", "_days"))
    if found.get(concept) or not (date and days) or date.startswith("="):
        return found.get(concept)
    return f"={_ref(date)} + {_ref(days)}"


def _unit_cost(found: dict[str, str], quantity: str | None) -> str | None:
    """The unit cost column, a line's total cost per unit, or the cost a line's profit leaves of its amount.

    A line's total cost (:func:`~.scales.read_cost`) is ``[成本] / [数量]``. Retail and e-commerce exports
    (Superstore's 利润, an ERP's 毛利) carry the profit per line rather than the cost:
    ``([Sales] - [Profit]) / [Quantity]``; without it the margin analyses have nothing to work on.
    """
    amount, profit, line_cost = found.get("amount"), found.get("profit"), found.get("line_cost")
    if line_cost and quantity and quantity != ONE_UNIT:
        return f"={_per_unit(_term(line_cost), quantity)}"
    if found.get("unit_cost") or not (amount and profit and quantity and quantity != ONE_UNIT):
        return _money(found.get("unit_cost"))
    return f"={_per_unit(f'({_term(amount)} - {_term(profit)})', quantity)}"


def profit_cost(found: dict[str, str]) -> str | None:
    """The unit cost a set-aside line profit (``loose_profit``, :func:`~.scales.read_profit`) would give."""
    return _unit_cost({**found, "profit": found.get("loose_profit", "")}, _quantity(found))


def orders_lacking(found: dict[str, str]) -> list[str]:
    """The required columns of ``orders`` that the matched concepts ``found`` leave without a column."""
    return tables_from(found)[1].get("orders", [])


def per_day_id(customer: str | None, date: str | None) -> str | None:
    """Without an order number, an order is one customer on one day: the id made of those two columns.

    A POS or pharmacy export writes a line per item and no order number; numbering its rows 1, 2, 3 would make
    every line an order (more orders, a lower order value, no baskets). The name is
    :func:`~.dataset.joined_name`; :meth:`Proposal.mapping` writes it ``order_id: {per: [customer, date]}``.
    """
    return joined_name([customer, date]) if customer and date else None


def orders_columns(found: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The orders columns the matched concepts give (even when some required ones are missing), and those missing."""
    tables, missing = tables_from(found, keep_short=("orders",))
    return tables.get("orders", {}), missing.get("orders", [])


def targets_columns(found: dict[str, str]) -> dict[str, str]:
    """The targets table of a file holding a month and a target amount, per product line, region or rep if any.

    A category target file (``Month of Order Date, Category, Target``) was left out as unused columns, and
    the attainment analyses had no targets unless the mapping was written by hand.
    """
    columns = {"period": found["period"], "target_amount": _money(found["target_amount"])}
    columns |= {"product_line": found.get("product_line"), "region": found.get("region") or found.get("country")}
    columns["rep_id"] = found.get("rep_id") or found.get("rep_name")
    return {c: u for c, u in columns.items() if u}


def tables_from(
    found: dict[str, str], keep_short: tuple[str, ...] = ()
) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """Contract tables (contract column -> user column or expression) derivable from matched concepts.

    A table lacking a required column is left out and named in the second dict; those in ``keep_short`` keep
    the columns they have as well (a draft mapping).
    """
    targets = found.get("period") and found.get("target_amount")
    if targets and not found.get("order_id"):  # a month and a target: a targets file, no sales
        return {"targets": targets_columns(found)}, {}
    customer = found.get("customer_id") or found.get("customer_name")
    product = found.get("product_id") or found.get("product_name") or found.get("product_line")  # a line alone
    rep = found.get("rep_id") or found.get("rep_name")
    region = found.get("region") or found.get("country")
    tables: dict[str, dict[str, str]] = {}
    missing: dict[str, list[str]] = {}
    own = found.get("own_id")  # the rows' own ids (a deal's, a subscription's): no orders made of customer and day
    order_id = found.get("order_id") or (None if own else per_day_id(customer, found.get("order_date")))
    orders = {"order_id": order_id, "customer_id": customer, "order_date": found.get("order_date")}
    quantity = _quantity(found)
    amount = found.get("unit_price") if one_unit(found) else found.get("amount")  # a price alone: one unit a row
    orders |= {"region": region, "rep_id": rep, "channel": found.get("channel"), "amount": _money(amount)}
    orders |= {"promised_at": _days_after(found, "promised_at"), "delivered_at": _days_after(found, "delivered_at")}
    orders["order_count"] = found.get("order_count")  # a summary's 订单量 (:mod:`.shapes`)
    lines = {"order_id": order_id, "product_id": product, "quantity": quantity}
    price, list_price = _net_prices(found)
    lines |= {"unit_price": price, "list_price": list_price, "unit_cost": _unit_cost(found, quantity)}
    customers = {"customer_id": customer, "customer_name": found.get("customer_name"), "region": region}
    customers |= {"industry": found.get("industry"), "acquisition_channel": found.get("acquisition_channel")}
    products = {"product_id": product, "product_name": found.get("product_name")}
    products |= {"product_line": found.get("product_line"), "spec": found.get("spec")}
    if not (found.get("order_id") or found.get("order_date")):  # a product catalogue: its prices are list prices
        products["list_price"] = _money(found.get("list_price") or found.get("unit_price"))
        products["unit_cost"] = _money(found.get("unit_cost"))
    reps = {"rep_id": rep, "rep_name": found.get("rep_name"), "hire_date": found.get("hire_date")}
    for table, columns in (
        ("orders", orders),
        ("order_lines", lines),
        ("customers", customers),
        ("products", products),
        ("reps", reps),
    ):
        lacking = [c for c in TABLES[table].required_columns if not columns.get(c)]
        if table == "order_lines" and lacking == ["unit_price"]:  # priced from a catalogue, if there is one
            missing[table] = lacking
        elif lacking:
            missing[table] = lacking
            if table not in keep_short:
                continue
        key = TABLES[table].key
        kept = {c: u for c, u in columns.items() if u and (c == key or u != columns.get(key))}
        if table == "products" and columns.get("product_line") == product:  # known by its line: it is its own line
            kept["product_line"] = product
        tables[table] = kept
    if targets:  # a monthly summary's 目标 beside its 销售额 (:func:`~.shapes.period_totals`)
        tables["targets"] = targets_columns(found)
    return tables, missing


def own_table(
    frame: pd.DataFrame, own: str, matched: dict[str, str], found: dict[str, str]
) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """(tables, missing) of a file named after contract table ``own``: its contract columns, then synonyms.

    Contract names count written any way (``LeadID``: lead_id); the concepts ``matched`` by synonyms fill the
    others. A table other than the orders still lacking a required column is not offered: ``({}, {own: lacking})``
    (a CRM's ``Leads.csv`` without a lead source is no leads table).
    """
    columns = _contract_columns(frame, own)
    taken = set(columns)
    for column, user in matched.items():  # synonyms for the others
        if column not in columns and user not in taken:
            columns[column] = user
            taken.add(user)
    if "region" in columns and "region" not in found and "country" in found:
        columns["region"] = found["country"]  # its own region column too sparse (see match_columns)
    lacking = [c for c in TABLES[own].required_columns if c not in columns]
    return ({}, {own: lacking}) if lacking and own != "orders" else ({own: columns}, {})


def _spellings(own: str, name: str) -> list[str]:
    """Contract column ``name`` of table ``own`` as a CRM writes it in that table's file, compared loosely.

    Its own name (``LeadID``: lead_id), a time as a date (``CreatedDate``, ``Created On``: created_at), either
    after the table's entity (``LeadSource``, ``LeadStatus``, ``LeadCreatedDate``): a CRM's Leads.csv was
    left out for want of a creation date and a source it had.
    """
    forms = [normalise(name)]
    if name.endswith("_at"):
        forms += [normalise(name[:-3]) + word for word in ("date", "on", "time", "datetime")]
    entity = own[:-3] + "y" if own.endswith("ies") else own.removesuffix("s")
    return forms + [normalise(entity) + form for form in forms]


def _contract_columns(frame: pd.DataFrame, own: str) -> dict[str, str]:
    """The contract columns of a file named after its table, by their names written any way (:func:`_spellings`)."""
    contract = {form: c.name for c in TABLES[own].columns for form in reversed(_spellings(own, c.name))}
    columns: dict[str, str] = {}
    for user in frame.columns:
        name = user if TABLES[own].column(user) else contract.get(normalise(user))
        if name and name not in columns:
            columns[name] = user
    return columns


def unlinked_per_day(proposal: Proposal) -> None:
    """Drop orders made of customer and day when the order lines come from another file with numbers of their own.

    A restaurant's order file (meal_order_info: info_id, phone, use_start_time) and its detail file (order_id):
    orders made of phone and day would match none of the lines' order numbers.
    """
    key = proposal.columns.get("orders", {}).get("order_id")
    lines = proposal.tables.get("order_lines")
    derived = key in {joined_name(parts) for _, parts, *_ in proposal.per_day}
    if derived and lines is not None and lines != proposal.tables["orders"]:
        del proposal.tables["orders"], proposal.columns["orders"]
        proposal.missing["orders"] = ["order_id"]


def note_per_day(name: str, frame: pd.DataFrame, orders: dict[str, str], proposal: Proposal) -> None:
    """Record an order id made of the customer and the day (:func:`per_day_id`): how many orders from how many rows.

    Counted as loading will count them: a customer's day in two regions or channels is two orders
    (:func:`~.derive.split_reused_orders`), so ``map`` says the number the reports use, and how many were split.
    """
    key, customer, date = orders.get("order_id"), orders.get("customer_id"), orders.get("order_date")
    if not key or key in frame.columns or key != per_day_id(customer, date):
        return
    names = Mapping(columns={"orders": orders}, joined={key: [customer, date]})
    ids = add_joined_ids(frame, names)[key]
    split = split_reused_orders(frame.assign(**{key: ids}), names)[0][key]
    n, days = int(split.nunique()), int(ids.nunique())
    proposal.per_day.append((name, [customer, date], n, int(ids.notna().sum()), n - days))
