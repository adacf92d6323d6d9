"""The state of one simulation run: the calendar, the planted problems, the volume trend and season.

:class:`Simulation` holds what every step reads (``cal``, ``plants``, ``trend``, ``season``, ``volume``,
``rng(name)``, ``planted(code, region, month)``); the steps in the sibling modules add their arrays to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .draws import _office_seconds, _stream
from .world import _LEAD_HISTORY, _REGION_GROWTH, _REGION_SHARE, _SEASON, DAY, REGIONS

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

    def extended(self, months_after: int) -> _Calendar:
        """The same calendar running ``months_after`` months past the end (month indices unchanged)."""
        last = pd.Period(self.labels[-1], freq="M")
        return _Calendar(str(last + months_after), self.months + months_after, self.history)

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


class Simulation:
    """One run's settings, calendar, planted problems and volumes; the steps add their arrays to it.

    Each step draws from its own random stream (:meth:`rng`), so steps do not shift each other. The steps add,
    in the order ``generate_dataset`` runs them: ``p_*`` and ``flagship`` (``orders.make_products``); ``r_*``,
    ``seat_*``, ``region_head_rep`` and ``underperformer`` (``people.make_reps``); ``lead`` (``leads``); ``opp``
    (``pipeline.make_lead_opportunities``); ``cust`` and ``c_ids`` (``people.make_customers``); ``order``,
    ``o_ids`` and ``line`` (``orders``); ``op_ids`` (``pipeline.make_upsell_opportunities``); ``ret``
    (``orders.make_returns``); ``inv``, ``tick`` and ``survey`` (``service``).
    """

    def __init__(self, seed: int, months: int, scale: float, end_period: str, plant: bool):
        self.seed = seed
        self.scale = scale
        self.cal = _Calendar(end_period, months, history=_LEAD_HISTORY)
        self.plants = _Plants(self.cal, plant)
        t = np.arange(months) - (months - 1)
        self.trend = _REGION_GROWTH[:, None] ** (t[None, :] / 12.0)  # regions × months, 1 in the last month
        self.season = _SEASON[self.cal.month_of_year - 1]
        self.volume = _REGION_SHARE[:, None] * self.trend * scale  # regions × months, before seasonality

    def seasonal_volume(self, month: np.ndarray) -> np.ndarray:
        """``volume × season`` (regions × given months) for any month index, also past the data's end."""
        trend = _REGION_GROWTH[:, None] ** ((np.asarray(month)[None, :] - (self.cal.months - 1)) / 12.0)
        season = _SEASON[self.cal.calendar_month(month) - 1]
        return _REGION_SHARE[:, None] * trend * self.scale * season[None, :]

    def rng(self, name: str) -> np.random.Generator:
        return _stream(self.seed, name)

    def planted(self, code: str, region: np.ndarray, month: np.ndarray) -> np.ndarray:
        """Mask of rows in the region and month where ``code`` is planted (all False when it is not)."""
        at = self.plants.at(code)
        if at is None:
            return np.zeros(len(region), dtype=bool)
        return (month == at[0]) & (region == at[1])
