"""Shared pieces of the game's pages: the service (storage + replay cache) and the base request handler."""

from __future__ import annotations

import json
import time
from typing import Any

import tornado.web

from ..errors import O2OError
from ..scenes.catalog import CHANNELS, INCENTIVE_TYPES, SCENE_CATALOG, TARGET_TIERS
from .decisions import TeamPlan
from .game import GameRecord, play
from .market import day_to_date
from .storage import GameInfo, GameState, Storage

MAX_BODY = 64 * 1024            # bytes of one request body
MAX_FIELD = 200                 # characters kept of one form field
TEAM_COOKIE, INSTRUCTOR_COOKIE = "o2o_game_team", "o2o_game_instructor"


class Service:
    """Storage plus a cache of replayed games, keyed by what a replay depends on (played rounds' plans and events)."""

    def __init__(self, storage: Storage, token: str):
        self.storage = storage
        self.token = token
        self._cache: dict[str, tuple[str, GameRecord]] = {}

    def record(self, info: GameInfo, state: GameState) -> GameRecord:
        played = state.played()
        key = json.dumps([[r.rnd, list(r.events), r.plans] for r in played], sort_keys=True, ensure_ascii=False)
        hit = self._cache.get(info.game_id)
        if hit and hit[0] == key:
            return hit[1]
        plans = [[TeamPlan.from_dict(r.plans.get(t, {}), info.market, t) for t in range(info.market.n_teams)]
                 for r in played]
        rec = play(info.market, info.seed, plans, [r.events for r in played], validate=False)
        self._cache[info.game_id] = (key, rec)
        return rec


class Base(tornado.web.RequestHandler):
    @property
    def svc(self) -> Service:
        return self.application.settings["service"]

    def team(self) -> tuple[str, int] | None:
        raw = self.get_signed_cookie(TEAM_COOKIE, max_age_days=2)
        if not raw:
            return None
        gid, _, t = raw.decode().partition(":")
        return gid, int(t)

    def is_instructor(self) -> bool:
        return self.get_signed_cookie(INSTRUCTOR_COOKIE, max_age_days=2) == b"1"

    def arg(self, name: str, default: str = "") -> str:
        return self.get_body_argument(name, default)[:MAX_FIELD]

    def load(self, game_id: str) -> tuple[GameInfo, GameState]:
        info = self.svc.storage.game(game_id)
        if info is None:
            raise tornado.web.HTTPError(404)
        return info, self.svc.storage.state(game_id)

    def page(self, template: str, **kw: Any) -> None:
        self.render(template, now=time.time(), day_to_date=day_to_date, SCENE_CATALOG=SCENE_CATALOG, CHANNELS=CHANNELS,
                    INCENTIVE_TYPES=INCENTIVE_TYPES, TARGET_TIERS=TARGET_TIERS, **kw)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None))[1]
        if isinstance(exc, O2OError):
            zh, en = exc.zh, exc.en
        else:
            zh, en = {403: ("没有权限:请先用加入码加入,或以教师身份登录。", "Not allowed: join with your code or log in as the instructor."),
                      404: ("没有这个页面或游戏。", "No such page or game."),
                      413: ("提交的内容太大。", "The request is too large.")}.get(
                status_code, ("服务器出错了:请把这句话告诉教师。", "Unexpected server error: tell the instructor."))
        self.render("message.html", zh=zh, en=en, now=time.time())


__all__ = ["Service", "Base", "MAX_BODY", "MAX_FIELD", "TEAM_COOKIE", "INSTRUCTOR_COOKIE"]
