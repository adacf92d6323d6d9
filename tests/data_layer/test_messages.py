"""Problems and warnings about the user's data read in Chinese for a Chinese reader, unchanged in English."""

from __future__ import annotations

import json
import pickle
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from salesnb.cli import main
from salesnb.data.loading import load_dataset
from salesnb.data.messages import Message, counted, from_json, lines_json, say
from salesnb.errors import DataValidationError, ParameterError
from salesnb.i18n import texts
from salesnb.report import open_report

PACKAGE = Path(__file__).resolve().parents[2] / "salesnb"
SAMPLE = PACKAGE.parent / "data" / "sample"
BAD_DATE = "order_id,customer_id,order_date,amount\nA1,C1,2026-10-01,100\nA2,C1,2026-10-02,-5\nA3,C1,下周一,70\n"


def test_a_message_is_its_english_line_and_renders_nested_values_in_chinese() -> None:
    line = Message(
        "problem_rows_line",
        where="orders.order_date",
        rows=counted("problem_rows", 2),
        what=counted("problem_unparseable_date", 2),
        shown=[Message("problem_row_id", row=3, id="A3"), Message("problem_row", row=7)],
    )
    assert line == "orders.order_date: 2 rows have unparseable dates, e.g. row 3 (A3), row 7"
    assert line.text("zh") == "orders.order_date：有 2 行日期无法识别，例如 第 3 行 (A3), 第 7 行"
    assert say(line, "zh") == line.text("zh") and say("plain", "zh") == "plain"
    assert counted("problem_rows", 1) == "1 row has" and counted("problem_rows", 1_234) == "1,234 rows have"


def test_a_message_survives_pickle_and_json_with_its_key() -> None:
    where = {"table": "customers", "key": "customer_id", "column": "region"}
    line = counted("problem_conflict", 2, examples="C1: '华东' ×3", **where)
    for back in (pickle.loads(pickle.dumps(line)), from_json(json.loads(json.dumps(lines_json([line])))[0])):
        assert isinstance(back, Message) and back == line and back.text("zh") == line.text("zh")
    assert "2 个 customer_id 在不同行上的 region 不一致" in line.text("zh")
    assert from_json("an older manifest's plain line") == "an older manifest's plain line"


def test_every_problem_key_the_code_names_has_a_text() -> None:
    named = set()
    for path in PACKAGE.rglob("*.py"):
        named |= set(re.findall(r"\"((?:problem|error)_[a-z_]+)\"", path.read_text(encoding="utf-8")))
    assert {"problem_rows_line", "problem_not_found", "problem_excluded", "error_commission_rate"} <= named
    assert not sorted(named - set(texts()))


def test_the_validation_error_speaks_the_readers_language(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(BAD_DATE, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(tmp_path)
    error = caught.value
    assert str(error).splitlines() == [
        "data validation failed (2 problem(s)):",
        "  - orders.order_date: 1 row has an unparseable date, e.g. row 4 (A3): '下周一'; expected YYYY-MM-DD",
        "  - orders.amount: 1 row has a negative value, e.g. row 3 (A2): -5",
    ]
    assert error.text("zh").splitlines() == [
        "数据校验未通过（2 个问题）：",
        "  - orders.order_date：有 1 行日期无法识别，例如 第 4 行 (A3)：'下周一'；应为 YYYY-MM-DD 这样的日期",
        "  - orders.amount：有 1 行为负数，例如 第 3 行 (A2)：-5",
    ]
    copy = pickle.loads(pickle.dumps(error.in_lang("zh")))  # as it comes back from a worker process
    assert copy.problems == error.problems and str(copy) == error.text("zh")


def test_a_chinese_notebook_raises_the_problems_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(BAD_DATE, encoding="utf-8")
    with pytest.raises(DataValidationError, match="有 1 行日期无法识别"):
        open_report(str(tmp_path), lang="zh")
    with pytest.raises(DataValidationError, match="1 row has an unparseable date"):
        open_report(str(tmp_path), lang="en")


def test_validate_prints_the_excluded_rows_in_the_chosen_language(tmp_path: Path, capsys) -> None:
    for path in SAMPLE.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    orders = (tmp_path / "orders.csv").read_text(encoding="utf-8").splitlines()
    marked = [orders[0] + ",status", *(f"{row},{'void' if i == 0 else 'ok'}" for i, row in enumerate(orders[1:]))]
    (tmp_path / "orders.csv").write_text("\n".join(marked) + "\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("exclude: {orders: {status: [void]}}\n", encoding="utf-8")
    argv = ["validate", "--data", str(tmp_path), "--mapping", str(tmp_path / "m.yaml")]
    assert main(argv) == 0
    assert "! orders：按映射的排除规则（status = void）去掉 1 行" in capsys.readouterr().out
    assert main([*argv, "--lang", "en"]) == 0
    assert "! orders: 1 row left out as the mapping's exclude says (status = void)" in capsys.readouterr().out


def test_errors_a_user_must_fix_are_said_in_the_readers_language(tmp_path: Path, capsys) -> None:
    with pytest.raises(ParameterError) as caught:
        open_report("", period="2019-01", lang="zh")
    assert str(caught.value) == "月份 2019-01 不在数据范围内，数据覆盖 2024-11 至 2026-10"
    with pytest.raises(ParameterError, match="^region '火星' is not in the data; use ALL or one of: 华东"):
        open_report("", region="火星", lang="en")
    with pytest.raises(ParameterError, match="^月份必须写成 YYYY-MM（如 2026-10），收到的是 '2026-13'$"):
        open_report("", period="2026-13", lang="zh")
    (tmp_path / "m.yaml").write_text("- orders\n", encoding="utf-8")
    assert main(["validate", "--data", str(SAMPLE), "--mapping", str(tmp_path / "m.yaml")]) == 1
    assert capsys.readouterr().err == "错误：映射文件必须是 YAML 字典，包含 'tables:' 和/或 'columns:' 部分\n"
    assert main(["validate", "--data", str(tmp_path / "nowhere"), "--lang", "en"]) == 1
    assert capsys.readouterr().err.startswith("error: data folder not found: ")
    plain = ParameterError("a message salesnb has only in English")
    assert plain.in_lang("zh") is plain and plain.text("zh") == str(plain)


def test_a_configuration_mistake_is_said_in_chinese(tmp_path: Path) -> None:
    from salesnb.config import load_config
    from salesnb.errors import ConfigError

    (tmp_path / "c.yaml").write_text("thresholds:\n  market:\n    churn_drop: '0.2'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "c.yaml")
    assert str(caught.value).startswith("configuration key 'thresholds.market.churn_drop' must be a number (default: ")
    assert caught.value.text("zh").startswith("配置键“thresholds.market.churn_drop”必须是数字（默认值：")
    assert caught.value.text("zh").endswith("），收到的是 '0.2'")


def test_run_names_unknown_regions_in_the_readers_language(tmp_path: Path, capsys) -> None:
    argv = ["run", "--region", "火星", "--angle", "overview", "--out", str(tmp_path / "out"), "--quiet"]
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("错误：数据中没有区域 火星；请用 ALL 或以下之一：华东")


def test_a_commission_rule_mistake_is_said_in_chinese() -> None:
    from salesnb.commission import commission_rules
    from salesnb.errors import ConfigError

    tiers = [{"from_order": 1, "to_order": 3, "rate": 0.1}, {"from_order": 3, "rate": 0.05}]
    with pytest.raises(ConfigError) as caught:
        commission_rules({"commission": {"tiers": tiers}})
    assert str(caught.value) == "commission tiers overlap: one from order 1 and one from 3"
    assert caught.value.text("zh") == "提成档位有重叠：一档从第 1 单起，另一档从第 3 单起；每一单只能落在一个档位里"
    with pytest.raises(ConfigError) as caught:
        commission_rules({"commission": {"count_when": "signed"}})
    assert str(caught.value) == "commission.count_when must be one of invoice_paid, order, got 'signed'"
    assert caught.value.text("zh").endswith("必须是以下之一：invoice_paid, order，收到的是 'signed'")


def test_run_refuses_broken_commission_rules_in_the_readers_language(tmp_path: Path, capsys) -> None:
    (tmp_path / "c.yaml").write_text("commission:\n  tiers:\n    - {from_order: 1, rate: 8}\n", encoding="utf-8")
    argv = ["run", "--config", str(tmp_path / "c.yaml"), "--out", str(tmp_path / "out"), "--quiet"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err == "错误：配置键“commission.tiers[0].rate”必须是 0 到 1 之间的小数（0.08 即 8%），收到的是 8\n"
    assert main([*argv, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err == "error: commission.tiers[0].rate must be a fraction between 0 and 1 (0.08 = 8%), got 8\n"
    assert not (tmp_path / "out").exists()


def test_a_notebook_is_told_of_a_broken_configuration_in_its_language(tmp_path: Path) -> None:
    """A notebook's open_report reads the configuration file: its mistakes (a commission rule too, checked with
    the rest of the file rather than mid-way through the team notebook) are raised in the notebook's lang."""
    from salesnb.errors import ConfigError
    from salesnb.report import open_report

    (tmp_path / "c.yaml").write_text("commission:\n  tiers:\n    - {from_order: 1, rate: 8}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        open_report(str(SAMPLE), config_path=str(tmp_path / "c.yaml"))
    assert str(caught.value) == "配置键“commission.tiers[0].rate”必须是 0 到 1 之间的小数（0.08 即 8%），收到的是 8"
    (tmp_path / "c.yaml").write_text("thresholds: [1]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        open_report(str(SAMPLE), config_path=str(tmp_path / "c.yaml"), lang="en")
    assert str(caught.value).startswith("configuration key")


def test_run_options_and_pack_settings_are_said_in_chinese() -> None:
    from salesnb.batch.memory import memory_env
    from salesnb.errors import ConfigError, ParameterError
    from salesnb.pack.resources import training_kind
    from salesnb.report import open_report

    with pytest.raises(ParameterError) as caught:
        memory_env(0)
    assert str(caught.value) == "--kernel-memory must be a positive number of MiB, not 0"
    assert caught.value.text("zh") == "--kernel-memory 必须是正的 MiB 数，而不是 0"
    report = open_report(str(SAMPLE), thresholds=None)
    report.config["pack"]["training_stages"] = {"juggling": ["技术交流"]}
    with pytest.raises(ConfigError) as caught:
        training_kind(report, "技术交流")
    said = "配置键“pack.training_stages”：未知的培训类型 'juggling'；可用的类型：discovery, product, negotiation"
    assert caught.value.text("zh") == said


def test_a_table_is_named_in_the_readers_language(tmp_path: Path, capsys) -> None:
    from salesnb.errors import DataSourceError, MissingTableError

    columns = {"order_id": ["O1"], "order_date": ["2026-01-02"], "customer_id": ["C1"], "region": ["华东"]}
    pd.DataFrame({**columns, "region ": ["华南"]}).to_parquet(tmp_path / "orders.parquet")  # the same name, stripped
    with pytest.raises(DataSourceError) as caught:
        load_dataset(tmp_path)
    assert str(caught.value) == "table orders has several columns named region; rename or remove the extras"
    assert main(["validate", "--data", str(tmp_path)]) == 1
    assert capsys.readouterr().err == "错误：数据表 orders 有多个名为 region 的列；请改名或删去多余的列\n"
    ds = load_dataset(SAMPLE)
    ds.tables.pop("customers")
    with pytest.raises(MissingTableError) as caught:
        ds["customers"]
    assert str(caught.value).startswith("needs table customers: the data source has no customers table (tables: ")
    assert caught.value.text("zh").startswith("需要数据表 customers：数据源中没有 customers 表（现有的表：orders")


def test_a_bug_is_said_as_one_line_after_its_details_and_a_closed_pipe_is_no_error(monkeypatch, capsys) -> None:
    """An unexpected exception: the traceback, then one line in the reader's language (exit 3); ``| head``: 0."""
    from salesnb import cli
    from salesnb.data import loading

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(loading, "load_dataset", broken)
    assert cli.main(["validate", "--data", "x"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and err.strip().splitlines()[-1].startswith("salesnb ") and "内部错误（KeyError" in err

    def closed(*args, **kwargs):
        raise BrokenPipeError

    monkeypatch.setattr(loading, "load_dataset", closed)
    assert cli.main(["validate", "--data", "x"]) == 0


def test_a_region_asked_of_data_without_regions_says_only_all_exists(tmp_path: Path) -> None:
    """A CRM export whose orders, customers and reps name no region: '请用 ALL 或以下之一：' ended in an empty list."""
    from tiny import TABLES, write_tiny

    tables = {name: [{**row, "region": ""} for row in TABLES[name]] for name in ("orders", "customers", "reps")}
    tables = {**TABLES, **tables}
    folder = write_tiny(tmp_path / "data", tables=tables)
    with pytest.raises(ParameterError) as caught:
        open_report(str(folder), region="West", lang="zh")
    assert str(caught.value) == "数据中没有区域 'West'：订单、客户和销售代表都没有区域，报告只有全公司一份，请用 ALL"
    assert main(["run", "--data", str(folder), "--region", "West", "--out", str(tmp_path / "out")]) != 0
