"""What ``salesnb map`` notices about rows that are not sales, so that the proposal can leave them out (``exclude:``).

Each function reads one file (``frame``) with the concepts :func:`~.propose.match_columns` found in it and says
what it saw, or ``None``: a status marking cancelled orders (已取消, 交易关闭, 已拒绝) or, in a returns file,
returns withdrawn or turned down (已取消, 驳回: left out where the file is that table), a payment time empty on unpaid
orders, lines of quantity 0 (a POS export's no-op lines, amount 0; or carrying money no price column prices),
orders refunded in full (amount 0, a refund above 0), a few lines without a quantity, lines with a negative
quantity (returns sold back at the till). The proposal turns the first five into ``exclude:`` rules and names
the last (the data contract keeps returns in their own table): when they are a minority of a flat sheet's lines
(an ERP's 红字), it reads them as that table (:mod:`.return_rows`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from .column_words import PAID_NAMES, RETURN_STATUS_NAMES, STATUS_NAMES, named_column
from .dataset import EMPTY
from .dates import parse_dates
from .parsing import parse_number
from .return_rows import return_columns
from .skipped_rows import rows_without_sales
from .voids import voided_rows

if TYPE_CHECKING:  # the proposal the notes go to; propose imports this module
    from .propose import Proposal

# statuses of a document that did not stand, an order's or a return's (已取消, 作废, 撤销; 已拒绝 / Rejected /
# Declined / 驳回: turned down by the seller, the credit check or whoever approves a return)
VOIDED = r"cancel|void|reject|declin|取消|作废|撤销|拒绝|驳回"
# statuses of an order that did not stand (交易关闭: a Taobao order closed unpaid or refunded; 拒收: goods the buyer
# refused at delivery; 疑似欺诈 / SUSPECTED_FRAUD: an order held as fraud, never shipped — DataCo's 2.3 % of revenue)
CANCELLED = re.compile(
    VOIDED + r"|(?<!partially )refunded|退单|交易关闭|拒收|(?<!部分)退款成功|已退款|全额退款|fraud|欺诈",
    re.IGNORECASE,
)  # a full refund (退款成功, Refunded) undoes the sale; 部分退款 / partially refunded keeps it
# statuses of a return that did not stand: withdrawn, turned down, or closed without a refund (淘宝's 退款关闭). Not
# the order's refund words: 退款成功 / 已退款 / 退单 on a return say it went through
RETURN_CANCELLED = re.compile(VOIDED + r"|退款关闭|退货关闭|售后关闭", re.IGNORECASE)
# a bare "closed" (抖店's 已关闭) is an order that never went through only where the column has its own word for
# one that did (已完成, 交易成功, 已签收): an ERP's 单据状态 writes 已关闭 on orders closed after they were filled
CLOSED = re.compile(r"(?:已|订单)?关闭")
COMPLETED = re.compile(r"完成|成功|签收|收货|completed|delivered|fulfilled", re.IGNORECASE)
ZERO = "=0"  # an exclude condition (salesnb.data.exclude.CONDITION)
STRAY = 0.1  # lines without a quantity up to this share of a sheet's lines are strays left out; above, its habit


def cancelled_values(frame: pd.DataFrame, words: re.Pattern[str] = CANCELLED) -> tuple[str, list[str]] | None:
    """(status column, its values marking cancelled orders: canceled, 已取消, 作废 …), if the file has them.

    The contract counts every order row as a sale: the proposed mapping leaves these orders out, and ``map``
    names the values so the user can keep one that does stand. ``words``: :data:`RETURN_CANCELLED` for returns,
    whose own status column (退款状态, 退货状态) is read before an order's.
    """
    names = (*RETURN_STATUS_NAMES, *STATUS_NAMES) if words is RETURN_CANCELLED else STATUS_NAMES
    column = named_column(frame, names)
    if column is None:
        return None
    values = frame[column].dropna().astype(str).unique()
    closed = words is CANCELLED and any(COMPLETED.search(v) for v in values)
    marked = sorted(v for v in values if words.search(v) or (closed and CLOSED.fullmatch(v.strip())))
    return (column, marked) if marked else None


def unpaid_column(frame: pd.DataFrame) -> str | None:
    """A payment-time column (订单付款时间) empty on some rows but not all: an e-commerce export's unpaid orders."""
    column = named_column(frame, PAID_NAMES)
    if column is not None and 0 < int(frame[column].isna().sum()) < len(frame):
        return column
    return None


def left_out(frame: pd.DataFrame, cancelled: tuple[str, list[str]] | None, unpaid: str | None) -> pd.Series:
    """The rows the cancelled and unpaid rules already leave out: what the other notes need not count."""
    out = pd.Series(False, index=frame.index)
    if cancelled:
        out |= frame[cancelled[0]].astype("string").isin(cancelled[1]).fillna(False)
    if unpaid:
        out |= frame[unpaid].isna()
    return out


def zero_lines(frame: pd.DataFrame, found: dict[str, str], gone: pd.Series) -> tuple | None:
    """(quantity column, rows, their amount, its share, the month it is most of, that share) of lines of quantity 0.

    A line whose quantity and amount are both 0 sold nothing (a POS correction, a scanned and voided item); kept, its
    computed unit price divides by zero. A line of quantity 0 carrying money is left out only where the unit price
    is that computed one (``[金额] / [数量]``: no price column): it cannot be priced, and validation stopped every
    report at its division by zero (55 lines of a 销售订单明细 whose 商品单价 was no price of its sales). Read from a
    price column it is worth 0 × price and stays. The amount left out is said (0.0 for no-op lines), with the month
    it is the largest share of (:func:`_worst_month`: 0.4 % of the sheet was 5.4 % of 2019-03, its year-on-year
    moved by as much). Rows another rule already leaves out (``gone``: an unpaid order's empty line) and 合计 rows
    are not counted.
    """
    quantity, amount = found.get("quantity"), found.get("amount")
    if quantity is None or quantity not in frame.columns:
        return None
    zero = parse_number(frame[quantity])[0].eq(0) & ~gone
    if not zero.any() or zero.all():
        return None
    if amount not in frame.columns:
        return quantity, int(zero.sum()), 0.0, 0.0, "", 0.0, ZERO
    money = parse_number(frame[amount])[0].fillna(0).where(~rows_without_sales(frame)[1], 0.0).where(~gone, 0.0)
    if money[zero].eq(0).all():
        return quantity, int(zero.sum()), 0.0, 0.0, "", 0.0, ZERO
    if found.get("unit_price"):
        return None
    return quantity, int(zero.sum()), *_held(frame, found, money, zero), ZERO


def blank_lines(frame: pd.DataFrame, found: dict[str, str], gone: pd.Series) -> tuple | None:
    """:func:`zero_lines`' tuple (condition ``""``) of stray lines whose quantity is empty.

    An ERP's 销售出库明细 leaves 数量 empty on a few lines (a freight or remark line, a red line keyed without its
    units, a database NULL): the contract takes no line without a quantity, and ``validate`` refused a whole export
    for 2,272 of its 514,000 lines. Proposed only when they are strays, at most :data:`STRAY` of the lines a sale
    could be on (rows left out otherwise, blank and 合计 rows not counted); a sheet leaving most quantities empty is
    left to the user. The amount they carry is said, and the month it weighs most in.
    """
    quantity, amount = found.get("quantity"), found.get("amount")
    if quantity is None or quantity not in frame.columns:
        return None
    empty, total = rows_without_sales(frame)
    counted = ~gone & ~pd.Series(empty | total, index=frame.index)
    text = frame[quantity].astype("string").str.strip()
    blank = (text.isna() | text.eq("")).fillna(True) & counted
    if not blank.any() or blank.sum() > STRAY * counted.sum():
        return None
    if amount not in frame.columns:
        return quantity, int(blank.sum()), 0.0, 0.0, "", 0.0, EMPTY
    money = parse_number(frame[amount])[0].fillna(0).where(counted, 0.0)
    return quantity, int(blank.sum()), *_held(frame, found, money, blank), EMPTY


def _held(frame: pd.DataFrame, found: dict[str, str], money: pd.Series, part: pd.Series) -> tuple:
    """(amount, its share of ``money``, the month it weighs most in, that share) of the rows ``part`` left out."""
    held = float(money[part].sum())
    return held, held / float(money.sum() or 1.0), *_worst_month(frame, found, money, part)


def _worst_month(frame: pd.DataFrame, found: dict[str, str], money: pd.Series, part: pd.Series) -> tuple[str, float]:
    """(month, share) of the month whose ``money`` the rows ``part`` hold most of; ``("", 0.0)`` without a date."""
    date = found.get("order_date")
    if date not in frame.columns:
        return "", 0.0
    months = parse_dates(frame[date])[0].dt.to_period("M")
    totals = money.groupby(months).sum()
    shares = (money[part].groupby(months[part]).sum() / totals.reindex(months[part].dropna().unique())).dropna()
    if shares.empty:
        return "", 0.0
    worst = shares.idxmax()
    return str(worst), float(shares[worst])


def refunded_orders(frame: pd.DataFrame, found: dict[str, str], gone: pd.Series) -> tuple[str, int] | None:
    """(amount column, rows) of rows whose amount is 0 and whose refund is above 0: orders refunded in full.

    Tmall's order report keeps them (买家实际支付金额 0, 退款金额 = 总金额): counted, they are orders without money
    that lower the average order value. Proposed only when every other row of amount 0 has a refund too, so
    that the rule ``amount = 0`` leaves out nothing but refunded orders.
    """
    amount, refund = found.get("amount"), found.get("refund")
    if amount is None or refund is None:
        return None
    zero = parse_number(frame[amount])[0].eq(0) & ~gone
    refunded = zero & parse_number(frame[refund])[0].gt(0)
    return (amount, int(refunded.sum())) if refunded.any() and refunded.equals(zero) else None


def negative_lines(frame: pd.DataFrame, found: dict[str, str], gone: pd.Series) -> tuple[str, int, float | None] | None:
    """(quantity column, rows, their value's share of the sales) of lines with a negative quantity: returns.

    Rows left out otherwise, and voided pairs (cancelled on load, :mod:`.voids`), are neither. The share (``None``
    without a line amount or unit price) says what leaving the returns out does: revenue becomes the sales before
    returns, not the export's net.
    """
    quantity = found.get("quantity")
    if quantity is None or quantity not in frame.columns:
        return None
    units, kept = parse_number(frame[quantity])[0], returnable(frame, found, gone)
    negative_rows = units.lt(0) & kept
    negative = int(negative_rows.sum())
    if not 0 < negative < len(frame):
        return None
    amount, price = found.get("amount"), found.get("unit_price")
    if amount in frame.columns:
        value = parse_number(frame[amount])[0].abs()
    elif price in frame.columns:
        value = (units * parse_number(frame[price])[0]).abs()
    else:
        return quantity, negative, None
    sold = float(value[units.gt(0) & kept].sum())
    return quantity, negative, float(value[negative_rows].sum()) / sold if sold > 0 else None


def returnable(frame: pd.DataFrame, found: dict[str, str], gone: pd.Series) -> pd.Series:
    """The rows that may be returns: not left out otherwise (``gone``) and no voided pair (cancelled on load)."""
    kept = ~gone
    order, product = found.get("order_id"), found.get("product_id") or found.get("product_name")
    if order in frame.columns and product in frame.columns:  # voided pairs cancel on load (.voids): no returns
        kept[voided_rows(frame, order, product, found["quantity"], found.get("order_date"))] = False
    return kept


def negative_orders(frame: pd.DataFrame, found: dict[str, str], gone: pd.Series) -> tuple[str, int, float] | None:
    """(amount column, rows, their share of the positive total) of orders with a negative amount, no return lines.

    A 销项发票 ledger's red invoices (红字发票) and an order list's refunds: the contract takes no negative order.
    With a quantity, the rows whose quantity is negative are returns (:func:`negative_lines`); a negative amount
    at a positive quantity is a negative price (a hotel's booking at 房价 −6.38 over 10 间夜), no order either.
    """
    amount = found.get("amount")
    if amount is None or amount not in frame.columns:
        return None
    empty, total = rows_without_sales(frame)  # a 合计 row's sum is no order: it would halve the share
    numbers = parse_number(frame[amount])[0].where(~gone & ~(empty | total))
    negative, positive = numbers.lt(0), numbers.gt(0)
    quantity = found.get("quantity")
    if quantity is not None:  # a return line is said as a return, not a credit
        if quantity not in frame.columns:
            return None
        negative &= ~parse_number(frame[quantity])[0].lt(0)
    if not negative.any() or not positive.any():
        return None
    return amount, int(negative.sum()), float(-numbers[negative].sum() / numbers[positive].sum())


def note_rows(name: str, frame: pd.DataFrame, found: dict[str, str], proposal: Proposal) -> None:
    """Record what the file holds that is not a sale (the notes above); :meth:`.Proposal.exclude` leaves it out."""
    cancelled = cancelled_values(frame)
    if cancelled:
        proposal.cancelled.append((name, *cancelled))
    withdrawn = cancelled_values(frame, RETURN_CANCELLED)  # applied only where the file is the returns table
    if withdrawn:  # a return cancelled or turned down returned nothing: out of the return rates
        proposal.side_rules.append((name, {"returns": {withdrawn[0]: withdrawn[1]}}))
    unpaid = unpaid_column(frame)
    if unpaid:  # left out unless the column is the order date itself (Proposal.unpaid_orders)
        proposal.unpaid.append((name, unpaid))
    gone = left_out(frame, cancelled, unpaid)
    for kept, read in (
        (proposal.zero_lines, zero_lines),
        (proposal.zero_lines, blank_lines),
        (proposal.refunded, refunded_orders),
        (proposal.negative, negative_lines),
        (proposal.credits, negative_orders),
    ):
        note = read(frame, found, gone)
        if note:
            kept.append((name, *note))
    if any(note[0] == name for note in proposal.negative):  # an ERP's 红字 lines: the returns table (.return_rows)
        units = parse_number(frame[found["quantity"]])[0]
        columns = return_columns(frame, found, units.lt(0) & returnable(frame, found, gone))
        proposal.return_lines |= {name: columns} if columns is not None else {}
