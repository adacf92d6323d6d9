"""Plain HTML pages written by the runner: the index over all reports and the error page of a failed one.

Both are single files with inline CSS and no script, readable offline. Every text that comes from data or
from an error message is escaped.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import nbformat

from ..angle import ANGLE_NAMES
from ..findings import SEVERITY_RANK
from ..i18n import t
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
        f"<style>{CSS}</style></head><body>{body}</body></html>\n"
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


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def _rank(findings: list[dict]) -> list[dict]:
    return sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.get("severity"), 9), -(f.get("effect") or 0.0)))


def index_rows(out_dir: Path, angles: list[str]) -> list[dict[str, Any]]:
    """One row per report found under ``out_dir``: period, region, angle, page link, high count, top finding.

    The overview row counts the findings of every angle (it carries the executive summary).
    """
    rows = []
    for folder in sorted(p for p in out_dir.glob("*/*") if p.is_dir() and not p.name.startswith(".")):
        state = _read_json(folder / ".salesnb-state.json", {})
        findings = _read_json(folder / "findings.json", [])
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
                    "top": own[0].get("title", "") if own else "",
                }
            )
    order = {angle: i for i, angle in enumerate(angles)}
    rows.sort(key=lambda r: (r["region"] != "ALL", r["region"], order[r["angle"]]))
    rows.sort(key=lambda r: r["period"], reverse=True)  # stable: newest month first, ALL first within it
    return rows


def index_page(out_dir: Path, angles: list[str]) -> str:
    """``index.html``: a table of periods × regions × angles linking each report."""
    body_rows = []
    for row in index_rows(out_dir, angles):
        name = html.escape(angle_title(row["angle"]))
        link = f'<a href="{html.escape(row["href"])}">{name}</a>'
        if row["failed"]:
            link += ' <span class="failed">失败 failed</span>'
        high = f'<span class="high">{row["high"]}</span>' if row["high"] else '<span class="muted">0</span>'
        region = "全公司 ALL" if row["region"] == "ALL" else row["region"]
        body_rows.append(
            f"<tr><td>{html.escape(row['period'])}</td><td>{html.escape(region)}</td><td>{link}</td>"
            f"<td>{high}</td><td>{html.escape(row['top'])}</td></tr>"
        )
    body = (
        "<h1>销售分析报告 / Sales reports</h1>"
        "<table><tr><th>月份 Period</th><th>区域 Region</th><th>报告 Report</th><th>高风险发现 High</th>"
        "<th>首要发现 Top finding</th></tr>" + "".join(body_rows) + "</table>"
    )
    return _page("salesnb reports", body)
