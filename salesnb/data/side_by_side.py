"""Products side by side: one row per order with a quantity and an amount column for each product.

A small range's order summary (销售订单汇总: 标准纸数量, 标准纸金额, 铜版纸数量, 铜版纸金额, …) names its products in
its column names, not in a column. ``map`` finds no product and no quantity column and said only "cannot derive
order_lines: no column for product_id, quantity, unit_price" — beside six quantity and amount columns it left
unused. :func:`product_stems` finds such pairs among the unused columns so ``map`` can say what they look like and
what the product analysis needs instead (one row per order and product).
"""

from __future__ import annotations

import re

from .column_words import normalise

QUANTITY_WORDS = ("数量", "销量", "件数", "qty", "quantity", "units")  # a column name ending so counts a quantity ...
AMOUNT_WORDS = ("金额", "销售额", "amount", "amt", "sales", "revenue")  # ... ending so, an amount
TOTAL_STEMS = {"合计", "总", "总计", "小计", "订单", "本单", "total", "order", "sum"}  # the row's totals: no product
# What a line did, not what it sold: 退货数量/退货金额 beside 赠品数量/赠品金额 are two pairs and no product
KIND_STEMS = {
    "退货", "退回", "赠品", "赠送", "折扣", "优惠", "返利", "促销", "含税", "无税", "不含税", "税", "实发", "应发",
    "发货", "出库", "入库", "库存", "开票", "已开票", "未开票", "回款", "退款", "计划", "预计", "实际", "本期", "上期",
    "累计", "本月", "上月", "去年", "今年", "目标", "已发", "未发", "待发", "签收", "拒收", "换货", "补货", "原", "新",
    "return", "returned", "refund", "gift", "free", "discount", "net", "gross", "tax", "shipped", "ordered",
    "invoiced", "planned", "actual", "target", "budget", "ytd", "mtd", "prior", "last", "this", "current",
}  # fmt: skip
MIN_PRODUCTS = 2  # fewer stems than this is no side-by-side layout (a 赠品数量 beside a 赠品金额)
_TAIL = r"[(（]?(?:{})[)）]?(?:usd|rmb|cny|元)?$"  # 金额(元), amt_usd: a trailing word, {} the words


def _stem(name: str, words: tuple[str, ...]) -> str | None:
    """``name`` (normalised) without its trailing quantity or amount word, or ``None`` when it ends with none."""
    found = re.search(_TAIL.format("|".join(words)), normalise(name))
    return normalise(name)[: found.start()] if found and found.start() > 0 else None


def product_stems(columns: list[str]) -> list[str]:
    """The products naming both a quantity and an amount column among ``columns`` (at least :data:`MIN_PRODUCTS`).

    As the quantity columns spell them, in column order; ``[]`` for fewer, or where the only pairs are the row's
    totals (订单数量 / 订单金额, :data:`TOTAL_STEMS`) or kinds of line (退货, 赠品, 含税: :data:`KIND_STEMS`).
    """
    quantities = {_stem(c, QUANTITY_WORDS): str(c) for c in columns}
    amounts = {_stem(c, AMOUNT_WORDS) for c in columns}
    stems = [s for s in quantities if s is not None and s in amounts and s not in TOTAL_STEMS | KIND_STEMS]
    if len(stems) < MIN_PRODUCTS:
        return []
    tail = re.compile(r"[\s_\-./:]*[(（]?(?:{})[)）]?\s*$".format("|".join(QUANTITY_WORDS)), re.IGNORECASE)
    return [tail.sub("", quantities[s]).strip() for s in stems]
