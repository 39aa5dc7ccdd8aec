"""Scoring the self-test and applying the 80 % gate.

* **Item score** (kit's construction): an answer ``a`` on the 1–5 scale scores ``(a-1)/4``;
  a reverse-keyed item scores ``(5-a)/4``. So 1 → 0 and 5 → 1 (flipped for reverse items).
* **Stage mastery** (kit's construction): the mean item score of the stage's items, × 100,
  giving 0–100 %.
* **The gate** (from the article): 《O2O最大的难题是权益之争》 says each KPA+KPI stage
  follows the previous one, and the next may be considered only when the previous one is
  "八成纯熟" — about 80 % mastered. So an organisation *reaches* stage ``k`` only when every
  stage before ``k`` has mastery ≥ 80 %. Stage 1 is where everyone starts. The first stage
  below 80 % is the *gate* that blocks the way on; the organisation is working on it now.

High scores on stages beyond the gate do not count: the article's point is that later
stages are impossible without the groundwork of the earlier ones. They are reported as
``ahead_of_gate`` so the advice can warn about building on sand.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from o2o.errors import O2OError
from o2o.maturity.questionnaire import ITEM_BY_ID, LIKERT_MAX, LIKERT_MIN, QUESTIONNAIRE, items_for_stage
from o2o.maturity.stages import PASS_THRESHOLD, STAGE_BY_NUMBER, STAGES, Stage


class AnswerError(O2OError):
    """The answers to the maturity self-test cannot be scored."""


class MissingAnswerError(AnswerError):
    """Some questions were not answered."""


class UnknownItemError(AnswerError):
    """An answer was given to a question id the questionnaire does not have."""


class AnswerValueError(AnswerError):
    """An answer is outside the 1–5 scale or not a whole number."""


class AnswerTypeError(AnswerError):
    """The answers (or one answer) have the wrong type, e.g. text instead of a number."""


@dataclass(frozen=True)
class Gate:
    """The gate that blocks the way from ``from_stage`` to ``to_stage``."""

    from_stage: int
    to_stage: int
    mastery: float
    threshold: float

    @property
    def shortfall(self) -> float:
        """Percentage points still missing to pass the gate."""
        return max(0.0, self.threshold - self.mastery)


@dataclass(frozen=True)
class MaturityResult:
    """What :func:`assess` finds.

    Attributes
    ----------
    mastery: stage number → mastery in % (0–100).
    reached_stage: the highest stage the organisation may work on (1–5): every earlier stage is ≥ threshold.
    passed: stages passed through the gate, in order (a prefix of 1..5).
    completed: all five stages are at or above the threshold.
    gate: the first stage below the threshold that blocks the next stage, or ``None``
        (all of stages 1–4 pass; stage 5 has no next stage to block).
    ahead_of_gate: stages after the gate whose own mastery is already ≥ threshold.
    weakest_items: ids of the lowest-scoring items of the stage the organisation works on now.
    advice_zh / advice_en: what to do next.
    """

    mastery: dict[int, float]
    reached_stage: int
    passed: tuple[int, ...]
    completed: bool
    gate: Gate | None
    ahead_of_gate: tuple[int, ...]
    weakest_items: tuple[str, ...]
    advice_zh: str
    advice_en: str
    threshold: float = PASS_THRESHOLD
    item_scores: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def stage(self) -> Stage:
        """The reached :class:`Stage`."""
        return STAGE_BY_NUMBER[self.reached_stage]

    def advice(self, lang: str = "zh") -> str:
        """The advice in ``lang``."""
        return self.advice_en if lang == "en" else self.advice_zh

    def to_frame(self, lang: str = "zh") -> pd.DataFrame:
        """One row per stage: name, KPA, KPI, mastery and status (for tables and bar charts)."""
        rows = []
        for s in STAGES:
            m = self.mastery[s.number]
            if s.number in self.passed:
                status = ("已过关", "passed")
            elif s.number == self.reached_stage:
                status = ("当前阶段", "current")
            else:
                status = ("未到达", "not reached")
            rows.append({
                "stage": s.number,
                "name": s.name(lang),
                "kpa": s.kpa_en if lang == "en" else s.kpa_zh,
                "kpi": s.kpi_en if lang == "en" else s.kpi_zh,
                "mastery": m,
                "passed": s.number in self.passed,
                "status": status[1] if lang == "en" else status[0],
            })
        return pd.DataFrame(rows)

    def summary(self, lang: str = "zh") -> str:
        """One short paragraph: reached stage, mastery of each stage and the advice."""
        parts = [f"{s.name(lang)} {self.mastery[s.number]:.0f}%" for s in STAGES]
        if lang == "en":
            head = f"Reached stage {self.reached_stage}: {self.stage.name_en}. Mastery: " + ", ".join(parts) + "."
        else:
            head = f"已到达第{self.reached_stage}阶段「{self.stage.name_zh}」。各阶段掌握度:" + ",".join(parts) + "。"
        return head + "\n" + self.advice(lang)


def _stage_list_zh(ids: list[str]) -> str:
    by_stage: dict[int, list[str]] = {}
    for i in ids:
        by_stage.setdefault(ITEM_BY_ID[i].stage, []).append(i)
    return ";".join(f"第{k}阶段「{STAGE_BY_NUMBER[k].name_zh}」:{', '.join(v)}" for k, v in sorted(by_stage.items()))


def _preview(ids: list[str], n: int = 8) -> str:
    shown = ", ".join(ids[:n])
    return shown + (f" …(共 {len(ids)} 个 / {len(ids)} in all)" if len(ids) > n else "")


def validate_answers(answers: object) -> dict[str, int]:
    """Check a set of answers and return it as ``{item_id: int}``.

    Raises an :class:`AnswerError` subclass with a Chinese and English message when the
    answers are not a mapping, contain unknown ids, miss items, or hold values that are not
    whole numbers on the 1–5 scale. Integral floats (``4.0``) and NumPy integers are accepted.
    """
    if isinstance(answers, pd.Series):
        answers = answers.to_dict()
    if not isinstance(answers, Mapping):
        raise AnswerTypeError(
            f"答案应是一个字典,形如 {{'s1_q1': 4, 's1_q2': 5, …}},收到的是 {type(answers).__name__}。",
            f"Answers must be a dict such as {{'s1_q1': 4, 's1_q2': 5, ...}}; got {type(answers).__name__}.",
        )
    unknown = [str(k) for k in answers if k not in ITEM_BY_ID]
    if unknown:
        raise UnknownItemError(
            f"问卷里没有这些题号:{_preview(unknown)}。题号形如 s1_q1(第1阶段第1题),共 {len(QUESTIONNAIRE)} 题。",
            f"The questionnaire has no item(s) {_preview(unknown)}. Ids look like s1_q1 (stage 1, item 1); "
            f"there are {len(QUESTIONNAIRE)} items.",
        )
    missing = [item.id for item in QUESTIONNAIRE if item.id not in answers]
    if missing:
        raise MissingAnswerError(
            f"还有 {len(missing)} 道题没有回答 — {_stage_list_zh(missing)}。请全部作答后再评估。",
            f"{len(missing)} item(s) are unanswered: {_preview(missing)}. Please answer every item before assessing.",
        )
    clean: dict[str, int] = {}
    for item in QUESTIONNAIRE:
        value = answers[item.id]
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise AnswerTypeError(
                f"第 {item.id} 题的答案应是 {LIKERT_MIN}–{LIKERT_MAX} 的整数,收到的是 {value!r}({type(value).__name__})。",
                f"The answer to {item.id} must be a whole number from {LIKERT_MIN} to {LIKERT_MAX}; "
                f"got {value!r} ({type(value).__name__}).",
            )
        fval = float(value)
        if fval != fval or not fval.is_integer():
            raise AnswerValueError(
                f"第 {item.id} 题的答案 {value!r} 不是整数;请从 {LIKERT_MIN}(完全不符合)到 {LIKERT_MAX}(完全符合)中选一个。",
                f"The answer to {item.id} ({value!r}) is not a whole number; pick one of {LIKERT_MIN} "
                f"(not at all true) to {LIKERT_MAX} (completely true).",
            )
        ival = int(fval)
        if not LIKERT_MIN <= ival <= LIKERT_MAX:
            raise AnswerValueError(
                f"第 {item.id} 题的答案 {ival} 超出范围;只能是 {LIKERT_MIN}(完全不符合)到 {LIKERT_MAX}(完全符合)。",
                f"The answer to {item.id} ({ival}) is out of range; it must be {LIKERT_MIN} (not at all true) "
                f"to {LIKERT_MAX} (completely true).",
            )
        clean[item.id] = ival
    return clean


def _check_threshold(threshold: object) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 < float(threshold) <= 100:
        raise AnswerValueError(
            f"过关线应是 0 到 100 之间的百分数(原文的“八成纯熟”即 80),收到的是 {threshold!r}。",
            f"The pass threshold must be a percentage in (0, 100] (the article's rule is 80); got {threshold!r}.",
        )
    return float(threshold)


def stage_mastery(answers: Mapping[str, int]) -> dict[int, float]:
    """Mastery (0–100 %) of every stage from validated answers."""
    clean = validate_answers(answers)
    return {s.number: 100.0 * _mean([ITEM_BY_ID[i.id].score(clean[i.id]) for i in items_for_stage(s.number)])
            for s in STAGES}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def assess(answers: Mapping[str, int], threshold: float = PASS_THRESHOLD) -> MaturityResult:
    """Score a complete set of answers and apply the 80 % gate.

    Parameters
    ----------
    answers: ``{item_id: answer}`` for every item of :data:`~o2o.maturity.questionnaire.QUESTIONNAIRE`,
        each answer a whole number 1–5.
    threshold: mastery (%) a stage needs before the next stage may start; the article's rule is 80.

    Examples
    --------
    >>> from o2o.maturity import QUESTIONNAIRE, assess
    >>> answers = {item.id: (1 if item.reverse else 5) for item in QUESTIONNAIRE}
    >>> assess(answers).completed
    True
    >>> answers["s2_q1"] = 1   # one weak answer: stage 2 falls to 80 %, still passes
    >>> assess(answers).completed
    True
    >>> answers["s2_q2"] = 2   # a second one: 65 %, the gate closes
    >>> r = assess(answers)
    >>> r.reached_stage, r.gate.from_stage, round(r.mastery[2])
    (2, 2, 65)
    """
    limit = _check_threshold(threshold)
    clean = validate_answers(answers)
    item_scores = {i: ITEM_BY_ID[i].score(v) for i, v in clean.items()}
    mastery = {s.number: 100.0 * _mean([item_scores[i.id] for i in items_for_stage(s.number)]) for s in STAGES}
    # tiny tolerance so that 4 of 5 items at "5" (exactly 80 %) passes despite float rounding
    ok = {k: m >= limit - 1e-9 for k, m in mastery.items()}

    passed: list[int] = []
    for s in STAGES:
        if not ok[s.number]:
            break
        passed.append(s.number)
    completed = len(passed) == len(STAGES)
    reached = min(len(STAGES), len(passed) + 1)
    gate = None
    if reached < len(STAGES):  # stage 5 has no next stage to block
        gate = Gate(from_stage=reached, to_stage=reached + 1, mastery=mastery[reached], threshold=limit)
    ahead = tuple(k for k in mastery if k > reached and ok[k])

    current_items = items_for_stage(reached)
    ranked = sorted(current_items, key=lambda it: (item_scores[it.id], it.id))
    weakest = tuple(it.id for it in ranked if item_scores[it.id] < 1.0)[:2]

    advice_zh, advice_en = _advice(mastery, reached, completed, gate, ahead, weakest, limit)
    return MaturityResult(
        mastery=mastery, reached_stage=reached, passed=tuple(passed), completed=completed, gate=gate,
        ahead_of_gate=ahead, weakest_items=weakest, advice_zh=advice_zh, advice_en=advice_en,
        threshold=limit, item_scores=item_scores,
    )


def _advice(mastery: dict[int, float], reached: int, completed: bool, gate: Gate | None,
            ahead: tuple[int, ...], weakest: tuple[str, ...], limit: float) -> tuple[str, str]:
    cur = STAGE_BY_NUMBER[reached]
    zh: list[str] = []
    en: list[str] = []
    if completed:
        zh.append(f"五个阶段都已达到 {limit:.0f}% 以上。原文提醒:只要外部竞争激烈,融合可能永远达不到终点,"
                  "线上线下的良性竞争反而能保持活力 — 请继续巩固,并定期复测。")
        en.append(f"All five stages are at {limit:.0f}% or more. The article warns that while outside competition "
                  "is fierce, fusion may never be finished and online–offline rivalry keeps O2O alive — keep "
                  "consolidating and re-assess regularly.")
    elif gate is not None:
        nxt = STAGE_BY_NUMBER[gate.to_stage]
        zh.append(f"你的组织正处在第{reached}阶段「{cur.name_zh}」,掌握度 {gate.mastery:.0f}%,"
                  f"距离“八成纯熟”({limit:.0f}%)还差 {gate.shortfall:.0f} 个百分点;"
                  f"在此之前,先不要推进第{nxt.number}阶段「{nxt.name_zh}」。")
        en.append(f"Your organisation is at stage {reached}, {cur.name_en}, with {gate.mastery:.0f}% mastery — "
                  f"{gate.shortfall:.0f} points short of the {limit:.0f}% rule; hold off stage {nxt.number}, "
                  f"{nxt.name_en}, until then.")
        zh.append("建议:" + cur.advice_zh)
        en.append("Advice: " + cur.advice_en)
    else:  # stages 1–4 pass, stage 5 below the line
        zh.append(f"前四个阶段都已过关,你的组织正在第5阶段「{cur.name_zh}」,掌握度 {mastery[5]:.0f}%。"
                  "原文认为融合可能永远达不到终点,这是一个方向。")
        en.append(f"Stages 1–4 pass; your organisation works on stage 5, {cur.name_en}, at {mastery[5]:.0f}%. "
                  "The article sees fusion as a direction that may never be fully reached.")
        zh.append("建议:" + cur.advice_zh)
        en.append("Advice: " + cur.advice_en)
    if weakest and not completed:
        rev_zh = {True: "(反向题:越不符合越好)", False: ""}
        rev_en = {True: " (reverse item: less true is better)", False: ""}
        zh.append("最该先改进的题目:" + ";".join(
            f"{i}「{ITEM_BY_ID[i].text_zh}」{rev_zh[ITEM_BY_ID[i].reverse]}" for i in weakest))
        en.append("Improve these items first: " + "; ".join(
            f"{i} '{ITEM_BY_ID[i].text_en}'{rev_en[ITEM_BY_ID[i].reverse]}" for i in weakest))
    if ahead:
        names_zh = "、".join(f"「{STAGE_BY_NUMBER[k].name_zh}」" for k in ahead)
        names_en = ", ".join(STAGE_BY_NUMBER[k].name_en for k in ahead)
        zh.append(f"注意:{names_zh}的得分已经很高,但前面的阶段还没打牢 — 原文的逻辑是后一阶段以前一阶段为铺垫,"
                  "这样的高分可能是空中楼阁,值得在课堂上讨论它从哪里来。")
        en.append(f"Note: {names_en} already score high although an earlier stage is not yet in place — in the "
                  "article each stage rests on the one before, so these scores may be built on sand; discuss where "
                  "they come from.")
    return "\n".join(zh), "\n".join(en)


def assess_frame(frame: pd.DataFrame, threshold: float = PASS_THRESHOLD) -> pd.DataFrame:
    """Assess every row of a DataFrame whose columns include all item ids.

    Returns one row per input row (same index) with ``mastery_1`` … ``mastery_5``,
    ``reached_stage``, ``gate_stage`` (nullable: the blocking stage) and ``completed``.
    A bad row raises an :class:`AnswerError` that names the row.
    """
    if not isinstance(frame, pd.DataFrame):
        raise AnswerTypeError(
            f"需要一个 DataFrame(每行一家组织,每列一道题),收到的是 {type(frame).__name__}。",
            f"Expected a DataFrame (one row per organisation, one column per item); got {type(frame).__name__}.",
        )
    rows = []
    for idx, row in frame.iterrows():
        answers = {k: row[k] for k in row.index if k in ITEM_BY_ID}
        for k in ITEM_BY_ID:
            if k not in answers:
                continue
            v = answers[k]
            if v is pd.NA or (isinstance(v, float) and v != v):
                answers.pop(k)
        try:
            r = assess(answers, threshold=threshold)
        except AnswerError as exc:
            raise type(exc)(f"第 {idx!r} 行:{exc.zh}", f"Row {idx!r}: {exc.en}") from None
        rec = {f"mastery_{k}": v for k, v in r.mastery.items()}
        rec.update(reached_stage=r.reached_stage, gate_stage=(r.gate.from_stage if r.gate else pd.NA),
                   completed=r.completed)
        rows.append(rec)
    columns = [f"mastery_{s.number}" for s in STAGES] + ["reached_stage", "gate_stage", "completed"]
    out = pd.DataFrame(rows, index=frame.index, columns=columns)
    if len(out):
        out["gate_stage"] = out["gate_stage"].astype("Int64")
        out["reached_stage"] = out["reached_stage"].astype("int64")
    return out
