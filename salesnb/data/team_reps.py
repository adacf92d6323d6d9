"""A sales-team column that names people: the rep, when no column is named as one (``salesnb map``).

Shop and CRM exports often head the salesperson's column 销售团队, 销售组, Team or Sales Team. Whether it holds
the people or their groups is in its values: 张伟, 李娜 … or John Smith, Mary Lee are reps; 华东组, 一组, Team A,
North Team are groups, and a group is no rep (a rep's findings on a group of ten would read one person's). A lone
Latin word is the ambiguous case: Tom, Mary and Kevin are people, Phoenix, Falcon and Alpha are a team's code names,
and nothing in the word's shape tells them apart, so a lone word reads as a person only when it is a known given
name (``given_names`` in ``column_names.yaml``); a name missing from that list leaves the column for the user to
map, the safer mistake than a team read as a person. So
the column is proposed as the rep only when no column is named as one, most of its values read as a person's
name (:func:`looks_like_person`), there are at least :data:`MIN_PEOPLE` of them, and each order has one.
"""

from __future__ import annotations

import re

import pandas as pd

from .column_words import NAMES, PLACE_SUFFIX, PLACES, normalise

TEAM_NAMES = frozenset(
    normalise(name)
    for name in ("销售团队", "团队", "销售组", "销售小组", "小组", "组别", "班组", "team", "sales team",
                 "sales group", "team name", "sales team name")
)  # fmt: skip
MIN_PEOPLE = 3  # distinct people: two values are as likely two groups
PEOPLE_SHARE = 0.8  # share of the sampled values that must read as a person's name
ONE_PER_ORDER = 0.95  # share of the orders whose rows name one value
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜"
    "倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商"
    "刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = tuple("欧阳 司马 上官 诸葛 东方 皇甫 令狐 慕容 尉迟 长孙 宇文 司徒 夏侯".split())
GIVEN_NAMES = frozenset(NAMES["given_names"])  # one-word Latin names that read as a person (lower case)
MACRO_REGIONS = frozenset("华东 华南 华北 华中 华西 西南 西北 东北 东南 江浙沪 京津冀 珠三角 长三角".split())
GROUP_ENDINGS = ("组", "队", "部", "团", "区", "科", "室", "中心", "小组", "战队", "事业部", "分部", "店", "片")
GROUP_WORDS = frozenset(
    "team group squad unit dept department division region area zone north south east west central sales channel "
    "online offline retail store branch office inside outside key account accounts enterprise smb".split()
)
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}(?:[·•][\u4e00-\u9fff]{1,6})?$")
_LATIN_WORD = re.compile(r"^[A-Z][a-zA-Z'\-]*\.?$")


def looks_like_person(value: str) -> bool:
    """Whether ``value`` reads as one person's name: 张伟 / 欧阳娜娜 / John Smith / Tom, not 华东组 / Team A / Phoenix.

    Latin script: two or three capitalised words (given name and surname), none a group word; one word only when
    it is a known given name (:data:`GIVEN_NAMES`), since a team's code name is one word too.
    """
    text = str(value).strip()
    if _HAN_NAME.match(text):
        if text.endswith(GROUP_ENDINGS) or text in MACRO_REGIONS or re.sub(PLACE_SUFFIX, "", text) in PLACES:
            return False  # 华东组, 华东, 上海: a group or a place
        return text[0] in SURNAMES or text.startswith(COMPOUND_SURNAMES)
    parts = text.split()
    if not 1 <= len(parts) <= 3 or not all(_LATIN_WORD.match(p) for p in parts):
        return False
    if len(parts) == 1:
        return text.lower() in GIVEN_NAMES
    return all(len(p.rstrip(".")) >= 2 and p.lower().rstrip(".") not in GROUP_WORDS for p in parts)


def team_of_people(frame: pd.DataFrame, sample: pd.DataFrame, found: dict[str, str]) -> str | None:
    """The column named as a sales team (:data:`TEAM_NAMES`) whose values are people, else ``None``.

    Only when ``found`` has no rep (``rep_id`` / ``rep_name``): a column named as a rep is the better one.
    """
    if {"rep_id", "rep_name"} & set(found):
        return None
    for column in frame.columns:
        if column in found.values() or normalise(column) not in TEAM_NAMES:
            continue
        values = sample[column].dropna().astype(str).str.strip()
        values = values[values != ""]
        distinct = pd.Series(values.unique())
        if len(distinct) < MIN_PEOPLE or distinct.map(looks_like_person).mean() < PEOPLE_SHARE:
            continue
        order = found.get("order_id")
        if order is not None and order in sample.columns:
            per_order = sample.loc[values.index].groupby(sample.loc[values.index, order])[column].nunique()
            if len(per_order) and (per_order <= 1).mean() < ONE_PER_ORDER:
                continue  # several people on one order: a team's members, not the order's rep
        return column
    return None
