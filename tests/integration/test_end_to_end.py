"""End to end: `salesnb run` on the bundled sample, checked against an independent computation."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SAMPLE = Path("data/sample")


def salesnb(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "salesnb", *args], capture_output=True, text=True, cwd=cwd)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    result = salesnb("run", "--data", str(SAMPLE), "--all-regions", "--angle", "overview", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def independent_metrics(period: str, region: str) -> dict:
    """Headline metrics computed straight from the CSV files with plain pandas."""
    orders = pd.read_csv(SAMPLE / "orders.csv", dtype=str)
    lines = pd.read_csv(SAMPLE / "order_lines.csv", dtype={"order_id": str})
    customers = pd.read_csv(SAMPLE / "customers.csv", dtype=str)
    targets = pd.read_csv(
        SAMPLE / "targets.csv", dtype={"period": str, "region": str, "rep_id": str, "product_line": str}
    )
    lines["revenue"] = lines["quantity"] * lines["unit_price"]
    orders["revenue"] = orders["order_id"].map(lines.groupby("order_id")["revenue"].sum()).fillna(0)
    orders["region"] = orders["region"].fillna(orders["customer_id"].map(customers.set_index("customer_id")["region"]))
    orders["month"] = orders["order_date"].str[:7]
    first = orders.groupby("customer_id")["month"].min()
    # a customer is new in the month it was acquired: the earlier of its first order and customers.acquired_at,
    # in the region of its first order (its home region without one)
    table = customers.set_index("customer_id")
    acquired = pd.concat([first, table["acquired_at"].str[:7]], axis=1).min(axis=1)
    first_region = orders.sort_values(["order_date", "order_id"]).drop_duplicates("customer_id")
    home = first_region.set_index("customer_id")["region"].reindex(acquired.index).fillna(table["region"])
    scoped = orders if region == "ALL" else orders[orders["region"] == region]

    def revenue(month):
        return scoped.loc[scoped["month"] == month, "revenue"].sum()

    now = scoped[scoped["month"] == period]
    p = pd.Period(period, freq="M")
    prev, last_year = revenue(str(p - 1)), revenue(str(p - 12))
    level = targets[targets["rep_id"].isna() & targets["product_line"].isna() & (targets["period"] == period)]
    if region == "ALL":
        company = level[level["region"].isna()]
        target = company["target_amount"].sum() if len(company) else level["target_amount"].sum()
    else:
        target = level.loc[level["region"] == region, "target_amount"].sum()
    buyers = now["customer_id"].unique()
    new = (acquired == period) & ((home == region) if region != "ALL" else True)
    return {
        "revenue": now["revenue"].sum(),
        "orders": len(now),
        "customers": len(buyers),
        "aov": now["revenue"].sum() / len(now),
        "target": target,
        "attainment": now["revenue"].sum() / target,
        "revenue_prev_month": prev,
        "mom_growth": now["revenue"].sum() / prev - 1,
        "revenue_same_month_last_year": last_year,
        "yoy_growth": now["revenue"].sum() / last_year - 1,
        "new_customers": int(new.sum()),
        "repeat_customer_rate": float((acquired.loc[buyers] < period).mean()),
    }


def test_every_region_rendered(rendered):
    regions = json.loads((SAMPLE / "planted.json").read_text(encoding="utf-8"))
    assert regions  # the sample carries planted problems
    (period,) = [p.name for p in rendered.iterdir() if p.is_dir()]
    folders = sorted(p.name for p in (rendered / period).iterdir())
    orders = pd.read_csv(SAMPLE / "orders.csv", dtype=str)
    assert period == orders["order_date"].str[:7].max()
    assert set(folders) >= {"ALL", "华东", "华南", "华北", "西南", "华中"}
    for name in folders:
        folder = rendered / period / name
        for file in ("overview.ipynb", "overview.html", "metrics.json", "findings.json"):
            assert (folder / file).stat().st_size > 0, f"{folder / file} missing"
        assert isinstance(json.loads((folder / "findings.json").read_text(encoding="utf-8")), list)
    index = (rendered / "index.html").read_text(encoding="utf-8")
    assert "华东" in index and "overview.html" in index


def test_workbook_lists_every_report_as_its_json_says(rendered):
    from openpyxl import load_workbook

    (period,) = [p.name for p in rendered.iterdir() if p.is_dir()]
    book = load_workbook(rendered / "findings.xlsx")
    listed = list(book["问题清单"].iter_rows(min_row=2, values_only=True))
    for region in ("ALL", "华东", "西南"):
        findings = json.loads((rendered / period / region / "findings.json").read_text(encoding="utf-8"))
        name = "全公司" if region == "ALL" else region
        assert sorted(row[10] for row in listed if row[1] == name) == sorted(f["id"] for f in findings)
    figures = {row[1]: row for row in book["核心指标"].iter_rows(min_row=2, values_only=True)}
    metrics = json.loads((rendered / period / "华东" / "metrics.json").read_text(encoding="utf-8"))
    assert figures["华东"][2] == metrics["revenue"] and figures["华东"][4] == metrics["attainment"]


@pytest.mark.parametrize("region", ["ALL", "华东", "西南"])
def test_metrics_match_independent_computation(rendered, region):
    (period,) = [p.name for p in rendered.iterdir() if p.is_dir()]
    metrics = json.loads((rendered / period / region / "metrics.json").read_text(encoding="utf-8"))
    expected = independent_metrics(period, region)
    assert metrics["period"] == period and metrics["region"] == region
    for key, value in expected.items():
        assert isinstance(metrics[key], (int, float)) and not isinstance(metrics[key], bool), key
        assert metrics[key] == pytest.approx(value, rel=1e-6, abs=1e-6), key


def test_html_hides_code_and_embeds_charts(rendered):
    (period,) = [p.name for p in rendered.iterdir() if p.is_dir()]
    page = (rendered / period / "华东" / "overview.html").read_text(encoding="utf-8")
    assert '<svg class="salesnb-chart"' in page and "<text " in page  # inline SVG charts, text as text
    assert "open_report(" not in page and "headline_panel" not in page
    assert "月度业绩概览" in page and "华东" in page
    assert "application/vnd.salesnb" not in page


def test_rerun_is_byte_identical(rendered, tmp_path):
    (period,) = [p.name for p in rendered.iterdir() if p.is_dir()]
    result = salesnb(
        "run", "--data", str(SAMPLE), "--region", "华东", "--angle", "overview", "--out", str(tmp_path), "--quiet"
    )
    assert result.returncode == 0, result.stderr
    for name in ("metrics.json", "findings.json"):
        assert (tmp_path / period / "华东" / name).read_bytes() == (rendered / period / "华东" / name).read_bytes()


def test_bad_data_fails_before_touching_outputs(rendered, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(SAMPLE, bad)
    orders = (bad / "orders.csv").read_text(encoding="utf-8").splitlines()
    header = orders[0].split(",")
    cells = orders[1].split(",")
    cells[header.index("order_date")] = "2026-13-45"
    orders[1] = ",".join(cells)
    (bad / "orders.csv").write_text("\n".join(orders) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(rendered, out)
    before = snapshot(out)
    result = salesnb("run", "--data", str(bad), "--all-regions", "--out", str(out), "--quiet")
    assert result.returncode == 1
    assert "orders" in result.stderr and "order_date" in result.stderr and "2026-13-45" in result.stderr
    assert snapshot(out) == before


def test_validate_command_exit_codes(tmp_path):
    ok = salesnb("validate", "--data", str(SAMPLE))
    assert ok.returncode == 0, ok.stderr
    assert "orders" in ok.stdout and "华东" in ok.stdout
    missing = salesnb("validate", "--data", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "nowhere" in missing.stderr
    usage = salesnb("validate")
    assert usage.returncode == 2
    unknown_region = salesnb("run", "--data", str(SAMPLE), "--region", "火星", "--out", str(tmp_path / "o"), "--quiet")
    assert unknown_region.returncode == 2 and "火星" in unknown_region.stderr
    assert not (tmp_path / "o").exists()
