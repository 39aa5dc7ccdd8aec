"""The O2O成熟度自测 app: the maturity self-test (no dataset needed)."""

from __future__ import annotations

from typing import Any

from o2o.apps.base import App
from o2o.widgets.maturity import MaturityAssessment


class MaturityApp(App):
    """The self-test: answer 25 statements, see the stage reached and the 80 % gate."""

    title_zh = "O2O 成熟度自测"
    title_en = "O2O maturity self-test"
    intro_zh = ("依据文章《O2O最大的难题是权益之争》的五个阶段:每个阶段“八成纯熟”(80%)才进入下一阶段。"
                "请按贵公司的实际情况回答 25 道题(1 = 完全不符合,5 = 完全符合)。")
    intro_en = ("Built on the five stages of the article on O2O's struggle over rights: each stage must be "
                "80% mastered before the next. Answer 25 statements about your company "
                "(1 = not at all true, 5 = completely true).")
    needs_data = False

    def _build(self, data: Any) -> list:
        self.assessment = MaturityAssessment(lang=self.lang)
        return [self.assessment]
