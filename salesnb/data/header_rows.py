"""A header printed on two rows: merged group names (客户信息, 商品信息, 金额) above the column names.

Chinese ERP and Excel reports group their columns under a merged cell and name them on the row below; a column
with no group (销售日期, 数量) is merged down over both rows. Read as one header row, the groups became the
column names and the real names a row of data: ``map`` recognised nothing and refused the file. Such a header is
read by its lower names (a group's name put before a lower name that would otherwise repeat).
"""

from __future__ import annotations

import re

import pandas as pd

from .column_words import concept_by_words
from .messages import Message

TITLE = "title_rows"  # ``frame.attrs`` key: how many rows of the file stood above the header
GROUPS = "header_groups"  # ``frame.attrs`` key: the group names of a two-row header read by its lower row


def _text(value: object) -> str | None:
    """A header cell as text; ``None`` when empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _lower_names(frame: pd.DataFrame) -> tuple[list[str], list[str]] | None:
    """The column names and group names of a two-row header, or ``None`` when the first row is data.

    A two-row header has two names or more above, a column without a name (a group merged across it) whose cell
    below names it, every group beginning at a named column also named below; the lower names are text, unique
    within their group (客户 and 物料 may both name an 编码), not numbers, at least one of them (with its group's
    name when repeated) a column name ``map`` knows (社保卡号, 实收金额), and none met again in its column's data.
    """
    upper = [None if str(c).startswith("Unnamed:") else _text(c) for c in frame.columns]
    if len(frame) < 2 or None not in upper or upper[0] is None or len(upper) - upper.count(None) < 2:
        return None  # one named cell over the columns is a title line (导出时间：…), not a row of groups
    lower = [_text(v) for v in frame.iloc[0]]
    named = [v for v in lower if v is not None]
    within = [(g, v) for g, v in zip(_groups_of(upper), lower, strict=True) if v is not None]
    if len(set(within)) != len(within) or pd.to_numeric(pd.Series(named), errors="coerce").notna().any():
        return None  # 编码 under 客户 and again under 物料 is two columns (客户编码, 物料编码); twice under one is data
    for k, (top, below) in enumerate(zip(upper, lower, strict=True)):
        if top is None and (below is None or lower[k - 1] is None):  # a group's every column is named below
            return None
    groups = [top for top, below in zip(upper, lower, strict=True) if top is not None and below is not None]
    if not groups:
        return None
    data = frame.iloc[1:]
    if any(data.iloc[:, k].astype("string").str.strip().eq(v).any() for k, v in enumerate(lower) if v):
        return None
    of = _groups_of(upper)
    names = [below if below is not None else g for g, below in zip(of, lower, strict=True)]
    names = [f"{g}{n}" if names.count(n) > 1 else n for g, n in zip(of, names, strict=True)]
    if not any(concept_by_words(n) for n, below in zip(names, lower, strict=True) if below is not None):
        return None  # as read: 编码 under 客户 and 物料 is known as 客户编码, 物料编码
    return (names, groups) if len(set(names)) == len(names) else None


def _groups_of(upper: list[str | None]) -> list[str]:
    """Each column's group: the nearest named upper cell at or left of it."""
    out, group = [], ""
    for top in upper:
        group = top if top is not None else group
        out.append(group)
    return out


def two_row_header(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` read by the lower row of a two-row header (``frame.attrs[GROUPS]``: the groups); else unchanged."""
    found = _lower_names(frame)
    if found is None:
        return frame
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = found[0]
    body.attrs = {**frame.attrs, GROUPS: found[1]}
    return body


TITLE_ROWS = 10  # rows above a sheet's header searched for the real one (a title, an export time)


def below_title(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame under its real header when the first row was a title (全国订单明细表, then 导出时间 …).

    A report-style export puts a merged title cell and an export line above the header: read as the header,
    most columns came out unnamed and the real header became a row of data. The header is then the first row
    that names at least 80 % of the columns, each once, or the upper row of a two-row header;
    ``frame.attrs[TITLE]`` holds how many rows stood above.
    """
    width = len(frame.columns)
    unnamed = sum(str(c).startswith("Unnamed:") for c in frame.columns)
    if width < 2 or unnamed * 2 < width:
        return frame
    for at in range(min(TITLE_ROWS, len(frame))):
        cells = frame.iloc[at].dropna().astype(str)
        cells = cells[cells.str.strip() != ""]  # unique as written: 宝贝种类 and 宝贝种类␠ are two (:func:`_tidy`)
        if len(cells) >= 0.8 * width and cells.is_unique:
            names = [str(v).strip() if pd.notna(v) and str(v).strip() else f"Unnamed: {k}"
                     for k, v in enumerate(frame.iloc[at])]  # fmt: skip
            body = frame.iloc[at + 1 :].reset_index(drop=True)
            body.columns = names
            body.attrs[TITLE] = int(frame.attrs.get(TITLE, 0)) + at + 1  # under any title lines already skipped
            return body
        under = _two_rows_at(frame, at)  # group names on this row, the column names on the next
        if under is not None:
            return under
    return frame


def _two_rows_at(frame: pd.DataFrame, at: int) -> pd.DataFrame | None:
    """The frame under a two-row header whose upper row is row ``at`` of ``frame`` (below a title), else ``None``."""
    upper = frame.iloc[at + 1 :].reset_index(drop=True)
    upper.columns = [_text(v) or f"Unnamed: {k}" for k, v in enumerate(frame.iloc[at])]
    body = two_row_header(upper)
    if GROUPS not in body.attrs:
        return None
    body.attrs[TITLE] = int(frame.attrs.get(TITLE, 0)) + at + 1
    return body


def header_notes(frame: pd.DataFrame, where: str | Message) -> list[Message]:
    """The warnings on how a file's header was found: title rows above it, a header on two rows."""
    notes = [Message("problem_title_rows", where=where, n=frame.attrs[TITLE])] if frame.attrs.get(TITLE) else []
    if frame.attrs.get(GROUPS):
        notes.append(Message("problem_two_row_header", where=where, groups="、".join(frame.attrs[GROUPS])))
    return notes


def no_header(frame: pd.DataFrame) -> bool:
    """Whether every column is a pandas placeholder (``Unnamed: 5``): the sheet has no header row.

    Listing ``Unnamed: 5, Unnamed: 6`` as columns left out named nothing the user could find in the sheet.
    """
    return bool(len(frame.columns)) and all(re.fullmatch(r"Unnamed: \d+", str(c)) for c in frame.columns)
