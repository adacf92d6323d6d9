"""Report texts in Chinese (default) and English: table headers, notes, segment names."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # headline metrics
    "revenue": {"zh": "销售额", "en": "Revenue"},
    "orders": {"zh": "订单数", "en": "Orders"},
    "customers": {"zh": "成交客户数", "en": "Buying customers"},
    "aov": {"zh": "客单价", "en": "Average order value"},
    "target": {"zh": "目标", "en": "Target"},
    "attainment": {"zh": "达成率", "en": "Attainment"},
    "mom_growth": {"zh": "环比", "en": "MoM"},
    "yoy_growth": {"zh": "同比", "en": "YoY"},
    "vs_trailing": {"zh": "较近3月均值", "en": "vs trailing 3-month avg"},
    "ytd_revenue": {"zh": "年累计销售额", "en": "YTD revenue"},
    "ytd_target": {"zh": "年累计目标", "en": "YTD target"},
    "ytd_attainment": {"zh": "年累计达成率", "en": "YTD attainment"},
    "new_customers": {"zh": "新客户数", "en": "New customers"},
    "repeat_customer_rate": {"zh": "老客户占比", "en": "Repeat-customer rate"},
    "revenue_prev_month": {"zh": "上月销售额", "en": "Revenue last month"},
    "revenue_same_month_last_year": {"zh": "去年同月销售额", "en": "Revenue same month last year"},
    "revenue_trailing_avg": {"zh": "近3月平均销售额", "en": "Trailing 3-month avg revenue"},
    # table headers
    "metric": {"zh": "指标", "en": "Metric"},
    "showing_lowest": {
        "zh": "共 {total} 项，仅列出达成率最低的 {shown} 项。",
        "en": "Showing the {shown} lowest of {total}.",
    },
    "value": {"zh": "本期", "en": "This period"},
    "previous_month": {"zh": "上月", "en": "Last month"},
    "same_month_last_year": {"zh": "去年同月", "en": "Same month last year"},
    "trailing_avg": {"zh": "近3月均值", "en": "Trailing 3-month avg"},
    "segment": {"zh": "维度值", "en": "Segment"},
    "share": {"zh": "占比", "en": "Share"},
    "baseline_revenue": {"zh": "上月销售额", "en": "Revenue last month"},
    "baseline_share": {"zh": "上月占比", "en": "Share last month"},
    "share_change": {"zh": "占比变化", "en": "Share change"},
    "gap": {"zh": "差额", "en": "Gap"},
    "period": {"zh": "月份", "en": "Month"},
    "product_line": {"zh": "产品线", "en": "Product line"},
    "channel": {"zh": "渠道", "en": "Channel"},
    "rep_id": {"zh": "销售代表", "en": "Sales rep"},
    "customer_type": {"zh": "客户类型", "en": "Customer type"},
    "region": {"zh": "区域", "en": "Region"},
    # customer types
    "new": {"zh": "新客户", "en": "New"},
    "returning": {"zh": "老客户", "en": "Returning"},
    "large": {"zh": "大客户", "en": "Large"},
    "small": {"zh": "中小客户", "en": "Small / mid"},
    # notes
    "needs_table": {"zh": "缺少数据表 {tables}，本节跳过。", "en": "Needs table {tables}; section skipped."},
    "no_target": {
        "zh": "数据中没有本期目标，达成率无法计算。",
        "en": "No target for this period in the data; attainment not computed.",
    },
    "no_data": {"zh": "本期没有数据。", "en": "No data for this period."},
    "all_regions": {"zh": "全公司", "en": "Whole company"},
    "growth_split": {
        "zh": "与上月相比：订单数变化贡献 {orders_effect}，客单价变化贡献 {aov_effect}，合计 {total}。",
        "en": "Against last month: order count contributed {orders_effect}, order value {aov_effect}; total {total}.",
    },
}


def t(key: str, lang: str = "zh", **values: object) -> str:
    """Text for ``key`` in ``lang`` (falls back to Chinese, then to the key itself), formatted with ``values``."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["zh"]
    return text.format(**values) if values else text


def register(texts: dict[str, dict[str, str]]) -> None:
    """Add an angle module's own texts (``{key: {"zh": ..., "en": ...}}``); a key may not be defined twice."""
    for key, entry in texts.items():
        if key in TEXTS and TEXTS[key] != entry:
            raise ValueError(f"text key {key!r} is already defined differently")
        if "zh" not in entry:
            raise ValueError(f"text key {key!r} has no Chinese text")
        TEXTS[key] = entry


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise :class:`ParameterError`."""
    from .errors import ParameterError

    if lang not in ("zh", "en"):
        raise ParameterError(f"lang must be 'zh' or 'en', got {lang!r}")
    return lang
