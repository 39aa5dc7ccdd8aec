"""The cohort hub's pure parts: roster, settings, exchange checks, backup and restore."""

from __future__ import annotations

import json
import os
import pwd
import tarfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from o2o.errors import HubError
from o2o.hub import state
from o2o.hub.exchange import SUBMIT_SLACK_S, check_submission
from o2o.hub.layout import instructor_nbgrader_config, student_nbgrader_config
from o2o.hub.roster import ID_RE, parse_roster
from o2o.hub.settings import HubSettings

HEADER = "id,first_name,last_name,email,role\n"


def test_roster_roles_and_bom():
    people = parse_roster("\ufeff" + HEADER + "s01,伟,王,w@x.cn,学员\nt01,,李,,教师\ns02,,,,\n")
    assert [(p.id, p.role) for p in people] == [("s01", "student"), ("t01", "instructor"), ("s02", "student")]
    assert people[0].last_name == "王"


@pytest.mark.parametrize("bad, word", [
    ("S01,,,,student", "account name"), ("root,,,,student", "reserved"), ("s01,,,,boss", "unknown"),
    ("s01,,,,student\ns01,,,,student", "twice"), ("s01,,,,student,extra", "more columns"),
    ("../x,,,,student", "account name"), ("s01,a\x01b,,,student", "control"),
])
def test_roster_refuses_bad_rows(bad, word):
    with pytest.raises(HubError) as err:
        parse_roster(HEADER + bad + "\n")
    assert word in str(err.value) and "名单" in str(err.value)


def test_roster_refuses_missing_id_column_and_empty():
    with pytest.raises(HubError, match="no id column"):
        parse_roster("name,role\nx,student\n")
    with pytest.raises(HubError, match="empty"):
        parse_roster(HEADER)


@hyp_settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_every_accepted_id_is_a_safe_account_name(raw):
    text = HEADER + raw.replace("\n", " ").replace("\r", " ").replace(",", " ").replace('"', " ") + ",,,,student\n"
    try:
        people = parse_roster(text)
    except HubError:
        return
    for p in people:
        assert ID_RE.match(p.id) and "/" not in p.id and ".." not in p.id


def test_settings_round_trip_and_refusals(tmp_path):
    s = HubSettings(state_dir=str(tmp_path / "st"), course_root=str(tmp_path), port=9100)
    s.save()
    assert HubSettings.load(tmp_path / "st") == s
    with pytest.raises(HubError):
        HubSettings(state_dir=str(tmp_path), course_root=str(tmp_path), students_group="Bad Group")
    with pytest.raises(HubError):
        HubSettings(state_dir=str(tmp_path), course_root=str(tmp_path), students_group="a", instructors_group="a")
    with pytest.raises(HubError, match="o2o hub init"):
        HubSettings.load(tmp_path / "nowhere")
    raw = json.loads((tmp_path / "st" / "hub.json").read_text())
    (tmp_path / "st" / "hub.json").write_text(json.dumps({**raw, "surprise": 1}))
    with pytest.raises(HubError, match="surprise"):
        HubSettings.load(tmp_path / "st")


def test_students_get_their_variant_key_never_the_secret(tmp_path):
    """With a course secret the hub gives each student's server only that student's key."""
    from o2o.data.variants import VariantError, new_secret, variant_key
    from o2o.hub.config import variant_environment

    secret = tmp_path / "variant-secret"
    secret.write_text(new_secret() + "\n")
    s = HubSettings(state_dir=str(tmp_path / "st"), course_root=str(tmp_path), variant_secret_file=str(secret))
    env = variant_environment(s, "stu01", "students")
    assert env == {"O2O_VARIANT_KEY": variant_key(secret.read_bytes().strip(), "stu01")}
    assert env != variant_environment(s, "stu02", "students")
    assert secret.read_text().strip() not in json.dumps(env)
    assert variant_environment(s, "prof", "instructors") == {}
    off = HubSettings(state_dir=str(tmp_path / "st2"), course_root=str(tmp_path))
    assert variant_environment(off, "stu01", "students") == {}
    with pytest.raises(VariantError, match="o2o variant secret"):  # refused when the settings are made
        HubSettings(state_dir=str(tmp_path / "st3"), course_root=str(tmp_path),
                    variant_secret_file=str(tmp_path / "missing"))


def test_servers_get_the_kernels_memory_settings(tmp_path):
    """Every server (and so every kernel it starts) gets the malloc settings ``make lab`` gives its kernels."""
    from o2o.hub.config import user_environment
    from o2o.kernel_env import MALLOC_ENV

    s = HubSettings(state_dir=str(tmp_path / "st"), course_root=str(tmp_path))
    for role in ("students", "instructors"):
        env = user_environment(s, role)
        assert MALLOC_ENV and all(env[k] == v for k, v in MALLOC_ENV.items())


def test_instructors_grade_with_the_hubs_course_secret(tmp_path, monkeypatch):
    """With a course secret, the course gets the grader's copy (instructors only) and its nbgrader config names it;
    a copy holding another secret is never replaced."""
    from o2o.data.variants import new_secret
    from o2o.hub import layout

    secret = tmp_path / "variant-secret"
    secret.write_text(new_secret() + "\n")
    s = HubSettings(state_dir=str(tmp_path / "st"), course_root=str(tmp_path), variant_secret_file=str(secret))
    assert f"c.O2O.variant_secret_file = {layout.SECRET_NAME!r}" in instructor_nbgrader_config(s)
    off = HubSettings(state_dir=str(tmp_path / "st2"), course_root=str(tmp_path))
    assert "variant_secret_file" not in instructor_nbgrader_config(off)
    monkeypatch.setattr(os, "chown", lambda *a: None)         # the group is the instructors' on a real hub
    copy = tmp_path / "course-copy"
    layout._install_secret(s, copy, os.getgid())
    assert copy.read_bytes().strip() == secret.read_bytes().strip() and (copy.stat().st_mode & 0o777) == 0o640
    layout._install_secret(s, copy, os.getgid())                # the same secret again: fine
    secret.write_text(new_secret() + "\n")
    with pytest.raises(HubError, match="another course secret"):
        layout._install_secret(s, copy, os.getgid())
    assert copy.read_bytes().strip() != secret.read_bytes().strip()


def test_students_config_names_no_course_directory(tmp_path):
    s = HubSettings(state_dir=str(tmp_path / "st"), course_root=str(tmp_path))
    student = student_nbgrader_config(s)
    assert "CourseDirectory.root" not in student and "PrivateSubmit" in student
    instructor = instructor_nbgrader_config(s)
    assert "VerifiedCollect" in instructor and "groupshared = True" in instructor


@pytest.mark.skipif(os.geteuid() != 0, reason="chown needs root")
def test_check_submission_owner_links_and_change_time(tmp_path):
    nobody = pwd.getpwnam("nobody")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a.ipynb").write_text("{}")
    for p in (sub, sub / "a.ipynb"):
        os.chown(p, nobody.pw_uid, nobody.pw_gid)
    changed = check_submission(str(sub), "nobody")
    assert abs(changed - time.time()) < 60
    with pytest.raises(ValueError, match="not to root"):
        check_submission(str(sub), "root")
    (sub / "b.ipynb").write_text("{}")          # a file of someone else inside
    with pytest.raises(ValueError, match="belongs to uid 0"):
        check_submission(str(sub), "nobody")
    (sub / "b.ipynb").unlink()
    os.symlink("/etc/passwd", sub / "c.ipynb")
    os.lchown(sub / "c.ipynb", nobody.pw_uid, nobody.pw_gid)
    with pytest.raises(ValueError, match="not a plain file"):
        check_submission(str(sub), "nobody")
    assert SUBMIT_SLACK_S < 600


def test_backup_and_restore_round_trip_never_overwrite(tmp_path):
    st_dir = tmp_path / "state"
    s = HubSettings(state_dir=str(st_dir), course_root=str(tmp_path))
    s.save()
    (st_dir / "course").mkdir()
    (st_dir / "course" / "gradebook.db").write_bytes(b"grades")
    (st_dir / "hub").mkdir()
    (st_dir / "hub" / "jupyterhub.pid").write_text("1")
    archive = state.backup(st_dir, tmp_path / "b.tar.gz")
    with pytest.raises(HubError, match="exists"):
        state.backup(st_dir, archive)
    with pytest.raises(HubError, match="never writes over"):
        state.restore(archive, st_dir)
    new = state.restore(archive, tmp_path / "restored")
    assert (new / "course" / "gradebook.db").read_bytes() == b"grades"
    assert not (new / "hub" / "jupyterhub.pid").exists()
    assert HubSettings.load(new).state_dir == str(new.resolve())


def test_restore_refuses_foreign_archives(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        f = tmp_path / "x"
        f.write_text("x")
        tar.add(f, arcname="../outside")
    with pytest.raises(HubError, match="not an o2o hub backup"):
        state.restore(evil, tmp_path / "r")
    assert not (tmp_path / "outside").exists() and not (tmp_path / "r").exists()
    (tmp_path / "junk.tar.gz").write_bytes(b"not a tar")
    with pytest.raises(HubError, match="cannot be read"):
        state.restore(tmp_path / "junk.tar.gz", tmp_path / "r2")


def test_spawn_limit_is_the_cohort_unless_set(tmp_path):
    base = {"state_dir": str(tmp_path / "st"), "course_root": str(tmp_path)}
    assert HubSettings(**base, active_server_limit=35).spawn_limit == 35
    assert HubSettings(**base, active_server_limit=35, concurrent_spawn_limit=10).spawn_limit == 10
    with pytest.raises(HubError, match="cannot be negative"):
        HubSettings(**base, concurrent_spawn_limit=-1)


def test_roster_record_blocks_the_missing_and_forgets_no_one(tmp_path):
    from o2o.hub import accounts

    s = HubSettings(state_dir=str(tmp_path / "st"), course_root=str(tmp_path))
    first = parse_roster(HEADER + "s01,,,,student\ns02,,,,student\nt01,,,,instructor\n")
    accounts.save_roster(first, s)
    second = parse_roster(HEADER + "s01,,,,student\ns03,,,,student\nt01,,,,instructor\n")
    assert accounts.missing_people(second, s) == ["s02"]
    accounts.save_roster(second, s)
    assert accounts.load_roster(s) == {"s01": "student", "s03": "student", "t01": "instructor"}
    assert accounts.load_blocked(s) == ["s02"]
    accounts.save_roster(first, s)                      # back on the roster; s03 now left
    assert accounts.load_blocked(s) == ["s03"] and "s02" in accounts.load_roster(s)


def test_login_checks_the_roster_as_it_is_now(tmp_path):
    from tornado.web import HTTPError

    from o2o.hub import accounts
    from o2o.hub.config import make_post_auth_hook

    s = HubSettings(state_dir=str(tmp_path / "st"), course_root=str(tmp_path))
    accounts.save_roster(parse_roster(HEADER + "s01,,,,student\nt01,,,,instructor\n"), s)
    hook = make_post_auth_hook(s)
    assert hook(None, None, {"name": "t01", "admin": None})["admin"] is True
    assert hook(None, None, {"name": "s01", "admin": None})["admin"] is False
    accounts.save_roster(parse_roster(HEADER + "t01,,,,instructor\n"), s)     # s01 left
    with pytest.raises(HTTPError) as err:
        hook(None, None, {"name": "s01", "admin": None})
    assert err.value.status_code == 403 and "roster" in err.value.log_message


def test_apps_service_oauth_handlers_live_under_its_prefix(monkeypatch):
    from o2o.hub.apps_service import HubIdentityProvider

    for key, value in {"JUPYTERHUB_SERVICE_PREFIX": "/services/o2o-apps/", "JUPYTERHUB_API_TOKEN": "t",
                       "JUPYTERHUB_CLIENT_ID": "service-o2o-apps", "JUPYTERHUB_API_URL": "http://127.0.0.1:1/hub/api",
                       "JUPYTERHUB_OAUTH_CALLBACK_URL": "/services/o2o-apps/oauth_callback",
                       "JUPYTERHUB_SERVICE_NAME": "o2o-apps"}.items():
        monkeypatch.setenv(key, value)
    provider = HubIdentityProvider(token="")           # Voila passes its token; the hub's OAuth replaces it
    paths = [h[0] for h in provider.get_handlers()]
    assert "/services/o2o-apps/oauth_callback" in paths and all(p.startswith("/services/o2o-apps/") for p in paths)
    assert provider.hub_auth.access_scopes == {"access:services!service=o2o-apps"}


def test_first_use_login_hashes_off_the_event_loop_and_keeps_its_rules(tmp_path):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    from o2o.hub.login import CohortFirstUseAuthenticator

    auth = CohortFirstUseAuthenticator(dbm_path=str(tmp_path / "pw.dbm"), check_passwords_on_startup=False,
                                       min_password_length=8)
    handler = SimpleNamespace()

    def login(name: str, password: str):
        # a thread of its own: a browser test of the same session may hold this thread's event loop
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, auth.authenticate(handler, {"username": name, "password": password})).result()

    assert login("s01", "short") is None and "at least 8" in handler.custom_login_error
    assert login("s01", "first-password") == "s01"          # the first use sets it
    assert login("s01", "another-password") is None
    assert login("s01", "first-password") == "s01"
    assert auth._stored("s02") is None and auth._stored("s01").startswith(b"$2")   # bcrypt, in the same store
