"""``salesnb map``: a mapping proposed from column names (Chinese and English synonyms) and contents."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from salesnb.cli import main
from salesnb.data.loading import load_dataset
from salesnb.data.mapview import describe
from salesnb.data.propose import match_columns, normalise, propose_mapping


def frame(**columns: list) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Order ID", "orderid"),
        ("order_id", "orderid"),
        ("ORDER-ID", "orderid"),
        ("金额（元）", "金额"),
        ("Unit Price ($)", "unitprice"),
        ("订单 编号", "订单编号"),
    ],
)
def test_names_compare_without_case_spaces_underscores_and_units(name: str, expected: str) -> None:
    assert normalise(name) == expected


def test_chinese_synonyms_match_their_concepts() -> None:
    found, ambiguous = match_columns(
        frame(
            订单号=["1"],
            订单日期=["2026/10/05"],
            客户名称=["甲"],
            销售金额=["1,000"],
            销量=["2"],
            大区=["华东"],
            业务员=["张三"],
            品类=["X"],
            商品编码=["P1"],
            备注=["x"],
        )
    )
    assert found == {
        "order_id": "订单号",
        "order_date": "订单日期",
        "customer_name": "客户名称",
        "amount": "销售金额",
        "quantity": "销量",
        "region": "大区",
        "rep_name": "业务员",
        "product_id": "商品编码",
        "product_line": "品类",
    }
    assert not ambiguous


def test_english_synonyms_and_the_more_specific_name_win() -> None:
    found, _ = match_columns(
        frame(
            **{
                "Customer Name": ["A"],
                "customer id": ["C1"],
                "Order Date": ["10/13/2026"],
                "Sales": ["5"],
                "Unit Price": ["2.5"],
                "QTY": ["2"],
                "Order ID": ["1"],
                "Sales Rep": ["Ann"],
            }
        )
    )
    assert found["customer_id"] == "customer id" and found["customer_name"] == "Customer Name"
    assert found["unit_price"] == "Unit Price" and found["quantity"] == "QTY" and found["rep_name"] == "Sales Rep"


def test_contents_confirm_a_name_and_find_an_unnamed_date() -> None:
    found, ambiguous = match_columns(frame(单号=["1", "2"], 金额=["n.a.", "abc"], 时间戳=["2026-10-05", "2026-10-06"]))
    assert "amount" not in found  # not numbers
    assert found["order_date"] == "时间戳" and not ambiguous
    assert match_columns(frame(date=["10/5/2026", "1/5/2026"]))[1]  # day/month cannot be told


def write_flat(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = (
        "Order ID,Order Date,Customer,Region,Product,Category,Quantity,Sales,Note\n"
        "A1,10/13/2026,Acme,East,P1,X,2,10,a\n"
        "A1,10/13/2026,Acme,East,P2,Y,1,5,b\n"
        "A2,10/14/2026,Acme,East,P1,X,3,15,\n"
        "A3,10/15/2026,Bolt,West,P2,Y,4,20,\n"
    )
    (folder / "export.csv").write_text(text, encoding="utf-8")
    return folder / "export.csv"


def test_a_flat_file_proposes_every_derivable_table(tmp_path: Path) -> None:
    proposal = propose_mapping(write_flat(tmp_path))
    mapping = proposal.mapping()
    assert mapping["tables"] == dict.fromkeys(["orders", "order_lines", "customers", "products"], "export.csv")
    assert mapping["columns"]["order_lines"] == {
        "order_id": "Order ID",
        "product_id": "Product",
        "quantity": "Quantity",
        "unit_price": "=[Sales] / [Quantity]",
    }
    assert mapping["columns"]["customers"] == {"customer_id": "Customer", "region": "Region"}
    assert proposal.missing == {"reps": ["rep_id"]}
    assert proposal.unused == {"export.csv": ["Note"]}
    ds = load_dataset(tmp_path / "export.csv", mapping=mapping)
    assert ds["orders"].set_index("order_id")["amount"].to_dict() == {"A1": 15.0, "A2": 15.0, "A3": 20.0}


def test_an_attribute_that_varies_per_id_stays_on_the_order(tmp_path: Path) -> None:
    text = "Order ID,Order Date,Customer,Region,Sales\n1,2026-10-05,A,East,1\n2,2026-10-06,A,West,1\n"
    (tmp_path / "export.csv").write_text(text, encoding="utf-8")
    proposal = propose_mapping(tmp_path / "export.csv")
    assert proposal.mapping()["columns"]["orders"]["region"] == "Region"
    assert "customers" not in proposal.mapping()["columns"] or "region" not in proposal.columns["customers"]
    assert proposal.varying == [("customers", "region", "Region", 1.0)]


def test_a_folder_keeps_contract_named_files_for_their_tables(tmp_path: Path) -> None:
    write_flat(tmp_path)
    (tmp_path / "customers.csv").write_text("customer_id,industry\nAcme,制造业\nBolt,金融\n", encoding="utf-8")
    proposal = propose_mapping(tmp_path)
    assert proposal.tables["customers"] == "customers.csv" and proposal.tables["orders"] == "export.csv"
    assert "customers" not in proposal.mapping()["tables"]  # its file already carries the table's name
    assert load_dataset(tmp_path, mapping=proposal.mapping())["customers"]["industry"].tolist() == ["制造业", "金融"]


def test_describe_lists_tables_reports_and_validation(tmp_path: Path) -> None:
    text = "\n".join(describe(propose_mapping(write_flat(tmp_path)), "en"))
    assert "order_id ← Order ID" in text and "✗ team: needs table reps" in text
    assert "The data passes validation with this mapping" in text


def test_map_writes_the_file_and_never_overwrites_without_force(tmp_path: Path, monkeypatch, capsys) -> None:
    export = write_flat(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["map", "--data", str(export), "--out", "m.yaml"]) == 0
    assert (tmp_path / "m.yaml").read_text(encoding="utf-8").startswith("# ")
    assert main(["map", "--data", str(export), "--out", "m.yaml"]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["map", "--data", str(export), "--out", "m.yaml", "--force"]) == 0
    assert main(["map", "--data", str(tmp_path / "nope.csv")]) == 1
    assert "nope.csv" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["map", "--data", str(tmp_path / "empty")]) == 1
    assert "no .csv, .parquet or .xlsx" in capsys.readouterr().err
