"""The contract tables: the simulation's integer arrays turned into labelled frames, and written as CSV."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.contract import DATE, TABLES
from .draws import _codes, _day_values, _lookup, _second_values, _texts
from .leads import marketing_spend_table
from .pipeline import _stage_rows, activities_table
from .simulation import Simulation
from .targets import targets_table
from .world import (
    _LEAD_STATUS,
    CHANNELS,
    COMPETITORS,
    DAY,
    DISQUALIFY_REASONS,
    INDUSTRIES,
    LEAD_SOURCES,
    LOST_REASONS,
    MISSING,
    NEVER,
    PRODUCT_LINES,
    REGIONS,
    RETURN_REASONS,
    SEVERITIES,
    STAGES,
    SURVEY_ASPECTS,
    TICKET_CATEGORIES,
    UPSELL_SOURCE,
)


def orders_table(sim: Simulation) -> pd.DataFrame:
    order = sim.order
    with_amount = sim.rng("order_amounts").random(len(order["day"])) < 0.35
    return pd.DataFrame(
        {
            "order_id": sim.o_ids,
            "customer_id": sim.c_ids[order["customer"]],
            "order_date": _day_values(order["day"]),
            "region": _texts(REGIONS, order["region"]),
            "rep_id": _lookup(sim.r_ids, order["rep"]),
            "channel": _texts(CHANNELS, order["channel"]),
            "amount": np.where(with_amount, order["revenue"], np.nan),
            "opportunity_id": _lookup(sim.op_ids, order["opp"]),
            "promised_at": _day_values(order["promised"]),
            "delivered_at": _day_values(order["delivered"]),
        }
    )


def order_lines_table(sim: Simulation) -> pd.DataFrame:
    line = sim.line
    return pd.DataFrame(
        {
            "order_id": sim.o_ids[line["order"]],
            "product_id": sim.p_ids[line["product"]],
            "quantity": line["qty"],
            "unit_price": line["unit_price"],
            "list_price": line["list_price"],
            "unit_cost": line["unit_cost"],
        }
    )


def customers_table(sim: Simulation) -> pd.DataFrame:
    cust = sim.cust
    return pd.DataFrame(
        {
            "customer_id": sim.c_ids,
            "customer_name": cust["name"],
            "region": _texts(REGIONS, cust["region"]),
            "industry": _texts(INDUSTRIES, cust["industry"]),
            "employee_count": cust["size"],
            "acquired_at": _day_values(cust["acquired"]),
            "acquisition_channel": _texts(LEAD_SOURCES, cust["source"]),
        }
    )


def products_table(sim: Simulation) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product_id": sim.p_ids,
            "product_name": sim.p_name,
            "product_line": _texts(PRODUCT_LINES, sim.p_line),
            "launch_date": _day_values(sim.p_launch),
            "list_price": sim.p_price,
            "unit_cost": sim.p_cost,
        }
    )


def reps_table(sim: Simulation) -> pd.DataFrame:
    seat_rank = np.zeros(len(sim.seat_region), dtype=np.int64)
    for r in range(len(REGIONS)):
        seats = np.flatnonzero(sim.seat_region == r)
        seat_rank[seats] = np.arange(len(seats))
    team = np.array(["销售一部", "销售二部"], dtype=object)[seat_rank[sim.r_seat] % 2]
    return pd.DataFrame(
        {
            "rep_id": sim.r_ids,
            "rep_name": sim.r_name,
            "region": _texts(REGIONS, sim.r_region),
            "team": _texts(REGIONS, sim.r_region) + team,
            "hire_date": _day_values(sim.r_hire),
            "leave_date": _day_values(np.where(sim.r_leave == NEVER, MISSING, sim.r_leave)),
        }
    )


def leads_table(sim: Simulation) -> pd.DataFrame:
    inside = sim.lead["created"] >= sim.cal.first_day * DAY  # history leads only fed deals
    lead = {k: v[inside] for k, v in sim.lead.items()}
    return pd.DataFrame(
        {
            "lead_id": _codes("L", len(lead["created"]), 5),
            "created_at": _second_values(lead["created"]),
            "source": _texts(LEAD_SOURCES, lead["source"]),
            "region": _texts(REGIONS, lead["region"]),
            "company_size": lead["size"],
            "industry": pd.Series(pd.NA, index=range(len(lead["created"])), dtype=object),  # not simulated: left empty
            "rep_id": _lookup(sim.r_ids, lead["rep"]),
            "first_response_at": _second_values(lead["responded"]),
            "status": _texts(_LEAD_STATUS, lead["status"]),
            "opportunity_id": _lookup(sim.op_ids, lead["opp"]),
            "disqualify_reason": _texts(DISQUALIFY_REASONS, lead["reason"]),
        }
    )


def opportunities_table(sim: Simulation) -> pd.DataFrame:
    opp = sim.opp
    status = opp["status"]
    lost = status == 1
    source = np.where(opp["upsell"], UPSELL_SOURCE, _texts(LEAD_SOURCES, np.maximum(opp["source"], 0)))
    return pd.DataFrame(
        {
            "opportunity_id": sim.op_ids,
            "created_at": _second_values(opp["created"]),
            "status": _texts(("won", "lost", "open"), status),
            "customer_id": _lookup(sim.c_ids, opp["customer"]),
            "rep_id": sim.r_ids[opp["rep"]],
            "region": _texts(REGIONS, opp["region"]),
            "source": source,
            "amount": opp["amount"],
            "expected_close_at": _day_values(opp["expected_close"]),
            "closed_at": _second_values(np.where(status < 2, opp["close"], MISSING)),
            "lost_reason": _texts(LOST_REASONS, np.where(lost, opp["reason"], -1)),
            "competitor": _texts(COMPETITORS, np.where(lost, opp["competitor"], -1)),
            "product_line": _texts(PRODUCT_LINES, opp["line"]),
        }
    )


def stage_events_table(sim: Simulation) -> pd.DataFrame:
    o, s, entered = _stage_rows(sim)
    return pd.DataFrame(
        {"opportunity_id": sim.op_ids[o], "stage": _texts(STAGES, s), "entered_at": _second_values(entered)}
    )


def returns_table(sim: Simulation) -> pd.DataFrame:
    ret, line = sim.ret, sim.line
    order = np.lexsort((ret["line"], ret["day"]))
    rows = ret["line"][order]
    return pd.DataFrame(
        {
            "order_id": sim.o_ids[line["order"][rows]],
            "product_id": sim.p_ids[line["product"][rows]],
            "quantity": ret["qty"][order],
            "returned_at": _day_values(ret["day"][order]),
            "reason": _texts(RETURN_REASONS, ret["reason"][order]),
        }
    )


def invoices_table(sim: Simulation) -> pd.DataFrame:
    inv, order = sim.inv, sim.order
    return pd.DataFrame(
        {
            "invoice_id": _codes("I", len(inv["order"]), 5),
            "customer_id": sim.c_ids[order["customer"][inv["order"]]],
            "issued_at": _day_values(inv["issued"]),
            "due_at": _day_values(inv["due"]),
            "amount": order["revenue"][inv["order"]],
            "order_id": sim.o_ids[inv["order"]],
            "paid_at": _day_values(inv["paid"]),
            "paid_amount": inv["paid_amount"],
        }
    )


def tickets_table(sim: Simulation) -> pd.DataFrame:
    tick, order = sim.tick, sim.order
    return pd.DataFrame(
        {
            "ticket_id": _codes("T", len(tick["order"]), 5),
            "customer_id": sim.c_ids[order["customer"][tick["order"]]],
            "created_at": _second_values(tick["created"]),
            "category": _texts(TICKET_CATEGORIES, tick["category"]),
            "first_response_at": _second_values(tick["first_response"]),
            "resolved_at": _second_values(tick["resolved"]),
            "severity": _texts(SEVERITIES, tick["severity"]),
            "order_id": sim.o_ids[tick["order"]],
        }
    )


def surveys_table(sim: Simulation) -> pd.DataFrame:
    survey = sim.survey
    order = np.lexsort((survey["customer"], survey["day"]))
    frame = pd.DataFrame(
        {
            "customer_id": sim.c_ids[survey["customer"][order]],
            "responded_at": _day_values(survey["day"][order]),
            "nps": survey["nps"][order],
            "csat": survey["csat"][order],
        }
    )
    for k, aspect in enumerate(SURVEY_ASPECTS):
        frame[f"score_{aspect}"] = survey["aspects"][order, k]
    return frame


def contract_tables(sim: Simulation) -> dict[str, pd.DataFrame]:
    """Every contract table of a finished simulation, in the order of ``contract.TABLES``."""
    tables = {
        "orders": orders_table(sim),
        "order_lines": order_lines_table(sim),
        "customers": customers_table(sim),
        "products": products_table(sim),
        "reps": reps_table(sim),
        "targets": targets_table(sim),
        "leads": leads_table(sim),
        "opportunities": opportunities_table(sim),
        "stage_events": stage_events_table(sim),
        "activities": activities_table(sim),
        "returns": returns_table(sim),
        "invoices": invoices_table(sim),
        "tickets": tickets_table(sim),
        "surveys": surveys_table(sim),
        "marketing_spend": marketing_spend_table(sim),
    }
    return {name: tables[name] for name in TABLES}


def _csv_column(values: pd.Series, kind: str | None) -> pd.Series:
    """Format a column for CSV: ISO dates and timestamps, amounts rounded to cents, empty for missing."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        unit = "D" if kind == DATE else "s"
        text = np.datetime_as_string(values.to_numpy(dtype="datetime64[s]"), unit=unit)
        text = np.char.replace(text, "T", " ") if unit == "s" and text.size else text
        return pd.Series(np.where(values.isna().to_numpy(), "", text), index=values.index, dtype=object)
    if pd.api.types.is_float_dtype(values.dtype):
        return values.round(2)
    return values


def write_dataset(tables: dict[str, pd.DataFrame], planted: list[dict], out_dir: str | Path) -> None:
    """Write ``<table>.csv`` for every table and ``planted.json`` into ``out_dir`` (created if needed).

    CSV files are UTF-8 with a header and Unix line ends, dates ``YYYY-MM-DD``, timestamps
    ``YYYY-MM-DD HH:MM:SS``, amounts rounded to two decimals and missing values empty. The same
    tables always give byte-identical files.

    Parameters
    ----------
    tables
        ``{table name: DataFrame}`` as returned by :func:`generate_dataset`.
    planted
        The planted problems as returned by :func:`generate_dataset`.
    out_dir
        Folder to write into.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        spec = TABLES.get(name)
        columns = {}
        for column in frame.columns:
            contract_column = spec.column(column) if spec is not None else None
            columns[column] = _csv_column(frame[column], contract_column.kind if contract_column else None)
        pd.DataFrame(columns).to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
    text = json.dumps(planted, ensure_ascii=False, indent=2, sort_keys=True)
    (out / "planted.json").write_text(text + "\n", encoding="utf-8", newline="\n")
