"""Tables as a lesson shows them: Chinese column names.

The analysis functions return tables with short English column names (``margin_per_yuan``) so that code,
markers and tests can name them; a lesson displays them through :func:`show`, which renames columns, index
and column-axis names with the one column glossary :data:`COLUMNS` (dataset columns fall back to the data
dictionary, ``o2o.data.schema``), drops the English helper columns (``*_en``) and applies number formats
keyed by the original names. The table itself is not changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from .data.schema import TABLES
from .errors import DataError

__all__ = ["COLUMNS", "KEEP", "label", "chinese", "show"]

#: snake_case column name → Chinese label (unit in parentheses when it is not obvious)
COLUMNS: dict[str, str] = {
    # time
    "month": "月份", "weekday_zh": "星期", "cohort": "开店年份", "step": "步骤", "wave": "批次",
    # stores and the network
    "store_id": "门店编号", "store_name": "门店名称", "city": "城市", "format": "业态", "ownership": "经营方式",
    "stores": "门店数", "share": "占比", "format_median": "同业态中位数", "group": "分组", "quadrant": "象限",
    "sales_yuan": "销售额(元)", "sales_per_day": "日均销售额(元)", "sales_per_store_day": "单店日均销售额(元)",
    "rent_share": "租金占销售额", "profit_per_day": "日均贡献利润(元)", "growth": "增长", "yuan": "金额(元)",
    "pct_of_first": "占第一项的比例",
    # tickets and payments
    "transactions": "交易笔数", "tickets": "小票数", "member_tickets": "会员小票数",
    "member_ticket_share": "会员小票占比", "member_share": "会员占比", "mobile_share": "移动支付占比",
    "avg_ticket_yuan": "客单价(元)", "avg_items": "平均件数", "customer": "顾客", "payment_method": "支付方式",
    # products
    "category": "品类", "role": "角色", "margin_rate": "毛利率", "margin_share": "毛利占比",
    "sales_share": "销售额占比", "penetration": "渗透率",
    # members and fans
    "members": "会员数", "join_channel": "入会渠道", "tier": "粉丝层级", "engaged_share": "有效粉丝占比",
    "mean_fans": "平均有效粉丝数", "quartile": "四分位组", "fan_growth": "粉丝增长",
    "fans_first_per_store": "期初每店粉丝数", "fans_last_per_store": "期末每店粉丝数",
    "engaged_share_first": "期初有效粉丝占比", "engaged_share_last": "期末有效粉丝占比",
    "touchpoint": "触点", "contacts": "接触人次",
    # scenes
    "scene_name": "场景", "scene_type": "场景类型", "battle": "战争", "initiator": "发起方", "channels": "传播渠道",
    "mode": "渠道方式", "scenes": "场景数", "reach": "触达人数", "reach_per_scene": "每场触达人数",
    "conversions": "成交人数", "conversion_rate": "转化率", "visit_rate": "到店率", "share_rate": "分享率",
    "p2p_share": "点对点触达占比", "median_lead_days": "从想法到上线(天,中位数)",
    "median_duration_days": "持续天数(中位数)", "cost_per_scene": "每场花费(元)",
    "margin_per_scene": "每场增量毛利(元)", "margin_per_yuan": "每元成本增量毛利(元)",
    "new_members_per_scene": "每场新会员数", "new_members_per_1000_yuan": "每千元新会员数",
    "squad_share": "小分队发起占比", "squad_scenes": "小分队场景数", "squad_scenes_per_store": "每店小分队场景数",
    "partner": "异业伙伴",
    # the front line and the pilot
    "leader_capability": "班长能力", "pilot_group": "试点分组", "pilot_stores": "试点门店数",
    "control_stores": "对照门店数", "effect": "试点效果", "ci_low": "置信区间下限", "ci_high": "置信区间上限",
    "new_members_per_staff_day": "每名一线员工每天新会员数", "losing_money": "亏损门店",
    "outside_pilot_city": "试点城市以外", "weak_leader": "班长能力较弱",
    # scorecards, 5W, maturity
    "score": "得分", "rank_in_format": "同业态排名", "metric": "度量", "value": "数值", "percentile": "同业态百分位",
    "verdict": "判断", "indicator": "指标", "W": "维度", "name": "名称", "feedback": "评语",
    "faction": "派别", "n": "人数", "name_zh": "阶段", "bottleneck_stage": "卡住的阶段", "share_blocked": "卡住的比例",
    # the data overview
    "年销售额_亿元": "年销售额(亿元)",
    "table": "数据表", "rows": "行数", "columns": "列数", "first columns": "前几列",
}

#: names that stay as they are: the lecture's own 5W letters, the article's KPA / KPI
KEEP = frozenset({"Who", "What", "Way", "Why", "Worth", "KPA", "KPI"})

_SHARE_OF = re.compile(r"^share_(.+)$")
_ENGLISH = re.compile(r"^[A-Za-z][A-Za-z0-9_ ]*$")


def _dictionary() -> dict[str, str]:
    found: dict[str, str] = {}
    for table in TABLES.values():
        for name, col in table.columns.items():
            found.setdefault(name, col.zh)
    return found


_DATA_DICTIONARY = _dictionary()


def label(name: object) -> str:
    """The Chinese label of a column name (unchanged when it is already Chinese or has none)."""
    if not isinstance(name, str) or name in KEEP:
        return name
    if name in COLUMNS:
        return COLUMNS[name]
    m = _SHARE_OF.match(name)
    if m and not _ENGLISH.match(m.group(1)):
        return f"{m.group(1)}占比"
    return _DATA_DICTIONARY.get(name, name)


def chinese(table: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """A copy of ``table`` (a Series becomes a one-column table) with Chinese column, index and axis names."""
    if isinstance(table, pd.Series):
        table = table.to_frame(name=table.name if table.name is not None else "value")
    if not isinstance(table, pd.DataFrame):
        raise DataError("show() 只能显示数据表(DataFrame 或 Series)。", "show() displays a table (DataFrame or Series).")
    out = table.drop(columns=[c for c in table.columns if isinstance(c, str) and c.endswith("_en")])
    out = out.rename(columns=label)
    out.columns = out.columns.set_names([label(n) for n in out.columns.names])
    out.index = out.index.set_names([label(n) for n in out.index.names])
    return out


def show(table: pd.DataFrame | pd.Series, formats: Mapping[str, str] | str | None = None, *,
         digits: int | None = None, na_rep: str | None = None):
    """``table`` as a lesson displays it: Chinese names, optionally rounded or formatted.

    ``formats`` maps original column names to format strings (``{"margin_per_yuan": "{:.2f}"}``), or is one
    format for every column; the result is then a pandas Styler. ``digits`` rounds the numbers first.
    """
    out = chinese(table)
    if digits is not None:
        out = out.round(digits)
    if formats is None:
        return out
    if isinstance(formats, str):
        return out.style.format(formats, na_rep=na_rep)
    unknown = [k for k in formats if label(k) not in out.columns]
    if unknown:
        raise DataError(f"要格式化的列不在表里:{', '.join(map(str, unknown))}。",
                        f"Columns to format are not in the table: {', '.join(map(str, unknown))}.")
    return out.style.format({label(k): v for k, v in formats.items()}, na_rep=na_rep)
