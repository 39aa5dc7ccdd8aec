"""The ``o2o`` command: one entry point behind every ``make`` target.

Each command lives in its own module, which exposes ``register(subparsers)``.
``register`` adds one or more parsers with ``subparsers.add_parser(...)`` and sets
``parser.set_defaults(func=handler)``; ``handler(args)`` does the work and returns an
exit code (``0`` or ``None`` for success).

Command modules are imported lazily: ``o2o --help`` only *locates* them, and
``o2o <command>`` imports just the module that owns ``<command>``. A module that is
missing or fails to import therefore never breaks the other commands; running the
broken command itself prints a clear bilingual message (the test suite imports every
module directly, so real import errors still fail the tests).

Errors meant for people (:class:`o2o.errors.O2OError`) are printed as their
Chinese + English message, without a traceback, and the exit code is non-zero.
Set ``O2O_DEBUG=1`` to see the traceback of an unexpected error.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from o2o import __version__
from o2o.errors import O2OError, os_fault

PROG = "o2o"

# command name -> (module that registers it, one-line bilingual description).
# The description is shown by ``o2o --help`` without importing the module.
COMMANDS: dict[str, tuple[str, str]] = {
    "data": ("o2o.casegen.commands", "生成、检查数据集 / build and check the dataset"),
    "lab": ("o2o.lab", "以中文界面打开课程 / open the course in JupyterLab (Chinese UI)"),
    "app": ("o2o.apps.commands", "用 Voila 提供交互应用 / serve the Voila apps"),
    "grade": ("o2o.grading.commands", "并行、沙箱化地自动评分全班作业 / autograde a class in parallel, sandboxed"),
    "collect": ("o2o.grading.commands", "不跟随链接地收取学生提交(nbgrader collect)/ collect submissions, never following links"),
    "bundle": ("o2o.grading.commands", "生成发给学生的课程包 / build the student bundle"),
    "hub": ("o2o.hub.commands", "一期课程的 JupyterHub:启动、名单、备份 / a cohort's JupyterHub: start, roster, backup"),
    "variant": ("o2o.casegen.variant_commands", "每位学生自己的数据版本 / per-student data variants"),
    "grades": ("o2o.grading.lms", "把最终成绩导出到学习平台 / export final grades to an LMS"),
    "game": ("o2o.game.commands", "班长战争课堂游戏 / serve the class game (squad wars)"),
}

DESCRIPTION = """\
O2O践行 课程工具包的命令行入口。
The command-line entry point of the O2O practice course kit.

常用 / common:
  o2o data ensure          确保默认数据集存在 / make sure the default dataset exists
  o2o data build --scale 4 生成 4 倍规模的数据集 / build a dataset 4x the default size
  o2o lab                  打开课程 / open the course in JupyterLab
"""

EPILOG = """\
每个命令都有自己的帮助,例如 `o2o data --help`。
Every command has its own help, e.g. `o2o data --help`.
数据均为合成数据,不是任何公司的真实记录。 / All data is synthetic, not any company's records."""


# --------------------------------------------------------------------------- parser


class BilingualHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps line breaks of descriptions and writes a bilingual ``usage`` prefix."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[override]
        if prefix is None:
            prefix = "用法 / usage: "
        return super().add_usage(usage, actions, groups, prefix)


_ARGPARSE_ZH = [
    # (English fragment produced by argparse, Chinese explanation)
    ("unrecognized arguments", "无法识别的参数"),
    ("the following arguments are required", "缺少必需的参数"),
    ("invalid choice", "无效的选项"),
    ("invalid int value", "需要整数"),
    ("invalid float value", "需要数字"),
    ("expected one argument", "该选项需要一个值"),
    ("expected at least one argument", "该选项至少需要一个值"),
    ("not allowed with argument", "不能与另一个参数同时使用"),
    ("ambiguous option", "选项有歧义"),
]


def _explain_argparse_error(message: str) -> str:
    for fragment, zh in _ARGPARSE_ZH:
        if fragment in message:
            return zh
    return "参数有误"


class BilingualArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help chrome and errors are Chinese + English.

    Sub-parsers created with ``subparsers.add_parser`` inherit this class, so every
    command registered by another module gets the same bilingual help and errors.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", BilingualHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "参数 / arguments"
        self._optionals.title = "选项 / options"
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="显示帮助并退出 / show this help and exit",
            )

    def error(self, message: str) -> NoReturn:
        """Print a bilingual message (no traceback) and exit with status 2."""
        self.print_usage(sys.stderr)
        if any("\u4e00" <= ch <= "\u9fff" for ch in message):  # already bilingual
            self.exit(
                2,
                f"错误 / Error: {message}\n"
                f"运行 `{self.prog} --help` 查看用法。 / Run `{self.prog} --help` for usage.\n",
            )
        zh = _explain_argparse_error(message)
        self.exit(
            2,
            f"错误:{zh}({message})。运行 `{self.prog} --help` 查看用法。\n"
            f"Error: {message}. Run `{self.prog} --help` for usage.\n",
        )


def _command_available(module: str) -> bool:
    """Whether ``module`` can be found, without executing it or its parent packages
    (``o2o --help`` stays fast: ``o2o.data`` would import pandas)."""
    parts = module.split(".")
    if parts[0] == "o2o" and len(parts) > 1:
        base = Path(__file__).resolve().parent.joinpath(*parts[1:])
        return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()
    try:
        return importlib.util.find_spec(module) is not None
    except Exception:  # a broken parent package: treat the command as absent here
        return False


def _command_of(argv: Sequence[str]) -> str | None:
    """The first positional argument (the command name), if any."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg
    return None


class CommandUnavailable(O2OError):
    """A command's module could not be imported."""


def _load_module(name: str, module: str):
    try:
        return importlib.import_module(module)
    except Exception as exc:  # report, never a traceback
        raise CommandUnavailable(
            f"命令 `o2o {name}` 暂时不可用:模块 {module} 无法导入({type(exc).__name__}: {exc})。",
            f"The command `o2o {name}` is unavailable: module {module} cannot be imported "
            f"({type(exc).__name__}: {exc}).",
        ) from exc


def build_parser(load: Sequence[str] = ()) -> BilingualArgumentParser:
    """Build the ``o2o`` parser.

    ``load`` names the commands whose modules are imported and registered for real;
    the other available commands appear as one-line placeholders so that
    ``o2o --help`` lists everything without importing anything.
    """
    parser = BilingualArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"o2o {__version__}",
        help="显示版本并退出 / show the version and exit",
    )
    subparsers = parser.add_subparsers(
        title="命令 / commands",
        dest="command",
        metavar="<命令/command>",
    )

    registered_modules: set[str] = set()
    for name in load:
        module = COMMANDS[name][0] if name in COMMANDS else name
        if module in registered_modules:
            continue
        mod = _load_module(name, module)
        register = getattr(mod, "register", None)
        if register is None:
            raise CommandUnavailable(
                f"模块 {module} 没有 register(subparsers) 函数。",
                f"Module {module} has no register(subparsers) function.",
            )
        register(subparsers)
        registered_modules.add(module)

    for name, (module, help_text) in COMMANDS.items():
        if name in subparsers.choices or not _command_available(module):
            continue
        placeholder = subparsers.add_parser(name, help=help_text, description=help_text)
        placeholder.set_defaults(func=None, _module=module)
    return parser


# --------------------------------------------------------------------------- main


def _print_error(exc: O2OError) -> None:
    print(str(exc), file=sys.stderr)


def fault_of(exc: BaseException) -> O2OError | None:
    """The sentence for an ordinary fault hidden in ``exc`` or the exceptions it was raised from."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        fault = os_fault(exc)
        if fault is not None:
            return fault
        exc = exc.__cause__ or exc.__context__
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``o2o``; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _command_of(argv)
    try:
        if command in COMMANDS and _command_available(COMMANDS[command][0]):
            parser = build_parser(load=[command])
        else:
            parser = build_parser()
        args = parser.parse_args(argv)
        func = getattr(args, "func", None)
        if args.command is None:
            parser.print_help()
            return 0
        if func is None:  # a placeholder that was not replaced by its module
            raise CommandUnavailable(
                f"命令 `o2o {args.command}` 没有实现。",
                f"The command `o2o {args.command}` is not implemented.",
            )
        result = func(args)
        return int(result or 0)
    except O2OError as exc:
        _print_error(exc)
        return 1
    except KeyboardInterrupt:
        print("\n已中断。 / Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `o2o data info | head`
        return 0
    except Exception as exc:  # an ordinary fault (disk full, permission) or an unexpected bug
        fault = fault_of(exc)
        if fault is not None:
            _print_error(fault)
            return 1
        if os.environ.get("O2O_DEBUG"):
            traceback.print_exc()
        print(
            f"出现意外错误({type(exc).__name__}: {exc})。设置 O2O_DEBUG=1 可查看详细信息,并请把它报告给课程维护者。\n"
            f"Unexpected error ({type(exc).__name__}: {exc}). Set O2O_DEBUG=1 for details and "
            "please report it to the course maintainers.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
