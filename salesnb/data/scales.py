"""What a money column measures, read from its contents and its name (``salesnb map``).

A money column whose name carries a multiplier unit (实际支付金额（万元）, 销售额千元, 金额(万)) is in that unit:
read as 元, revenue came out 10,000× too small; the mapping multiplies it (:func:`multiplier`, ``=[…] * 10000``).
A unit that is no multiplier (``（元）``) is ignored as before.

A column named 成本 may be a unit's cost or a line's total cost; mapped as the unit cost, a line total made the
margins −700 %. Its contents tell: a line's cost is mostly above the unit price while divided by the quantity
it falls below it, or it equals the line's amount less its profit (:func:`read_cost`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .copied_cost import COST_TOLERANCE
from .parsing import parse_number

FACTORS = {"亿": 100_000_000, "百万": 1_000_000, "万": 10_000, "千": 1_000}  # a unit's multiple of one 元
UNIT = re.compile(r"[(（\[【]\s*(?:单位[:：]?\s*)?(亿|百万|万|千)元?\s*[)）\]】]|(?<=.)(亿|百万|万|千)元$")
MONEY = ("amount", "unit_price", "list_price", "list_amount", "unit_cost", "line_cost", "profit")  # scaled concepts
MOSTLY_ABOVE = 0.5  # share of lines whose cost must exceed the unit price for it to be a line's total
BELOW = 0.8  # share of lines whose cost per unit must then stay below the unit price (or be it: copied_cost)
AGREE = 0.95  # share of lines on which cost = amount - profit for it to be the line's total cost
CENTS = 0.01  # tolerance of that equality, relative to the amount


def multiplier(name: str) -> tuple[str, int] | None:
    """The multiplier unit a column's name carries and its factor: ``金额（万元）`` → (万元, 10000); else ``None``."""
    match = UNIT.search(str(name).strip())
    if match is None:
        return None
    word = match.group(1) or match.group(2)
    return f"{word}元", FACTORS[word]


def money_values(sample: pd.DataFrame, column: str | None) -> np.ndarray | None:
    """A column's values as floats, in 元 when its name carries a multiplier unit."""
    if column is None:
        return None
    unit = multiplier(column)
    return parse_number(sample[column])[0].to_numpy(dtype="float64") * (unit[1] if unit else 1)


def profit_over_amount(frame: pd.DataFrame, profit: str, amount: str) -> int:
    """Sale rows whose ``profit`` exceeds their ``amount``: the cost ``amount − profit`` they leave is negative.

    A return line (a negative amount over a negative quantity) is left out: its cost keeps its sign.
    """
    amounts = money_values(frame, amount)
    return int(np.count_nonzero((money_values(frame, profit) > amounts) & (amounts >= 0)))


def read_profit(found: dict[str, str], frame: pd.DataFrame) -> None:
    """Set aside a line profit above its line's amount on some rows (``loose_profit``): no cost is derived from it.

    ``unit_cost = ([销售额] - [利润]) / [数量]`` is negative on such a line and ``validate`` refuses the whole
    export: the mapping ``map`` proposes must load, so it leaves the cost out and says why (:mod:`.mapview`).
    """
    profit, amount = found.get("profit"), found.get("amount")
    if profit and amount and not {"unit_cost", "line_cost"} & set(found) and profit_over_amount(frame, profit, amount):
        found["loose_profit"] = found.pop("profit")


def read_cost(found: dict[str, str], sample: pd.DataFrame) -> None:
    """Rename a cost column holding each line's total cost ``line_cost`` (``unit_cost = [成本] / [数量]``).

    A line's cost is the unit cost times the quantity: with a profit column it equals the line's amount less the
    profit; without one it is mostly above the unit price (the line total ÷ quantity when there is no unit price)
    while, divided by the quantity, below it — or equal to it, where the export copied the amount into the cost
    (the loader leaves such a cost out: :mod:`.copied_cost`). A real unit cost is below its price already and stays
    as it is.
    Lines of one unit cannot tell the two apart and are left out of the comparison.
    """
    cost, quantity = money_values(sample, found.get("unit_cost")), money_values(sample, found.get("quantity"))
    if cost is None or quantity is None:
        return
    amount, profit = money_values(sample, found.get("amount")), money_values(sample, found.get("profit"))
    several = quantity > 1
    if amount is not None and profit is not None:
        rows = several & ~np.isnan(cost + amount + profit)
        agree = np.abs(cost - (amount - profit)) <= CENTS * np.maximum(np.abs(amount), 1)
        if rows.any() and agree[rows].mean() >= AGREE:
            found["line_cost"] = found.pop("unit_cost")
        return
    price = money_values(sample, found.get("unit_price"))
    if price is None and amount is not None:
        price = amount / np.where(quantity > 0, quantity, np.nan)
    if price is None:
        return
    rows = several & ~np.isnan(cost + price) & (price > 0)
    if rows.any() and (cost[rows] > price[rows]).mean() > MOSTLY_ABOVE:
        at_most = price[rows] * (1 + COST_TOLERANCE)  # a cost copying the amount is a line's too (copied_cost)
        if (cost[rows] / quantity[rows] <= at_most).mean() >= BELOW:
            found["line_cost"] = found.pop("unit_cost")
