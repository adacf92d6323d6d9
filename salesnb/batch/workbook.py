"""``findings.xlsx``: every report's findings and headline figures in one workbook, for the monthly review.

Sales operations assemble the 销售月例会 in Excel: the list of problems per region with their owner's action,
filtered, sorted and pasted into the meeting's slides. The runner writes this workbook next to ``index.html``
from the published ``findings.json`` and ``metrics.json`` of every report folder, so it always agrees with
the pages. Two sheets:

- 问题清单 (findings): per month (newest first) and region (ALL first), each root cause ranked, followed by
  its symptoms one outline level down (Excel's ``+``/``−`` folds them under their cause); severity, status
  against last month, revenue at stake as a number, the problem, its evidence and the action.
- 核心指标 (headline figures): one row per month and region; money as numbers, rates as percentages.
- 行动计划 (action plan), when the run wrote review packs (``actions.json``): per root finding the action, its
  owner, due date and the metric to watch, with an empty 执行情况 column for the manager to fill in.

Only what the JSON says is written (no new computation); rows come in a fixed order, so the same outputs
give the same cells.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..cause_tree import summary_frame
from ..i18n import t
from ..periods import ALL
from .output import WORKBOOK, read_json, report_folders, write_atomic

# (column, width in characters) of the findings sheet, and (metrics.json key, number format) of the figures
FINDING_COLUMNS: tuple[tuple[str, int], ...] = (
    ("period", 9), ("region", 10), ("angle", 11), ("severity", 7), ("status", 11), ("effect", 13),
    ("title", 36), ("detail", 70), ("action", 60), ("cause", 30), ("id", 28),
)  # fmt: skip
METRIC_COLUMNS: tuple[tuple[str, str], ...] = (
    ("revenue", "money"), ("target", "money"), ("attainment", "pct"), ("mom_growth", "pct"), ("yoy_growth", "pct"),
    ("ytd_revenue", "money"), ("ytd_target", "money"), ("ytd_attainment", "pct"), ("orders", "count"),
    ("aov", "money"), ("customers", "count"), ("new_customers", "count"), ("repeat_customer_rate", "pct"),
    ("plan_next_month", "money"),
)  # fmt: skip
ACTION_COLUMNS: tuple[tuple[str, int], ...] = (
    ("period", 9), ("region", 10), ("severity", 7), ("finding", 30), ("action", 60), ("owner", 16), ("due", 11),
    ("metric", 26), ("effect", 13), ("progress", 30),
)  # fmt: skip
NEEDED = frozenset({"id", "angle", "code", "severity", "title", "action"})  # what a finding must carry to be listed
# a column's header text where it is not the common.yaml text of its own name
HEADERS = {
    "angle": "col_angle", "severity": "col_severity", "action": "col_action", "finding": "pack_col_finding",
    "owner": "pack_col_owner", "due": "pack_col_due", "metric": "pack_col_metric", "progress": "xlsx_col_progress",
    **{key: f"xlsx_col_{key}" for key in ("status", "effect", "title", "detail", "cause", "id", "plan_next_month")},
}  # fmt: skip
FORMATS = {"money": "#,##0", "pct": "0.0%", "count": "#,##0"}
HEADER_FILL = "F3F5F8"
SEVERITY_FILLS = {"high": "F8D7D3", "medium": "FDEBC8", "low": "EEF6EE"}


def _scope(folder: Path, state: dict[str, Any]) -> tuple[str, str]:
    """A report folder's month and region, as its run recorded them (the folder names are made safe)."""
    return str(state.get("period", folder.parent.name)), str(state.get("region", folder.name))


def _newest_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of month × region in the index's order: newest month first, ALL first, then regions by name."""
    rows = sorted(rows, key=lambda r: (r["region"] != ALL, r["region"]))
    return sorted(rows, key=lambda r: r["period"], reverse=True)  # stable: keeps the region order


def finding_rows(out_dir: Path, lang: str = "zh") -> list[dict[str, Any]]:
    """One row per finding of every report under ``out_dir``: roots ranked, each followed by its symptoms.

    ``depth`` is 0 for a root cause and 1, 2, … for the symptoms folded under it; ``cause`` names the finding
    a symptom is folded under. Texts (angle, severity, status) are in ``lang``; the findings' own texts are
    as the reports wrote them.
    """
    scopes = []
    for folder in report_folders(out_dir):
        findings = read_json(folder / "findings.json", [])
        findings = [f for f in findings if isinstance(f, dict) and f.keys() >= NEEDED] if type(findings) is list else []
        if not findings:  # none, or a file this version did not write: the pages still say what it holds
            continue
        period, region = _scope(folder, read_json(folder / ".salesnb-state.json", {}))
        scopes.append({"period": period, "region": region, "findings": findings})
    rows = []
    for scope in _newest_first(scopes):
        by_id = {f["id"]: f for f in scope["findings"]}
        for item in summary_frame(scope["findings"]).itertuples(index=False):
            finding = by_id[item.id]
            cause = by_id.get(item.parent) if item.depth else None
            rows.append(
                {
                    "period": scope["period"], "region": scope["region"], "depth": int(item.depth),
                    "angle": t(f"angle_{item.angle}", lang), "severity_key": item.severity,
                    "severity": t(f"sev_{item.severity}", lang),
                    "status": t(f"finding_status_{item.status or 'new'}", lang, months=int(item.months or 1)),
                    "effect": _number(item.effect), "title": item.title, "detail": finding.get("detail", ""),
                    "action": item.action, "cause": cause["title"] if cause else "", "id": item.id,
                }
            )  # fmt: skip
    return rows


def metric_rows(out_dir: Path) -> list[dict[str, Any]]:
    """One row per report folder with its headline figures (``metrics.json``), newest month first."""
    rows = []
    for folder in report_folders(out_dir):
        metrics = read_json(folder / "metrics.json", {})
        if not isinstance(metrics, dict) or not metrics:
            continue
        period, region = _scope(folder, read_json(folder / ".salesnb-state.json", {}))
        rows.append({"period": period, "region": region, **{k: _number(metrics.get(k)) for k, _ in METRIC_COLUMNS}})
    return _newest_first(rows)


def action_rows(out_dir: Path, lang: str = "zh") -> list[dict[str, Any]]:
    """One row per action of every review pack under ``out_dir`` (``actions.json``), newest month first.

    ``metric`` is the metric to watch with its value this month, as the pack shows it; ``progress`` is left
    empty for the manager to fill in.
    """
    from ..followup import watched_metric

    scopes = []
    for folder in report_folders(out_dir):
        document = read_json(folder / "actions.json", {})
        actions = document.get("actions") if isinstance(document, dict) else None
        if not isinstance(actions, list) or not actions:
            continue
        period, region = _scope(folder, read_json(folder / ".salesnb-state.json", {}))
        scopes.append({"period": period, "region": region, "actions": actions})
    rows = []
    for scope in _newest_first(scopes):
        for item in (a for a in scope["actions"] if isinstance(a, dict)):
            metric = str(item.get("metric") or "")
            watched = watched_metric(metric, item.get("value"), lang) if metric else ""
            rows.append(
                {
                    "period": scope["period"], "region": scope["region"], "severity_key": item.get("severity"),
                    "severity": t(f"sev_{item['severity']}", lang) if item.get("severity") in SEVERITY_FILLS else "",
                    "finding": item.get("finding", ""), "action": item.get("action", ""),
                    "owner": item.get("owner", ""), "due": item.get("due", ""), "metric": watched,
                    "effect": _number(item.get("effect")), "progress": None,
                }
            )  # fmt: skip
    return rows


def _cells(row: dict[str, Any], keys: list[str], lang: str) -> list[Any]:
    """A row's cell values in ``keys`` order, the whole company named in words, not ``ALL``."""
    return [t("all_regions", lang) if key == "region" and row[key] == ALL else row[key] for key in keys]


def _number(value: Any) -> float | int | None:
    """A JSON number as a cell value; anything else (missing, text, NaN) as an empty cell."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return value


def workbook_bytes(out_dir: Path, lang: str = "zh") -> bytes:
    """The ``findings.xlsx`` of ``out_dir`` (see the module doc) as bytes."""
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    _findings_sheet(book.active, finding_rows(out_dir, lang), lang)
    _metrics_sheet(book.create_sheet(), metric_rows(out_dir), lang)
    actions = action_rows(out_dir, lang)
    if actions:  # only a run with review packs plans actions
        _actions_sheet(book.create_sheet(), actions, lang)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_workbook(out_dir: Path, lang: str = "zh") -> Path:
    """Write ``out_dir/findings.xlsx`` over all the reports there (atomically) and return its path."""
    path = out_dir / WORKBOOK
    write_atomic(path, workbook_bytes(out_dir, lang))
    return path


def _append(sheet: Any, values: list[Any]) -> None:
    """Add a row whose text stays text: a value from the data such as ``=HYPERLINK(…)`` is never a live formula."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl reads a leading "=" as a formula; the data's cells are words


def _header(sheet: Any, keys: list[str], lang: str) -> None:
    from openpyxl.styles import Font, PatternFill

    sheet.append([t(HEADERS.get(key, key), lang) for key in keys])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    sheet.freeze_panes = "C2"  # month and region stay in view
    sheet.auto_filter.ref = sheet.dimensions


def _listing_sheet(sheet: Any, title: str, columns: tuple[tuple[str, int], ...], rows: list[dict], lang: str) -> None:
    """A sheet of findings or actions: wrapped text, the severity coloured, money as a number, set widths."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.title = t(title, lang)
    keys = [key for key, _ in columns]
    _header(sheet, keys, lang)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows, start=2):
        _append(sheet, _cells(row, keys, lang))
        for cell in sheet[number]:
            cell.alignment = wrap
        fill = SEVERITY_FILLS.get(row["severity_key"])
        if fill:
            sheet.cell(number, keys.index("severity") + 1).fill = PatternFill("solid", fgColor=fill)
        sheet.cell(number, keys.index("effect") + 1).number_format = FORMATS["money"]
    sheet.auto_filter.ref = sheet.dimensions
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _findings_sheet(sheet: Any, rows: list[dict[str, Any]], lang: str) -> None:
    """The findings listed, each symptom one outline level under its cause and indented, causes in bold."""
    from openpyxl.styles import Alignment, Font

    _listing_sheet(sheet, "xlsx_sheet_findings", FINDING_COLUMNS, rows, lang)
    sheet.sheet_properties.outlinePr.summaryBelow = False  # a cause's row sits above the symptoms it folds
    column = [key for key, _ in FINDING_COLUMNS].index("title") + 1
    for number, row in enumerate(rows, start=2):
        title = sheet.cell(number, column)
        if row["depth"]:
            sheet.row_dimensions[number].outline_level = min(row["depth"], 7)
            title.alignment = Alignment(wrap_text=True, vertical="top", indent=2 * row["depth"])
        else:
            title.font = Font(bold=True)


def _metrics_sheet(sheet: Any, rows: list[dict[str, Any]], lang: str) -> None:
    from openpyxl.utils import get_column_letter

    sheet.title = t("xlsx_sheet_metrics", lang)
    keys = ["period", "region", *(key for key, _ in METRIC_COLUMNS)]
    _header(sheet, keys, lang)
    kinds = dict(METRIC_COLUMNS)
    for number, row in enumerate(rows, start=2):
        _append(sheet, _cells(row, keys, lang))
        for column, key in enumerate(keys, start=1):
            if key in kinds:
                sheet.cell(number, column).number_format = FORMATS[kinds[key]]
    sheet.auto_filter.ref = sheet.dimensions
    for index in range(1, len(keys) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 12


def _actions_sheet(sheet: Any, rows: list[dict[str, Any]], lang: str) -> None:
    _listing_sheet(sheet, "xlsx_sheet_actions", ACTION_COLUMNS, rows, lang)
