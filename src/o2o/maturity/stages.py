"""The five stages of online–offline collaboration (KPA + KPI).

Source: the article 《O2O最大的难题是权益之争》(2014), which names no author (it speaks as
"笔者"; the kit calls him "the article's author", 文章作者). The article takes the five words
双向、对接、对流、互入、融合 from the O2O writer 叶开 (the author adjusts them
slightly), calls each a KPA (key process area), then pairs each with a measurable
side, the KPI, to get a more operational "KPA+KPI" ladder:

    双向态度 → 对接信息 → 对流岗位 → 互入人事 → 融合业务

Each stage follows the previous one, and the next one should only be considered when
the previous one is about 80 % mastered (the article's "八成纯熟" rule).

The descriptions below paraphrase the article. The *indicators* are the kit's own
construction: concrete things a manager can observe or count for each stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from o2o.errors import O2OError

#: The article's pass rule: a stage must be "八成纯熟" (80 % mastered) before the next one.
PASS_THRESHOLD: float = 80.0

#: The three "enterprise" O2O factions the article addresses (modelled in the example data).
FACTIONS: tuple[str, ...] = ("Offline品牌商", "Offline渠道商", "Online垂直电商")
FACTIONS_EN: dict[str, str] = {
    "Offline品牌商": "offline brand owner",
    "Offline渠道商": "offline channel (retailer/distributor)",
    "Online垂直电商": "online vertical e-commerce",
}
#: The two other schools the article names in passing (not modelled by the kit).
OTHER_SCHOOLS: dict[str, str] = {"平台派": "platform school", "小店派": "small-shop school"}


@dataclass(frozen=True)
class Indicator:
    """A concrete, observable sign that a stage is being mastered (kit's construction)."""

    zh: str
    en: str


@dataclass(frozen=True)
class Stage:
    """One step of the KPA+KPI ladder."""

    number: int
    key: str
    name_zh: str
    name_en: str
    kpa_zh: str
    kpa_en: str
    kpi_zh: str
    kpi_en: str
    description_zh: str
    description_en: str
    indicators: tuple[Indicator, ...]
    advice_zh: str
    advice_en: str

    def name(self, lang: str = "zh") -> str:
        """Stage name in ``lang`` ("zh" or "en")."""
        return self.name_en if lang == "en" else self.name_zh

    def label(self, lang: str = "zh") -> str:
        """``"3 对流岗位"`` style label."""
        return f"{self.number} {self.name(lang)}"


STAGES: tuple[Stage, ...] = (
    Stage(
        number=1,
        key="two_way",
        name_zh="双向态度",
        name_en="Two-way attitude",
        kpa_zh="双向",
        kpa_en="two-way",
        kpi_zh="态度",
        kpi_en="attitude",
        description_zh=(
            "这是原则层面的态度问题:线上、线下两支团队都以服务对方的心态合作,至少要有利他之心。"
            "在讨论、提案、计划、项目组、评审和验收等每一个协作环节,开口先讲对消费者有什么好处,"
            "其次讲对对方团队的好处,最后才讲对自己的好处。作者提醒,这不是表面文章,"
            "而像一次定期的心灵洗涤。"
        ),
        description_en=(
            "A matter of principle: the online and offline teams each work to serve the other, or at least "
            "with an altruistic attitude. In every step of collaboration (discussions, proposals, plans, "
            "working groups, reviews, acceptance) they state first what the consumer gains, then what the "
            "other team gains, and only last what they gain themselves. The author insists this is not "
            "window dressing but a regular cleansing of the mind."
        ),
        indicators=(
            Indicator("联合会议和提案中,先陈述消费者利益、再陈述对方团队利益的比例",
                      "share of joint meetings and proposals that state the consumer's and the partner's benefit first"),
            Indicator("每季度线上线下之间的互相投诉、推诿事件数(越少越好)",
                      "number of cross-team complaints or blame-shifting incidents per quarter (fewer is better)"),
            Indicator("本团队的计划中写入对方团队目标的条目数",
                      "number of the other team's goals written into one's own plan"),
        ),
        advice_zh=(
            "先统一态度:在每一次联合会议、提案和评审的开头,固定讲清“对消费者、对对方、对自己”的三层好处;"
            "由高层带头,并公开表扬让利给对方团队的行为。"
        ),
        advice_en=(
            "Align attitudes first: open every joint meeting, proposal and review by stating the benefit to the "
            "consumer, to the other team and to yourselves, in that order; have top management lead and publicly "
            "praise those who give ground to the other team."
        ),
    ),
    Stage(
        number=2,
        key="connect",
        name_zh="对接信息",
        name_en="Connected information",
        kpa_zh="对接",
        kpa_en="connect",
        kpi_zh="信息",
        kpi_en="information",
        description_zh=(
            "最基础的信息关联。例如门店里放上二维码,线下团队虽然完全不参与后台数据处理,"
            "但因为有了“双向”的态度打底,仍然积极配合,时常就二维码的位置、设计和说明文字提出调整建议。"
        ),
        description_en=(
            "The most basic link of information. For example, QR codes are put up in the stores; the offline "
            "team takes no part in processing the data, but because the two-way attitude is in place it stays "
            "positive and regularly suggests changes to where the code hangs, how it looks and what it says."
        ),
        indicators=(
            Indicator("设置了线上入口(如二维码)的门店和触点占比",
                      "share of stores and touchpoints that carry an online entry such as a QR code"),
            Indicator("每月来自一线员工的改进建议条数及其回复率",
                      "improvement suggestions from front-line staff per month, and the share answered"),
            Indicator("线上数据(扫码、会员、订单)按周反馈到门店的比例",
                      "share of stores that receive online data (scans, members, orders) every week"),
        ),
        advice_zh=(
            "把信息接起来:给每家店设置统一的线上入口(如二维码),统一商品和会员编码,"
            "每周把扫码与会员数据反馈给门店,并对一线的每条建议在一周内给出答复。"
        ),
        advice_en=(
            "Connect the information: give every store the same online entry (such as a QR code), unify product "
            "and member codes, send scan and member data back to the stores every week, and answer every "
            "front-line suggestion within a week."
        ),
    ),
    Stage(
        number=3,
        key="convection",
        name_zh="对流岗位",
        name_en="Convection posts",
        kpa_zh="对流",
        kpa_en="convection",
        kpi_zh="岗位",
        kpi_en="posts",
        description_zh=(
            "比对接更深一层:同样是门店二维码,员工虽不处理数据,却会主动调整位置、热情回答顾客的咨询、"
            "积极推荐顾客扫码。作者最看重这一阶段。处在线上线下交界、也就是消费者状态转换点上的岗位,"
            "不论原来属于哪支团队,岗位职责都以“相互服务”为先,优先于向原直属领导汇报;"
            "这些岗位还享有不依赖其他资源的自我优化权,比如改进话术、整理文档、营造场景和气氛。"
            "文中举了一位做珠宝销售的学员:他要求店员每天为顾客新增若干微信公众号好友,一年后带来了可观的新增收入。"
        ),
        description_en=(
            "Deeper than connecting: with the same in-store QR code, staff who never touch the data now move it "
            "to a better place, answer customers' questions warmly and actively invite them to scan. The author "
            "cares most about this stage. Posts at the boundary between online and offline — the point where the "
            "consumer changes state — put serving each other ahead of reporting to their former line manager, "
            "whichever team they came from, and get the right to improve their own work without waiting for other "
            "resources: sales scripts, documentation, scene setting and atmosphere. The article's example is a "
            "jewellery retailer who asked his clerks to add a set number of WeChat followers every day, with large "
            "new revenue a year later."
        ),
        indicators=(
            Indicator("每名一线员工每天新增的粉丝或公众号好友数",
                      "new fans or WeChat followers added per front-line employee per day"),
            Indicator("交界岗位的考核中“服务对方团队”所占的权重",
                      "weight of 'serving the other team' in the appraisal of boundary posts"),
            Indicator("一线自主发起的话术、场景、陈列改进次数",
                      "number of script, scene and display improvements the front line starts on its own"),
        ),
        advice_zh=(
            "把交界岗位激活:为店员、客服等交界岗位设定可计量的目标(如每人每天新增粉丝数),"
            "把“服务对方团队”写进考核,并把话术、场景、气氛的优化权直接交给他们。"
        ),
        advice_en=(
            "Activate the boundary posts: give clerks and service agents measurable targets (such as new fans per "
            "person per day), put 'serving the other team' into their appraisal, and hand them the right to improve "
            "scripts, scenes and atmosphere themselves."
        ),
    ),
    Stage(
        number=4,
        key="mutual_entry",
        name_zh="互入人事",
        name_en="Mutual entry of personnel",
        kpa_zh="互入",
        kpa_en="mutual entry",
        kpi_zh="人事",
        kpi_en="personnel",
        description_zh=(
            "作者把过去所说的“打入”改称“互入”,意思是消灭线上线下之间的壁垒。对消费者来说,"
            "线上线下之分没有意义,他们要的是消费主权。互入首先要有组织保证:联合项目组、联合工作组、"
            "联合事业部。组里虽有组长、副组长、组员之分,但组长不是官,而应是最能加班、最能访谈、"
            "最能动手的那个人;对流岗位上的优秀者,自然就是组长人选。"
        ),
        description_en=(
            "The author renames the older word 'breaking in' as 'mutual entry': removing the wall between online "
            "and offline. To consumers the split means nothing; what they want is consumer sovereignty. Mutual "
            "entry needs organisational guarantees first: joint project groups, joint working groups, joint "
            "business units. A group has a leader, deputies and members, but the leader is no official: it is the "
            "person who works the hardest — the most overtime, the most interviews, the most hands-on work; the "
            "best people from the convection posts are the natural candidates."
        ),
        indicators=(
            Indicator("线上线下联合项目组、工作组或事业部的数量",
                      "number of joint online–offline project groups, working groups or business units"),
            Indicator("参加联合组的员工占比,以及组长来自对流岗位的比例",
                      "share of staff in joint groups, and share of group leaders who come from convection posts"),
            Indicator("由双方共同参与考核的员工占比",
                      "share of staff appraised jointly by both sides"),
        ),
        advice_zh=(
            "用组织打通人事:成立线上线下联合项目组,从对流岗位的优秀者中选组长,"
            "让组长凭干活而不是凭职级服人,并由双方共同考核组员。"
        ),
        advice_en=(
            "Join the organisations: set up joint online–offline project groups, choose their leaders from the best "
            "people in the convection posts, let leaders earn their place by their work rather than their rank, and "
            "have both sides appraise the members."
        ),
    ),
    Stage(
        number=5,
        key="fusion",
        name_zh="融合业务",
        name_en="Fused business",
        kpa_zh="融合",
        kpa_en="fusion",
        kpi_zh="业务",
        kpi_en="business",
        description_zh=(
            "合二为一。作者认为,只要外部竞争依然激烈,融合也许永远达不到;"
            "而线上线下之间的竞争本身,也有保持O2O活力的积极意义。所以融合是方向,而不是一个可以“验收完毕”的终点。"
        ),
        description_en=(
            "Becoming one. The author thinks that as long as outside competition stays fierce, fusion may never be "
            "fully reached — and that competition between online and offline itself has a positive side: it keeps "
            "O2O alive. Fusion is a direction, not a finish line to sign off."
        ),
        indicators=(
            Indicator("共用库存、会员和价格体系的业务占比",
                      "share of the business that shares one inventory, membership and pricing"),
            Indicator("按统一损益核算、不再区分线上单和线下单的业绩占比",
                      "share of results booked in one P&L, with no 'online order' versus 'offline order'"),
            Indicator("跨渠道消费者的满意度差异(越小越好)",
                      "gap in satisfaction between channels for the same customers (smaller is better)"),
        ),
        advice_zh=(
            "把业务合起来,但保留良性竞争:逐步统一库存、会员、价格与损益核算,"
            "同时把线上线下之间的比拼当作保持活力的机制来管理,而不是消灭它。"
        ),
        advice_en=(
            "Merge the business but keep healthy rivalry: unify inventory, members, prices and the P&L step by step, "
            "and manage the online–offline contest as a source of vitality rather than abolishing it."
        ),
    ),
)

STAGE_BY_NUMBER: dict[int, Stage] = {s.number: s for s in STAGES}
STAGE_BY_KEY: dict[str, Stage] = {s.key: s for s in STAGES}


def get_stage(stage: int | str) -> Stage:
    """Look a stage up by number (1–5), key (``"convection"``) or Chinese name (``"对流岗位"``)."""
    for s in STAGES:
        if stage in (s.number, s.key, s.name_zh, s.kpa_zh, s.kpi_zh) and not isinstance(stage, bool):
            return s
    names = "、".join(s.name_zh for s in STAGES)
    raise O2OError(
        f"没有这个阶段:{stage!r}。可用的阶段是 1–5 或:{names}。",
        f"Unknown stage {stage!r}. Use a number 1–5 or one of: {', '.join(s.name_en for s in STAGES)}.",
    )
