"""The province an address lies in: a marketplace export's 收货地址 or 收货地区 read as a region.

A Taobao, JD or Douyin order export says where the buyer is as ``浙江省 杭州市 西湖区`` or as a full address
``浙江省杭州市西湖区文三路90号``; read whole, every district or street was a region of its own. An address is read
from its start (a leading 中国 skipped): the longest province name it begins with, full or short (``浙江省``,
``浙江``, ``内蒙古自治区``, ``广西``), gives the province, shown in its one full spelling (``浙江省``, ``上海市``,
``广西壮族自治区``). The 34 provincial-level divisions and their spellings are ``provinces.yaml``. An address that
begins with no province (a city alone, a foreign one, an empty cell) has none: its region is left empty, which the
reports show as 未知, and the loader counts such rows (:func:`province_warning`). A US postal address, which names
its state at its end (``917 1st St, Dallas, TX 75001``), is read from there: its state's code is its region.
"""

from __future__ import annotations

import re
from importlib import resources

import pandas as pd
import yaml

from .messages import Message

_TABLE = yaml.safe_load(resources.files("salesnb").joinpath("data", "provinces.yaml").read_text(encoding="utf-8"))
PROVINCES: tuple[str, ...] = tuple(p["name"] for p in _TABLE["provinces"])  # the one spelling shown of each
_SPELLINGS: dict[str, str] = {  # a short name or another spelling -> the province's full name
    spelling: p["name"] for p in _TABLE["provinces"] for spelling in (p["short"], *p.get("also", ()))
}
_SUFFIX = r"(?:维吾尔自治区|壮族自治区|回族自治区|特别行政区|特別行政區|自治区|省|市)?"  # 浙江省, 广西壮族自治区
_NOT_BEFORE = {p["short"]: p["not_before"] for p in _TABLE["provinces"] if p.get("not_before")}


def _alternative(spelling: str) -> str:
    """One spelling in the pattern, with what may not follow it (海南 before 藏族自治州 is 青海's 海南州)."""
    after = _NOT_BEFORE.get(spelling)
    guard = f"(?!{'|'.join(map(re.escape, after))})" if after else ""
    return re.escape(spelling) + guard


_PREFIXES = "|".join(map(re.escape, _TABLE["country_prefixes"]))
_START = re.compile(
    rf"^[\s,，:：/]*(?:(?:{_PREFIXES})[\s,，:：/]*)?"
    rf"(?P<province>{'|'.join(_alternative(s) for s in sorted(_SPELLINGS, key=len, reverse=True))}){_SUFFIX}"
    r"(?P<rest>.*)$",
    re.DOTALL,
)
_US_END = re.compile(  # …, TX 75001 / …, CA, 94105 / …, ME 04101-1234: a state's code and ZIP end the address
    rf"^(?P<rest>.*?\S.*?)[\s,]*,\s*(?P<province>{'|'.join(_TABLE['us_states'])})[\s,]+\d{{5}}(?:-\d{{4}})?\s*$",
    re.DOTALL,
)
TAIL = 20  # characters that hold a US address's state and ZIP code and some before (ton, ME 04101-1234)
ADDRESS_SHARE = 0.5  # share of a column's values that must be a province and more (城市, 街道) to be read as addresses
HEAD = 16  # characters that hold a province name after a country and a space (中华人民共和国 新疆维吾尔自治区)
MAX_UNREAD_SHOWN = 3  # unread addresses a warning shows


def _parts(values: pd.Series, *, start: bool = True, end: bool = True) -> pd.DataFrame:
    """Each value's province (its full name, or missing) and the text beside the province name.

    ``start``: a province of China that begins it; ``end``: a US state and ZIP code that end it.
    """
    text = values.astype("str").where(values.notna())
    nothing = pd.DataFrame({"province": pd.Series(None, index=text.index, dtype="object"), "rest": text})
    found = text.str.extract(_START) if start else nothing
    parts = pd.DataFrame(
        {"province": found["province"].map(_SPELLINGS), "rest": found["rest"].str.strip()}, index=values.index
    )
    unread = parts["province"].isna() & text.notna()
    if end and unread.any():  # no province of China begins it: a US state and ZIP may end it
        ending = text[unread].str.extract(_US_END)
        parts.loc[unread, "province"] = ending["province"]
        parts.loc[unread, "rest"] = ending["rest"].str.strip()
    return parts


def province_of(values: pd.Series) -> pd.Series:
    """Each address's province in its full spelling (``浙江杭州市…`` → 浙江省); missing where none is read.

    Each distinct start is read once (a province name is read from the first :data:`HEAD` characters): a 收货地区
    column repeats a few hundred districts over a million rows, and addresses share their first characters.
    """
    out = _read_once(values, values.astype("str").str.slice(0, HEAD), start=True)
    unread = out.isna() & values.notna()
    if unread.any():  # a US address: its state is in its last characters, the street before them is not needed
        text = values[unread].astype("str").str.strip()
        out[unread] = _read_once(text, text.str.slice(-TAIL), start=False)
    return out


def _read_once(values: pd.Series, keys: pd.Series, *, start: bool) -> pd.Series:
    """The province of each value, read once for each distinct key: its start (``start``) or its end otherwise."""
    codes, uniques = pd.factorize(keys.where(values.notna()))
    read = _parts(pd.Series(uniques, dtype="object"), start=start, end=not start)["province"].to_numpy()
    out = pd.Series(read.take(codes), index=values.index, dtype="str")
    return out.where(codes >= 0)


def address_share(values: pd.Series) -> float:
    """Share of the non-empty values that begin with a province and say more (a city, a street): addresses."""
    return _province_led(values, more=True)


def province_share(values: pd.Series) -> float:
    """Share of the non-empty values that are a province and nothing more (浙江, 浙江省, 内蒙古自治区)."""
    return _province_led(values, more=False)


def _province_led(values: pd.Series, *, more: bool) -> float:
    """Share of the non-empty values that begin with a province, followed by more text or (``more=False``) none."""
    text = values.dropna().astype("str").str.strip()
    text = text[text.ne("")]
    if not len(text):
        return 0.0
    parts = _parts(text)
    followed = parts["rest"].fillna("").ne("")
    return float((parts["province"].notna() & (followed if more else ~followed)).mean())


def province_warning(values: pd.Series, provinces: pd.Series, column: str, source: str) -> Message | None:
    """The rows of ``column`` whose province could not be read (region 未知), counted, with a few unread values."""
    unread = provinces.isna()
    if not unread.any():
        return None
    text = values[unread].dropna().astype("str").str.strip()
    examples = [v for v in text[text.ne("")].drop_duplicates().iloc[:MAX_UNREAD_SHOWN]]
    shown = ", ".join(f"“{v}”" for v in examples) or "—"
    n, rows = int(unread.sum()), len(values)
    return Message(
        "problem_province_unread", column=column, source=source, n=n, rows=rows, share=n / rows, examples=shown
    )
