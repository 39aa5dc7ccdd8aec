"""``o2o variant``: the course secret and the instructor's view of any student's variant.

* ``o2o variant secret --out FILE`` writes a new course secret (refuses an existing file; mode 0600);
* ``o2o variant show STUDENT [--secret-file FILE]`` prints the student's parameters and planted truths, and
  what each assignment's questions ask about (``Q`` of :mod:`o2o.data.variant_questions`);
* ``o2o variant key STUDENT [--secret-file FILE]`` prints the student's key (what a hub sets as
  ``O2O_VARIANT_KEY`` in that student's server).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ..data import variant_questions as VQ
from ..data import variants as V
from ..errors import DataError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("variant", help="每位学生自己的数据版本 / per-student data variants")
    sub = p.add_subparsers(dest="variant_command", required=True, metavar="<secret|show|key>")
    s = sub.add_parser("secret", help="生成新的课程密钥文件 / write a new course secret file")
    s.add_argument("--out", required=True, help="密钥文件路径(不得已存在)/ secret file (must not exist)")
    s.set_defaults(func=_secret)
    for name, func, what in (("show", _show, "显示学生的数据版本 / show a student's variant"),
                             ("key", _key, "打印学生的数据版本密钥 / print a student's variant key")):
        q = sub.add_parser(name, help=what)
        q.add_argument("student", help="学生编号(nbgrader 的 student id)/ student id")
        q.add_argument("--secret-file", default=None, help=f"课程密钥文件(默认 ${V.ENV_SECRET_FILE})/ secret file")
        q.add_argument("--data", default=None, help="数据集目录(默认 datasets/default)/ dataset folder")
        q.set_defaults(func=func)


def _secret(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() or out.is_symlink():
        raise DataError(f"{out} 已存在:课程密钥不会被覆盖(换一个路径,或先自行备份并删除)。",
                        f"{out} exists: a course secret is never overwritten (choose another path).")
    if not out.parent.is_dir():
        raise DataError(f"目录 {out.parent} 不存在。", f"The folder {out.parent} does not exist.")
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(V.new_secret() + "\n")
        os.link(tmp, out)  # fails instead of replacing a file that appeared meanwhile
    except OSError as e:
        raise DataError(f"无法写入 {out}:{e.strerror}。请换一个有写权限、空间足够的位置。",
                        f"Cannot write {out}: {e.strerror}. Choose a place you can write to, with free space.") from None
    finally:
        tmp.unlink(missing_ok=True)
    print(f"课程密钥已写入 {out}(只有老师和评分程序应能读取)。 / Course secret written to {out} "
          "(only the instructor and the grader should be able to read it).")
    return 0


def _secret_file(args: argparse.Namespace) -> str:
    path = args.secret_file or os.environ.get(V.ENV_SECRET_FILE)
    if not path:
        raise V.VariantError(f"需要课程密钥文件:--secret-file 或 ${V.ENV_SECRET_FILE}。",
                             f"The course secret file is needed: --secret-file or ${V.ENV_SECRET_FILE}.")
    return path


def _key(args: argparse.Namespace) -> int:
    print(V.variant_key(V.read_secret(_secret_file(args)), args.student))
    return 0


def _show(args: argparse.Namespace) -> int:
    ds = V.load(args.data, validate=False, variant=args.student, secret_file=_secret_file(args))
    out = {"student": args.student, **ds.variant.as_dict(), "q1_scenes": V.q1_scenes(ds)["scene_id"].astype(int).tolist(),
           "q2_store": V.q2_store(ds), "pilot_truth": ds.meta.get("pilot_truth", {})}
    out["questions"] = {name: VQ.questions(name, ds).as_dict() for name in VQ.QUESTIONS}
    out.pop("key")
    print(V.describe(ds))
    for name in VQ.QUESTIONS:
        print(f"{name}: " + ", ".join(f"Q.{k} = {v!r}" for k, v in VQ.questions(name, ds).as_dict().items()))
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0
