"""findings.xlsx: every report's findings, causes before the symptoms folded under them, and headline figures."""

import json

from openpyxl import load_workbook

from salesnb.batch.workbook import WORKBOOK, finding_rows, metric_rows, write_workbook


def _folder(out, period, region, findings, metrics):
    folder = out / period / region
    folder.mkdir(parents=True)
    (folder / "findings.json").write_text(json.dumps(findings, ensure_ascii=False), encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    state = {"period": period, "region": region}
    (folder / ".salesnb-state.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def _f(fid, severity, effect, parent=None, status="new", months=1, angle="market"):
    return {
        "id": fid, "parent": parent, "angle": angle, "code": "c", "severity": severity, "effect": effect,
        "status": status, "months": months, "title": f"问题{fid}", "detail": f"依据{fid}", "action": f"行动{fid}",
    }  # fmt: skip


def _sample(out):
    _folder(out, "2026-09", "ALL", [_f("a", "high", 9.0)], {"revenue": 100.0, "attainment": 0.9})
    october = [
        _f("s", "medium", 50.0, parent="r", angle="team"),
        _f("r", "high", 10.0, status="persisting", months=3),
        _f("x", "high", 20.0),
        _f("t", "low", 1.0, parent="s", angle="support"),
    ]
    _folder(out, "2026-10", "华东", october, {"revenue": 80.5, "attainment": 0.7, "mom_growth": None, "orders": 4})
    _folder(out, "2026-10", "ALL", [], {"revenue": 200.0, "attainment": float("nan")})


def test_causes_come_ranked_with_their_symptoms_folded_under_them(tmp_path):
    _sample(tmp_path)
    rows = finding_rows(tmp_path)
    assert [(r["period"], r["region"], r["id"], r["depth"]) for r in rows] == [
        ("2026-10", "华东", "x", 0),  # the larger of the two high roots first
        ("2026-10", "华东", "r", 0),
        ("2026-10", "华东", "s", 1),
        ("2026-10", "华东", "t", 2),
        ("2026-09", "ALL", "a", 0),  # an older month after, whatever its severity
    ]
    r, s = rows[1], rows[2]
    assert (r["status"], r["severity"], r["angle"], r["cause"]) == ("持续 3 个月", "高", "市场与客户", "")
    assert (s["cause"], s["angle"], s["effect"], s["detail"]) == ("问题r", "团队与管理", 50.0, "依据s")
    assert finding_rows(tmp_path, "en")[1]["status"] == "3 months running"


def test_figures_are_numbers_and_missing_ones_empty(tmp_path):
    _sample(tmp_path)
    rows = metric_rows(tmp_path)
    assert [(r["period"], r["region"]) for r in rows] == [("2026-10", "ALL"), ("2026-10", "华东"), ("2026-09", "ALL")]
    assert rows[1]["revenue"] == 80.5 and rows[1]["orders"] == 4 and rows[1]["mom_growth"] is None
    assert rows[0]["attainment"] is None  # NaN in the JSON: an empty cell, not a number Excel cannot show


def test_the_workbook_holds_both_sheets_with_outline_and_formats(tmp_path):
    _sample(tmp_path)
    path = write_workbook(tmp_path)
    assert path == tmp_path / WORKBOOK
    book = load_workbook(path)
    assert book.sheetnames == ["问题清单", "核心指标"]
    sheet = book["问题清单"]
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["月份", "区域", "角度", "严重度", "状态", "影响金额", "问题"]
    assert [sheet.row_dimensions[i].outline_level for i in range(2, 7)] == [0, 0, 1, 2, 0]
    assert sheet.cell(4, 7).value == "问题s" and sheet.cell(4, 10).value == "问题r"
    assert sheet.cell(6, 2).value == "全公司" and sheet.cell(2, 6).number_format == "#,##0"
    figures = book["核心指标"]
    assert [c.value for c in figures[1]][:5] == ["月份", "区域", "销售额", "目标", "达成率"]
    assert figures.cell(3, 3).value == 80.5 and figures.cell(3, 5).number_format == "0.0%"
    assert figures.cell(2, 5).value is None


def test_an_output_without_reports_gives_the_headers_alone(tmp_path):
    book = load_workbook(write_workbook(tmp_path, "en"))
    assert book.sheetnames == ["Findings", "Headline figures"]
    assert book["Findings"].max_row == 1 and book["Findings"].cell(1, 7).value == "Problem"


def test_entries_that_are_not_findings_are_left_out(tmp_path):
    _folder(tmp_path, "2026-10", "华东", [_f("a", "low", 1.0), {"title": "旧格式"}, "text"], {})
    _folder(tmp_path, "2026-09", "华东", {"not": "a list"}, {})
    assert [r["id"] for r in finding_rows(tmp_path)] == ["a"]


def test_review_packs_add_the_action_plan_with_an_empty_progress_column(tmp_path):
    _sample(tmp_path)
    assert "行动计划" not in load_workbook(write_workbook(tmp_path)).sheetnames  # no pack: no plan
    action = {
        "id": "r", "finding": "问题r", "severity": "high", "action": "行动r", "owner": "华东区域负责人",
        "due": "2026-11-15", "metric": "late_share", "value": 0.353846, "effect": 10.0,
    }  # fmt: skip
    document = {"actions": [action, {**action, "severity": "odd", "metric": ""}], "period": "2026-10"}
    (tmp_path / "2026-10" / "华东" / "actions.json").write_text(json.dumps(document), encoding="utf-8")
    sheet = load_workbook(write_workbook(tmp_path))["行动计划"]
    assert [c.value for c in sheet[1]] == [
        "月份", "区域", "严重度", "问题", "建议行动", "负责人", "完成时间", "跟踪指标（本月）", "影响金额", "执行情况"
    ]  # fmt: skip
    first = [c.value for c in sheet[2]]
    assert first[:7] == ["2026-10", "华东", "高", "问题r", "行动r", "华东区域负责人", "2026-11-15"]
    assert first[7].endswith("：35.4%") and first[8] == 10.0 and first[9] is None
    assert [c.value for c in sheet[3]][2] is None and [c.value for c in sheet[3]][7] is None


def test_text_from_the_data_that_looks_like_a_formula_stays_text(tmp_path):
    hostile = _f("h", "high", 5.0)
    hostile["title"] = '=HYPERLINK("http://x","点我")'
    hostile["detail"] = "=cmd|' /C calc'!A0"
    _folder(tmp_path, "2026-10", "=1+1", [hostile], {"revenue": 1.0})
    sheet = load_workbook(write_workbook(tmp_path))["问题清单"]
    row = {c.column_letter: c for c in sheet[2]}
    assert row["G"].value == '=HYPERLINK("http://x","点我")' and row["G"].data_type == "s"
    assert row["H"].value == "=cmd|' /C calc'!A0" and row["B"].value == "=1+1" and row["B"].data_type == "s"
