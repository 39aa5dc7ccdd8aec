"""Every option outside its sensible range is refused before any work; the gradebook stays untouched."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from hostile_ops_helpers import assert_one_sentence, run_o2o, snapshot


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    """A course folder with a gradebook holding earlier grades (bytes compared after each run)."""
    c = tmp_path / "course"
    (c / "submitted" / "alice" / "hw1").mkdir(parents=True)
    (c / "submitted" / "alice" / "hw1" / "hw1.ipynb").write_text("{}", encoding="utf-8")
    (c / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'x'\n", encoding="utf-8")
    (c / "gradebook.db").write_bytes(b"SQLite format 3\x00 earlier grades")
    return c


@pytest.mark.parametrize("option", [
    ["--notebook-timeout", "-1"], ["--notebook-timeout", "0"], ["--notebook-timeout", "nan"],
    ["--notebook-timeout", "inf"], ["--cell-timeout", "0.001"], ["--cell-timeout", "-5"],
    ["--memory-mb", "0"], ["--memory-mb", "10"], ["--workers", "0"], ["--workers", "100000"],
    ["--cell-timeout", "600", "--notebook-timeout", "60"],
])
def test_grade_refuses_a_bad_limit_and_leaves_the_gradebook_unchanged(course, option):
    before = snapshot(course)
    proc = run_o2o("grade", "hw1", "--course-dir", str(course), "--no-progress", *option, cwd=course)
    assert_one_sentence(proc, option[-2] if len(option) == 4 else option[0])
    assert snapshot(course) == before


@pytest.mark.parametrize("option", [
    ["--scale", "0"], ["--scale", "-3"], ["--scale", "100000"], ["--scale", "2.5"], ["--seed", "-1"],
    ["--seed", str(2**40)], ["--seed", "abc"], ["--scale", "17"], ["--full"],
])
def test_data_build_refuses_bad_or_implausible_sizes_before_any_work(tmp_path, option):
    out = tmp_path / "ds"
    proc = run_o2o("data", "build", "--out", str(out), "--quiet", *option)
    assert_one_sentence(proc)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    if option in (["--scale", "17"], ["--full"]):
        assert "--yes-big" in proc.stderr


@pytest.mark.parametrize("command", [["app", "--no-preheat"], ["lab", "--no-browser"]])
@pytest.mark.parametrize("option", [["--port", "0"], ["--port", "70000"], ["--port", "http"],
                                    ["--ip", "999.1.1.1"], ["--ip", "my laptop"]])
def test_servers_refuse_bad_ports_and_addresses(command, option):
    proc = run_o2o(*command, *option, timeout=60)
    assert_one_sentence(proc, option[0])
    assert proc.returncode == 2


@pytest.mark.parametrize("command", [["app", "--no-preheat"], ["lab", "--no-browser"]])
def test_a_port_in_use_gets_one_sentence(command):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run_o2o(*command, "--port", str(port), timeout=60)
    assert_one_sentence(proc, str(port))


def test_an_address_this_machine_does_not_have_gets_one_sentence():
    proc = run_o2o("app", "--no-preheat", "--ip", "203.0.113.7", "--port", "18866", timeout=60)
    assert_one_sentence(proc, "203.0.113.7", "--ip")


def test_the_documented_ranges_are_the_enforced_ones():
    from hostile_ops_helpers import ROOT

    from o2o.grading.commands import MIN_CELL_S, MIN_MEMORY_MB, MIN_NOTEBOOK_S

    text = " ".join((ROOT / "course" / "INSTRUCTOR.md").read_text(encoding="utf-8").split())
    assert f"`--cell-timeout` under {MIN_CELL_S:g} s" in text and f"小于 {MIN_CELL_S:g} 秒" in text
    assert f"`--notebook-timeout` under {MIN_NOTEBOOK_S:g} s" in text and f"小于 {MIN_NOTEBOOK_S:g} 秒" in text
    assert f"`--memory-mb` under {MIN_MEMORY_MB}" in text and f"小于 {MIN_MEMORY_MB}" in text
