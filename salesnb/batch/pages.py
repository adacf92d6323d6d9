"""Plain HTML pages written by the runner: the index over all reports and the error page of a failed one.

Both are single files with inline CSS and no script, readable offline. Every text that comes from data or
from an error message is escaped.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import nbformat

from ..angle import ANGLE_NAMES
from ..findings import SEVERITY_RANK
from ..i18n import days_through, t
from .output import WORKBOOK, read_json, report_folders
from .webfont import embed_font

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CSS = (
    "body{font-family:'salesnb CJK','Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif;"
    "margin:2em auto;max-width:1200px;color:#222}"
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:6px 10px;text-align:left;"
    "vertical-align:top;font-size:14px}th{background:#f3f5f8}.high{color:#c0392b;font-weight:bold}"
    ".failed{color:#c0392b}.muted{color:#888}pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:12px}"
)


def angle_title(angle: str) -> str:
    """``市场与客户 Market``: an angle's name in both languages (the index serves readers of either)."""
    if angle not in ANGLE_NAMES:
        return angle
    return f"{t('angle_' + angle, 'zh')} {t('angle_' + angle, 'en')}"


def _page(title: str, body: str) -> str:
    return embed_font(
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{CSS}{GRID_CSS}</style></head><body>{body}</body></html>\n"
    )


def error_page(nb: nbformat.NotebookNode, cell_index: int | None, error: str, *, title: str, notebook_name: str) -> str:
    """A page naming the failing cell (its code) and the error with its traceback."""
    source, traceback = "", error
    if cell_index is not None:
        cell = nb.cells[cell_index]
        source = cell.source
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                traceback = "\n".join(output.get("traceback", [])) or error
    traceback = ANSI.sub("", traceback)
    body = (
        f"<h1>报告生成失败 / Report failed</h1><p>{html.escape(title)}</p>"
        f"<p>出错的单元格 / failing cell: <b>{'—' if cell_index is None else cell_index + 1}</b>. "
        f'执行到出错处的笔记本 / notebook executed up to the error: <a href="{html.escape(notebook_name)}">'
        f"{html.escape(notebook_name)}</a></p>"
        f"<h2>代码 / Code</h2><pre>{html.escape(source)}</pre><h2>错误 / Error</h2><pre>{html.escape(traceback)}</pre>"
    )
    return _page(f"FAILED {title}", body)


def _rank(findings: list[dict]) -> list[dict]:
    return sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.get("severity"), 9), -(f.get("effect") or 0.0)))


PACK = "pack"  # the monthly review pack: one per folder, linked from the region's row, not an angle column
SEVERITY_CLASS = {"high": "sev-high", "medium": "sev-medium", "low": "sev-low", None: "sev-none"}
GRID_CSS = (
    ".grid td{text-align:center}.grid td.region{text-align:left;white-space:nowrap}.sev-high{background:#f8d7d3}"
    ".sev-medium{background:#fdebc8}.sev-low{background:#eef6ee}.sev-none{background:#f6f6f6}"
    ".partial{font-size:0.7em;color:#8a5a00}"
    ".up{color:#c0392b}.down{color:#2e7d32}.legend span{display:inline-block;padding:2px 8px;margin-right:6px}"
)


def index_rows(out_dir: Path, angles: list[str]) -> list[dict[str, Any]]:
    """One row per report found under ``out_dir``: period, region, angle, page link, severities, top finding.

    The overview row counts the findings of every angle (it carries the executive summary). ``worst`` is the
    highest severity found (``None`` without findings), ``high``/``medium`` the counts, ``mom`` the scope's
    revenue change on last month (overview metrics), ``through_day`` the last day a partial month's data
    reaches (``None`` for a complete month), ``pack`` the review pack's link when one was written.
    """
    rows = []
    for folder in report_folders(out_dir):
        state = read_json(folder / ".salesnb-state.json", {})
        findings = read_json(folder / "findings.json", [])
        metrics = read_json(folder / "metrics.json", {})
        mom, through_day = metrics.get("mom_growth"), metrics.get("through_day")
        pack = folder / f"{PACK}.html"
        period = state.get("period", folder.parent.name)
        region = state.get("region", folder.name)
        for angle in angles:
            page, failed = folder / f"{angle}.html", folder / f"{angle}.error.html"
            if not page.is_file() and not failed.is_file():
                continue
            own = _rank(findings if angle == "overview" else [f for f in findings if f.get("angle") == angle])
            rows.append(
                {
                    "period": period,
                    "region": region,
                    "angle": angle,
                    "href": (failed if failed.is_file() else page).relative_to(out_dir).as_posix(),
                    "failed": failed.is_file(),
                    "high": sum(1 for f in own if f.get("severity") == "high"),
                    "medium": sum(1 for f in own if f.get("severity") == "medium"),
                    "worst": own[0].get("severity") if own else None,
                    "top": own[0].get("title", "") if own else "",
                    "mom": mom if isinstance(mom, int | float) else None,
                    "through_day": through_day if isinstance(through_day, int) else None,
                    "pack": pack.relative_to(out_dir).as_posix() if pack.is_file() else None,
                }
            )
    order = {angle: i for i, angle in enumerate(angles)}
    rows.sort(key=lambda r: (r["region"] != "ALL", r["region"], order[r["angle"]]))
    rows.sort(key=lambda r: r["period"], reverse=True)  # stable: newest month first, ALL first within it
    return rows


def _direction(row: dict[str, Any], before: dict[str, Any] | None) -> str:
    """``↑`` more serious findings than last month, ``↓`` fewer, ``→`` as many, empty without last month."""
    if before is None:
        return ""
    now, then = (row["high"], row["medium"]), (before["high"], before["medium"])
    if now == then:
        return '<span class="muted" title="与上月相同 same as last month">→</span>'
    worse = now > then
    return (
        f'<span class="{"up" if worse else "down"}" title="{"较上月加重 worse" if worse else "较上月减轻 better"} '
        f'than last month">{"↑" if worse else "↓"}</span>'
    )


def _cell(row: dict[str, Any], before: dict[str, Any] | None) -> str:
    counts = f"高 {row['high']} · 中 {row['medium']}" if row["worst"] else "—"
    link = f'<a href="{html.escape(row["href"])}" title="{html.escape(row["top"])}">{counts}</a>'
    if row["failed"]:
        link += ' <span class="failed">失败 failed</span>'
    return f'<td class="{SEVERITY_CLASS.get(row["worst"], "sev-none")}">{link} {_direction(row, before)}</td>'


def _region_cells(row: dict[str, Any]) -> str:
    region = "全公司 ALL" if row["region"] == "ALL" else row["region"]
    mom = row["mom"]
    change = "—"
    if mom is not None:
        change = f'<span class="{"down" if mom < 0 else "up"}">{"▼" if mom < 0 else "▲"} {mom:+.1%}</span>'
    pack = '<span class="muted">—</span>'
    if row["pack"]:
        pack = f'<a href="{html.escape(row["pack"])}">月例会材料 Pack</a>'
    return f'<td class="region">{html.escape(region)}</td><td>{change}</td><td>{pack}</td>'


def _partial_label(rows: list[dict[str, Any]], period: str) -> str:
    """`` (1–9 日，不完整月 · partial month: days 1–9)`` after a partial month's heading, else empty."""
    days = [r["through_day"] for r in rows if r["period"] == period and r["through_day"]]
    if not days:
        return ""
    day = max(days)
    zh, en = days_through(day, "zh"), days_through(day, "en")
    return f' <span class="partial">（{zh}，不完整月 · partial month: {en}）</span>'


def index_page(out_dir: Path, angles: list[str]) -> str:
    """``index.html``: per month, a region × angle grid coloured by each report's most severe finding.

    Each cell links the angle's page and shows its high / medium counts with the direction against last month;
    each region's row shows its revenue change on last month and links its review pack. The run's
    ``findings.xlsx`` (:mod:`.workbook`) is linked at the top when it is there.
    """
    rows = index_rows(out_dir, [a for a in angles if a != PACK])
    shown = [a for a in angles if a != PACK and any(r["angle"] == a for r in rows)]
    cells = {(r["period"], r["region"], r["angle"]): r for r in rows}
    periods = list(dict.fromkeys(r["period"] for r in rows))
    sections = []
    for period in periods:
        before_period = periods[periods.index(period) + 1] if periods.index(period) + 1 < len(periods) else None
        regions = list(dict.fromkeys(r["region"] for r in rows if r["period"] == period))
        lines = []
        for region in regions:
            mine = [cells.get((period, region, a)) for a in shown]
            first = next(r for r in mine if r is not None)
            tds = [
                _cell(r, cells.get((before_period, region, r["angle"]))) if r else '<td class="muted">—</td>'
                for r in mine
            ]
            lines.append(f"<tr>{_region_cells(first)}{''.join(tds)}</tr>")
        header = "".join(f"<th>{html.escape(angle_title(a))}</th>" for a in shown)
        sections.append(
            f"<h2>{html.escape(period)}{_partial_label(rows, period)}</h2>"
            f'<table class="grid"><tr><th>区域 Region</th><th>环比 MoM</th>'
            f"<th>月例会 Review</th>{header}</tr>{''.join(lines)}</table>"
        )
    legend = (
        '<p class="legend"><span class="sev-high">高风险 high</span><span class="sev-medium">中 medium</span>'
        '<span class="sev-low">低 low</span><span class="sev-none">无发现 none</span>'
        "↑ 较上月加重 worse · ↓ 减轻 better · → 持平 same</p>"
    )
    workbook = ""
    if (out_dir / WORKBOOK).is_file():
        workbook = f'<p><a href="{WORKBOOK}">问题清单与核心指标（Excel）/ Findings and headline figures (Excel)</a></p>'
    body = "<h1>销售分析报告 / Sales reports</h1>" + workbook + legend + "".join(sections)
    return _page("salesnb reports", body)
