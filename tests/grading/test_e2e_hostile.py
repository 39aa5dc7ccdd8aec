"""End to end, real nbgrader CLI: a class whose hostile students attack the grader itself.

One batch, graded once (module fixture): ``o2o collect`` (screening the exchange, then the real
``nbgrader collect``), links planted directly in ``submitted/``, ``o2o grade`` with two workers while the
grader's memory is sampled, then ``nbgrader generate_feedback``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile import WRONG, answers_of, fill  # noqa: E402
from hostile_round2 import FULL, cases  # noqa: E402

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "grading" / "course"
#: Peak resident memory of any grader process (main or worker, not the sandboxed kernels) - the stated bound.
GRADER_PEAK_BOUND = 512 * 1024 ** 2
SECRETS = ("double(21)", "HIDDEN TESTS", "type(top) is list", "东莞\": 15.0", "cost == 60.0", "type(double(3))")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONWARNINGS"] = "ignore"
    return env


def _run(args: list[str], cwd: Path, ok: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=900)
    assert not ok or r.returncode == 0, f"{args} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


def _grader_peak(pid: int, stop: threading.Event, out: dict[str, int]) -> None:
    """Sample VmHWM (peak RSS) of the grader's own processes: root-owned python processes of its tree."""
    import psutil

    me = psutil.Process(pid)
    while not stop.is_set():
        try:
            procs = [me] + me.children(recursive=True)
        except psutil.Error:
            break
        for p in procs:
            try:
                if p.uids().real != os.geteuid() or "python" not in p.name():
                    continue
                with open(f"/proc/{p.pid}/status") as fh:
                    hwm = next(int(ln.split()[1]) * 1024 for ln in fh if ln.startswith("VmHWM"))
                out[str(p.pid)] = max(out.get(str(p.pid), 0), hwm)
            except (psutil.Error, OSError, StopIteration):
                pass
        time.sleep(0.2)


def _place(dest: Path, files: dict) -> None:
    for name, content in files.items():
        path = dest / name
        if isinstance(content, tuple) and content[0] == "link":
            path.symlink_to(content[1])
        elif isinstance(content, tuple) and content[0] == "fifo":
            os.mkfifo(path)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap (bwrap) is required for the grading sandbox: apt-get install -y bubblewrap")
    root = tmp_path_factory.mktemp("hostile2")
    course, exchange = root / "course", root / "exchange"
    shutil.copytree(FIXTURE, course)
    exchange.mkdir()
    py = sys.executable
    _run([py, "-m", "nbgrader", "generate_assignment", "demo", "--force"], course)
    _run([py, "-m", "nbgrader", "release_assignment", "demo", f"--Exchange.root={exchange}", "--force"], course)
    release = json.loads((course / "release" / "demo" / "demo.ipynb").read_text(encoding="utf-8"))
    source_nb = course / "source" / "demo" / "demo.ipynb"
    full = answers_of(json.loads(source_nb.read_text(encoding="utf-8")))
    table = cases(full, fill, release, str(source_nb), str(course / "gradebook.db"))

    def honest(**changes: str) -> dict:
        return {"inbound": {"demo.ipynb": json.dumps(fill(release, {**full, **changes}), ensure_ascii=False)}}

    table["s01_full"] = {**honest(), "score": FULL, "word": ""}
    table["s03_partial"] = {**honest(q_top=WRONG["q_top"], q_city=WRONG["q_city"]), "score": 3.0, "word": ""}
    table["s04_partial"] = {**honest(q_double=WRONG["q_double"], q_cost=WRONG["q_cost"]), "score": 5.0, "word": ""}

    inbound = exchange / "o2o-demo" / "inbound"
    inbound.mkdir(parents=True, exist_ok=True)
    stamp = "2026-03-01 10:00:00.000000 UTC"
    for student, case in table.items():
        dest = inbound / f"{student}+demo+{stamp}"
        dest.mkdir(parents=True)
        (dest / "timestamp.txt").write_text(stamp)
        _place(dest, case["inbound"])
    shm_before = Path("/proc/sysvipc/shm").read_text()

    collected = _run([py, "-m", "o2o", "collect", "demo", "--course-dir", str(course), "--exchange-root", str(exchange),
                      "--nbgrader-arg=--CollectApp.check_owner=False"], course)
    for student, case in table.items():  # planted after collect, as if the submitted folder were tampered with
        for name in case.get("direct", {}):
            (course / "submitted" / student / "demo" / name).unlink(missing_ok=True)
        _place(course / "submitted" / student / "demo", case.get("direct", {}))
    witness = (course / "submitted" / "s01_full" / "demo" / "demo.ipynb").read_bytes()

    proc = subprocess.Popen([py, "-m", "o2o", "grade", "demo", "--course-dir", str(course), "--workers", "2",
                             "--cell-timeout", "8", "--notebook-timeout", "60", "--no-progress"],
                            cwd=course, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peaks: dict[str, int] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_grader_peak, args=(proc.pid, stop, peaks), daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=900)
    stop.set()
    sampler.join()
    feedback = _run([py, "-m", "nbgrader", "generate_feedback", "demo"], course)
    return {"course": course, "table": table, "summary": out.decode("utf-8", "replace"),
            "stderr": err.decode("utf-8", "replace"), "rc": proc.returncode, "collect": collected.stdout,
            "peaks": peaks, "witness": witness, "shm_before": shm_before,
            "logs": collected.stdout + collected.stderr + feedback.stdout + feedback.stderr}


def _scores(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student_id: s.score for s in gb.assignment_submissions("demo")}


def _rows(summary: str) -> dict[str, str]:
    body = summary.split("-----\n", 1)[1].split("\n---")[0]
    return {line.split()[0]: line for line in body.splitlines()}


def test_every_hostile_submission_gets_its_score_and_flag(hostile_class) -> None:
    scores = _scores(hostile_class["course"])
    table = hostile_class["table"]
    assert set(scores) == set(table), "no student may be lost"
    wrong = {s: (scores[s], c["score"]) for s, c in table.items() if scores[s] != c["score"]}
    assert not wrong, f"(got, expected): {wrong}\n{hostile_class['summary']}\n{hostile_class['stderr'][-3000:]}"
    rows = _rows(hostile_class["summary"])
    for student, case in table.items():
        assert student in rows, student
        assert "失败 failed" not in rows[student], rows[student]
        assert case["word"] in rows[student], (student, case["word"], rows[student])


def test_honest_students_keep_their_grades_and_the_batch_finishes(hostile_class) -> None:
    summary = hostile_class["summary"]
    assert hostile_class["rc"] == 0, hostile_class["stderr"][-2000:]
    assert f"共 {len(hostile_class['table'])} 名学生" in summary
    scores = _scores(hostile_class["course"])
    assert (scores["s01_full"], scores["s03_partial"], scores["s04_partial"]) == (FULL, 3.0, 5.0)


def test_summary_is_inert(hostile_class) -> None:
    summary = hostile_class["summary"]
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", summary)
    body = summary.split("-----\n", 1)[1].split("\n---")[0].splitlines()
    assert len(body) == len(hostile_class["table"])  # one row per student: no forged row
    assert "\\x1b[2J" in _rows(summary)["h14_escape_name"]
    assert "\\ud800" in _rows(summary)["h15_surrogate_id"]


def test_collect_refused_the_links_in_the_exchange(hostile_class) -> None:
    text = hostile_class["collect"]
    for student in ("h07_link_source_inbound", "h08_link_gradebook_inbound", "h09_devzero_inbound"):
        assert re.search(f"{student}.*symbolic link", text), text
    sub = hostile_class["course"] / "submitted"
    assert not (sub / "h07_link_source_inbound" / "demo" / "demo.ipynb").exists()
    assert not (sub / "h08_link_gradebook_inbound" / "demo" / "notes.txt").exists()
    assert not (sub / "h08_link_gradebook_inbound" / "demo" / "demo.ipynb").is_symlink()


def test_no_hidden_test_text_anywhere(hostile_class) -> None:
    course = hostile_class["course"]
    texts = {"summary": hostile_class["summary"], "stderr": hostile_class["stderr"], "logs": hostile_class["logs"]}
    for folder in ("autograded", "feedback"):
        for path in (course / folder).rglob("*"):
            assert not path.is_symlink(), path
            if path.is_file():
                texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    no_notebook = {"h07_link_source_inbound", "h09_devzero_inbound", "h10_link_source_direct", "h11_devzero_direct"}
    pages = {Path(t).parts[-3] for t in texts if t.endswith(".html")}
    assert pages == set(hostile_class["table"]) - no_notebook
    for where, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, (where, secret)
    assert not list((course / "autograded").rglob("notes.txt")) and not list((course / "autograded").rglob("data.db"))


def test_recorded_arguments_of_hidden_calls_do_not_reach_feedback(hostile_class) -> None:
    course = hostile_class["course"]
    nb = (course / "autograded" / "h18_recorder" / "demo" / "demo.ipynb").read_text(encoding="utf-8")
    page = (course / "feedback" / "h18_recorder" / "demo" / "demo.html").read_text(encoding="utf-8")
    assert "RECORDED [2]" in nb  # the public check ran in the sandbox; the hidden calls (21, 3) left no trace
    assert "RECORDED [2]" in page and "21" not in nb.split("RECORDED")[1][:20]
    spy = (course / "autograded" / "h19_call_spy" / "demo" / "demo.ipynb").read_text(encoding="utf-8")
    assert "SPIED [] [2]" in spy, spy  # a rewritten call helper in the visible kernel is never called


def test_shared_memory_beyond_the_limit_failed_inside_the_sandbox(hostile_class) -> None:
    nb = (hostile_class["course"] / "autograded" / "h17_sysv_shm" / "demo" / "demo.ipynb").read_text(encoding="utf-8")
    assert "shm segment -1" in nb
    assert Path("/proc/sysvipc/shm").read_text() == hostile_class["shm_before"]


def test_grader_memory_and_nothing_touched(hostile_class) -> None:
    peaks = hostile_class["peaks"]
    assert peaks, "the grader's processes were sampled"
    assert max(peaks.values()) < GRADER_PEAK_BOUND, {k: v // 2 ** 20 for k, v in peaks.items()}
    doc = (Path(__file__).resolve().parents[2] / "docs" / "grading.md").read_text(encoding="utf-8")
    assert f"under {GRADER_PEAK_BOUND // 2 ** 20} MiB" in doc
    course = hostile_class["course"]
    assert (course / "submitted" / "s01_full" / "demo" / "demo.ipynb").read_bytes() == hostile_class["witness"]
    assert (course / "source" / "demo" / "demo.ipynb").is_file()
    print("grader peak MB:", {k: v // 2 ** 20 for k, v in peaks.items()})
    print(hostile_class["summary"])
