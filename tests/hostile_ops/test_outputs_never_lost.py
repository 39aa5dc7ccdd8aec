"""Commands that write a folder never delete or overwrite what they did not create."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_ops_helpers import assert_one_sentence, run_o2o, snapshot

from o2o.errors import O2OError
from o2o.safeio import MARKER, OutputFolderError, check_target, clean_leftovers, fresh_folder


@pytest.mark.parametrize("command", [
    ["bundle", "--out", "{dir}"],
    ["data", "build", "--out", "{dir}", "--quiet"],
    ["data", "build", "--scale", "2", "--out", "{dir}", "--quiet"],
], ids=["bundle", "data-build", "data-build-scale-2"])
def test_a_folder_holding_a_users_files_is_refused_and_left_byte_for_byte(command, user_folder):
    before = snapshot(user_folder)
    proc = run_o2o(*[c.format(dir=user_folder) for c in command])
    assert_one_sentence(proc, str(user_folder), "--replace", "grades.xlsx")
    assert snapshot(user_folder) == before
    assert sorted(p.name for p in user_folder.parent.iterdir()) == ["mine"], "no temporary sibling left"


def test_data_ensure_refuses_a_default_folder_holding_other_files(user_folder):
    before = snapshot(user_folder)
    proc = run_o2o("data", "ensure", "--quiet", env={"O2O_DATA_DIR": str(user_folder)})
    assert_one_sentence(proc, str(user_folder), "--replace")
    assert snapshot(user_folder) == before


def test_data_ensure_keeps_a_users_notes_beside_an_outdated_dataset(dataset_dir, tmp_path):
    """A dataset to rebuild, but the user put notes in its folder: refused, nothing touched."""
    ds = tmp_path / "default"
    ds.mkdir()
    for name in ("meta.json", "stores.parquet"):
        (ds / name).write_bytes((dataset_dir / name).read_bytes())
    meta = json.loads((ds / "meta.json").read_text(encoding="utf-8"))
    meta["generator"] = "other"
    (ds / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (ds / "我的分析.ipynb").write_text("{}", encoding="utf-8")
    before = snapshot(ds)
    proc = run_o2o("data", "ensure", "--quiet", env={"O2O_DATA_DIR": str(ds)})
    assert_one_sentence(proc, "我的分析.ipynb", "--replace")
    assert snapshot(ds) == before


def _scratch_checkout(tmp_path: Path) -> Path:
    co = tmp_path / "checkout"
    subprocess.run(["git", "init", "-q", str(co)], check=True)
    (co / "pyproject.toml").write_text("[project]\nname='x'\n", encoding="utf-8")
    (co / "README.md").write_text("mine\n", encoding="utf-8")
    return co


@pytest.mark.parametrize("extra", [[], ["--replace"]], ids=["plain", "with-replace"])
def test_bundle_out_dot_inside_a_checkout_never_touches_it(tmp_path, extra):
    co = _scratch_checkout(tmp_path)
    before = snapshot(co)
    proc = run_o2o("bundle", "--out", ".", *extra, cwd=co)
    assert_one_sentence(proc, str(co))
    assert snapshot(co) == before


@pytest.mark.parametrize("target", ["parent", "git"], ids=["parent-of-cwd", "holds-.git"])
def test_replace_never_takes_a_folder_holding_the_working_folder_or_a_repository(tmp_path, target):
    co = _scratch_checkout(tmp_path)
    (co / "work").mkdir()
    out = co if target == "git" else tmp_path
    before = snapshot(tmp_path)
    proc = run_o2o("data", "build", "--out", str(out), "--replace", "--quiet", cwd=co / "work")
    assert_one_sentence(proc, str(out))
    assert snapshot(tmp_path) == before


def test_replace_never_takes_a_folder_with_a_repository_deeper_inside(tmp_path):
    projects = tmp_path / "projects"
    _scratch_checkout(projects)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = snapshot(projects)
    proc = run_o2o("bundle", "--out", str(projects), "--replace", cwd=elsewhere)
    assert_one_sentence(proc, str(projects), "checkout/.git")
    assert snapshot(projects) == before


def test_a_file_or_a_link_as_output_is_refused(tmp_path, user_folder):
    f = tmp_path / "a-file"
    f.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(user_folder, target_is_directory=True)
    before = snapshot(user_folder)
    for out in (f, link):
        proc = run_o2o("data", "build", "--out", str(out), "--replace", "--quiet")
        assert_one_sentence(proc, str(out))
    assert f.read_text(encoding="utf-8") == "keep\n" and snapshot(user_folder) == before


# ----------------------------------------------------------------- the helper itself (fast, no build)


def _write(tmp: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_text(text, encoding="utf-8")


def test_an_owned_folder_is_replaced_whole_and_a_foreign_one_only_moved_aside(tmp_path, user_folder):
    out = tmp_path / "out"
    with fresh_folder(out, command="test") as tmp:
        _write(tmp, {"a.txt": "1", "sub/b.txt": "2"})
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["files"] == ["a.txt", "sub/b.txt"]
    with fresh_folder(out, command="test") as tmp:  # ours: replaced without a flag
        _write(tmp, {"c.txt": "3"})
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "c.txt"]
    before = snapshot(user_folder)
    with fresh_folder(user_folder, command="test", replace=True) as tmp:
        _write(tmp, {"new.txt": "4"})
    kept = [p for p in user_folder.parent.iterdir() if p.name.startswith("mine.replaced-")]
    assert len(kept) == 1 and snapshot(kept[0]) == before, "the replaced folder is kept, byte for byte"
    assert (user_folder / "new.txt").read_text(encoding="utf-8") == "4"


def test_a_users_file_dropped_into_an_owned_folder_makes_it_foreign(tmp_path):
    out = tmp_path / "out"
    with fresh_folder(out, command="test") as tmp:
        _write(tmp, {"a.txt": "1"})
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputFolderError) as e:
        check_target(out)
    assert "notes.txt" in str(e.value) and "--replace" in str(e.value)


def test_a_failed_run_leaves_the_target_as_it_was_and_no_temporary_folder(tmp_path):
    out = tmp_path / "out"
    with fresh_folder(out, command="test") as tmp:
        _write(tmp, {"a.txt": "1"})
    before = snapshot(out)
    with pytest.raises(RuntimeError):
        with fresh_folder(out, command="test") as tmp:
            _write(tmp, {"half.txt": "x"})
            raise RuntimeError("interrupted")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_files_appearing_during_the_run_stop_the_swap(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(O2OError):
        with fresh_folder(out, command="test") as tmp:
            _write(tmp, {"a.txt": "1"})
            (out / "saved-meanwhile.txt").write_text("mine", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["saved-meanwhile.txt"]


def test_leftovers_of_interrupted_runs_are_cleaned_but_nothing_else(tmp_path):
    out = tmp_path / "out"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    pid = int(dead.stdout)
    marked = tmp_path / f".out.o2o-tmp-{pid}"
    _write(marked, {MARKER: json.dumps({"kit": "o2o", "files": []}), "part.parquet": "x"})
    unmarked = tmp_path / f".out.o2o-tmp-{pid + 1}"
    _write(unmarked, {"mine.txt": "not the kit's"})
    alive = tmp_path / f".out.o2o-tmp-{os.getppid()}"
    _write(alive, {MARKER: json.dumps({"kit": "o2o", "files": []})})
    removed = clean_leftovers(out)
    assert removed == [marked] and not marked.exists()
    assert unmarked.exists() and alive.exists()


def test_data_docs_never_overwrites_a_users_file(user_folder, tmp_path):
    notes = user_folder / "sub" / "notes.txt"
    before = snapshot(user_folder)
    assert_one_sentence(run_o2o("data", "docs", "--out", str(notes)), str(notes), "--out")
    assert snapshot(user_folder) == before
    fresh = tmp_path / "README.md"
    for _ in range(2):  # a new file, then its own earlier version: both written
        assert run_o2o("data", "docs", "--out", str(fresh)).returncode == 0
    assert fresh.read_text(encoding="utf-8").startswith("# 数据字典")


class _CourseDir:
    """The one method of nbgrader's CourseDirectory that writing an autograded folder uses."""

    autograded_directory = "autograded"

    def __init__(self, root: Path) -> None:
        self.root = root

    def format_path(self, kind: str, student: str, assignment: str) -> str:
        return str(self.root / kind / student / assignment)


def _graded_once(tmp_path: Path):
    from o2o.grading.worker import NotebookResult, StudentResult

    submitted = tmp_path / "submitted" / "stu01" / "ps1"
    submitted.mkdir(parents=True)
    (submitted / "ps1.ipynb").write_text("{}", encoding="utf-8")
    (submitted / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return submitted, StudentResult("stu01", [NotebookResult("ps1", nb)])


def test_regrading_never_deletes_an_instructors_files_in_the_autograded_folder(tmp_path):
    """`o2o grade` again: a folder holding only grading's own files is replaced; one with other files is kept."""
    from o2o.grading.classgrade import _write_autograded

    course = _CourseDir(tmp_path)
    submitted, result = _graded_once(tmp_path)
    dest = tmp_path / "autograded" / "stu01" / "ps1"
    assert _write_autograded(course, "ps1", "stu01", str(submitted), result, {}) == []
    assert sorted(p.name for p in dest.iterdir()) == ["data.csv", "ps1.ipynb"]
    assert _write_autograded(course, "ps1", "stu01", str(submitted), result, {}) == []  # own files: replaced
    assert sorted(p.name for p in dest.parent.iterdir()) == ["ps1"]

    (dest / "批注.txt").write_text("助教的批注 / a TA's notes", encoding="utf-8")
    before = snapshot(dest)
    notes = _write_autograded(course, "ps1", "stu01", str(submitted), result, {})
    kept = [p for p in dest.parent.iterdir() if p.name.startswith("ps1.replaced-")]
    assert len(kept) == 1 and snapshot(kept[0]) == before, "the old folder is kept byte for byte"
    assert len(notes) == 1 and kept[0].name in notes[0] and "kept as" in notes[0]
    assert sorted(p.name for p in dest.iterdir()) == ["data.csv", "ps1.ipynb"]
