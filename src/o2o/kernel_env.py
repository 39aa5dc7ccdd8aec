"""Environment variables every course kernel starts with (JupyterLab lessons and app visitors).

A kernel's memory after a lesson is mostly the high-water mark of its temporaries: the C
library keeps freed memory for reuse instead of handing it back. With these thresholds an
allocation of 256 KB or more (a DataFrame column, an array) is its own mapping, returned
to the system when freed, and free memory at the top of the heap is returned too; on
lesson 18 this takes a kernel's private memory from about 1.6x to about 1.4x that of a
bare pandas + plotly kernel (docs/benchmarks.md). Values an operator has set win.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

MALLOC_ENV: dict[str, str] = {
    "MALLOC_MMAP_THRESHOLD_": "262144",
    "MALLOC_TRIM_THRESHOLD_": "262144",
    "MALLOC_ARENA_MAX": "2",
}


def kernel_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with :data:`MALLOC_ENV` filled in where unset."""
    env = dict(os.environ if base is None else base)
    for key, value in MALLOC_ENV.items():
        env.setdefault(key, value)
    return env
