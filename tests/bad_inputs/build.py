"""Small bad datasets for the corpus, each derived from ``tests/tiny.py`` inside the test's own folder.

A case describes its data as edits of the tiny tables (:func:`edit`, :func:`drop_column`, ...) and files written
verbatim next to them (:func:`raw`, :func:`reencode`, :func:`as_format`); nothing big is committed.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from tiny import TABLES, write_tiny

Rows = dict[str, list[dict]]
Edit = Callable[[Rows], None]  # changes the tiny tables before they are written
Files = Callable[[Path], None]  # writes or rewrites files in the case's folder (data/ holds the tables)

SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
ESCAPING = "../../escaped"
HOSTILE_REGION = f"../../{SCRIPT}"  # a path and a script tag at once


def tiny_rows() -> Rows:
    """A fresh deep copy of the tiny tables."""
    return copy.deepcopy(TABLES)


def write_case(folder: Path, edits: tuple[Edit, ...], files: tuple[Files, ...]) -> Path:
    """Write the tiny tables with ``edits`` applied into ``folder/data``, then apply ``files``; return data/."""
    rows = tiny_rows()
    for change in edits:
        change(rows)
    data = write_tiny(folder / "data", tables=rows)
    for write in files:
        write(folder)
    return data


# ----------------------------------------------------------------------------------------------- table edits


def edit(table: str, row: int, column: str, value: object) -> Edit:
    """Set one cell (``row`` is 0-based)."""

    def apply(rows: Rows) -> None:
        rows[table][row][column] = value

    return apply


def edit_all(table: str, column: str, values: list[object]) -> Edit:
    """Set a whole column, row by row."""

    def apply(rows: Rows) -> None:
        assert len(values) == len(rows[table]), "one value per row"
        for record, value in zip(rows[table], values, strict=True):
            record[column] = value

    return apply


def rename_everywhere(old: str, new: str) -> Edit:
    """Replace a text value (a region, a name) in every table."""

    def apply(rows: Rows) -> None:
        for records in rows.values():
            for record in records:
                for key, value in record.items():
                    if value == old:
                        record[key] = new

    return apply


def drop_column(table: str, column: str) -> Edit:
    def apply(rows: Rows) -> None:
        for record in rows[table]:
            record.pop(column, None)

    return apply


def drop_table(table: str) -> Edit:
    def apply(rows: Rows) -> None:
        rows.pop(table)

    return apply


def append(table: str, record: dict) -> Edit:
    def apply(rows: Rows) -> None:
        rows[table].append(dict(record))

    return apply


def repeat_row(table: str, row: int) -> Edit:
    """Append a copy of one row (a duplicated id)."""

    def apply(rows: Rows) -> None:
        rows[table].append(dict(rows[table][row]))

    return apply


def keep_rows(table: str, count: int) -> Edit:
    def apply(rows: Rows) -> None:
        rows[table] = rows[table][:count]

    return apply


# ----------------------------------------------------------------------------------------------- files


def raw(relative: str, content: str | bytes) -> Files:
    """Write ``content`` verbatim at ``relative`` (e.g. ``data/orders.csv``, ``mapping.yaml``)."""

    def apply(folder: Path) -> None:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return apply


def remove(relative: str) -> Files:
    def apply(folder: Path) -> None:
        (folder / relative).unlink()

    return apply


def move(relative: str, target: str) -> Files:
    """Rename a file (an export under the user's own table name)."""

    def apply(folder: Path) -> None:
        (folder / relative).rename(folder / target)

    return apply


def header_only(table: str) -> Files:
    """Keep the header row of ``data/<table>.csv`` and no data rows."""

    def apply(folder: Path) -> None:
        path = folder / "data" / f"{table}.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")

    return apply


def add_csv_column(table: str, header: str, value: str) -> Files:
    """Append a column to ``data/<table>.csv`` as text, even one whose header repeats another's."""

    def apply(folder: Path) -> None:
        path = folder / "data" / f"{table}.csv"
        head, *body = path.read_text(encoding="utf-8").splitlines()
        path.write_text("\n".join([f"{head},{header}", *(f"{line},{value}" for line in body)]) + "\n", encoding="utf-8")

    return apply


def rename_header(table: str, old: str, new: str) -> Files:
    """Rename one header cell of ``data/<table>.csv`` (the values stay)."""

    def apply(folder: Path) -> None:
        path = folder / "data" / f"{table}.csv"
        head, rest = path.read_text(encoding="utf-8").split("\n", 1)
        cells = [new if cell == old else cell for cell in head.split(",")]
        path.write_text(",".join(cells) + "\n" + rest, encoding="utf-8")

    return apply


def reencode(encoding: str, tables: tuple[str, ...] = ()) -> Files:
    """Re-save CSV tables (default: all) in another encoding, as a Chinese Excel or a BOM-writing tool would."""

    def apply(folder: Path) -> None:
        for path in sorted((folder / "data").glob("*.csv")):
            if not tables or path.stem in tables:
                path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))

    return apply


def separated(table: str, sep: str, suffix: str = ".csv") -> Files:
    """Re-save ``data/<table>.csv`` with another field separator (``;`` of a European Excel, a tab of an ERP's .txt)."""

    def apply(folder: Path) -> None:
        csv = folder / "data" / f"{table}.csv"
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        csv.unlink()
        frame.to_csv(csv.with_suffix(suffix), sep=sep, index=False)

    return apply


def as_format(table: str, suffix: str, *, sheet: str = "Sheet1", keep_csv: bool = False) -> Files:
    """Convert ``data/<table>.csv`` to ``.parquet`` or ``.xlsx`` (values as text, like an export)."""

    def apply(folder: Path) -> None:
        csv = folder / "data" / f"{table}.csv"
        frame = pd.read_csv(csv, dtype=str)
        target = csv.with_suffix(suffix)
        if suffix == ".parquet":
            frame.to_parquet(target, index=False)
        else:
            frame.to_excel(target, index=False, sheet_name=sheet)
        if not keep_csv:
            csv.unlink()

    return apply


def truncate(relative: str, keep: float = 0.5) -> Files:
    """Cut a file short (an interrupted copy or download)."""

    def apply(folder: Path) -> None:
        path = folder / relative
        content = path.read_bytes()
        path.write_bytes(content[: int(len(content) * keep)])

    return apply


def existing_outputs(folder: Path) -> None:
    """Put a previous run's reports in ``out/``: a failing command must leave them exactly as they were."""
    old = folder / "out" / "2026-09" / "华东"
    old.mkdir(parents=True)
    (old / "overview.html").write_text("<html><body>last month's report</body></html>", encoding="utf-8")
    (old / "metrics.json").write_text('{"revenue": 300.0}\n', encoding="utf-8")
    (folder / "out" / "index.html").write_text("<html><body>index</body></html>", encoding="utf-8")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with a hash of its bytes (folders as ``/``)."""
    state = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        state[key] = "/" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return state
