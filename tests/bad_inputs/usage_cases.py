"""The corpus, usage side: mapping and configuration files, command-line arguments, hostile names.

What a careless command line or a hostile export looks like, and what ``salesnb validate``/``run`` must say.
"""

from __future__ import annotations

import re
from pathlib import Path

from .build import (
    ESCAPING,
    FORMULA,
    HOSTILE_REGION,
    SCRIPT,
    drop_column,
    edit,
    move,
    raw,
    rename_everywhere,
)
from .case import Case, Check, R, V


def _not_in_output(*secrets: str) -> Check:
    def check(folder: Path, output: str) -> None:
        for secret in secrets:
            assert secret not in output

    return check


def _hostile_pages_escaped(folder: Path, output: str) -> None:
    """The run of ``hostile-run``: a region named like a path and a script tag at once, scripts in the data."""
    out = folder / "out"
    pages = {p: p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    (written,) = [p for p in pages if "2026-10" in p.parts]
    assert written.parent.parent == out / "2026-10"  # one folder under the period, whatever the name holds
    assert not [p for p, text in pages.items() if SCRIPT in text or re.search(r"<script[^>]*>\s*alert", text)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[written]  # shown as text, in the report ...
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[out / "index.html"]  # ... and in the index
    assert all(path.resolve().is_relative_to(out.resolve()) for path in out.rglob("*"))
    assert {p.name for p in folder.iterdir()} == {"data", "out"}  # nothing escaped next to --out
    assert not [p for p in out.rglob("*") if p.suffix == ".csv"]
    from openpyxl import load_workbook

    (book,) = out.rglob("*.xlsx")  # the run's findings.xlsx: the data's text in it is text, never a formula
    cells = [cell for sheet in load_workbook(book) for row in sheet.iter_rows() for cell in row]
    assert cells and not [cell.value for cell in cells if cell.data_type == "f"]


USAGE_CASES: list[Case] = [
    # ---- mapping files --------------------------------------------------------------------------------
    Case(
        "mapping-bad-yaml",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        1,
        ("mapping.yaml",),
        files=(raw("mapping.yaml", "tables: [orders: {\n"),),
    ),
    Case(
        "mapping-not-a-dict",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        1,
        ("映射文件", "YAML 字典"),
        files=(raw("mapping.yaml", "- orders\n"),),
    ),
    Case(
        "mapping-unknown-section",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        1,
        ("tabels",),
        files=(raw("mapping.yaml", "tabels:\n  orders: x\n"),),
    ),
    Case(
        "mapping-unknown-column",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        1,
        ("columns.orders", "order_no"),
        files=(raw("mapping.yaml", "columns:\n  orders:\n    order_no: 订单号\n"),),
    ),
    Case(
        "mapping-unknown-table",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        1,
        ("sales",),
        files=(raw("mapping.yaml", "columns:\n  sales:\n    order_id: 订单号\n"),),
    ),
    Case("mapping-file-missing", (*V, "--mapping", "{tmp}/nope.yaml"), 1, ("nope.yaml",)),
    Case(
        "mapping-missing-table",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        1,
        ("customers", "客户档案"),
        files=(raw("mapping.yaml", "tables:\n  customers: 客户档案\n"),),
    ),
    Case(
        "mapping-missing-column",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        1,
        ("orders.channel", "渠道"),
        edits=(drop_column("orders", "channel"),),
        files=(raw("mapping.yaml", "columns:\n  orders:\n    channel: 渠道\n"),),
    ),
    Case(
        "mapping-missing-column-shadowed",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        1,
        ("orders.channel", "渠道"),
        files=(raw("mapping.yaml", "columns:\n  orders:\n    channel: 渠道\n"),),
    ),
    Case(
        "mapping-utf8-bom",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        0,
        ("orders: 7",),
        files=(
            move("data/orders.csv", "data/订单明细.csv"),
            raw("mapping.yaml", "\ufefftables:\n  orders: 订单明细\n"),
        ),
    ),
    Case(
        "mapping-gb18030",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        0,
        ("orders: 7",),
        files=(
            move("data/orders.csv", "data/订单明细.csv"),
            raw("mapping.yaml", "tables:\n  orders: 订单明细\n".encode("gb18030")),
        ),
    ),
    Case(
        "mapping-two-onto-one",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        1,
        ("columns.orders", "区域"),
        files=(raw("mapping.yaml", "columns:\n  orders:\n    region: 区域\n    channel: 区域\n"),),
    ),
    Case(
        "mapping-file-extension",
        (*V, "--mapping", "{tmp}/mapping.yaml"),
        0,
        ("orders: 7",),
        files=(raw("mapping.yaml", "tables:\n  orders: orders.csv\n"),),
    ),
    # ---- configuration files (read by run) -----------------------------------------------------------------
    Case(
        "config-bad-yaml",
        R("--config", "{tmp}/config.yaml"),
        1,
        ("config.yaml", "YAML"),
        files=(raw("config.yaml", "thresholds: {overview: [\n"),),
    ),
    Case(
        "config-unknown-key",
        R("--config", "{tmp}/config.yaml"),
        1,
        ("thresholds.market.nonsense",),
        files=(raw("config.yaml", "thresholds:\n  market:\n    nonsense: 1\n"),),
    ),
    Case(
        "config-commission-overlap",
        R("--config", "{tmp}/config.yaml"),
        1,
        ("错误：提成档位有重叠", "第 1 单", "第 3 单"),
        files=(
            raw(
                "config.yaml",
                "commission:\n  tiers:\n    - {from_order: 1, to_order: 3, rate: 0.1}\n"
                "    - {from_order: 3, rate: 0.05}\n",
            ),
        ),
    ),
    Case(
        "config-file-missing",
        R("--config", "{tmp}/nope.yaml"),
        1,
        ("nope.yaml",),
    ),
    # ---- arguments ------------------------------------------------------------------------------------
    Case("argument-period-month-13", R("--period", "2026-13"), 2, ("YYYY-MM", "2026-13")),
    Case("argument-period-text", R("--period", "abc"), 2, ("YYYY-MM", "abc")),
    Case("argument-period-outside-data", R("--period", "2019-01"), 2, ("2019-01", "2025-10", "2026-10")),
    Case("argument-region-unknown", R("--region", "火星"), 2, ("火星", "华东")),
    Case("argument-region-path-like", R("--region", "../../escaped"), 2, ("../../escaped",)),
    Case(
        "argument-run-invalid-data",
        R(),
        1,
        ("orders.order_date", "2026-02-30"),
        edits=(edit("orders", 2, "order_date", "2026-02-30"),),
    ),
    Case("argument-angle-unknown", R("--angle", "sales"), 2, ("sales", "overview")),
    Case(
        "argument-out-is-a-file",
        R("--out", "{tmp}/report.txt"),
        2,
        ("report.txt",),
        files=(raw("report.txt", "not a folder\n"),),
        subprocess=True,
    ),
    Case(
        "argument-jobs-negative",
        R("--jobs", "-1", "--data", "{tmp}/nowhere"),  # see argument-jobs-zero
        2,
        ("--jobs",),
    ),
    Case(
        "argument-jobs-zero",
        # a usage error is told before any data is read: the missing folder keeps the case cheap while it fails
        R("--jobs", "0", "--data", "{tmp}/nowhere"),
        2,
        ("--jobs",),
    ),
    Case("argument-jobs-text", R("--jobs", "abc"), 2, ("--jobs", "abc")),
    Case("argument-data-missing", ("validate", "--data", "{tmp}/nowhere"), 1, ("nowhere",)),
    Case(
        "argument-data-empty-folder",
        ("validate", "--data", "{tmp}/empty"),
        1,
        ("orders",),
        files=(raw("empty/.keep", ""),),
    ),
    Case(  # one export file is read as the source: its orders alone carry no money
        "argument-data-is-a-file", ("validate", "--data", "{data}/orders.csv"), 1, ("orders：订单没有金额",)
    ),
    Case("argument-data-missing-run", ("run", "--data", "{tmp}/nowhere", "--out", "{out}", "--quiet"), 1, ("nowhere",)),
    Case("argument-lang-unknown", (*V, "--lang", "fr"), 2, ("--lang", "fr")),
    Case("argument-no-data", ("validate",), 2, ("--data",)),
    Case("argument-unknown-option", (*V, "--regoin", "华东"), 2, ("--regoin",)),
    Case("argument-sqlite-missing", ("validate", "--data", "sqlite:///{tmp}/none.db"), 1, ("none.db",)),
    Case(
        "argument-database-password",
        ("validate", "--data", "postgresql://analyst:s3cret@127.0.0.1:9/sales"),
        1,
        ("postgresql://analyst",),
        check=_not_in_output("s3cret"),
    ),
    # ---- hostile names --------------------------------------------------------------------------------
    Case(
        "hostile-validate",
        V,
        0,
        (SCRIPT, ESCAPING),
        edits=(
            rename_everywhere("华南", SCRIPT),
            rename_everywhere("华东", ESCAPING),
            edit("customers", 0, "customer_name", FORMULA),
        ),
    ),
    Case(
        "hostile-run",
        (
            "run",
            "--data",
            "{data}",
            "--angle",
            "overview",
            "--region",
            HOSTILE_REGION,
            "--jobs",
            "1",
            "--out",
            "{out}",
            "--quiet",
        ),
        0,
        ("完成 1 份",),
        edits=(
            rename_everywhere("华东", HOSTILE_REGION),
            edit("customers", 0, "customer_name", FORMULA),
            edit("customers", 1, "customer_name", SCRIPT),
            edit("products", 0, "product_line", SCRIPT),
            edit("reps", 0, "rep_name", '=HYPERLINK("http://x","点我")'),
        ),
        check=_hostile_pages_escaped,
    ),
]
