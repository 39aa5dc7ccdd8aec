"""The dataset's tables: columns, types, units and meanings, and their pandera schemas.

This module is the single description of the data. The loader validates every table
against it, ``datasets/README.md``'s data dictionary is generated from it
(``o2o data docs``), and the tests check referential integrity with :data:`FOREIGN_KEYS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from . import calibration as cal

#: Bump when a table's layout changes: old datasets then ask to be rebuilt.
DATASET_VERSION = 1


@dataclass(frozen=True)
class Col:
    dtype: str                 # pandas dtype name as stored/loaded
    zh: str
    en: str
    unit: str = ""
    nullable: bool = False
    values: tuple = ()         # allowed values (categorical)
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    en: str
    columns: dict[str, Col]
    key: tuple[str, ...] = ()
    panel: bool = False        # only the panel stores; stored as a directory of parts
    notes: str = ""
    extra: dict = field(default_factory=dict)


D = "datetime64[ms]"
FMT = tuple(cal.FORMATS)
CITIES = tuple(c[0] for c in cal.CITIES)
SCENE_TYPES = ("促销", "交易", "支付")
BATTLES = ("品牌推广", "客户回馈", "引流入店", "新品推广", "粉丝分层", "营业员激励", "二次购买", "自团购", "微商",
           "异业联盟采购", "告知巨头优惠", "付满送", "附近异业")
INCENTIVE_TYPES = ("满减", "折扣", "赠品", "积分", "无")

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("stores", "门店", "stores", {
        "store_id": Col("int32", "门店编号", "store id", min=1),
        "store_name": Col("str", "门店名称(合成)", "store name (synthetic)"),
        "city": Col("str", "城市", "city", values=CITIES),
        "city_en": Col("str", "城市(英文)", "city in English"),
        "district": Col("str", "区/镇", "district or town"),
        "lat": Col("float64", "纬度", "latitude", "°", min=20.0, max=25.7),
        "lon": Col("float64", "经度", "longitude", "°", min=109.5, max=117.5),
        "format": Col("str", "业态/商圈类型", "format (trade-area type)", values=FMT),
        "ownership": Col("str", "经营方式", "ownership", values=("直营", "加盟")),
        "open_date": Col(D, "开业日期", "opening date"),
        "area_m2": Col("float64", "营业面积", "floor area", "m²", min=20, max=400),
        "monthly_rent_yuan": Col("float64", "月租金", "monthly rent", "元/月 yuan per month", min=0),
        "pilot_group": Col("str", "2015年8月股东试点分组", "Aug-2015 shareholder pilot group", values=("试点", "对照", "无")),
        "in_panel": Col("bool", "是否有小票明细", "has ticket-level detail"),
    }, key=("store_id",)),
    Table("staff", "员工", "staff", {
        "staff_id": Col("int32", "员工编号", "staff id", min=1),
        "store_id": Col("int32", "所属门店", "store id"),
        "role": Col("str", "岗位", "role", values=("店长", "店员")),
        "hire_date": Col(D, "入职日期", "hire date"),
        "capability": Col("float64", "能力评分", "capability score", "0–1", min=0, max=1),
        "is_shareholder": Col("bool", "是否门店股东", "is a shareholder of the store"),
        "shareholder_since": Col(D, "成为股东日期", "shareholder since", nullable=True),
        "squad_id": Col("Int32", "所属小分队", "squad id", nullable=True),
        "is_squad_leader": Col("bool", "是否班长", "is the squad leader"),
    }, key=("staff_id",)),
    Table("squads", "一线小分队", "front-line squads", {
        "squad_id": Col("int32", "小分队编号", "squad id", min=1),
        "store_id": Col("int32", "所属门店", "store id"),
        "squad_name": Col("str", "小分队名称", "squad name"),
        "leader_staff_id": Col("int32", "班长(员工编号)", "squad leader (staff id)"),
        "formed_date": Col(D, "成立日期", "formed on"),
        "size": Col("int64", "人数", "members", "人 people", min=1),
    }, key=("squad_id",)),
    Table("products", "商品", "products", {
        "sku_id": Col("int32", "商品编号", "SKU id", min=1),
        "sku_name": Col("str", "商品名称(合成)", "SKU name (synthetic)"),
        "category": Col("str", "品类", "category", values=tuple(c[0] for c in cal.CATEGORIES)),
        "price_yuan": Col("float64", "零售价", "retail price", "元 yuan", min=0.01),
        "unit_cost_yuan": Col("float64", "进货成本", "unit cost", "元 yuan", min=0),
    }, key=("sku_id",)),
    Table("members", "会员(粉丝)", "members (fans)", {
        "member_id": Col("int64", "会员编号", "member id", min=1),
        "home_store_id": Col("int32", "归属门店", "home store id"),
        "join_date": Col(D, "入会日期", "join date"),
        "join_channel": Col("str", "入会渠道", "how the member joined", values=cal.JOIN_CHANNELS),
    }, key=("member_id",), panel=True),
    Table("member_tiers", "会员月度分层", "member tier by month", {
        "member_id": Col("int64", "会员编号", "member id"),
        "month": Col(D, "月份(月初)", "month (first day)"),
        "tier": Col("str", "粉丝层级(按当月到店次数:0/1–2/3–7/8+)", "fan tier (visits that month: 0/1–2/3–7/8+)",
                    values=cal.TIERS),
    }, key=("member_id", "month"), panel=True),
    Table("store_fans_monthly", "门店月末粉丝分层", "fans per tier per store at month end", {
        "store_id": Col("int32", "门店编号", "store id"),
        "month": Col(D, "月份(月初)", "month (first day)"),
        "tier": Col("str", "粉丝层级", "fan tier", values=cal.TIERS),
        "fans": Col("int64", "粉丝数", "fans", "人 people", min=0),
    }, key=("store_id", "month", "tier")),
    Table("daily_sales", "门店日销售", "daily sales per store", {
        "store_id": Col("int32", "门店编号", "store id"),
        "date": Col(D, "日期", "date"),
        "sales_yuan": Col("float64", "销售额", "sales", "元 yuan", min=0),
        "gross_margin_yuan": Col("float64", "毛利额", "gross margin", "元 yuan"),
        "tickets": Col("int32", "小票数(客流)", "tickets (customers)", min=0),
        "member_tickets": Col("int32", "会员小票数", "member tickets", min=0),
        "new_members": Col("int32", "新增会员", "new members", min=0),
    }, key=("store_id", "date")),
    Table("transactions", "交易小票", "transactions (tickets)", {
        "tx_id": Col("int64", "小票编号", "ticket id", min=1),
        "store_id": Col("int32", "门店编号", "store id"),
        "ts": Col(D, "交易时间", "time of sale"),
        "member_id": Col("Int64", "会员编号(非会员为空)", "member id (empty for non-members)", nullable=True),
        "payment_method": Col("str", "支付方式", "payment method", values=cal.PAYMENTS),
        "amount_yuan": Col("float64", "实付金额", "amount paid", "元 yuan", min=0),
        "discount_yuan": Col("float64", "优惠金额", "discount", "元 yuan", min=0),
        "n_items": Col("int16", "商品行数", "line items", min=1),
        "scene_id": Col("Int32", "带来这笔交易的场景", "scene that brought the sale", nullable=True),
        "coupon_id": Col("Int64", "使用的优惠券", "coupon used", nullable=True),
    }, key=("tx_id",), panel=True),
    Table("transaction_items", "小票明细", "ticket line items", {
        "tx_id": Col("int64", "小票编号", "ticket id"),
        "sku_id": Col("int32", "商品编号", "SKU id"),
        "qty": Col("int16", "数量", "quantity", min=1),
        "unit_price_yuan": Col("float64", "单价", "unit price", "元 yuan", min=0),
        "line_amount_yuan": Col("float64", "行金额", "line amount", "元 yuan", min=0),
    }, panel=True),
    Table("scenes", "营销场景(历史)", "marketing scenes (history)", {
        "scene_id": Col("int32", "场景编号", "scene id", min=1),
        "scene_name": Col("str", "场景名称", "scene name"),
        "scene_type": Col("str", "场景类型", "scene type", values=SCENE_TYPES),
        "battle": Col("str", "战争(第18讲的分类)", "battle (lecture 18's list)", values=BATTLES),
        "initiator": Col("str", "发起方", "initiator", values=("总部市场部", "一线小分队")),
        "squad_id": Col("Int32", "发起的小分队", "initiating squad", nullable=True),
        "store_id": Col("Int32", "小分队所在门店", "the squad's store", nullable=True),
        "target_city": Col("str", "目标城市(空=全网)", "target city (empty = whole chain)", nullable=True, values=CITIES),
        "idea_date": Col(D, "创意日期", "idea date"),
        "launch_date": Col(D, "上线日期", "launch date"),
        "end_date": Col(D, "结束日期(含)", "end date (inclusive)"),
        "channels": Col("str", "渠道(| 分隔:广告/朋友圈/店内)", "channels (|-joined: ads/moments/in store)"),
        "personalization": Col("float64", "内容个性化程度", "personalisation of content", "0–1", min=0, max=1),
        "incentive_type": Col("str", "激励方式", "incentive", values=INCENTIVE_TYPES),
        "incentive_yuan": Col("float64", "单次激励价值", "incentive per redemption", "元 yuan", min=0),
        "budget_yuan": Col("float64", "预算", "budget", "元 yuan", min=0),
        "target_tier": Col("str", "目标粉丝层级", "target fan tier", values=cal.TIERS + ("全部",)),
    }, key=("scene_id",)),
    Table("scene_daily", "场景逐日数据", "scene outcomes day by day", {
        "scene_id": Col("int32", "场景编号", "scene id"),
        "date": Col(D, "日期", "date"),
        "reach_broadcast": Col("int64", "广告触达(点对面)", "reach by ads (point to surface)", "人次", min=0),
        "reach_p2p": Col("int64", "点对点触达", "point-to-point reach", "人次", min=0),
        "shares": Col("int64", "转发次数", "shares", "次", min=0),
        "visits": Col("int64", "到店人次", "store visits", "人次", min=0),
        "conversions": Col("int64", "成交笔数", "conversions", "笔", min=0),
        "redemptions": Col("int64", "核销券数", "coupons redeemed", "张", min=0),
        "incremental_sales_yuan": Col("float64", "增量销售额", "incremental sales", "元 yuan"),
        "incremental_margin_yuan": Col("float64", "增量毛利", "incremental gross margin", "元 yuan"),
        "new_members": Col("int64", "新增会员", "new members", "人", min=0),
        "tier_upgrades": Col("int64", "粉丝升级人数", "tier upgrades", "人", min=0),
        "cost_yuan": Col("float64", "当日花费", "cost that day", "元 yuan", min=0),
    }, key=("scene_id", "date")),
    Table("coupons", "优惠券", "coupons", {
        "coupon_id": Col("int64", "券编号", "coupon id", min=1),
        "scene_id": Col("int32", "所属场景", "scene id"),
        "member_id": Col("int64", "领券会员", "member id"),
        "issued_date": Col(D, "发券日期", "issued on"),
        "face_value_yuan": Col("float64", "面值", "face value", "元 yuan", min=0),
        "redeemed": Col("bool", "是否核销", "redeemed"),
        "redeemed_tx_id": Col("Int64", "核销小票", "redeeming ticket", nullable=True),
        "redeemed_date": Col(D, "核销日期", "redeemed on", nullable=True),
    }, key=("coupon_id",), panel=True),
    Table("shares", "微信转发", "WeChat shares", {
        "share_id": Col("int64", "转发编号", "share id", min=1),
        "scene_id": Col("int32", "场景编号", "scene id"),
        "ts": Col(D, "转发时间", "time of the share"),
        "sender_member_id": Col("Int64", "转发会员", "sending member", nullable=True),
        "sender_staff_id": Col("Int32", "转发员工(首发)", "sending staff (seed)", nullable=True),
        "receiver_member_id": Col("Int64", "接收会员(非会员为空)", "receiving member (empty if not a member)", nullable=True),
        "channel": Col("str", "转发渠道", "channel", values=("朋友圈", "微信群", "私聊")),
        "parent_share_id": Col("Int64", "上一级转发(首发为空)", "parent share (empty for seeds)", nullable=True),
        "generation": Col("int16", "传播代数(首发=0)", "generation (seed = 0)", min=0),
    }, key=("share_id",), panel=True),
)}

PANEL_TABLES = tuple(n for n, t in TABLES.items() if t.panel)

#: (table, column) -> (table, column): every value of the left must exist in the right.
FOREIGN_KEYS = (
    (("staff", "store_id"), ("stores", "store_id")),
    (("staff", "squad_id"), ("squads", "squad_id")),
    (("squads", "store_id"), ("stores", "store_id")),
    (("squads", "leader_staff_id"), ("staff", "staff_id")),
    (("members", "home_store_id"), ("stores", "store_id")),
    (("member_tiers", "member_id"), ("members", "member_id")),
    (("store_fans_monthly", "store_id"), ("stores", "store_id")),
    (("daily_sales", "store_id"), ("stores", "store_id")),
    (("transactions", "store_id"), ("stores", "store_id")),
    (("transactions", "member_id"), ("members", "member_id")),
    (("transactions", "scene_id"), ("scenes", "scene_id")),
    (("transactions", "coupon_id"), ("coupons", "coupon_id")),
    (("transaction_items", "tx_id"), ("transactions", "tx_id")),
    (("transaction_items", "sku_id"), ("products", "sku_id")),
    (("scenes", "squad_id"), ("squads", "squad_id")),
    (("scenes", "store_id"), ("stores", "store_id")),
    (("scene_daily", "scene_id"), ("scenes", "scene_id")),
    (("coupons", "scene_id"), ("scenes", "scene_id")),
    (("coupons", "member_id"), ("members", "member_id")),
    (("coupons", "redeemed_tx_id"), ("transactions", "tx_id")),
    (("shares", "scene_id"), ("scenes", "scene_id")),
    (("shares", "sender_member_id"), ("members", "member_id")),
    (("shares", "sender_staff_id"), ("staff", "staff_id")),
    (("shares", "receiver_member_id"), ("members", "member_id")),
    (("shares", "parent_share_id"), ("shares", "share_id")),
)


@cache
def pandera_schema(name: str, keys: bool = False):
    """The pandera schema of a table (built on first use: pandera is slow to import).

    ``keys=True`` also checks that the table's key is unique (slower on big tables; the
    loader leaves it to :func:`o2o.data.check`)."""
    import pandera.pandas as pa

    t = TABLES[name]
    cols = {}
    for col, c in t.columns.items():
        checks = []
        if c.values:
            checks.append(pa.Check.isin(list(c.values)))
        if c.min is not None:
            checks.append(pa.Check.ge(c.min))
        if c.max is not None:
            checks.append(pa.Check.le(c.max))
        dtype = c.dtype
        cols[col] = pa.Column(dtype, checks=checks, nullable=c.nullable, coerce=False)
    return pa.DataFrameSchema(cols, strict=True, ordered=True,
                              unique=list(t.key) if (keys and t.key) else None, name=name)


_ARROW_TYPES = {"int64": "int64", "Int64": "int64", "int32": "int32", "Int32": "int32", "int16": "int16",
                "float64": "float64", "bool": "bool_", "str": "string", D: "timestamp_ms"}


@cache
def arrow_schema(name: str):
    """The Arrow schema every file of a table is written with, so that all parts of a partitioned
    table share one schema (an empty part would otherwise get other types, e.g. ``null`` strings)."""
    import pyarrow as pa

    fields = []
    for col, c in TABLES[name].columns.items():
        kind = _ARROW_TYPES[c.dtype]
        typ = pa.timestamp("ms") if kind == "timestamp_ms" else getattr(pa, kind)()
        fields.append(pa.field(col, typ, nullable=True))
    return pa.schema(fields)
