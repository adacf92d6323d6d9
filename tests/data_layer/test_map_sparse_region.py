"""A state column filled for half the customers (Chinook: US, Canada, Brazil …) gives way to the country."""

from __future__ import annotations

from pathlib import Path

from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping


def test_a_state_filled_for_half_the_customers_gives_way_to_the_country(tmp_path: Path) -> None:
    countries = ["USA", "Canada", "Brazil", "Germany", "France", "Norway"]
    states = {"USA": "CA", "Canada": "ON", "Brazil": "SP"}  # 21 of 40 customers (52 %) have a state
    rows = [f"{n},{states.get(countries[n % 6], '')},{countries[n % 6]}\n" for n in range(40)]
    (tmp_path / "Customer.csv").write_text("CustomerId,State,Country\n" + "".join(rows), encoding="utf-8")
    orders = "".join(f"{n},{n},2025-11-{1 + n % 28:02d},{n + 1}.98\n" for n in range(40))
    (tmp_path / "Invoice.csv").write_text("InvoiceId,CustomerId,InvoiceDate,Total\n" + orders, encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.columns["customers"]["region"] == "Country"
    customers = load_dataset(tmp_path, mapping=proposal.mapping())["customers"]
    assert customers["region"].notna().all() and customers["region"].nunique() == 6
