"""The class game in Chromium: an instructor and six teams on phones play three rounds.

Plans go through the team page's form (390x844) with the scene builder's inline validation; the
server is killed between two submissions and restarted; the war report and the leaderboard are
compared with the model's own numbers recomputed here from the same decisions.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import pytest
from o2o_browser import ARTIFACTS, ROOT, Console, screenshot

from o2o.apps.launch import free_port
from o2o.game import TeamPlan, play
from o2o.game.report import war_report
from o2o.game.storage import Storage

TOKEN = "browser-test-token-0123"
PHONE = {"width": 390, "height": 844}
N_TEAMS, N_ROUNDS = 6, 3
EVENTS = [(), ("支付巨头补贴周",), ("总部活动",)]


class GameServer:
    def __init__(self, db, port, env):
        self.db, self.port, self.env, self.proc = db, port, env, None

    def start(self):
        ARTIFACTS.mkdir(exist_ok=True)
        log = open(ARTIFACTS / "game-test-server.log", "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "o2o", "game", "--port", str(self.port), "--db", str(self.db)],
                                     env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2)
                return
            except OSError:
                assert self.proc.poll() is None, "the game server exited"
                time.sleep(0.2)
        raise AssertionError("the game server did not start")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)        # no clean shutdown: what was appended must survive
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory, dataset_dir):
    env = {**os.environ, "O2O_DATA_DIR": str(dataset_dir), "O2O_GAME_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    srv = GameServer(tmp_path_factory.mktemp("game") / "game.sqlite3", free_port(), env)
    srv.start()
    yield srv
    srv.stop()


def scene_fields(rnd: int, team: int, first) -> dict:
    """Different, valid plans per team (indices into the form's choices)."""
    kinds = [("促销", "客户回馈", ["朋友圈", "店内"], "活跃粉"), ("促销", "引流入店", ["广告"], "全部"),
             ("支付", "付满送", ["朋友圈", "店内"], "普通粉"), ("交易", "二次购买", ["朋友圈"], "活跃粉"),
             ("交易", "自团购", ["朋友圈", "店内"], "铁杆粉"), ("促销", "粉丝分层", ["朋友圈"], "普通粉")]
    ty, battle, ch, tier = kinds[(team + rnd) % len(kinds)]
    return {"name": f"R{rnd + 1}T{team + 1}场景", "scene_type": ty, "battle": battle, "channels": ch,
            "target_tier": tier, "incentive_type": "满减", "incentive_yuan": "4", "budget_yuan": str(2000 + 500 * team),
            "personalization": "0.8", "launch_date": (first + timedelta(days=team)).isoformat(),
            "duration_days": "6", "lead_days": "1"}


def fill(page, f: dict, org: str = "无") -> None:
    page.check("input[name=s0_use]")
    page.fill("input[name=s0_name]", f["name"])
    page.select_option("select[name=s0_scene_type]", f["scene_type"])
    page.select_option("select[name=s0_battle]", f["battle"])
    for c in ("广告", "朋友圈", "店内"):
        box = page.locator(f"input[name=s0_channels][value={c}]")
        box.check() if c in f["channels"] else box.uncheck()
    page.select_option("select[name=s0_target_tier]", f["target_tier"])
    page.select_option("select[name=s0_incentive_type]", f["incentive_type"])
    for k in ("incentive_yuan", "budget_yuan", "personalization", "launch_date", "duration_days", "lead_days"):
        page.fill(f"input[name=s0_{k}]", f[k])
    page.select_option("select[name=org]", org)


def test_six_teams_play_three_rounds(server, browser, dataset):
    base = f"http://127.0.0.1:{server.port}"
    inst_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    ins = inst_ctx.new_page()
    ins.set_default_timeout(60_000)
    errors = Console(ins)
    ins.goto(f"{base}/instructor/login?token={TOKEN}")
    ins.fill("input[name=n_teams]", str(N_TEAMS))
    ins.fill("input[name=n_rounds]", str(N_ROUNDS))
    ins.fill("input[name=seed]", "11")
    ins.fill("textarea[name=names]", "红队\n蓝队\n<b>绿队</b>\n黄队\n紫队\n橙队")
    ins.click("#create button[type=submit]")
    ins.wait_for_url("**/instructor/game/*")
    ins.wait_for_selector("#teams")
    game_id = ins.url.rsplit("/", 1)[1]
    codes = [ins.locator(f"#teams tr[data-team='{t}'] .code").inner_text() for t in range(N_TEAMS)]
    assert ins.locator("#teams").inner_text().count("<b>绿队</b>") == 1      # shown as text, not markup

    teams = []
    for t in range(N_TEAMS):
        ctx = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        pg = ctx.new_page()
        pg.set_default_timeout(60_000)
        pg.console = Console(pg)
        pg.goto(base + "/")
        pg.fill("#code", codes[t])
        pg.click("button[type=submit]")
        pg.wait_for_url("**/team")
        teams.append(pg)
    info = Storage(server.db).game(game_id)
    submitted: list[list[dict]] = []
    for rnd in range(N_ROUNDS):
        ins.click("#open")
        ins.wait_for_selector("#phase:has-text('进行中')")
        first, _ = info.market.round_dates(rnd)
        fields = [scene_fields(rnd, t, first) for t in range(N_TEAMS)]
        for t, pg in enumerate(teams):
            pg.goto(base + "/team")
            assert pg.locator("#time-left").is_visible()
            if rnd == 0 and t == 0:      # inline validation first: a payment battle in a promotion scene
                fill(pg, {**fields[t], "battle": "付满送"})
                pg.click("#submit-plan")
                msg = pg.locator("#scene-0 .problem").first.inner_text()
                assert "属于支付场景" in msg and "请把类型改为" in msg
                screenshot(pg, "game-team-validation")
            if rnd == 0 and t == 1:      # a team sees neither another team's plan nor the console
                assert fields[0]["name"] not in pg.content()
                assert pg.goto(f"{base}/instructor/game/{game_id}").status == 403
                assert pg.goto(f"{base}/game/{game_id}/report/0").status in (403, 404)
                pg.goto(base + "/team")
            fill(pg, fields[t], org="培训班长" if (rnd == 0 and t == 5) else "无")
            pg.click("#submit-plan")
            pg.wait_for_selector("#saved")
            if rnd == 0 and t == 2:      # crash between two submissions, then restart on the same database
                server.kill()
                server.start()
        submitted.append(fields)
        ins.goto(f"{base}/instructor/game/{game_id}")
        assert ins.locator("#teams .submitted:has-text('✓')").count() == N_TEAMS
        screenshot(ins, f"game-console-round-{rnd + 1}")
        ins.click("#close")
        ins.wait_for_selector("#phase:has-text('已截止')")
        for e in ("支付巨头补贴周", "竞品开店", "总部活动"):
            box = ins.locator(f"input[name=events][value={e}]")
            box.check() if e in EVENTS[rnd] else box.uncheck()
        ins.click("#run")
        ins.wait_for_selector("#phase:has-text('已运行')")
        ins.click("#publish")
        ins.wait_for_selector("#phase:has-text('已发布')")

        # the model, recomputed here from the same decisions
        plans = [[TeamPlan.from_dict({"scenes": [f], "org": "培训班长" if (r == 0 and t == 5) else "无"},
                                     info.market, t) for t, f in enumerate(submitted[r])] for r in range(rnd + 1)]
        rec = play(info.market, info.seed, plans, EVENTS[:rnd + 1])
        rep = war_report(rec, rnd, info.names)
        pg = teams[3]
        pg.goto(f"{base}/game/{game_id}/report/{rnd}")
        rows = pg.locator("#leaderboard tr[data-team]")
        assert rows.count() == N_TEAMS
        assert [int(rows.nth(i).get_attribute("data-team")) for i in range(N_TEAMS)] == \
            [r["team"] for r in rep["leaderboard"]] == rec.leaderboard()
        for i, r in enumerate(rep["leaderboard"]):
            assert rows.nth(i).locator(".score").inner_text() == f"{r['score']:.1f}"
            assert rows.nth(i).locator(".profit").inner_text() == f"{r['profit']:,.0f}"
        for tm in rep["teams"]:
            card = pg.locator(f".team-card[data-team='{tm['team']}']")
            assert card.locator(".visits").inner_text() == f"{tm['visits']:,.0f}"
            share = pg.locator(f".share[data-team='{tm['team']}'] .share-value").inner_text()
            assert share == f"{100 * tm['share']:.1f}%"
        assert pg.locator("#sentences li").count() >= 3
        screenshot(pg, f"game-report-round-{rnd + 1}")
        # the private report on the team page is the team's own row
        pg.goto(base + "/team")
        own = rec.results[(rec.results["round"] == rnd) & (rec.results["team"] == 3)].iloc[0]
        assert pg.locator("#last-profit").inner_text() == f"{own['profit']:,.0f}"

    # every submission survived the crash: the log has them all, each under its own team
    log = Storage(server.db).log(game_id)
    plans_logged = [(r["rnd"], r["team"]) for r in log if r["kind"] == "plan"]
    assert sorted(set(plans_logged)) == [(r, t) for r in range(N_ROUNDS) for t in range(N_TEAMS)]
    ins.goto(f"{base}/instructor/game/{game_id}")
    ins.click("#end")
    ins.wait_for_selector("#phase:has-text('已结束')")
    teams[0].goto(f"{base}/game/{game_id}/debrief")
    assert teams[0].locator(".team-replay").count() == N_TEAMS
    screenshot(teams[0], "game-debrief")
    assert submitted[2][4]["name"] in teams[0].locator(".team-replay[data-team='4']").inner_text()
    for t, pg in enumerate(teams):    # team 2 (index 1) was refused on purpose, once each
        expected = ["status of 403", "status of 404"] if t == 1 else []
        left = [e for e in pg.console.errors if not any(x in e for x in expected)]
        assert not left and len(pg.console.errors) == len(expected), pg.console.errors
    assert not errors.errors, errors.errors


def test_a_team_cannot_submit_for_another(server, browser):
    """A forged team cookie is refused; a form field naming another team is ignored."""
    import requests

    base = f"http://127.0.0.1:{server.port}"
    s = requests.Session()
    s.cookies.set("o2o_game_team", "deadbeef:0")
    assert s.get(base + "/team").status_code == 403
    s2 = requests.Session()
    token = re.search(r'name="_xsrf" value="([^"]+)"', s2.get(base + "/").text).group(1)
    try:    # the real server bounds the body: tornado answers 413 or drops the connection; never reads it
        big = s2.post(base + "/join", data={"_xsrf": token, "code": "x" * (200 * 1024)}, timeout=30)
        assert big.status_code in (400, 413) and "加入码" not in big.text   # refused unread, not a page
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        pass
    assert requests.post(base + "/join", data={"code": "ABCDEF"}).status_code == 403      # no XSRF token
