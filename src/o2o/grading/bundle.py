"""``o2o bundle``: what students receive, and a scan proving it holds no solution and no hidden test.

The bundle has the lessons (without outputs), the course home, the released assignments (made by
nbgrader ``generate_assignment`` in a scratch course, so solutions and hidden tests are stripped by
nbgrader itself), the ``o2o`` package without its grading internals, the project files needed to
install it, and optionally the built dataset (otherwise students run ``o2o data build``).
Every file is then scanned for any line of a solution region or a hidden-test region of any source
notebook; a hit stops the command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from o2o.errors import GradingError
from o2o.safeio import fresh_folder

# instructor-only parts of the package: grading internals and the cohort debrief over the gradebook
EXCLUDED_PACKAGES = ("grading", "debrief", "debrief.py")
SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def repo_root() -> Path:
    here = Path.cwd().resolve()
    for p in [here, *here.parents]:
        if (p / "pyproject.toml").exists() and (p / "src" / "o2o").is_dir():
            return p
    return Path(__file__).resolve().parents[3]


def secret_lines(source_root: Path) -> set[str]:
    """Every non-trivial line inside a solution or hidden-test region of any source notebook."""
    out: set[str] = set()
    for nb_path in sorted(source_root.glob("*/*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            inside = None
            for line in src.split("\n"):
                s = line.strip()
                if s in (SOLUTION[0], HIDDEN[0]):
                    inside = s
                    continue
                if s in (SOLUTION[1], HIDDEN[1]):
                    inside = None
                    continue
                if inside and len(s) >= 12 and not s.startswith("#"):
                    out.add(s)
    return out


def scan(bundle: Path, secrets: set[str]) -> list[str]:
    """Files of ``bundle`` that contain a secret line (``path: line``)."""
    leaks: list[str] = []
    markers = (SOLUTION[0], HIDDEN[0], "BEGIN HIDDEN TESTS", "BEGIN SOLUTION")
    for path in sorted(bundle.rglob("*")):
        if not path.is_file() or path.suffix in (".parquet", ".png", ".jpg", ".gz", ".zip"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if path.suffix == ".ipynb":  # compare notebook sources line by line, JSON-decoded
            try:
                nb = json.loads(text)
                text = "\n".join("".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source", "")
                                 for c in nb.get("cells", []))
            except ValueError:
                pass
        lines = {ln.strip() for ln in text.split("\n")}
        for m in markers:
            if m in text and path.suffix == ".ipynb":
                leaks.append(f"{path.relative_to(bundle)}: {m}")
        for s in sorted(lines & secrets):
            leaks.append(f"{path.relative_to(bundle)}: {s[:80]}")
    return leaks


def _release_all(course_dir: Path, source_root: Path, dest: Path) -> list[str]:
    names = sorted(p.name for p in source_root.iterdir() if p.is_dir() and list(p.glob("*.ipynb")))
    if not names:
        return []
    with tempfile.TemporaryDirectory(prefix="o2o-bundle-") as tmp:
        root = Path(tmp) / "course"
        shutil.copytree(source_root, root / "source")
        env = dict(os.environ)
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env["O2O_COURSE_ROOT"] = str(root)
        cfg = course_dir / "nbgrader_config.py"
        for name in names:
            args = [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force",
                    f"--CourseDirectory.root={root}", f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}"]
            r = subprocess.run(args, cwd=course_dir if cfg.exists() else root, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                raise GradingError(f"无法生成作业 {name} 的发布版本", f"cannot generate the release of {name}:\n{r.stderr[-1500:]}")
        shutil.copytree(root / "release", dest, dirs_exist_ok=True)
    return names


def _copy_notebook_clean(src: Path, dest: Path) -> None:
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def build_bundle(out: Path, course_dir: Path | None = None, with_data: bool = False, replace: bool = False) -> Path:
    """Write the student bundle into ``out``: a new, empty or earlier bundle folder (see :mod:`o2o.safeio`).

    Everything is written into a temporary sibling and scanned there; only a clean bundle is
    renamed into place, so a refused or failed run leaves ``out`` as it was."""
    root = repo_root()
    course_dir = course_dir or (root / "course")
    source_root = root / "assignments" / "source"
    with fresh_folder(out, command="bundle", replace=replace) as tmp:
        _fill(tmp, root, course_dir, source_root, with_data)
        leaks = scan(tmp, secret_lines(source_root) if source_root.is_dir() else set())
        if leaks:
            raise GradingError("学生课程包里发现了答案或隐藏测试:" + "; ".join(leaks[:5]),
                               "the student bundle contains solution or hidden-test text: " + "; ".join(leaks[:5]))
    return Path(out).resolve()


def _fill(out: Path, root: Path, course_dir: Path, source_root: Path, with_data: bool) -> None:
    for nb in sorted((root / "lessons").glob("*.ipynb")):
        _copy_notebook_clean(nb, out / "lessons" / nb.name)
    if (root / "course" / "index.ipynb").exists():
        _copy_notebook_clean(root / "course" / "index.ipynb", out / "index.ipynb")
    if source_root.is_dir():
        _release_all(course_dir, source_root, out / "assignments")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", *EXCLUDED_PACKAGES)
    shutil.copytree(root / "src" / "o2o", out / "src" / "o2o", ignore=ignore)
    for name in ("pyproject.toml", "environment.yml", "README.md", "Makefile"):
        if (root / name).exists():
            shutil.copy2(root / name, out / name)
    if with_data and (root / "datasets" / "default").is_dir():
        shutil.copytree(root / "datasets" / "default", out / "datasets" / "default")
