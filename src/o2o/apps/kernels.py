"""A kernel manager that refuses a new kernel when the server is full.

Each visitor of a Voila app gets a kernel; without a bound, a crowd (or a script) opening
pages could exhaust the machine. Two bounds hold here:

* ``max_kernels``: past that many live kernels a visitor gets a polite "busy" page;
* ``memory_reserve_mb``: a new kernel is refused when the machine's free memory
  (``MemAvailable`` in ``/proc/meminfo``) minus what a kernel takes (``kernel_memory_mb``)
  would fall below the reserve, so a kernel is refused up front instead of the kernel
  (or a neighbour) being killed by the system later.

Both refusals are an HTTP 503 page in Chinese and English; visitors who already have a
kernel keep it. Idle kernels are culled (see ``server.build_config``), so room comes back
by itself.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int, Unicode

BUSY = "服务器繁忙,请稍后再试。 / The server is busy, please try again in a few minutes."
LOW_MEMORY = ("服务器内存已接近上限,暂时不能再接待新的访客;已经打开的页面不受影响,请几分钟后再试。 / "
              "The server is close to its memory limit and cannot take a new visitor just now; "
              "open pages keep working. Please try again in a few minutes.")


def available_mb(meminfo: str | Path = "/proc/meminfo") -> int | None:
    """``MemAvailable`` of a meminfo file in MB (None when the file or the line is missing)."""
    try:
        text = Path(meminfo).read_text(encoding="ascii", errors="replace")[:20_000]
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("MemAvailable:"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1]) // 1024
    return None


class BoundedKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` with an upper bound on live kernels and a memory reserve."""

    max_kernels = Int(
        30,
        config=True,
        help="Most kernels alive at once (preheated ones included); 0 means no bound.",
    )
    memory_reserve_mb = Int(
        512,
        config=True,
        help="Free memory (MB) the machine keeps after a new kernel; 0 turns the check off.",
    )
    kernel_memory_mb = Int(
        250,
        config=True,
        help="Memory (MB) one app kernel is expected to take (see docs/benchmarks.md).",
    )
    meminfo_path = Unicode(
        "/proc/meminfo",
        config=True,
        help="Where free memory is read (MemAvailable); a cgroup-aware file may be given.",
    )

    def refusal(self) -> str | None:
        """Why a new kernel cannot start now (None when it can)."""
        if self.max_kernels > 0 and len(self.list_kernel_ids()) >= self.max_kernels:
            self.log.warning("kernel limit (%d) reached; refusing a new kernel", self.max_kernels)
            return BUSY
        if self.memory_reserve_mb > 0:
            free = available_mb(self.meminfo_path)
            if free is not None and free - self.kernel_memory_mb < self.memory_reserve_mb:
                self.log.warning("free memory %d MB - %d MB per kernel is below the reserve of %d MB; "
                                 "refusing a new kernel", free, self.kernel_memory_mb, self.memory_reserve_mb)
                return LOW_MEMORY
        return None

    async def start_kernel(self, *args, **kwargs):  # type: ignore[override]
        if kwargs.get("kernel_id") is None:
            reason = self.refusal()
            if reason is not None:
                raise web.HTTPError(503, reason)
        return await super().start_kernel(*args, **kwargs)
