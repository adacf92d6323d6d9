"""A sales-data generator independent of ``salesnb.demo``: worlds of other shapes, for the foreign benchmark.

Why: the diagnosis benchmark plants problems into our own demo generator's history, so it cannot tell whether the
rules only work on the shapes that generator makes. This module draws, per seed, a different world — region,
channel and product-line names, 15–800 products, reps per region, customers with their own purchase rhythms,
Chinese retail seasonality (春节 dip, 618 and 双11 peaks), overdispersed counts and order sizes, 18–30 months
ending at a random month (sometimes with a partial month after it) — and simulates the contract's tables.
:func:`export` writes them as a company would: some optional tables and columns missing, GB18030 or UTF-8,
ISO or slash dates (``2026/3/7``), numeric or prefixed ids. Written from scratch: numpy and pandas only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from foreign_tables import SOURCES, side_tables

Tables = dict[str, pd.DataFrame]

REGION_SETS = (
    ("上海", "北京", "广州", "深圳", "成都", "武汉", "杭州", "西安"),
    ("东区", "西区", "南区", "北区", "中区"),
    ("华东大区", "华北大区", "华南大区", "西南大区", "西北大区", "东北大区", "华中大区"),
    ("苏南", "苏北", "浙江", "安徽", "山东", "福建"),
)
CHANNELS = ("线上商城", "经销商", "大客户直销", "电商平台", "代理商", "门店零售")
LINES = (
    "办公家具",
    "照明设备",
    "厨卫电器",
    "安防监控",
    "净水设备",
    "智能门锁",
    "空气净化",
    "工业耗材",
    "实验仪器",
    "医疗耗材",
)
SPRING_FESTIVAL = {2022: 2, 2023: 1, 2024: 2, 2025: 1, 2026: 2, 2027: 2}  # month of 春节 (1 Feb 2022: Feb)
OPTIONAL = ("customers", "products", "reps", "targets", "opportunities", "leads", "invoices", "tickets", "returns")


@dataclass
class World:
    """One drawn world: its names, sizes, calendar and how it is exported."""

    seed: int
    regions: list[str]
    channels: list[str]
    lines: list[str]
    months: list[str]  # complete months, oldest first
    partial_day: int  # 0: the export ends with the last month; else it ends on this day of the next month
    present: set[str]  # optional tables exported
    dropped: set[str] = field(default_factory=set)  # optional columns left out, as "table.column"
    encoding: str = "utf-8"
    slash_dates: bool = False
    numeric_ids: bool = False
    thousands: bool = False  # amounts written with thousands separators (1,234.50), as Excel-made exports do
    season: list[float] = field(default_factory=list)  # the true monthly multipliers, set by the simulation

    @property
    def end(self) -> pd.Timestamp:
        """The export's cut-off: nothing after it is known."""
        last = pd.Period(self.months[-1], "M")
        if self.partial_day:
            return (last + 1).start_time + pd.Timedelta(days=self.partial_day) - pd.Timedelta(seconds=1)
        return last.end_time.floor("s")


def draw_world(seed: int) -> World:
    """Names, calendar, tables present and export style of the seed's world."""
    rng = np.random.default_rng([seed, 1])
    names = REGION_SETS[rng.integers(len(REGION_SETS))]
    regions = [str(x) for x in rng.choice(names, int(rng.integers(3, min(8, len(names)) + 1)), replace=False)]
    channels = [str(x) for x in rng.choice(CHANNELS, int(rng.integers(2, 5)), replace=False)]
    lines = [str(x) for x in rng.choice(LINES, int(rng.integers(3, 9)), replace=False)]
    count = int(rng.integers(18, 31))
    last = pd.Period("2024-06", "M") + int(rng.integers(0, 30))
    months = [str(last - k) for k in range(count - 1, -1, -1)]
    partial = int(rng.integers(3, 26)) if rng.random() < 0.3 else 0
    present = {t for t in OPTIONAL if rng.random() < 0.7}
    if "opportunities" not in present:
        present.discard("stage_events")
    else:
        present.add("stage_events")
    dropped = {
        c
        for c in (
            "orders.channel",
            "orders.rep_id",
            "orders.promised_at",
            "order_lines.list_price",
            "order_lines.unit_cost",
            "orders.region",
        )
        if rng.random() < 0.2
    }
    if "customers" not in present:
        dropped.discard("orders.region")  # the region must come from somewhere
    if "products" not in present:
        dropped -= {"order_lines.list_price", "order_lines.unit_cost"}
    encoding = str(rng.choice(["utf-8", "utf-8-sig", "gb18030"], p=[0.4, 0.3, 0.3]))
    return World(
        seed,
        regions,
        channels,
        lines,
        months,
        partial,
        present,
        dropped,
        encoding,
        bool(rng.random() < 0.4),
        bool(rng.random() < 0.4),
        thousands=bool(rng.random() < 0.25),
    )


def season(months: list[str], rng: np.random.Generator) -> np.ndarray:
    """Monthly multipliers: 春节 dip (January or February, by year), 618 and 双11 peaks, a trend, wobble."""
    per = pd.PeriodIndex(months, freq="M")
    mult = np.ones(len(months))
    peak618, peak1111 = rng.uniform(1.1, 1.6), rng.uniform(1.2, 2.0)
    mult[per.month == 6] *= peak618
    mult[per.month == 11] *= peak1111
    mult[per.month == 12] *= rng.uniform(0.9, 1.2)
    for year in sorted(set(per.year)):
        dip = SPRING_FESTIVAL.get(year, 2)  # 春节 falls in January or February, as the calendar has it
        mult[(per.year == year) & (per.month == dip)] *= rng.uniform(0.45, 0.8)
    trend = (1 + rng.uniform(-0.1, 0.25)) ** (np.arange(len(months)) / 12)
    return mult * trend * rng.lognormal(0, 0.05, len(months))


def _products(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """The catalogue: 15–800 products over the lines, list prices per line level, costs, popularity."""
    n = int(np.exp(rng.uniform(np.log(15), np.log(800))))
    share = rng.dirichlet(np.ones(len(world.lines)) * 1.5)
    line = rng.choice(len(world.lines), n, p=share)
    line[: len(world.lines)] = np.arange(len(world.lines))  # every line has a product
    base = np.exp(rng.uniform(np.log(30), np.log(20000), len(world.lines)))
    price = np.round(base[line] * rng.lognormal(0, 0.5, n), -1).clip(10)
    launch = pd.Timestamp(world.months[0] + "-01") - pd.to_timedelta(rng.integers(-400, 2000, n), unit="D")
    return pd.DataFrame(
        {
            "product_id": [f"SKU{k + 1:04d}" for k in range(n)],
            "product_name": [f"{world.lines[k]}-型号{i + 1}" for i, k in enumerate(line)],
            "product_line": [world.lines[k] for k in line],
            "launch_date": launch.normalize(),
            "list_price": price,
            "unit_cost": np.round(price * rng.uniform(0.3, 0.8, n), 2),
            "weight": rng.pareto(1.2, n) + 0.05,
        }
    )


def _reps(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """2–12 reps per region; some hired during the history, a few leaving."""
    rows = []
    start, end = pd.Timestamp(world.months[0] + "-01"), world.end
    for region in world.regions:
        for _ in range(int(rng.integers(2, 13))):
            hired = start - pd.Timedelta(days=int(rng.integers(-300, 2500)))
            left = start + pd.Timedelta(days=int(rng.integers(200, 1000))) if rng.random() < 0.12 else pd.NaT
            rows.append(
                {
                    "rep_id": f"E{len(rows) + 101}",
                    "rep_name": f"销售{len(rows) + 1}号",
                    "region": region,
                    "team": f"{region}{int(rng.integers(1, 3))}组",
                    "hire_date": min(hired, end - pd.Timedelta(days=60)),
                    "leave_date": left if pd.notna(left) and left < end else pd.NaT,
                }
            )
    return pd.DataFrame(rows)


def _customers(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Customers per region with a purchase rate, a preferred channel, acquisition and lapse months.

    One region in seven (not the first) opens during the history: a new branch, with no business before.
    """
    rows = []
    n_months = len(world.months)
    for k, region in enumerate(world.regions):
        opened = int(rng.integers(2, n_months - 14)) if k and n_months > 17 and rng.random() < 0.15 else -1
        monthly = np.exp(rng.uniform(np.log(25), np.log(180)))  # the region's orders per month
        mean_rate = rng.uniform(0.25, 1.2)
        count = int(monthly / mean_rate * 1.3)
        weights = rng.dirichlet(np.ones(len(world.channels)) * 2)
        for _ in range(count):
            born = -1 if rng.random() < 0.6 else int(rng.integers(0, n_months))
            born = max(born, opened)  # a region opened during the history has no customers before
            rows.append(
                {
                    "region": region,
                    "rate": rng.gamma(0.9, mean_rate / 0.9),
                    "born": born,
                    "lapse": born + 1 + int(rng.geometric(rng.uniform(0.01, 0.04))),
                    "channel": world.channels[rng.choice(len(world.channels), p=weights)],
                }
            )
    frame = pd.DataFrame(rows)
    frame["customer_id"] = [f"KH{k + 1:05d}" for k in range(len(frame))]
    frame["customer_name"] = [f"{r}客户{k + 1}有限公司" for k, r in enumerate(frame["region"])]
    frame["industry"] = rng.choice(["零售", "制造业", "餐饮", "医疗", "教育", "地产"], len(frame))
    frame["employee_count"] = np.round(rng.lognormal(4, 1.3, len(frame))).astype(int) + 1
    first = pd.Timestamp(world.months[0] + "-01")
    born_at = [
        first - pd.Timedelta(days=int(rng.integers(30, 1500)))
        if b < 0
        else pd.Period(world.months[b], "M").start_time + pd.Timedelta(days=int(rng.integers(0, 28)))
        for b in frame["born"]
    ]
    frame["acquired_at"] = pd.to_datetime(born_at)
    frame["acquisition_channel"] = rng.choice(SOURCES, len(frame))
    return frame


def _orders(world: World, customers: pd.DataFrame, reps: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Orders: negative-binomial counts per customer and month, dated in the month, with rep and channel."""
    mult = season(world.months, rng)
    world.season = [float(x) for x in mult]
    n_months = len(world.months)
    months = np.arange(n_months)
    active = (months[None, :] >= customers["born"].to_numpy()[:, None]) & (
        months[None, :] < customers["lapse"].to_numpy()[:, None]
    )
    lam = customers["rate"].to_numpy()[:, None] * mult[None, :] * active
    k = rng.uniform(1.0, 4.0)  # overdispersion
    counts = rng.poisson(rng.gamma(k, np.maximum(lam, 1e-12) / k))
    cust, month = np.nonzero(counts)
    reps_n = counts[cust, month]
    cust, month = np.repeat(cust, reps_n), np.repeat(month, reps_n)
    starts = pd.PeriodIndex(world.months, freq="M").start_time
    days = pd.PeriodIndex(world.months, freq="M").days_in_month.to_numpy()
    day = (rng.random(len(cust)) * days[month]).astype(int)
    date = starts[month] + pd.to_timedelta(day, unit="D")
    if world.partial_day:  # the partial month after the last full one: a few days of orders
        extra = rng.choice(len(customers), int(lam[:, -1].sum() * world.partial_day / 30), p=None)
        cust = np.concatenate([cust, extra])
        date = date.append(
            world.end.normalize() - pd.to_timedelta(rng.integers(0, world.partial_day, len(extra)), unit="D")
        )
    orders = pd.DataFrame(
        {
            "customer_id": customers["customer_id"].to_numpy()[cust],
            "order_date": date,
            "region": customers["region"].to_numpy()[cust],
        }
    )
    pref = customers["channel"].to_numpy()[cust]
    orders["channel"] = np.where(rng.random(len(orders)) < 0.8, pref, rng.choice(world.channels, len(orders)))
    orders["rep_id"] = _assign_reps(orders, customers, reps, rng)
    orders = orders.sort_values(["order_date", "customer_id"], kind="stable").reset_index(drop=True)
    orders.insert(0, "order_id", [f"SO{k + 1:07d}" for k in range(len(orders))])
    orders["promised_at"] = orders["order_date"] + pd.to_timedelta(rng.integers(5, 30, len(orders)), unit="D")
    late = np.round(rng.normal(-2, 3, len(orders))).astype(int)
    orders["delivered_at"] = orders["promised_at"] + pd.to_timedelta(late, unit="D")
    orders.loc[orders["delivered_at"] > world.end, "delivered_at"] = pd.NaT
    return orders


def _assign_reps(orders: pd.DataFrame, customers: pd.DataFrame, reps: pd.DataFrame, rng: np.random.Generator) -> list:
    """Each order's rep: the customer's own rep while employed, else any rep of the region employed then."""
    own = {}
    for region, group in customers.groupby("region"):
        ids = reps.loc[reps["region"] == region, "rep_id"].to_numpy()
        pull = rng.lognormal(0, 0.6, len(ids))
        for c in group["customer_id"]:
            own[c] = ids[rng.choice(len(ids), p=pull / pull.sum())]
    by_id = reps.set_index("rep_id")
    out = []
    for c, region, when in zip(orders["customer_id"], orders["region"], orders["order_date"], strict=True):
        rep = own[c]
        left, hired = by_id.at[rep, "leave_date"], by_id.at[rep, "hire_date"]
        if (pd.notna(left) and when >= left) or when < hired:
            mine = reps[(reps["region"] == region) & (reps["hire_date"] <= when) & ~(reps["leave_date"] <= when)]
            rep = mine["rep_id"].iloc[int(rng.integers(len(mine)))] if len(mine) else rep
            own[c] = rep
        out.append(rep)
    return out


def _lines(orders: pd.DataFrame, products: pd.DataFrame, world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Order lines: 1 + Poisson products per order by popularity, lognormal quantities, channel discounts."""
    per = 1 + rng.poisson(rng.uniform(0.2, 2.5), len(orders))
    order = np.repeat(np.arange(len(orders)), per)
    p = products["weight"].to_numpy() / products["weight"].sum()
    prod = rng.choice(len(products), len(order), p=p)
    price = products["list_price"].to_numpy()[prod]
    qty = np.maximum(1, np.round(rng.lognormal(np.log(np.clip(3000 / price, 1, 50)), 0.8))).astype(int)
    depth = {c: rng.uniform(0.0, 0.25) for c in world.channels}
    disc = np.array([depth[c] for c in orders["channel"].to_numpy()[order]]) + rng.beta(2, 20, len(order))
    lines = pd.DataFrame(
        {
            "order_id": orders["order_id"].to_numpy()[order],
            "product_id": products["product_id"].to_numpy()[prod],
            "quantity": qty,
            "unit_price": np.round(price * (1 - disc.clip(0, 0.6)), 2),
            "list_price": price,
            "unit_cost": products["unit_cost"].to_numpy()[prod],
        }
    )
    return lines.drop_duplicates(["order_id", "product_id"]).reset_index(drop=True)


def simulate(seed: int) -> tuple[World, Tables]:
    """The seed's world and its full tables (every column, timestamps as datetimes), before any export choice."""
    world = draw_world(seed)
    rng = np.random.default_rng([seed, 2])
    products, reps = _products(world, rng), _reps(world, rng)
    customers = _customers(world, rng)
    orders = _orders(world, customers, reps, rng)
    lines = _lines(orders, products, world, rng)
    tables: Tables = {
        "orders": orders,
        "order_lines": lines,
        "customers": customers,
        "products": products,
        "reps": reps,
    }
    tables.update(side_tables(world, tables, rng))
    return world, tables


def _fmt_dates(frame: pd.DataFrame, slash: bool) -> pd.DataFrame:
    """Datetime columns as text: ISO, or slash dates without zero padding (``2026/3/7 14:05``)."""
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_datetime64_any_dtype(out[col]):
            continue
        v = out[col]
        timed = bool(((v.dropna() - v.dropna().dt.normalize()) > pd.Timedelta(0)).any())
        if slash:
            text = (
                v.dt.year.astype("Int64").astype(str)
                + "/"
                + v.dt.month.astype("Int64").astype(str)
                + "/"
                + v.dt.day.astype("Int64").astype(str)
            )
            if timed:
                text = text + " " + v.dt.strftime("%H:%M")
        else:
            text = v.dt.strftime("%Y-%m-%d %H:%M:%S" if timed else "%Y-%m-%d")
        out[col] = text.where(v.notna(), "")
    return out


KEEP = {  # contract columns per table; the rest (simulation state) is not exported
    "orders": ["order_id", "customer_id", "order_date", "region", "rep_id", "channel", "promised_at", "delivered_at"],
    "order_lines": ["order_id", "product_id", "quantity", "unit_price", "list_price", "unit_cost"],
    "customers": [
        "customer_id",
        "customer_name",
        "region",
        "industry",
        "employee_count",
        "acquired_at",
        "acquisition_channel",
    ],
    "products": ["product_id", "product_name", "product_line", "launch_date", "list_price", "unit_cost"],
    "reps": ["rep_id", "rep_name", "region", "team", "hire_date", "leave_date"],
}


NUMERIC = {"customer_id": 10000, "order_id": 800000, "rep_id": 100}  # id column → offset of the numeric export


def export_value(world: World, column: str, value: str) -> str:
    """``value`` of ``column`` as the world's export writes it (numeric ids renumbered)."""
    if world.numeric_ids and column in NUMERIC:
        return str(int(re.search(r"(\d+)$", value).group(1)) + NUMERIC[column])  # type: ignore[union-attr]
    return value


def _numeric_ids(tables: Tables) -> Tables:
    """Ids as plain numbers (customer 10023, order 880001 …), as many ERPs export them."""
    maps = NUMERIC
    out = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for col, base in maps.items():
            if col in frame:
                digits = frame[col].astype("string").str.extract(r"(\d+)$", expand=False)
                frame[col] = (digits.astype("Int64") + base).astype("string")
        out[name] = frame
    return out


MONEY = {"unit_price", "list_price", "unit_cost", "amount", "paid_amount", "target_amount"}


def export(world: World, tables: Tables, folder: Path) -> list[str]:
    """Write the tables present as CSV files the way the world's company exports them; the file names written."""
    folder.mkdir(parents=True, exist_ok=True)
    if world.numeric_ids:
        tables = _numeric_ids(tables)
    written = []
    for name, frame in tables.items():
        if name not in ("orders", "order_lines") and name not in world.present:
            continue
        cols = [c for c in KEEP.get(name, frame.columns) if f"{name}.{c}" not in world.dropped]
        if name == "orders" and "orders.promised_at" in world.dropped:
            cols.remove("delivered_at")
        text = _fmt_dates(frame[cols], world.slash_dates)
        for col in MONEY.intersection(cols) if world.thousands else ():
            text[col] = text[col].map(lambda v: "" if pd.isna(v) else f"{v:,.2f}")
        text.to_csv(folder / f"{name}.csv", index=False, encoding=world.encoding)
        written.append(f"{name}.csv")
    return written
