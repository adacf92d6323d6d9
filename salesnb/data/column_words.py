"""The words ``salesnb map`` reads column and file names by (``column_names.yaml``), and how names are compared.

Kept apart from the proposal logic so that every part of ``map`` (the matching of columns, the notes on rows
that are not sales) reads the same words, compared the same loose way.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import numpy as np
import pandas as pd
import yaml

# synonyms of each concept, the words of file names and of status columns: salesnb/data/column_names.yaml
NAMES = yaml.safe_load(resources.files("salesnb").joinpath("data", "column_names.yaml").read_text(encoding="utf-8"))
SYNONYMS: dict[str, tuple[str, ...]] = {concept: tuple(names) for concept, names in NAMES["synonyms"].items()}
FILE_WORDS: dict[str, tuple[str, ...]] = {
    table: tuple(words) for table, words in NAMES["file_words"].items()
}  # words in file names pointing at a table
STATUS_NAMES = tuple(NAMES["status_names"])  # a column saying whether an order stands
RETURN_STATUS_NAMES = tuple(NAMES["return_status_names"])  # a column saying whether a return stands
PAID_NAMES = tuple(NAMES["paid_names"])  # a column saying when an order was paid
ENTITY_WORDS: dict[str, tuple[str, ...]] = {entity: tuple(words) for entity, words in NAMES["entity_words"].items()}
ID_WORDS, NAME_WORDS = tuple(NAMES["id_words"]), tuple(NAMES["name_words"])
PAIR_CODES, PAIR_NAMES = tuple(NAMES["pair_code_endings"]), tuple(NAMES["pair_name_endings"])  # 曲目编号 + 曲目名称
PAIR_LINES = tuple(NAMES["pair_line_endings"])  # 影片类型 beside 影片编号 + 影片名称: the product line
NOT_PRODUCT_WORDS = tuple(NAMES["not_product_words"])  # 供应商编号 + 供应商名称: a code and a name of no product
CUSTOMER_ENDINGS = tuple(NAMES["customer_endings"])  # 社保卡号, 手机号, phone: a customer
PRODUCT_ENDINGS = tuple(NAMES["product_endings"])  # 平台SKU, 商家SKU, 店铺货号: a product's code
UNNAMED_CUSTOMERS = frozenset(NAMES["unnamed_customers"])  # 散客, walk-in: a sale to no customer on record
CONSIGNEE_NAMES = tuple(NAMES["consignee_names"])  # 收货人: the customer where no buyer column is
SHIP_TO_WORDS = tuple(NAMES["ship_to_words"])  # Ship To, 收货, 买家: whom or where an order goes
PLACE_WORDS = tuple(NAMES["place_words"])  # state, province, 省份: a place an order ships to, read as its region
CITY_NAMES = tuple(NAMES["city_names"])  # 城市, city: a region, unless a ship-to state or province is there
ADDRESS_NAMES = tuple(NAMES["address_names"])  # 收货地址, 所在地区: its province is the region
ADDRESS_WORDS = tuple(NAMES["address_words"])  # 地址, 地区: a name that may hold an address
PROVINCE_NAMES = tuple(NAMES["province_names"])  # 省份, 收货省份: a province column, over an address
WAREHOUSE_WORDS = tuple(NAMES["warehouse_words"])  # CastleGate, FBA, 仓库: a consignee that is no buyer
DATE_ENDINGS = tuple(NAMES["date_endings"])  # 购药时间, place_order_time: a date or a time
NOT_ORDER_DATES = tuple(NAMES["not_order_dates"])  # BirthDate, StockDate, 入职日期: dates of something else
NOT_AMOUNTS = tuple(NAMES["not_amounts"])  # Customer_Age, Satisfaction_Rating: numbers that are no money
NOT_ORDER_IDS = tuple(NAMES["not_order_ids"])  # employees, seats, 人数: a count of people, never an order number
COUNT_WORDS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in NAMES["count_words"].items()}  # 菜品数, item_count
BOOKS_WORDS = tuple(NAMES["books_currency_words"])  # 本币, 本位币, local currency: money already in one currency
TAXED_PRICE_WORDS = tuple(NAMES["taxed_price_words"])  # 含税单价, price incl. tax: a price carrying the tax
TAX_NAMES = tuple(NAMES["tax_names"])  # 税额, VAT: a line's tax
PLACE_SUFFIX = re.compile(r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|省|市)$")
PLACES = frozenset(NAMES["places"])  # provinces and large cities: a region column's values
# Traditional characters of export headers (客戶代碼, 數量, 單價, 金額, 負責人) and total rows (合計): a Taiwan or
# Hong Kong ERP's names are compared as their Simplified spelling, so every synonym is written once
_TRADITIONAL = (
    "戶數單價額號碼負責稱貨銷訂傳類區產員務業庫點時間門總計實際稅資帳賬廠購買賣運"
    "費項細標據發開寶顧會營別來現結應預幣達約簽狀態筆機優紅倉儲電話郵縣廣東臺華條彙匯"
)
_SIMPLIFIED = (
    "户数单价额号码负责称货销订传类区产员务业库点时间门总计实际税资账账厂购买卖运"
    "费项细标据发开宝顾会营别来现结应预币达约签状态笔机优红仓储电话邮县广东台华条汇汇"
)
SIMPLIFIED = str.maketrans(_TRADITIONAL, _SIMPLIFIED)


BRACKETED = re.compile(r"[(（\[【](.*?)[)）\]】]")
MEASURES = ("amount", "quantity", "unit_price")  # a bracket naming one of these says what a sales column counts
SALES_WORDS = ("", "销售", "成交", "销货", "出货", "sales", "sold", "sale")  # a name that is just "sales" (销售(数量))


@functools.cache
def normalise(name: str) -> str:
    """A column name compared loosely: Simplified, no unit (bracketed, or 万元 at the end), case, spaces, ``_-./:#``.

    A bracket naming a measure is no unit but the column's meaning when the name outside it says only "sales":
    销售(数量) and ``Sales (Units)`` are read as their quantity, 销售(金额) as its amount (``Sales (Units)`` was
    taken for the amount). Not otherwise: 折扣(金额) stays a discount, 退货(数量) a return's, not the quantity sold.
    """
    text = str(name).translate(SIMPLIFIED)
    inside = BRACKETED.findall(text)
    if len(inside) == 1:
        measure, rest = _loose(inside[0]), _loose(BRACKETED.sub("", text))
        if _concepts().get(measure) in MEASURES and (rest in SALES_WORDS or _concepts().get(rest) in MEASURES):
            return measure
    return _loose(BRACKETED.sub("", text))


def _loose(text: str) -> str:
    """:func:`normalise` of a name without brackets."""
    text = re.sub(r"(?<=.)(?:亿|百万|万|千)元$", "", text.casefold())  # 销售额万元: 销售额, scaled by map (scales.py)
    return re.sub(r"[\s_\-./:#：]+", "", text)


@functools.cache
def _concepts() -> dict[str, str]:
    """Each synonym, compared loosely, → its concept (the first concept listing it)."""
    out: dict[str, str] = {}
    for concept, synonyms in SYNONYMS.items():
        for name in (concept, *synonyms):
            out.setdefault(_loose(name), concept)
    return out


def books_plain(name: str) -> str | None:
    """A loose name's concept word without its books-currency prefix: 本币折前金额 → 折前金额; ``None`` without one.

    A 用友/SAP list writes each money column twice, 原币… in the row's currency and 本币… in the books' own; the
    本币 one is the concept its plain name says (:mod:`~salesnb.data.currency` never converts it).
    """
    word = next((w for w in BOOKS_WORDS if name.startswith(w) and len(name) > len(w)), None)
    return None if word is None else name[len(word) :]


def says_taxed(name: str) -> bool:
    """Whether a price column's name says it carries the tax: 含税单价, 单价(含税), ``Price incl. tax``."""
    text = _loose(str(name).translate(SIMPLIFIED))
    return any(_loose(word) in text for word in TAXED_PRICE_WORDS)


def named_column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    """The frame's first column (in the order of ``names``) whose name is one of ``names``, compared loosely."""
    by_name = {normalise(c): c for c in reversed(frame.columns)}  # the first of equal names wins
    return next((by_name[normalise(n)] for n in names if normalise(n) in by_name), None)


def words(name: str) -> list[str]:
    """A name's words, lower case and without a plural s: ``dishes_id`` → [dish, id], ``placeOrderTime`` → 3."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", BRACKETED.sub("", str(name).translate(SIMPLIFIED)))
    return [_singular(w) for w in re.split(r"[^0-9a-z\u4e00-\u9fff]+", text.casefold()) if w]


def _singular(word: str) -> str:
    if re.search(r"(sh|ch|x|ss)es$", word):
        return word[:-2]
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def concept_by_words(name: str) -> str | None:
    """The concept a name says word by word (``dishes_id`` → product_id, ``会员卡号`` → customer_id), if any.

    An id or name word after an entity word names that entity's id or name; the words run together without
    plurals (``counts`` → count, ``amounts`` → amount) are compared with the synonyms; a name ending in a
    customer word (…卡号, 手机号, phone) is a customer, one ending in a product code word (平台SKU, 店铺货号) a product.
    """
    parts = words(name)
    if len(parts) >= 2:
        entity = next((e for e, ws in ENTITY_WORDS.items() if any(w in ws for w in parts[:-1])), None)
        if entity and parts[-1] in ID_WORDS:
            return f"{entity}_id"
        if entity in ("product", "customer") and parts[-1] in NAME_WORDS:
            return f"{entity}_name"
    joined = "".join(parts)
    for concept, synonyms in SYNONYMS.items():
        if joined and joined in {normalise(s) for s in (concept, *synonyms)}:
            return concept
    compact = normalise(name)
    if says_ship_to_place(name):
        return "region"  # Ship To State, 收货人省份: taken only where no column is named a region
    if says_customer(name):
        return "customer_id"
    if compact and any(compact.endswith(normalise(e)) for e in PRODUCT_ENDINGS):
        return "product_id"  # 平台SKU, 商家SKU, SKU编码: a shop's or platform's code of the product
    for concept, (starts, ends) in RUN_TOGETHER.items():  # QUANTITYORDERED, OrderQty, PRICEEACH: one word
        if compact.isascii() and (compact.startswith(starts) or (ends and compact.endswith(ends))):
            return concept
    return None


RUN_TOGETHER: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # words an export runs together with others
    "quantity": (("quantity", "qty"), ("quantity", "qty")),
    "unit_price": (("price",), ()),  # price first only: ...totalprice is a line's total, not its unit price
}


def says_customer(name: str) -> bool:
    """Whether a name ends in a customer word (社保卡号, 会员卡号, 手机号, phone): a customer's id."""
    compact = normalise(name)
    return bool(compact) and any(compact.endswith(normalise(e)) for e in CUSTOMER_ENDINGS)


def says_ship_to_place(name: str) -> bool:
    """Whether a name says the state or province an order ships to (Ship To State, ShipState, 收货人省份, 收件省份).

    A place word (state, province, 省份, 州, 地区) ends the name and a ship-to or buyer word (ship, buyer, 收货, 收件,
    客户) comes before it: word by word in Latin script (``Membership State`` is no ``ship``), anywhere before the
    place word in Chinese, which has no spaces. ``Order State`` or a bare ``State`` say no such thing; place words
    alone, one for each country's level (州/省, State/Province), name that level as a ship-to place does.
    """
    parts, compact = words(name), normalise(name)
    if len(parts) >= 2 and all(word in PLACE_WORDS for word in parts):
        return True
    if len(parts) >= 2 and parts[-1] in PLACE_WORDS:
        return any(word in SHIP_TO_WORDS for word in parts[:-1])
    for place in PLACE_WORDS:
        head = compact[: -len(place)] if compact.endswith(place) else ""
        if head and place.isascii() and head.isascii():  # SHIPTOSTATE, shipstate: the words run together
            return any(head.startswith(word) for word in SHIP_TO_WORDS if word.isascii())
        if head and not place.isascii():
            return any(word in head for word in SHIP_TO_WORDS if not word.isascii())
    return False


def says_date(name: str) -> bool:
    """Whether a name ends in a date or time word (购药时间, place_order_time, created date)."""
    parts, compact = words(name), normalise(name)
    return bool(parts) and (
        parts[-1] in DATE_ENDINGS or any(compact.endswith(e) for e in DATE_ENDINGS if not e.isascii())
    )


def says_other_date(name: str) -> bool:
    """Whether a name says a date that is not an order's (BirthDate, StockDate, 入职日期, 有效期至).

    Without a column named as the order date, ``map`` takes the first column that reads as dates; a customer
    file's birth dates made every customer an order placed on their birthday.
    """
    parts, compact = words(name), normalise(name)
    return any(w in parts or (not w.isascii() and w in compact) for w in NOT_ORDER_DATES)


def says_size(name: str) -> bool:
    """Whether a name says a count of people or a size (employees, headcount, seats, 员工人数): no order number.

    A company's head-count is a unique-looking integer per row; a draft offered it as the order id of an
    accounts file, and the mapping completed so passed validation.
    """
    parts, compact = words(name), normalise(name)
    return any(w in parts or (not w.isascii() and w in compact) for w in NOT_ORDER_IDS)


def says_count(name: str) -> bool:
    """Whether a name says a count per row (单据菜品数, 商品种数, ``item_count``, ``Total products``): no id.

    A till export's 单据菜品数 (the dishes on the receipt, repeated on each of its lines) was offered as the
    customer, though it holds the same few whole numbers for thousands of receipts.
    """
    parts, compact = words(name), normalise(name)
    if not parts:
        return False
    chinese = not compact.isascii() and compact.endswith(COUNT_WORDS["zh_endings"])
    return chinese or parts[-1] in COUNT_WORDS["last"] or (len(parts) > 1 and parts[0] in COUNT_WORDS["first"])


def says_measure(name: str) -> bool:
    """Whether a name says a person's age or a rating (Customer_Age, Satisfaction_Rating, 满意度): no money, no id."""
    parts, compact = words(name), normalise(name)
    return any(w in parts or (not w.isascii() and w in compact) for w in NOT_AMOUNTS)


def says_no_money(name: str) -> bool:
    """Whether a name says an id, an age, a rating or a phone (Ticket_ID, Customer_Age, 满意度, 联系电话): no amount.

    A phone or card number reads as a number: a draft offered 联系电话 as the orders' amount.
    """
    parts = words(name)
    return bool(parts) and (parts[-1] in ID_WORDS or says_measure(name) or says_customer(name))


def place_share(values: pd.Series) -> float:
    """The share of non-empty values that are a Chinese province or large city (上海, 广东省, 内蒙古自治区)."""
    text = values.dropna().astype("str").str.strip()
    if not len(text):
        return 0.0
    return float(text.str.replace(PLACE_SUFFIX, "", regex=True).isin(PLACES).mean())


HEADCOUNT_NAMES = frozenset(normalise(n) for n in NAMES["headcount_names"])  # Customers, 来客数: a count, no customer
SALE_KINDS = frozenset(NAMES["sale_kinds"])  # 普通销售, 退货: a 销售类型 that is no channel


def unnamed_customers(values: pd.Series) -> pd.Series:
    """Whether each customer value is a placeholder for no customer on record (散客, 零售客户, walk-in), loosely read.

    A Chinese till or PMS export writes 散客 where a sale names nobody: read as one customer, the walk-in pool
    would be counted as a single (often the largest) buyer that always returns.
    """
    codes, distinct = pd.factorize(values)  # an id repeats on every order of its customer: read each once
    text = pd.Series(distinct).astype("string").str.casefold().str.replace(r"[\s_\-./:#：]+", "", regex=True)
    hit = np.append(text.isin(UNNAMED_CUSTOMERS).fillna(False).to_numpy(dtype=bool), False)
    return pd.Series(hit[codes], index=values.index)  # code -1 (missing) reads the appended False
