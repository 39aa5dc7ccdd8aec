"""The maturity self-test: five Likert items per stage (the kit's own construction).

Each item is a statement about the organisation; the respondent answers on a 1–5 scale
(:data:`LIKERT`). Some items are *reverse-keyed*: agreeing with them signals a problem
(e.g. "suggestions from the stores vanish without reply"), so they are scored
``5 - answer`` instead of ``answer - 1``. Reverse items guard against respondents who
simply agree with everything.

The statements turn the article's descriptions of each stage into things a manager can
recognise in their own company; the wording and the scale are the kit's.
"""

from __future__ import annotations

from dataclasses import dataclass

from o2o.maturity.stages import STAGE_BY_NUMBER, Stage

#: The answer scale: value, Chinese label, English label.
LIKERT: tuple[tuple[int, str, str], ...] = (
    (1, "完全不符合", "not at all true"),
    (2, "不太符合", "mostly untrue"),
    (3, "一般", "partly true"),
    (4, "比较符合", "mostly true"),
    (5, "完全符合", "completely true"),
)
LIKERT_MIN: int = 1
LIKERT_MAX: int = 5


@dataclass(frozen=True)
class Item:
    """One statement of the questionnaire."""

    id: str
    stage: int
    text_zh: str
    text_en: str
    reverse: bool = False

    def text(self, lang: str = "zh") -> str:
        """The statement in ``lang``."""
        return self.text_en if lang == "en" else self.text_zh

    @property
    def stage_obj(self) -> Stage:
        """The :class:`~o2o.maturity.stages.Stage` the item measures."""
        return STAGE_BY_NUMBER[self.stage]

    def score(self, answer: int) -> float:
        """Score of a valid answer on 0–1 (reverse items are flipped)."""
        span = LIKERT_MAX - LIKERT_MIN
        raw = (LIKERT_MAX - answer) if self.reverse else (answer - LIKERT_MIN)
        return raw / span


def _items() -> tuple[Item, ...]:
    spec: dict[int, list[tuple[str, str, bool]]] = {
        1: [
            ("在讨论、提案和计划中,线上线下团队先讲对消费者的好处,再讲对对方团队的好处,最后才讲对自己的好处。",
             "In discussions, proposals and plans, the online and offline teams first state the benefit to "
             "consumers, then to the other team, and only last to themselves.", False),
            ("线下团队把线上团队当作要服务的伙伴,而不是抢生意的对手。",
             "The offline team treats the online team as a partner to serve, not a rival for business.", False),
            ("线上团队同样把门店和一线员工当作要服务的伙伴。",
             "The online team likewise treats the stores and front-line staff as partners to serve.", False),
            ("跨团队合作时,常有人宁可自己吃点亏,也不愿让对方多拿一点权力。",
             "In cross-team work, people often would rather lose out a little than let the other side gain "
             "a little power.", True),
            ("高层在公开场合坚持“先利消费者、再利他人”的原则,并以身作则。",
             "Top management publicly holds to 'consumers first, then others' and lives by it.", False),
        ],
        2: [
            ("门店、包装、小票等线下触点都设置了通往线上的入口(如二维码)。",
             "Offline touchpoints (stores, packaging, receipts) carry an entry to online, such as a QR code.", False),
            ("线下员工即使不参与数据处理,也会主动对二维码的位置、设计和说明提出改进建议。",
             "Even without handling the data, offline staff suggest improvements to where the QR code hangs, "
             "how it looks and what it says.", False),
            ("线上团队定期把扫码、会员、订单等数据反馈给门店。",
             "The online team regularly sends scan, member and order data back to the stores.", False),
            ("线上线下使用同一套商品编码和会员编码,双方的数据对得上。",
             "Online and offline use the same product and member codes, so their data match.", False),
            ("门店提出的建议常常石沉大海,没有人回复。",
             "Suggestions from the stores often vanish without a reply.", True),
        ],
        3: [
            ("店员、客服等处在线上线下交界的岗位,会主动邀请顾客扫码、关注、加好友。",
             "Boundary posts such as clerks and service agents actively invite customers to scan, follow and "
             "add them as friends.", False),
            ("这些岗位有清楚、可计量的目标,例如每人每天新增粉丝数。",
             "These posts have clear, measurable targets, such as new fans per person per day.", False),
            ("在这些岗位上,“服务对方团队”比“向原直属领导汇报”更优先。",
             "In these posts, serving the other team comes before reporting to the former line manager.", False),
            ("一线员工可以自主优化话术、整理文档、营造场景和气氛,不必层层审批。",
             "Front-line staff may improve scripts, documents, scenes and atmosphere without layers of approval.",
             False),
            ("顾客问起线上服务时,门店员工常常说“那是网上的事,我们不清楚”。",
             "When customers ask about online services, store staff often say 'that's the online side, we "
             "don't know'.", True),
        ],
        4: [
            ("公司设有线上线下联合的项目组、工作组或事业部。",
             "The company has joint online–offline project groups, working groups or business units.", False),
            ("联合组的组长从对流岗位上表现最好的人中选拔。",
             "Joint group leaders are chosen from the best performers in the boundary (convection) posts.", False),
            ("组长靠最能加班、最能访谈、最能动手赢得位置,而不是靠职级。",
             "Group leaders earn their place by working hardest — overtime, interviews, hands-on work — not by "
             "rank.", False),
            ("联合组成员的考核由线上、线下双方共同参与。",
             "Members of joint groups are appraised by both the online and the offline side.", False),
            ("员工在线上团队和线下团队之间调动仍然很困难。",
             "Moving people between the online and offline teams is still hard.", True),
        ],
        5: [
            ("线上线下共用库存、会员和价格体系。",
             "Online and offline share one inventory, one membership and one price system.", False),
            ("消费者无论从哪个渠道进来,都得到同样省心、被动、轻参与的体验。",
             "Whichever channel customers come in by, they get the same effortless, passive, light-touch "
             "experience.", False),
            ("业绩按统一的损益核算,不再区分“线上的单”和“线下的单”。",
             "Results are booked in one P&L, with no more 'online orders' versus 'offline orders'.", False),
            ("线上线下之间保留良性竞争,并把它当作保持活力的机制来管理。",
             "Healthy online–offline competition is kept and managed as a source of vitality.", False),
            ("新业务从一开始就由一个融合的团队来规划和经营。",
             "New business is planned and run by one fused team from the start.", False),
        ],
    }
    out: list[Item] = []
    for stage, rows in spec.items():
        for n, (zh, en, rev) in enumerate(rows, start=1):
            out.append(Item(id=f"s{stage}_q{n}", stage=stage, text_zh=zh, text_en=en, reverse=rev))
    return tuple(out)


#: All items, ordered by stage then number. Ids look like ``"s3_q2"`` (stage 3, item 2).
QUESTIONNAIRE: tuple[Item, ...] = _items()
ITEM_BY_ID: dict[str, Item] = {item.id: item for item in QUESTIONNAIRE}
ITEM_IDS: tuple[str, ...] = tuple(ITEM_BY_ID)


def items_for_stage(stage: int) -> tuple[Item, ...]:
    """The items that measure stage ``stage`` (1–5)."""
    return tuple(item for item in QUESTIONNAIRE if item.stage == stage)
