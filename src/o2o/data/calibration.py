"""Calibration targets and generator parameters of the synthetic Meiyijia-style chain.

Every number here is either taken from a public statement (``source``) or marked as an
``assumption``: a plausible order of magnitude chosen for teaching, not a fact about
any company. ``datasets/README.md`` prints this table, and the tests check the default
dataset against the ``low``/``high`` ranges of :data:`TARGETS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

YEAR = 2015
YEAR_START = date(2015, 1, 1)
YEAR_END = date(2015, 12, 31)
PILOT_START = date(2015, 8, 1)

#: Source of the store count, the Dongguan base and the August-2015 pilot.
LECTURE_18 = "张波《互联网+行动下的企业O2O践行》第18讲 (O2OPark, 2015)"


@dataclass(frozen=True)
class Target:
    """One calibration target: a figure of the generated data and its accepted range."""

    key: str
    zh: str
    en: str
    unit: str
    low: float
    high: float
    source: str


TARGETS: tuple[Target, ...] = (
    Target("n_stores", "门店数", "number of stores", "stores", 6800, 7200,
           f"{LECTURE_18}: 'nearly 7,000 stores', mainly in Guangdong"),
    Target("dongguan_share", "东莞门店占比", "share of stores in Dongguan", "share", 0.30, 0.45,
           f"assumption; {LECTURE_18} names Dongguan as the home base"),
    Target("direct_share", "直营门店占比", "share of direct-operated stores", "share", 0.05, 0.12,
           "assumption (the chain grows mainly by franchising)"),
    Target("daily_sales_per_store", "单店日均销售额", "average daily sales per store", "yuan/day", 3000, 5500,
           "assumption (order of magnitude of a Chinese convenience store in 2015)"),
    Target("ticket_size", "客单价", "average ticket", "yuan", 12, 20, "assumption"),
    Target("gross_margin_rate", "毛利率", "gross margin rate", "share of sales", 0.20, 0.30, "assumption"),
    Target("member_ticket_share", "会员小票占比", "share of tickets by members", "share", 0.15, 0.40,
           "assumption (panel stores)"),
    Target("cash_share", "现金支付占比(全年)", "cash share of tickets (year)", "share", 0.55, 0.80,
           "assumption (mobile payment was spreading fast in 2015)"),
    Target("mobile_share_dec", "12月移动支付占比", "mobile-payment share of tickets in December", "share", 0.25, 0.50,
           "assumption"),
    Target("squad_scene_share", "一线小分队发起的场景占比", "share of scenes initiated by squads", "share", 0.80, 0.99,
           "assumption (HQ runs few large campaigns; squads many small ones)"),
)

# --------------------------------------------------------------------------------------
# Geography: cities of Guangdong with approximate centroids (public map coordinates,
# rounded), how many of the chain's stores each gets, spread in degrees, districts.
# Store counts per city are assumptions shaped by "densest in Dongguan".
# --------------------------------------------------------------------------------------
CITIES: tuple[tuple[str, float, float, int, float, tuple[str, ...]], ...] = (
    # city, lat, lon, stores, spread (deg), districts
    ("东莞", 22.98, 113.75, 2650, 0.13, ("南城", "东城", "莞城", "万江", "虎门", "长安", "厚街", "常平",
                                       "塘厦", "松山湖", "大朗", "寮步", "凤岗", "清溪", "黄江", "樟木头")),
    ("深圳", 22.60, 114.05, 900, 0.12, ("福田", "罗湖", "南山", "宝安", "龙岗", "龙华")),
    ("广州", 23.13, 113.30, 720, 0.12, ("天河", "越秀", "海珠", "白云", "番禺", "黄埔")),
    ("惠州", 23.08, 114.40, 640, 0.12, ("惠城", "惠阳", "博罗", "惠东")),
    ("佛山", 23.02, 113.12, 420, 0.10, ("禅城", "南海", "顺德")),
    ("中山", 22.52, 113.39, 320, 0.08, ("石岐", "东区", "小榄")),
    ("江门", 22.58, 113.08, 240, 0.10, ("蓬江", "江海", "新会")),
    ("清远", 23.68, 113.05, 200, 0.10, ("清城", "清新")),
    ("珠海", 22.27, 113.57, 160, 0.06, ("香洲", "斗门")),
    ("肇庆", 23.05, 112.47, 150, 0.08, ("端州", "鼎湖")),
    ("汕头", 23.35, 116.68, 120, 0.07, ("金平", "龙湖")),
    ("河源", 23.74, 114.70, 100, 0.07, ("源城",)),
    ("韶关", 24.81, 113.60, 80, 0.07, ("浈江", "武江")),
    ("湛江", 21.27, 110.36, 80, 0.07, ("赤坎", "霞山")),
    ("茂名", 21.66, 110.92, 60, 0.06, ("茂南",)),
    ("揭阳", 23.55, 116.37, 60, 0.06, ("榕城",)),
    ("阳江", 21.86, 111.98, 40, 0.05, ("江城",)),
    ("梅州", 24.29, 116.12, 30, 0.05, ("梅江",)),
)

CITY_RENT_PER_M2 = {"深圳": 260.0, "广州": 220.0, "东莞": 120.0, "佛山": 120.0, "珠海": 140.0}
DEFAULT_RENT_PER_M2 = 80.0  # yuan per m2 per month, assumption

FORMATS = ("社区", "写字楼", "学校", "工业区", "交通枢纽", "商业街")
FORMAT_WEIGHTS = (0.40, 0.12, 0.08, 0.18, 0.05, 0.17)
#: Dongguan is a manufacturing city: more factory-district stores (assumption).
FORMAT_WEIGHTS_DONGGUAN = (0.34, 0.08, 0.07, 0.32, 0.04, 0.15)
FORMAT_SALES = {"社区": 1.0, "写字楼": 1.15, "学校": 1.0, "工业区": 0.95, "交通枢纽": 1.45, "商业街": 1.2}
#: Multiplier on Saturdays/Sundays by format (assumption).
FORMAT_WEEKEND = {"社区": 1.10, "写字楼": 0.70, "学校": 0.85, "工业区": 1.05, "交通枢纽": 1.05, "商业街": 1.15}

DIRECT_SHARE = 0.085
MEAN_DAILY_SALES = 4000.0     # yuan, assumption
MEAN_TICKET = 16.0            # yuan, assumption
SPRING_FESTIVAL = date(2015, 2, 19)  # the 2015 lunar new year (public calendar)

# Pilot (lecture 18: from August 2015 direct-operated stores pilot self-organised squads; staff are shareholders)
N_PILOT = 120
N_CONTROL = 120
PILOT_SALES_EFFECT = 0.08        # +8% daily sales, planted (kit's construction)
PILOT_MEMBER_EFFECT = 0.30       # +30% new members per day, planted
PILOT_SCENE_RATE_RATIO = 2.5     # squad-initiated scenes per month, x2.5, planted

# Planted counter-examples (kit's construction; datasets/README.md, tests/data/test_counter_examples.py)
WEAK_LEADER_SQUADS = 20          # squads of profitable, non-pilot stores whose leader was appointed by seniority
WEAK_LEADER_CAPABILITY = (0.05, 0.2)   # their leaders' capability (uniform); every other leader is above 0.3
WEAK_LEADER_BELOW = 0.3          # the capability below which a leader counts as weak in the recovery tests

# Members and tiers
TIERS = ("沉睡粉", "普通粉", "活跃粉", "铁杆粉")  # month-end status by visits that month: 0, 1-2, 3-7, 8+
TIER_VISIT_BOUNDS = (0, 1, 3, 8)
JOIN_CHANNELS = ("门店二维码", "微信公众号", "好友分享", "异业合作")
JOIN_CHANNEL_WEIGHTS = (0.50, 0.30, 0.12, 0.08)
NEW_MEMBERS_PER_DAY = 3.0        # per store, assumption
MEMBERS_AT_START = 1200          # per store on 2015-01-01, assumption

# Payments: share of tickets in January and in December (linear in between), assumption
PAYMENTS = ("现金", "微信支付", "支付宝", "银行卡")
PAYMENT_JAN = (0.80, 0.05, 0.08, 0.07)
PAYMENT_DEC = (0.56, 0.19, 0.17, 0.08)

# Product catalogue: category, number of SKUs, price range (yuan), margin rate, popularity weight
CATEGORIES: tuple[tuple[str, int, float, float, float, float], ...] = (
    ("饮料", 90, 2.5, 8.0, 0.30, 0.26),
    ("零食", 110, 2.0, 12.0, 0.30, 0.20),
    ("方便食品", 50, 3.0, 9.0, 0.24, 0.12),
    ("鲜食", 40, 5.0, 16.0, 0.38, 0.12),
    ("乳制品", 40, 2.5, 9.0, 0.22, 0.10),
    ("烟酒", 60, 10.0, 40.0, 0.12, 0.10),
    ("日用品", 60, 3.0, 25.0, 0.28, 0.06),
    ("个人护理", 50, 5.0, 35.0, 0.30, 0.04),
)
