"""One spelling per segment: Clothing, CLOTHING and clothing are one product line, in every table.

An export typed by hand spells one value several ways. A product line split into Clothing, CLOTHING and clothing
showed three lines (two of them "−100 %"), and a target set for FURNITURE matched no sales of Furniture: 0 %
attained beside a line without a target. The values of a segment column (region, channel, product line …) that
differ only in case or spacing are one value, written as the data writes it most often (a tie: as the first
table holding it writes it, the sales before the targets), across all the tables holding that column; a warning
names what was merged. Ids are not touched: a customer code is matched exactly, as the system wrote it.

So are names that differ only by a generic word of their kind (:data:`SUFFIXES`): a system renamed 华东 to 华东区
in July, and that month's report found every region at −100 % beside five new regions of no history; a target
sheet's 华东大区 matched no sales of 华东. A name keeps at least :data:`MIN_STEM` characters before the word, so
东区 and 中区 stay whole.
"""

from __future__ import annotations

import re

import pandas as pd

from .messages import Message

SEGMENT_COLUMNS = (  # text columns that name a segment, matched across tables (targets to sales, deals to lines)
    "region", "channel", "product_line", "industry", "team", "source", "acquisition_channel", "category",
    "competitor",
)  # fmt: skip
SHOWN = 3  # merged spellings named per column
SUFFIXES: dict[str, tuple[str, ...]] = {  # generic words a segment's name carries or drops: 华东区 is 华东
    "region": ("大区", "片区", "地区", "区域", "区", "省", "市"),
    "channel": ("渠道",),
    "source": ("渠道",),
    "acquisition_channel": ("渠道",),
    "product_line": ("产品线", "系列", "类"),
    "category": ("系列", "类"),
}
MIN_STEM = 2  # characters a name keeps before its generic word: 东区 is not 东


def _suffix_pattern(column: str) -> str | None:
    """The regular expression (Python's and DuckDB's alike) whose group 1 is a name without its generic word."""
    words = SUFFIXES.get(column)
    return rf"^(.{{{MIN_STEM},}}?)(?:{'|'.join(words)})$" if words else None


def spelling_key(value: str, column: str = "") -> str:
    """What two spellings of one value of ``column`` share: lower case, one space between words, no generic word."""
    key = re.sub(r"\s+", " ", value.strip()).lower()
    pattern = _suffix_pattern(column)
    return re.sub(pattern, r"\1", key) if pattern else key


def sql_spelling_key(expression: str, column: str = "") -> str:
    """:func:`spelling_key` in DuckDB's SQL, for the streamed ingest's check."""
    key = f"lower(regexp_replace(trim({expression}), '\\s+', ' ', 'g'))"
    pattern = _suffix_pattern(column)
    return f"regexp_replace({key}, '{pattern}', '\\1')" if pattern else key


def one_spelling(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[Message]]:
    """``tables`` with each segment value in one spelling, and a warning per column where spellings were merged."""
    out, warnings = dict(tables), []
    for column in SEGMENT_COLUMNS:
        holding = [name for name, frame in tables.items() if column in frame.columns]
        values = pd.concat([tables[name][column] for name in holding], ignore_index=True) if holding else None
        if values is None or values.dropna().empty or not _textual(values):
            continue
        counts = values.dropna().astype(str).value_counts()
        keys = pd.Series([spelling_key(v, column) for v in counts.index], index=counts.index)
        if keys.nunique() == len(keys):
            continue
        seen = {v: k for k, v in enumerate(values.dropna().astype(str).drop_duplicates())}  # sales tables first
        order = pd.DataFrame({"key": keys, "n": counts.to_numpy(), "first": [seen[v] for v in counts.index]})
        order = order.assign(value=counts.index).sort_values(["key", "n", "first"], ascending=[True, False, True])
        canonical = order.drop_duplicates("key").set_index("key")["value"]
        renames = {v: canonical[k] for v, k in keys.items() if canonical[k] != v}
        for name in holding:
            frame = out[name]
            out[name] = frame.assign(**{column: frame[column].replace(renames)})
        merged = [_merged(into, renames) for into in sorted(set(renames.values()))][:SHOWN]
        rows = int(counts[list(renames)].sum())
        warnings.append(Message("problem_spellings", column=column, merged=merged, rows=rows))
    return out, warnings


def _merged(into: str, renames: dict[str, str]) -> Message:
    """``Clothing ← CLOTHING, clothing``: a spelling kept and those written as it."""
    return Message(
        "problem_spelling_merged", into=into, variants=", ".join(sorted(k for k, v in renames.items() if v == into))
    )


def _textual(values: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(values) or values.dtype == object
