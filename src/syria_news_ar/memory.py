"""Hand freed heap back to the OS between a job's stages."""
from __future__ import annotations

import ctypes


def release_memory() -> None:
    """Return freed pages to the OS (glibc's malloc and Arrow's allocator keep them otherwise): the
    build's steps, the plain checks and the GX splits each free the Python objects and Arrow
    buffers they used, and the next one's peak should not sit on top of them."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass
