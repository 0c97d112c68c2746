"""Hand freed heap back to the OS between a job's stages."""
from __future__ import annotations

import ctypes


def release_memory() -> None:
    """Return freed pages to the OS (glibc's malloc keeps them otherwise, and so do Arrow's system
    and mimalloc pools): the build's steps, the plain checks and the GX splits each free the
    Python objects and Arrow buffers they used, and the next one's peak should not sit on top of
    them. Arrow's jemalloc pool ignores release_unused() here (measured: RSS unchanged); the
    console script sets its decays to 0 instead (cli.ARROW_JEMALLOC_CONF)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass
