"""The kernel manager's memory reserve, from a meminfo file (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from o2o.apps.commands import build_standalone_parser, settings_from_args
from o2o.apps.kernels import BUSY, LOW_MEMORY, BoundedKernelManager, available_mb
from o2o.apps.server import build_config
from o2o.errors import O2OError


def test_available_memory_is_read_from_meminfo(tmp_path):
    f = tmp_path / "meminfo"
    f.write_text("MemTotal: 100 kB\nMemAvailable:    2097152 kB\n", encoding="ascii")
    assert available_mb(f) == 2048
    f.write_text("MemTotal: 100 kB\n", encoding="ascii")
    assert available_mb(f) is None
    assert available_mb(tmp_path / "missing") is None


@pytest.mark.skipif(not Path("/proc/meminfo").exists(), reason="needs Linux /proc")
def test_a_reserve_above_the_free_memory_refuses_a_new_kernel():
    free = available_mb("/proc/meminfo")
    km = BoundedKernelManager(max_kernels=0, memory_reserve_mb=free + 100_000, kernel_memory_mb=250)
    assert km.refusal() == LOW_MEMORY
    km.memory_reserve_mb = 0                         # 0 turns the check off
    assert km.refusal() is None
    km.max_kernels, km.memory_reserve_mb = 0, 1
    assert km.refusal() in (None, LOW_MEMORY)        # whatever the machine has, never BUSY without a bound
    assert BUSY != LOW_MEMORY and "内存" in LOW_MEMORY and "memory" in LOW_MEMORY


def test_reserve_options_reach_the_kernel_manager():
    s = settings_from_args(build_standalone_parser().parse_args(
        ["--memory-reserve-mb", "3000", "--kernel-memory-mb", "300", "--meminfo", "/x"]))
    c = build_config(s)
    assert (c.BoundedKernelManager.memory_reserve_mb, c.BoundedKernelManager.kernel_memory_mb,
            c.BoundedKernelManager.meminfo_path) == (3000, 300, "/x")
    with pytest.raises(O2OError):
        settings_from_args(build_standalone_parser().parse_args(["--memory-reserve-mb", "-1"]))


def test_kernels_start_with_the_course_memory_settings(monkeypatch):
    from o2o.kernel_env import MALLOC_ENV, kernel_env

    c = build_config(settings_from_args(build_standalone_parser().parse_args([])))
    for key, value in MALLOC_ENV.items():
        assert c.VoilaKernelManager.default_env_variables[key] == value
    assert kernel_env({"MALLOC_ARENA_MAX": "8"})["MALLOC_ARENA_MAX"] == "8"   # an operator's value wins
