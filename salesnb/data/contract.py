"""The data contract as data: tables, column kinds, keys and references.

Every loader and validator reads this one description, so the contract in
``shared/data-contract.md`` is written down exactly once in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds: how a raw value is parsed and checked.
ID = "id"  # text identifier, kept as string ("001" stays "001")
TEXT = "text"  # free text, normally Chinese
DATE = "date"  # ISO YYYY-MM-DD
TIMESTAMP = "timestamp"  # ISO YYYY-MM-DD HH:MM[:SS]
NUMBER = "number"  # float, must be >= 0
COUNT = "count"  # non-negative number of units (quantity, employees)
SCORE = "score"  # bounded number (NPS 0-10, CSAT 0-100)
PERIOD = "period"  # month YYYY-MM


@dataclass(frozen=True)
class Column:
    """One column of a contract table."""

    name: str
    kind: str
    required: bool = True
    bounds: tuple[float, float] | None = None  # inclusive range for SCORE columns
    belongs: bool = False  # a row belongs to the row this column names: leaving that out leaves this one out


@dataclass(frozen=True)
class Table:
    """One contract table: its columns, primary key and references to other tables."""

    name: str
    columns: tuple[Column, ...]
    key: str | None = None  # unique id column, if any
    references: dict[str, str] = field(default_factory=dict)  # column -> referenced table
    prefix_columns: dict[str, Column] = field(default_factory=dict)  # e.g. score_* columns

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        for prefix, col in self.prefix_columns.items():
            if name.startswith(prefix):
                return Column(name, col.kind, required=False, bounds=col.bounds)
        return None


def _c(name: str, kind: str, required: bool = True, bounds: tuple[float, float] | None = None) -> Column:
    return Column(name, kind, required, bounds)


# Columns describing an export's shape rather than a sale (a summary row's order count, :mod:`.summaries`): a
# dataset of real orders, such as the demo data, has none of them.
SHAPE_COLUMNS: dict[str, tuple[str, ...]] = {"orders": ("order_count",)}

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "orders",
            (
                _c("order_id", ID),
                Column("customer_id", ID, required=False, belongs=True),  # empty or absent: an unnamed buyer
                _c("order_date", DATE),
                _c("region", TEXT, False),
                _c("rep_id", ID, False),
                _c("channel", TEXT, False),
                _c("amount", NUMBER, False),
                _c("opportunity_id", ID, False),
                _c("promised_at", DATE, False),
                _c("delivered_at", DATE, False),
                _c("order_count", COUNT, False),  # a summary row's orders (订单量): made into that many orders
            ),
            key="order_id",
            references={"customer_id": "customers", "rep_id": "reps", "opportunity_id": "opportunities"},
        ),
        Table(
            "order_lines",
            (
                _c("order_id", ID),
                _c("product_id", ID),
                _c("quantity", COUNT),
                _c("unit_price", NUMBER),
                _c("list_price", NUMBER, False),
                _c("unit_cost", NUMBER, False),
            ),
            references={"order_id": "orders", "product_id": "products"},
        ),
        Table(
            "customers",
            (
                _c("customer_id", ID),
                _c("customer_name", TEXT, False),
                _c("region", TEXT, False),
                _c("industry", TEXT, False),
                _c("employee_count", COUNT, False),
                _c("acquired_at", DATE, False),
                _c("acquisition_channel", TEXT, False),
            ),
            key="customer_id",
        ),
        Table(
            "products",
            (
                _c("product_id", ID),
                _c("product_name", TEXT, False),
                _c("product_line", TEXT, False),
                _c("spec", TEXT, False),
                _c("launch_date", DATE, False),
                _c("list_price", NUMBER, False),
                _c("unit_cost", NUMBER, False),
            ),
            key="product_id",
        ),
        Table(
            "reps",
            (
                _c("rep_id", ID),
                _c("rep_name", TEXT, False),
                _c("region", TEXT, False),
                _c("team", TEXT, False),
                _c("hire_date", DATE, False),
                _c("leave_date", DATE, False),
            ),
            key="rep_id",
        ),
        Table(
            "targets",
            (
                _c("period", PERIOD),
                _c("target_amount", NUMBER),
                _c("region", TEXT, False),
                _c("rep_id", ID, False),
                _c("product_line", TEXT, False),
            ),
            references={"rep_id": "reps"},
        ),
        Table(
            "leads",
            (
                _c("lead_id", ID),
                _c("created_at", TIMESTAMP),
                _c("source", TEXT),
                _c("region", TEXT, False),
                _c("company_size", COUNT, False),
                _c("industry", TEXT, False),
                _c("rep_id", ID, False),
                _c("first_response_at", TIMESTAMP, False),
                _c("status", TEXT, False),
                _c("opportunity_id", ID, False),
                _c("disqualify_reason", TEXT, False),
            ),
            key="lead_id",
            references={"rep_id": "reps", "opportunity_id": "opportunities"},
        ),
        Table(
            "opportunities",
            (
                _c("opportunity_id", ID),
                _c("created_at", TIMESTAMP),
                _c("status", TEXT),
                _c("customer_id", ID, False),
                _c("rep_id", ID, False),
                _c("region", TEXT, False),
                _c("source", TEXT, False),
                _c("amount", NUMBER, False),
                _c("expected_close_at", DATE, False),
                _c("closed_at", TIMESTAMP, False),
                _c("lost_reason", TEXT, False),
                _c("competitor", TEXT, False),
                _c("product_line", TEXT, False),
            ),
            key="opportunity_id",
            references={"customer_id": "customers", "rep_id": "reps"},
        ),
        Table(
            "stage_events",
            (_c("opportunity_id", ID), _c("stage", TEXT), _c("entered_at", TIMESTAMP)),
            references={"opportunity_id": "opportunities"},
        ),
        Table(
            "activities",
            (
                _c("activity_id", ID),
                _c("rep_id", ID),
                _c("occurred_at", TIMESTAMP),
                _c("type", TEXT),
                _c("customer_id", ID, False),
                _c("opportunity_id", ID, False),
            ),
            key="activity_id",
            references={"rep_id": "reps", "customer_id": "customers", "opportunity_id": "opportunities"},
        ),
        Table(
            "returns",
            (
                _c("order_id", ID),
                _c("product_id", ID),
                _c("quantity", COUNT),
                _c("returned_at", DATE),
                _c("reason", TEXT, False),
            ),
            references={"order_id": "orders", "product_id": "products"},
        ),
        Table(
            "invoices",
            (
                _c("invoice_id", ID),
                _c("customer_id", ID),
                _c("issued_at", DATE),
                _c("due_at", DATE),
                _c("amount", NUMBER),
                _c("order_id", ID, False),
                _c("paid_at", DATE, False),
                _c("paid_amount", NUMBER, False),
            ),
            key="invoice_id",
            references={"customer_id": "customers", "order_id": "orders"},
        ),
        Table(
            "tickets",
            (
                _c("ticket_id", ID),
                _c("customer_id", ID),
                _c("created_at", TIMESTAMP),
                _c("category", TEXT),
                _c("first_response_at", TIMESTAMP, False),
                _c("resolved_at", TIMESTAMP, False),
                _c("severity", TEXT, False),
                _c("order_id", ID, False),
                _c("response_due_at", TIMESTAMP, False),
                _c("sla_hours", NUMBER, False),
            ),
            key="ticket_id",
            references={"customer_id": "customers", "order_id": "orders"},
        ),
        Table(
            "surveys",
            (
                _c("customer_id", ID),
                _c("responded_at", DATE),
                _c("nps", SCORE, False, (0, 10)),
                _c("csat", SCORE, False, (0, 100)),
            ),
            references={"customer_id": "customers"},
            prefix_columns={"score_": Column("score_", SCORE, False, (0, 100))},
        ),
        Table(
            "marketing_spend",
            (_c("period", PERIOD), _c("channel", TEXT), _c("amount", NUMBER), _c("region", TEXT, False)),
        ),
    ]
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
