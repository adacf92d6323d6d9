"""The index: per month a region × angle grid coloured by the most severe finding, with direction and packs."""

import json

from salesnb.batch.pages import index_page, index_rows

ANGLES = ["overview", "market", "team"]


def _folder(out, period, region, findings, mom=None, pack=False, through_day=None):
    folder = out / period / region
    folder.mkdir(parents=True)
    for angle in ANGLES:
        (folder / f"{angle}.html").write_text("<html></html>", encoding="utf-8")
    (folder / "findings.json").write_text(json.dumps(findings), encoding="utf-8")
    metrics = {"mom_growth": mom, **({"partial": True, "through_day": through_day} if through_day else {})}
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    if pack:
        (folder / "pack.html").write_text("<html></html>", encoding="utf-8")


def _f(angle, severity, title="t", effect=1.0):
    return {"angle": angle, "severity": severity, "title": title, "effect": effect}


def test_cells_are_coloured_by_the_worst_finding_and_point_to_last_month(tmp_path):
    _folder(tmp_path, "2026-09", "华东", [_f("market", "medium")], mom=0.02)
    _folder(tmp_path, "2026-10", "华东", [_f("market", "high", "大问题"), _f("team", "low")], mom=-0.25, pack=True)
    rows = {(r["period"], r["angle"]): r for r in index_rows(tmp_path, ANGLES)}
    assert rows[("2026-10", "market")]["worst"] == "high" and rows[("2026-10", "overview")]["high"] == 1
    assert rows[("2026-10", "team")]["worst"] == "low" and rows[("2026-09", "team")]["worst"] is None
    page = index_page(tmp_path, ANGLES)
    october = page[page.index("<h2>2026-10</h2>") : page.index("<h2>2026-09</h2>")]
    assert '<td class="sev-high"><a href="2026-10/华东/market.html" title="大问题">高 1 · 中 0</a>' in october
    assert 'class="up"' in october and "↑" in october  # market: a high now, a medium last month
    assert "▼ -25.0%" in october and 'href="2026-10/华东/pack.html"' in october
    september = page[page.index("<h2>2026-09</h2>") :]
    assert "▲ +2.0%" in september and "↑" not in september  # no month before September: no direction


def test_fewer_serious_findings_point_down(tmp_path):
    _folder(tmp_path, "2026-09", "ALL", [_f("team", "high"), _f("team", "high")])
    _folder(tmp_path, "2026-10", "ALL", [_f("team", "high")])
    page = index_page(tmp_path, ANGLES)
    october = page[page.index("<h2>2026-10</h2>") : page.index("<h2>2026-09</h2>")]
    assert "全公司 ALL" in october and 'class="down"' in october and "↓" in october


def test_a_partial_month_says_so_in_its_heading(tmp_path):
    _folder(tmp_path, "2026-10", "ALL", [])
    _folder(tmp_path, "2026-11", "ALL", [], through_day=9)
    _folder(tmp_path, "2026-11", "华东", [], through_day=9)
    page = index_page(tmp_path, ANGLES)
    assert '<h2>2026-11 <span class="partial">（1–9 日，不完整月 · partial month: days 1–9）</span></h2>' in page
    assert "<h2>2026-10</h2>" in page  # a complete month: no label
    assert [r["through_day"] for r in index_rows(tmp_path, ANGLES) if r["angle"] == "overview"] == [9, 9, None]


def test_a_report_page_is_titled_in_the_readers_language() -> None:
    from salesnb.batch.jobs import Job, page_title

    assert page_title(Job("2025-03", "ALL", "overview"), "zh") == "概览 · 全公司 · 2025-03"
    assert page_title(Job("2025-03", "华东", "support"), "en") == "Support · 华东 · 2025-03"


def test_the_index_links_the_workbook_once_it_is_written(tmp_path):
    from salesnb.batch.workbook import write_workbook

    _folder(tmp_path, "2026-10", "华东", [_f("market", "high")])
    assert "findings.xlsx" not in index_page(tmp_path, ANGLES)
    write_workbook(tmp_path)
    assert '<a href="findings.xlsx">问题清单与核心指标（Excel）' in index_page(tmp_path, ANGLES)
