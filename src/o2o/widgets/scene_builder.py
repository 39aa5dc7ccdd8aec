"""SceneBuilder: a form for every field of a scene, checked as you type.

Every change rebuilds the :class:`o2o.scenes.Scene` and shows ``scene.check(world)`` — the
same bilingual sentences the package raises — under the form, plus a one-line summary of
the design computed in the kernel. The "simulate" button hands a valid scene to the
callbacks registered with :meth:`SceneBuilder.on_submit`; an invalid one only shows its
problems. Every control is guarded (see :mod:`o2o.widgets.base`).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import pandas as pd

from o2o.i18n import label
from o2o.scenes import CHANNELS, INCENTIVE_TYPES, INITIATORS, SCENE_CATALOG, TARGET_TIERS, Scene
from o2o.scenes.problems import MAX_DURATION_DAYS, MAX_LEAD_DAYS
from o2o.widgets.base import (
    FieldSpec,
    FrozenHBox,
    FrozenHTML,
    FrozenVBox,
    GuardedButton,
    GuardedCheckbox,
    Panel,
    Problem,
    _Guarded,
    guarded,
    relabel,
    safe,
    tr,
)

YEAR_START, YEAR_END = dt.date(2015, 1, 1), dt.date(2015, 12, 31)
IDEA_START = YEAR_START - dt.timedelta(days=MAX_LEAD_DAYS)  # an idea may come before the year
WHOLE_CHAIN = "全网"
ALL_BATTLES = tuple(b for bs in SCENE_CATALOG.values() for b in bs)
MAX_BUDGET = 2_000_000.0
MAX_INCENTIVE = 500.0
MAX_STORE_TEXT = 200


class GuardedDatePicker(_Guarded, W.DatePicker):
    """A date picker whose value from the page is checked against the form's range."""

    def _candidate(self, key: str, raw: Any) -> Any:
        if raw is None:
            return None
        if not isinstance(raw, dict) or set(raw) != {"year", "month", "date"}:
            raise TypeError("not a date")
        if not all(isinstance(raw[k], int) and not isinstance(raw[k], bool) for k in raw):
            raise TypeError("not a date")
        return dt.date(raw["year"], raw["month"] + 1, raw["date"])


def _date_problem(spec: FieldSpec) -> Callable[[Any], Problem | None]:
    def check(value: Any) -> Problem | None:
        if value is None:
            return None  # cleared by the user: the scene check says what to do
        return None if spec.lo <= value <= spec.hi else spec.message()
    return check


def parse_store_ids(text: str) -> tuple[tuple[int, ...], Problem | None]:
    """Store ids typed as ``"12, 15 18"``; a problem for anything that is not a whole number."""
    parts = [p for p in text.replace(",", " ").replace(",", " ").replace("、", " ").split() if p]
    ids: list[int] = []
    for p in parts:
        if not p.isdigit() or len(p) > 7:
            return (), Problem(f"门店编号「{p[:20]}」不是正整数:请用逗号分隔门店编号,例如 12, 15。",
                               f"Store id '{p[:20]}' is not a whole number: separate ids with commas, e.g. 12, 15.")
        ids.append(int(p))
    return tuple(ids), None


class SceneBuilder(Panel):
    """Design a scene; problems are listed as you edit; press the button to simulate it."""

    def __init__(self, world: Any, squads: pd.DataFrame, lang: str = "zh", scene: Scene | None = None,
                 **kwargs: Any) -> None:
        super().__init__(lang=lang, **kwargs)
        self._world = world
        self._squads = self._prepare_squads(squads)
        self._callbacks: list[Callable[[Scene], None]] = []
        self.problems: list[str] = []
        self._build_specs()
        self._build_controls()
        self._summary = FrozenHTML()
        self._submit = GuardedButton(button_style="primary")
        self._submit.on_click(self._on_submit)
        self.children = self._layout()
        self.set_scene(scene or self.default_scene())
        self._relabel()
        self.update()

    @classmethod
    def for_dataset(cls, world: Any, ds: Any, lang: str = "zh", **kwargs: Any) -> "SceneBuilder":
        """The form over a dataset's squads (each with its store's city) and ``world``."""
        squads = ds.squads.merge(ds.stores[["store_id", "city"]], on="store_id", how="left")
        return cls(world, squads, lang=lang, **kwargs)

    # ------------------------------------------------------------------ builders

    @staticmethod
    def _prepare_squads(squads: pd.DataFrame) -> pd.DataFrame:
        df = squads.loc[:, ["squad_id", "squad_name", "store_id", "city"]].copy()
        df["squad_id"] = df["squad_id"].astype(int)
        return df.sort_values(["city", "squad_id"]).reset_index(drop=True)

    def _build_specs(self) -> None:
        cities = tuple(sorted(self._world.cities, key=lambda c: -int((self._world.city == c).sum())))
        squad_ids = tuple(int(i) for i in self._squads["squad_id"])
        S = FieldSpec
        self._specs: dict[str, FieldSpec] = {
            "name": S("name", "场景名称", "Scene name", "text", max_len=40),
            "scene_type": S("scene_type", "场景类型", "Scene type", "choice", options=tuple(SCENE_CATALOG)),
            "battle": S("battle", "战争", "Battle", "choice", options=SCENE_CATALOG["促销"]),
            "initiator": S("initiator", "发起方", "Initiator", "choice", options=INITIATORS),
            "city": S("city", "城市", "City", "choice", options=(WHOLE_CHAIN, *cities)),
            "squad_id": S("squad_id", "小分队", "Squad", "choice", options=squad_ids),
            "store_ids": S("store_ids", "门店编号(可选)", "Store ids (optional)", "text", max_len=MAX_STORE_TEXT),
            "idea_date": S("idea_date", "创意日期", "Idea date", "date", lo=IDEA_START, hi=YEAR_END),
            "launch_date": S("launch_date", "上线日期", "Launch date", "date", lo=YEAR_START, hi=YEAR_END),
            "duration_days": S("duration_days", "持续天数", "Duration (days)", "int", lo=1, hi=MAX_DURATION_DAYS,
                               unit_zh="天", unit_en="days"),
            "personalization": S("personalization", "个性化程度", "Personalisation", "float", lo=0.0, hi=1.0),
            "incentive_type": S("incentive_type", "激励方式", "Incentive", "choice", options=INCENTIVE_TYPES),
            "incentive_yuan": S("incentive_yuan", "单次激励(元)", "Incentive (yuan)", "float", lo=0.0,
                                hi=MAX_INCENTIVE, unit_zh="元", unit_en="yuan"),
            "budget_yuan": S("budget_yuan", "预算(元)", "Budget (yuan)", "float", lo=0.0, hi=MAX_BUDGET,
                             unit_zh="元", unit_en="yuan"),
            "target_tier": S("target_tier", "目标粉丝", "Target fans", "choice", options=TARGET_TIERS),
        }
        for ch in CHANNELS:
            self._specs[f"ch_{ch}"] = S(f"ch_{ch}", ch, label(ch, "en"), "bool")
        for key in ("idea_date", "launch_date"):
            self._specs[key].extra_check = _date_problem(self._specs[key])

    def _build_controls(self) -> None:
        sp, lang, refuse = self._specs, self.lang, self._refused
        self._w: dict[str, W.DOMWidget] = {
            "name": guarded(sp["name"], refuse, lang=lang),
            "scene_type": guarded(sp["scene_type"], refuse, widget="toggle", lang=lang),
            "battle": guarded(sp["battle"], refuse, lang=lang),
            "initiator": guarded(sp["initiator"], refuse, widget="toggle", lang=lang),
            "city": guarded(sp["city"], refuse, lang=lang),
            "squad_id": guarded(sp["squad_id"], refuse, lang=lang),
            "store_ids": guarded(sp["store_ids"], refuse, lang=lang, placeholder="12, 15"),
            "duration_days": guarded(sp["duration_days"], refuse, lang=lang),
            "personalization": guarded(sp["personalization"], refuse, lang=lang, step=0.05),
            "incentive_type": guarded(sp["incentive_type"], refuse, lang=lang),
            "incentive_yuan": guarded(sp["incentive_yuan"], refuse, widget="float_text", lang=lang, step=1),
            "budget_yuan": guarded(sp["budget_yuan"], refuse, widget="float_text", lang=lang, step=100),
            "target_tier": guarded(sp["target_tier"], refuse, lang=lang),
        }
        for key in ("idea_date", "launch_date"):
            w = GuardedDatePicker(description=sp[key].name(lang), min=sp[key].lo, max=sp[key].hi)
            w._guard_setup(sp[key], refuse)
            self._w[key] = w
        for ch in CHANNELS:
            w = GuardedCheckbox(description=label(ch, lang), indent=False, layout={"width": "120px"})
            w._guard_setup(sp[f"ch_{ch}"], refuse)
            self._w[f"ch_{ch}"] = w
        self._w["squad_id"].options = self._squad_options()
        self._channels_label = FrozenHTML()
        style = {"description_width": "110px"}
        for w in self._w.values():
            if not isinstance(w, W.Checkbox):
                w.style = style
        for w in self._w.values():
            w.observe(self._on_change, names="value")

    def _layout(self) -> list:
        w = self._w
        channels = FrozenHBox([self._channels_label, *(w[f"ch_{c}"] for c in CHANNELS)])
        left = FrozenVBox([w["name"], w["scene_type"], w["battle"], w["initiator"], w["city"], w["squad_id"],
                           w["store_ids"]])
        right = FrozenVBox([w["idea_date"], w["launch_date"], w["duration_days"], channels, w["personalization"],
                            w["incentive_type"], w["incentive_yuan"], w["budget_yuan"], w["target_tier"]])
        return [FrozenHBox([left, right]), self._summary, self._messages, self._submit]

    # ------------------------------------------------------------------ the scene

    def default_scene(self) -> Scene:
        """A valid starting design: the first squad of the densest city runs a weekend drive."""
        first = self._squads.loc[self._squads["city"] == self._specs["city"].options[1]]
        squad = int((first if len(first) else self._squads).iloc[0]["squad_id"])
        return Scene(name="周末引流", scene_type="促销", battle="引流入店", initiator="一线小分队", squad_id=squad,
                     idea_date=dt.date(2015, 9, 1), launch_date=dt.date(2015, 9, 3), duration_days=7,
                     channels=("朋友圈", "店内"), personalization=0.7, incentive_type="满减", incentive_yuan=5.0,
                     budget_yuan=3000.0, target_tier="活跃粉")

    def scene(self) -> Scene:
        """The scene on the form (it may be invalid: see :attr:`problems`)."""
        w = self._w
        squad = w["initiator"].value == "一线小分队"
        city = w["city"].value
        ids, _ = parse_store_ids(w["store_ids"].value)
        return Scene(
            name=w["name"].value.strip(), scene_type=w["scene_type"].value, battle=w["battle"].value,
            initiator=w["initiator"].value, squad_id=w["squad_id"].value if squad else None,
            store_ids=() if squad else ids, target_city=None if (squad or city == WHOLE_CHAIN) else city,
            idea_date=w["idea_date"].value, launch_date=w["launch_date"].value,
            duration_days=int(w["duration_days"].value),
            channels=tuple(c for c in CHANNELS if w[f"ch_{c}"].value),
            personalization=float(w["personalization"].value), incentive_type=w["incentive_type"].value,
            incentive_yuan=float(w["incentive_yuan"].value), budget_yuan=float(w["budget_yuan"].value),
            target_tier=w["target_tier"].value,
        )

    def set_scene(self, scene: Scene) -> None:
        """Show ``scene`` on the form (values the form cannot show are reported, not set)."""
        w = self._w
        values: dict[str, Any] = {
            "name": scene.name, "scene_type": scene.scene_type, "initiator": scene.initiator,
            "idea_date": scene.idea_date, "launch_date": scene.launch_date, "duration_days": scene.duration_days,
            "personalization": scene.personalization, "incentive_type": scene.incentive_type,
            "incentive_yuan": scene.incentive_yuan, "budget_yuan": scene.budget_yuan, "target_tier": scene.target_tier,
            "store_ids": ", ".join(map(str, scene.store_ids)) if scene.initiator != "一线小分队" else "",
        }
        for ch in CHANNELS:
            values[f"ch_{ch}"] = ch in scene.channels
        problems = [self._specs[k].problem(v) for k, v in values.items()]
        problems = [p for p in problems if p is not None]
        if scene.scene_type in SCENE_CATALOG and scene.battle not in SCENE_CATALOG[scene.scene_type]:
            problems.append(self._specs["battle"].message())
        if problems:
            self._messages.show(problems, "error", self.lang)
            return
        self._quiet = True
        try:
            for key, value in values.items():
                w[key].value = value
            self._sync_battles()
            w["battle"].value = scene.battle
            if scene.initiator == "一线小分队" and scene.squad_id is not None:
                row = self._squads.loc[self._squads["squad_id"] == scene.squad_id]
                if len(row):
                    w["city"].value = row.iloc[0]["city"]
                    w["squad_id"].options = self._squad_options()
                    w["squad_id"].value = int(scene.squad_id)
            else:
                w["city"].value = scene.target_city or WHOLE_CHAIN
        finally:
            self._quiet = False
        self.update()

    def on_submit(self, callback: Callable[[Scene], None]) -> None:
        """Call ``callback(scene)`` when the user presses the button with a valid design."""
        self._callbacks.append(callback)

    # ------------------------------------------------------------------ behaviour

    def _squad_options(self) -> list[tuple[str, int]]:
        city = self._w["city"].value
        df = self._squads if city == WHOLE_CHAIN else self._squads.loc[self._squads["city"] == city]
        if len(df) == 0:
            df = self._squads
        return [(f"{name}(#{sid})", int(sid)) for sid, name in zip(df["squad_id"], df["squad_name"])]

    def _sync_battles(self) -> None:
        """Offer only the battles of the chosen scene type (and accept only those from the page)."""
        battles = SCENE_CATALOG[self._w["scene_type"].value]
        spec = self._specs["battle"]
        spec.options = battles
        w = self._w["battle"]
        keep = w.value if w.value in battles else battles[0]
        w.options = [(label(b, self.lang), b) for b in battles]
        w.value = keep

    def _sync_visibility(self) -> None:
        squad = self._w["initiator"].value == "一线小分队"
        self._w["squad_id"].layout.display = None if squad else "none"
        self._w["store_ids"].layout.display = "none" if squad else None

    @safe
    def _on_change(self, change: dict) -> None:
        if self._quiet:
            return
        owner = change["owner"]
        self._quiet = True
        try:
            if owner is self._w["scene_type"]:
                self._sync_battles()
            if owner is self._w["city"]:
                current = self._w["squad_id"].value
                opts = self._squad_options()
                self._w["squad_id"].options = opts
                if current in [v for _, v in opts]:
                    self._w["squad_id"].value = current
        finally:
            self._quiet = False
        self.update()

    def check(self) -> tuple[Scene, list[str]]:
        """The scene on the form and its problems in the current language."""
        problems: list[str] = []
        _, store_problem = parse_store_ids(self._w["store_ids"].value)
        if store_problem is not None and self._w["initiator"].value != "一线小分队":
            problems.append(store_problem.text(self.lang))
        scene = self.scene()
        problems += scene.check(self._world, lang=self.lang)
        return scene, problems

    @safe
    def update(self) -> None:
        """Re-check the design and refresh the summary and the messages."""
        self._sync_visibility()
        scene, self.problems = self.check()
        self._summary.value = self._summary_html(scene)
        if self.problems:
            head = tr("场景设计需要修改:", "The design needs changes:", self.lang)
            self._messages.show([Problem(head, head)] + [Problem(p, p) for p in self.problems], "warning", self.lang)
            self._submit.disabled = False  # pressing it shows the problems again
        else:
            ok = Problem("✓ 设计完整,可以模拟。", "✓ The design is complete and can be simulated.")
            self._messages.show(ok, "ok", self.lang)

    def _summary_html(self, s: Scene) -> str:
        lang = self.lang
        who = label(s.initiator, lang)
        if s.initiator == "一线小分队" and s.squad_id is not None:
            row = self._squads.loc[self._squads["squad_id"] == s.squad_id]
            who = row.iloc[0]["squad_name"] if len(row) else who
        end = s.end_date.isoformat() if s.end_date else "?"
        lead = s.lead_days if s.lead_days is not None else "?"
        chans = ("、" if lang != "en" else ", ").join(label(c, lang) for c in s.channels) or "—"
        text = tr(
            f"{who} 发起「{label(s.battle, lang)}」:{s.launch_date} 至 {end}(创意到上线 {lead} 天),"
            f"渠道 {chans},激励 {label(s.incentive_type, lang)} {s.incentive_yuan:,.0f} 元,预算 {s.budget_yuan:,.0f} 元。",
            f"{who} runs '{label(s.battle, lang)}': {s.launch_date} to {end} ({lead} days from idea to launch), "
            f"channels {chans}, incentive {label(s.incentive_type, lang)} {s.incentive_yuan:,.0f} yuan, "
            f"budget {s.budget_yuan:,.0f} yuan.", lang)
        return f"<div class='o2o-scene-summary'>{html.escape(text)}</div>"

    @safe
    def _on_submit(self, _button: Any = None) -> None:
        self.submit()

    def submit(self) -> Scene | None:
        """Hand the scene to the callbacks if it is valid; else show its problems."""
        self.update()
        if self.problems:
            return None
        scene = self.scene()
        for cb in self._callbacks:
            cb(scene)
        return scene

    def _relabel(self) -> None:
        lang = self.lang
        for key, w in self._w.items():
            if key.startswith("ch_"):
                w.description = label(key[3:], lang)
            elif key in ("idea_date", "launch_date"):
                w.description = self._specs[key].name(lang)
            elif key == "squad_id":
                w.description = self._specs[key].name(lang)
            elif key == "battle":
                w.description = self._specs[key].name(lang)
                value = w.value
                w.options = [(label(b, lang), b) for b in self._specs["battle"].options]
                w.value = value
            else:
                relabel(w, lang)
        self._channels_label.value = html.escape(tr("渠道", "Channels", lang))
        self._submit.description = tr("模拟这个场景", "Simulate this scene", lang)
