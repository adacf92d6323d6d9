"""A computed column adds a duration to a date: a helpdesk export's minutes to first reply beside its creation time.

customer_support_tickets.csv (5,000 tickets: created_date, first_response_minutes, resolution_hours) had no way to
give tickets.first_response_at ("created_date: not a number"): the SLA section and its rule stayed skipped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.data.loading import load_dataset
from salesnb.errors import DataValidationError

TICKETS = """ticket_id,created_date,category,priority,first_response_minutes,resolved_date,country
TKT-000001,2024-10-29 22:00:00,Account Access,Low,261.3160766843023,2024-10-30 15:15:11.744884,Australia
TKT-000002,2024-02-05 20:00:00,Booking Modification,High,15.237594559232997,,Germany
"""
FIRST_RESPONSE = "=[created_date] + [first_response_minutes] / 1440"


def _mapping(first_response: str) -> dict:
    ticket = {"ticket_id": "ticket_id", "customer_id": "country", "created_at": "created_date", "category": "category"}
    return {
        "tables": {"orders": "customer_support_tickets.csv", "tickets": "customer_support_tickets.csv"},
        "columns": {
            "orders": {"order_id": "ticket_id", "customer_id": "country", "order_date": "created_date", "amount": "=1"},
            "tickets": {**ticket, "resolved_at": "resolved_date", "first_response_at": first_response},
        },
    }


def test_a_date_plus_minutes_is_the_first_response_time(tmp_path: Path) -> None:
    (tmp_path / "customer_support_tickets.csv").write_text(TICKETS, encoding="utf-8")
    tickets = load_dataset(tmp_path, mapping=_mapping(FIRST_RESPONSE))["tickets"].set_index("ticket_id")
    expected = {"TKT-000001": "2024-10-30 02:21:18.964601", "TKT-000002": "2024-02-05 20:15:14.255556"}
    for ticket, when in expected.items():
        got = tickets.at[ticket, "first_response_at"]
        assert abs(got - pd.Timestamp(when)) < pd.Timedelta(milliseconds=1)


def test_a_text_that_is_no_date_is_still_no_number(tmp_path: Path) -> None:
    (tmp_path / "customer_support_tickets.csv").write_text(TICKETS, encoding="utf-8")
    with pytest.raises(DataValidationError, match="priority"):
        load_dataset(tmp_path, mapping=_mapping("=[priority] + [first_response_minutes] / 1440"))
