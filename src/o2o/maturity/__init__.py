"""O2O organisational maturity: the five KPA+KPI stages and the 80 % gate.

Based on the article 《O2O最大的难题是权益之争》 (2014; it names no author — "the article's author" below): the stages 双向态度 → 对接信息 → 对流岗位 →
互入人事 → 融合业务, each to be "八成纯熟" (80 % mastered) before the next. The
questionnaire, the scoring formula and the example organisations are the kit's own
construction (see ``docs/maturity-model.md``).

Typical use::

    from o2o.maturity import QUESTIONNAIRE, assess
    answers = {item.id: 4 for item in QUESTIONNAIRE}
    result = assess(answers)
    result.reached_stage, result.mastery, result.gate, result.advice("zh")
"""

from o2o.maturity.analysis import bottleneck_stage, mastery_profile, stage_distribution
from o2o.maturity.assessment import (
    AnswerError,
    AnswerTypeError,
    AnswerValueError,
    Gate,
    MaturityResult,
    MissingAnswerError,
    UnknownItemError,
    assess,
    assess_frame,
    stage_mastery,
    validate_answers,
)
from o2o.maturity.examples import FACTION_PROFILES, example_assessments
from o2o.maturity.figures import faction_profile_figure, mastery_figure
from o2o.maturity.questionnaire import ITEM_BY_ID, ITEM_IDS, LIKERT, QUESTIONNAIRE, Item, items_for_stage
from o2o.maturity.stages import (
    FACTIONS,
    FACTIONS_EN,
    OTHER_SCHOOLS,
    PASS_THRESHOLD,
    STAGE_BY_KEY,
    STAGE_BY_NUMBER,
    STAGES,
    Indicator,
    Stage,
    get_stage,
)

__all__ = [
    "AnswerError", "AnswerTypeError", "AnswerValueError", "FACTIONS", "FACTIONS_EN", "FACTION_PROFILES",
    "Gate", "ITEM_BY_ID", "ITEM_IDS", "Indicator", "Item", "LIKERT", "MaturityResult", "MissingAnswerError",
    "OTHER_SCHOOLS", "PASS_THRESHOLD", "QUESTIONNAIRE", "STAGES", "STAGE_BY_KEY", "STAGE_BY_NUMBER", "Stage",
    "UnknownItemError", "assess", "assess_frame", "bottleneck_stage", "example_assessments", "faction_profile_figure",
    "get_stage", "mastery_figure",
    "items_for_stage", "mastery_profile", "stage_distribution", "stage_mastery", "validate_answers",
]
