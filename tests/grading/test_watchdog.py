"""The watchdog pool: whatever one job does, only that job fails and every job ends in one result."""

from __future__ import annotations

import os
import signal
import time

from o2o.grading import supervise
from o2o.grading.inert import inert, valid_unicode
from o2o.grading.screen import Unsafe, copy_tree, read_bounded

import pytest


def _init(index: int) -> None:
    os.environ["O2O_TEST_WORKER"] = str(index)


def _work(job):
    kind, n = job
    if kind == "exit":
        raise SystemExit(3)
    if kind == "kill":
        os._exit(1)
    if kind == "segv":
        import faulthandler

        faulthandler.disable()  # a quiet crash, like one inside a C library
        os.kill(os.getpid(), signal.SIGSEGV)
    if kind == "hang":
        time.sleep(3600)
    if kind == "interrupt":
        raise KeyboardInterrupt
    return (kind, n * 2, os.environ["O2O_TEST_WORKER"])


def test_every_job_ends_and_only_the_bad_ones_fail() -> None:
    jobs = [("ok", 1), ("exit", 2), ("ok", 3), ("kill", 4), ("segv", 5), ("hang", 6), ("interrupt", 7), ("ok", 8)]
    t0 = time.monotonic()
    results = list(supervise.run(jobs, 2, _init, _work, deadline_s=3))
    assert time.monotonic() - t0 < 30
    assert len(results) == len(jobs)
    good = sorted(r[1] for r in results if not isinstance(r, supervise.Failure))
    assert good == [2, 6, 16]
    failed = {r.job[0]: r.en for r in results if isinstance(r, supervise.Failure)}
    assert set(failed) == {"exit", "kill", "segv", "hang", "interrupt"}
    assert "SystemExit" in failed["exit"] and "died" in failed["kill"] and "died" in failed["segv"]
    assert "took over 3 s" in failed["hang"] and "KeyboardInterrupt" in failed["interrupt"]


def _mark(job):
    folder, n = job
    open(os.path.join(folder, f"started-{n}"), "w").close()
    return n


def test_the_next_job_starts_before_the_caller_has_taken_a_result(tmp_path) -> None:
    """With a fresh worker per job, the slot gets its next job before the result is handed on: the
    caller's work on a result (writing the gradebook) never leaves a worker waiting."""
    jobs = [(str(tmp_path), n) for n in range(3)]
    seen = []
    for result in supervise.run(jobs, 1, _init, _mark, deadline_s=30, once=True):
        seen.append(result)
        if len(seen) < len(jobs):
            nxt = tmp_path / f"started-{len(seen)}"
            for _ in range(500):  # bounded: at most 5 s
                if nxt.exists():
                    break
                time.sleep(0.01)
            assert nxt.exists(), f"job {len(seen)} was not started while the caller held result {result}"
    assert seen == [0, 1, 2]


def test_inert_text_has_no_controls_and_valid_unicode() -> None:
    assert inert("a\x1b[2J\nb\r\u202ec\ud800") == "a\\x1b[2J\\x0ab\\x0d\\u202ec\\ud800"
    assert inert("门店 ok") == "门店 ok"
    assert valid_unicode({"k\udc80": ["x\ud800", 1]}) == {"k\\udc80": ["x\\ud800", 1]}
    "".join(valid_unicode(["\ud800"])).encode("utf-8")


def test_links_devices_and_fifos_are_refused_unread(tmp_path) -> None:
    src = tmp_path / "sub"
    src.mkdir()
    (src / "ok.txt").write_text("fine")
    (src / "link.ipynb").symlink_to("/etc/passwd")
    (src / "zero").symlink_to("/dev/zero")
    os.mkfifo(src / "fifo")
    (src / "dirlink").symlink_to(tmp_path)
    (src / "big.bin").write_bytes(b"\0")
    os.truncate(src / "big.bin", 60_000_000)
    got = copy_tree(src, tmp_path / "copy")
    assert got.files == ["ok.txt"]
    assert dict(got.refused) == {"link.ipynb": "link", "zero": "link", "fifo": "special", "dirlink": "link",
                                 "big.bin": "too_big"}
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == ["ok.txt"]
    for bad, why in (("link.ipynb", "link"), ("fifo", "special"), ("big.bin", "too_big")):
        with pytest.raises(Unsafe, match=why):
            read_bounded(src / bad, 50_000_000)


def test_limits_stated_in_the_docs_are_the_enforced_ones() -> None:
    from pathlib import Path

    from o2o.grading import codec, screen
    from o2o.grading.kernel import MAX_MESSAGE_BYTES
    from o2o.grading.sandbox import Limits

    doc = (Path(__file__).resolve().parents[2] / "docs" / "grading.md").read_text(encoding="utf-8")
    lim = Limits()
    stated = [
        f"{codec.MAX_TEXT // 1_000_000} M characters, {codec.MAX_TOKENS // 1_000_000} M JSON tokens, "
        f"depth {codec.MAX_DEPTH}, {codec.MAX_ELEMENTS // 1_000_000} M values",
        f"| one kernel message | {MAX_MESSAGE_BYTES // 2 ** 20} MiB |",
        f"| SysV shared memory | {lim.shm_bytes // 2 ** 20} MiB in all, 16 segments |",
        f"| POSIX shared memory | {lim.shm_bytes // 2 ** 20} MiB |",
        f"{screen.MAX_FILES} files, {screen.MAX_FILE_BYTES // 1_000_000} MB a file, "
        f"{screen.MAX_TOTAL_BYTES // 1_000_000} MB in all, {screen.MAX_DEPTH} folder levels",
        f"{lim.memory_bytes // 2 ** 30} GiB address space",
        f"| processes | {lim.nproc} per sandbox uid |",
        f"| file size / open files | {lim.file_bytes // 2 ** 20} MB / {lim.nofile} |",
        f"| working directory / `/tmp` | {lim.work_tmpfs_bytes // 2 ** 20} MB / {lim.tmp_tmpfs_bytes // 2 ** 20} MB |",
        f"{lim.cell_output_bytes // 1000} kB per cell, {lim.notebook_output_bytes // 1_000_000} MB per notebook",
        f"{lim.cell_timeout_s:.0f} s / {lim.notebook_timeout_s:.0f} s",
    ]
    for text in stated:
        assert text in doc, text
    assert "echo 16 > /proc/sys/kernel/shmmni" in __import__("o2o.grading.sandbox", fromlist=["_SHM_LIMITS"])._SHM_LIMITS
