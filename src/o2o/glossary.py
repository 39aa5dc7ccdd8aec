"""The course's terms: one canonical Chinese term for each concept, and the variants not to use.

Lessons, the course home and the lesson guide use only the canonical terms (``tests/lessons/test_glossary.py``);
``course/glossary.md`` is this list for instructors and students (:func:`markdown`, checked to agree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Term", "TERMS", "variants_in", "markdown"]


@dataclass(frozen=True)
class Term:
    """A concept: its canonical term, English name, a one-line meaning and the variants that must not appear."""

    zh: str
    en: str
    meaning: str
    avoid: tuple[str, ...]


TERMS: tuple[Term, ...] = (
    Term("场景", "scene", "一次有对象、有激励、有渠道、有起止日期的营销行动,是营销的基本单位", ("情景", "营销情境")),
    Term("战争", "battle", "第18讲列出的13种场景做法之一(品牌推广、自团购、付满送……),讲稿称之为“战争”", ("战役",)),
    Term("一线", "front line", "门店里直接面对顾客的店长和店员", ("前线", "基层员工")),
    Term("小分队", "squad", "一家门店的店长和店员组成、自己发起场景的团队(一线小分队)", ("战队", "小队", "门店小组")),
    Term("班长", "squad leader", "小分队的带头人,既在现场做决定,也带头执行", ("队长", "小分队长")),
    Term("总部市场部", "HQ marketing", "在全网发起场景的总部部门;与小分队相对的发起方", ("总部营销部", "市场总部")),
    Term("小分队场景", "squad scene", "由一线小分队发起的场景;与“总部场景”相对", ("一线场景", "门店场景")),
    Term("粉丝分层", "fan tiers", "按购买频次和互动把会员分成沉睡粉、普通粉、活跃粉、铁杆粉四层",
         ("会员分层", "粉丝等级", "粉丝层次")),
    Term("沉睡粉", "dormant fan", "最近很少或不再购买的会员", ("休眠粉", "沉默粉", "睡眠粉")),
    Term("普通粉", "casual fan", "偶尔购买的会员", ("一般粉",)),
    Term("活跃粉", "active fan", "经常购买的会员", ("积极粉",)),
    Term("铁杆粉", "core fan", "购买最频繁、最愿意转发的会员", ("核心粉", "忠实粉", "忠诚粉")),
    Term("有效粉丝", "engaged fans", "活跃粉与铁杆粉的合计", ("有效会员",)),
    Term("试点门店", "pilot stores", "2015年8月起店长和店员成为股东的直营店", ("实验组", "处理组", "实验门店")),
    Term("对照门店", "control stores", "与试点门店相近、但没有试点的直营店(对照组)", ("控制组", "参照组")),
    Term("双重差分", "difference in differences (DiD)", "试点门店前后的变化减去对照门店同期的变化",
         ("倍差法", "差中差", "双重差异")),
    Term("平行趋势", "parallel trends", "试点之前,试点门店和对照门店走势相同的前提", ("共同趋势",)),
    Term("置信区间", "confidence interval", "估计值可能落在的范围", ("可信区间", "信心区间")),
    Term("5W评估", "the 5W review", "第18讲的五项评估:谁主导、怎么做、谁传播、为何传播、效果", ("五W", "5个W")),
    Term("增量毛利", "incremental margin", "场景带来的、没有场景就不会有的毛利", ("新增毛利", "额外毛利", "增量利润", "毛利增量")),
    Term("每元成本增量毛利", "incremental margin per yuan", "每花一元带回的增量毛利;低于1元就是没有回本",
         ("每元毛利", "每元投入")),
    Term("客单价", "average ticket", "平均每张小票的金额", ("小票金额", "客单额", "平均小票")),
    Term("直营店", "direct-operated store", "连锁自己经营的门店", ("直营门店", "自营店")),
    Term("加盟店", "franchised store", "加盟商经营的门店", ("加盟门店", "特许店")),
    Term("合成数据", "synthetic data", "本课程的数据:按故事生成,不是任何公司的真实记录", ("模拟数据", "虚拟数据", "假数据")),
    Term("后台炮火", "back-office firepower", "总部为一线准备的营销品、渠道、对象数据和供应链支持", ("后台火力", "后方炮火")),
    Term("对流岗位", "convection post", "文章作者说的、线上线下相互服务的岗位", ("对流职位",)),
    Term("传播树", "cascade", "一次转发引出的层层转发", ("裂变树", "级联树")),
    Term("触点", "touchpoint", "顾客与企业接触的每一个地点和时刻", ("接触点",)),
)

_COMMENT = re.compile(r"<!--.*?-->", re.S)


def variants_in(text: str, terms: tuple[Term, ...] = TERMS) -> list[tuple[str, str, str]]:
    """Every variant found in ``text`` (markers and other HTML comments ignored): (variant, canonical, context)."""
    plain = _COMMENT.sub("", text)
    found = []
    for term in terms:
        for variant in term.avoid:
            for m in re.finditer(re.escape(variant), plain):
                context = plain[max(0, m.start() - 15):m.end() + 15].replace("\n", " ")
                found.append((variant, term.zh, context))
    return found


def markdown(terms: tuple[Term, ...] = TERMS) -> str:
    """The glossary as course/glossary.md shows it."""
    rows = ["# 术语表 / Glossary", "",
            "本课程每个概念只用一个中文术语。写讲义、讨论题和作业时,请用左列的说法,不用右列的说法。",
            "*One concept, one term: use the term on the left, not the variants on the right.*", "",
            "本表由 `o2o.glossary` 生成,测试会检查各讲、课程首页和 `docs/lesson-guide.md` 只用规范术语。",
            "*Generated from `o2o.glossary`; the tests check every lesson, the course home and the lesson guide against it.*", "",
            "| 术语 / term | English | 含义 / meaning | 不用 / not |", "|---|---|---|---|"]
    for t in terms:
        rows.append(f"| {t.zh} | {t.en} | {t.meaning} | {'、'.join(t.avoid)} |")
    return "\n".join(rows) + "\n"
