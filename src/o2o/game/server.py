"""``o2o game``: the classroom web app of the class game (tornado, already installed with Jupyter).

Tornado gives what a classroom server needs without another dependency: signed cookies, XSRF
tokens on every form, autoescaping templates, a bounded request body. The app only wires the model
(:mod:`o2o.game`) and the storage (:mod:`.storage`) to pages; it holds no game logic.
"""

from __future__ import annotations

import hmac
import secrets
import time
from pathlib import Path

import tornado.web

from ..scenes.fivew import DIMENSIONS
from .console import Console, ConsoleAction, Create, Instructor
from .decisions import SCENE_FIELDS, TeamPlan, plan_problems
from .params import DEFAULT_GAME_PARAMS, ORG_CHOICES
from .report import radar_points, war_report
from .storage import Storage
from .web import INSTRUCTOR_COOKIE, MAX_BODY, TEAM_COOKIE, Base, Service

HERE = Path(__file__).parent


class Join(Base):
    def get(self) -> None:
        self.page("join.html", error=None)

    def post(self) -> None:
        code = self.arg("code").strip().upper()[:12]
        found = self.svc.storage.team_by_code(code) if code else None
        if not found:
            self.set_status(400)
            return self.page("join.html", error=("加入码不对:请核对教师给的 6 位码。", "Wrong join code: check the 6-character code."))
        self.set_signed_cookie(TEAM_COOKIE, f"{found[0]}:{found[1]}", expires_days=2, httponly=True, samesite="Strict")
        self.redirect("/team")


class TeamPage(Base):
    def context(self) -> tuple[GameInfo, GameState, int]:
        me = self.team()
        if me is None:
            raise tornado.web.HTTPError(403)
        info, state = self.load(me[0])
        return info, state, me[1]

    def get(self) -> None:
        info, state, t = self.context()
        cur = state.current
        values = cur.plans.get(t) if cur else None
        self.show(info, state, t, values, [], saved=self.get_query_argument("saved", "") == "1")

    def show(self, info, state, t, values, problems, saved=False) -> None:
        rec = self.svc.record(info, state)
        published = [r.rnd for r in state.played() if r.published]
        mine = rec.results[(rec.results["team"] == t) & rec.results["round"].isin(published[-1:])]
        cash = TeamPlan.from_dict(values, info.market, t).cash() if values else 0.0
        self.page("team.html", info=info, state=state, t=t, values=values or {}, problems=problems, saved=saved,
                  budget_left=DEFAULT_GAME_PARAMS.budget_per_round - cash,
                  last=mine.iloc[0].to_dict() if len(mine) else None, published=published,
                  params=DEFAULT_GAME_PARAMS, org_choices=ORG_CHOICES)

    def post(self) -> None:
        info, state, t = self.context()
        cur = state.current
        if cur is None or not cur.is_open(time.time()):
            self.set_status(409)
            return self.page("message.html", zh="本轮没有开放或已截止,计划没有保存。", en="No round is open; the plan was not saved.")
        raw = {"org": self.arg("org", ORG_CHOICES[0]), "scenes": []}
        for i in range(DEFAULT_GAME_PARAMS.max_scenes + 1):
            if self.arg(f"s{i}_use") != "1":
                continue
            f = {k: self.arg(f"s{i}_{k}") for k in SCENE_FIELDS if k != "channels"}
            f["channels"] = [c[:10] for c in self.get_body_arguments(f"s{i}_channels")[:5]]
            raw["scenes"].append(f)
        plan = TeamPlan.from_dict(raw, info.market, t)
        problems = plan_problems(plan, info.market, t, cur.rnd)
        if problems:   # the form again with the problems beside the fields (an ordinary page, not an error)
            return self.show(info, state, t, raw, problems)
        self.svc.storage.append(info.game_id, "plan", cur.rnd, t, raw)
        self.redirect("/team?saved=1")


class Report(Base):
    def allowed(self, game_id: str) -> bool:
        me = self.team()
        return self.is_instructor() or (me is not None and me[0] == game_id)

    def get(self, game_id: str, rnd: str) -> None:
        if not self.allowed(game_id):
            raise tornado.web.HTTPError(403)
        info, state = self.load(game_id)
        r = int(rnd)
        played = state.played()
        if r >= len(played) or not (played[r].published or self.is_instructor()):
            raise tornado.web.HTTPError(404)
        rec = self.svc.record(info, state)
        self.page("report.html", info=info, rep=war_report(rec, r, info.names), n_played=len(played),
                  rep_radar_full=radar_points({d: 100.0 for d in DIMENSIONS}))


class Debrief(Report):
    def get(self, game_id: str) -> None:
        if not self.allowed(game_id):
            raise tornado.web.HTTPError(403)
        info, state = self.load(game_id)
        if not (state.ended or self.is_instructor()):
            raise tornado.web.HTTPError(404)
        rec = self.svc.record(info, state)
        rounds = state.played()
        self.page("debrief.html", info=info, rec=rec, rounds=rounds,
                  board=war_report(rec, len(rounds) - 1, info.names)["leaderboard"] if rounds else [])


class Login(Base):
    def get(self) -> None:
        tok = self.get_query_argument("token", "")
        if tok:
            return self.check(tok)
        self.page("login.html", error=None)

    def post(self) -> None:
        self.check(self.arg("token"))

    def check(self, tok: str) -> None:
        if not hmac.compare_digest(tok.encode(), self.svc.token.encode()):
            self.set_status(403)
            return self.page("login.html", error=("口令不对。", "Wrong token."))
        self.set_signed_cookie(INSTRUCTOR_COOKIE, "1", expires_days=2, httponly=True, samesite="Strict")
        self.redirect("/instructor")


def make_app(db_path: str | Path, token: str, debug: bool = False) -> tornado.web.Application:
    """The app on the database at ``db_path``; ``token`` is the instructor's secret."""
    storage = Storage(db_path)
    return tornado.web.Application(
        [(r"/", Join), (r"/join", Join), (r"/team", TeamPage), (r"/team/plan", TeamPage),
         (r"/game/([0-9a-f]{8})/report/([0-9]{1,2})", Report), (r"/game/([0-9a-f]{8})/debrief", Debrief),
         (r"/instructor/login", Login), (r"/instructor", Instructor), (r"/instructor/create", Create),
         (r"/instructor/game/([0-9a-f]{8})", Console),
         (r"/instructor/game/([0-9a-f]{8})/(open|close|run|publish|undo|end)", ConsoleAction)],
        template_path=str(HERE / "templates"), static_path=str(HERE / "static"), xsrf_cookies=True,
        cookie_secret=storage.cookie_secret(), service=Service(storage, token), debug=debug,
        compiled_template_cache=not debug)


def new_token() -> str:
    return secrets.token_urlsafe(18)


__all__ = ["make_app", "new_token", "MAX_BODY"]
