"""Table surgery for the diagnosis benchmark: month bounds, masks, new ids and removing orders cleanly.

The plants in :mod:`scenarios_sales` and :mod:`scenarios_flow` change the contract tables of a clean demo history
(the frames ``salesnb.demo.generate_dataset`` returns) in place; these helpers keep every reference consistent
(an order removed takes its lines, returns, invoices and tickets with it).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

Tables = dict[str, pd.DataFrame]
# plant(tables, region, period, size, rng) -> segment of the planted problem (without the region)
Plant = Callable[[Tables, str, str, float, np.random.Generator], dict[str, str]]
STAGES = ("初步接触", "需求确认", "技术交流", "方案报价", "商务谈判", "合同签订")


class Unplantable(Exception):
    """The drawn region and month hold nothing to plant this problem on (e.g. no new hires): draw again."""


def bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First instant of ``period`` and of the month after it."""
    start = pd.Period(period, freq="M").start_time
    return start, (pd.Period(period, freq="M") + 1).start_time


def in_month(values: pd.Series, period: str) -> pd.Series:
    """Mask of timestamps inside ``period``."""
    start, end = bounds(period)
    return (values >= start) & (values < end)


def month_back(period: str, months: int) -> str:
    """The month ``months`` before ``period``."""
    return str(pd.Period(period, freq="M") - months)


def customer_region(tables: Tables) -> pd.Series:
    """Region of each customer id."""
    customers = tables["customers"]
    return pd.Series(customers["region"].to_numpy(), index=customers["customer_id"].to_numpy())


def region_rows(tables: Tables, table: str, region: str) -> pd.Series:
    """Mask of ``table``'s rows whose customer (or own region column) is in ``region``."""
    frame = tables[table]
    if "region" in frame.columns:
        return frame["region"] == region
    return frame["customer_id"].map(customer_region(tables)) == region


def pick(rng: np.random.Generator, mask: pd.Series, share: float, *, at_least: int = 0) -> pd.Series:
    """A random ``share`` (at least ``at_least``) of the rows where ``mask`` holds, as a mask."""
    rows = np.flatnonzero(mask.to_numpy())
    count = min(len(rows), max(at_least, int(round(share * len(rows)))))
    chosen = rng.choice(rows, size=count, replace=False) if count else np.array([], dtype=int)
    out = np.zeros(len(mask), dtype=bool)
    out[chosen] = True
    return pd.Series(out, index=mask.index)


def new_ids(frame: pd.DataFrame, column: str, prefix: str, count: int) -> list[str]:
    """``count`` fresh ids for ``frame[column]`` (``<prefix>X00001`` …, never clashing with the generator's)."""
    taken = set(frame[column].dropna().astype(str))
    out, k = [], 0
    while len(out) < count:
        k += 1
        name = f"{prefix}X{k:05d}"
        if name not in taken:
            out.append(name)
    return out


def append(tables: Tables, table: str, rows: pd.DataFrame) -> None:
    """Append ``rows`` to ``table`` keeping its columns and dtypes."""
    frame = tables[table]
    rows = rows.reindex(columns=frame.columns)
    for column in frame.columns:
        rows[column] = rows[column].astype(frame[column].dtype)
    tables[table] = pd.concat([frame, rows], ignore_index=True)


def drop_orders(tables: Tables, order_ids: pd.Series | list[str]) -> None:
    """Remove orders and everything hanging off them (lines, returns, invoices, tickets)."""
    gone = set(pd.Series(order_ids, dtype=object).astype(str))
    for table in ("orders", "order_lines", "returns", "invoices", "tickets"):
        frame = tables[table]
        tables[table] = frame[~frame["order_id"].astype(str).isin(gone)].reset_index(drop=True)


def drop_empty_orders(tables: Tables) -> None:
    """Remove the orders that no longer have any order line."""
    orders = tables["orders"]
    drop_orders(tables, orders.loc[~orders["order_id"].isin(tables["order_lines"]["order_id"]), "order_id"])


def order_month_rows(tables: Tables, region: str, period: str) -> pd.Series:
    """Mask of the orders of ``region`` placed in ``period``."""
    orders = tables["orders"]
    return (orders["region"] == region) & in_month(orders["order_date"], period)


def line_orders(tables: Tables) -> pd.DataFrame:
    """Order lines with their order's region and date and their product's line."""
    lines = tables["order_lines"]
    orders = tables["orders"].set_index("order_id")
    products = tables["products"].set_index("product_id")
    return lines.assign(
        region=lines["order_id"].map(orders["region"]).to_numpy(),
        order_date=lines["order_id"].map(orders["order_date"]).to_numpy(),
        product_line=lines["product_id"].map(products["product_line"]).to_numpy(),
    )


def random_times(rng: np.random.Generator, start: pd.Timestamp, end: pd.Timestamp, count: int) -> pd.Series:
    """``count`` random office-hour timestamps (whole seconds) between ``start`` and ``end``."""
    days = max(1, (end - start).days)
    day = rng.integers(0, days, count)
    seconds = rng.integers(9 * 3600, 18 * 3600, count)
    values = pd.Series(start.normalize() + pd.to_timedelta(day, unit="D") + pd.to_timedelta(seconds, unit="s"))
    return values.clip(start, end - pd.Timedelta(seconds=1)).astype("datetime64[s]")


def rise(size: float) -> float:
    """The factor a count rises by for a plant of ``size`` (10% → ×1.4, 30% → ×2.2, 70% → ×3.8)."""
    return 1.0 + 4.0 * size
