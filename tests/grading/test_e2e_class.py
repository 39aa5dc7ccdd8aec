"""End to end: the real nbgrader command line around ``o2o grade`` over a simulated, partly hostile class."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile import FULL, answers_of, cases

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "grading" / "course"
HONEST = ["s01_full", "s02_blank", "s03_partial_double_cost", "s04_partial_top_city"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONWARNINGS"] = "ignore"
    return env


def _run(args: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    r = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{args} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


def _nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "nbgrader", *args], cwd)


def _scores(course: Path) -> dict[str, dict[str, float | None]]:
    from nbgrader.api import Gradebook

    out: dict[str, dict[str, float | None]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions("demo"):
            grades = {}
            for nb in sub.notebooks:
                for g in nb.grades:
                    grades[g.name] = g.auto_score
            grades["__total__"] = sub.score
            out[sub.student_id] = grades
    return out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap (bwrap) is required for the grading sandbox: apt-get install -y bubblewrap")
    root = tmp_path_factory.mktemp("class")
    course = root / "course"
    shutil.copytree(FIXTURE, course)
    exchange = root / "exchange"
    exchange.mkdir()
    _nbgrader("generate_assignment", "demo", "--force", cwd=course)
    _nbgrader("release_assignment", "demo", f"--Exchange.root={exchange}", "--force", cwd=course)
    assert (exchange / "o2o-demo" / "outbound" / "demo" / "demo.ipynb").exists()

    release = json.loads((course / "release" / "demo" / "demo.ipynb").read_text(encoding="utf-8"))
    full = answers_of(json.loads((course / "source" / "demo" / "demo.ipynb").read_text(encoding="utf-8")))
    table = cases(release, full, str(course))
    # Each student's submission lands in the exchange's inbound folder exactly as `nbgrader submit`
    # leaves it (<student>+<assignment>+<timestamp>, with timestamp.txt); `nbgrader collect` then
    # brings the whole class into submitted/.
    inbound = exchange / "o2o-demo" / "inbound"
    inbound.mkdir(parents=True, exist_ok=True)
    stamp = "2026-03-01 10:00:00.000000 UTC"
    for student, (build, _) in table.items():
        dest = inbound / f"{student}+demo+{stamp}"
        dest.mkdir(parents=True)
        (dest / "timestamp.txt").write_text(stamp)
        for name, content in build().items():
            data = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
            (dest / name).write_text(data, encoding="utf-8")
    _nbgrader("collect", "demo", f"--Exchange.root={exchange}", "--CollectApp.check_owner=False", cwd=course)
    assert sorted(os.listdir(course / "submitted")) == sorted(table), "collect must bring in every student"

    # baseline: plain nbgrader autograde on the honest submissions, in a copy of the course
    baseline = root / "baseline"
    shutil.copytree(course, baseline)
    for student in os.listdir(baseline / "submitted"):
        if student not in HONEST:
            shutil.rmtree(baseline / "submitted" / student)
    _nbgrader("autograde", "demo", cwd=baseline)

    witness = course / "submitted" / "s01_full" / "demo" / "demo.ipynb"
    before = _digest(witness)
    r = _run([sys.executable, "-m", "o2o", "grade", "demo", "--course-dir", str(course), "--workers", "2",
              "--cell-timeout", "8", "--notebook-timeout", "60", "--no-progress"], course)
    return {"course": course, "baseline": baseline, "table": table, "summary": r.stdout,
            "witness": (witness, before)}


def test_every_student_gets_the_expected_score(graded_class) -> None:
    scores = _scores(graded_class["course"])
    table = graded_class["table"]
    assert set(scores) == set(table), "no student may be lost"
    wrong = {s: (scores[s]["__total__"], exp) for s, (_, exp) in table.items() if scores[s]["__total__"] != exp}
    assert not wrong, f"unexpected scores (got, expected): {wrong}\n{graded_class['summary']}"


def test_identical_to_nbgrader_autograde_on_honest_submissions(graded_class) -> None:
    ours = _scores(graded_class["course"])
    theirs = _scores(graded_class["baseline"])
    for student in HONEST:
        assert ours[student] == theirs[student], student
    assert theirs["s01_full"]["__total__"] == FULL


def test_summary_reports_every_student_and_the_repairs(graded_class) -> None:
    summary = graded_class["summary"]
    for student in graded_class["table"]:
        assert student in summary
    assert "失败 failed" not in summary.split("-----\n", 1)[1].split("\n共")[0]
    for word in ("corrupt", "missing", "renamed", "duplicate", "timed out", "restored"):
        assert word in summary, word


def test_hostile_code_touched_nothing(graded_class) -> None:
    course = graded_class["course"]
    witness, before = graded_class["witness"]
    assert _digest(witness) == before
    assert list(course.glob("gradebook.db.bak-*")), "the gradebook is backed up before grading"


def test_feedback_hides_hidden_tests_and_escapes_html(graded_class) -> None:
    course = graded_class["course"]
    _nbgrader("generate_feedback", "demo", cwd=course)
    pages = list((course / "feedback").glob("*/demo/demo.html"))
    assert len(pages) >= 25
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for secret in ("double(21)", "HIDDEN TESTS", "assert type(top) is list", "东莞\": 15.0"):
            assert secret not in text, (page, secret)
        for bad in (r"<script>alert", r"<[a-z]+[^>]*\son\w+\s*=", r"href=[\"']?\s*javascript:"):
            assert not re.search(bad, text, re.I), (page, bad)


def test_export_lists_every_student(graded_class) -> None:
    course = graded_class["course"]
    _nbgrader("export", cwd=course)
    with open(course / "grades.csv", encoding="utf-8") as fh:
        rows = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(fh)}
    expected = {s: exp for s, (_, exp) in graded_class["table"].items()}
    assert rows == expected
