"""Excel workbooks, ``.xlsx`` and the older ``.xls`` that WPS, Taobao and many ERPs still export, read one way.

Both formats go through python-calamine (pandas' ``engine="calamine"``): one Rust reader for both, which tells
the format from the bytes (an ``.xls`` saved as ``.xlsx`` still reads) and reads an ``.xlsx`` about nine times
faster than openpyxl with the same values. A workbook that cannot be read is described from its first bytes
(damaged, a web page or a text file under an Excel name) in a :class:`Message` saying to save it as ``.xlsx``
or CSV, never in the reader library's English.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataSourceError
from .messages import Message
from .parsing import MISSING_MARKERS

WORKBOOK_SUFFIXES: tuple[str, ...] = (".xlsx", ".xls")
_CONTAINERS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (.xlsx), OLE2 (.xls, or an .xlsx with a password)


def is_workbook(path: Path) -> bool:
    """Whether ``path`` is named as an Excel workbook salesnb reads."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES


def read_sheet(path: Path, sheet: str | None = None, *, header_only: bool = False) -> pd.DataFrame:
    """A sheet's values (the first sheet unless ``sheet``); ``header_only``: its first row as text, no header."""
    options: dict = {"header": None, "nrows": 1, "dtype": str} if header_only else {}
    options |= {"keep_default_na": False, "na_values": list(MISSING_MARKERS)}  # "NA" is a value (North America)
    try:
        return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, engine="calamine", **options)
    except ImportError as exc:
        raise DataSourceError(Message("error_workbook_engine", path=str(path))) from exc
    except Exception as exc:  # noqa: BLE001 - any reader failure is said as what the file looks like
        raise unreadable(path) from exc


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names, in order (nothing of the sheets is read)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError as exc:
        raise DataSourceError(Message("error_workbook_engine", path=str(path))) from exc
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001
        raise unreadable(path) from exc
    try:
        return list(book.sheet_names)
    finally:
        book.close()


def data_sheets(path: Path) -> tuple[str | None, list[str]]:
    """A workbook's first sheet, and its sheets with a row below their header.

    A single-sheet workbook is not opened further: its one sheet is the table whatever it holds.
    """
    names = sheet_names(path)
    if len(names) < 2:
        return (names[0] if names else None), names
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        return names[0], [name for name in names if book.get_sheet_by_name(name).height > 1]
    finally:
        book.close()


def unreadable(path: Path) -> DataSourceError:
    """The error for a workbook the reader refused, naming what its first bytes show it to be."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        head = b""
    if not head:
        return DataSourceError(Message("error_file_empty", path=str(path)))
    if head.startswith(_CONTAINERS):
        what = Message("workbook_damaged")
    elif head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        what = Message("workbook_is_html", suffix=path.suffix)
    else:
        what = Message("workbook_is_text", suffix=path.suffix)
    return DataSourceError(Message("error_unreadable_workbook", path=str(path), what=what))
