"""MaturityAssessment: the O2O maturity self-test, its stage result and the 80 % gate."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import plotly.graph_objects as go

from o2o.maturity import LIKERT, PASS_THRESHOLD, QUESTIONNAIRE, STAGES, assess
from o2o.widgets.figure import figure
from o2o.widgets.base import (
    FieldSpec,
    FrozenHBox,
    FrozenHTML,
    FrozenVBox,
    GuardedButton,
    GuardedToggleButtons,
    Panel,
    Problem,
    safe,
    tr,
)

ANSWERS = tuple(v for v, _, _ in LIKERT)


class MaturityAssessment(Panel):
    """The 25-item questionnaire; press the button to see the stage reached and the gate."""

    def __init__(self, lang: str = "zh", threshold: float = PASS_THRESHOLD, **kwargs: Any) -> None:
        super().__init__(lang=lang, **kwargs)
        self.threshold = threshold
        self.result = None
        self._build_questions()
        self._build_figure()
        self._assess_btn = GuardedButton(button_style="primary", icon="check")
        self._assess_btn.on_click(self._on_assess)
        self._progress = FrozenHTML()
        self._result_html = FrozenHTML()
        self.children = [self._questions, FrozenHBox([self._assess_btn, self._progress]),
                         self._messages, self._result_html, self._fig]
        self._relabel()
        self.update()

    # ------------------------------------------------------------------ builders

    def _build_questions(self) -> None:
        self._answer_widgets: dict[str, GuardedToggleButtons] = {}
        self._item_html: dict[str, FrozenHTML] = {}
        self._stage_html: dict[int, FrozenHTML] = {}
        rows: list[W.Widget] = []
        for stage in STAGES:
            head = FrozenHTML()
            self._stage_html[stage.number] = head
            rows.append(head)
            for item in (i for i in QUESTIONNAIRE if i.stage == stage.number):
                spec = FieldSpec(item.id, f"第 {item.id} 题", f"item {item.id}", "choice", options=ANSWERS)
                btns = GuardedToggleButtons(options=[(str(v), v) for v in ANSWERS], value=None,
                                            style={"button_width": "44px"})
                btns._guard_setup(spec, self._refused)
                btns.observe(self._on_answer, names="value")
                text = FrozenHTML(layout={"width": "560px"})
                self._answer_widgets[item.id] = btns
                self._item_html[item.id] = text
                rows.append(FrozenHBox([text, btns]))
        self._questions = FrozenVBox(rows)

    def _build_figure(self) -> None:
        self._fig = figure(data=[go.Bar(x=[s.name_zh for s in STAGES], y=[0] * len(STAGES),
                                                 marker_color=["#d0d5dd"] * len(STAGES),
                                                 texttemplate="%{y:.0f}%", textposition="outside")])
        self._fig.update_layout(height=340, margin={"l": 40, "r": 10, "t": 50, "b": 40},
                                yaxis={"range": [0, 110], "ticksuffix": "%"})
        self._fig.add_hline(y=self.threshold, line_dash="dash", line_color="#b42318")

    # ------------------------------------------------------------------ behaviour

    def answers(self) -> dict[str, int]:
        """The answers given so far (unanswered items are left out)."""
        return {k: w.value for k, w in self._answer_widgets.items() if w.value is not None}

    def set_answers(self, answers: dict[str, int]) -> None:
        """Fill in answers from Python (e.g. an example organisation)."""
        for key, value in answers.items():
            w = self._answer_widgets.get(key)
            if w is None:
                self._messages.show(Problem(f"问卷里没有题号 {key}。", f"The questionnaire has no item {key}."))
                return
            problem = w._spec.problem(value)
            if problem is not None:
                self._messages.show(problem, "error", self.lang)
                return
        self._quiet = True
        try:
            for key, value in answers.items():
                self._answer_widgets[key].value = value
        finally:
            self._quiet = False
        self._show_progress()

    @safe
    def _on_answer(self, change: dict) -> None:
        if not self._quiet:
            self._show_progress()

    @safe
    def _on_assess(self, _button: Any = None) -> None:
        self.assess()

    def assess(self) -> None:
        """Score the answers (a bilingual message names any unanswered item)."""
        self.result = assess(self.answers(), threshold=self.threshold)
        self.update()

    def _show_progress(self) -> None:
        n, total = len(self.answers()), len(QUESTIONNAIRE)
        self._progress.value = tr(f"已回答 {n} / {total} 题", f"{n} of {total} answered", self.lang)

    @safe
    def update(self) -> None:
        """Redraw the mastery bars, the stage reached and the advice."""
        lang = self.lang
        self._show_progress()
        res = self.result
        with self._fig.batch_update():
            bar = self._fig.data[0]
            bar.x = [s.name(lang) for s in STAGES]
            if res is None:
                bar.y = [0] * len(STAGES)
                bar.marker.color = ["#d0d5dd"] * len(STAGES)
            else:
                bar.y = [round(res.mastery[s.number], 1) for s in STAGES]
                bar.marker.color = ["#12b76a" if s.number in res.passed else
                                    ("#f79009" if s.number == res.reached_stage else "#d0d5dd") for s in STAGES]
            self._fig.layout.title = tr(f"各阶段掌握度(虚线 = {self.threshold:.0f}% 过关线)",
                                        f"Mastery by stage (dashed line = the {self.threshold:.0f}% gate)", lang)
        if res is None:
            self._result_html.value = ""
            self._messages.clear()
            return
        stage = res.stage
        if res.completed:
            gate = tr("五个阶段全部过关。", "All five stages pass the gate.", lang)
        elif res.gate is not None:
            gate = tr(f"80% 关口:第{res.gate.from_stage}阶段 {res.gate.mastery:.0f}%,还差 {res.gate.shortfall:.0f} 个百分点才能进入第{res.gate.to_stage}阶段。",
                      f"The 80% gate: stage {res.gate.from_stage} is at {res.gate.mastery:.0f}%, "
                      f"{res.gate.shortfall:.0f} points short of stage {res.gate.to_stage}.", lang)
        else:
            gate = tr("前四个阶段已过关。", "Stages 1-4 pass the gate.", lang)
        advice = "<br>".join(html.escape(line) for line in res.advice(lang).splitlines())
        self._result_html.value = (
            f"<h3>{html.escape(tr('已到达', 'Reached', lang))}: {res.reached_stage} · {html.escape(stage.name(lang))}</h3>"
            f"<p><b>{html.escape(gate)}</b></p><p>{advice}</p>"
        )
        self._messages.clear()

    def _relabel(self) -> None:
        lang = self.lang
        for stage in STAGES:
            self._stage_html[stage.number].value = (
                f"<h4>{stage.number}. {html.escape(stage.name(lang))}</h4>")
        for item in QUESTIONNAIRE:
            self._item_html[item.id].value = f"<span>{html.escape(item.text(lang))}</span>"
            self._answer_widgets[item.id].tooltips = [zh if lang != "en" else en for _, zh, en in LIKERT]
        self._assess_btn.description = tr("查看评估结果", "Assess", lang)
        scale = ", ".join(f"{v} = {tr(zh, en, lang)}" for v, zh, en in LIKERT)
        self._questions_note = scale
