"""A watchdog pool: long-lived grading workers, one student each at a time, none able to stop the batch.

``multiprocessing.Pool`` loses a task when its worker dies (a segfault, ``os._exit``, the OOM killer)
and then waits for it forever. Here the main process owns one pipe per worker and waits on the pipes
and the processes' sentinels together: a result is taken when it arrives; a worker that dies, that
sends something unreadable, or that runs past the student's deadline is killed and replaced, and only
that student gets a failure with its reason. Every job therefore ends in exactly one result, and the
batch always finishes.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterator


@dataclass
class Failure:
    """A job that produced no result: which one and why (a fixed sentence, Chinese and English)."""

    job: Any
    zh: str
    en: str


@dataclass
class _Slot:
    index: int
    proc: Any = None
    conn: Connection | None = None
    job: Any = None
    started: float = 0.0


def _serve(conn: Connection, index: int, init: Callable[[int], None], work: Callable[[Any], Any],
           once: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides about Ctrl-C
    init(index)
    while True:
        job = conn.recv()
        if job is None:
            return
        try:
            result = work(job)
        except BaseException as e:  # noqa: BLE001 - SystemExit, KeyboardInterrupt from a test: this job fails
            result = Failure(job, f"评分进程异常:{type(e).__name__}", f"grading raised {type(e).__name__}")
        try:
            conn.send(result)
        except Exception as e:  # an unpicklable result: report it instead
            conn.send(Failure(job, f"结果无法传回:{type(e).__name__}", f"result could not be returned: {type(e).__name__}"))
        if once:
            return


def run(jobs: list[Any], workers: int, init: Callable[[int], None], work: Callable[[Any], Any],
        deadline_s: float, once: bool = False) -> Iterator[Any]:
    """Yield one result (or :class:`Failure`) per job, in completion order.

    ``once``: every job gets a worker of its own, forked from this process when the previous job of
    its slot is done (nothing one job leaves in a worker's memory reaches the next); the work that
    all jobs share is done once, in this process, before ``run``.
    """
    ctx = mp.get_context("fork")
    pending = deque(jobs)
    slots = [_Slot(i + 1) for i in range(max(1, min(workers, len(jobs))))]
    left = len(jobs)

    def start(slot: _Slot) -> None:
        parent, child = ctx.Pipe()
        slot.proc = ctx.Process(target=_serve, args=(child, slot.index, init, work, once), daemon=True)
        slot.proc.start()
        child.close()
        slot.conn, slot.job = parent, None

    def stop(slot: _Slot, grace_s: float = 0) -> None:
        if slot.proc is not None and grace_s:
            slot.proc.join(grace_s)
        if slot.proc is not None and slot.proc.is_alive():
            os.kill(slot.proc.pid, signal.SIGKILL)
        if slot.proc is not None:
            slot.proc.join(10)
        if slot.conn is not None:
            slot.conn.close()
        slot.proc = slot.conn = None

    try:
        for slot in slots:
            start(slot)
        def feed(slot: _Slot) -> None:
            if slot.job is None and pending:
                slot.job, slot.started = pending.popleft(), time.monotonic()
                slot.conn.send(slot.job)

        while left:
            for slot in slots:
                feed(slot)
            busy = [s for s in slots if s.job is not None]
            wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=1.0)
            for slot in busy:
                failure = None
                result = None
                if slot.conn.poll():
                    try:
                        result = slot.conn.recv()
                    except Exception:  # EOF, a torn or unreadable message
                        failure = ("评分进程意外退出", "the grading worker died")
                elif not slot.proc.is_alive():
                    failure = (f"评分进程意外退出(退出码 {slot.proc.exitcode})",
                               f"the grading worker died (exit code {slot.proc.exitcode})")
                elif time.monotonic() - slot.started > deadline_s:
                    failure = (f"评分超过 {deadline_s:.0f} 秒,已中止", f"grading took over {deadline_s:.0f} s; stopped")
                else:
                    continue
                job, left = slot.job, left - 1
                if failure is None:
                    slot.job = None
                    if once:  # the worker ends by itself after its job; the next job gets a fresh one
                        stop(slot, grace_s=5)
                        start(slot)
                        feed(slot)  # before the caller records this result: the slot never waits for it
                    yield result
                    continue
                stop(slot)
                start(slot)
                yield Failure(job, *failure)
    finally:
        for slot in slots:
            if slot.conn is not None and slot.proc is not None and slot.proc.is_alive() and slot.job is None:
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
            if slot.proc is not None:
                slot.proc.join(5)
            stop(slot)
