"""A cohort on the hub, end to end, on loopback, as root.

One instructor and twelve students from a roster; two log in through the real login page
in Chromium; every student runs lesson 18 in their own kernel; an assignment's whole cycle
through nbgrader's exchange with real identities; attacks that must fail; a hub restart;
the apps behind the hub's login (on a phone, too); a changed roster applied to the running
hub (one student added, one blocked); the culler. The tests of this module run in order and share one cohort.
"""

from __future__ import annotations

import grp
import hashlib
import json
import os
import pwd
import re
import shlex
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grading"))

from hostile import answers_of, fill  # noqa: E402
from hubclient import HubUser  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ASSIGNMENT = "m1-o2o-basics"
COURSE = "o2o-practice"
LESSON = "o2o/lessons/18-activate-front-line.ipynb"
PARTIAL = ("q3-answer", 2)          # wrong answer -> that question's 2 points are lost
KINDS = ("full", "partial", "blank", "hostile")


def kind_of(cohort, name: str) -> str:
    return KINDS[cohort.students.index(name) % len(KINDS)]


def _tree_digest(path: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        st = p.lstat()
        h.update(f"{p.relative_to(path)}:{st.st_mode}:{st.st_uid}:{st.st_mtime_ns}".encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


# ---------------------------------------------------------------------- 1. roster and hub
def test_roster_import_creates_private_accounts_and_records(cohort):
    secret = cohort.base_dir / "variant-secret"          # per-student variants on: the hub holds the secret
    cohort.o2o("variant", "secret", "--out", str(secret))
    cohort.init(mem_limit_mb=6144, idle_timeout_s=3600, variant_secret_file=secret)
    out = cohort.o2o("hub", "roster", "import", str(cohort.write_roster()), "--state", str(cohort.state))
    assert "13" in out.stdout
    stu, ins = (grp.getgrnam(g) for g in cohort.groups)
    assert set(stu.gr_mem) == set(cohort.students) and set(ins.gr_mem) == {cohort.instructor}
    for name in [cohort.instructor, *cohort.students]:
        home = Path(pwd.getpwnam(name).pw_dir)
        st = home.stat()
        assert home.parent == cohort.homes and st.st_uid == pwd.getpwnam(name).pw_uid
        assert stat.S_IMODE(st.st_mode) == 0o700
    course = cohort.state / "course"
    assert stat.S_IMODE(course.stat().st_mode) == 0o2770 and course.stat().st_gid == ins.gr_gid
    inbound = cohort.state / "exchange" / COURSE / "inbound"
    assert stat.S_IMODE(inbound.stat().st_mode) == 0o3773
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE) as gb:
        assert sorted(s.id for s in gb.students) == sorted(cohort.students)
    # each student's lesson copy is made at import, as the student, private: the first start clones nothing
    for name in cohort.students:
        copy = Path(pwd.getpwnam(name).pw_dir) / "o2o"
        assert (copy / ".git").is_dir() and (copy / "lessons" / "18-activate-front-line.ipynb").is_file()
        assert copy.stat().st_uid == pwd.getpwnam(name).pw_uid
    # a second import changes nothing
    again = cohort.o2o("hub", "roster", "import", str(cohort.write_roster()), "--state", str(cohort.state))
    assert "0 new accounts" in again.stdout
    cohort.start()


# ---------------------------------------------------------------------- 2. the login page
def test_two_students_log_in_through_the_login_page(cohort, browser):
    # the session-wide Chromium (tests/conftest.py): a second sync Playwright cannot start
    for name in cohort.students[:2]:
        _browser_login(cohort, browser, name)


def _browser_login(cohort, browser, name: str) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = ctx.new_page()
    try:
        page.goto(f"{cohort.url}/hub/login")
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", cohort.password(name))
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=240_000)
        assert page.url.endswith("/lab/tree/o2o/course/index.ipynb") or "/lab/tree/o2o/course/index.ipynb" in page.url
        page.get_by_text("文件", exact=True).first.wait_for(timeout=120_000)     # the Chinese UI
        page.locator(".jp-RenderedMarkdown", has_text="课程首页").first.wait_for(timeout=120_000)  # the home opened
        config = json.loads(page.locator("#jupyter-config-data").text_content())
        disabled = config.get("disabledExtensions", [])
        assert "@jupyter/nbgrader:formgrader" in disabled and "@jupyter/nbgrader:create-assignment" in disabled
        page.get_by_text("Nbgrader", exact=True).first.click()
        menu = page.locator(".lm-Menu").last
        menu.wait_for(timeout=30_000)
        items = menu.inner_text()
        assert "Assignment" in items, items
        assert "Formgrader" not in items and "Course" not in items, items
        page.keyboard.press("Escape")
        assert page.get_by_text("Create Assignment").count() == 0
        page.screenshot(path=str(cohort.log_path.with_name(f"hub-e2e-{name}.png")))
    finally:
        ctx.close()


# ---------------------------------------------------------------------- 3. lesson 18 for everyone
def test_every_student_runs_lesson_18_in_their_own_kernel(cohort):
    users = {name: HubUser(cohort.url, name, cohort.password(name)) for name in cohort.students}
    cohort.users = users

    def one(name: str) -> tuple[str, list[dict], list[dict]]:
        u = users[name]
        u.login()
        u.start_server()
        who = u.run_code("import os, resource; print(os.getuid(), resource.getrlimit(resource.RLIMIT_AS)[0])")
        return name, who, u.run_notebook(LESSON)

    # three at a time: two cores, each lesson loads the year's data
    with ThreadPoolExecutor(max_workers=3) as pool:
        for name, who, replies in pool.map(one, cohort.students):
            uid, limit = who[0]["stdout"].split()
            assert int(uid) == pwd.getpwnam(name).pw_uid
            assert int(limit) == 6144 * 1024 * 1024
            failed = [r for r in replies if r.get("status") != "ok"]
            assert replies and not failed, f"{name}: {failed[:2]}"
    copy = Path(pwd.getpwnam(cohort.students[0]).pw_dir) / "o2o"
    assert (copy / "lessons" / "18-activate-front-line.ipynb").is_file() and (copy / ".git").is_dir()


# ---------------------------------------------------------------------- 4. an assignment's cycle
def _instructor(cohort, *args: str, env: dict | None = None):
    r = cohort.as_user(cohort.instructor, cohort.python, "-m", *args, cwd=cohort.state / "course", umask="007",
                       env=env)
    assert r.returncode == 0, f"{args}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


def _submission_for(cohort, name: str, release: dict, answers: dict) -> dict:
    kind = kind_of(cohort, name)
    if kind == "blank":
        return release
    if kind == "partial":
        gid = PARTIAL[0]
        first = answers[gid].split("\n")[0].split("=")[0].strip()
        return fill(release, {**answers, gid: f"{first} = -1"})
    if kind == "hostile":
        course, victim = cohort.state / "course", pwd.getpwnam(cohort.students[0]).pw_dir
        probe = (f"\nimport pathlib as _p\nfor _f in ({str(course / 'gradebook.db')!r}, {victim + '/.profile'!r}):\n"
                 "    try:\n        _p.Path(_f).read_bytes()\n    except Exception:\n        pass\n"
                 f"try:\n    _p.Path({str(course / 'source' / 'hacked.txt')!r}).write_text('x')\nexcept Exception:\n    pass\n")
        gid = next(iter(answers))
        return fill(release, {**answers, gid: answers[gid] + probe})
    return fill(release, answers)


def test_assignment_cycle_with_real_identities(cohort):
    course = cohort.state / "course"
    _instructor(cohort, "nbgrader", "generate_assignment", ASSIGNMENT, "--force")
    _instructor(cohort, "nbgrader", "release_assignment", ASSIGNMENT)
    answers = answers_of(json.loads((course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text("utf-8")))
    nb_path = f"{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    for name in cohort.students:
        u = cohort.users[name]
        u.nbgrader("fetch", COURSE, ASSIGNMENT)
        release = u.get_file(nb_path).json()["content"]
        u.put_notebook(nb_path, _submission_for(cohort, name, release, answers))
        u.nbgrader("submit", COURSE, ASSIGNMENT)
    cohort.attacks = _attacks(cohort)

    collected = _instructor(cohort, "nbgrader", "collect", ASSIGNMENT)
    log = collected.stdout + collected.stderr
    assert "Refused submission" in log and "+forged" in log
    for name in cohort.students:
        nb = (course / "submitted" / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text("utf-8")
        assert "FORGED" not in nb, f"{name}'s collected notebook is the attacker's"
    stamp = (course / "submitted" / cohort.students[0] / ASSIGNMENT / "timestamp.txt").read_text()
    assert not stamp.startswith("2000-"), "the rewritten timestamp was believed"

    _instructor(cohort, "o2o", "grade", ASSIGNMENT, "--course-dir", ".", "--workers", "2", "--no-progress",
                "--memory-mb", "4096", env={"O2O_DATA_DIR": str(cohort_data_dir())})
    assert not (course / "source" / "hacked.txt").exists()
    scores, auto_max = _autograded_scores(course)
    expected = {"full": auto_max, "partial": auto_max - PARTIAL[1], "blank": 0.0, "hostile": auto_max}
    assert scores == {n: expected[kind_of(cohort, n)] for n in cohort.students}
    cohort.expected_scores = scores
    _check_each_student_had_their_own_variant(cohort, course)

    _instructor(cohort, "nbgrader", "generate_feedback", ASSIGNMENT)
    _instructor(cohort, "nbgrader", "release_feedback", ASSIGNMENT)
    for name in cohort.students:
        _check_own_feedback(cohort, name, scores[name])


def _check_each_student_had_their_own_variant(cohort, course: Path) -> None:
    """Each graded notebook printed its student's question values (``print(Q)``), derived from the hub's secret."""
    secret = cohort.base_dir / "variant-secret"
    shown = {}
    for name in cohort.students:
        if kind_of(cohort, name) != "full":
            continue
        nb = json.loads((course / "autograded" / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text("utf-8"))
        setup = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "setup")
        shown[name] = "".join("".join(o.get("text", "")) for o in setup.get("outputs", []))
        assert "Q." in shown[name], shown[name]
        show = cohort.o2o("variant", "show", name, "--secret-file", str(secret)).stdout
        line = next(x for x in show.splitlines() if x.startswith(f"{ASSIGNMENT}:"))   # the instructor's view
        values = [m.group(1).strip() for m in re.finditer(r"(Q\.\w+ = [^#\n]+)", shown[name])]
        assert values and all(v in line for v in values), (name, shown[name], line)
    assert len(set(shown.values())) == len(shown) >= 2, "two students were graded on the same variant"


def cohort_data_dir() -> Path:
    from o2o.data.load import default_data_dir

    return default_data_dir()


def _autograded_scores(course: Path) -> tuple[dict[str, float], float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE) as gb:
        auto_max = sum(c.max_score for nb in gb.find_assignment(ASSIGNMENT).notebooks for c in nb.grade_cells
                       if c.cell_type == "code")
        got = {sub.student_id: float(sum(g.auto_score or 0 for nb in sub.notebooks for g in nb.grades
                                         if g.cell.cell_type == "code"))
               for sub in gb.assignment_submissions(ASSIGNMENT)}
    return got, float(auto_max)


def _check_own_feedback(cohort, name: str, auto_score: float) -> None:
    u = cohort.users[name]
    u.nbgrader("fetch_feedback", COURSE, ASSIGNMENT)
    folder = f"{COURSE}/{ASSIGNMENT}/feedback"
    stamps = [e["name"] for e in u.get_file(folder).json()["content"] if e["type"] == "directory"]
    assert len(stamps) == 1, stamps
    html = u.server("GET", f"/files/{folder}/{stamps[0]}/{ASSIGNMENT}.html").content.decode("utf-8")
    # exactly the feedback generated for this student (the instructors' copy), nobody else's
    assert html == (cohort.state / "course" / "feedback" / name / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text("utf-8")
    total = re.search(r"\(Score: ([0-9.]+) / ([0-9.]+)\)", html)
    assert total, html[:500]
    # the feedback's total includes the memo (not graded yet: 0), so it equals the autograded score
    assert float(total.group(1)) == pytest.approx(auto_score)


# ---------------------------------------------------------------------- attacks
def _inbound(cohort) -> Path:
    return cohort.state / "exchange" / COURSE / "inbound"


def _entry_of(cohort, name: str) -> Path:
    uid = pwd.getpwnam(name).pw_uid
    entries = [p for p in _inbound(cohort).iterdir()
               if p.name.startswith(f"{name}+{ASSIGNMENT}+") and p.stat().st_uid == uid]
    assert len(entries) == 1, entries
    return entries[0]


def _attacks(cohort) -> dict[str, int]:
    """As the first student, try everything that must fail; return each attempt's exit status."""
    me, victim = cohort.students[0], cohort.students[1]
    victim_home = pwd.getpwnam(victim).pw_dir
    course = cohort.state / "course"
    theirs = _entry_of(cohort, victim)
    before = {n: _tree_digest(_entry_of(cohort, n)) for n in cohort.students[1:]}
    before_course = _tree_digest(course)

    def sh(script: str) -> int:
        return cohort.as_user(me, "sh", "-c", script).returncode

    q = shlex.quote
    inbound = _inbound(cohort)
    attempts = {
        "read another's home": sh(f"ls {q(victim_home)} || exit 1; cat {q(victim_home + '/.profile')}"),
        "read the course source": sh(f"ls {q(str(course / 'source'))}"),
        "read the gradebook": sh(f"cat {q(str(course / 'gradebook.db'))} > /dev/null"),
        "list the exchange inbound": sh(f"ls {q(str(inbound))}"),
        "list the released feedback": sh(f"ls {q(str(cohort.state / 'exchange' / COURSE / 'feedback'))}"),
        "read another's submission": sh(f"cat {q(str(theirs / (ASSIGNMENT + '.ipynb')))} > /dev/null"),
        "write into another's submission": sh(f"echo x > {q(str(theirs / (ASSIGNMENT + '.ipynb')))}"),
        "add a file to another's submission": sh(f"touch {q(str(theirs / 'extra.ipynb'))}"),
        "rename another's submission": sh(f"mv {q(str(theirs))} {q(str(inbound / (me + '+moved')))}"),
        "delete another's submission": sh(f"rm -rf {q(str(theirs))}"),
    }
    for what, status in attempts.items():
        assert status != 0, f"a student could {what}"
    # the same commands work on one's own submission: the refusals above are about identity
    mine = _entry_of(cohort, me)
    assert sh(f"cat {q(str(mine / (ASSIGNMENT + '.ipynb')))} > /dev/null && touch {q(str(mine / 'own.txt'))} "
              f"&& rm {q(str(mine / 'own.txt'))}") == 0
    # Submitting under another name: creating the folder works (inbound is writable), but
    # collect must refuse it because the files belong to the wrong account.
    forged = f"{_inbound(cohort)}/{victim}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+forged"
    assert sh(f"mkdir '{forged}' && printf '{{\"FORGED\": 1}}' > '{forged}/{ASSIGNMENT}.ipynb' && "
              f"printf '2099-01-01 00:00:00.000000 UTC' > '{forged}/timestamp.txt'") == 0
    # Changing one's own timestamp after the fact: allowed by the file system (it is one's
    # own file), but the change time the kernel records gives it away.
    assert sh(f"printf '2000-01-01 00:00:00.000000 UTC' > {shlex.quote(str(mine / 'timestamp.txt'))}") == 0
    after = {n: _tree_digest(_entry_of(cohort, n)) for n in cohort.students[1:]}
    assert after == before, "another student's submission changed"
    assert _tree_digest(course) == before_course
    return attempts


# ---------------------------------------------------------------------- 5. restart
def test_hub_restart_keeps_accounts_servers_submissions_and_grades(cohort):
    course = cohort.state / "course"
    submitted = {p.parent.name for p in course.glob(f"submitted/*/{ASSIGNMENT}")}
    cohort.stop()
    cohort.start()
    for name in cohort.students:
        u = cohort.users[name]
        u.wait_ready(120)                                         # the running server was found again
        assert u.server("GET", "/api/status").status_code == 200  # and still answers, token still valid
    again = HubUser(cohort.url, cohort.students[1], cohort.password(cohort.students[1]))
    again.login()                                                 # the password set at first login is kept
    wrong = HubUser(cohort.url, cohort.students[1], "not-the-password")
    with pytest.raises(AssertionError):
        wrong.login()
    assert {p.parent.name for p in course.glob(f"submitted/*/{ASSIGNMENT}")} == submitted == set(cohort.students)
    assert _autograded_scores(course)[0] == cohort.expected_scores


APPS = "/services/o2o-apps/"
APP_PAGE = "/services/o2o-apps/voila/templates/o2o/"     # the kit's own template, in every app page


def test_apps_need_a_hub_login_and_open_on_a_phone(cohort, browser):
    import requests

    from o2o.apps.server import APP_NOTEBOOKS

    # a visitor without a hub login is sent to the hub's login page, and gets no app
    anon = requests.get(f"{cohort.url}{APPS}", timeout=60)
    assert "/hub/login" in anon.url and APP_PAGE not in anon.text, anon.url
    render = f"{APPS}voila/render/{quote(APP_NOTEBOOKS['maturity'])}"
    assert "/hub/login" in requests.get(f"{cohort.url}{render}", timeout=60).url
    # every logged-in student and the instructor open the apps (the hub's OAuth, no consent page)
    teacher = HubUser(cohort.url, cohort.instructor, cohort.password(cohort.instructor))
    teacher.login()
    cohort.teacher = teacher
    for u in [teacher, *(cohort.users[n] for n in cohort.students)]:
        page = u.http.get(f"{cohort.url}{APPS}", timeout=60)
        assert page.status_code == 200 and APP_PAGE in page.text, (u.name, page.url, page.text[:300])
    nb = next(iter(APP_NOTEBOOKS.values()))
    assert teacher.http.get(f"{cohort.url}{APPS}voila/files/{nb}", timeout=60).status_code in (403, 404)
    owners = {p.stat().st_uid for p in Path("/proc").iterdir() if p.name.isdigit()
              and b"o2o.hub.apps_service" in _cmdline(p) and str(cohort.port + 3).encode() in _cmdline(p)}
    assert owners == {pwd.getpwnam("nobody").pw_uid}
    # on a phone: the app's address, the hub's login page, then the app itself
    name = cohort.students[3]
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        page.goto(f"{cohort.url}{render}")
        page.wait_for_url(re.compile(r"/hub/login"), timeout=60_000)
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", cohort.password(name))
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(re.compile(r"/services/o2o-apps/voila/render/"), timeout=120_000)
        page.get_by_role("button", name="查看评估结果").wait_for(timeout=120_000)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(cohort.log_path.with_name(f"hub-e2e-{name}-phone-app.png")))
    finally:
        ctx.close()


# ---------------------------------------------------------------------- 6. a changed roster, no restart
def test_a_changed_roster_applies_without_restart(cohort):
    import requests

    gone, new = cohort.students[-1], f"{cohort.tag}s99"
    cohort.added.append(new)
    roster = cohort.write_roster([*cohort.students[:-1], new], name="roster-2.csv")
    gone_home = Path(pwd.getpwnam(gone).pw_dir)
    work_before = {p: _tree_digest(gone_home / p) for p in ("o2o", COURSE)}
    # leaving someone out needs saying so: refused before any work
    refused = cohort.o2o("hub", "roster", "import", str(roster), "--state", str(cohort.state), check=False)
    assert refused.returncode != 0 and "--block-missing" in refused.stdout + refused.stderr
    with pytest.raises(KeyError):
        pwd.getpwnam(new)
    out = cohort.o2o("hub", "roster", "import", str(roster), "--state", str(cohort.state), "--block-missing")
    assert "no restart needed" in out.stdout and "1 new hub users" in out.stdout, out.stdout
    # the new student: account, private home, group, nbgrader record, lesson copy, hub user, server, apps
    entry = pwd.getpwnam(new)
    assert stat.S_IMODE(Path(entry.pw_dir).stat().st_mode) == 0o700
    assert new in grp.getgrnam(cohort.groups[0]).gr_mem
    assert (Path(entry.pw_dir) / "o2o" / ".git").is_dir()
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{cohort.state / 'course' / 'gradebook.db'}", COURSE) as gb:
        assert {new, gone} <= {s.id for s in gb.students}          # the one who left keeps their record
    u = HubUser(cohort.url, new, cohort.password(new))
    u.login()
    u.start_server()
    assert int(u.run_code("import os; print(os.getuid())")[0]["stdout"]) == entry.pw_uid
    assert APP_PAGE in u.http.get(f"{cohort.url}{APPS}", timeout=60).text
    # the student who left: server stopped, login refused, tokens revoked, account disabled; work kept
    deadline = time.monotonic() + 60
    while cohort.teacher.api("GET", f"/users/{gone}").json().get("servers") and time.monotonic() < deadline:
        time.sleep(1)
    assert not cohort.teacher.api("GET", f"/users/{gone}").json().get("servers")
    with pytest.raises(AssertionError):
        HubUser(cohort.url, gone, cohort.password(gone)).login()
    assert cohort.users[gone].api("GET", f"/users/{gone}").status_code == 403
    shadow = subprocess.run(["getent", "shadow", gone], capture_output=True, text=True).stdout.split(":")
    assert shadow[7] == "1", shadow                             # the Unix account expired (disabled)
    assert {p: _tree_digest(gone_home / p) for p in ("o2o", COURSE)} == work_before
    assert (cohort.state / "course" / "submitted" / gone / ASSIGNMENT).is_dir()
    # blocked, not deleted: the hub user is still there (nobody else can claim the name)
    assert requests.get(f"{cohort.url}/hub/api/users/{gone}", headers=cohort.teacher.auth, timeout=30).status_code == 200


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""


# ---------------------------------------------------------------------- 7. the culler
def test_culler_stops_an_idle_server(cohort):
    cohort.stop()
    cohort.start(idle_timeout_s=20, cull_every_s=5)
    name = cohort.students[2]
    u = cohort.users[name]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if not u.model().get("servers"):
            break
        time.sleep(2)
    else:
        raise AssertionError(f"the idle server of {name} was not culled within 180 s")
    assert "Culling server" in cohort.log_path.read_text("utf-8", errors="replace")
