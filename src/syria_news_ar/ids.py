"""Stable content-derived ids: 128-bit BLAKE2b hex, the same for the same text and params."""
from __future__ import annotations

import hashlib


def content_id(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")  # unit separator: ("ab", "c") and ("a", "bc") differ
    return h.hexdigest()
