"""Buyers known by a name that several people share: ``salesnb map`` tells them apart by their phone.

A dealer's or a shop's sheet names its buyers as people (客户姓名: 张伟, Emma) beside a phone or card number
(联系电话, 手机号, 会员卡号), and no customer code. A name read as the customer is one buyer for every 张伟: the Kaggle
car sales sheet (23,906 cars, 3,021 first names, a phone per car) exported as a dealer group's 销售台账 made each
"customer" buy eight cars in seven cities, and the overview said 80 % of November's revenue came from returning
customers. Where most rows of the names that repeat carry several phones (:data:`NAMESAKES`), the name is not one
person: the customer is the name and the phone together, ``customer_id: {per: [客户姓名, 联系电话]}``, and the name
stays its label. A buyer who changed phone once counts twice, the lesser error. The names of organisations (公司,
医院, Ltd, Inc) are one buyer whatever phone their staff give: left alone, as is a name carrying one phone (then
the phone adds nothing).
"""

from __future__ import annotations

import re

import pandas as pd

from .column_words import SYNONYMS, named_column, says_customer
from .dataset import JOINED, joined_name
from .parsing import id_text

NAMESAKES = 0.5  # share of the rows of repeated names on names carrying several phones, above which names are shared
ORGANISATIONS = 0.2  # share of distinct names reading as an organisation's from which the name stays the customer
_ORGANISATION = re.compile(
    r"公司|集团|有限|医院|诊所|药房|药店|学校|大学|商行|商店|超市|门市|经营部|中心|厂|店$|"
    r"\b(?:inc|ltd|llc|co|corp|corporation|company|gmbh|plc|limited|group|store|shop|hospital)\b\.?",
    re.IGNORECASE,
)


def shared_names(frame: pd.DataFrame) -> tuple[list[str], float] | None:
    """``([name column, phone column], share)`` when the buyers' names are shared by people of different phones.

    Only for a sheet naming its buyers (a customer-name column) and no customer code; the phone is the first
    column whose name ends in a phone or card word (:func:`~.column_words.says_customer`). ``share``: the rows
    of names seen more than once that sit on a name carrying several phones.
    """
    name = named_column(frame, SYNONYMS["customer_name"])
    if name is None or named_column(frame, SYNONYMS["customer_id"]) is not None:
        return None
    phone = next((c for c in frame.columns if c != name and says_customer(str(c))), None)
    if phone is None:
        return None
    pairs = pd.DataFrame({"name": frame[name], "phone": frame[phone]}).dropna()
    pairs["name"] = pairs["name"].astype("str").str.strip()
    pairs = pairs[pairs["name"].ne("") & pairs["phone"].astype("str").str.strip().ne("")]
    if pairs.empty or pd.Series(pairs["name"].unique()).str.contains(_ORGANISATION).mean() >= ORGANISATIONS:
        return None
    rows = pairs.groupby("name")["phone"].agg(["size", "nunique"])
    repeated = rows[rows["size"] > 1]
    if repeated.empty:
        return None
    share = float(repeated.loc[repeated["nunique"] > 1, "size"].sum() / repeated["size"].sum())
    return ([name, phone], share) if share > NAMESAKES else None


def by_name_and_phone(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[list[str], float] | None]:
    """``frame`` with the id made of a shared name and its phone as a column (as loading makes it), and the finding.

    The column bears :func:`~.dataset.joined_name` of the two, so ``map`` matches it as the customer id
    (:func:`phone_customer`) and writes it ``customer_id: {per: [name, phone]}``.
    """
    shared = shared_names(frame)
    if shared is None:
        return frame, None
    name, phone = shared[0]
    ids = id_text(frame[name].astype("str").str.strip()) + JOINED + id_text(frame[phone])
    ids = ids.where(frame[name].notna() & frame[phone].notna())
    return frame.assign(**{joined_name(shared[0]): ids}), shared


def phone_customer(frame: pd.DataFrame, found: dict[str, str]) -> None:
    """Take as the customer id the column :func:`by_name_and_phone` made of the matched name and a phone."""
    name = found.get("customer_name")
    if name is None or "customer_id" in found:
        return
    made = next((c for c in frame.columns if str(c).startswith(name + JOINED)), None)
    if made is not None:
        found["customer_id"] = made
