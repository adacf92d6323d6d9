"""The demo generator: deterministic, contract-conforming, realistic, and its planted problems measurable."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from salesnb.data.contract import COUNT, DATE, ID, NUMBER, PERIOD, SCORE, TABLES, TIMESTAMP
from salesnb.demo import REGIONS, STAGES, generate_dataset, write_dataset

END = "2026-10"
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
_FORMATS = {
    DATE: re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    TIMESTAMP: re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"),
    PERIOD: re.compile(r"^\d{4}-\d{2}$"),
}


@pytest.fixture(scope="module")
def generated():
    """The bundled sample's arguments (all defaults)."""
    return generate_dataset()


@pytest.fixture(scope="module")
def tables(generated):
    return generated[0]


@pytest.fixture(scope="module")
def planted(generated):
    return generated[1]


@pytest.fixture(scope="module")
def written(generated, tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_dataset(*generated, folder)
    return folder


@pytest.fixture(scope="module")
def csv(written):
    """Every written table read back as text, exactly as a user's loader would see the cells."""
    return {name: pd.read_csv(written / f"{name}.csv", dtype=str, keep_default_na=False) for name in TABLES}


def plant(planted, code):
    (entry,) = [p for p in planted if p["code"] == code]
    return entry


def months_before(period, k):
    return [str(pd.Period(period, freq="M") - i) for i in range(k, 0, -1)]


# ------------------------------------------------------------------------------------------------ determinism


def test_same_seed_gives_identical_files_and_other_seed_differs(generated, written, tmp_path):
    again = generate_dataset()
    for name, frame in generated[0].items():
        pd.testing.assert_frame_equal(frame, again[0][name], obj=name)
    assert again[1] == generated[1]
    write_dataset(*again, tmp_path / "again")
    for path in sorted(written.iterdir()):
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name

    other, other_planted = generate_dataset(seed=8)
    assert len(other["orders"]) != len(generated[0]["orders"]) or not other["orders"].equals(generated[0]["orders"])
    assert not other["order_lines"]["unit_price"].equals(generated[0]["order_lines"]["unit_price"])
    assert {p["code"] for p in other_planted} == {p["code"] for p in generated[1]}


def test_committed_sample_is_the_default_generation(written):
    """``data/sample`` is exactly ``generate_dataset()`` written out, and stays small enough to commit."""
    expected = sorted(p.name for p in written.iterdir())
    assert sorted(p.name for p in SAMPLE.iterdir()) == expected
    assert len(expected) == 16
    for name in expected:
        assert (SAMPLE / name).read_bytes() == (written / name).read_bytes(), f"regenerate data/sample: {name}"
    assert sum((SAMPLE / name).stat().st_size for name in expected) <= 4.5e6


def test_output_does_not_depend_on_hash_randomisation(tmp_path):
    out = tmp_path / "demo"
    code = "import sys; from salesnb.demo import *; write_dataset(*generate_dataset(months=14, scale=0.3), sys.argv[1])"
    for hash_seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code, str(out / hash_seed)], check=True, env=env)
    for path in sorted((out / "1").iterdir()):
        assert (out / "4242" / path.name).read_bytes() == path.read_bytes(), path.name


def test_bad_arguments_are_refused():
    for kwargs in ({"seed": -1}, {"months": 0}, {"scale": 0}, {"end_period": "2026-13"}):
        with pytest.raises(ValueError):
            generate_dataset(**kwargs)


# --------------------------------------------------------------------------------------------------- contract


def test_all_tables_present_with_contract_columns(tables, csv):
    assert list(tables) == list(TABLES)
    for name, spec in TABLES.items():
        assert set(spec.required_columns) <= set(csv[name].columns), name
        assert [c.name for c in spec.columns] == [c for c in csv[name].columns if not c.startswith("score_")], name
        assert len(csv[name]) > 0, name
    assert {"score_产品质量", "score_交付", "score_服务", "score_价格透明度"} <= set(csv["surveys"].columns)


def test_written_cells_follow_the_contract(csv):
    for name, spec in TABLES.items():
        frame = csv[name]
        for column in frame.columns:
            col = spec.column(column)
            assert col is not None, f"{name}.{column} is not in the contract"
            values = frame[column]
            present = values[values != ""]
            if col.required:
                assert len(present) == len(values), f"{name}.{column} has empty required cells"
            if col.kind in _FORMATS:
                bad = present[~present.str.match(_FORMATS[col.kind])]
                assert bad.empty, f"{name}.{column}: {bad.head().tolist()}"
                fmt = {DATE: "%Y-%m-%d", TIMESTAMP: "%Y-%m-%d %H:%M:%S", PERIOD: "%Y-%m"}[col.kind]
                pd.to_datetime(present, format=fmt)  # raises on an impossible date
            elif col.kind in (NUMBER, COUNT, SCORE):
                numbers = present.astype(float)
                assert (numbers >= 0).all(), f"{name}.{column} has negative values"
                if col.kind == COUNT:
                    assert (numbers == numbers.round()).all(), f"{name}.{column} has fractional counts"
                if col.bounds:
                    lo, hi = col.bounds
                    assert numbers.between(lo, hi).all(), f"{name}.{column} outside {col.bounds}"
                if col.kind == NUMBER:
                    assert (numbers.round(2) == numbers).all(), f"{name}.{column} not rounded to cents"


def test_keys_unique_and_references_resolve(csv, tables):
    for name, spec in TABLES.items():
        frame = csv[name]
        if spec.key:
            assert frame[spec.key].is_unique, f"{name}.{spec.key} not unique"
        for column, target in spec.references.items():
            values = frame.loc[frame[column] != "", column]
            known = set(csv[target][TABLES[target].key])
            orphans = set(values) - known
            assert not orphans, f"{name}.{column} -> {target}: {sorted(orphans)[:5]}"
        for column in (c.name for c in spec.columns if c.kind == ID):
            values = tables[name][column].dropna()
            assert all(isinstance(v, str) for v in values), f"{name}.{column} ids must be strings"
    # also the references the contract leaves implicit
    assert set(csv["order_lines"]["order_id"]) == set(csv["orders"]["order_id"])  # every order has lines
    assert set(csv["targets"]["product_line"]) - {""} <= set(csv["products"]["product_line"])
    assert set(csv["returns"]["order_id"] + csv["returns"]["product_id"]) <= set(
        csv["order_lines"]["order_id"] + csv["order_lines"]["product_id"]
    )


def test_write_round_trips_through_pandas(tables, written):
    orders = pd.read_csv(written / "orders.csv", dtype={"order_id": str, "customer_id": str, "rep_id": str})
    assert len(orders) == len(tables["orders"])
    assert orders["order_id"].tolist() == tables["orders"]["order_id"].tolist()
    dates = pd.to_datetime(orders["order_date"], format="%Y-%m-%d")
    assert (dates.to_numpy() == tables["orders"]["order_date"].to_numpy()).all()
    assert orders["amount"].isna().sum() == tables["orders"]["amount"].isna().sum() > 0
    lines = pd.read_csv(written / "order_lines.csv", dtype={"order_id": str, "product_id": str})
    np.testing.assert_allclose(lines["unit_price"], tables["order_lines"]["unit_price"])
    stamps = pd.read_csv(written / "tickets.csv", parse_dates=["created_at"])["created_at"]
    assert (stamps.to_numpy() == tables["tickets"]["created_at"].to_numpy()).all()
    planted = json.loads((written / "planted.json").read_text(encoding="utf-8"))
    assert planted == json.loads(json.dumps(generate_dataset()[1]))
    assert "\\u" not in (written / "planted.json").read_text(encoding="utf-8")  # Chinese written as is


# ---------------------------------------------------------------------------------------------------- realism


def test_regions_months_and_volume(tables):
    orders = tables["orders"]
    months = orders["order_date"].dt.strftime("%Y-%m")
    assert set(orders["region"]) == set(REGIONS) and len(REGIONS) == 5
    assert months.nunique() == 24 and months.max() == END and months.min() == "2024-11"
    per_month = months.value_counts()
    assert per_month.min() >= 150 and 250 <= per_month.median() <= 450  # several hundred orders a month
    share = orders["region"].value_counts(normalize=True)
    assert share.idxmax() == "华东" and share["华东"] > 0.25 and share.min() > 0.08
    # seasonality: 春节 months weaker than December
    by_month = months.str[5:].value_counts()
    assert by_month["02"] < 0.75 * by_month["12"]
    lines_per_order = tables["order_lines"].groupby("order_id").size()
    assert lines_per_order.between(1, 4).all() and lines_per_order.max() == 4 and 1.4 < lines_per_order.mean() < 2.4


def test_customers_products_reps_look_real(tables):
    customers, products, reps = tables["customers"], tables["products"], tables["reps"]
    assert customers["customer_name"].str.match(r"^.{2,4}.{2}.+(有限公司|有限责任公司)$").all()
    assert customers["customer_name"].is_unique
    size = customers["employee_count"]
    assert (size < 50).mean() > 0.1 and (size > 1000).mean() > 0.02
    assert {"制造业", "零售", "医疗", "教育", "互联网", "物流"} <= set(customers["industry"])
    assert 20 <= len(products) <= 30 and products["product_line"].nunique() in (3, 4)
    recent = products["launch_date"] >= pd.Timestamp("2026-05-01")
    assert 2 <= recent.sum() <= 5
    assert 40 <= len(reps) <= 60 and reps["rep_name"].str.len().between(2, 3).all()
    window = reps["leave_date"].between(pd.Timestamp("2024-11-01"), pd.Timestamp("2026-10-31"))
    assert window.sum() >= 5 and (reps["hire_date"] >= pd.Timestamp("2024-11-01")).sum() >= 5
    assert set(tables["orders"]["channel"]) == {"直营", "分销", "电商"}


def test_reps_sell_only_while_employed(tables):
    orders = tables["orders"].dropna(subset=["rep_id"]).merge(tables["reps"], on="rep_id", suffixes=("", "_rep"))
    assert len(orders) > 0.6 * len(tables["orders"])
    assert (orders["order_date"] >= orders["hire_date"]).all()
    assert ((orders["order_date"] < orders["leave_date"]) | orders["leave_date"].isna()).all()
    assert (orders["region"] == orders["region_rep"]).all()


def test_prices_discounts_and_amounts_consistent(tables):
    lines, orders = tables["order_lines"], tables["orders"]
    assert (lines["unit_price"] <= lines["list_price"]).all() and (lines["unit_cost"] < lines["list_price"]).all()
    discount = 1 - (lines["unit_price"] * lines["quantity"]).sum() / (lines["list_price"] * lines["quantity"]).sum()
    assert 0.04 < discount < 0.2
    revenue = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum()
    filled = orders.dropna(subset=["amount"])
    assert 0.2 < len(filled) / len(orders) < 0.5
    np.testing.assert_allclose(filled["amount"], filled["order_id"].map(revenue), atol=0.01)
    invoices = tables["invoices"]
    terms = (invoices["due_at"] - invoices["issued_at"]).dt.days
    assert terms.between(30, 60).all()
    paid = invoices["paid_at"].notna()
    assert 0.75 < paid.mean() < 0.99 and (invoices["paid_at"] > invoices["due_at"]).mean() > 0.05


def test_funnel_links_leads_deals_stages_and_orders(tables):
    leads, opps, events, orders = tables["leads"], tables["opportunities"], tables["stage_events"], tables["orders"]
    assert set(leads["source"]) == {"展会", "线上广告", "自然流量", "转介绍", "电话营销"}
    assert set(leads["status"]) == {"new", "qualified", "disqualified", "converted"}
    converted = leads["status"] == "converted"
    assert leads.loc[converted, "opportunity_id"].notna().all() and leads.loc[~converted, "opportunity_id"].isna().all()
    assert leads.loc[leads["status"] == "disqualified", "disqualify_reason"].notna().all()
    linked = leads[converted].merge(opps, on="opportunity_id", suffixes=("_lead", ""))
    assert (linked["created_at"] > linked["created_at_lead"]).all()
    # every won deal produced exactly one order, on its closing day
    won = opps[opps["status"] == "won"]
    deal_orders = orders.dropna(subset=["opportunity_id"])
    assert set(deal_orders["opportunity_id"]) == set(won["opportunity_id"]) and deal_orders["opportunity_id"].is_unique
    joined = deal_orders.merge(won, on="opportunity_id", suffixes=("", "_opp"))
    assert (joined["order_date"] == joined["closed_at"].dt.normalize()).all()
    assert (joined["customer_id"] == joined["customer_id_opp"]).all()
    # closed deals carry a close time, lost ones a reason; open ones neither
    assert opps.loc[opps["status"] != "open", "closed_at"].notna().all()
    assert opps.loc[opps["status"] == "open", "closed_at"].isna().all()
    assert opps.loc[opps["status"] == "lost", "lost_reason"].notna().all()
    assert {"价格过高", "竞品替代", "需求变更", "预算不足"} == set(opps["lost_reason"].dropna())
    win_rate = (opps["status"] == "won").sum() / (opps["status"] != "open").sum()
    assert 0.2 < win_rate < 0.5 and (opps["status"] == "open").sum() >= 30
    # stages entered in the configured order, later stages later in time, fewer deals at each stage
    rank = events["stage"].map({s: i for i, s in enumerate(STAGES)})
    ordered = events.assign(rank=rank).sort_values(["opportunity_id", "rank"])
    gaps = ordered.groupby("opportunity_id")["entered_at"].diff().dropna()
    assert (gaps > pd.Timedelta(0)).all()
    assert (ordered.groupby("opportunity_id")["rank"].apply(lambda r: (r.to_numpy() == np.arange(len(r))).all())).all()
    reached = events["stage"].value_counts().reindex(list(STAGES))
    assert reached.is_monotonic_decreasing and reached.iloc[-1] == len(won)
    first = events[events["stage"] == STAGES[0]].set_index("opportunity_id")["entered_at"]
    assert (first == opps.set_index("opportunity_id")["created_at"].loc[first.index]).all()


def test_new_customers_acquired_at_first_order(tables):
    orders, customers = tables["orders"], tables["customers"]
    first = orders.groupby("customer_id")["order_date"].min()
    new = customers[customers["acquired_at"] >= pd.Timestamp("2024-11-01")].set_index("customer_id")
    assert len(new) > 500
    assert (first.reindex(new.index) == new["acquired_at"]).all()
    assert set(customers["acquisition_channel"]) <= {"展会", "线上广告", "自然流量", "转介绍", "电话营销"}
    buyers = orders.groupby(orders["order_date"].dt.strftime("%Y-%m"))["customer_id"].nunique()
    new_per_month = new.groupby(new["acquired_at"].dt.strftime("%Y-%m")).size()
    assert (new_per_month.reindex(buyers.index[1:]) < buyers.iloc[1:] * 0.35).all()  # mostly repeat buyers


def test_targets_near_run_rate(tables, planted):
    targets, orders, lines = tables["targets"], tables["orders"], tables["order_lines"]
    region_rows = targets[targets["rep_id"].isna() & targets["product_line"].isna()]
    assert region_rows["region"].notna().all() and len(region_rows) == 5 * 24
    assert targets["rep_id"].notna().sum() > 30 * 24 and targets["product_line"].notna().sum() == 5 * 4 * 24
    revenue = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum()
    actual = orders.assign(rev=orders["order_id"].map(revenue), period=orders["order_date"].dt.strftime("%Y-%m"))
    actual = actual.groupby(["region", "period"])["rev"].sum()
    attainment = actual / region_rows.set_index(["region", "period"])["target_amount"]
    assert 0.85 < attainment.median() < 1.05
    hit = attainment.index.isin([(p["region"], p["period"]) for p in planted])
    assert attainment[~hit].between(0.6, 1.5).all()


def test_marketing_spend_and_service_tables(tables):
    spend = tables["marketing_spend"]
    assert len(spend) == 24 * 5 * 5 and set(spend["channel"]) == set(tables["leads"]["source"])
    tickets = tables["tickets"]
    assert {"交付延误", "合同争议", "质量问题", "售后响应", "使用咨询"} == set(tickets["category"])
    assert set(tickets["severity"]) == {"高", "中", "低"}
    assert (
        tickets["first_response_at"].dropna() >= tickets.loc[tickets["first_response_at"].notna(), "created_at"]
    ).all()
    returns = tables["returns"]
    assert set(returns["reason"]) == {"质量问题", "规格不符", "物流损坏", "客户取消"}
    assert set(tables["activities"]["type"]) == {"拜访", "电话", "演示", "邮件"}
    surveys = tables["surveys"]
    assert 6.5 < surveys["nps"].mean() < 8.5 and 65 < surveys["csat"].mean() < 85


def test_scale_multiplies_volume():
    small, _ = generate_dataset(scale=0.5, months=14)
    full, _ = generate_dataset(months=14)
    for name in ("orders", "order_lines", "leads", "customers"):
        assert 0.4 < len(small[name]) / len(full[name]) < 0.6, name
    assert small["orders"]["order_date"].dt.strftime("%Y-%m").nunique() == 14


# --------------------------------------------------------------------------------------------- planted problems


def test_planted_list_shape(tables, planted):
    codes = {p["code"] for p in planted}
    assert len(codes) >= 10 and len(codes) == len(planted)
    assert {"lead_source_shift", "lead_fit_low", "stage_stock_surge"} <= codes
    assert len({p["region"] for p in planted}) == 5
    months = set(tables["orders"]["order_date"].dt.strftime("%Y-%m"))
    for p in planted:
        assert set(p) == {"code", "period", "region", "segment", "description"}
        assert p["period"] in months and p["region"] in REGIONS
        assert p["period"] >= "2026-05" and months_before(p["period"], 3)[0] in months  # has three months of history
        assert isinstance(p["segment"], dict) and re.search(r"[\u4e00-\u9fff]", p["description"])
    assert planted == sorted(planted, key=lambda p: (p["period"], p["region"], p["code"]))
    assert sum(p["period"] == END for p in planted) >= 5
    per_cell = pd.Series([(p["period"], p["region"]) for p in planted]).value_counts()
    assert per_cell.max() <= 3 and (per_cell > 2).sum() == 1  # only the seed case story carries three codes
    assert plant(planted, "lead_fit_low")["segment"] == {"source": "展会", "company_size": "<50"}
    assert plant(planted, "stage_stock_surge")["segment"] == {"stage": "技术交流"}


def test_clean_dataset_has_same_structure_and_nothing_planted(tables):
    clean, planted = generate_dataset(plant=False)
    assert planted == []
    assert list(clean) == list(tables)
    for name in tables:
        assert list(clean[name].columns) == list(tables[name].columns), name
    assert 0.9 < len(clean["orders"]) / len(tables["orders"]) < 1.1


def test_seed_case_is_measurable(tables, planted):
    """展会 share of leads roughly triples (≈12% → ≈39%), mostly firms under 50, deals stuck at 技术交流."""
    p = plant(planted, "lead_source_shift")
    leads = tables["leads"].assign(period=tables["leads"]["created_at"].dt.strftime("%Y-%m"))
    leads = leads[leads["region"] == p["region"]]
    share = leads.groupby("period")["source"].apply(lambda s: (s == "展会").mean())
    before = share[months_before(p["period"], 3)].mean()
    assert 0.09 < before < 0.15 and share[p["period"]] == pytest.approx(0.39, abs=0.02)
    assert 2.5 < share[p["period"]] / before < 4.5

    fair = leads[leads["source"] == "展会"]
    small = fair.groupby("period")["company_size"].apply(lambda s: (s < 50).mean())
    assert small[p["period"]] > 0.6 and small[months_before(p["period"], 3)].mean() < 0.35

    stuck = stage_stock(tables, p["region"], "技术交流", [*months_before(p["period"], 3), p["period"]])
    assert stuck[-1] >= 2 * np.mean(stuck[:-1]) and stuck[-1] >= np.mean(stuck[:-1]) + 15


def stage_stock(tables, region, stage, periods):
    """Open deals of the region whose latest stage at each month end is ``stage``."""
    events = tables["stage_events"].merge(tables["opportunities"], on="opportunity_id")
    events = events[events["region"] == region]
    out = []
    for period in periods:
        end = pd.Period(period, freq="M").end_time
        seen = events[events["entered_at"] <= end].sort_values("entered_at").groupby("opportunity_id").tail(1)
        still_open = seen["closed_at"].isna() | (seen["closed_at"] > end)
        out.append(int(((seen["stage"] == stage) & still_open).sum()))
    return out


def _month(series):
    return series.dt.strftime("%Y-%m")


def _revenue_lines(tables):
    products = tables["products"][["product_id", "product_line"]]
    lines = tables["order_lines"].merge(tables["orders"], on="order_id").merge(products, on="product_id")
    return lines.assign(revenue=lines["quantity"] * lines["unit_price"], period=_month(lines["order_date"]))


def _against_baseline(series, period):
    """Value in ``period`` and the mean of the three months before it."""
    return series.get(period, 0.0), series.reindex(months_before(period, 3)).fillna(0.0).mean()


def test_planted_revenue_problems_are_measurable(tables, planted):
    lines = _revenue_lines(tables)
    p = plant(planted, "product_line_decline")
    rev = lines[(lines["region"] == p["region"]) & (lines["product_line"] == p["segment"]["product_line"])]
    now, base = _against_baseline(rev.groupby("period")["revenue"].sum(), p["period"])
    assert now < 0.35 * base

    p = plant(planted, "channel_underperform")
    rev = lines[(lines["region"] == p["region"]) & (lines["channel"] == p["segment"]["channel"])]
    now, base = _against_baseline(rev.groupby("period")["revenue"].sum(), p["period"])
    assert now < 0.45 * base

    p = plant(planted, "discount_deepening")
    rows = lines[(lines["region"] == p["region"]) & (lines["product_line"] == p["segment"]["product_line"])]
    depth = rows.groupby("period").apply(
        lambda g: 1 - g["revenue"].sum() / (g["quantity"] * g["list_price"]).sum(), include_groups=False
    )
    now, base = _against_baseline(depth, p["period"])
    assert now > 0.25 and base < 0.13

    p = plant(planted, "rep_underperform")
    rep = p["segment"]["rep_id"]
    targets = tables["targets"]
    target = targets[(targets["rep_id"] == rep) & (targets["period"] == p["period"])]["target_amount"].item()
    by_rep = lines[lines["rep_id"] == rep].groupby("period")["revenue"].sum()
    assert by_rep.get(p["period"], 0.0) < 0.3 * target
    assert by_rep[months_before(p["period"], 3)].mean() > 0.7 * target


def test_planted_customer_problems_are_measurable(tables, planted):
    orders = tables["orders"].assign(period=_month(tables["orders"]["order_date"]))
    p = plant(planted, "new_customer_drop")
    first = orders.groupby("customer_id")["period"].min()
    region_orders = orders[orders["region"] == p["region"]]
    new = region_orders[region_orders["customer_id"].map(first) == region_orders["period"]]
    now, base = _against_baseline(new.groupby("period")["customer_id"].nunique(), p["period"])
    assert now < 0.4 * base and base >= 10

    p = plant(planted, "customer_churn_rise")
    region_orders = orders[orders["region"] == p["region"]]
    recent = set(region_orders[region_orders["period"].isin(months_before(p["period"], 3))]["customer_id"])
    earlier = set(
        region_orders[region_orders["period"].isin(months_before(months_before(p["period"], 1)[0], 3))]["customer_id"]
    )
    kept_now = len(recent & set(region_orders[region_orders["period"] == p["period"]]["customer_id"])) / len(recent)
    prev = months_before(p["period"], 1)[0]
    kept_before = len(earlier & set(region_orders[region_orders["period"] == prev]["customer_id"])) / len(earlier)
    assert kept_now < 0.5 * kept_before

    p = plant(planted, "lost_to_competitor")
    lost = tables["opportunities"].query("status == 'lost'")
    lost = lost[(lost["region"] == p["region"]) & (lost["competitor"] == p["segment"]["competitor"])]
    now, base = _against_baseline(lost.groupby(_month(lost["closed_at"])).size(), p["period"])
    assert now >= 8 and now > 3 * max(base, 1.0)


def test_planted_service_problems_are_measurable(tables, planted):
    customers = tables["customers"].set_index("customer_id")["region"]
    tickets = tables["tickets"].assign(
        region=tables["tickets"]["customer_id"].map(customers), period=_month(tables["tickets"]["created_at"])
    )
    p = plant(planted, "sla_breach")
    rows = tickets[(tickets["region"] == p["region"]) & (tickets["category"] == p["segment"]["category"])]
    late = ~((rows["first_response_at"] - rows["created_at"]) <= pd.Timedelta(hours=48))  # unanswered counts too
    share = late.groupby(rows["period"]).mean()
    now, base = _against_baseline(share, p["period"])
    assert now > 0.6 and base < 0.1

    p = plant(planted, "complaint_spike")
    rows = tickets[(tickets["region"] == p["region"]) & (tickets["category"] == p["segment"]["category"])]
    now, base = _against_baseline(rows.groupby("period").size(), p["period"])
    assert now > 3 * base

    orders = tables["orders"].assign(period=_month(tables["orders"]["order_date"]))
    p = plant(planted, "delivery_delay")
    rows = orders[(orders["region"] == p["region"]) & orders["delivered_at"].notna()]
    now, base = _against_baseline(
        (rows["delivered_at"] > rows["promised_at"]).groupby(rows["period"]).mean(), p["period"]
    )
    assert now > 0.3 and base < 0.15

    p = plant(planted, "return_rate_high")
    product = p["segment"]["product_id"]
    returns = tables["returns"].merge(orders[["order_id", "region"]], on="order_id")
    returns = returns[(returns["region"] == p["region"]) & (returns["product_id"] == product)]
    returned = returns.groupby(_month(returns["returned_at"]))["quantity"].sum()
    lines = _revenue_lines(tables)
    sold = (
        lines[(lines["region"] == p["region"]) & (lines["product_id"] == product)].groupby("period")["quantity"].sum()
    )
    rate = returned.reindex(sold.index).fillna(0) / sold
    now, base = _against_baseline(rate, p["period"])
    assert now > 0.2 and base < 0.08

    p = plant(planted, "receivables_overdue")
    invoices = tables["invoices"].assign(region=tables["invoices"]["customer_id"].map(customers))
    invoices = invoices[invoices["region"] == p["region"]]

    def overdue(period):
        end = pd.Period(period, freq="M").end_time.normalize()
        due = invoices[(invoices["due_at"] < end) & (invoices["paid_at"].isna() | (invoices["paid_at"] > end))]
        return due["amount"].sum()

    assert overdue(p["period"]) > 1.8 * np.mean([overdue(m) for m in months_before(p["period"], 3)])

    p = plant(planted, "slow_first_response")
    leads = tables["leads"]
    rows = leads[(leads["region"] == p["region"]) & (leads["source"] == p["segment"]["source"])].dropna(
        subset=["first_response_at"]
    )
    fast = ((rows["first_response_at"] - rows["created_at"]) <= pd.Timedelta(hours=2)).groupby(
        _month(rows["created_at"])
    )
    now, base = _against_baseline(fast.mean(), p["period"])
    assert now < 0.2 and base > 0.85


def test_clean_months_stay_quiet(tables, planted):
    """Outside the planted cells, each region's revenue grows steadily on the same month last year."""
    lines = _revenue_lines(tables)
    revenue = lines.groupby(["region", "period"])["revenue"].sum()
    hit = {(p["region"], p["period"]) for p in planted}
    ratios = [
        value / revenue[(region, str(pd.Period(period, freq="M") - 12))]
        for (region, period), value in revenue.items()
        if period >= "2025-11" and (region, period) not in hit
    ]
    assert len(ratios) == 12 * 5 - len(hit)
    assert 0.7 < min(ratios) and max(ratios) < 1.6 and 1.0 < np.median(ratios) < 1.2
