"""What the foreign benchmark's plants share: months, usual levels, removing orders, and what a world exports."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from foreign_tables import revenue

Tables = dict[str, pd.DataFrame]
COMPLAINTS = ("交付延误", "质量问题", "售后响应", "合同争议")  # ticket categories that are complaints (安装调试 is not)


class Unplantable(Exception):
    """The drawn place cannot hold the problem (too few items, or the table or column is not exported)."""


def in_month(values: pd.Series, period: str) -> pd.Series:
    """Whether each timestamp falls in ``period``."""
    p = pd.Period(period, "M")
    return (values >= p.start_time) & (values < (p + 1).start_time)


def usual(when: pd.Series, mine: pd.Series, value: pd.Series, period: str) -> float:
    """The segment's (``mine``) usual value in ``period``: its 12-month mean × the month's level for the others."""
    month = when.dt.to_period("M")
    p = pd.Period(period, "M")
    past = (month >= p - 12) & (month < p)
    others_now, others_past = value[~mine & (month == p)].sum(), value[~mine & past].sum() / 12
    level = others_now / others_past if others_past > 0 else 1.0
    return float(value[mine & past].sum() / 12 * level)


def losing(rng: np.random.Generator, rows: pd.Series, value: pd.Series, normal: float, size: float) -> pd.Index:
    """A random set of the ``rows`` whose removal leaves at most ``1 − size`` of the month and of ``normal``."""
    at = rows[rows].index.to_numpy()[rng.permutation(int(rows.sum()))]
    now = float(value[at].sum())
    keep = (1 - size) * min(now, normal)
    gone = int(np.searchsorted(value[at].cumsum().to_numpy(), now - keep - 1e-9)) + 1
    return pd.Index(at[:gone])


def drop_orders(t: Tables, ids: Any) -> None:
    """Remove orders and everything that hangs on them (lines, invoices, tickets, returns)."""
    ids = set(ids)
    for name in ("orders", "order_lines", "invoices", "tickets", "returns"):
        t[name] = t[name][~t[name]["order_id"].isin(ids)].reset_index(drop=True)


def reissue(t: Tables, ids: Any) -> None:
    """Invoices of orders whose lines changed: new amount (none left: the order and its records go)."""
    orders = t["orders"][t["orders"]["order_id"].isin(set(ids))]
    amount = revenue(orders, t["order_lines"]).round(2)
    drop_orders(t, orders.loc[amount <= 0, "order_id"])
    inv = t["invoices"]
    new = inv["order_id"].map(dict(zip(orders["order_id"], amount, strict=True)))
    hit = new.notna()
    inv.loc[hit, "amount"] = new[hit]
    inv.loc[hit & inv["paid_at"].notna(), "paid_amount"] = new[hit & inv["paid_at"].notna()]


def order_value(t: Tables) -> pd.Series:
    """Each order's revenue, on the orders' index."""
    return revenue(t["orders"], t["order_lines"])


def needs(world: Any, *what: str) -> None:
    """Raise :class:`Unplantable` unless every table / column of ``what`` is exported."""
    for item in what:
        if "." in item and item in world.dropped or "." not in item and item not in world.present:
            raise Unplantable(f"{item} not exported")


def region_lines(t: Tables, region: str) -> pd.DataFrame:
    """The region's order lines with their order date and product line, on the lines' index."""
    o = t["orders"].set_index("order_id")
    lines = t["order_lines"]
    mine = lines["order_id"].map(o["region"]) == region
    out = lines[mine].copy()
    out["order_date"] = out["order_id"].map(o["order_date"])
    out["product_line"] = out["product_id"].map(t["products"].set_index("product_id")["product_line"])
    return out


def pick_line(world: Any, lines: pd.DataFrame, period: str, rng: np.random.Generator, least: int = 5) -> str:
    """A product line with at least ``least`` order lines in the month (products must be exported to name it)."""
    needs(world, "products")
    now = lines.loc[in_month(lines["order_date"], period), "product_line"].value_counts()
    if not (now >= least).any():
        raise Unplantable(f"no product line with {least} order lines")
    return str(rng.choice(sorted(now[now >= least].index)))
