"""What a file's amount column is to its lines (``salesnb map``): an order's total on each, or a line after a discount.

An amount repeated on every line of an order is the order's total and prices no line (:func:`order_total`).

A flat sales sheet often carries 数量, 单价 and 金额 where 单价 is the catalogue price and 金额 what the customer
paid after a discount nobody wrote in a column of its own. Read as the unit price, 单价 made revenue the
undiscounted value (10.6 % above the sheet's 金额 on a sheet with discounts of 10 and 20 % on two rows in three),
a sum the sales team does not recognise, and left the discount analysis without a price to compare with
(:func:`price_before_discount`). When the amount is at most quantity × price on (nearly) every row and below it on
enough rows to move the total, the price is the list price and the unit price is the amount over the quantity, as
for a sheet with its discount in a column (:func:`~.proposal_tables._net_prices`). An amount above the lines on
some rows is left alone: a tax, shipping, a capped price column (:mod:`.consistency` says so when the data is
checked). A price written to the cent beside a line total made of the unrounded price gives way to the total
(:func:`price_rounded`), so a month's revenue is the sheet's own to the cent.

A store's till sheet may carry 数量 and 零售价 and no amount and no other price: the shelf price is then the price
the lines sold at (:func:`shelf_price`); read as a list price, no line had a price and the sheet had no revenue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .column_words import TAX_NAMES, named_column, says_taxed
from .consistency import AMOUNT_TOLERANCE, TOTAL_TOLERANCE
from .derive import repeated_per_id
from .match import MOSTLY
from .parsing import parse_number
from .scales import money_values
from .skipped_rows import rows_without_sales

ABOVE_AT_MOST = 0.01  # rows whose amount exceeds quantity × price: at most this share (a stray row or two)
LEAST_ROWS = 20  # rows with a positive amount and line value needed to judge


def order_total(frame: pd.DataFrame, found: dict[str, str]) -> bool:
    """Whether the file's amount repeats its order's total on every line (:func:`.derive.repeated_per_id`).

    Only when an order's lines differ (another product, another quantity) beside one amount: identical lines of a
    fixed-price item may each carry their own equal amount. So is an amount written on an order's first line only,
    its order number merged over the lines below (:mod:`~.merged_cells`): those lines have neither (a total row at
    the end, with no order number and no amount, is not one of them).
    """
    order, amount = found.get("order_id"), found.get("amount")
    if order not in frame.columns or amount not in frame.columns:
        return False
    parts = [found.get(c) for c in ("product_id", "product_name", "quantity") if found.get(c) in frame.columns]
    below = frame[order].isna() & frame[parts].notna().any(axis=1) if parts else pd.Series(False, index=frame.index)
    if below.any():  # a 合计 row (no order number, the quantities' sum) is no merged line; read only when needed
        below &= ~rows_without_sales(frame)[1]
    if below.any() and frame.loc[below, amount].isna().all():  # merged cells: the total on an order's first line
        return True
    codes, _ = pd.factorize(frame[order])
    if not repeated_per_id(codes, parse_number(frame[amount])[0]):
        return False
    differ = frame[parts].astype("string").groupby(codes).nunique().gt(1).any(axis=None) if parts else False
    return bool(differ)  # lines of other products or quantities sharing one amount: it is not theirs


def mostly_within(values: np.ndarray, expected: np.ndarray) -> bool:
    """Whether :data:`.match.MOSTLY` of ``values`` lie within an amount's tolerance (and a cent) of ``expected``.

    How a column is shown to be another's price, tax or discount (:data:`.consistency.AMOUNT_TOLERANCE`); empty:
    False.
    """
    if not len(values):
        return False
    close = np.abs(values - expected) <= np.maximum(AMOUNT_TOLERANCE * np.abs(expected), 0.01)
    return bool(close.mean() >= MOSTLY)


def discount_gap(amounts: np.ndarray, lines: np.ndarray) -> tuple[float, float] | None:
    """``(share of rows below, total gap)`` when ``amounts`` are the ``lines`` (quantity × price) after a discount.

    Only rows with both positive count (returns and free lines say nothing about the price). ``None`` when the
    amounts are not the discounted lines: too few rows, more than :data:`ABOVE_AT_MOST` of them above their line,
    or a total gap under :data:`.consistency.TOTAL_TOLERANCE` (a row is apart beyond its
    :data:`.consistency.AMOUNT_TOLERANCE` and a cent, as the data check compares orders).
    """
    sold = np.isfinite(amounts) & np.isfinite(lines) & (amounts > 0) & (lines > 0)
    if np.count_nonzero(sold) < LEAST_ROWS:
        return None
    amount, line = amounts[sold], lines[sold]
    apart = np.abs(amount - line) > np.maximum(AMOUNT_TOLERANCE * line, 0.01)
    above = np.count_nonzero(apart & (amount > line))
    below = np.count_nonzero(apart & (amount < line))
    if above > ABOVE_AT_MOST * len(amount) or not below:
        return None
    gap = float(line.sum() / amount.sum() - 1)
    return (below / len(amount), gap) if gap >= TOTAL_TOLERANCE else None


def price_before_discount(frame: pd.DataFrame, found: dict[str, str]) -> tuple[dict[str, str], tuple | None]:
    """``found`` with its unit price read as the list price when the file's amounts are its lines after a discount.

    Returns the concepts (``unit_price`` dropped, ``list_price`` its column) and ``(price, amount, quantity, share
    of rows below, total gap)``, or ``found`` unchanged and ``None``. A file with a discount or list price column
    of its own is already read that way.
    """
    price, amount, quantity = found.get("unit_price"), found.get("amount"), found.get("quantity")
    if not (price and amount and quantity) or any(
        found.get(c) for c in ("list_price", "discount_off", "discount_paid")
    ):
        return found, None
    if not {price, amount, quantity} <= set(frame.columns):
        return found, None
    lines = money_values(frame, quantity) * money_values(frame, price)
    judged = discount_gap(money_values(frame, amount), lines)
    if judged is None:
        return found, None
    kept = {concept: column for concept, column in found.items() if concept != "unit_price"}
    return kept | {"list_price": price}, (price, amount, quantity, *judged)


def list_prices(frame: pd.DataFrame, found: dict[str, str]) -> tuple[dict[str, str], tuple | None, tuple | None]:
    """The list price of a file's lines: its named one unless paid above, or a price the amounts are discounted from.

    A named column is left out when sales are above it (:func:`list_price_below_paid`); the unit price is the list
    price when the amounts are the lines after a discount (:func:`price_before_discount`). Returns the concepts
    and the two judgements (each ``None`` when it does not apply).
    """
    found, over = list_price_below_paid(frame, found)
    found, listed = price_before_discount(frame, found)
    return found, listed, over


def list_price_below_paid(frame: pd.DataFrame, found: dict[str, str]) -> tuple[dict[str, str], tuple | None]:
    """``found`` without its list price when the price paid is above it on more than a stray share of the lines.

    A list price is the price before a discount. A rental shop's 零售价 beside an 实收金额 carrying late fees, a
    menu price beside a bill with its service charge, a catalogue price not raised with the shelf price are not:
    Sakila's payments exported with the film's 租金标准价 as 零售价 were paid above it on 46 % of the lines and
    the discount analysis read a discount depth of −43 %. The paid price is the unit price, else the amount over
    the quantity. Kept when it is at most the list price (within :data:`.consistency.AMOUNT_TOLERANCE` and a
    cent) on :data:`.match.MOSTLY` of :data:`LEAST_ROWS` or more lines priced both. Returns the concepts and
    ``(list price, paid column, quantity column or None, share of lines above)``, or ``found`` and ``None``.
    """
    listed, price = found.get("list_price"), found.get("unit_price")
    amount, quantity = found.get("amount"), found.get("quantity")
    if not listed or not (price or (amount and quantity)):
        return found, None
    paid_by, per = (price, None) if price else (amount, quantity)
    if not {listed, paid_by, *([per] if per else [])} <= set(frame.columns):
        return found, None
    paid = money_values(frame, paid_by) / (parse_number(frame[per])[0].to_numpy(dtype="float64") if per else 1.0)
    lists = money_values(frame, listed)
    judged = np.isfinite(paid) & np.isfinite(lists) & (paid > 0) & (lists > 0)
    if np.count_nonzero(judged) < LEAST_ROWS:
        return found, None
    paid, lists = paid[judged], lists[judged]
    above = paid - lists > np.maximum(AMOUNT_TOLERANCE * lists, 0.01)
    if above.mean() <= 1 - MOSTLY:
        return found, None
    kept = {concept: column for concept, column in found.items() if concept != "list_price"}
    return kept, (listed, paid_by, per, float(above.mean()))


def taxed_price(frame: pd.DataFrame, found: dict[str, str]) -> tuple[dict[str, str], tuple | None]:
    """``found`` without its unit price when that price carries the tax the file's net amounts leave out.

    金蝶/用友 order lists write 含税单价 beside 金额 (before tax), 税额 and 价税合计: quantity × 含税单价 is above
    金额 on every row by the tax, which :func:`price_before_discount` read as a discount (the list price, a discount
    depth of the VAT rate, 19 % on every line). The price carries the tax when its name says so (含税, 价税, incl.
    tax) or a tax column makes up the gap (金额 + 税额 = 数量 × 单价 on :data:`.match.MOSTLY` of the rows, within
    :data:`.consistency.AMOUNT_TOLERANCE` and a cent); the line is then priced by its amount (``[金额] / [数量]``,
    :func:`~.proposal_tables._net_prices`), with no list price. Returns the concepts and ``(price, amount,
    quantity, the tax column or None, the gap)``, or ``found`` unchanged and ``None``.
    """
    price, amount, quantity = found.get("unit_price"), found.get("amount"), found.get("quantity")
    if not (price and amount and quantity) or not {price, amount, quantity} <= set(frame.columns):
        return found, None
    if any(found.get(c) for c in ("list_price", "discount_off", "discount_paid")):
        return found, None
    amounts = money_values(frame, amount)
    lines = money_values(frame, quantity) * money_values(frame, price)
    judged = discount_gap(amounts, lines)
    if judged is None:
        return found, None
    tax = named_column(frame, TAX_NAMES)
    if tax is not None and tax not in (price, amount, quantity):
        taxes = money_values(frame, tax)
        sold = np.isfinite(amounts) & np.isfinite(lines) & np.isfinite(taxes) & (lines > 0)
        agree = np.count_nonzero(sold) >= LEAST_ROWS and mostly_within(amounts[sold] + taxes[sold], lines[sold])
        tax = tax if agree else None
    if tax is None and not says_taxed(price):
        return found, None
    kept = {concept: column for concept, column in found.items() if concept != "unit_price"}
    return kept, (price, amount, quantity, tax, judged[1])


def shelf_price(found: dict[str, str]) -> tuple[dict[str, str], tuple[str, str] | None]:
    """The list price as the unit price of sold lines that have no other price and no amount.

    Only for a file of sales (an order number or date) with a quantity: a catalogue's 零售价 stays a list price.
    Returns the concepts (``list_price`` moved to ``unit_price``) and ``(price, quantity)`` columns, or ``found``
    unchanged and ``None``.
    """
    price, quantity = found.get("list_price"), found.get("quantity")
    sales = found.get("order_id") or found.get("order_date")
    others = ("unit_price", "amount", "list_amount")
    if not (price and quantity and sales) or any(found.get(concept) for concept in others):
        return found, None
    kept = {concept: column for concept, column in found.items() if concept != "list_price"}
    return kept | {"unit_price": price}, (price, quantity)


ROUNDING = 0.005  # a price written to the cent is at most half a cent from the price its line total was made of
CENT = 0.0099  # a row apart by a cent or more


def _priced_rows(frame: pd.DataFrame, found: dict[str, str]) -> tuple | None:
    """``((price, amount, quantity) columns, counts, prices, amounts)`` of a file priced without a discount column.

    ``None`` when a column is missing or a discount column makes the price one before it (:func:`price_rounded`,
    :func:`price_apart`).
    """
    price, amount, quantity = found.get("unit_price"), found.get("amount"), found.get("quantity")
    if not (price and amount and quantity) or found.get("discount_off") or found.get("discount_paid"):
        return None
    if not {price, amount, quantity} <= set(frame.columns):
        return None
    counts = parse_number(frame[quantity])[0].to_numpy(dtype="float64")  # a count, not money
    return (price, amount, quantity), counts, money_values(frame, price), money_values(frame, amount)


def price_rounded(frame: pd.DataFrame, found: dict[str, str]) -> tuple[dict[str, str], tuple | None]:
    """``found`` without its unit price when that price is the line total over the quantity rounded to the cent.

    An ERP writes 无税单价 to the cent but computes 无税金额 from the unrounded price (3 × 92.5925 = 277.78 on the
    sheet, 3 × 92.59 = 277.77 from the price column): read from the price, a month's revenue is cents off the
    sheet's own total, the one its 销售统计表 prints. When every row's amount is within ``|quantity|`` half-cents
    (and half a cent for its own rounding) of quantity × price and at least one row is a cent or more apart, the
    line is priced by its amount (``unit_price = [amount] / [quantity]``, :func:`~.proposal_tables._net_prices`).
    Returns the concepts and ``(price, amount, quantity, rows apart, gap of the price's total in 元)``, or
    ``found`` unchanged and ``None``. A discount column makes the price one before it: left alone.
    """
    read = _priced_rows(frame, found)
    if read is None:
        return found, None
    (price, amount, quantity), counts, prices, amounts = read
    judged = np.isfinite(counts) & np.isfinite(prices) & np.isfinite(amounts) & (counts != 0)
    if np.count_nonzero(judged) < LEAST_ROWS:
        return found, None
    lines, sold = counts[judged] * prices[judged], amounts[judged]
    off = np.abs(sold - lines)
    if (off > np.abs(counts[judged]) * ROUNDING + ROUNDING + 1e-9).any() or not (off >= CENT).any():
        return found, None
    kept = {concept: column for concept, column in found.items() if concept != "unit_price"}
    return kept, (
        price,
        amount,
        quantity,
        int(np.count_nonzero(off >= CENT)),
        float(round(lines.sum() - sold.sum(), 2)),
    )


def price_apart(frame: pd.DataFrame, found: dict[str, str]) -> tuple[dict[str, str], tuple | None]:
    """``found`` without its unit price when the amounts are not quantity × that price, in either direction.

    Judged on :data:`LEAST_ROWS` or more rows with a positive quantity, price and amount: the two agree (within
    :data:`.consistency.AMOUNT_TOLERANCE` and a cent) on at most ``1 -`` :data:`.match.MOSTLY` of them, and the
    amount is above, and below, quantity × price on more than :data:`ABOVE_AT_MOST` each (a gap one way only is a
    discount or a tax, judged by :func:`price_before_discount` and :func:`taxed_price`). A discount column makes the
    price one before it: left alone. Returns the concepts and ``(price, amount, quantity, share of rows agreeing,
    gap of the price's total against the amount's)``, or ``found`` unchanged and ``None``.
    """
    read = _priced_rows(frame, found)
    if read is None:
        return found, None
    (price, amount, quantity), counts, prices, amounts = read
    judged = np.isfinite(counts) & np.isfinite(prices) & np.isfinite(amounts)
    judged &= (counts > 0) & (prices > 0) & (amounts > 0)
    if np.count_nonzero(judged) < LEAST_ROWS:
        return found, None
    lines, sold = counts[judged] * prices[judged], amounts[judged]
    apart = np.abs(sold - lines) > np.maximum(AMOUNT_TOLERANCE * lines, 0.01)
    above, below = (apart & (sold > lines)).mean(), (apart & (sold < lines)).mean()
    if 1 - apart.mean() > 1 - MOSTLY or min(above, below) <= ABOVE_AT_MOST:
        return found, None
    kept = {concept: column for concept, column in found.items() if concept != "unit_price"}
    return kept, (price, amount, quantity, float(1 - apart.mean()), float(lines.sum() / sold.sum() - 1))


def amount_priced(frame: pd.DataFrame, found: dict[str, str]) -> tuple[dict[str, str], tuple | None]:
    """``found`` without its unit price when the line is priced by its amount: why, as ``(kind, *judgement)``.

    ``("rounded", ...)`` from :func:`price_rounded`, ``("apart", ...)`` from :func:`price_apart`; ``None`` when
    the price stays.
    """
    for kind, judge in (("rounded", price_rounded), ("apart", price_apart)):
        kept, judged = judge(frame, found)
        if judged is not None:
            return kept, (kind, *judged)
    return found, None


def quoted_list_price(frame: pd.DataFrame, found: dict[str, str]) -> dict[str, str]:
    """``found`` with 用友's 报价 as the list price when its 扣率 leads it to the unit price, and neither concept else.

    A 用友 sales order list carries 报价 (the price quoted), 扣率 (the percent of it paid, 92.5; or the share,
    0.925) and 无税单价 = 报价 × 扣率: 报价 is then the price before the discount, as the discount analysis needs.
    报价 carrying tax beside a 无税单价 (U8's 报价含税 option) leads to the price with tax instead: no list price,
    or every line would read a discount of the tax. Needs :data:`LEAST_ROWS` rows, :data:`.match.MOSTLY` of them
    within :data:`.consistency.AMOUNT_TOLERANCE` (and a cent) of 报价 × 扣率.
    """
    quoted, rate = found.pop("quoted_price", None), found.pop("paid_rate", None)
    price = found.get("unit_price")
    if quoted and price and not rate and not found.get("list_price"):
        return found | {"list_price": quoted} if _discounted_from(frame, found, quoted) else found
    if not (quoted and rate and price) or found.get("list_price") or not {quoted, rate, price} <= set(frame.columns):
        return found
    quotes, prices = money_values(frame, quoted), money_values(frame, price)
    paid = parse_number(frame[rate])[0].to_numpy(dtype="float64")
    judged = np.isfinite(quotes) & np.isfinite(prices) & np.isfinite(paid) & (quotes > 0) & (paid > 0)
    if np.count_nonzero(judged) < LEAST_ROWS:
        return found
    paid = paid[judged] / (100.0 if np.median(paid[judged]) > 1.5 else 1.0)  # 92.5 (percent) or 0.925
    return found | {"list_price": quoted} if mostly_within(prices[judged], quotes[judged] * paid) else found


DISCOUNT_AMOUNT_NAMES = ("折扣额", "折扣金额", "折让金额", "优惠金额", "扣额", "discount amount", "discountamount")


def _discounted_from(frame: pd.DataFrame, found: dict[str, str], quoted: str) -> bool:
    """Whether 报价 is the price before a discount written as an amount: 数量 × 报价 − 折扣额 = 数量 × 无税单价.

    用友's 销售出库/发货 lists carry 报价 and 折扣额 without 扣率: unread, the discount analysis said 数据中没有标价
    (list_price) of a sheet whose every line was discounted. Needs :data:`LEAST_ROWS` rows with a quantity and a
    quoted price, :data:`.match.MOSTLY` of them within :data:`.consistency.AMOUNT_TOLERANCE` (and a cent), and a
    discount taken on some row. A 报价 with tax beside a 无税单价 matches no 折扣额 and stays unread.
    """
    off, price, quantity = named_column(frame, DISCOUNT_AMOUNT_NAMES), found["unit_price"], found.get("quantity")
    if off is None or quantity is None or not {off, price, quantity, quoted} <= set(frame.columns):
        return False
    quotes, prices, offs = money_values(frame, quoted), money_values(frame, price), money_values(frame, off)
    counts = parse_number(frame[quantity])[0].to_numpy(dtype="float64")
    judged = np.isfinite(quotes) & np.isfinite(prices) & np.isfinite(offs) & np.isfinite(counts)
    judged &= (quotes > 0) & (counts > 0)
    if np.count_nonzero(judged) < LEAST_ROWS or not (offs[judged] > 0).any():
        return False
    return mostly_within(counts[judged] * quotes[judged] - offs[judged], counts[judged] * prices[judged])
