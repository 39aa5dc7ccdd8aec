"""``o2o hub``: start a cohort's JupyterHub, import its roster, back up and restore its state."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from dataclasses import fields
from pathlib import Path

from o2o.errors import HubError
from o2o.hub import accounts, layout, state
from o2o.hub.config import proxy_command
from o2o.hub.roster import read_roster
from o2o.hub.settings import HubSettings
from o2o.lab import find_course_root

DEFAULT_STATE = ".hub-state"
CONFIG_FILE = Path(__file__).with_name("jupyterhub_config.py")
# Options of `init`/`start` that map one-to-one onto HubSettings fields.
_TUNABLE = {"ip": str, "port": int, "home_base": str, "students_group": str, "instructors_group": str,
            "mem_limit_mb": int, "active_server_limit": int, "concurrent_spawn_limit": int, "idle_timeout_s": int, "cull_every_s": int,
            "variant_secret_file": str}


def register(subparsers: argparse._SubParsersAction) -> None:
    hub = subparsers.add_parser("hub", help="一期课程的 JupyterHub / a cohort's JupyterHub")
    sub = hub.add_subparsers(dest="hub_command", required=True)
    for name, text in (("init", "写入设置并准备状态文件夹 / write settings, prepare the state folder"),
                       ("start", "启动 JupyterHub(前台;Ctrl-C 停止)/ start JupyterHub (foreground; Ctrl-C stops)")):
        p = sub.add_parser(name, help=text)
        _state_arg(p)
        for option, kind in _TUNABLE.items():
            p.add_argument("--" + option.replace("_", "-"), type=kind, default=None)
        p.set_defaults(func=_init if name == "init" else _start)
    roster = sub.add_parser("roster", help="名单 / roster")
    rsub = roster.add_subparsers(dest="roster_command", required=True)
    imp = rsub.add_parser("import", help="从 CSV 创建账号、用户组和 nbgrader 学员记录 / accounts, groups, student records from a CSV")
    imp.add_argument("csv", help="id,first_name,last_name,email,role")
    imp.add_argument("--block-missing", action="store_true",
                     help="停用新名单里没有的人(不删除家目录和作业)/ disable people the new roster leaves out "
                          "(homes and work are kept)")
    _state_arg(imp)
    imp.set_defaults(func=_roster_import)
    bk = sub.add_parser("backup", help="备份状态文件夹 / back up the state folder")
    bk.add_argument("archive", help="新的 .tar.gz 文件 / a new .tar.gz file")
    _state_arg(bk)
    bk.set_defaults(func=_backup)
    rs = sub.add_parser("restore", help="从备份恢复到新的状态文件夹 / restore a backup into a new state folder")
    rs.add_argument("archive")
    _state_arg(rs)
    rs.set_defaults(func=_restore)


def _state_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state", default=os.environ.get("O2O_HUB_STATE") or DEFAULT_STATE,
                        help=f"状态文件夹 / state folder (default {DEFAULT_STATE}, or $O2O_HUB_STATE)")


def settings_from_args(args: argparse.Namespace) -> HubSettings:
    """Saved settings updated by the options given; defaults for a new state folder."""
    given = {k: getattr(args, k) for k in _TUNABLE if getattr(args, k, None) is not None}
    if (Path(args.state) / "hub.json").is_file():
        current = HubSettings.load(args.state)
        values = {f.name: getattr(current, f.name) for f in fields(HubSettings)}
        values.update(given)
        return HubSettings(**values)
    return HubSettings(state_dir=args.state, course_root=str(find_course_root()), **given)


def _init(args: argparse.Namespace) -> int:
    accounts.require_root()
    settings = settings_from_args(args)
    proxy_command(settings)
    settings.save()
    accounts.ensure_group(settings.students_group)
    accounts.ensure_group(settings.instructors_group)
    layout.prepare(settings)
    print(f"课程服务器已准备好 / hub prepared: {settings.state}")
    return 0


def _start(args: argparse.Namespace) -> int:
    _init(args)
    settings = HubSettings.load(args.state)
    if not accounts.load_roster(settings):
        print("提示:名单还是空的,请先运行 `o2o hub roster import 名单.csv`。 / Note: the roster is empty; "
              "run `o2o hub roster import roster.csv` first.", file=sys.stderr)
    print(f"课程服务器地址 / hub address: {settings.url}", flush=True)
    os.chdir(settings.hub_dir)
    # A shell's background job ignores SIGINT, and an ignored signal survives exec: the hub
    # and its services would then ignore the interrupt JupyterHub stops services with.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    env = {**os.environ, "O2O_HUB_STATE": str(settings.state)}
    hub = [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG_FILE)]
    os.execve(sys.executable, hub, env)
    return 0  # not reached


def _roster_import(args: argparse.Namespace) -> int:
    accounts.require_root()
    settings = HubSettings.load(args.state)
    people = read_roster(Path(args.csv))
    counts = accounts.import_roster(people, settings, block_missing=args.block_missing)
    print(f"名单 {counts['people']} 人,新建账号 {counts['created']} 个,nbgrader 学员记录 {counts['students']} 条,"
          f"新课程副本 {counts['copies']} 份,停用 {counts['blocked']} 人(家目录和作业保留)。"
          f"\nRoster: {counts['people']} people, {counts['created']} new accounts, {counts['students']} student records, "
          f"{counts['copies']} new lesson copies, {counts['blocked']} blocked (homes and work kept).")
    if counts["hub_running"]:
        print(f"课程服务器正在运行,已更新:新建 {counts['hub_users_created']} 个课程服务器用户,无需重启。"
              f"\nThe running hub is updated: {counts['hub_users_created']} new hub users; no restart needed.")
    else:
        print("课程服务器未运行;启动时读取名单。 / The hub is not running; it reads the roster when it starts.")
    return 0


def _backup(args: argparse.Namespace) -> int:
    out = state.backup(Path(args.state), Path(args.archive))
    print(f"已备份 / backed up: {out}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    out = state.restore(Path(args.archive), Path(args.state))
    print(f"已恢复 / restored: {out}")
    return 0
