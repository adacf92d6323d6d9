"""The region of a marketplace export that says where its buyers are by address (``salesnb map``).

A Taobao, JD, Douyin or Pinduoduo order export, or an ERP's 发货单, names no sales region: it has a 收货地区
``浙江省 杭州市 西湖区`` or a 收货地址 ``浙江省杭州市西湖区文三路90号``. Read whole, each district or street was a
region; a full address was not read at all (a report for the whole company only). ``map`` proposes the province
it lies in instead, ``region: =province([收货地址])`` (:mod:`.provinces`), which the user reads in the mapping and
undoes by writing the column's name. The order of what is the region:

1. a column named a sales region (区域, 大区, 销售区域): the company's own regions, never replaced;
2. a column of provinces (省份, 收货省份, or values that are provinces): read as it is;
3. a column of addresses or 省 市 区 (named as one, or holding them): its province;
4. a city (城市): the coarser province of an address wins over it.

A column of provinces written several ways (浙江 beside 浙江省) is read in one spelling the same way.
"""

from __future__ import annotations

import pandas as pd

from .column_words import ADDRESS_NAMES, ADDRESS_WORDS, CITY_NAMES, PROVINCE_NAMES, normalise
from .provinces import ADDRESS_SHARE, address_share, province_of, province_share

PROVINCES_SHARE = 0.8  # share of values that must be provinces (or addresses, for an unnamed column) to say so


def _named(column: object, names: tuple[str, ...]) -> bool:
    return normalise(str(column)) in {normalise(n) for n in names}


def holds_addresses(values: pd.Series) -> bool:
    """Whether a column holds addresses or 省 市 区 (:func:`~.provinces.address_share`): its province is the region."""
    return address_share(values) >= ADDRESS_SHARE


def _province_column(sample: pd.DataFrame, found: dict[str, str], address: str) -> str | None:
    """A province column beside the address: named as one (省份, 收货省份) and no address itself, or holding them."""
    free = [c for c in sample.columns if c != address and c not in found.values()]
    named = [c for c in free if _named(c, PROVINCE_NAMES) and not holds_addresses(sample[c])]
    return next(iter(named), None) or next((c for c in free if province_share(sample[c]) >= PROVINCES_SHARE), None)


def _address_column(sample: pd.DataFrame, found: dict[str, str]) -> str | None:
    """A column of addresses: named as one (收货地址) and half read, or with an address word in its name, most read.

    An address word: 地址, 地区 (收货人地址信息, 买家所在地区). Never by its values alone: a customer column of company
    names (浙江吉利…, 广东美的…) or a shop's products (四川火锅底料) may begin with provinces too.
    """
    free = [c for c in sample.columns if c not in found.values()]
    named = next((c for c in free if _named(c, ADDRESS_NAMES) and holds_addresses(sample[c])), None)
    worded = (c for c in free if any(normalise(w) in normalise(str(c)) for w in ADDRESS_WORDS))
    return named or next((c for c in worded if address_share(sample[c]) >= PROVINCES_SHARE), None)


def address_region(sample: pd.DataFrame, found: dict[str, str]) -> None:
    """Choose the region among a sales region, a province, an address and a city (the module's order), in ``found``.

    A region column holding addresses (收货地区 ``浙江省 杭州市 西湖区``) gives way to a column of provinces; without a
    region, or beside a city, a column of addresses is the region. That the region is then read as its province is
    said by :func:`province_tables`.
    """
    region = found.get("region")
    if region is not None and holds_addresses(sample[region]):
        found["region"] = _province_column(sample, found, region) or region
        return
    if region is not None and not _named(region, CITY_NAMES):
        return  # a sales region (大区) or a province: the company's own word
    address = _address_column(sample, found)
    if address is not None:
        found["region"] = address


def spelled_apart(values: pd.Series) -> bool:
    """Whether a column of provinces writes one province several ways (浙江 and 浙江省): one spelling is read."""
    text = values.dropna().astype("str").str.strip()
    text = text[text.ne("")]
    if province_share(text) < PROVINCES_SHARE:
        return False
    pairs = pd.DataFrame({"raw": text, "province": province_of(text)}).dropna().drop_duplicates()
    return bool(pairs["province"].duplicated().any())


def province_tables(
    sample: pd.DataFrame, tables: dict[str, dict[str, str]], found: dict[str, str]
) -> tuple[dict[str, dict[str, str]], tuple[str, bool] | None]:
    """The tables with a region read as its province (``=province([收货地址])``), and (that column, addresses).

    A region of addresses (:func:`holds_addresses`), or of provinces spelled several ways (:func:`spelled_apart`:
    浙江 beside 浙江省 made two regions of one province).
    """
    region = found.get("region")
    if region is None or region not in sample.columns:
        return tables, None
    addresses = holds_addresses(sample[region])
    if not addresses and not spelled_apart(sample[region]):
        return tables, None
    expression = f"=province({'`' + region + '`' if ']' in region else '[' + region + ']'})"
    out = {
        t: {c: expression if c == "region" and u == region else u for c, u in cols.items()}
        for t, cols in tables.items()
    }
    return out, (region, addresses)
