"""The simulated world: regions, calendar, customers, products, reps, channels, funnel, service.

Constants only. Tuples of labels are the values written into the tables (their index is the code used in the
simulation's integer arrays); the ``_…_P`` arrays are the probabilities of those labels, the other arrays the
rates and volumes the simulation draws around.
"""

from __future__ import annotations

import numpy as np

DAY = 86_400  # seconds per day
NEVER = np.iinfo(np.int64).max // 4  # "no end" for employment and deal close times
MISSING = -1  # missing integer reference / time in the internal arrays

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
_AFTER_END_MONTHS = 4  # months after the data whose upsell orders may have a deal open at its end
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
