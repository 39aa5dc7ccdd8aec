"""``o2o game`` without a browser: storage is append-only and survives, the console's rounds, auth, bounds."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading

import pytest
import requests

from o2o.apps.launch import free_port
from o2o.game.params import DEFAULT_GAME_PARAMS
from o2o.game.server import MAX_BODY, make_app
from o2o.game.storage import Storage

TOKEN = "server-test-token-42"


@pytest.fixture()
def app_url(tmp_path, dataset):
    from tornado.httpserver import HTTPServer

    port = free_port()
    app = make_app(tmp_path / "g.sqlite3", TOKEN)
    app.settings["dataset"] = lambda: dataset
    ready = threading.Event()
    box = {}

    def serve():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = HTTPServer(app, max_body_size=MAX_BODY)
        server.listen(port, address="127.0.0.1")
        box["loop"], box["server"] = loop, server
        ready.set()
        loop.run_forever()
        server.stop()
        loop.close()

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    ready.wait(10)
    yield f"http://127.0.0.1:{port}", tmp_path / "g.sqlite3"
    box["loop"].call_soon_threadsafe(box["loop"].stop)
    th.join(10)


def xsrf(s, url):
    r = s.get(url)
    return re.search(r'name="_xsrf" value="([^"]+)"', r.text).group(1), r


def instructor(base):
    s = requests.Session()
    assert s.get(f"{base}/instructor/login?token=wrong").status_code == 403
    assert s.get(f"{base}/instructor/login?token={TOKEN}").status_code == 200
    return s


def create(s, base, **kw):
    x, _ = xsrf(s, base + "/instructor")
    data = {"_xsrf": x, "n_teams": "3", "n_rounds": "2", "seed": "4", **kw}
    return s.post(base + "/instructor/create", data=data)


def act(s, base, gid, action, **kw):
    x, _ = xsrf(s, f"{base}/instructor")
    return s.post(f"{base}/instructor/game/{gid}/{action}", data={"_xsrf": x, **kw})


def join(base, code):
    s = requests.Session()
    x, _ = xsrf(s, base + "/")
    assert s.post(base + "/join", data={"_xsrf": x, "code": code}).url.endswith("/team")
    return s


def submit(s, base, name="周末回馈", battle="客户回馈", date="2015-10-02"):
    x, _ = xsrf(s, base + "/")          # the XSRF token belongs to the session, any form gives it
    return s.post(base + "/team/plan", data={
        "_xsrf": x, "s0_use": "1", "s0_name": name, "s0_scene_type": "促销", "s0_battle": battle,
        "s0_channels": ["朋友圈", "店内"], "s0_target_tier": "活跃粉", "s0_incentive_type": "满减",
        "s0_incentive_yuan": "5", "s0_budget_yuan": "3000", "s0_personalization": "0.7", "s0_launch_date": date,
        "s0_duration_days": "7", "s0_lead_days": "1", "org": "无"})


def test_log_is_append_only_in_wal_mode_and_sessions_survive(tmp_path, market):
    st = Storage(tmp_path / "x.sqlite3")
    c = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError):
        st.append("nogame", "end")                    # only games that exist
    gid = st.create_game("t", 1, market, [[]] * 4, [f"队{i}" for i in range(6)])
    st.append(gid, "end")
    assert st.game(gid).market == market and len(set(st.game(gid).codes)) == 6
    with pytest.raises(sqlite3.DatabaseError, match="append only"):
        c.execute("UPDATE log SET kind = 'open'")
    with pytest.raises(sqlite3.DatabaseError, match="append only"):
        c.execute("DELETE FROM log")
    assert Storage(tmp_path / "x.sqlite3").cookie_secret() == st.cookie_secret()


def test_rounds_from_open_to_undo_and_end(app_url):
    base, db = app_url
    ins = instructor(base)
    r = create(ins, base, names="甲队\n乙队\n<script>x</script>")
    gid = r.url.rsplit("/", 1)[1]
    codes = re.findall(r'class="code">([A-Z0-9]{6})<', r.text)
    teams = [join(base, c) for c in codes]
    assert "等待教师" in teams[0].get(base + "/team").text
    assert submit(teams[0], base).status_code == 409                 # no round open yet
    assert act(ins, base, gid, "run").status_code == 409              # nothing to run
    act(ins, base, gid, "open", minutes="5")
    page = teams[0].get(base + "/team").text
    assert 'id="time-left"' in page
    assert "不在本轮" in submit(teams[0], base, date="2015-12-01").text   # inline validation, nothing stored
    for i, t in enumerate(teams):
        assert submit(t, base, name=f"<b>场景{i}</b>").url.endswith("saved=1")
    mine = teams[0].get(base + "/team").text
    assert "&lt;b&gt;场景0&lt;/b&gt;" in mine
    left = DEFAULT_GAME_PARAMS.budget_per_round - 3000                  # the budget less the saved plan's scene
    assert f'<strong id="budget-left">{left:,.0f}</strong>' in mine
    assert "场景0" not in teams[1].get(base + "/team").text          # another team's plan is not shown
    assert act(ins, base, gid, "run").status_code == 409              # still open: close first
    act(ins, base, gid, "close")
    assert submit(teams[1], base).status_code == 409                  # closed: refused
    act(ins, base, gid, "run", events="总部活动")
    assert teams[0].get(f"{base}/game/{gid}/report/0").status_code == 404   # not yet published
    act(ins, base, gid, "publish")
    rep = teams[0].get(f"{base}/game/{gid}/report/0")
    assert rep.status_code == 200 and "总部活动" in rep.text and "<script>x" not in rep.text
    first = re.findall(r'class="score">([0-9.]+)<', rep.text)
    act(ins, base, gid, "undo")
    assert teams[0].get(f"{base}/game/{gid}/report/0").status_code == 404
    act(ins, base, gid, "run")                                        # again, without the event
    act(ins, base, gid, "publish")
    again = re.findall(r'class="score">([0-9.]+)<', teams[0].get(f"{base}/game/{gid}/report/0").text)
    assert again != first
    kinds = [row["kind"] for row in Storage(db).log(gid)]
    assert kinds.count("run") == 2 and kinds.count("undo") == 1 and kinds.count("plan") == 3
    act(ins, base, gid, "end")
    assert teams[2].get(f"{base}/game/{gid}/debrief").status_code == 200
    assert act(ins, base, gid, "open").status_code == 409


def test_auth_csrf_bounds_and_templates(app_url):
    base, db = app_url
    anon = requests.Session()
    assert anon.get(base + "/team").status_code == 403
    assert anon.get(base + "/instructor/game/0123abcd").status_code == 403
    x, _ = xsrf(anon, base + "/")
    assert anon.post(base + "/join", data={"code": "ABCDEF"}).status_code == 403          # no XSRF token
    assert anon.post(base + "/join", data={"_xsrf": x, "code": "ZZZZZZ"}).status_code == 400
    try:
        big = anon.post(base + "/join", data={"_xsrf": x, "code": "A" * (MAX_BODY + 10)}, timeout=10)
        assert big.status_code in (400, 413) and "加入码" not in big.text   # read in full: the "wrong code" page
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        pass                                                           # tornado may close the connection instead
    ins = instructor(base)
    r = create(ins, base, n_teams="40")
    assert r.status_code == 400 and "队伍数必须是 2 到 12" in r.text
    r = create(ins, base, template="短课 · 4 队 3 轮")                    # a template sets teams, rounds and events
    assert r.status_code == 200 and len(re.findall(r'class="code">([A-Z0-9]{6})<', r.text)) == 4
    assert Storage(db).game(r.url.rsplit("/", 1)[1]).schedule == [[], ["支付巨头补贴周"], ["竞品开店"]]


def test_cli_refuses_a_bad_address_before_any_work(capsys):
    from o2o import cli

    assert cli.main(["game", "--host", "classroom", "--db", "/nonexistent/x.sqlite3"]) != 0
    err = capsys.readouterr().err
    assert "不是 IP 地址" in err and "not an IP address" in err
