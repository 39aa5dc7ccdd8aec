"""One real sandboxed kernel: shared memory (SysV and POSIX) is bounded inside the sandbox."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from o2o.grading.kernel import SandboxedKernel
from o2o.grading.sandbox import SANDBOX_UID_BASE, Limits, Sandbox

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kernel():
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap (bwrap) is required for the grading sandbox: apt-get install -y bubblewrap")
    base = Path(tempfile.mkdtemp(prefix="o2o-limits-"))
    os.chmod(base, 0o700)
    k = SandboxedKernel(Sandbox(uid=SANDBOX_UID_BASE + 90, runtime_dir=base / "w", limits=Limits(cell_timeout_s=30)))
    k.start()
    yield k
    k.shutdown()
    shutil.rmtree(base, ignore_errors=True)


def _out(run) -> str:
    return "".join(o.get("text", "") for o in run.outputs if o["output_type"] == "stream")


def test_ready_wait_takes_only_its_own_request_s_messages() -> None:
    """The ready wait skips other requests' messages, and on iopub waits for the request's idle status."""
    import queue

    def channel(msgs):
        q = list(msgs)

        def get(timeout):
            if not q:
                raise queue.Empty
            return q.pop(0)
        return get

    def msg(parent, mtype="status", state="idle"):
        return {"parent_header": {"msg_id": parent}, "msg_type": mtype, "content": {"execution_state": state}}

    reply_to = SandboxedKernel._reply_to
    shell = channel([msg("old", "kernel_info_reply"), msg("me", "kernel_info_reply")])
    assert reply_to(shell, "me", 1.0)["msg_type"] == "kernel_info_reply"
    iopub = channel([msg("", "status", "starting"), msg("me", state="busy"), msg("me")])
    assert reply_to(iopub, "me", 1.0, idle=True)["content"]["execution_state"] == "idle"
    assert reply_to(channel([msg("other"), msg("me", state="busy")]), "me", 1.0, idle=True) is None
    assert reply_to(channel([]), "me", 0.01) is None


def test_the_first_cell_after_start_sees_only_its_own_output(kernel) -> None:
    r = kernel.run("print('first')")
    assert r.status == "ok" and r.outputs == [{"output_type": "stream", "name": "stdout", "text": "first\n"}]


def test_the_grading_kernel_has_no_debugger_and_a_clean_namespace(kernel) -> None:
    """The launcher starts ipykernel in its own interpreter with debugpy blocked; none of its names
    reach the student's namespace, and the kernel is an ordinary IPython kernel otherwise."""
    r = kernel.run("import sys\n"
                   "try:\n    import debugpy\nexcept ImportError:\n    print('no debugger')\n"
                   "print(__name__, 'src' in dir(), 'shutil' in dir(), get_ipython().__class__.__name__)\n"
                   "print(sorted(m for m in sys.modules if 'pydevd' in m))")
    assert _out(r).split("\n")[:3] == ["no debugger", "__main__ False False ZMQInteractiveShell", "[]"]


def test_kernel_specs_are_looked_up_once_per_process() -> None:
    from o2o.grading.kernel import _SpecOnce, warm_up

    warm_up()
    a, b = _SpecOnce().get_kernel_spec("python3"), _SpecOnce().get_kernel_spec("python3")
    assert a is b and a.language == "python"


SYSV = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmget.restype = ctypes.c_int
IPC_PRIVATE, IPC_CREAT = 0, 0o1000
big = libc.shmget(IPC_PRIVATE, ctypes.c_size_t({size}), IPC_CREAT | 0o600)
print("segment", big)
ids = []
for _ in range(64):
    i = libc.shmget(IPC_PRIVATE, ctypes.c_size_t(32 * 1024 * 1024), IPC_CREAT | 0o600)
    if i < 0:
        break
    ids.append(i)
print("many", len(ids))
print(open('/proc/sys/kernel/shmall').read().strip(), open('/proc/sys/kernel/shmmax').read().strip())
"""


def test_sysv_shared_memory_beyond_the_limit_is_refused(kernel) -> None:
    lim = Limits()
    r = kernel.run(SYSV.format(size=3 * 1024 ** 3))
    text = _out(r)
    assert r.status == "ok", r.outputs
    assert "segment -1" in text  # 3 GiB in one segment: refused
    many = int(text.split("many ")[1].split()[0])
    assert many * 32 * 1024 ** 2 <= lim.shm_bytes  # at most shm_bytes in all segments together
    assert f"{lim.shm_bytes // 4096} {lim.shm_bytes}" in text
    with open("/proc/sys/kernel/shmmax") as fh:  # the host's own limit is untouched
        assert int(fh.read()) > lim.shm_bytes


def test_posix_shared_memory_is_a_small_tmpfs(kernel) -> None:
    r = kernel.run(
        "from multiprocessing import shared_memory\n"
        "m = shared_memory.SharedMemory(create=True, size=8 * 1024 * 1024)\n"
        "m.buf[:] = b'x' * (8 * 1024 * 1024)\nprint('small ok')\n"
        "import os\nn = 0\n"
        "try:\n    for i in range(20):\n        f = os.open(f'/dev/shm/big{i}', os.O_CREAT | os.O_WRONLY)\n"
        "        for _ in range(16):\n            n += os.write(f, b'y' * (1024 * 1024))\n"
        "except OSError as e:\n    print('full', e.errno)\n"
        "print('wrote', n)\n")
    text = _out(r)
    assert "small ok" in text, text
    assert "full 28" in text  # ENOSPC
    assert int(text.split("wrote ")[1].split()[0]) <= Limits().shm_bytes



def test_the_replica_replays_cells_and_serves_calls(tmp_path) -> None:
    import pandas as pd

    from o2o.grading.replica import Replica

    stage = tmp_path / "stage"
    stage.mkdir()
    (stage / "rate.txt").write_text("3")
    os.chmod(tmp_path, 0o755)
    os.chmod(stage, 0o755)
    os.chmod(stage / "rate.txt", 0o644)
    box = Sandbox(uid=SANDBOX_UID_BASE + 91, runtime_dir=tmp_path / "rt", limits=Limits(cell_timeout_s=5))
    rep = Replica(box, stage)
    try:
        rep.ran("%load_ext autoreload\nseen = []\nRATE = int(open('rate.txt').read())")
        rep.ran("def times(x):\n    seen.append(x)\n    print('noise', x)\n    return RATE * x\n"
                "import pandas as pd\ndef frame(n):\n    return pd.DataFrame({'a': list(range(n))})\n"
                "def boom(x):\n    raise SystemExit(x)\ndef slow(x):\n    import time\n    time.sleep(60)")
        assert rep.call("times", (7,), {}) == 21
        pd.testing.assert_frame_equal(rep.call("frame", (3,), {}), pd.DataFrame({"a": [0, 1, 2]}))
        with pytest.raises(RuntimeError):
            rep.call("boom", (1,), {})
        assert rep.call("times", (1,), {}) == 3  # a failing call leaves the replica usable
        with pytest.raises(RuntimeError):
            rep.call("slow", (1,), {})  # over the cell time: stopped
        with pytest.raises(RuntimeError):
            rep.call("times", (1,), {})
    finally:
        rep.shutdown()
    assert rep.proc is not None and rep.proc.poll() is not None


def test_a_stopped_replica_leaves_no_open_pipe_behind(tmp_path) -> None:
    """Its pipes are closed at shutdown: left to the garbage collector, their ResourceWarning would land on
    the stderr of whichever trusted test runs then (in a later notebook of the batch) and fail it."""
    import gc
    import warnings

    from o2o.grading.replica import Replica

    stage = tmp_path / "stage"
    stage.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(stage, 0o755)
    box = Sandbox(uid=SANDBOX_UID_BASE + 92, runtime_dir=tmp_path / "rt", limits=Limits(cell_timeout_s=5))
    rep = Replica(box, stage)
    rep.ran("def double(x):\n    return 2 * x")
    try:
        assert rep.call("double", (21,), {}) == 42
    finally:
        rep.shutdown()
    assert rep.proc is not None and rep.proc.stdin.closed and rep.proc.stdout.closed
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del rep
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
