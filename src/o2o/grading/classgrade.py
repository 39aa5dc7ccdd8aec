"""``o2o grade``: autograde a whole class in parallel, sandboxed, on top of nbgrader.

The main process reads the course configuration, backs up the gradebook, builds the trusted
notebook specifications from the gradebook, prepares the notebooks' trusted set-up once, and forks
one worker per student, a few at a time (see :mod:`o2o.grading.worker`); the main process alone writes the gradebook,
one transaction per student, and the ``autograded/`` folder, one atomic directory swap per student.
"""

from __future__ import annotations

import datetime as _dt
import functools
import gc
import json
import os
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from o2o.data.variants import ENV_SECRET_FILE, read_secret
from o2o.errors import GradingError

from . import supervise
from .feedback import sanitize_notebook
from .gradebook_io import backup, sqlite_path, write_student
from .inert import inert, valid_unicode
from .sandbox import Limits, assert_hidden, check_sandbox, default_readonly_paths
from .screen import copy_tree
from .spec import build_specs, spec_to_dict
from .worker import StudentResult, WorkerConfig, grade_submission, init_worker, prepare_class


@dataclass
class StudentRow:
    student: str
    status: str  # graded | repaired | failed
    score: float | None
    max_score: float
    flags: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Summary:
    assignment: str
    rows: list[StudentRow]
    backup: Path | None
    seconds: float

    def table(self) -> str:
        head = f"{'学生 student':<18} {'状态 status':<14} {'得分 score':>12}  说明 notes"
        lines = [head, "-" * len(head)]
        label = {"graded": "已评分 graded", "repaired": "已修复 repaired", "failed": "失败 failed"}
        for r in sorted(self.rows, key=lambda r: r.student):
            score = "-" if r.score is None else f"{r.score:g}/{r.max_score:g}"
            notes = inert("; ".join(dict.fromkeys(r.flags)), limit=2000)
            lines.append(f"{inert(r.student, 60):<18} {label[r.status]:<14} {score:>12}  {notes}")
        n_ok = sum(r.status != "failed" for r in self.rows)
        lines.append("-" * len(head))
        lines.append(f"共 {len(self.rows)} 名学生,评分 {n_ok},失败 {len(self.rows) - n_ok};用时 {self.seconds:.1f} 秒。"
                     f" / {len(self.rows)} students, {n_ok} graded, {len(self.rows) - n_ok} failed, {self.seconds:.1f} s.")
        if self.backup:
            lines.append(f"评分前的成绩库备份 / gradebook backup: {self.backup.name}")
        return "\n".join(lines)


def load_coursedir(course_dir: Path) -> Any:
    """nbgrader's ``CourseDirectory`` configured from ``<course_dir>/nbgrader_config.py`` when present."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    cfg = Config()
    course_dir = Path(course_dir).resolve()
    cfg_file = course_dir / "nbgrader_config.py"
    if cfg_file.exists():
        here = os.getcwd()
        try:
            os.chdir(course_dir)
            cfg = PyFileConfigLoader(cfg_file.name, path=str(course_dir)).load_config()
        finally:
            os.chdir(here)
    cd = CourseDirectory(config=cfg)
    if "root" not in cfg.get("CourseDirectory", {}):
        cd.root = str(course_dir.resolve())
    elif not os.path.isabs(cd.root):
        cd.root = str((course_dir / cd.root).resolve())
    return cd, cfg


def dataset_dir() -> Path | None:
    env = os.environ.get("O2O_DATA_DIR")
    if env and Path(env).is_dir():
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for p in [here, *here.parents]:
        cand = p / "datasets" / "default"
        if cand.is_dir():
            return cand
    return None


def _students(coursedir: Any, assignment: str, only: Iterable[str] | None) -> list[tuple[str, str]]:
    base = Path(coursedir.root) / coursedir.submitted_directory
    found = []
    for d in sorted(base.glob("*")) if _real_dir(base) else []:
        sub = d / assignment
        if _real_dir(d) and (sub.is_symlink() or sub.exists()):
            found.append((d.name, str(sub)))
    if only:
        wanted = set(only)
        unknown = wanted - {s for s, _ in found}
        if unknown:
            raise GradingError(f"找不到这些学生的提交:{', '.join(sorted(unknown))}",
                               f"no submission found for: {', '.join(sorted(unknown))}")
        found = [f for f in found if f[0] in wanted]
    return found


def _real_dir(p: Path) -> bool:
    """A folder that is not a link (lstat, never followed)."""
    try:
        return stat.S_ISDIR(os.lstat(p).st_mode)
    except OSError:
        return False


def _screen_all(jobs: list[tuple[str, str]], runtime: Path) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """Copy each submission's plain files into the private runtime folder; the grader reads only the copies."""
    screened, notes = [], {}
    base = runtime / "submitted"
    base.mkdir(mode=0o700)
    for i, (student, submitted) in enumerate(jobs):
        dest = base / f"s{i}"
        try:
            got = copy_tree(submitted, dest, skip=(".ipynb_checkpoints",))
            notes[student] = [f"{zh} / {en}" for zh, en in got.notes()]
        except OSError:
            dest.mkdir(mode=0o700, exist_ok=True)
            notes[student] = ["提交的文件夹是链接或无法读取,已拒绝 / the submission folder is a link or unreadable; refused"]
        screened.append((student, str(dest)))
    return screened, notes


def _files(folder: Path) -> set[Path]:
    return {f.relative_to(folder) for f in folder.rglob("*") if f.is_file() or f.is_symlink()}


def _foreign_files(old: Path, new: Path) -> list[Path]:
    """Files in a previous autograded folder that grading does not write (someone's notes, say)."""
    written = _files(new)
    return sorted(f for f in _files(old)
                  if f not in written and f.suffix != ".ipynb" and ".ipynb_checkpoints" not in f.parts)


def _write_autograded(coursedir: Any, assignment: str, student: str, submitted: str,
                      result: StudentResult, release_sources: dict[str, dict[str, str]]) -> list[str]:
    """Write the student's autograded folder (temporary sibling, then rename); return notes for the summary.

    A previous folder holding only what grading writes is replaced; one that also holds other files
    is never deleted: it is kept beside the new one under ``<name>.replaced-<time>`` and the summary says so.
    """

    dest = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{assignment}-", dir=dest.parent))
    sub = Path(submitted)
    for src in sub.rglob("*"):
        rel = src.relative_to(sub)
        if src.is_symlink() or src.suffix == ".ipynb" or ".ipynb_checkpoints" in rel.parts:
            continue
        if src.is_file():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, tmp / rel)
    for nbr in result.notebooks:
        if nbr.notebook is not None:
            safe = valid_unicode(sanitize_notebook(json.loads(json.dumps(nbr.notebook)), release_sources.get(nbr.name, {})))
            (tmp / f"{nbr.name}.ipynb").write_text(json.dumps(safe, ensure_ascii=False, indent=1), encoding="utf-8")
    old, notes = None, []
    if dest.exists():
        if _foreign_files(dest, tmp):
            kept = dest.with_name(f"{dest.name}.replaced-{_dt.datetime.now():%Y%m%d-%H%M%S-%f}")
            dest.rename(kept)
            notes.append(f"之前的批改文件夹里有不是批改生成的文件,已原样保留在 {inert(kept.name, 120)} / "
                         f"the previous autograded folder held files grading does not write; kept as {inert(kept.name, 120)}")
        else:
            old = dest.with_name(f".{dest.name}.old")  # the grader's own leftover name: safe to clear
            if old.exists():
                shutil.rmtree(old)
            dest.rename(old)
    tmp.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return notes


def grade_class(assignment: str, course_dir: Path | str = ".", workers: int | None = None,
                students: Iterable[str] | None = None, limits: Limits | None = None,
                progress: bool = True) -> Summary:
    """Grade every submission of ``assignment``; return the summary (also printed by the command)."""
    import time

    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.preprocessors import AssignLatePenalties

    t0 = time.monotonic()
    bindir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    course_dir = resolve_course_dir(course_dir)
    coursedir, cfg = load_coursedir(course_dir)
    coursedir.assignment_id = assignment
    check_sandbox()
    db_url = coursedir.db_url
    release_dir = Path(coursedir.format_path(coursedir.release_directory, ".", assignment))
    with Gradebook(db_url, coursedir.course_id) as gb:
        try:
            specs = build_specs(gb, assignment, release_dir)
        except MissingEntry:
            raise GradingError(f"成绩库里没有作业 {assignment}:请先运行 nbgrader generate_assignment {assignment}",
                               f"assignment {assignment} is not in the gradebook: run nbgrader generate_assignment first")
        except FileNotFoundError as e:
            raise GradingError(f"找不到发布版本的笔记本:{e.filename}", f"released notebook not found: {e.filename}")
    jobs = _students(coursedir, assignment, students)
    bak = backup(db_url)

    readonly = default_readonly_paths()
    data = dataset_dir()
    env: dict[str, str] = {}
    if data is not None:
        readonly.append(data)
        env["O2O_DATA_DIR"] = str(data)
    secrets = [Path(coursedir.root) / coursedir.source_directory, Path(coursedir.root) / coursedir.submitted_directory,
               Path(coursedir.root) / coursedir.autograded_directory]
    db = sqlite_path(db_url)
    if db is not None:
        secrets.append(db)
    secret_file = variant_secret_file(course_dir, cfg)
    if secret_file is not None:
        secrets.append(secret_file)
    assert_hidden(readonly, secrets)

    runtime = Path(tempfile.mkdtemp(prefix="o2o-grade-"))
    os.chmod(runtime, 0o700)
    limits = limits or Limits()
    n = max(1, min(workers or os.cpu_count() or 1, max(1, len(jobs))))
    release_sources = {name: {c.grade_id: c.source for c in s.cells if c.editable} for name, s in specs.items()}
    late = AssignLatePenalties(config=cfg)
    rows: list[StudentRow] = []
    max_score = sum(c.points or 0 for s in specs.values() for c in s.cells if c.kind in ("test", "manual"))
    wcfg = WorkerConfig(0, str(runtime), limits, [str(p) for p in readonly], env,
                        {k: spec_to_dict(v) for k, v in specs.items()}, str(release_dir),
                        _ignore_pattern(cfg), read_secret(secret_file) if secret_file else None)
    # a notebook's kernel and, when its tests call student functions, its replica
    deadline = len(specs) * (2 * (limits.notebook_timeout_s + limits.startup_timeout_s) + 60) + 60
    try:
        from tqdm import tqdm

        jobs, notes = _screen_all(jobs, runtime)
        submitted_of = dict(jobs)
        prepare_class(wcfg)  # imports and the notebooks' trusted set-up, once; every student's worker is a fork
        gc.freeze()  # what is prepared stays shared with the forks (the collector does not touch it there)
        bar = tqdm(total=len(jobs), desc=f"评分 {assignment}", unit="人", disable=not progress, file=sys.stderr)
        with Gradebook(db_url, coursedir.course_id) as gb:
            for res in supervise.run(jobs, n, functools.partial(_init, wcfg), grade_submission, deadline, once=True):
                if isinstance(res, supervise.Failure):
                    student = res.job[0]
                    rows.append(StudentRow(student, "failed", None, max_score, notes[student] + [f"{res.zh} / {res.en}"]))
                else:
                    student = res.student
                    rows.append(_record(gb, coursedir, assignment, res, submitted_of[student], late,
                                        release_sources, max_score, notes[student]))
                bar.update(1)
                bar.set_postfix_str(inert(student, 40))
        bar.close()
    finally:
        gc.unfreeze()
        shutil.rmtree(runtime, ignore_errors=True)
    return Summary(assignment, rows, bak, time.monotonic() - t0)


def variant_secret_file(course_dir: Path, cfg: Any) -> Path | None:
    """The course secret that turns on per-student variants, or ``None`` (everyone gets the base case).

    ``c.O2O.variant_secret_file`` in ``nbgrader_config.py`` (relative to the course folder), else
    ``$O2O_COURSE_SECRET_FILE``.
    """
    configured = cfg.get("O2O", {}).get("variant_secret_file") if hasattr(cfg, "get") else None
    path = configured or os.environ.get(ENV_SECRET_FILE)
    if not path:
        return None
    p = Path(str(path))
    return (p if p.is_absolute() else Path(course_dir) / p).resolve()


def _ignore_pattern(cfg: Any) -> str | None:
    from nbgrader.preprocessors import IgnorePattern

    return IgnorePattern(config=cfg).pattern or None


def resolve_course_dir(course_dir: Path | str | None) -> Path:
    """The folder holding nbgrader_config.py: the given one, the current one, or the repository's course/."""
    if course_dir is not None and str(course_dir) != ".":
        return Path(course_dir).resolve()
    here = Path.cwd().resolve()
    if (here / "nbgrader_config.py").exists():
        return here
    for p in [here, *here.parents]:
        if (p / "course" / "nbgrader_config.py").exists():
            return p / "course"
    return here


def _init(cfg: WorkerConfig, index: int) -> None:
    cfg.index = index
    init_worker(cfg)


def _record(gb: Any, coursedir: Any, assignment: str, res: StudentResult, submitted: str, late: Any,
            release_sources: dict[str, dict[str, str]], max_score: float, notes: list[str]) -> StudentRow:
    flags = notes + [f.text() for f in res.flags]
    if res.error is not None:
        return StudentRow(res.student, "failed", None, max_score,
                          flags + [f"内部错误 internal error: {inert(res.error.splitlines()[-1])}"], res.seconds)
    try:
        timestamp = coursedir.get_existing_timestamp(submitted)
    except Exception:
        timestamp = None
        flags.append("提交时间无法读取 / unreadable timestamp.txt")
    try:
        for nb in res.notebooks:  # unpaired surrogates cannot be stored as UTF-8: escaped, like in the summary
            nb.notebook = valid_unicode(nb.notebook)
        scores = write_student(gb, assignment, res.student, {nb.name: nb.notebook for nb in res.notebooks},
                               timestamp, late)
        kept = _write_autograded(coursedir, assignment, res.student, submitted, res, release_sources)
    except Exception as e:  # the student's previous grades stay as they were (transaction rolled back)
        return StudentRow(res.student, "failed", None, max_score,
                          flags + [f"写入成绩库失败 gradebook write failed: {type(e).__name__}: {inert(e)}"], res.seconds)
    status = "repaired" if flags else "graded"
    return StudentRow(res.student, status, sum(scores.values()), max_score, flags + kept, res.seconds)


def _now() -> _dt.datetime:
    return _dt.datetime.now()
