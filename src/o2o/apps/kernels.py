"""A kernel manager that refuses to start more than ``max_kernels`` kernels.

Each visitor of a Voila app gets a kernel; without a bound, a crowd (or a script) opening
pages could exhaust the machine. Past the bound the visitor gets a polite "busy" page
(HTTP 503) instead of a kernel; idle kernels are culled (see ``server.build_config``), so
room comes back by itself.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int


class BoundedKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` with an upper bound on live kernels."""

    max_kernels = Int(
        30,
        config=True,
        help="Most kernels alive at once (preheated ones included); 0 means no bound.",
    )

    async def start_kernel(self, *args, **kwargs):  # type: ignore[override]
        kernel_id = kwargs.get("kernel_id")
        if self.max_kernels > 0 and kernel_id is None and len(self.list_kernel_ids()) >= self.max_kernels:
            self.log.warning("kernel limit (%d) reached; refusing a new kernel", self.max_kernels)
            raise web.HTTPError(
                503,
                "服务器繁忙,请稍后再试。 / The server is busy, please try again in a few minutes.",
            )
        return await super().start_kernel(*args, **kwargs)
