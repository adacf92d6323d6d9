"""Demo dataset: a realistic, deterministic sales history with known problems planted in it.

``salesnb demo`` writes it, and the bundled sample in ``data/sample`` is ``generate_dataset()`` written
with ``write_dataset``. The generator simulates a B2B company selling industrial software, smart hardware,
cloud services and maintenance in five Chinese regions: leads flow into opportunities that move through
the sales stages, won deals and returning customers place orders, orders are delivered, invoiced,
returned, complained about and rated, reps join and leave. Volumes follow a growth trend and a Chinese
business calendar (weak around 春节, strong in June and at year end). On top of that normal history a list
of problems is planted in given regions and months (``planted.json``), so the analyses can be checked
against a known truth.

All randomness comes from ``numpy.random.default_rng`` streams derived from ``seed`` (one stream per part
of the simulation), and everything is vectorised over rows: the same arguments give byte-identical files.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from .data.contract import DATE, TABLES

DAY = 86_400  # seconds per day
NEVER = np.iinfo(np.int64).max // 4  # "no end" for employment and deal close times
MISSING = -1  # missing integer reference / time in the internal arrays

# --------------------------------------------------------------------------------------------------------------
# The world: regions, calendar, customers, products, reps, channels, funnel, service.

REGIONS = ("华东", "华南", "华北", "西南", "华中")
_REGION_SHARE = np.array([0.31, 0.24, 0.20, 0.13, 0.12])  # share of company volume
_REGION_GROWTH = np.array([1.10, 1.13, 1.06, 1.17, 1.12])  # yearly volume growth
_REGION_SEATS = (13, 10, 9, 6, 6)  # sales seats per region at scale 1
_CITIES = {
    "华东": ("上海", "杭州", "南京", "苏州", "宁波", "合肥", "无锡", "济南", "青岛"),
    "华南": ("广州", "深圳", "东莞", "佛山", "厦门", "南宁", "珠海"),
    "华北": ("北京", "天津", "石家庄", "太原", "唐山", "保定", "呼和浩特"),
    "西南": ("成都", "重庆", "昆明", "贵阳", "绵阳"),
    "华中": ("武汉", "长沙", "郑州", "南昌", "宜昌", "洛阳"),
}

# Monthly volume index by calendar month: 春节 (Jan/Feb) weak, quarter ends, June (618) and year end strong.
_SEASON = np.array([0.78, 0.62, 1.02, 0.95, 0.97, 1.16, 0.93, 0.92, 1.06, 0.93, 1.14, 1.28])

# Volumes per month for the whole company at scale 1, in the last month of the data (before seasonality).
_LEADS_PER_MONTH = 360.0
_REPEAT_ORDERS_PER_MONTH = 290.0
_SELF_SERVE_CUSTOMERS_PER_MONTH = 36.0  # new customers buying online / through distributors without a deal
_INSTALLED_CUSTOMERS = 1000.0  # customers acquired before the data window
_UPSELL_SHARE = 0.22  # share of direct repeat orders that went through an opportunity
_LEAD_HISTORY = 3  # months of leads before the window, whose deals may close inside it

INDUSTRIES = ("制造业", "零售", "医疗", "教育", "互联网", "物流", "金融")
_INDUSTRY_P = np.array([0.30, 0.14, 0.12, 0.09, 0.15, 0.12, 0.08])
_INDUSTRY_WORDS = (
    ("机械", "精密制造", "电子", "五金", "新材料", "汽车零部件", "智能装备"),
    ("商贸", "百货", "连锁超市", "便利店", "电器"),
    ("医疗器械", "医药", "健康管理", "生物科技", "康复医疗"),
    ("教育科技", "培训", "文化传播", "职业教育"),
    ("网络科技", "信息技术", "数字科技", "软件", "数据服务"),
    ("物流", "供应链管理", "运输", "仓储", "快运"),
    ("金融服务", "投资管理", "融资租赁", "保险代理"),
)
_NAME_HEAD = "瑞恒华鑫宏金博盛天中安永嘉东新联汇德佳明长创正和信泰祥隆海银"
_NAME_TAIL = "丰通达远诚成科禾方锐胜辉源兴利星邦维力晟宇拓益润捷凯航欣豪"
_COMPANY_SUFFIX = ("有限公司", "股份有限公司", "集团有限公司", "有限责任公司")
_COMPANY_SUFFIX_P = np.array([0.62, 0.18, 0.08, 0.12])

PRODUCT_LINES = ("工业软件", "智能硬件", "云服务", "运维服务")
SOFTWARE, HARDWARE, CLOUD, SERVICES = range(4)
# name, line, list price, cost ratio, popularity in its line, launch (months before the last month of the data)
_PRODUCTS = (
    ("MES制造执行系统 标准版", SOFTWARE, 36000, 0.20, 3.0, 78),
    ("MES制造执行系统 专业版", SOFTWARE, 68000, 0.18, 1.0, 54),
    ("ERP企业资源计划套件", SOFTWARE, 58000, 0.22, 1.4, 90),
    ("EAM设备管理系统", SOFTWARE, 32000, 0.20, 1.4, 66),
    ("QMS质量管理系统", SOFTWARE, 26000, 0.20, 1.6, 48),
    ("WMS仓储管理系统", SOFTWARE, 30000, 0.21, 1.5, 40),
    ("APS高级排程系统", SOFTWARE, 48000, 0.20, 1.2, 4),
    ("工业网关 G100", HARDWARE, 2800, 0.58, 4.0, 60),
    ("边缘计算盒 E200", HARDWARE, 8600, 0.55, 1.8, 44),
    ("无线传感器套装 S10", HARDWARE, 1200, 0.50, 2.2, 72),
    ("扫码终端 T300", HARDWARE, 3200, 0.60, 1.6, 84),
    ("工控一体机 K15", HARDWARE, 9800, 0.62, 1.2, 36),
    ("智能电表模组 M5", HARDWARE, 650, 0.52, 1.0, 96),
    ("AI视觉相机 V1", HARDWARE, 15800, 0.48, 1.2, 2),
    ("云主机 标准型（年）", CLOUD, 6800, 0.45, 3.0, 70),
    ("对象存储（TB·年）", CLOUD, 1800, 0.40, 1.8, 70),
    ("数据分析平台（年）", CLOUD, 28000, 0.30, 1.2, 40),
    ("协同办公SaaS（人·年）", CLOUD, 480, 0.25, 2.0, 58),
    ("云安全防护（年）", CLOUD, 12000, 0.35, 1.4, 46),
    ("AI质检SaaS（年）", CLOUD, 26000, 0.30, 1.0, 5),
    ("实施服务（人天）", SERVICES, 2500, 0.55, 3.0, 99),
    ("驻场运维（月）", SERVICES, 18000, 0.60, 1.2, 80),
    ("年度维保服务", SERVICES, 12000, 0.40, 2.0, 99),
    ("培训服务（人天）", SERVICES, 3000, 0.45, 1.4, 99),
    ("远程技术支持（年）", SERVICES, 8000, 0.35, 1.4, 62),
    ("数据迁移服务", SERVICES, 15000, 0.50, 0.8, 30),
)
_RETURN_P = np.array([0.01, 0.03, 0.006, 0.004])  # chance a line is partly returned, per product line
RETURN_REASONS = ("质量问题", "规格不符", "物流损坏", "客户取消")
_RETURN_REASON_P = np.array([0.35, 0.25, 0.20, 0.20])

CHANNELS = ("直营", "分销", "电商")
DIRECT, DISTRIBUTION, ONLINE = range(3)
_LIST_DISCOUNT = np.array([0.09, 0.15, 0.04])  # mean discount off list price per channel
_ORDER_BUDGET = np.array([52000.0, 40000.0, 30000.0])  # typical order value per channel
# primary product line of an order per channel
_ORDER_LINE_P = np.array([[0.34, 0.22, 0.20, 0.24], [0.14, 0.46, 0.24, 0.16], [0.04, 0.42, 0.46, 0.08]])
_EXTRA_LINE_P = np.array([0.18, 0.30, 0.24, 0.28])  # product line of an order's further lines
_LINES_PER_ORDER_P = np.array([[0.42, 0.30, 0.18, 0.10], [0.45, 0.30, 0.16, 0.09], [0.62, 0.25, 0.09, 0.04]])

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN_NAMES = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "浩",
    "宇",
    "晨",
    "凯",
    "婷",
    "鹏",
    "雪",
    "琳",
    "斌",
    "欣怡",
    "子涵",
    "思远",
    "俊杰",
    "雨萱",
    "佳怡",
    "嘉伟",
    "志强",
    "海燕",
    "建华",
    "晓东",
    "文博",
    "一鸣",
    "梓萱",
    "诗琪",
    "春梅",
    "永刚",
    "立新",
    "晓峰",
    "丽娟",
    "宏伟",
    "家豪",
    "梦瑶",
    "天宇",
    "雅静",
    "志刚",
    "秀兰",
    "建军",
    "晓燕",
    "子豪",
    "慧敏",
    "振华",
)

LEAD_SOURCES = ("展会", "线上广告", "自然流量", "转介绍", "电话营销")
FAIR, ONLINE_ADS, ORGANIC, REFERRAL, TELESALES = range(5)
_SOURCE_SHARE = np.array([0.12, 0.30, 0.25, 0.13, 0.20])
_SOURCE_SIZE_MEDIAN = np.array([150.0, 80.0, 60.0, 220.0, 120.0])  # employees of the lead's company
_SOURCE_CONVERSION = np.array([0.22, 0.19, 0.21, 0.34, 0.15])  # lead -> opportunity
_SOURCE_WIN_BOOST = np.array([0.97, 0.97, 1.00, 1.08, 0.93])
_COST_PER_LEAD = np.array([1500.0, 420.0, 90.0, 260.0, 180.0])  # marketing spend per expected lead
_SELF_SERVE_SOURCE_P = np.array([0.0, 0.35, 0.50, 0.15, 0.0])
_INSTALLED_SOURCE_P = np.array([0.20, 0.20, 0.20, 0.25, 0.15])
UPSELL_SOURCE = "老客户"  # opportunities with existing customers carry this source
DISQUALIFY_REASONS = ("无预算", "需求不匹配", "联系不上", "规模太小", "已有供应商", "重复线索")
_DISQUALIFY_P = np.array([[0.22, 0.27, 0.20, 0.05, 0.16, 0.10], [0.20, 0.20, 0.15, 0.35, 0.05, 0.05]])
LEAD_NEW, LEAD_QUALIFIED, LEAD_DISQUALIFIED, LEAD_CONVERTED = range(4)
_LEAD_STATUS = ("new", "qualified", "disqualified", "converted")

STAGES = ("初步接触", "需求确认", "技术交流", "方案报价", "商务谈判", "合同签订")
TECH_TALK = 2  # index of 技术交流
_STAGE_DAYS = np.array([6.0, 8.0, 12.0, 9.0, 7.0])  # mean days in a stage before the next one
_STAGE_ADVANCE = np.array([0.72, 0.75, 0.72, 0.78, 0.80])  # chance to reach the next stage
_OPP_LINE_P = np.array([0.36, 0.24, 0.22, 0.18])
LOST_REASONS = ("价格过高", "竞品替代", "需求变更", "预算不足")
_LOST_REASON_P = np.array([0.30, 0.25, 0.20, 0.25])
COMPETITORS = ("鼎新科技", "启明智能", "海纳数据", "星河云", "云帆软件")
_COMPETITOR_P = np.array([0.30, 0.25, 0.20, 0.15, 0.10])
_STAGE_ACTIVITY = np.array([1, 0, 2, 3, 0, 0])  # activity type logged when a deal enters each stage
ACTIVITY_TYPES = ("拜访", "电话", "演示", "邮件")

TICKET_CATEGORIES = ("使用咨询", "售后响应", "质量问题", "交付延误", "合同争议")
AFTER_SALES, LATE_DELIVERY = 1, 3
_TICKET_CATEGORY_P = np.array([0.30, 0.34, 0.14, 0.13, 0.09])
SEVERITIES = ("高", "中", "低")
_SEVERITY_P = np.array(
    [[0.08, 0.32, 0.60], [0.15, 0.50, 0.35], [0.30, 0.50, 0.20], [0.20, 0.55, 0.25], [0.25, 0.50, 0.25]]
)
_TICKETS_PER_ORDER = 0.42
SURVEY_ASPECTS = ("产品质量", "交付", "服务", "价格透明度")

# --------------------------------------------------------------------------------------------------------------
# Planted problems: code, months before the last month, region, segment (None: chosen while generating).

_PLANTS = (
    ("lead_source_shift", 0, "华东", {"source": "展会"}),
    ("lead_fit_low", 0, "华东", {"source": "展会", "company_size": "<50"}),
    ("stage_stock_surge", 0, "华东", {"stage": "技术交流"}),
    ("product_line_decline", 0, "华南", {"product_line": "智能硬件"}),
    ("sla_breach", 0, "华北", {"category": "售后响应"}),
    ("channel_underperform", 0, "西南", {"channel": "分销"}),
    ("receivables_overdue", 0, "华中", {}),
    ("customer_churn_rise", 0, "华中", {}),
    ("discount_deepening", 1, "华东", {"product_line": "云服务"}),
    ("delivery_delay", 1, "华南", {}),
    ("complaint_spike", 1, "华南", {"category": "交付延误"}),
    ("rep_underperform", 2, "华北", None),
    ("lost_to_competitor", 2, "华南", {"competitor": "云帆软件"}),
    ("new_customer_drop", 3, "华东", {}),
    ("return_rate_high", 3, "华北", None),
    ("slow_first_response", 4, "西南", {"source": "线上广告"}),
)
_PLANT_TEXT = {
    "lead_source_shift": "一场展会带来大批线索，展会线索占比由约12%跃升至约39%。",
    "lead_fit_low": "新增展会线索大多来自50人以下的小企业，与产品定位不匹配，转化差。",
    "stage_stock_surge": "这些展会商机停在“技术交流”阶段不再推进，该阶段在手商机数成倍增加。",
    "product_line_decline": "智能硬件产品线的订单骤减约八成，产品线收入大幅下滑。",
    "sla_breach": "“售后响应”类工单的首次响应普遍超过48小时。",
    "channel_underperform": "分销渠道的订单减少约九成，渠道收入大幅下滑。",
    "receivables_overdue": "当月到期的发票约八成五未按期回款，逾期应收激增。",
    "customer_churn_rise": "近三个月有购买的老客户中约八成当月不再下单（流失）。",
    "discount_deepening": "云服务产品线平均折扣由约8%加深到约30%，销量仅小幅增加。",
    "delivery_delay": "约一半订单晚于承诺日期交付，延误5至20天。",
    "complaint_spike": "“交付延误”类投诉工单激增至平时的数倍。",
    "rep_underperform": "销售代表{rep_name}的老客户订单减少约九成、当月该签的合同推迟，业绩远低于个人目标。",
    "lost_to_competitor": "大量商机以“竞品替代”丢给云帆软件，其中部分原本可以赢单。",
    "new_customer_drop": "新客户数下降约七成（电商和分销的自然新客几乎为零，多数新签合同推迟到后续月份）。",
    "return_rate_high": "当月下单并交付的“{product_name}”有一批质量缺陷，几乎全部在几天内因质量问题退货。",
    "slow_first_response": "线上广告线索的首次响应时间中位数升至约7小时，绝大多数超过2小时。",
}


# --------------------------------------------------------------------------------------------------------------
# Small vectorised helpers.


def _stream(seed: int, name: str) -> np.random.Generator:
    """Return an independent random stream for one part of the simulation, so parts do not shift each other."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def _counts(rng: np.random.Generator, expected: np.ndarray, noise: float = 0.03) -> np.ndarray:
    """Whole counts close to ``expected``: a little multiplicative noise, then unbiased random rounding."""
    value = expected * np.exp(rng.normal(0.0, noise, np.shape(expected)))
    return np.floor(value + rng.random(np.shape(expected))).astype(np.int64)


def _choice(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """One category index per row of ``p`` (rows are probability vectors)."""
    cdf = np.cumsum(p, axis=-1)
    u = rng.random(cdf.shape[:-1]) * cdf[..., -1]
    return np.minimum((cdf <= u[..., None]).sum(axis=-1), cdf.shape[-1] - 1)


def _group_keys(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys ``group + cumulative share`` of a ``(groups, options)`` weight table, and its empty groups."""
    n_groups, n_options = weights.shape
    total = weights.sum(axis=1, keepdims=True)
    cdf = np.cumsum(weights, axis=1) / np.where(total > 0, total, 1.0)
    if n_options:
        cdf[:, -1] = 1.0
    return (np.arange(n_groups)[:, None] + cdf).ravel(), total[:, 0] <= 0


def _grouped_choice(rng: np.random.Generator, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """For each entry of ``group``, draw a column of ``weights[group]`` with probability proportional to it.

    ``weights`` is ``(groups, options)``; entries whose group has no weight at all get -1. Memory is
    ``O(groups × options + draws)``, so thousands of options and millions of draws are fine.
    """
    n_options = weights.shape[1]
    keys, empty = _group_keys(weights)
    pos = np.searchsorted(keys, group + rng.random(len(group)), side="right") - group * n_options
    return np.where(empty[group], -1, np.clip(pos, 0, max(n_options - 1, 0)))


def _spread_choice(rng: np.random.Generator, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Like :func:`_grouped_choice`, but each option gets its expected share of its group's rows (±1).

    Systematic sampling: the rows of a group, in random order, take evenly spaced positions on the
    group's cumulative weights. Used where a plain random draw would add unrealistic count noise.
    """
    n_groups, n_options = weights.shape
    n = len(group)
    keys, empty = _group_keys(weights)
    order = np.lexsort((rng.random(n), group))
    g = group[order]
    counts = np.bincount(group, minlength=n_groups)
    rank = np.arange(n) - np.searchsorted(g, g)
    position = (rank + rng.random(n_groups)[g]) / np.maximum(counts[g], 1)
    pos = np.searchsorted(keys, g + position, side="right") - g * n_options
    out = np.empty(n, dtype=np.int64)
    out[order] = np.where(empty[g], -1, np.clip(pos, 0, max(n_options - 1, 0)))
    return out


def _thin(rng: np.random.Generator, mask: np.ndarray, keep_share: float) -> np.ndarray:
    """Mask of the rows of ``mask`` to drop so that exactly ``round(keep_share × count)`` of them remain."""
    rows = np.flatnonzero(mask)
    drop = np.zeros(len(mask), dtype=bool)
    drop[rng.permutation(rows)[round(keep_share * len(rows)) :]] = True
    return drop


def _office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Time of day in seconds, mostly within office hours."""
    return (np.clip(rng.normal(13.6, 2.4, n), 8.3, 21.5) * 3600).astype(np.int64)


def _codes(prefix: str, n: int, width: int) -> np.ndarray:
    """Make identifiers ``prefix`` + zero-padded running number."""
    width = max(width, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _take(values: np.ndarray, index: np.ndarray, missing: int | np.ndarray) -> np.ndarray:
    """``values[index]`` where the index is set (>= 0), ``missing`` elsewhere; safe when ``values`` is empty."""
    out = np.array(np.broadcast_to(missing, len(index)), dtype=np.int64)
    ok = index >= 0
    out[ok] = values[index[ok]]
    return out


def _lookup(ids: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``ids[index]`` with ``None`` where the index is missing (negative)."""
    out = np.full(len(index), None, dtype=object)
    ok = index >= 0
    out[ok] = ids[index[ok]]
    return out


def _day_values(days: np.ndarray) -> np.ndarray:
    """Day numbers (days since 1970-01-01, ``MISSING`` for none) as ``datetime64[s]`` dates."""
    out = (np.asarray(days, dtype=np.int64) * DAY).astype("datetime64[s]")
    out[np.asarray(days) == MISSING] = np.datetime64("NaT")
    return out


def _second_values(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds (``MISSING`` for none) as ``datetime64[s]`` timestamps."""
    out = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")
    out[np.asarray(seconds) == MISSING] = np.datetime64("NaT")
    return out


def _texts(values: tuple[str, ...], index: np.ndarray) -> np.ndarray:
    """Labels of category indices, ``None`` where the index is missing."""
    return _lookup(np.array(values, dtype=object), np.asarray(index))


class _Calendar:
    """The months of the data window as day numbers, and random dates inside them.

    ``history`` months before the window are known too: leads of that time feed the deals that close in
    the first months of the window. Month indices count from the window's first month (history is negative).
    """

    def __init__(self, end_period: str, months: int, history: int = 0):
        try:
            end = pd.Period(str(end_period), freq="M")
        except (ValueError, TypeError) as exc:
            raise ValueError(f"end_period must be a month YYYY-MM, got {end_period!r}") from exc
        first = end - (months - 1)
        self.months, self.history = months, history
        self.labels = [str(first + i) for i in range(months)]
        bounds = [first + i for i in range(-history, months + 1)]
        starts = np.array([np.datetime64(f"{p.year:04d}-{p.month:02d}-01", "D") for p in bounds]).astype(np.int64)
        self._starts = starts
        self._first_month = first.month
        self.start = starts[history:]  # window months and the end
        self.month_of_year = self.calendar_month(np.arange(months))
        self.first_day, self.end_day = int(self.start[0]), int(self.start[-1])
        self.end_second = self.end_day * DAY - 1  # last second covered by the data
        days = np.arange(starts[0], self.end_day)
        weight = np.where((days + 3) % 7 >= 5, 0.3, 1.0)  # weekends are quiet; 1970-01-01 was a Thursday
        self._days = days
        self._cum = np.concatenate([[0.0], np.cumsum(weight)])
        self._month_cum = self._cum[starts - starts[0]]

    def calendar_month(self, month: np.ndarray) -> np.ndarray:
        """Calendar month (1-12) of month indices."""
        return (self._first_month - 1 + np.asarray(month)) % 12 + 1

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """Index of the month holding each day (negative before the window, ``months`` after it)."""
        return np.searchsorted(self._starts, days, side="right") - 1 - self.history

    def random_days(self, rng: np.random.Generator, month: np.ndarray) -> np.ndarray:
        """Draw a random working-week-weighted day inside each given month."""
        index = np.asarray(month) + self.history
        lo, hi = self._month_cum[index], self._month_cum[index + 1]
        pos = np.searchsorted(self._cum, lo + rng.random(len(index)) * (hi - lo), side="right") - 1
        return self._days[np.clip(pos, 0, len(self._days) - 1)]

    def random_seconds(self, rng: np.random.Generator, month: np.ndarray) -> np.ndarray:
        """Draw a random office-hours timestamp (epoch seconds) inside each given month."""
        return self.random_days(rng, month) * DAY + _office_seconds(rng, len(month))


class _Plants:
    """Which problems are planted where, and the record of what was planted."""

    def __init__(self, calendar: _Calendar, enabled: bool):
        self.where: dict[str, tuple[int, int]] = {}
        self._segment: dict[str, dict] = {}
        self._details: dict[str, dict] = {}
        self._labels = calendar.labels
        if not enabled:
            return
        for code, before, region, segment in _PLANTS:
            month = calendar.months - 1 - before
            if month >= 3:  # a problem needs three months of normal history before it
                self.where[code] = (month, REGIONS.index(region))
                self._segment[code] = dict(segment or {})

    def at(self, code: str) -> tuple[int, int] | None:
        """``(month index, region index)`` of a planted problem, ``None`` when it is not planted."""
        return self.where.get(code)

    def set_segment(self, code: str, segment: dict, **details: str) -> None:
        self._segment[code] = segment
        self._details[code] = details

    def records(self) -> list[dict]:
        out = []
        for code, (month, region) in self.where.items():
            text = _PLANT_TEXT[code].format(**self._details.get(code, {}))
            out.append(
                {
                    "code": code,
                    "period": self._labels[month],
                    "region": REGIONS[region],
                    "segment": self._segment[code],
                    "description": f"{REGIONS[region]} {self._labels[month]}：{text}",
                }
            )
        return sorted(out, key=lambda p: (p["period"], p["region"], p["code"]))


# --------------------------------------------------------------------------------------------------------------
# The simulation.


class _Simulation:
    """Builds the tables step by step; each step draws from its own random stream."""

    def __init__(self, seed: int, months: int, scale: float, end_period: str, plant: bool):
        self.seed = seed
        self.scale = scale
        self.cal = _Calendar(end_period, months, history=_LEAD_HISTORY)
        self.plants = _Plants(self.cal, plant)
        t = np.arange(months) - (months - 1)
        self.trend = _REGION_GROWTH[:, None] ** (t[None, :] / 12.0)  # regions × months, 1 in the last month
        self.season = _SEASON[self.cal.month_of_year - 1]
        self.volume = _REGION_SHARE[:, None] * self.trend * scale  # regions × months, before seasonality

    def rng(self, name: str) -> np.random.Generator:
        return _stream(self.seed, name)

    def planted(self, code: str, region: np.ndarray, month: np.ndarray) -> np.ndarray:
        """Mask of rows in the region and month where ``code`` is planted (all False when it is not)."""
        at = self.plants.at(code)
        if at is None:
            return np.zeros(len(region), dtype=bool)
        return (month == at[0]) & (region == at[1])

    def run(self) -> tuple[dict[str, pd.DataFrame], list[dict]]:
        self.make_products()
        self.make_reps()
        self.make_leads()
        self.make_lead_opportunities()
        self.make_customers()
        self.make_orders()
        self.make_order_lines()
        self.make_upsell_opportunities()
        self.make_deliveries()
        self.make_returns()
        self.make_invoices()
        self.make_tickets()
        self.make_surveys()
        tables = {
            "orders": self.orders_table(),
            "order_lines": self.order_lines_table(),
            "customers": self.customers_table(),
            "products": self.products_table(),
            "reps": self.reps_table(),
            "targets": self.targets_table(),
            "leads": self.leads_table(),
            "opportunities": self.opportunities_table(),
            "stage_events": self.stage_events_table(),
            "activities": self.activities_table(),
            "returns": self.returns_table(),
            "invoices": self.invoices_table(),
            "tickets": self.tickets_table(),
            "surveys": self.surveys_table(),
            "marketing_spend": self.marketing_spend_table(),
        }
        return {name: tables[name] for name in TABLES}, self.plants.records()

    # ---------------------------------------------------------------------------------------------- products
    def make_products(self) -> None:
        rng = self.rng("products")
        spec = list(zip(*_PRODUCTS, strict=True))
        self.p_name = np.array(spec[0], dtype=object)
        self.p_line = np.array(spec[1])
        self.p_price = np.array(spec[2], dtype=float)
        self.p_cost = np.round(self.p_price * np.array(spec[3]), 2)
        self.p_popularity = np.array(spec[4], dtype=float)
        launch_month = self.cal.months - 1 - np.array(spec[5])
        first = pd.Period(self.cal.labels[0], freq="M")
        starts = [first + int(m) for m in launch_month]
        self.p_launch = np.array([np.datetime64(f"{p.year:04d}-{p.month:02d}-01", "D") for p in starts]).astype(
            np.int64
        ) + rng.integers(0, 20, len(starts))
        self.p_ids = _codes("P", len(self.p_name), 3)
        # flagship of each line: its most popular product launched long ago (stands in for not-yet-launched ones)
        self.flagship = np.array(
            [
                int(np.argmax(np.where(self.p_line == line, self.p_popularity, -1.0)))
                for line in range(len(PRODUCT_LINES))
            ]
        )

    # -------------------------------------------------------------------------------------------------- reps
    def make_reps(self) -> None:
        """Sales seats per region; each seat is held by a chain of reps who join and leave over time.

        Seat 0 of a region (the region head) never leaves, so a vacant seat's business falls back to it.
        """
        rng = self.rng("reps")
        first, end = self.cal.first_day, self.cal.end_day
        seat_region, rep_seat, hire, leave = [], [], [], []
        for region, base in enumerate(_REGION_SEATS):
            n_seats = max(2, round(base * self.scale))
            # about a quarter of the reps in place at the start leave during the window
            leavers = set(rng.permutation(np.arange(1, n_seats))[: round(0.25 * (n_seats - 1))].tolist())
            for k in range(n_seats):
                seat = len(seat_region)
                seat_region.append(region)
                if k == 0:
                    start = first - int(rng.integers(1500, 3600))
                elif rng.random() < 0.1:  # a position opened during the window
                    start = first + int(rng.integers(0, max(1, int((end - first) * 0.8))))
                else:
                    start = first - int(rng.integers(30, 2600))
                leaves = k in leavers
                while True:
                    stop = NEVER
                    low = max(start + 90, first)
                    if leaves and low < end - 30:
                        stop = int(rng.integers(low, end))
                    rep_seat.append(seat)
                    hire.append(start)
                    leave.append(stop)
                    if stop == NEVER:
                        break
                    start = stop + int(rng.integers(7, 75))
                    if start >= end:
                        break
                    leaves = rng.random() < 0.1  # a replacement rarely leaves again
        seat_region = np.array(seat_region)
        rep_seat, hire, leave = np.array(rep_seat), np.array(hire, dtype=np.int64), np.array(leave, dtype=np.int64)
        order = np.lexsort((rep_seat, hire))  # reps numbered by hire date
        self.r_seat, self.r_hire, self.r_leave = rep_seat[order], hire[order], leave[order]
        self.r_region = seat_region[self.r_seat]
        n = len(order)
        self.r_skill = np.exp(rng.normal(0.0, 0.3, n))
        self.r_name = self._person_names(rng, n)
        self.r_ids = _codes("R", n, 3)
        self.seat_region = seat_region
        self.seat_head = np.array([np.flatnonzero(seat_region == r)[0] for r in range(len(REGIONS))])
        self.region_head_rep = np.array(
            [int(np.flatnonzero(self.r_seat == self.seat_head[r])[0]) for r in range(len(REGIONS))]
        )
        # occupancy index: (seat, hire) sorted keys for a vectorised "who holds this seat on that day"
        by_seat = np.lexsort((self.r_hire, self.r_seat))
        self._occ_rep = by_seat
        self._occ_origin = int(self.r_hire.min()) - 1
        self._occ_key = self.r_seat[by_seat] * (1 << 32) + (self.r_hire[by_seat] - self._occ_origin)
        # weight of each seat in each month: the holder's skill, ramping up over the first six months
        mid = self.cal.start[:-1] + 14
        seats = np.repeat(np.arange(len(seat_region)), self.cal.months)
        days = np.tile(mid, len(seat_region))
        holder = self.holder(seats, days)
        tenure = days - self.r_hire[np.maximum(holder, 0)]
        weight = self.r_skill[np.maximum(holder, 0)] * np.clip(0.35 + 0.65 * tenure / 180, 0.35, 1.0)
        self.seat_weight = np.where(holder >= 0, weight, 0.0).reshape(len(seat_region), self.cal.months)
        self.underperformer = self._choose_underperformer() if self.plants.at("rep_underperform") else (-1, -1)

    def holder(self, seat: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Rep holding each seat on each day, -1 when the seat is vacant."""
        key = seat * (1 << 32) + (day - self._occ_origin)
        pos = np.searchsorted(self._occ_key, key, side="right") - 1
        rep = self._occ_rep[np.maximum(pos, 0)]
        ok = (pos >= 0) & (self.r_seat[rep] == seat) & (day < self.r_leave[rep]) & (day >= self.r_hire[rep])
        return np.where(ok, rep, -1)

    def rep_on(self, seat: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Rep doing the seat's work on each day: its holder, or the region head when it is vacant."""
        rep = self.holder(seat, day)
        return np.where(rep >= 0, rep, self.region_head_rep[self.seat_region[seat]])

    def pick_seats(
        self, rng: np.random.Generator, region: np.ndarray, month: np.ndarray, spread: bool = False
    ) -> np.ndarray:
        """Pick a seat of the row's region for each row, in proportion to the seats' weights in that month.

        With ``spread`` every seat gets close to its expected number of rows (see :func:`_spread_choice`).
        """
        choose = _spread_choice if spread else _grouped_choice
        seat = np.zeros(len(region), dtype=np.int64)
        for r in range(len(REGIONS)):
            rows = np.flatnonzero(region == r)
            seats = np.flatnonzero(self.seat_region == r)
            seat[rows] = seats[choose(rng, self.seat_weight[seats].T, month[rows])]
        return seat

    def _choose_underperformer(self) -> tuple[int, int]:
        """Seat and rep of the planted underperformer: the strongest seat of the region, held all month.

        Its holder must have been hired more than a year before and must stay on; region heads are left out.
        """
        month, region = self.plants.at("rep_underperform")
        first, end = self.cal.start[month], self.cal.start[month + 1]
        seats = np.flatnonzero(self.seat_region == region)
        seats = seats[seats != self.seat_head[region]]
        rep = self.holder(seats, np.full(len(seats), first))
        safe = np.maximum(rep, 0)
        ok = (rep >= 0) & (self.r_hire[safe] <= first - 365) & (self.r_leave[safe] > end + 60)
        best = int(np.argmax(np.where(ok, self.seat_weight[seats, month], -1.0)))
        seat, rep = int(seats[best]), int(rep[best])
        self.plants.set_segment(
            "rep_underperform", {"rep_id": str(self.r_ids[rep])}, rep_name=f"{self.r_name[rep]}（{self.r_ids[rep]}）"
        )
        return seat, rep

    @staticmethod
    def _person_names(rng: np.random.Generator, n: int) -> np.ndarray:
        surname_p = 1.0 / np.arange(1, len(_SURNAMES) + 1) ** 0.8
        surnames = np.array(list(_SURNAMES), dtype=object)
        given = np.array(_GIVEN_NAMES, dtype=object)

        def draw(k: int) -> np.ndarray:
            return surnames[_choice(rng, np.tile(surname_p, (k, 1)))] + given[rng.integers(0, len(given), k)]

        names = draw(n)
        for _ in range(100):
            dup = pd.Series(names).duplicated().to_numpy()
            if not dup.any():
                break
            names[dup] = draw(int(dup.sum()))
        return names

    # ------------------------------------------------------------------------------------------------- leads
    def make_leads(self) -> None:
        rng = self.rng("leads")
        cal = self.cal
        history = cal.history
        expected = self._expected_leads(np.arange(-history, cal.months))
        counts = _counts(rng, expected)
        cell = np.repeat(np.arange(counts.size), counts.ravel())
        region, month, source = np.unravel_index(cell, counts.shape)
        month = month - history
        n = len(cell)
        created = cal.random_seconds(rng, month)
        size = self._company_sizes(rng, _SOURCE_SIZE_MEDIAN[source], 1.25)
        fair = np.zeros(n, dtype=bool)

        # planted: one trade fair floods the region with leads from small firms
        at = self.plants.at("lead_source_shift")
        if at is not None:
            prng = self.rng("plant:lead_source_shift")
            m, r = at
            others = counts[r, m + history].sum() - counts[r, m + history, FAIR]
            extra = max(0, round(0.39 * others / 0.61) - int(counts[r, m + history, FAIR]))
            fair_day = cal.start[m] + 6 + prng.integers(0, 3, extra)
            small = prng.random(extra) < 0.88
            extra_size = np.where(
                small,
                np.clip(np.round(np.exp(prng.normal(np.log(18), 0.55, extra))), 3, 49),
                self._company_sizes(prng, np.full(extra, 150.0), 1.0),
            ).astype(np.int64)
            region = np.concatenate([region, np.full(extra, r)])
            month = np.concatenate([month, np.full(extra, m)])
            source = np.concatenate([source, np.full(extra, FAIR)])
            created = np.concatenate([created, fair_day * DAY + _office_seconds(prng, extra)])
            size = np.concatenate([size, extra_size])
            fair = np.concatenate([fair, np.ones(extra, dtype=bool)])
            n += extra
        order = np.lexsort((source, region, created))
        region, month, source, created, size, fair = (a[order] for a in (region, month, source, created, size, fair))

        # first response: most within the hour
        hours = np.exp(rng.normal(np.log(0.45), 0.75, n))
        slow = self.planted("slow_first_response", region, month) & (source == ONLINE_ADS)
        hours[slow] = np.exp(self.rng("plant:slow_first_response").normal(np.log(7.0), 0.6, int(slow.sum())))
        responded = created + (hours * 3600).astype(np.int64)

        # status: conversion depends on source and company size
        fit = np.where(size < 20, 0.55, np.where(size < 50, 0.8, 1.0))
        p_convert = np.where(fair, 0.70, _SOURCE_CONVERSION[source] * fit)
        p_qualify = 0.15
        u = rng.random(n)
        status = np.where(
            u < p_convert, LEAD_CONVERTED, np.where(u < p_convert + p_qualify, LEAD_QUALIFIED, LEAD_DISQUALIFIED)
        )
        recent = ((cal.end_second - created) < 21 * DAY) & ~fair  # the fair's leads were all worked at once
        status = np.where(recent & (rng.random(n) < 0.55), LEAD_NEW, status)
        opp_day = responded // DAY + np.maximum(1, np.round(rng.gamma(2.0, 2.0, n))).astype(np.int64)
        opp_created = opp_day * DAY + _office_seconds(rng, n)
        status = np.where((status == LEAD_CONVERTED) & (opp_created > cal.end_second), LEAD_QUALIFIED, status)
        no_answer = ((status == LEAD_NEW) & (rng.random(n) < 0.45)) | (responded > cal.end_second)
        responded = np.where(no_answer, MISSING, responded)
        reason = np.where(status == LEAD_DISQUALIFIED, _choice(rng, _DISQUALIFY_P[(size < 50).astype(int)]), -1)

        seat = self.pick_seats(rng, region, np.maximum(month, 0))
        rep = self.rep_on(seat, created // DAY)
        rep = np.where((status == LEAD_NEW) & (rng.random(n) < 0.3), -1, rep)
        self.lead = dict(
            region=region,
            month=month,
            source=source,
            created=created,
            size=size,
            fair=fair,
            responded=responded,
            status=status,
            reason=reason,
            seat=seat,
            rep=rep,
            opp_created=opp_created,
            opp=np.full(n, -1),
        )

    def _expected_leads(self, month: np.ndarray) -> np.ndarray:
        """Return the expected leads per region, given month index and source (trend and a mild season)."""
        trend = _REGION_GROWTH[:, None] ** ((month[None, :] - (self.cal.months - 1)) / 12.0)
        season = 0.55 + 0.45 * _SEASON[self.cal.calendar_month(month) - 1]
        volume = _LEADS_PER_MONTH * _REGION_SHARE[:, None] * trend * season * self.scale
        return volume[:, :, None] * _SOURCE_SHARE

    @staticmethod
    def _company_sizes(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
        size = np.exp(rng.normal(np.log(median), sigma, len(median)))
        return np.clip(np.round(size), 3, 60000).astype(np.int64)

    # ------------------------------------------------------------------------------------------ opportunities
    @staticmethod
    def _stage_timeline(
        rng: np.random.Generator, created: np.ndarray, days: np.ndarray, final: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Stage entry times (epoch seconds) and close time from a start, days per stage and the last stage.

        Each stage lasts whole days (at least one) and is entered during office hours. A deal that reaches
        合同签订 is won when it enters it; one that stops earlier is lost after the time it would have spent
        in its last stage. ``final`` -1 marks a deal stuck for good in 技术交流.
        """
        n = len(created)
        whole = np.maximum(1, np.round(days)).astype(np.int64)
        later = (created // DAY)[:, None] + np.cumsum(whole, axis=1)
        later = later * DAY + _office_seconds(rng, later.size).reshape(later.shape)
        entered = np.concatenate([created[:, None], later], axis=1)
        stuck = final < 0
        last = np.where(stuck, TECH_TALK, final)
        close = entered[np.arange(n), np.minimum(last + 1, len(STAGES) - 1)]
        close = np.where(stuck, NEVER, close)
        return {"entered": entered, "last": last, "close": close, "won": final == len(STAGES) - 1}

    def _final_stage(self, rng: np.random.Generator, boost: np.ndarray) -> np.ndarray:
        advance = rng.random((len(boost), len(STAGES) - 1)) < np.clip(_STAGE_ADVANCE * boost[:, None], 0, 0.97)
        return np.cumprod(advance, axis=1).sum(axis=1)

    def make_lead_opportunities(self) -> None:
        """Deals opened from converted leads; won ones become new customers and their first orders."""
        rng = self.rng("opportunities")
        lead = self.lead
        rows = np.flatnonzero(lead["status"] == LEAD_CONVERTED)
        n = len(rows)
        region, source, fair = lead["region"][rows], lead["source"][rows], lead["fair"][rows]
        created = lead["opp_created"][rows]
        days = rng.gamma(2.0, _STAGE_DAYS / 2.0, (n, len(_STAGE_DAYS)))
        final = self._final_stage(rng, _SOURCE_WIN_BOOST[source])
        line = _choice(rng, np.tile(_OPP_LINE_P, (n, 1)))
        # planted: the fair's deals with small firms stall in 技术交流 (a few days per stage until then)
        days[fair, :TECH_TALK] = rng.uniform(1.0, 4.0, (int(fair.sum()), TECH_TALK))
        final = np.where(fair, -1, final)
        line = np.where(fair & (rng.random(n) < 0.6), SOFTWARE, line)

        timeline = self._stage_timeline(rng, created, days, final)
        close_month = self.cal.month_of(np.minimum(timeline["close"], NEVER // 2) // DAY)
        reason = _choice(rng, np.tile(_LOST_REASON_P, (n, 1)))
        competitor = _choice(rng, np.tile(_COMPETITOR_P, (n, 1)))
        named = (reason == 1) | ((reason == 0) & (rng.random(n) < 0.35))

        # planted: a competitor takes deals, including some we were about to win
        hit = self.planted("lost_to_competitor", region, close_month)
        if hit.any():
            prng = self.rng("plant:lost_to_competitor")
            flip = hit & timeline["won"] & (prng.random(n) < 0.7)
            final = np.where(flip, len(STAGES) - 2, final)
            take = hit & ~timeline["won"] & (prng.random(n) < 0.75) | flip
            reason = np.where(take, 1, reason)
            competitor = np.where(take, COMPETITORS.index("云帆软件"), competitor)
            named |= take
        # planted: signatures slip out of the month (a few days to weeks into the next ones)
        days_left = self.cal.start[np.clip(close_month + 1, 0, self.cal.months)] - timeline["close"] // DAY
        hit = self.planted("new_customer_drop", region, close_month) & timeline["won"]
        if hit.any():
            prng = self.rng("plant:new_customer_drop")
            slip = hit & (prng.random(n) < 0.8)
            days[slip, -1] += days_left[slip] + prng.uniform(3, 30, int(slip.sum()))
        # planted: the underperforming rep's signatures of the month slip too
        at = self.plants.at("rep_underperform")
        if at is not None:
            slip = timeline["won"] & (close_month == at[0]) & (lead["seat"][rows] == self.underperformer[0])
            prng = self.rng("plant:rep_underperform_deals")
            days[slip, -1] += days_left[slip] + prng.uniform(3, 20, int(slip.sum()))
        timeline = self._stage_timeline(rng, created, days, final)

        expected_close = (created + (45 * np.exp(rng.normal(0, 0.25, n)) * DAY).astype(np.int64)) // DAY
        opp = dict(
            lead=rows,
            created=created,
            entered=timeline["entered"],
            last=timeline["last"],
            close=timeline["close"],
            won=timeline["won"],
            region=region,
            seat=lead["seat"][rows],
            source=source,
            line=line,
            customer=np.full(n, -1),
            reason=reason,
            competitor=np.where(named, competitor, -1),
            expected_close=expected_close,
            upsell=np.zeros(n, dtype=bool),
        )
        # deals of the history months that closed before the window are not part of the data
        keep = timeline["close"] >= self.cal.first_day * DAY
        self.opp = {k: v[keep] for k, v in opp.items()}
        self.lead["opp"][rows[keep]] = np.arange(int(keep.sum()))

    # --------------------------------------------------------------------------------------------- customers
    def make_customers(self) -> None:
        """Installed base before the window, new customers from won deals, and self-serve new customers."""
        rng = self.rng("customers")
        cal = self.cal
        # installed base
        base = _counts(rng, _INSTALLED_CUSTOMERS * self.volume[:, 0], 0.0)
        b_region = np.repeat(np.arange(len(REGIONS)), base)
        nb = len(b_region)
        age = 20 + rng.exponential(650, nb)
        age = np.where(age > 3600, rng.uniform(1000, 3600, nb), age)
        b_acquired = cal.first_day - age.astype(np.int64)
        b_size = self._company_sizes(rng, np.full(nb, 150.0), 1.3)
        b_source = _choice(rng, np.tile(_INSTALLED_SOURCE_P, (nb, 1)))
        # won deals that closed inside the data
        opp = self.opp
        won = np.flatnonzero(opp["won"] & (opp["close"] <= cal.end_second))
        w_region, w_acquired = opp["region"][won], opp["close"][won] // DAY
        w_size, w_source = self.lead["size"][opp["lead"][won]], opp["source"][won]
        # self-serve: buy online or through a distributor without a sales deal
        expected = _SELF_SERVE_CUSTOMERS_PER_MONTH * self.volume * self.season
        at = self.plants.at("new_customer_drop")
        if at is not None:
            expected[at[1], at[0]] *= 0.05
        counts = _counts(rng, expected)
        s_region, s_month = np.unravel_index(np.repeat(np.arange(counts.size), counts.ravel()), counts.shape)
        ns = len(s_region)
        s_acquired = cal.random_days(rng, s_month)
        s_size = self._company_sizes(rng, np.full(ns, 35.0), 1.0)
        s_source = _choice(rng, np.tile(_SELF_SERVE_SOURCE_P, (ns, 1)))

        region = np.concatenate([b_region, w_region, s_region])
        acquired = np.concatenate([b_acquired, w_acquired, s_acquired])
        size = np.concatenate([b_size, w_size, s_size])
        source = np.concatenate([b_source, w_source, s_source])
        kind = np.repeat([0, 1, 2], [nb, len(won), ns])  # installed, won deal, self-serve
        order = np.lexsort((kind, region, acquired))  # customers numbered by acquisition
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        self.opp["customer"][won] = position[nb : nb + len(won)]
        region, acquired, size, source, kind = (a[order] for a in (region, acquired, size, source, kind))
        n = len(region)
        lifetime = np.where(
            kind == 0, cal.first_day - acquired + rng.exponential(40 * 30.4, n), 60 + rng.exponential(36 * 30.4, n)
        )
        industry = _choice(rng, np.tile(_INDUSTRY_P, (n, 1)))
        self.cust = dict(
            region=region,
            acquired=acquired,
            size=size,
            source=source,
            kind=kind,
            churn=acquired + lifetime.astype(np.int64),
            industry=industry,
            rate=rng.gamma(1.2, 1.0, n) * np.clip((size / 100.0) ** 0.25, 0.5, 2.5),
            name=self._company_names(rng, region, industry),
        )
        self.c_ids = _codes("C", n, 5)

    @staticmethod
    def _company_names(rng: np.random.Generator, region: np.ndarray, industry: np.ndarray) -> np.ndarray:
        """Names like 杭州瑞丰机械有限公司: city + two-character brand + industry word + company form."""
        cities = [np.array(_CITIES[r], dtype=object) for r in REGIONS]
        city_p = [1.0 / np.arange(1, len(c) + 1) ** 0.7 for c in cities]
        words = [np.array(w, dtype=object) for w in _INDUSTRY_WORDS]
        heads, tails = np.array(list(_NAME_HEAD), dtype=object), np.array(list(_NAME_TAIL), dtype=object)
        suffixes = np.array(_COMPANY_SUFFIX, dtype=object)

        def draw(rows: np.ndarray) -> np.ndarray:
            k = len(rows)
            city = np.empty(k, dtype=object)
            word = np.empty(k, dtype=object)
            for r, names in enumerate(cities):
                sel = region[rows] == r
                city[sel] = names[_choice(rng, np.tile(city_p[r], (int(sel.sum()), 1)))]
            for i, names in enumerate(words):
                sel = industry[rows] == i
                word[sel] = names[rng.integers(0, len(names), int(sel.sum()))]
            brand = heads[rng.integers(0, len(heads), k)] + tails[rng.integers(0, len(tails), k)]
            return city + brand + word + suffixes[_choice(rng, np.tile(_COMPANY_SUFFIX_P, (k, 1)))]

        names = draw(np.arange(len(region)))
        for _ in range(100):
            dup = np.flatnonzero(pd.Series(names).duplicated().to_numpy())
            if not len(dup):
                break
            names[dup] = draw(dup)
        return names

    # ------------------------------------------------------------------------------------------------ orders
    def make_orders(self) -> None:
        """First orders of new customers and repeat orders of the customer base, with rep and channel."""
        rng = self.rng("orders")
        cal, cust, opp = self.cal, self.cust, self.opp
        # first orders of customers won through a deal: on the signing day, by the deal's seat
        won = np.flatnonzero(opp["customer"] >= 0)
        f_customer = opp["customer"][won]
        f_day = opp["close"][won] // DAY
        f_channel = np.where(rng.random(len(won)) < 0.85, DIRECT, DISTRIBUTION)
        # first orders of self-serve customers
        self_serve = np.flatnonzero((cust["kind"] == 2) & (cust["acquired"] >= cal.first_day))
        s_channel = np.where(rng.random(len(self_serve)) < 0.6, ONLINE, DISTRIBUTION)
        # repeat orders: a number per region and month, spread over the active customers by buying rate
        expected = _REPEAT_ORDERS_PER_MONTH * self.volume * self.season
        counts = _counts(rng, expected)
        r_customer, r_month = [], []
        starts, ends = cal.start[:-1], cal.start[1:]
        for r in range(len(REGIONS)):
            members = np.flatnonzero(cust["region"] == r)
            active = (cust["acquired"][members][None, :] < starts[:, None]) & (
                cust["churn"][members][None, :] >= ends[:, None]
            )
            weights = active * cust["rate"][members][None, :]
            month = np.repeat(np.arange(cal.months), counts[r])
            pick = _grouped_choice(rng, weights, month)
            r_customer.append(members[pick[pick >= 0]])  # no repeat orders where nobody can buy yet
            r_month.append(month[pick >= 0])
        r_customer, r_month = np.concatenate(r_customer), np.concatenate(r_month)
        r_day = cal.random_days(rng, r_month)
        size = cust["size"][r_customer]
        channel_p = np.where(
            (size >= 500)[:, None],
            [0.70, 0.25, 0.05],
            np.where((size >= 50)[:, None], [0.45, 0.38, 0.17], [0.20, 0.38, 0.42]),
        )
        r_channel = _choice(rng, channel_p)

        customer = np.concatenate([f_customer, self_serve, r_customer])
        day = np.concatenate([f_day, cust["acquired"][self_serve], r_day])
        channel = np.concatenate([f_channel, s_channel, r_channel])
        kind = np.repeat([0, 1, 2], [len(won), len(self_serve), len(r_customer)])  # deal, self-serve, repeat
        opp_of = np.concatenate([won, np.full(len(self_serve) + len(r_customer), -1)])
        region = cust["region"][customer]
        month = cal.month_of(day)
        line = _take(opp["line"], opp_of, _choice(rng, _ORDER_LINE_P[channel]))
        seat = _take(opp["seat"], opp_of, self.pick_seats(rng, region, month, spread=True))
        rep = np.where(channel == ONLINE, -1, self.rep_on(seat, day))
        plan = dict(
            customer=customer,
            day=day,
            channel=channel,
            kind=kind,
            opp=opp_of,
            region=region,
            month=month,
            line=line,
            seat=seat,
            rep=rep,
        )
        keep = self._planted_order_losses(plan)
        plan["rep"] = np.where(plan["channel"] == ONLINE, -1, plan["rep"])
        self.order = {k: v[keep] for k, v in plan.items()}
        order = np.lexsort((self.order["customer"], self.order["day"]))
        self.order = {k: v[order] for k, v in self.order.items()}
        self.order["time"] = self.order["day"] * DAY + _office_seconds(rng, len(order))
        is_deal = self.order["opp"] >= 0
        self.order["time"][is_deal] = opp["close"][self.order["opp"][is_deal]]
        self.o_ids = _codes("O", len(order), 5)

    def _planted_order_losses(self, plan: dict[str, np.ndarray]) -> np.ndarray:
        """Apply the planted losses of business to the planned orders; return the mask of orders that remain.

        Channels and product lines of the month's first orders are changed in place where a plant says so.
        """
        customer, region, month, kind = plan["customer"], plan["region"], plan["month"], plan["kind"]
        channel, line, rep = plan["channel"], plan["line"], plan["rep"]
        keep = np.ones(len(customer), dtype=bool)
        repeat = kind == 2
        hit = self.planted("channel_underperform", region, month) & (channel == DISTRIBUTION)
        channel[hit & (kind == 0)] = DIRECT  # new customers of the month sign directly or buy online instead
        channel[hit & (kind == 1)] = ONLINE
        keep &= ~_thin(self.rng("plant:channel_underperform"), hit & repeat, 0.1)
        hit = self.planted("product_line_decline", region, month) & (line == HARDWARE)
        keep &= ~_thin(self.rng("plant:product_line_decline"), hit & repeat, 0.15)
        line[hit & ~repeat] = CLOUD  # new customers of the month start with another line instead
        self.opp["line"][plan["opp"][hit & (kind == 0)]] = CLOUD
        at = self.plants.at("customer_churn_rise")
        if at is not None:
            m, r = at
            recent = np.unique(customer[(region == r) & (month >= m - 3) & (month < m)])
            lapsing = recent[self.rng("plant:customer_churn_rise").random(len(recent)) < 0.8]
            keep &= ~((month == m) & repeat & np.isin(customer, lapsing))
            self.cust["churn"][lapsing] = np.minimum(self.cust["churn"][lapsing], self.cal.start[m])
        at = self.plants.at("rep_underperform")
        if at is not None:
            hit = (month == at[0]) & (rep == self.underperformer[1])
            keep &= ~_thin(self.rng("plant:rep_underperform"), hit & repeat, 0.1)
            rep[hit & (kind == 1)] = self.region_head_rep[at[1]]  # the head serves the month's new self-serve buyers
        return keep

    # ------------------------------------------------------------------------------------------- order lines
    def make_order_lines(self) -> None:
        """1–4 lines per order: the order's main product line first, list price, discount, unit cost."""
        rng = self.rng("order_lines")
        order = self.order
        n_orders = len(order["day"])
        n_lines = _choice(rng, _LINES_PER_ORDER_P[order["channel"]]) + 1
        o = np.repeat(np.arange(n_orders), n_lines)
        first = np.r_[True, o[1:] != o[:-1]]
        line = np.where(first, order["line"][o], _choice(rng, np.tile(_EXTRA_LINE_P, (len(o), 1))))
        day, region, month = order["day"][o], order["region"][o], order["month"][o]
        product = np.zeros(len(o), dtype=np.int64)
        for k in range(len(PRODUCT_LINES)):
            rows = np.flatnonzero(line == k)
            members = np.flatnonzero(self.p_line == k)
            product[rows] = members[_choice(rng, np.tile(self.p_popularity[members], (len(rows), 1)))]
        # new products: none before launch, then a four-month ramp-up
        ramp = np.clip((day - self.p_launch[product]) / 120.0, 0.0, 1.0)
        product = np.where(rng.random(len(o)) < ramp, product, self.flagship[line])
        # planted: hardware add-ons disappear too where the product line declines
        hit = self.planted("product_line_decline", region, month) & (line == HARDWARE) & ~first
        keep = ~_thin(self.rng("plant:product_line_decline_lines"), hit, 0.15)
        keep &= ~pd.DataFrame({"o": o, "p": product}).duplicated().to_numpy()
        o, line, product, day, region, month = (a[keep] for a in (o, line, product, day, region, month))
        n = len(o)

        # quantities: the customer's budget for the order, split over its lines, at the discounted price
        size = self.cust["size"][order["customer"][o]]
        channel = order["channel"][o]
        budget = (
            _ORDER_BUDGET[order["channel"]]
            * np.clip((self.cust["size"][order["customer"]] / 150.0) ** 0.1, 0.75, 1.4)
            * np.exp(rng.normal(0, 0.2, n_orders))
        )
        share = rng.uniform(0.6, 1.4, n)
        share = share / np.bincount(o, weights=share, minlength=n_orders)[o]
        discount = _LIST_DISCOUNT[channel] + 0.03 * np.log10(size / 150.0) + rng.normal(0, 0.03, n)
        deep = self.planted("discount_deepening", region, month) & (line == CLOUD)
        discount = np.clip(np.where(deep, discount + 0.22, discount), 0.0, 0.5)
        unit_price = np.round(self.p_price[product] * (1 - discount), 2)
        qty = np.maximum(1, np.round(budget[o] * share / unit_price)).astype(np.int64)
        self.line = dict(
            order=o,
            product=product,
            qty=qty,
            list_price=self.p_price[product],
            unit_price=unit_price,
            unit_cost=self.p_cost[product],
        )
        revenue = np.bincount(o, weights=self.line["qty"] * self.line["unit_price"], minlength=n_orders)
        self.order["revenue"] = np.round(revenue, 2)

    # ----------------------------------------------------------------------------------- upsell opportunities
    def make_upsell_opportunities(self) -> None:
        """Deals with existing customers: won ones behind some direct repeat orders, plus lost and open ones."""
        rng = self.rng("upsell")
        cal, order, opp = self.cal, self.order, self.opp
        direct_repeat = (order["kind"] == 2) & (order["channel"] == DIRECT)
        rows = np.flatnonzero(direct_repeat & (rng.random(len(direct_repeat)) < _UPSELL_SHARE))
        days = np.maximum(1, np.round(rng.gamma(2.0, _STAGE_DAYS * 0.8 / 2.0, (len(rows), len(_STAGE_DAYS)))))
        created_day = order["day"][rows] - days.sum(axis=1).astype(np.int64)
        created = created_day * DAY + _office_seconds(rng, len(rows))
        won_tl = self._stage_timeline(rng, created, days, np.full(len(rows), len(STAGES) - 1))
        won_tl["entered"][:, -1] = won_tl["close"] = order["time"][rows]
        # lost and still-open deals with existing customers, about as many as the won ones
        counts = np.zeros((len(REGIONS), cal.months))
        opened = cal.month_of(created // DAY)
        inside = opened >= 0
        np.add.at(counts, (order["region"][rows][inside], opened[inside]), 1.0)
        counts = _counts(rng, counts * 0.9, 0.0)
        l_region, l_month = np.unravel_index(np.repeat(np.arange(counts.size), counts.ravel()), counts.shape)
        nl = len(l_region)
        l_created = cal.random_seconds(rng, l_month)
        l_days = rng.gamma(2.0, _STAGE_DAYS / 2.0, (nl, len(_STAGE_DAYS)))
        l_final = np.minimum(self._final_stage(rng, np.full(nl, 1.05)), len(STAGES) - 2)
        lost_tl = self._stage_timeline(rng, l_created, l_days, l_final)
        cust = self.cust
        l_customer = np.zeros(nl, dtype=np.int64)
        for r in range(len(REGIONS)):
            members = np.flatnonzero(cust["region"] == r)
            sel = np.flatnonzero(l_region == r)
            active = (cust["acquired"][members][None, :] < cal.start[:-1, None]) & (
                cust["churn"][members][None, :] >= cal.start[:-1, None]
            )
            l_customer[sel] = _take(
                members, _grouped_choice(rng, active * cust["size"][members] ** 0.3, l_month[sel]), -1
            )
        n = len(rows) + nl
        first = len(opp["created"])
        reason = _choice(rng, np.tile(_LOST_REASON_P, (nl, 1)))
        competitor = np.where(
            (reason == 1) | ((reason == 0) & (rng.random(nl) < 0.35)), _choice(rng, np.tile(_COMPETITOR_P, (nl, 1))), -1
        )
        close_month = cal.month_of(np.minimum(lost_tl["close"], NEVER // 2) // DAY)
        take = self.planted("lost_to_competitor", l_region, close_month)
        take &= self.rng("plant:lost_to_competitor_upsell").random(nl) < 0.75
        reason = np.where(take, LOST_REASONS.index("竞品替代"), reason)
        competitor = np.where(take, COMPETITORS.index("云帆软件"), competitor)
        add = dict(
            lead=np.full(n, -1),
            created=np.concatenate([created, l_created]),
            entered=np.concatenate([won_tl["entered"], lost_tl["entered"]]),
            last=np.concatenate([won_tl["last"], lost_tl["last"]]),
            close=np.concatenate([won_tl["close"], lost_tl["close"]]),
            won=np.concatenate([np.ones(len(rows), bool), np.zeros(nl, bool)]),
            region=np.concatenate([order["region"][rows], l_region]),
            seat=np.concatenate([order["seat"][rows], self.pick_seats(rng, l_region, l_month)]),
            source=np.full(n, -1),
            line=np.concatenate([order["line"][rows], _choice(rng, np.tile(_OPP_LINE_P, (nl, 1)))]),
            customer=np.concatenate([order["customer"][rows], l_customer]),
            reason=np.concatenate([np.full(len(rows), -1), reason]),
            competitor=np.concatenate([np.full(len(rows), -1), competitor]),
            expected_close=np.concatenate([created, l_created]) // DAY
            + np.round(40 * np.exp(rng.normal(0, 0.25, n))).astype(np.int64),
            upsell=np.ones(n, dtype=bool),
        )
        self.opp = {k: np.concatenate([opp[k], add[k]]) for k in opp}
        order["opp"][rows] = first + np.arange(len(rows))
        self._finish_opportunities()

    def _finish_opportunities(self) -> None:
        """Status as of the end of the data, amounts, owners; deals numbered by creation time."""
        rng = self.rng("opportunity_amounts")
        cal, opp, order = self.cal, self.opp, self.order
        n = len(opp["created"])
        closed = opp["close"] <= cal.end_second
        opp["status"] = np.where(closed, np.where(opp["won"], 0, 1), 2)  # won, lost, open
        # amounts: the order's value for won deals, a value typical of the product line otherwise
        amount = np.zeros(n)
        has_order = order["opp"] >= 0
        amount[order["opp"][has_order]] = order["revenue"][has_order]
        typical = np.array(
            [
                np.median(order["revenue"][has_order & (order["line"] == k)])
                if (has_order & (order["line"] == k)).any()
                else 50000.0
                for k in range(len(PRODUCT_LINES))
            ]
        )
        guess = np.round(typical[opp["line"]] * np.exp(rng.normal(0.1, 0.5, n)), -2)
        opp["amount"] = np.where(opp["won"] & closed, amount, guess)
        end = np.minimum(opp["close"], cal.end_second) // DAY
        opp["rep"] = self.rep_on(opp["seat"], end)
        order_ = np.argsort(opp["created"], kind="stable")
        position = np.empty(n, dtype=np.int64)
        position[order_] = np.arange(n)
        self.opp = {k: v[order_] for k, v in opp.items()}
        order["opp"] = _take(position, order["opp"], -1)
        self.lead["opp"] = _take(position, self.lead["opp"], -1)
        self.op_ids = _codes("OP", n, 5)

    # ------------------------------------------------------------------------------------ delivery and after
    def make_deliveries(self) -> None:
        rng = self.rng("deliveries")
        order = self.order
        n = len(order["day"])
        lead_days = np.select(
            [order["channel"] == ONLINE, order["channel"] == DISTRIBUTION],
            [rng.integers(2, 7, n), rng.integers(5, 16, n)],
            rng.integers(7, 31, n),
        )
        promised = order["day"] + lead_days
        late = rng.random(n) < 0.07
        delay = np.where(late, 1 + np.round(rng.gamma(2.0, 2.5, n)), -rng.integers(0, 4, n))
        hit = self.planted("delivery_delay", order["region"], order["month"])
        prng = self.rng("plant:delivery_delay")
        late_plant = hit & (prng.random(n) < 0.5)
        delay = np.where(late_plant, prng.integers(5, 21, n), delay)
        delivered = np.maximum(order["day"] + 1, promised + delay.astype(np.int64))
        order["promised"] = promised
        order["late"] = delivered > promised
        order["delivered"] = np.where(delivered < self.cal.end_day, delivered, MISSING)
        order["late_plant"] = late_plant

    def make_returns(self) -> None:
        """Partial returns of delivered lines, mostly hardware, a few days to weeks after delivery."""
        rng = self.rng("returns")
        cal, line, order = self.cal, self.line, self.order
        o = line["order"]
        n = len(o)
        delivered = order["delivered"][o]
        p = np.where(delivered >= 0, _RETURN_P[self.p_line[line["product"]]], 0.0)
        reason = _choice(rng, np.tile(_RETURN_REASON_P, (n, 1)))
        returned = delivered + 1 + np.round(rng.gamma(2.0, 5.0, n)).astype(np.int64)
        share = rng.random(n) ** 2
        at = self.plants.at("return_rate_high")
        if at is not None:
            # planted: a faulty batch of the flagship gateway, ordered and delivered that month, comes back within days
            prng = self.rng("plant:return_rate_high")
            target = self.flagship[HARDWARE]
            month = order["month"][o]
            month_end = cal.start[np.minimum(month + 1, cal.months)] - 1
            hit = self.planted("return_rate_high", order["region"][o], month) & (line["product"] == target)
            hit &= (delivered >= 0) & (delivered <= month_end)
            p = np.where(hit, 0.95, p)
            reason = np.where(hit & (prng.random(n) < 0.85), RETURN_REASONS.index("质量问题"), reason)
            returned = np.where(hit, np.minimum(delivered + prng.integers(1, 8, n), month_end), returned)
            share = np.where(hit, 0.8 + 0.2 * prng.random(n), share)
            self.plants.set_segment(
                "return_rate_high", {"product_id": str(self.p_ids[target])}, product_name=str(self.p_name[target])
            )
        take = (rng.random(n) < p) & (returned < cal.end_day)
        qty = np.maximum(1, np.round(line["qty"] * share)).astype(np.int64)
        self.ret = dict(line=np.flatnonzero(take), qty=qty[take], day=returned[take], reason=reason[take])

    def make_invoices(self) -> None:
        """One invoice per order, due 30–60 days after issue; most paid on time, some late, a few never."""
        rng = self.rng("invoices")
        cal, order = self.cal, self.order
        n = len(order["day"])
        issued = np.where(order["delivered"] >= 0, order["delivered"], order["day"] + rng.integers(0, 6, n))
        size = self.cust["size"][order["customer"]]
        terms = np.where(size >= 500, 60, np.where(size >= 50, 45, 30))
        terms = np.where(order["channel"] == ONLINE, 30, terms)
        due = issued + terms
        behaviour = _choice(rng, np.tile([0.785, 0.2, 0.015], (n, 1)))  # on time, late, never
        paid = np.where(
            behaviour == 0,
            issued + (rng.random(n) * (terms - 3)).astype(np.int64) + 3,
            due + 1 + np.round(rng.gamma(1.5, 14.0, n)).astype(np.int64),
        )
        paid = np.where(behaviour == 2, NEVER, paid)
        at = self.plants.at("receivables_overdue")
        if at is not None:
            m, r = at
            hit = (order["region"] == r) & (cal.month_of(due) == m)
            paid = np.where(hit & (self.rng("plant:receivables_overdue").random(n) < 0.85), NEVER, paid)
        partial = rng.random(n) < 0.03
        paid_amount = np.round(order["revenue"] * np.where(partial, rng.uniform(0.4, 0.9, n), 1.0), 2)
        keep = (issued < cal.end_day) & (order["revenue"] > 0)
        paid = np.where(paid < cal.end_day, paid, MISSING)
        self.inv = dict(
            order=np.flatnonzero(keep),
            issued=issued[keep],
            due=due[keep],
            paid=paid[keep],
            paid_amount=np.where(paid[keep] >= 0, paid_amount[keep], np.nan),
        )
        order_ = np.lexsort((self.inv["order"], self.inv["issued"]))
        self.inv = {k: v[order_] for k, v in self.inv.items()}

    def make_tickets(self) -> None:
        """Service requests and complaints after orders; late deliveries bring 交付延误 complaints."""
        rng = self.rng("tickets")
        cal, order = self.cal, self.order
        n = len(order["day"])
        has = rng.random(n) < _TICKETS_PER_ORDER
        t_order = np.flatnonzero(has)
        category = _choice(rng, np.tile(_TICKET_CATEGORY_P, (len(t_order), 1)))
        after = np.maximum(1, np.round(rng.gamma(1.5, 8.0, len(t_order)))).astype(np.int64)
        created = (order["day"][t_order] + after) * DAY + _office_seconds(rng, len(t_order))
        # a late delivery brings a complaint a few days after the promised date
        late = np.flatnonzero(order["late"] & ~order["late_plant"] & (rng.random(n) < 0.3))
        late_created = (order["promised"][late] + rng.integers(1, 4, len(late))) * DAY + _office_seconds(rng, len(late))
        # planted: the late orders of the complaint month all complain, inside that month
        spike = np.flatnonzero(order["late_plant"])
        at = self.plants.at("complaint_spike")
        if at is not None:
            prng = self.rng("plant:complaint_spike")
            spike = spike[prng.random(len(spike)) < 0.8]
            month_end = cal.start[at[0] + 1] - 1
            day = np.minimum(np.maximum(order["day"][spike] + 2, order["promised"][spike] + 1), month_end)
            spike_created = day * DAY + _office_seconds(prng, len(spike))
        else:
            spike_created = (order["promised"][spike] + 2) * DAY + _office_seconds(rng, len(spike))
        t_order = np.concatenate([t_order, late, spike])
        category = np.concatenate([category, np.full(len(late) + len(spike), LATE_DELIVERY)])
        created = np.concatenate([created, late_created, spike_created])
        keep = created <= cal.end_second
        t_order, category, created = t_order[keep], category[keep], created[keep]
        m = len(t_order)
        severity = _choice(rng, _SEVERITY_P[category])
        hours = np.exp(rng.normal(np.log(3.0), 1.0, m))
        region, month = order["region"][t_order], cal.month_of(created // DAY)
        breach = self.planted("sla_breach", region, month) & (category == AFTER_SALES)
        hours = np.where(breach, np.exp(self.rng("plant:sla_breach").normal(np.log(80.0), 0.3, m)), hours)
        first_response = created + (hours * 3600).astype(np.int64)
        resolved = first_response + (np.exp(rng.normal(np.log(30.0), 0.9, m)) * 3600).astype(np.int64)
        order_ = np.lexsort((t_order, created))
        self.tick = dict(
            order=t_order[order_],
            category=category[order_],
            created=created[order_],
            severity=severity[order_],
            first_response=np.where(first_response <= cal.end_second, first_response, MISSING)[order_],
            resolved=np.where(resolved <= cal.end_second, resolved, MISSING)[order_],
        )

    def make_surveys(self) -> None:
        rng = self.rng("surveys")
        order = self.order
        rows = np.flatnonzero((order["delivered"] >= 0) & (rng.random(len(order["day"])) < 0.12))
        day = order["delivered"][rows] + rng.integers(3, 21, len(rows))
        rows, day = rows[day < self.cal.end_day], day[day < self.cal.end_day]
        n = len(rows)
        late = order["late"][rows].astype(float)
        aspects = np.column_stack(
            [rng.normal(80, 9, n), rng.normal(80 - 22 * late, 10, n), rng.normal(79, 10, n), rng.normal(74, 11, n)]
        )
        csat = 0.3 * aspects[:, 0] + 0.25 * aspects[:, 1] + 0.3 * aspects[:, 2] + 0.15 * aspects[:, 3]
        csat = csat + rng.normal(0, 5, n)
        nps = (csat - 30) / 6.5 + rng.normal(0, 0.9, n)
        self.survey = dict(
            customer=order["customer"][rows],
            day=day,
            nps=np.clip(np.round(nps), 0, 10).astype(np.int64),
            csat=np.clip(np.round(csat), 0, 100).astype(np.int64),
            aspects=np.clip(np.round(aspects), 0, 100).astype(np.int64),
        )

    # ------------------------------------------------------------------------------------------------ tables
    def orders_table(self) -> pd.DataFrame:
        order = self.order
        with_amount = self.rng("order_amounts").random(len(order["day"])) < 0.35
        return pd.DataFrame(
            {
                "order_id": self.o_ids,
                "customer_id": self.c_ids[order["customer"]],
                "order_date": _day_values(order["day"]),
                "region": _texts(REGIONS, order["region"]),
                "rep_id": _lookup(self.r_ids, order["rep"]),
                "channel": _texts(CHANNELS, order["channel"]),
                "amount": np.where(with_amount, order["revenue"], np.nan),
                "opportunity_id": _lookup(self.op_ids, order["opp"]),
                "promised_at": _day_values(order["promised"]),
                "delivered_at": _day_values(order["delivered"]),
            }
        )

    def order_lines_table(self) -> pd.DataFrame:
        line = self.line
        return pd.DataFrame(
            {
                "order_id": self.o_ids[line["order"]],
                "product_id": self.p_ids[line["product"]],
                "quantity": line["qty"],
                "unit_price": line["unit_price"],
                "list_price": line["list_price"],
                "unit_cost": line["unit_cost"],
            }
        )

    def customers_table(self) -> pd.DataFrame:
        cust = self.cust
        return pd.DataFrame(
            {
                "customer_id": self.c_ids,
                "customer_name": cust["name"],
                "region": _texts(REGIONS, cust["region"]),
                "industry": _texts(INDUSTRIES, cust["industry"]),
                "employee_count": cust["size"],
                "acquired_at": _day_values(cust["acquired"]),
                "acquisition_channel": _texts(LEAD_SOURCES, cust["source"]),
            }
        )

    def products_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "product_id": self.p_ids,
                "product_name": self.p_name,
                "product_line": _texts(PRODUCT_LINES, self.p_line),
                "launch_date": _day_values(self.p_launch),
                "list_price": self.p_price,
                "unit_cost": self.p_cost,
            }
        )

    def reps_table(self) -> pd.DataFrame:
        seat_rank = np.zeros(len(self.seat_region), dtype=np.int64)
        for r in range(len(REGIONS)):
            seats = np.flatnonzero(self.seat_region == r)
            seat_rank[seats] = np.arange(len(seats))
        team = np.array(["销售一部", "销售二部"], dtype=object)[seat_rank[self.r_seat] % 2]
        return pd.DataFrame(
            {
                "rep_id": self.r_ids,
                "rep_name": self.r_name,
                "region": _texts(REGIONS, self.r_region),
                "team": _texts(REGIONS, self.r_region) + team,
                "hire_date": _day_values(self.r_hire),
                "leave_date": _day_values(np.where(self.r_leave == NEVER, MISSING, self.r_leave)),
            }
        )

    def leads_table(self) -> pd.DataFrame:
        inside = self.lead["created"] >= self.cal.first_day * DAY  # history leads only fed deals
        lead = {k: v[inside] for k, v in self.lead.items()}
        return pd.DataFrame(
            {
                "lead_id": _codes("L", len(lead["created"]), 5),
                "created_at": _second_values(lead["created"]),
                "source": _texts(LEAD_SOURCES, lead["source"]),
                "region": _texts(REGIONS, lead["region"]),
                "company_size": lead["size"],
                "rep_id": _lookup(self.r_ids, lead["rep"]),
                "first_response_at": _second_values(lead["responded"]),
                "status": _texts(_LEAD_STATUS, lead["status"]),
                "opportunity_id": _lookup(self.op_ids, lead["opp"]),
                "disqualify_reason": _texts(DISQUALIFY_REASONS, lead["reason"]),
            }
        )

    def opportunities_table(self) -> pd.DataFrame:
        opp = self.opp
        status = opp["status"]
        lost = status == 1
        source = np.where(opp["upsell"], UPSELL_SOURCE, _texts(LEAD_SOURCES, np.maximum(opp["source"], 0)))
        return pd.DataFrame(
            {
                "opportunity_id": self.op_ids,
                "created_at": _second_values(opp["created"]),
                "status": _texts(("won", "lost", "open"), status),
                "customer_id": _lookup(self.c_ids, opp["customer"]),
                "rep_id": self.r_ids[opp["rep"]],
                "region": _texts(REGIONS, opp["region"]),
                "source": source,
                "amount": opp["amount"],
                "expected_close_at": _day_values(opp["expected_close"]),
                "closed_at": _second_values(np.where(status < 2, opp["close"], MISSING)),
                "lost_reason": _texts(LOST_REASONS, np.where(lost, opp["reason"], -1)),
                "competitor": _texts(COMPETITORS, np.where(lost, opp["competitor"], -1)),
                "product_line": _texts(PRODUCT_LINES, opp["line"]),
            }
        )

    def _stage_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        opp = self.opp
        stage = np.arange(len(STAGES))
        reached = (stage[None, :] <= opp["last"][:, None]) & (opp["entered"] <= self.cal.end_second)
        o, s = np.nonzero(reached)
        return o, s, opp["entered"][o, s]

    def stage_events_table(self) -> pd.DataFrame:
        o, s, entered = self._stage_rows()
        return pd.DataFrame(
            {"opportunity_id": self.op_ids[o], "stage": _texts(STAGES, s), "entered_at": _second_values(entered)}
        )

    def activities_table(self) -> pd.DataFrame:
        """Log a call, visit, demo or mail when a deal enters a stage, plus regular visits and calls to customers."""
        rng = self.rng("activities")
        cal, opp, cust = self.cal, self.opp, self.cust
        o, s, entered = self._stage_rows()
        keep = rng.random(len(o)) < 0.75
        o, s, entered = o[keep], s[keep], entered[keep]
        when = (entered // DAY + rng.integers(0, 2, len(o))) * DAY + _office_seconds(rng, len(o))
        when = np.minimum(np.maximum(when, entered + 600), cal.end_second)  # on the day or the next, office hours
        kind = np.where(rng.random(len(o)) < 0.8, _STAGE_ACTIVITY[s], rng.integers(0, len(ACTIVITY_TYPES), len(o)))
        d_rep = self.rep_on(opp["seat"][o], when // DAY)
        # account care: a few touches per seat and month with active customers of the region
        n_seats = len(self.seat_region)
        counts = _counts(rng, np.full((n_seats, cal.months), 1.6 * (self.seat_weight > 0)), 0.3)
        seat, month = np.unravel_index(np.repeat(np.arange(counts.size), counts.ravel()), counts.shape)
        c_when = cal.random_seconds(rng, month)
        c_rep = self.holder(seat, c_when // DAY)
        region = self.seat_region[seat]
        c_customer = np.full(len(seat), -1)
        for r in range(len(REGIONS)):
            members = np.flatnonzero(cust["region"] == r)
            sel = np.flatnonzero(region == r)
            active = (cust["acquired"][members][None, :] < cal.start[:-1, None]) & (
                cust["churn"][members][None, :] >= cal.start[:-1, None]
            )
            c_customer[sel] = _take(members, _grouped_choice(rng, active * cust["rate"][members], month[sel]), -1)
        ok = (c_rep >= 0) & (c_customer >= 0)
        c_kind = np.where(rng.random(len(seat)) < 0.6, 0, 1)
        rep = np.concatenate([d_rep, c_rep[ok]])
        when = np.concatenate([when, c_when[ok]])
        customer = np.concatenate([opp["customer"][o], c_customer[ok]])
        deal = np.concatenate([o, np.full(int(ok.sum()), -1)])
        kind = np.concatenate([kind, c_kind[ok]])
        order = np.lexsort((rep, when))
        return pd.DataFrame(
            {
                "activity_id": _codes("A", len(order), 5),
                "rep_id": self.r_ids[rep[order]],
                "occurred_at": _second_values(when[order]),
                "type": _texts(ACTIVITY_TYPES, kind[order]),
                "customer_id": _lookup(self.c_ids, customer[order]),
                "opportunity_id": _lookup(self.op_ids, deal[order]),
            }
        )

    def returns_table(self) -> pd.DataFrame:
        ret, line = self.ret, self.line
        order = np.lexsort((ret["line"], ret["day"]))
        rows = ret["line"][order]
        return pd.DataFrame(
            {
                "order_id": self.o_ids[line["order"][rows]],
                "product_id": self.p_ids[line["product"][rows]],
                "quantity": ret["qty"][order],
                "returned_at": _day_values(ret["day"][order]),
                "reason": _texts(RETURN_REASONS, ret["reason"][order]),
            }
        )

    def invoices_table(self) -> pd.DataFrame:
        inv, order = self.inv, self.order
        return pd.DataFrame(
            {
                "invoice_id": _codes("I", len(inv["order"]), 5),
                "customer_id": self.c_ids[order["customer"][inv["order"]]],
                "issued_at": _day_values(inv["issued"]),
                "due_at": _day_values(inv["due"]),
                "amount": order["revenue"][inv["order"]],
                "order_id": self.o_ids[inv["order"]],
                "paid_at": _day_values(inv["paid"]),
                "paid_amount": inv["paid_amount"],
            }
        )

    def tickets_table(self) -> pd.DataFrame:
        tick, order = self.tick, self.order
        return pd.DataFrame(
            {
                "ticket_id": _codes("T", len(tick["order"]), 5),
                "customer_id": self.c_ids[order["customer"][tick["order"]]],
                "created_at": _second_values(tick["created"]),
                "category": _texts(TICKET_CATEGORIES, tick["category"]),
                "first_response_at": _second_values(tick["first_response"]),
                "resolved_at": _second_values(tick["resolved"]),
                "severity": _texts(SEVERITIES, tick["severity"]),
                "order_id": self.o_ids[tick["order"]],
            }
        )

    def surveys_table(self) -> pd.DataFrame:
        survey = self.survey
        order = np.lexsort((survey["customer"], survey["day"]))
        frame = pd.DataFrame(
            {
                "customer_id": self.c_ids[survey["customer"][order]],
                "responded_at": _day_values(survey["day"][order]),
                "nps": survey["nps"][order],
                "csat": survey["csat"][order],
            }
        )
        for k, aspect in enumerate(SURVEY_ASPECTS):
            frame[f"score_{aspect}"] = survey["aspects"][order, k]
        return frame

    def marketing_spend_table(self) -> pd.DataFrame:
        """Spend per lead source, region and month: the expected leads at each source's cost per lead."""
        rng = self.rng("marketing_spend")
        expected = self._expected_leads(np.arange(self.cal.months))
        spend = expected * _COST_PER_LEAD * np.exp(rng.normal(0, 0.08, expected.shape))
        at = self.plants.at("lead_source_shift")
        if at is not None:  # the big fair cost as much as its leads
            m, r = at
            fair_leads = ((self.lead["region"] == r) & (self.lead["month"] == m) & (self.lead["source"] == FAIR)).sum()
            spend[r, m, FAIR] = fair_leads * _COST_PER_LEAD[FAIR]
        r, m, s = np.unravel_index(np.arange(spend.size), spend.shape)
        order = np.lexsort((s, r, m))
        return pd.DataFrame(
            {
                "period": np.array(self.cal.labels, dtype=object)[m[order]],
                "channel": _texts(LEAD_SOURCES, s[order]),
                "amount": np.round(spend.ravel()[order], -1),
                "region": _texts(REGIONS, r[order]),
            }
        )

    def targets_table(self) -> pd.DataFrame:
        """Targets per region, per rep and per region × product line, from the trailing run-rate and season.

        A month's region target is the median of the deseasonalised revenue of the six months before it
        (the first months use the first six), times the month's seasonality and trend, plus a stretch of a
        few percent. Reps and product lines get the target in proportion to their trailing share.
        """
        rng = self.rng("targets")
        cal, order, line = self.cal, self.order, self.line
        n_regions, months = len(REGIONS), cal.months
        revenue = np.zeros((n_regions, months))
        np.add.at(revenue, (order["region"], order["month"]), order["revenue"])
        index = self.season[None, :] * self.trend
        flat = revenue / index
        region_target = np.zeros((n_regions, months))
        for m in range(months):
            window = flat[:, max(0, m - 6) : m] if m >= 3 else flat[:, : min(6, months)]
            region_target[:, m] = np.median(window, axis=1) * index[:, m]
        region_target *= np.exp(rng.normal(0.04, 0.035, region_target.shape))
        region_target = np.round(region_target, -3)

        rows = [("region", r, m, -1, -1, region_target[r, m]) for m in range(months) for r in range(n_regions)]
        # product lines: trailing six-month share of the region's revenue
        line_revenue = np.zeros((n_regions, len(PRODUCT_LINES), months))
        o = line["order"]
        np.add.at(
            line_revenue,
            (order["region"][o], self.p_line[line["product"]], order["month"][o]),
            line["qty"] * line["unit_price"],
        )
        for m in range(months):
            lo, hi = (max(0, m - 6), m) if m >= 3 else (0, min(6, months))
            share = line_revenue[:, :, lo:hi].sum(axis=2)
            share = share / np.maximum(share.sum(axis=1, keepdims=True), 1.0)
            for r in range(n_regions):
                for k in range(len(PRODUCT_LINES)):
                    rows.append(("line", r, m, -1, k, np.round(region_target[r, m] * share[r, k], -3)))
        # reps: employed for the whole month; share of the region's revenue over the trailing three months,
        # blended with their expected weight (new hires ramp up)
        rep_revenue = np.zeros((len(self.r_ids), months))
        has_rep = order["rep"] >= 0
        np.add.at(rep_revenue, (order["rep"][has_rep], order["month"][has_rep]), order["revenue"][has_rep])
        for m in range(months):
            start, end = cal.start[m], cal.start[m + 1]
            active = np.flatnonzero((self.r_hire <= start) & (self.r_leave >= end))
            tenure = (start - self.r_hire[active]) / 180.0
            weight = self.r_skill[active] * np.clip(0.35 + 0.65 * tenure, 0.35, 1.0)
            lo, hi = (max(0, m - 3), m) if m >= 3 else (0, min(3, months))
            region_of = self.r_region[active]
            for r in range(n_regions):
                sel = region_of == r
                if not sel.any():
                    continue
                past = rep_revenue[active[sel], lo:hi].sum(axis=1)
                total = revenue[r, lo:hi].sum()
                attributed = past.sum() / total if total > 0 else 0.8
                expected_share = weight[sel] / weight[sel].sum() * attributed
                observed = past / total if total > 0 else expected_share
                share = np.where(tenure[sel] < 0.5, expected_share, 0.6 * observed + 0.4 * expected_share)
                for rep, value in zip(active[sel], share, strict=True):
                    rows.append(("rep", r, m, int(rep), -1, np.round(region_target[r, m] * value, -2)))
        level, region, month, rep, product_line, amount = (np.array(c) for c in zip(*rows, strict=True))
        rank = np.select([level == "region", level == "line"], [0, 1], 2)
        order_ = np.lexsort((product_line, rep, region, rank, month))
        return pd.DataFrame(
            {
                "period": np.array(cal.labels, dtype=object)[month[order_]],
                "target_amount": amount[order_].astype(float),
                "region": _texts(REGIONS, region[order_]),
                "rep_id": _lookup(self.r_ids, rep[order_]),
                "product_line": _texts(PRODUCT_LINES, product_line[order_]),
            }
        )


# --------------------------------------------------------------------------------------------------------------
# Public API.


def generate_dataset(
    *, seed: int = 7, months: int = 24, scale: float = 1.0, end_period: str = "2026-10", plant: bool = True
) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """Simulate a company's sales history: all 15 contract tables and the list of planted problems.

    The data covers ``months`` months ending with ``end_period``. Dates and timestamps are
    ``datetime64`` columns, ids are strings, missing optional values are empty. With ``plant=True`` a
    set of known problems (one finding code each, see ``shared/analyses.md``) is planted in given
    regions and months, mostly in the last six and several in ``end_period``, so the analyses can be
    checked against a known answer; ``plant=False`` gives the same kind of history without them.

    Parameters
    ----------
    seed
        Random seed (>= 0); the same arguments always give the same data.
    months
        Number of months of orders (a problem is planted only where it has three months of history before it).
    scale
        Volume multiplier for customers, orders, leads, deals, tickets and reps; 1.0 gives about 300
        orders and 600 order lines a month, and about 55 reps.
    end_period
        Last month of the data, ``YYYY-MM``.
    plant
        Whether to plant the known problems.

    Returns
    -------
    tables, planted
        ``{table name: DataFrame}`` in the order of ``contract.TABLES``, and the planted problems as
        ``{"code", "period", "region", "segment", "description"}`` dicts sorted by period, region, code.
    """
    if int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if int(months) != months or months < 1:
        raise ValueError(f"months must be a positive integer, got {months!r}")
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    return _Simulation(int(seed), int(months), float(scale), end_period, plant).run()


def _csv_column(values: pd.Series, kind: str | None) -> pd.Series:
    """Format a column for CSV: ISO dates and timestamps, amounts rounded to cents, empty for missing."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        unit = "D" if kind == DATE else "s"
        text = np.datetime_as_string(values.to_numpy(dtype="datetime64[s]"), unit=unit)
        text = np.char.replace(text, "T", " ") if unit == "s" and text.size else text
        return pd.Series(np.where(values.isna().to_numpy(), "", text), index=values.index, dtype=object)
    if pd.api.types.is_float_dtype(values.dtype):
        return values.round(2)
    return values


def write_dataset(tables: dict[str, pd.DataFrame], planted: list[dict], out_dir: str | Path) -> None:
    """Write ``<table>.csv`` for every table and ``planted.json`` into ``out_dir`` (created if needed).

    CSV files are UTF-8 with a header and Unix line ends, dates ``YYYY-MM-DD``, timestamps
    ``YYYY-MM-DD HH:MM:SS``, amounts rounded to two decimals and missing values empty. The same
    tables always give byte-identical files.

    Parameters
    ----------
    tables
        ``{table name: DataFrame}`` as returned by :func:`generate_dataset`.
    planted
        The planted problems as returned by :func:`generate_dataset`.
    out_dir
        Folder to write into.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        spec = TABLES.get(name)
        columns = {}
        for column in frame.columns:
            contract_column = spec.column(column) if spec is not None else None
            columns[column] = _csv_column(frame[column], contract_column.kind if contract_column else None)
        pd.DataFrame(columns).to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
    text = json.dumps(planted, ensure_ascii=False, indent=2, sort_keys=True)
    (out / "planted.json").write_text(text + "\n", encoding="utf-8", newline="\n")


__all__ = ["generate_dataset", "write_dataset"]
