"""Command-line entry points: ``o2o grade`` and ``o2o bundle``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from o2o.errors import GradingError, O2OError
from o2o.options import bounded_float, bounded_int
from o2o.safeio import check_target

#: sensible ranges: below them a correct submission would be recorded as a failure
MIN_CELL_S, MIN_NOTEBOOK_S, MAX_NOTEBOOK_S = 5.0, 30.0, 6 * 3600.0
MIN_MEMORY_MB, MAX_MEMORY_MB = 1024, 64 * 1024


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``grade`` and ``bundle`` to the ``o2o`` command."""
    g = subparsers.add_parser("grade", help="并行、沙箱化地自动评分全班作业 / autograde a class in parallel, sandboxed")
    g.add_argument("assignment", help="作业名 / assignment id")
    g.add_argument("--course-dir", default=".", help="nbgrader 课程目录(含 nbgrader_config.py)/ course directory")
    g.add_argument("--workers", type=bounded_int("--workers", 1, 64), default=None,
                   help="并行进程数(1–64,默认:CPU 核数)/ parallel workers (1–64, default: CPU cores)")
    g.add_argument("--student", action="append", default=None, help="只评这些学生 / only these students")
    g.add_argument("--cell-timeout", type=bounded_float("--cell-timeout", MIN_CELL_S, MAX_NOTEBOOK_S), default=None,
                   help=f"每个单元格的秒数上限({MIN_CELL_S:g}–{MAX_NOTEBOOK_S:g})/ seconds per cell")
    g.add_argument("--notebook-timeout", type=bounded_float("--notebook-timeout", MIN_NOTEBOOK_S, MAX_NOTEBOOK_S),
                   default=None, help=f"每个笔记本的秒数上限({MIN_NOTEBOOK_S:g}–{MAX_NOTEBOOK_S:g})/ seconds per notebook")
    g.add_argument("--memory-mb", type=bounded_int("--memory-mb", MIN_MEMORY_MB, MAX_MEMORY_MB), default=None,
                   help=f"每个内核的内存上限 MB({MIN_MEMORY_MB}–{MAX_MEMORY_MB})/ memory per kernel")
    g.add_argument("--no-progress", action="store_true", help="不显示进度条 / no progress bar")
    g.set_defaults(func=_grade)

    c = subparsers.add_parser("collect", help="不跟随链接地收取交换目录里的提交(nbgrader collect)/ collect submissions without following links")
    c.add_argument("assignment", help="作业名 / assignment id")
    c.add_argument("--course-dir", default=".", help="nbgrader 课程目录(含 nbgrader_config.py)/ course directory")
    c.add_argument("--exchange-root", default=None, help="交换目录(默认取自课程配置)/ exchange root (default: from the course configuration)")
    c.add_argument("--nbgrader-arg", dest="nbgrader_args", action="append", default=[], metavar="OPTION",
                   help="传给 nbgrader collect 的参数,可重复,例如 --nbgrader-arg=--update / an nbgrader collect option (repeatable)")
    c.set_defaults(func=_collect)

    b = subparsers.add_parser("bundle", help="生成发给学生的课程包 / build the student bundle")
    b.add_argument("--out", default="dist/student-bundle", help="输出目录 / output directory")
    b.add_argument("--course-dir", default=None, help="nbgrader 课程目录(默认 assignments/)/ course directory")
    b.add_argument("--with-data", action="store_true", help="附带已生成的数据集 / include the built dataset")
    b.add_argument("--replace", action="store_true",
                   help="输出目录里有别的文件时仍然替换(原目录改名保留)/ replace an output folder holding other "
                   "files (the old folder is renamed and kept)")
    b.set_defaults(func=_bundle)


def _grade(args: argparse.Namespace) -> int:
    course = Path(args.course_dir)
    if not course.is_dir():
        raise GradingError(f"找不到课程目录 {course}。请用 --course-dir 指向含 nbgrader_config.py 的文件夹。",
                           f"No course folder at {course}. Point --course-dir at the folder holding "
                           "nbgrader_config.py.")
    if args.cell_timeout is not None and args.notebook_timeout is not None and args.cell_timeout > args.notebook_timeout:
        raise GradingError(
            f"--cell-timeout({args.cell_timeout:g} 秒)不能大于 --notebook-timeout({args.notebook_timeout:g} 秒);"
            "未评分,成绩库未改动。",
            f"--cell-timeout ({args.cell_timeout:g} s) must not exceed --notebook-timeout "
            f"({args.notebook_timeout:g} s); nothing was graded and the gradebook is unchanged.")
    # lazy: `o2o bundle` shares this module and never needs the grader (CLI start-up)
    from .classgrade import grade_class
    from .sandbox import Limits

    limits = Limits()
    if args.cell_timeout:
        limits.cell_timeout_s = args.cell_timeout
    if args.notebook_timeout:
        limits.notebook_timeout_s = args.notebook_timeout
    if args.memory_mb:
        limits.memory_bytes = args.memory_mb * 1024 * 1024
    summary = grade_class(args.assignment, Path(args.course_dir), workers=args.workers, students=args.student,
                          limits=limits, progress=not args.no_progress)
    print(summary.table())
    return 0 if all(r.status != "failed" for r in summary.rows) else 1


def _collect(args: argparse.Namespace) -> int:
    # lazy: `o2o grade` and `o2o bundle` share this module and never need the collector (CLI start-up)
    from .classgrade import resolve_course_dir  # lazy: as above
    from .collect import collect  # lazy: as above

    refused, offered = collect(args.assignment, resolve_course_dir(args.course_dir), args.exchange_root, args.nbgrader_args)
    for line in refused:
        print(line)
    print(f"已交给 nbgrader collect 的提交 {len(offered)} 份,拒绝的文件 {len(refused)} 个。"
          f" / {len(offered)} submissions handed to nbgrader collect, {len(refused)} files refused.")
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from .bundle import build_bundle  # lazy: `o2o grade` shares this module and never needs the bundler (CLI start-up)

    check_target(args.out, replace=args.replace)  # before any work
    out = build_bundle(Path(args.out), course_dir=Path(args.course_dir) if args.course_dir else None,
                       with_data=args.with_data, replace=args.replace)
    print(f"学生课程包已生成 / student bundle written: {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (``python -m o2o.grading.commands``) when the ``o2o`` command is not available."""
    parser = argparse.ArgumentParser(prog="o2o")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except O2OError as e:
        print(str(e), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
