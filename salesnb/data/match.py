"""Which concept each column of an export holds (``salesnb map``): by its name, then by its contents.

Names are compared with the synonyms of ``column_names.yaml`` (:mod:`.column_words`), then word by word
(``dishes_id`` → a product id, ``counts`` → a quantity, ``…卡号`` → a customer). Contents confirm a match: a
date column must read as dates, an amount or a quantity as numbers, and a column empty or ``NA`` on every row
(a restaurant POS's unused ``bar_code``) matches nothing. Contents alone name what no name says:
the first column reading as dates (one named ``…时间/…日期/date/time`` first) is the order date, a column of
Chinese provinces and cities is the region. A column of addresses (收货地址, 收货地区 ``浙江省 杭州市 西湖区``) is the
region where no sales region or province column is (:mod:`.address_regions`); the proposal reads its province.
"""

from __future__ import annotations

import pandas as pd

from .address_regions import address_region
from .column_words import (
    CITY_NAMES,
    CONSIGNEE_NAMES,
    HEADCOUNT_NAMES,
    ID_WORDS,
    NOT_PRODUCT_WORDS,
    PAIR_CODES,
    PAIR_LINES,
    PAIR_NAMES,
    SALE_KINDS,
    SYNONYMS,
    books_plain,
    concept_by_words,
    named_column,
    normalise,
    place_share,
    says_customer,
    says_date,
    says_other_date,
    says_ship_to_place,
    says_size,
    words,
)
from .dates import parse_dates
from .namesakes import phone_customer
from .parsing import NOT_A_NUMBER, parse_number
from .scales import read_cost, read_profit
from .skipped_rows import rows_without_sales
from .team_reps import team_of_people
from .year_months import dated_by_year_month

SAMPLE_ROWS = 2_000  # values checked per column: enough to tell dates and numbers, cheap on a million rows
MOSTLY = 0.95  # share of sampled values that must read as dates / numbers
DATES = ("order_date", "promised_at", "delivered_at", "hire_date")
NUMBERS = (
    *("amount", "quantity", "unit_price", "list_price", "list_amount", "unit_cost", "discount", "profit", "refund"),
    *("target_amount", "quoted_price", "paid_rate", "promised_days", "delivered_days"),
)
FILLED = 0.5  # a date (or segment) column filled in fewer sampled rows gives way to a fuller one
SEGMENTS = ("channel", "product_line", "industry")  # a fuller column wins (a sparse region: the country, below)
REGION_FILLED = 0.75  # a region filled in fewer sampled rows gives way to the country (Chinook: a state for half)
PLACES_SHARE = 0.8  # share of a column's sampled values that must be provinces or large cities to be the region
COUNTRY_SPREAD = 0.8  # a city named the region gives way to a country column whose largest country holds less


def _share(ok: pd.Series, sample: pd.Series) -> float:
    return float(ok.sum()) / max(int(sample.notna().sum()), 1)


def reads_as_dates(sample: pd.Series) -> tuple[bool, bool]:
    """(most values read as dates, the day/month order is ambiguous)."""
    if pd.api.types.is_numeric_dtype(sample):
        return False, False
    parsed, _, hint = parse_dates(sample)
    if hint:
        return True, True
    return _share(parsed.notna(), sample) >= MOSTLY, False


def yearly(sample: pd.Series) -> bool:
    """Whether dates are years, not days: bare four-digit years (1996), or several dates all on 1 January.

    A year (``year_established``) reads as a date on 1 January; taken as the order date it made each account an
    order placed on New Year's Day of the year it was founded.
    """
    text = sample.dropna().astype("str").str.strip()
    if not len(text):
        return False
    if text.str.fullmatch(r"\d{4}(?:\.0)?").all():
        return True
    parsed = parse_dates(text)[0].dropna()
    return parsed.nunique() > 1 and bool(((parsed.dt.month == 1) & (parsed.dt.day == 1)).all())


def _reads_as_order_dates(sample: pd.Series) -> tuple[bool, bool]:
    """:func:`reads_as_dates`, and not :func:`yearly`: an order is placed on a day."""
    ok, unclear = reads_as_dates(sample)
    return ok and not yearly(sample), unclear


def row_counter(numbers: pd.Series) -> bool:
    """Whether numbers count rows: each one more than the one before (1, 2, 3 …, or from any start)."""
    return len(numbers) > 2 and numbers.notna().all() and bool((numbers.diff().iloc[1:] == 1).all())


def _reads_as_numbers(sample: pd.Series) -> bool:
    numbers, _ = parse_number(sample)
    return _share(numbers.notna(), sample) >= MOSTLY


def headcount(values: pd.Series, name: object) -> bool:
    """Whether a column counts people or visits per row (Customers, 来客数, 客流量) rather than naming a customer.

    A store's daily summary (Rossmann: Store, Date, Sales, Customers) had its buyers' count read as a customer
    id, so every count became a customer and the sales of a day of 600 buyers one customer's order. Named so
    and holding whole numbers, it is no customer and no column of the contract.
    """
    if normalise(str(name)) not in HEADCOUNT_NAMES:
        return False
    numbers = parse_number(values.dropna())[0]
    return bool(len(numbers)) and numbers.notna().all() and bool((numbers % 1 == 0).all())


def sale_kind(column: object, values: pd.Series) -> bool:
    """Whether a 销售类型 column holds kinds of sale, not channels (门店, 线上, 经销): one value, or mostly kinds.

    In a 用友 sales list 销售类型 is the document's kind (普通销售, 委托代销) or a return (退货); in other exports it is
    where the sale was made. Only the second is the channel.
    """
    if normalise(str(column)) != normalise("销售类型"):
        return False
    text = values.astype("str").str.strip()
    return text.nunique() < 2 or text.isin(SALE_KINDS).mean() >= 0.5


def match_columns(frame: pd.DataFrame) -> tuple[dict[str, str], bool]:
    """Concept -> the frame's column, by synonyms then contents; and whether the dates need a declared order."""
    sample = frame.head(SAMPLE_ROWS)
    filled = [c for c in frame.columns if (frame[c].notna() & frame[c].ne(NOT_A_NUMBER)).any()]  # not all empty/"NA"
    filled = [c for c in filled if not headcount(sample[c], c)]  # Customers: 600 a store-day is no customer id
    by_name = {normalise(c): c for c in reversed(filled)}  # the first of equal names wins
    plain = {books_plain(n): c for n, c in by_name.items() if books_plain(n)}  # 本币折前金额: 折前金额
    by_name |= {n: c for n, c in plain.items() if n not in by_name}  # a column of that plain name comes first
    found: dict[str, str] = {}
    ambiguous = False
    for concept, synonyms in SYNONYMS.items():
        sparse = None  # a segment column filled on few rows: taken only when no fuller one follows
        for synonym in (normalise(concept), *map(normalise, synonyms)):
            column = by_name.get(synonym)
            if column is None or column in found.values():
                continue
            values = sample[column].dropna()
            if concept in DATES:
                ok, unclear = (_reads_as_order_dates if concept == "order_date" else reads_as_dates)(values)
                ambiguous |= unclear
            else:
                ok = concept not in NUMBERS or _reads_as_numbers(values)
            ok = ok and not sale_kind(column, values)
            if ok and concept in SEGMENTS and sample[column].notna().mean() < FILLED:
                sparse = sparse or column  # Wayfair's Sales Channel: 3 rows of 1,284; its Store Name: all
                continue
            if ok:
                found[concept] = column
                break
        else:
            if sparse is not None:
                found[concept] = sparse
    ambiguous |= _match_words(frame[filled], sample, found)
    phone_customer(frame, found)  # 客户姓名 shared by people of different phones: the name and phone made by map
    _product_pair(frame[filled], sample, found)
    _province_over_city(frame[filled], found)
    _country_over_city(sample, found)
    if "target_amount" not in found:
        found.pop("period", None)  # a month column beside no target: a summary's or an order's month, not a target's
    _read_discount(found, sample)
    read_cost(found, sample)  # a line's total cost (成本 above the unit price) is no unit cost
    read_profit(found, frame)  # a profit above its line's amount: the cost it leaves would be negative
    region = found.get("region")
    if region and "country" in found and sample[region].notna().mean() < REGION_FILLED:
        del found["region"]  # a region filled for a few countries only (US states): the country is the level
    team = team_of_people(frame, sample, found)  # 销售团队 / Team holding people's names: the rep
    if team is not None:
        found["rep_name"] = team
    _consignee(frame[filled], found)
    if "hire_date" in found and not {"rep_id", "rep_name"} & set(found):
        del found["hire_date"]  # a start date in a file without a rep (a subscription's): no hire date
    dated_by_year_month(frame, found)  # 年份 + 月份, joined by map: the month
    if "order_date" not in found:  # a column named …时间/…日期/…date first, then any that reads as dates
        unclear = _first_date(frame, sample, found)
        ambiguous = ambiguous if unclear is None else unclear
    _dated_by_delivery(frame, found)
    _hash_number(sample, found)
    _own_id(sample, found)
    if "region" not in found and "country" not in found:  # 上海, 广东省 …: a column of places
        places = [c for c in frame.columns if c not in found.values() and place_share(sample[c]) >= PLACES_SHARE]
        if places:
            found["region"] = places[0]
    address_region(sample[filled], found)  # 收货地址, 省 市 区: a province column over it, it over a city
    return found, ambiguous


def _dated_by_delivery(frame: pd.DataFrame, found: dict[str, str]) -> None:
    """With no order date, a delivery date on every sale dates it: a shipping list (发货明细) books a sale at 签收.

    Its delay is still read against the promise. Not where some sales are undelivered (an order book's empty
    实际送货日期): they would have no month. Empty and 合计 rows are no sales
    (:func:`~.skipped_rows.rows_without_sales`).
    """
    delivered = found.get("delivered_at")
    if "order_date" in found or not delivered:
        return
    empty, total = rows_without_sales(frame)
    if frame.loc[~(empty | total), delivered].notna().all():
        found["order_date"] = delivered


def _province_over_city(frame: pd.DataFrame, found: dict[str, str]) -> None:
    """Take a ship-to state or province (收货人省份, Ship To State) as the region over a city (城市, City) named one.

    A city is a region synonym, found before the words of a name are read: beside the province an order ships to,
    the city split a small seller's orders into dozens of regions of a few orders each.
    """
    region = found.get("region")
    if region is None or normalise(region) not in {normalise(name) for name in CITY_NAMES}:
        return
    place = next((c for c in frame.columns if c not in found.values() and says_ship_to_place(c)), None)
    if place is not None:
        found["region"] = place


def _product_pair(frame: pd.DataFrame, sample: pd.DataFrame, found: dict[str, str]) -> None:
    """Take a code and a name of one thing (曲目编号 + 曲目名称, TrackId + TrackName) as the product if none is named.

    A business names what it sells in its own words (曲目, 药品, 菜品, 图书): Chinook exported as one Chinese sheet
    had 曲目编号 and 曲目名称 beside 类别, and with no product column the 24 genres became the products (the
    product pages ranked genres as products). A pair sharing its stem, a code ending (编号, 编码, ID) on one and a
    name ending (名称, Name) on the other, is the product and its name: not a pair of a supplier, a store, a
    warehouse … (``not_product_words``), nor one with no more codes than the product lines (a product is finer
    than its line). Of several pairs the one with the most codes, the finest, wins. Where no line is named, the
    stem's group (影片类型, 药品分类: ``pair_line_endings``) is the line when it has fewer values than the codes
    (Sakila exported as a rental shop's sheet: 影片编号, 影片名称, 影片类型; the 16 film genres were unused).
    """
    if {"product_id", "product_name"} & set(found):
        return
    taken = set(found.values())
    by_name = {normalise(c): c for c in reversed(frame.columns) if c not in taken}
    names = [normalise(e) for e in PAIR_NAMES]
    stop = [normalise(w) for w in NOT_PRODUCT_WORDS]
    line = found.get("product_line")
    floor = max(sample[line].nunique() if line else 1, 1)
    best: tuple[int, str, str, str] | None = None
    for compact, column in by_name.items():
        ending = next((e for e in map(normalise, PAIR_CODES) if compact.endswith(e) and len(compact) > len(e)), None)
        stem = compact[: -len(ending)] if ending else ""
        if not stem or any(word in stem for word in stop):
            continue
        name = next((by_name[stem + e] for e in names if stem + e in by_name), None)
        codes = int(sample[column].nunique())
        if name is not None and codes > floor and (best is None or codes > best[0]):
            best = (codes, column, name, stem)
    if best is None:
        return
    found["product_id"], found["product_name"] = best[1], best[2]
    groups = (by_name.get(best[3] + normalise(e)) for e in PAIR_LINES)
    group = next((c for c in groups if c is not None and c not in found.values()), None)
    if line is None and group is not None and 1 < sample[group].nunique() < best[0]:
        found["product_line"] = group


def _country_over_city(sample: pd.DataFrame, found: dict[str, str]) -> None:
    """Take the country (国家, Country) as the region over a city (城市, City) when the orders span countries.

    An exporter's or a web shop's flat sheet (Chinook as a Chinese company exports it: 国家, 州/省, 城市) names
    the buyer's city beside the country; the city made 53 regions of 59 customers, each report a region of one
    buyer. Where one country holds :data:`COUNTRY_SPREAD` of the rows or more (a domestic export's 中国 on
    every row) the city stays the region.
    """
    region, country = found.get("region"), found.get("country")
    if region is None or country is None or normalise(region) not in {normalise(name) for name in CITY_NAMES}:
        return
    countries = sample[country].dropna().astype("str").str.strip()
    countries = countries[countries.ne("")]
    if countries.nunique() > 1 and countries.value_counts(normalize=True).iloc[0] < COUNTRY_SPREAD:
        del found["region"]  # the country is the region (proposal_tables: region or country)


def _consignee(frame: pd.DataFrame, found: dict[str, str]) -> None:
    """Take the consignee (收货人, Ship To Name) as the customer's name when no column names the buyer.

    A seller's own sheet of a platform's orders names who it ships to, not an account: without it every
    customer section was skipped. Beside a buyer column (a Taobao export's 买家会员名) the consignee stays unused.
    """
    if {"customer_id", "customer_name"} & set(found):
        return
    column = named_column(frame, CONSIGNEE_NAMES)
    if column is not None and column not in found.values():
        found["customer_name"] = column


OWN_ID = "own_id"  # a row's own id that no name says is an order's (opportunity_id, subscription_id, ticket_id)


def _first_date(frame: pd.DataFrame, sample: pd.DataFrame, found: dict[str, str]) -> bool | None:
    """Take as the order date the first column reading as dates (one named as a date first), filled on most rows.

    A mostly empty date gives way to a fuller one: a subscription's end date (empty while it runs) was taken
    over its start date, and 90 % of the orders had no date. Returns whether its day/month order is unclear
    (``None``: no column reads as dates).
    """
    first: tuple[str, bool] | None = None
    for column in sorted(frame.columns, key=lambda c: not says_date(c)):
        if column in found.values() or says_other_date(column):
            continue
        ok, unclear = _reads_as_order_dates(sample[column].dropna())
        if ok and sample[column].notna().mean() >= FILLED:
            first = (column, unclear)
            break
        first = first or ((column, unclear) if ok else None)
    if first is None:
        return None
    found["order_date"] = first[0]
    return first[1]


def _hash_number(sample: pd.DataFrame, found: dict[str, str]) -> None:
    """The order number as a shop writes it (``#1001``: Shopify's Name, WooCommerce's Order), when no name said one."""
    if "order_id" in found:
        return
    for column in sample.columns:
        values = sample[column].dropna().astype("str").str.strip()
        if column not in found.values() and len(values) and values.str.fullmatch(r"#\s?\d+").mean() >= MOSTLY:
            found["order_id"] = column
            return


def _own_id(sample: pd.DataFrame, found: dict[str, str]) -> None:
    """Record (as ``own_id``) a column named ``…_id`` holding a different code on every row, when no order id is found.

    A CRM's deals or a SaaS's subscriptions have an id of their own; making their orders of one customer on
    one day (:func:`~.proposal_tables.per_day_id`) merged deals and subscriptions silently. With such an id the
    draft asks which column is the order id and offers it. Not for a line export (a quantity or a unit price):
    a line's own number is no order's; nor for a row counter (1, 2, 3 …) or a head-count.
    """
    if {"order_id", "quantity", "unit_price"} & set(found):
        return
    for column in sample.columns:
        parts, values = words(column), sample[column]
        if column in found.values() or len(parts) < 2 or parts[-1] not in ID_WORDS or says_size(column):
            continue
        if values.notna().all() and values.is_unique and not row_counter(parse_number(values)[0]):
            found[OWN_ID] = column
            return


def _match_words(frame: pd.DataFrame, sample: pd.DataFrame, found: dict[str, str]) -> bool:
    """Add the concepts no synonym found that a column's name says word by word (:func:`concept_by_words`).

    The contents must agree as with synonyms (dates read as dates, numbers as numbers); a customer named by a
    card or phone column must repeat (one customer buys more than once) or it may be an order's own number.
    Returns whether a date matched needs a declared day/month order.
    """
    ambiguous = False
    for column in frame.columns:
        concept = concept_by_words(column)
        if concept is None or concept in found or column in found.values():
            continue
        if concept == "customer_id" and "customer_name" in found and says_customer(column):
            continue  # a named customer is its name (a phone is shared, changes, or is a contact's)
        values = sample[column].dropna()
        if sale_kind(column, values):
            continue  # 销售类型 普通销售 / 退货: no channel
        if concept in DATES:
            ok, unclear = (_reads_as_order_dates if concept == "order_date" else reads_as_dates)(values)
            ambiguous |= unclear and ok
        else:
            ok = concept not in NUMBERS or _reads_as_numbers(values)
        if ok:
            found[concept] = column
    return ambiguous


def _read_discount(found: dict[str, str], sample: pd.DataFrame) -> None:
    """Tell a discount column's kind from its values: ``discount_off`` (0.1 = 10 % off) or ``discount_paid``.

    Between 0 and 1 a discount is a share: the share taken off (Northwind's 0.05, Superstore's 0.2) or, as a
    Chinese 折扣 often is, the share paid (0.9 = 九折). A discount whose typical value is above one half is the
    share paid — no business takes most of its price off on a typical line. Other values (amounts, percent
    numbers) are left for the user to map.
    """
    column = found.pop("discount", None)
    if column is None:
        return
    values, _ = parse_number(sample[column].dropna())
    values = values.dropna()
    if not len(values) or values.min() < 0 or values.max() > 1:
        return
    nonzero = values[values > 0]
    found["discount_paid" if len(nonzero) and nonzero.median() > 0.5 else "discount_off"] = column
