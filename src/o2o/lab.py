"""``o2o lab``: open the course in JupyterLab, in Chinese by default.

What it starts (``make lab`` runs exactly this)::

    python -m jupyterlab  --ServerApp.root_dir=<repo>
                          --LabApp.default_url=/lab/tree/course/index.ipynb
                          --LabApp.app_settings_dir=<repo>/.jupyter-runtime/lab/settings
                          --LabApp.user_settings_dir=<repo>/.jupyter-runtime/lab/user-settings
                          --LabApp.workspaces_dir=<repo>/.jupyter-runtime/lab/workspaces
                          --ServerApp.port=<port> --ServerApp.port_retries=0
                          [--ServerApp.open_browser=False] [--allow-root]

* Chinese by default: the language pack ``jupyterlab-language-pack-zh-CN`` is a
  dependency, and the generated app settings folder holds an ``overrides.json``
  (template: ``o2o/resources/jupyter/overrides.json``) whose default ``locale`` is
  ``zh_CN``. A student can still switch the language in the menu; that choice is kept.
* Project-local: settings, workspaces and the generated overrides live in the
  git-ignored ``.jupyter-runtime/`` folder of the course; nothing is written into the
  user's home Jupyter configuration.
* Safe by default: token authentication stays on (a fresh random token unless
  ``JUPYTER_TOKEN`` is set), and ``--allow-root`` is passed only when running as root.
* One Ctrl-C stops the server (stdin is detached, so Jupyter does not ask "y/n").
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import secrets
import shutil
import socket
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from o2o.errors import O2OError
from o2o.kernel_env import kernel_env
from o2o.options import address_type, check_bindable

COURSE_HOME = "course/index.ipynb"
LOCALE = "zh_CN"
LANGUAGE_PACK_MODULE = "jupyterlab_language_pack_zh_CN"
DEFAULT_PORT = 8888
STATE_DIR = ".jupyter-runtime"


class LabError(O2OError):
    """JupyterLab cannot be started."""


# --------------------------------------------------------------------------- locations


def find_course_root(start: Path | None = None) -> Path:
    """The course folder: the nearest folder (from ``start``, else the current
    directory, upwards) holding ``pyproject.toml`` and ``course/``; failing that, the
    folder this package was installed from (editable install); else ``start``."""
    start = Path.cwd() if start is None else Path(start)
    for folder in (start, *start.resolve().parents):
        if (folder / "pyproject.toml").is_file() and (folder / "course").is_dir():
            return folder
    package_root = Path(__file__).resolve().parents[2]
    if (package_root / "pyproject.toml").is_file():
        return package_root
    return start.resolve()


def environment_app_settings_dir() -> Path:
    """JupyterLab's own application settings folder of this Python environment.

    The same rule as ``jupyterlab.commands.get_app_dir`` for an environment install
    (``$JUPYTERLAB_DIR``, else ``<prefix>/share/jupyter/lab``), without importing
    ``jupyterlab.commands``, which takes seconds.
    """
    if importlib.util.find_spec("jupyterlab") is None:
        raise LabError(
            "没有安装 JupyterLab。请在课程文件夹中运行 `make lab`,它会创建环境并安装依赖。",
            "JupyterLab is not installed. Run `make lab` in the course folder; it creates the "
            "environment and installs what is needed.",
        )
    app_dir = os.environ.get("JUPYTERLAB_DIR")
    base = Path(app_dir).resolve() if app_dir else Path(sys.prefix) / "share" / "jupyter" / "lab"
    return base / "settings"


def course_overrides() -> dict:
    """The course's settings defaults (the ``overrides.json`` template)."""
    text = resources.files("o2o").joinpath("resources/jupyter/overrides.json").read_text("utf-8")
    return json.loads(text)


def _merge(base: dict, extra: dict) -> dict:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def prepare_settings(state_dir: Path) -> Path:
    """Generate the app settings folder and return it.

    It starts from this environment's own app settings (``page_config.json``,
    ``overrides.d/`` and ``overrides.json``, if any) and merges the course's defaults
    into ``overrides.json``, so the course's Chinese locale wins over the environment's
    defaults but not over a choice the student makes in the menu.
    """
    target = state_dir / "lab" / "settings"
    target.mkdir(parents=True, exist_ok=True)
    source = environment_app_settings_dir()
    base: dict = {}
    if source.is_dir() and source.resolve() != target.resolve():
        for name in ("page_config.json", "page_config.json5"):
            if (source / name).is_file():
                shutil.copyfile(source / name, target / name)
        if (source / "overrides.d").is_dir():
            shutil.copytree(source / "overrides.d", target / "overrides.d", dirs_exist_ok=True)
        if (source / "overrides.json").is_file():
            try:
                base = json.loads((source / "overrides.json").read_text("utf-8"))
            except (OSError, ValueError):
                base = {}
    overrides = _merge(base, course_overrides())
    _write_atomic(target / "overrides.json", json.dumps(overrides, ensure_ascii=False, indent=2) + "\n")
    return target


# --------------------------------------------------------------------------- command line


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def choose_port(start: int = DEFAULT_PORT, tries: int = 50) -> int:
    """The first free port from ``start`` on."""
    for port in range(start, start + tries):
        if _port_is_free(port):
            return port
    raise LabError(
        f"端口 {start}–{start + tries - 1} 都被占用;请用 `o2o lab --port 端口号` 指定一个。",
        f"Ports {start}–{start + tries - 1} are all in use; choose one with `o2o lab --port NUMBER`.",
    )


def running_as_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


@dataclass
class LabCommand:
    """The JupyterLab command line, its environment and the URL to open."""

    argv: list[str]
    env: dict[str, str]
    url: str
    root: Path
    warnings: list[tuple[str, str]] = field(default_factory=list)


def lab_command(
    root: Path,
    port: int,
    open_browser: bool = True,
    ip: str = "localhost",
    env: dict[str, str] | None = None,
) -> LabCommand:
    """Build (without starting) the command ``o2o lab`` runs."""
    # kernels started by JupyterLab inherit its environment: the course's memory settings
    env = kernel_env(os.environ if env is None else env)
    warnings: list[tuple[str, str]] = []
    state = root / STATE_DIR
    settings = prepare_settings(state)
    if importlib.util.find_spec(LANGUAGE_PACK_MODULE) is None:
        warnings.append(
            (
                "没有安装中文语言包 jupyterlab-language-pack-zh-CN,界面将显示英文;运行 `make lab` 可补装。",
                "The Chinese language pack jupyterlab-language-pack-zh-CN is missing, so the interface "
                "will be in English; `make lab` installs it.",
            )
        )
    if (root / COURSE_HOME).is_file():
        path = "/lab/tree/" + COURSE_HOME
    else:
        path = "/lab"
        warnings.append(
            (f"找不到课程首页 {COURSE_HOME},将打开文件浏览器。", f"The course home page {COURSE_HOME} is missing; opening the file browser.")
        )
    token = env.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    env["JUPYTER_TOKEN"] = token
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url={path}",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.open_browser={open_browser}",
        f"--LabApp.app_settings_dir={settings}",
        f"--LabApp.user_settings_dir={state / 'lab' / 'user-settings'}",
        f"--LabApp.workspaces_dir={state / 'lab' / 'workspaces'}",
    ]
    if running_as_root():
        # Jupyter refuses to run as root without this; normal users keep the check.
        argv.append("--allow-root")
    host = "localhost" if ip in ("localhost", "127.0.0.1", "") else ip
    url = f"http://{host}:{port}{path}?token={token}"
    return LabCommand(argv=argv, env=env, url=url, root=root, warnings=warnings)


def cmd_lab(args: argparse.Namespace) -> int:
    root = find_course_root()
    port = args.port if args.port is not None else choose_port()
    if args.port is not None and not _port_is_free(port):
        raise LabError(
            f"端口 {port} 已被占用;请换一个,或不加 --port 让程序自动选择。",
            f"Port {port} is in use; choose another, or leave out --port to pick one automatically.",
        )
    check_bindable("127.0.0.1" if args.ip == "localhost" else args.ip, port)
    command = lab_command(root, port, open_browser=not args.no_browser, ip=args.ip)
    for zh, en in command.warnings:
        print(f"注意:{zh}\nNote: {en}", file=sys.stderr)
    print(
        "正在启动 JupyterLab(中文界面)。在浏览器中打开:\n"
        "Starting JupyterLab (Chinese interface). Open in your browser:\n"
        f"    {command.url}\n"
        "按 Ctrl-C 停止。 / Press Ctrl-C to stop.",
        flush=True,
    )
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(root)
    if os.name == "posix":
        # Detach stdin so that one Ctrl-C stops the server without a y/n question,
        # then become JupyterLab (signals from `make` or a test reach it directly).
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.execve(command.argv[0], command.argv, command.env)
    import subprocess  # pragma: no cover - non-POSIX fallback

    return subprocess.call(command.argv, env=command.env, stdin=subprocess.DEVNULL)  # pragma: no cover


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"端口必须是整数 / the port must be a number: {text}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"端口必须在 1–65535 之间 / the port must be 1–65535: {value}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``o2o lab`` to the ``o2o`` parser."""
    lab = subparsers.add_parser(
        "lab",
        help="以中文界面打开课程 / open the course in JupyterLab (Chinese UI)",
        description=(
            "在 JupyterLab 中打开课程首页 course/index.ipynb,默认中文界面,需要令牌登录。\n"
            "Open the course home page course/index.ipynb in JupyterLab, Chinese interface by "
            "default, token login required."
        ),
    )
    lab.add_argument(
        "--port", type=_port, default=None,
        help=f"端口(默认从 {DEFAULT_PORT} 起第一个空闲端口)/ port (default: first free from {DEFAULT_PORT})",
    )
    lab.add_argument(
        "--no-browser", action="store_true",
        help="不自动打开浏览器 / do not open a browser",
    )
    lab.add_argument(
        "--ip", default="localhost", type=address_type,
        help="监听地址(默认 localhost)/ address to listen on (default localhost)",
    )
    lab.set_defaults(func=cmd_lab)
