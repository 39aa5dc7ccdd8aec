"""The instructor's pages of ``o2o game``: create a game, join codes, rounds (open, close, run, publish, undo), end."""

from __future__ import annotations

import functools
import time
from typing import Any

import tornado.web

from ..errors import O2OError
from .game import check_events
from .market import GameError, market_from_dataset
from .params import EVENTS, TEMPLATES
from .web import Base

MAX_MINUTES = 180


def instructor_only(method):
    @functools.wraps(method)
    def wrapper(self, *args: Any, **kw: Any):
        if not self.is_instructor():
            raise tornado.web.HTTPError(403)
        return method(self, *args, **kw)
    return wrapper


def _int(text: str, lo: int, hi: int, zh: str, en: str) -> int:
    try:
        v = int(text)
    except ValueError:
        v = lo - 1
    if not lo <= v <= hi:
        raise GameError(f"{zh}必须是 {lo} 到 {hi} 之间的整数。", f"{en} must be a whole number from {lo} to {hi}.")
    return v


class Instructor(Base):
    def get(self) -> None:
        if not self.is_instructor():
            return self.page("login.html", error=None)
        self.page("instructor.html", games=self.svc.storage.games(), events=EVENTS, templates=TEMPLATES, error=None)


class Create(Base):
    @instructor_only
    def post(self) -> None:
        try:
            game_id = self.create()
        except O2OError as e:
            self.set_status(400)
            return self.page("instructor.html", games=self.svc.storage.games(), events=EVENTS, templates=TEMPLATES,
                             error=(e.zh, e.en))
        self.redirect(f"/instructor/game/{game_id}")

    def create(self) -> str:
        tpl = TEMPLATES.get(self.arg("template"))
        if tpl is None and self.arg("template"):
            raise GameError("没有这个游戏模板。", "No such game template.")
        if tpl is not None:
            n_teams, n_rounds = tpl["n_teams"], tpl["n_rounds"]
        else:
            n_teams = _int(self.arg("n_teams", "6"), 2, 12, "队伍数", "The number of teams")
            n_rounds = _int(self.arg("n_rounds", "4"), 1, 12, "轮数", "The number of rounds")
        seed = _int(self.arg("seed", "0"), 0, 2**31 - 1, "随机种子", "The seed")
        title = self.arg("title").strip()[:60] or "班长战争"
        names = [x.strip()[:20] for x in self.arg("names").replace(",", "\n").splitlines() if x.strip()]
        names = (names + [f"第{t + 1}队" for t in range(len(names), n_teams)])[:n_teams]
        if len(set(names)) != n_teams:
            raise GameError("队名不能重复。", "Team names must differ.")
        schedule = tpl["events"] if tpl is not None else \
            [list(check_events(tuple(self.get_body_arguments(f"e{r}")[:3]))) for r in range(n_rounds)]
        ds = self.application.settings["dataset"]()
        market = market_from_dataset(ds, n_teams, n_rounds, seed=seed, district=self.arg("district").strip() or None)
        return self.svc.storage.create_game(title, seed, market, schedule, names)


class Console(Base):
    @instructor_only
    def get(self, game_id: str) -> None:
        info, state = self.load(game_id)
        self.page("console.html", info=info, state=state, events=EVENTS, error=self.get_query_argument("error", ""))


class ConsoleAction(Base):
    @instructor_only
    def post(self, game_id: str, action: str) -> None:
        info, state = self.load(game_id)
        try:
            getattr(self, "do_" + action)(info, state)
        except GameError as e:
            self.set_status(409)
            return self.page("console.html", info=info, state=self.load(game_id)[1], events=EVENTS, error=e.zh + " " + e.en)
        self.redirect(f"/instructor/game/{game_id}")

    def _refuse(self, zh: str, en: str) -> None:
        raise GameError(zh, en)

    def do_open(self, info, state) -> None:
        minutes = _int(self.arg("minutes", "15"), 1, MAX_MINUTES, "分钟数", "Minutes")
        cur = state.current
        if state.ended:
            self._refuse("游戏已经结束。", "The game has ended.")
        if cur is not None and cur.ran and not cur.published:
            self._refuse("请先发布本轮战报,再开启下一轮。", "Publish this round's report before opening the next.")
        rnd = cur.rnd if cur is not None and not cur.ran else (cur.rnd + 1 if cur else 0)
        if rnd >= info.market.n_rounds:
            self._refuse("所有轮次都已进行:请结束游戏。", "Every round has been played: end the game.")
        self.svc.storage.append(info.game_id, "open", rnd, None, {"deadline": time.time() + 60 * minutes})

    def do_close(self, info, state) -> None:
        cur = state.current
        if cur is None or cur.closed or cur.ran:
            self._refuse("没有正在进行的轮次。", "No round is open.")
        self.svc.storage.append(info.game_id, "close", cur.rnd)

    def do_run(self, info, state) -> None:
        cur = state.current
        if cur is None or cur.ran:
            self._refuse("没有可以运行的轮次:请先开启一轮。", "No round to run: open one first.")
        if cur.is_open(time.time()):
            self._refuse("本轮还在进行:请先截止本轮。", "The round is still open: close it first.")
        events = check_events(tuple(self.get_body_arguments("events")[:3]))
        self.svc.storage.append(info.game_id, "run", cur.rnd, None, {"events": list(events)})

    def do_publish(self, info, state) -> None:
        cur = state.current
        if cur is None or not cur.ran or cur.published:
            self._refuse("没有待发布的战报。", "No report to publish.")
        self.svc.storage.append(info.game_id, "publish", cur.rnd)

    def do_undo(self, info, state) -> None:
        cur = state.current
        if cur is None or not cur.ran:
            self._refuse("没有可以撤销的轮次。", "No round to undo.")
        self.svc.storage.append(info.game_id, "undo", cur.rnd)

    def do_end(self, info, state) -> None:
        if state.ended:
            self._refuse("游戏已经结束。", "The game has already ended.")
        self.svc.storage.append(info.game_id, "end")


__all__ = ["Instructor", "Create", "Console", "ConsoleAction"]
