"""Stable content-derived ids: 128-bit BLAKE2b hex, the same for the same text and params."""
from __future__ import annotations

import hashlib

SEPARATOR = "\x1f"  # unit separator, after every part: ("ab", "c") and ("a", "bc") differ
_SEPARATOR = SEPARATOR.encode()


def content_digest(*parts: str) -> bytes:
    """The 16 bytes behind content_id (for code that groups ids as numbers)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(_SEPARATOR)
    return h.digest()


def content_id(*parts: str) -> str:
    return content_digest(*parts).hex()
