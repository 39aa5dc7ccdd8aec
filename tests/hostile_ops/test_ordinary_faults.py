"""Ordinary faults get one bilingual sentence naming what to do, never "Unexpected error".

Simulated for real: no permission by running ``o2o`` as the unprivileged user ``nobody``
(``setpriv``) on a folder only root may read or write; a full disk with a small tmpfs
(256 KiB) mounted for the test (both need root: the tests skip without it, and say so).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hostile_ops_helpers import assert_one_sentence, run_o2o

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="simulating another user or a small disk needs root")


@pytest.fixture()
def shared_tmp():
    """A folder under /tmp that ``nobody`` can traverse (pytest's own tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="o2o-hostile-"))
    os.chmod(d, 0o755)
    yield d
    subprocess.run(["umount", str(d / "small")], capture_output=True)
    shutil.rmtree(d, ignore_errors=True)


@needs_root
def test_no_permission_to_read_the_dataset(dataset_dir, shared_tmp):
    ds = shared_tmp / "ds"
    shutil.copytree(dataset_dir, ds)
    os.chmod(ds / "stores.parquet", 0o600)
    os.chmod(ds / "meta.json", 0o600)
    proc = run_o2o("data", "check", str(ds), user="nobody", cwd=shared_tmp)
    assert_one_sentence(proc, "没有权限", "No permission", "meta.json")


@needs_root
def test_no_permission_to_write_the_output_folder(shared_tmp):
    locked = shared_tmp / "locked"
    locked.mkdir(mode=0o755)
    proc = run_o2o("data", "build", "--out", str(locked / "ds"), "--quiet", user="nobody", cwd=shared_tmp)
    assert_one_sentence(proc, "没有权限", "No permission", str(locked))
    assert list(locked.iterdir()) == []


@needs_root
@pytest.mark.parametrize("command", [["bundle", "--out"], ["data", "build", "--quiet", "--out"]],
                         ids=["bundle", "data-build"])
def test_a_full_disk_stops_the_command_with_one_sentence_and_no_leftovers(shared_tmp, command):
    small = shared_tmp / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(small)], capture_output=True,
                             text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    (small / "keep.txt").write_text("mine\n", encoding="utf-8")
    proc = run_o2o(*command, str(small / "out"))
    assert_one_sentence(proc, "磁盘已满", "disk is full")
    assert sorted(p.name for p in small.iterdir()) == ["keep.txt"], "the temporary folder was removed"


def test_a_missing_dataset_folder(tmp_path):
    proc = run_o2o("data", "check", str(tmp_path / "nowhere"))
    assert_one_sentence(proc, "nowhere", "make data")


def test_a_course_folder_that_is_missing_for_grading(tmp_path):
    proc = run_o2o("grade", "hw1", "--course-dir", str(tmp_path / "no-course"), "--no-progress")
    assert_one_sentence(proc)


@needs_root
def test_no_permission_in_a_notebook_is_a_data_error_too(dataset_dir, shared_tmp):
    """The same fault met through the Python API (a lesson calling o2o.load()) as user nobody."""
    ds = shared_tmp / "ds"
    shutil.copytree(dataset_dir, ds)
    os.chmod(ds / "products.parquet", 0o600)
    code = ("import o2o\nfrom o2o.errors import DataError\nds = o2o.load(%r)\ntry:\n    ds.products\n"
            "except DataError as e:\n    print('DATAERROR', e)\n" % str(ds))
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", sys.executable,
                           "-c", code], capture_output=True, text=True, cwd=shared_tmp, timeout=120)
    assert "DATAERROR" in proc.stdout and "没有权限" in proc.stdout and "No permission" in proc.stdout, proc.stderr
