"""A monthly summary exported mid-month: its last month looks partial, a real fall or 春节's month does not."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

from salesnb.data import partial_month, store_read
from salesnb.data.loading import load_dataset
from salesnb.data.propose import propose_mapping
from salesnb.data.summary import format_summary, summarize
from salesnb.header import header_markdown
from salesnb.report import open_report, publish, report_period

STORES = {"华东": ["上海店", "杭州店"], "华南": ["广州店", "深圳店"], "华北": ["北京店", "天津店"]}
CATEGORIES = ["饮料", "零食"]
FESTIVAL = {2024: 2, 2025: 1, 2026: 2}  # the month holding 春节 (salesnb/defaults/calendar.yaml)


def sheet(
    folder: Path,
    *,
    months: int = 34,
    share: float = 1.0,
    store_cut: float = 1.0,
    festival: float = 0.0,
    name: str = "月度销售汇总.csv",
) -> Path:
    """A 月度销售汇总 (月份, 大区, 门店, 品类, 销售额) from 2024年1月, 12 series, noise 5 %.

    ``share``: every row of the last month × it (exported mid-month); ``store_cut``: 深圳店's rows of the last month
    × it (a real fall of one store); ``festival``: 春节's month against a usual one (−0.45: a dip of 45 %).
    """
    rng = np.random.default_rng(3)
    labels = pd.period_range("2024-01", periods=months, freq="M")
    rows = []
    for region, stores in STORES.items():
        for store in stores:
            for category in CATEGORIES:
                base = rng.uniform(50_000, 150_000)
                for k, month in enumerate(labels):
                    season = 1 + 0.15 * np.sin(2 * np.pi * (month.month - 3) / 12)
                    season += festival if FESTIVAL.get(month.year) == month.month else 0.0
                    value = base * season * (1 + 0.005 * k) * rng.lognormal(0, 0.05)
                    if k == months - 1:
                        value *= share * (store_cut if store == "深圳店" else 1.0)
                    rows.append((f"{month.year}年{month.month}月", region, store, category, round(value, 2)))
    frame = pd.DataFrame(rows, columns=["月份", "大区", "门店", "品类", "销售额"])
    path = folder / name
    frame.to_csv(path, index=False, encoding="gb18030")
    return path


def loaded(path: Path):
    return load_dataset(path, mapping=propose_mapping(path).mapping())


def test_common_change_is_the_weighted_median_and_the_spread_around_it() -> None:
    centre, spread = partial_month.common_change(np.array([0.1, -0.2, 0.0, 0.3]), np.ones(4))
    assert centre == 0.0  # half the weight (2 of 4) is reached at the second smallest
    assert spread == pytest.approx(np.sqrt((0.01 + 0.04 + 0.0 + 0.09) / 4))  # 0.1871
    centre, _ = partial_month.common_change(np.array([0.1, -0.2, 0.0, 0.3]), np.array([1.0, 1.0, 1.0, 5.0]))
    assert centre == 0.3  # the heavy series holds more than half the weight
    assert np.isnan(partial_month.common_change(np.array([0.1, np.nan, 0.2]), np.ones(3))[0])  # two series: no test


def test_a_month_exported_on_the_12th_is_partial_and_passed_over(tmp_path: Path) -> None:
    """Every row of 2026-10 × 0.4: found, its share read back, the default period is September."""
    ds = loaded(sheet(tmp_path, share=0.4))
    found = partial_month.summary_partial(ds)
    assert found is not None and found["month"] == "2026-10" and found["evidence"] == "even_fall"
    assert found["share"] == pytest.approx(0.4, abs=0.05)
    assert found["through_day"] is None
    assert partial_month.latest_complete_month(ds) == "2026-09"
    said = format_summary(summarize(ds))
    assert "默认报告月份（最近的完整月）: 2026-09" in said
    assert "2026-10 疑似不完整月" in said
    asked = open_report(dataset=ds, period="2026-10", region="ALL")  # asked for explicitly: read whole, warned
    assert asked.looks_partial is not None and asked.through_day is None
    assert asked.period_label == "2026-10（疑似不完整月）"
    assert "⚠ 2026-10 疑似不完整月" in header_markdown(asked) and "请选 2026-09" in header_markdown(asked)
    metrics = publish(asked, "overview", {}).payload["metrics"]
    assert metrics["looks_partial"] is True and metrics["partial_share"] == pytest.approx(found["share"], abs=1e-6)
    default = open_report(dataset=ds, region="ALL")
    assert default.period == "2026-09" and default.looks_partial is None
    assert "疑似" not in header_markdown(default)


@pytest.mark.parametrize(("months", "share", "read"), [(34, 0.15, 0.15), (34, 0.85, 0.85), (25, 0.6, 0.55)])
def test_a_month_of_15_to_85_percent_is_partial_too(tmp_path: Path, months: int, share: float, read: float) -> None:
    """A January too (25 months: to 2026-01), read against a season that expects it 9 % higher than it is."""
    found = partial_month.summary_partial(loaded(sheet(tmp_path, months=months, share=share)))
    assert found is not None and found["share"] == pytest.approx(read, abs=0.03)


def test_a_january_at_90_percent_is_not_called_partial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The season over-forecasts this January (2024's other month was a January, 2025's a February): at 85 % it
    reads as 78 % of its expectation, partial at the year's 10 % bar, not at the festival block's 25 %. (At 90 %
    it is no longer partial at either: the block's forecast carries the festival's swing from year to year.)"""
    assert partial_month.summary_partial(loaded(sheet(tmp_path, months=25, share=0.9))) is None
    (tmp_path / "85").mkdir()
    ds = loaded(sheet(tmp_path / "85", months=25, share=0.85))
    assert partial_month.summary_partial(ds) is None
    monkeypatch.setattr(partial_month, "FESTIVAL_DROP", partial_month.MIN_DROP)
    found = partial_month.summary_partial(loaded(sheet(tmp_path / "85", months=25, share=0.85)))  # no cache
    assert found is not None and found["share"] == pytest.approx(0.78, abs=0.02)


def test_one_store_down_60_percent_is_a_real_fall_not_a_partial_month(tmp_path: Path) -> None:
    """深圳店 (2 of 12 series) × 0.4 in 2026-10: the others as usual, the month is complete."""
    ds = loaded(sheet(tmp_path, store_cut=0.4))
    assert partial_month.summary_partial(ds) is None
    assert partial_month.latest_complete_month(ds) == "2026-10"


def test_a_whole_region_down_unevenly_is_not_partial_either(tmp_path: Path) -> None:
    """Every store at 55 % but 深圳店 at 15 % and a share this uneven: the spread around the common fall is too wide."""
    ds = loaded(sheet(tmp_path, share=0.55, store_cut=0.27))
    assert partial_month.summary_partial(ds) is None


def test_the_festival_month_the_history_expects_is_not_partial(tmp_path: Path) -> None:
    """Ending on 2026-02, 春节's month at 55 % of a usual one, as in 2024-02 and 2025-01 before it."""
    ds = loaded(sheet(tmp_path, months=26, festival=-0.45))
    totals = partial_month.series_months(ds).sum(axis=0)
    assert totals["2026-02"] / totals["2026-01"] < 0.6  # a company-wide fall the season explains
    assert partial_month.summary_partial(ds) is None
    assert partial_month.latest_complete_month(ds) == "2026-02"


def test_a_date_in_the_file_name_says_how_far_the_month_reaches(tmp_path: Path) -> None:
    inside = loaded(sheet(tmp_path, share=0.4, name="月度销售汇总_20261012.csv"))
    found = partial_month.summary_partial(inside)
    assert found == {"month": "2026-10", "share": pytest.approx(12 / 31), "through_day": 12, "evidence": "file_date"}
    assert "文件名中的日期 2026-10-12 在该月之内" in header_markdown(open_report(dataset=inside, period="2026-10"))
    (tmp_path / "after").mkdir()
    after = loaded(sheet(tmp_path / "after", share=0.4, name="月度销售汇总_2026-11-02.csv"))
    assert partial_month.summary_partial(after) is None  # exported after October ended: the fall is real


@pytest.mark.parametrize(
    ("name", "day"),
    [("截至2026年10月12日.xlsx", "2026-10-12"), ("汇总_2026.10.9.csv", "2026-10-09"), ("销售2026年1-10月.csv", None),
     ("2024-2026年汇总.csv", None), ("汇总202610.csv", None), ("汇总_20261399.csv", None)],
)  # fmt: skip
def test_the_dates_a_file_name_carries(tmp_path: Path, name: str, day: str | None) -> None:
    said = partial_month.named_date(SimpleNamespace(source=str(tmp_path / name)))
    assert (said.strftime("%Y-%m-%d") if said is not None else None) == day


def test_a_complete_summary_has_no_partial_month(tmp_path: Path) -> None:
    ds = loaded(sheet(tmp_path))
    assert partial_month.monthly_grain(ds)  # every row dated its month's last day
    assert partial_month.last_month_partial(ds) is None
    assert partial_month.latest_complete_month(ds) == "2026-10"


def test_a_run_planned_from_the_store_passes_over_the_partial_month(tmp_path: Path) -> None:
    """``salesnb run`` without --period plans from the store, holding no table: the summary's rows are read back."""
    path = sheet(tmp_path, share=0.4)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(propose_mapping(path).mapping(), allow_unicode=True), encoding="utf-8")
    planned = store_read.planning_dataset(path, mapping, tmp_path / "store")
    assert planned.tables == {}
    assert partial_month.latest_complete_month(planned) == "2026-09"
    assert report_period(planned, "") == "2026-09"
