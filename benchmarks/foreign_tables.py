"""The foreign generator's tables that follow the orders: invoices, tickets, returns, targets, deals, leads.

Split from :mod:`foreign_data` to keep modules small. Everything after the world's export cut-off is unknown
(a payment, a reply, a stage change not yet made is an empty cell; a record not yet created is absent), as in a
real export taken on that day.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

Tables = dict[str, pd.DataFrame]

SOURCES = ("展会", "线上广告", "自然流量", "转介绍", "抖音", "百度推广", "电话营销")
CATEGORIES = ("交付延误", "质量问题", "售后响应", "合同争议", "安装调试")
REASONS = ("质量问题", "规格不符", "运输损坏", "客户取消")
COMPETITORS = ("竞品甲", "竞品乙", "竞品丙", "竞品丁")
STAGES = ("初步接触", "需求确认", "技术交流", "方案报价", "商务谈判", "合同签订")  # the default configured order


def hours(rng: np.random.Generator, median: float, sigma: float, n: int) -> pd.TimedeltaIndex:
    """``n`` lognormal durations in hours (median ``median``), whole seconds."""
    return pd.to_timedelta(np.round(rng.lognormal(np.log(median), sigma, n) * 3600), unit="s")


def revenue(orders: pd.DataFrame, lines: pd.DataFrame) -> pd.Series:
    """Each order's revenue (sum of quantity × unit price), aligned on ``orders``."""
    value = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum()
    return value.reindex(orders["order_id"]).fillna(0).set_axis(orders.index)


def invoices(orders: pd.DataFrame, lines: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """One invoice per order at delivery terms of 30/60/90 days; most paid near the due date, some late."""
    n = len(orders)
    issued = orders["order_date"] + pd.to_timedelta(rng.integers(0, 6, n), unit="D")
    due = issued + pd.to_timedelta(rng.choice([30, 60, 90], n, p=[0.5, 0.35, 0.15]), unit="D")
    delay = np.where(rng.random(n) < 0.12, rng.lognormal(np.log(20), 0.7, n), rng.normal(-8, 8, n))
    paid = due + pd.to_timedelta(np.round(delay), unit="D")
    paid = paid.where(paid <= end)
    amount = revenue(orders, lines).round(2)
    frame = pd.DataFrame(
        {
            "invoice_id": [f"FP{k + 1:07d}" for k in range(n)],
            "customer_id": orders["customer_id"],
            "issued_at": issued,
            "due_at": due,
            "amount": amount,
            "order_id": orders["order_id"],
            "paid_at": paid,
            "paid_amount": amount.where(paid.notna()),
        }
    )
    return frame[(frame["issued_at"] <= end) & (frame["amount"] > 0)].reset_index(drop=True)


def tickets(orders: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """Service tickets after some orders: category mix of the world, replies in hours, resolution in days."""
    rate = rng.uniform(0.03, 0.15)
    hit = orders[rng.random(len(orders)) < rate]
    n = len(hit)
    mix = rng.dirichlet(np.ones(len(CATEGORIES)) * 2)
    created = hit["order_date"].to_numpy() + hours(rng, 24 * 8, 1.0, n).to_numpy()
    frame = pd.DataFrame(
        {
            "customer_id": hit["customer_id"].to_numpy(),
            "created_at": created,
            "category": rng.choice(CATEGORIES, n, p=mix),
        }
    )
    frame["first_response_at"] = frame["created_at"] + hours(rng, 3, 1.0, n)
    frame["resolved_at"] = frame["first_response_at"] + hours(rng, 30, 1.0, n)
    frame["severity"] = rng.choice(["高", "中", "低"], n, p=[0.15, 0.5, 0.35])
    frame["order_id"] = hit["order_id"].to_numpy()
    return finish_tickets(frame, end)


def finish_tickets(frame: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Tickets as exported on ``end``: created by then, later replies unknown, ids in creation order."""
    frame = frame[frame["created_at"] <= end].sort_values("created_at", kind="stable").reset_index(drop=True)
    for col in ("first_response_at", "resolved_at"):
        frame[col] = frame[col].where(frame[col] <= end)
    frame.insert(0, "ticket_id", [f"GD{k + 1:06d}" for k in range(len(frame))])
    return frame


def returns(orders: pd.DataFrame, lines: pd.DataFrame, end: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """A few order lines returned (0.5–3%), part of their quantity, days to weeks after the order."""
    hit = lines[rng.random(len(lines)) < rng.uniform(0.005, 0.03)]
    when = orders.set_index("order_id")["order_date"].reindex(hit["order_id"]).to_numpy()
    frame = pd.DataFrame(
        {
            "order_id": hit["order_id"].to_numpy(),
            "product_id": hit["product_id"].to_numpy(),
            "quantity": np.maximum(1, (hit["quantity"].to_numpy() * rng.uniform(0.2, 1, len(hit))).astype(int)),
            "returned_at": when + pd.to_timedelta(rng.integers(3, 40, len(hit)), unit="D").to_numpy(),
            "reason": rng.choice(REASONS, len(hit)),
        }
    )
    return frame[frame["returned_at"] <= end].reset_index(drop=True)


RUN_RATE = 6  # months of run-rate a target is planned from


def targets(orders: pd.DataFrame, lines: pd.DataFrame, world: Any, rng: np.random.Generator) -> pd.DataFrame:
    """Region and rep targets per month as a planner sets them in advance: run-rate × season × stretch, ± a little.

    A region's run-rate is its deseasonalised mean revenue over the ``RUN_RATE`` months before (the world's true
    season), so a target tracks the season and the drift of the customer base but not the month's own luck; a rep's
    target is the rep's share of the region's revenue over the months the rep sold, for those months.
    """
    value = revenue(orders, lines)
    period = orders["order_date"].dt.strftime("%Y-%m")
    season = pd.Series(world.season, index=world.months)
    stretch = rng.uniform(0.98, 1.1)
    by_region = value.groupby([orders["region"], period]).sum().unstack(fill_value=0.0).reindex(columns=world.months)
    rows: list[dict[str, Any]] = []
    for region, actual in by_region.iterrows():
        plain = (actual / season).where(actual > 0)  # deseasonalised, over the months the region traded
        level = plain.shift(1).rolling(RUN_RATE, min_periods=1).mean().fillna(plain.dropna().iloc[:RUN_RATE].mean())
        plan = (level * season * stretch * rng.lognormal(0, 0.04, len(season)))[actual.fillna(0) > 0]
        rows += [{"period": m, "target_amount": round(float(v), -2), "region": region, "rep_id": None}
                 for m, v in plan.items()]  # fmt: skip
        mine = orders["region"] == region
        per_rep = value[mine].groupby([orders.loc[mine, "rep_id"], period[mine]]).sum().unstack(fill_value=0.0)
        share = per_rep.sum(axis=1) / max(per_rep.to_numpy().sum(), 1.0)
        sold = per_rep.columns.intersection(plan.index)
        for rep, row in per_rep.reindex(columns=sold).iterrows():
            months = row.index[row > 0]
            span = [m for m in sold if months.min() <= m <= months.max()] if len(months) else []
            active = share[rep] * len(sold) / max(len(span), 1)  # the rep's share while selling
            rows += [{"period": m, "target_amount": round(float(plan[m] * active * rng.lognormal(0, 0.08)), -2),
                      "region": region, "rep_id": rep} for m in span]  # fmt: skip
    return pd.DataFrame(rows)


def deals(
    world: Any, customers: pd.DataFrame, reps: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Opportunities and their stage events: per region a Poisson flow of deals through the default stages."""
    advance = rng.uniform(0.55, 0.92, len(STAGES) - 1)
    dwell = rng.uniform(3, 20, len(STAGES))  # median days in each stage
    opps, events = [], []
    end = world.end
    starts = pd.PeriodIndex(world.months, freq="M").start_time
    for region in world.regions:
        mine_c = customers.loc[customers["region"] == region, "customer_id"].to_numpy()
        mine_r = reps.loc[reps["region"] == region, "rep_id"].to_numpy()
        lam = rng.uniform(4, 30)
        for start in starts:
            for _ in range(int(rng.poisson(lam))):
                oid = f"SJ{len(opps) + 1:06d}"
                at = first = start + pd.Timedelta(seconds=int(rng.integers(0, 27 * 86400)))
                status, closed, lost = "open", pd.NaT, None
                for i, stage in enumerate(STAGES):
                    if at > end:
                        break
                    events.append({"opportunity_id": oid, "stage": stage, "entered_at": at})
                    at = at + pd.Timedelta(days=float(rng.lognormal(np.log(dwell[i]), 0.6)))
                    if i == len(STAGES) - 1 or rng.random() > advance[i]:
                        status, closed, lost = ("won" if i == len(STAGES) - 1 else "lost"), at, i
                        break
                if pd.notna(closed) and closed > end:
                    status, closed = "open", pd.NaT
                opps.append(
                    {
                        "opportunity_id": oid,
                        "created_at": first,
                        "status": status,
                        "customer_id": rng.choice(mine_c) if len(mine_c) else None,
                        "rep_id": rng.choice(mine_r),
                        "region": region,
                        "source": rng.choice(SOURCES),
                        "amount": round(float(rng.lognormal(np.log(50000), 0.9)), -2),
                        "expected_close_at": (first + pd.Timedelta(days=float(dwell.sum()))).normalize(),
                        "closed_at": closed,
                        "lost_reason": rng.choice(["价格", "需求变化", "竞品"])
                        if status == "lost" and lost is not None
                        else None,
                        "competitor": rng.choice(COMPETITORS) if status == "lost" else None,
                        "product_line": rng.choice(world.lines),
                    }
                )
    opp = pd.DataFrame(opps)
    opp = opp[opp["created_at"] <= end].reset_index(drop=True)
    return opp, pd.DataFrame(events)


def leads(world: Any, reps: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Leads per region and month by source; first replies mostly within two hours, company sizes lognormal."""
    mix = rng.dirichlet(np.ones(len(SOURCES)) * 2)
    rows = []
    for region in world.regions:
        mine_r = reps.loc[reps["region"] == region, "rep_id"].to_numpy()
        lam = rng.uniform(20, 150)
        for start in pd.PeriodIndex(world.months, freq="M").start_time:
            n = int(rng.poisson(lam))
            created = start + pd.to_timedelta(rng.integers(0, 28 * 86400, n), unit="s")
            rows.append(
                pd.DataFrame(
                    {
                        "created_at": created,
                        "source": rng.choice(SOURCES, n, p=mix),
                        "region": region,
                        "company_size": np.round(rng.lognormal(4.5, 1.4, n)).astype(int) + 1,
                        "rep_id": rng.choice(mine_r, n),
                    }
                )
            )
    frame = pd.concat(rows, ignore_index=True).sort_values("created_at", kind="stable").reset_index(drop=True)
    frame.insert(0, "lead_id", [f"XS{k + 1:06d}" for k in range(len(frame))])
    frame["first_response_at"] = frame["created_at"] + hours(rng, rng.uniform(0.3, 0.8), 1.0, len(frame))
    frame["status"] = rng.choice(
        ["new", "qualified", "disqualified", "converted"], len(frame), p=[0.2, 0.3, 0.35, 0.15]
    )
    end = world.end
    frame = frame[frame["created_at"] <= end].reset_index(drop=True)
    frame["first_response_at"] = frame["first_response_at"].where(frame["first_response_at"] <= end)
    return frame


def side_tables(world: Any, tables: Tables, rng: np.random.Generator) -> Tables:
    """Every table that follows from the orders and the world (all drawn; :func:`export` decides what is written)."""
    orders, lines, end = tables["orders"], tables["order_lines"], world.end
    opp, events = deals(world, tables["customers"], tables["reps"], rng)
    return {
        "invoices": invoices(orders, lines, end, rng),
        "tickets": tickets(orders, end, rng),
        "returns": returns(orders, lines, end, rng),
        "targets": targets(orders, lines, world, rng),
        "opportunities": opp,
        "stage_events": events,
        "leads": leads(world, tables["reps"], rng),
    }
