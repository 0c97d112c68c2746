"""Compiled passes (numba) over the UTF-8 bytes of a slice of texts (an Arrow string column's
buffer, arrow_text.utf8_slices), where the numpy forms need the texts as Python strings, a UTF-32
copy and several passes over it:

- keys_of_utf8: normalized_key of every text (decode each character, look it up in the key table,
  drop the deleted ones, fold runs of spaces to one, trim) written back as UTF-8. The leakage
  check's keys of the 100 MB benchmark's texts (validate.keys_in_two_splits): 1.4 s instead of
  3.3 s with the numpy form (cProfile, 2026-12-04).
- chars_and_spaces: the paragraphs' n_chars and n_words (records.py): 0.08 s for the 100 MB
  benchmark's text lines instead of 0.32 s for Arrow's utf8_length and count_substring.
- codepoint_spans_to_bytes: the sentences' code-point spans as byte spans of their paragraphs'
  UTF-8 (records.codepoint_byte_spans), one walk over the paragraphs, a code point a step,
  instead of an array entry per byte and per code point: 0.12 s instead of 0.20 s at 100 MB.
- gather_spans: the sentences' texts copied out of the paragraphs' bytes (records.gather_bytes),
  0.08 s instead of 0.74 s for the 100 MB benchmark's (a row group at a time) with numpy's
  per-byte index.
- spans_differ, spans_not_blank, joins_differ: the text check's sentence offsets, the gaps
  between sentences and document joins, compared on the paragraphs' bytes (code point offsets
  taken as Python slices take them) instead of slicing and joining Python strings.
- key_digests_of_utf8, text_number_digests: ids.content_digest (BLAKE2b-128) of every key as it
  is written (the split's tokens) and of a sentence's paragraph id and position (its id),
  without a Python string or hashlib object per text.
- key_hashes_of_utf8: a 64-bit hash of every key, for the leakage check's candidates;
  key_hashes_and_dirty: those hashes and the clean-text verdict of every text in one pass
  (validate.dirty_texts_and_key_hashes).
- key_shingle_hashes_of_utf8: minhash.shingle_hashes of every key, for deduplicate's
  confirmation (its shingle sets): 0.11 s instead of 0.20 s with the keys as Python strings and
  the numpy form, for 60,000 paragraphs of the 100 MB benchmark in batches of 2,000.

Compiled code is cached beside this module (numba's `cache=True`), so only a machine's first run
compiles it; numba is imported only by these Arrow callers, not by ingest's workers.
"""
from __future__ import annotations

import numpy as np
from numba import njit

_DELETED = 0xFFFFFFFF
_SPACE = 0x20
_BOUNDARY = 0x0A


@njit(cache=True, nogil=True, inline="always")
def _decode(utf8: np.ndarray, j: int) -> tuple[int, int]:  # pragma: no cover (compiled)
    """(code point at byte j of valid UTF-8, byte after it)."""
    b = np.int64(utf8[j])
    if b < 0x80:
        return b, j + 1
    if b < 0xE0:
        return ((b & 0x1F) << 6) | (np.int64(utf8[j + 1]) & 0x3F), j + 2
    if b < 0xF0:
        return ((b & 0x0F) << 12) | ((np.int64(utf8[j + 1]) & 0x3F) << 6) | (np.int64(utf8[j + 2]) & 0x3F), j + 3
    return (((b & 0x07) << 18) | ((np.int64(utf8[j + 1]) & 0x3F) << 12) | ((np.int64(utf8[j + 2]) & 0x3F) << 6)
            | (np.int64(utf8[j + 3]) & 0x3F)), j + 4


@njit(cache=True, nogil=True, inline="always")
def _put_utf8(out: np.ndarray, n: int, c: int) -> int:  # pragma: no cover (compiled)
    """Write code point c as UTF-8 at out[n:]; return the end."""
    if c < 0x80:
        out[n] = c
        return n + 1
    if c < 0x800:
        out[n] = 0xC0 | (c >> 6)
        out[n + 1] = 0x80 | (c & 0x3F)
        return n + 2
    if c < 0x10000:
        out[n] = 0xE0 | (c >> 12)
        out[n + 1] = 0x80 | ((c >> 6) & 0x3F)
        out[n + 2] = 0x80 | (c & 0x3F)
        return n + 3
    out[n] = 0xF0 | (c >> 18)
    out[n + 1] = 0x80 | ((c >> 12) & 0x3F)
    out[n + 2] = 0x80 | ((c >> 6) & 0x3F)
    out[n + 3] = 0x80 | (c & 0x3F)
    return n + 4


@njit(cache=True, nogil=True, inline="always")
def _write_key(utf8: np.ndarray, j: int, end: int, table: np.ndarray, out: np.ndarray, n: int) -> int:  # pragma: no cover (compiled)
    """Write the key of the text utf8[j:end] to out[n:]; return the end of what was written:
    each character mapped by the key table, the dropped ones left out, a run of spaces one space
    and none at either end."""
    started = False
    space = False
    while j < end:
        cp, j = _decode(utf8, j)
        c = np.int64(table[cp])
        if c == _DELETED:
            continue
        if c == _SPACE:
            space = started
            continue
        if space:
            out[n] = _SPACE
            n += 1
            space = False
        n = _put_utf8(out, n, c)
        started = True
    return n


@njit(cache=True, nogil=True)
def keys_of_utf8(utf8: np.ndarray, starts: np.ndarray, ends: np.ndarray, table: np.ndarray, capacity: int) -> np.ndarray:  # pragma: no cover (compiled)
    """The keys of texts (text t: utf8[starts[t]:ends[t]], valid UTF-8) as UTF-8 with a "\n"
    between keys, in at most `capacity` bytes (see never_longer). table maps every code point:
    whitespace to U+0020, dropped ones to 0xFFFFFFFF."""
    out = np.empty(capacity, dtype=np.uint8)
    n = 0
    for t in range(len(starts)):
        if t:
            out[n] = _BOUNDARY
            n += 1
        n = _write_key(utf8, starts[t], ends[t], table, out, n)
    return out[:n]


_UTF8_END = np.array([0x80, 0x800, 0x10000], dtype=np.int64)  # first code point of 2, 3, 4 bytes


def never_longer(table: np.ndarray) -> bool:
    """Whether no code point maps to one of a longer UTF-8 encoding: the keys of some texts then
    fit in as many bytes as the texts, plus a "\n" each (else four times as many)."""
    mapped = table.astype(np.int64)
    kept = mapped != _DELETED
    lengths_in = np.searchsorted(_UTF8_END, np.arange(len(table), dtype=np.int64)[kept], side="right")
    return bool((np.searchsorted(_UTF8_END, mapped[kept], side="right") <= lengths_in).all())


@njit(cache=True, nogil=True, inline="always")
def _is_lead(byte: np.uint8) -> bool:  # pragma: no cover (compiled)
    return (byte & 0xC0) != 0x80


@njit(cache=True, nogil=True)
def _slice_bytes(utf8: np.ndarray, lo: int, hi: int, a: int, b: int) -> tuple[int, int]:  # pragma: no cover (compiled)
    """Byte bounds of text[a:b], a Python slice in code points (negative, past the end or
    reversed bounds included) of the text utf8[lo:hi] (valid UTF-8)."""
    if a < 0 or b < 0:
        n = 0
        for j in range(lo, hi):
            n += _is_lead(utf8[j])
        if a < 0:
            a = max(a + n, 0)
        if b < 0:
            b = max(b + n, 0)
    ja = hi  # bounds at or past the end clamp to it
    jb = hi
    k = 0
    for j in range(lo, hi):
        if _is_lead(utf8[j]):
            if k == a:
                ja = j
            if k == b:
                jb = j
                break
            k += 1
    return ja, max(ja, jb)


@njit(cache=True, nogil=True)
def spans_differ(
    par_utf8: np.ndarray, par_offsets: np.ndarray, which: np.ndarray, starts: np.ndarray, ends: np.ndarray,
    utf8: np.ndarray, offsets: np.ndarray,
) -> np.ndarray:  # pragma: no cover (compiled)
    """Per text t (utf8[offsets[t]:offsets[t + 1]]): is it not paragraph which[t]'s text
    [starts[t]:ends[t]] (Python slice, code points)? A text of no paragraph (which < 0) is not
    compared (False)."""
    out = np.zeros(len(which), dtype=np.bool_)
    for t in range(len(which)):
        p = which[t]
        if p < 0:
            continue
        ja, jb = _slice_bytes(par_utf8, par_offsets[p], par_offsets[p + 1], starts[t], ends[t])
        lo = offsets[t]
        if jb - ja != offsets[t + 1] - lo:
            out[t] = True
            continue
        for k in range(jb - ja):
            if par_utf8[ja + k] != utf8[lo + k]:
                out[t] = True
                break
    return out


@njit(cache=True, nogil=True)
def chars_and_spaces(utf8: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover (compiled)
    """Per text utf8[starts[t]:ends[t]] (valid UTF-8): its code points (the bytes that do not
    continue a character: pc.utf8_length) and its U+0020s (pc.count_substring(" "))."""
    chars = np.zeros(len(starts), dtype=np.int64)
    spaces = np.zeros(len(starts), dtype=np.int64)
    for t in range(len(starts)):
        c, s = 0, 0
        for j in range(starts[t], ends[t]):
            b = utf8[j]
            c += (b & 0xC0) != 0x80
            s += b == _SPACE
        chars[t], spaces[t] = c, s
    return chars, spaces


@njit(cache=True, nogil=True)
def gather_spans(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover (compiled)
    """(offsets, bytes) of the items data[starts[i]:ends[i]] one after another: a copy per item,
    where numpy's fancy indexing needs an int64 index per byte (8x the text) and three passes."""
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    for i in range(len(starts)):
        offsets[i + 1] = offsets[i] + (ends[i] - starts[i])
    out = np.empty(offsets[-1], dtype=np.uint8)
    for i in range(len(starts)):
        out[offsets[i] : offsets[i + 1]] = data[starts[i] : ends[i]]
    return offsets, out


@njit(cache=True, nogil=True)
def codepoint_spans_to_bytes(utf8: np.ndarray, offsets: np.ndarray, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:  # pragma: no cover (compiled)
    """(n, 2) byte positions in utf8 of text rows[i]'s code points starts[i] and ends[i] (text r:
    utf8[offsets[r]:offsets[r + 1]]; 0 <= start <= end <= its length). One walk forward over each
    text while its spans ascend, as a paragraph's sentences do (a span before the walk's place
    starts it again from the text's start), valid UTF-8 assumed (a lead byte gives its length)."""
    out = np.empty((len(rows), 2), dtype=np.int64)
    row, cp, j = -1, 0, 0
    for i in range(len(rows)):
        r = rows[i]
        for k in range(2):
            target = starts[i] if k == 0 else ends[i]
            if r != row or target < cp:
                row, cp, j = r, 0, offsets[r]
            end = offsets[r + 1]
            while cp < target and j < end:
                b = utf8[j]  # a lead byte: it says how many bytes its code point takes
                j += 1 if b < 0x80 else 2 if b < 0xE0 else 3 if b < 0xF0 else 4
                cp += 1
            out[i, k] = j
    return out


@njit(cache=True, nogil=True)
def spans_not_blank(par_utf8: np.ndarray, par_offsets: np.ndarray, which: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:  # pragma: no cover (compiled)
    """Per span t: does paragraph which[t]'s text[starts[t]:ends[t]] (Python slice, code points)
    hold anything but U+0020 (is text[a:b].strip(" ") not "")?"""
    out = np.zeros(len(which), dtype=np.bool_)
    for t in range(len(which)):
        p = which[t]
        ja, jb = _slice_bytes(par_utf8, par_offsets[p], par_offsets[p + 1], starts[t], ends[t])
        for j in range(ja, jb):
            if par_utf8[j] != _SPACE:  # any byte of another character (ASCII never continues one)
                out[t] = True
                break
    return out


@njit(cache=True, nogil=True)
def joins_differ(
    utf8: np.ndarray, offsets: np.ndarray, counts: np.ndarray, which: np.ndarray, par_utf8: np.ndarray, par_offsets: np.ndarray,
) -> np.ndarray:  # pragma: no cover (compiled)
    """Per text t (utf8[offsets[t]:offsets[t + 1]]): is it not its paragraphs' texts joined by
    "\n"? Text t lists counts[t] paragraphs, in order, after those of the texts before it in
    `which` (a paragraph's place in par_*; -1: none, left out of the join)."""
    out = np.zeros(len(counts), dtype=np.bool_)
    at = 0
    for t in range(len(counts)):
        j = offsets[t]
        end = offsets[t + 1]
        first = True
        for i in range(at, at + counts[t]):
            p = which[i]
            if p < 0:
                continue
            if not first:
                if j >= end or utf8[j] != _BOUNDARY:
                    out[t] = True
                    break
                j += 1
            first = False
            lo = par_offsets[p]
            n = par_offsets[p + 1] - lo
            if end - j < n:
                out[t] = True
                break
            for k in range(n):
                if utf8[j + k] != par_utf8[lo + k]:
                    out[t] = True
                    break
            if out[t]:
                break
            j += n
        if not out[t] and j != end:
            out[t] = True
        at += counts[t]
    return out


# BLAKE2b (RFC 7693) with a 16-byte digest, no key: ids.content_digest's hash, here over many
# messages in one compiled call instead of a hashlib object per message.
_B2_IV = np.array([
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
], dtype=np.uint64)
_B2_SIGMA = np.array([
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
], dtype=np.int64)[np.arange(12) % 10]  # twelve rounds: rounds 10 and 11 take the first two again
_B2_BLOCK = 128
_B2_PARAMS = np.uint64(0x01010010)  # digest length 16, no key, fanout 1, depth 1


@njit(cache=True, nogil=True, inline="always")
def _rotr(x: np.uint64, n: int) -> np.uint64:  # pragma: no cover (compiled)
    return (x >> np.uint64(n)) | (x << np.uint64(64 - n))


@njit(cache=True, nogil=True, inline="always")
def _b2_mix(a: np.uint64, b: np.uint64, c: np.uint64, d: np.uint64, x: np.uint64, y: np.uint64) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:  # pragma: no cover (compiled)
    """BLAKE2b's G on four words held in locals (registers), not in an array."""
    a = a + b + x
    d = _rotr(d ^ a, 32)
    c = c + d
    b = _rotr(b ^ c, 24)
    a = a + b + y
    d = _rotr(d ^ a, 16)
    c = c + d
    b = _rotr(b ^ c, 63)
    return a, b, c, d


@njit(cache=True, nogil=True)
def _b2_compress(h: np.ndarray, block: np.ndarray, m: np.ndarray, counted: int, last: bool) -> None:  # pragma: no cover (compiled)
    for i in range(16):
        w = np.uint64(0)
        for k in range(8):
            w |= np.uint64(block[8 * i + k]) << np.uint64(8 * k)
        m[i] = w
    v0, v1, v2, v3, v4, v5, v6, v7 = h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
    v8, v9, v10, v11 = _B2_IV[0], _B2_IV[1], _B2_IV[2], _B2_IV[3]
    v12, v13, v14, v15 = _B2_IV[4] ^ np.uint64(counted), _B2_IV[5], _B2_IV[6], _B2_IV[7]
    if last:
        v14 = ~v14
    for r in range(12):
        s = _B2_SIGMA[r]
        v0, v4, v8, v12 = _b2_mix(v0, v4, v8, v12, m[s[0]], m[s[1]])
        v1, v5, v9, v13 = _b2_mix(v1, v5, v9, v13, m[s[2]], m[s[3]])
        v2, v6, v10, v14 = _b2_mix(v2, v6, v10, v14, m[s[4]], m[s[5]])
        v3, v7, v11, v15 = _b2_mix(v3, v7, v11, v15, m[s[6]], m[s[7]])
        v0, v5, v10, v15 = _b2_mix(v0, v5, v10, v15, m[s[8]], m[s[9]])
        v1, v6, v11, v12 = _b2_mix(v1, v6, v11, v12, m[s[10]], m[s[11]])
        v2, v7, v8, v13 = _b2_mix(v2, v7, v8, v13, m[s[12]], m[s[13]])
        v3, v4, v9, v14 = _b2_mix(v3, v4, v9, v14, m[s[14]], m[s[15]])
    h[0] ^= v0 ^ v8
    h[1] ^= v1 ^ v9
    h[2] ^= v2 ^ v10
    h[3] ^= v3 ^ v11
    h[4] ^= v4 ^ v12
    h[5] ^= v5 ^ v13
    h[6] ^= v6 ^ v14
    h[7] ^= v7 ^ v15


@njit(cache=True, nogil=True, inline="always")
def _longest(starts: np.ndarray, ends: np.ndarray) -> int:  # pragma: no cover (compiled)
    """The most bytes of any span: the size of a per-text scratch buffer."""
    longest = 0
    for t in range(len(starts)):
        longest = max(longest, ends[t] - starts[t])
    return longest


@njit(cache=True, nogil=True, inline="always")
def _blake2b_128(data: np.ndarray, lo: int, hi: int, suffix: int, h: np.ndarray, m: np.ndarray, block: np.ndarray) -> None:  # pragma: no cover (compiled)
    """h[0], h[1] := the 16-byte BLAKE2b digest of data[lo:hi] followed by the byte `suffix`
    (m, block: scratch)."""
    for i in range(8):
        h[i] = _B2_IV[i]
    h[0] ^= _B2_PARAMS
    n = hi - lo + 1  # the message: the span, then the suffix byte
    done = 0
    while True:
        take = min(_B2_BLOCK, n - done)
        for k in range(take):
            j = done + k
            block[k] = data[lo + j] if j < n - 1 else suffix
        for k in range(take, _B2_BLOCK):
            block[k] = 0
        done += take
        last = done == n
        _b2_compress(h, block, m, done, last)
        if last:
            break


@njit(cache=True, nogil=True)
def key_digests_of_utf8(utf8: np.ndarray, starts: np.ndarray, ends: np.ndarray, table: np.ndarray, growth: int, suffix: int) -> np.ndarray:  # pragma: no cover (compiled)
    """Per text t (utf8[starts[t]:ends[t]]): the BLAKE2b-128 digest of its key (keys_of_utf8's,
    at most `growth` times its bytes) followed by the byte `suffix`, as two little-endian uint64
    (hashlib.blake2b(digest_size=16)'s digest bytes). Each key is hashed as soon as it is
    written, in one scratch buffer."""
    key = np.empty(growth * _longest(starts, ends), dtype=np.uint8)
    out = np.empty((len(starts), 2), dtype=np.uint64)
    h = np.empty(8, dtype=np.uint64)
    m = np.empty(16, dtype=np.uint64)
    block = np.empty(_B2_BLOCK, dtype=np.uint8)
    for t in range(len(starts)):
        n = _write_key(utf8, starts[t], ends[t], table, key, 0)
        _blake2b_128(key, 0, n, suffix, h, m, block)
        out[t, 0] = h[0]
        out[t, 1] = h[1]
    return out


@njit(cache=True, nogil=True)
def text_number_digests(utf8: np.ndarray, offsets: np.ndarray, which: np.ndarray, numbers: np.ndarray, separator: int) -> np.ndarray:  # pragma: no cover (compiled)
    """Per i: the BLAKE2b-128 digest of text which[i] (utf8[offsets[w]:offsets[w + 1]]), the
    separator byte, numbers[i] in decimal (str(int)) and the separator again:
    ids.content_digest(text, str(number)), as key_digests_of_utf8 gives it."""
    message = np.empty(_longest(offsets[:-1], offsets[1:]) + 22, dtype=np.uint8)  # + separator, sign and 19 digits
    digits = np.empty(20, dtype=np.uint8)
    out = np.empty((len(which), 2), dtype=np.uint64)
    h = np.empty(8, dtype=np.uint64)
    m = np.empty(16, dtype=np.uint64)
    block = np.empty(_B2_BLOCK, dtype=np.uint8)
    for i in range(len(which)):
        w = which[i]
        n = 0
        for j in range(offsets[w], offsets[w + 1]):
            message[n] = utf8[j]
            n += 1
        message[n] = separator
        n += 1
        k = np.int64(numbers[i])
        if k < 0:
            message[n] = 0x2D  # "-"
            n += 1
        rest = -k if k < 0 else k  # (the least int64 has no positive: positions never get there)
        d = 0
        while True:
            digits[d] = 0x30 + rest % 10
            d += 1
            rest //= 10
            if rest == 0:
                break
        for e in range(d - 1, -1, -1):
            message[n] = digits[e]
            n += 1
        _blake2b_128(message, 0, n, separator, h, m, block)
        out[i, 0] = h[0]
        out[i, 1] = h[1]
    return out


_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)


@njit(cache=True, nogil=True, inline="always")
def _mix64(x: np.uint64) -> np.uint64:  # pragma: no cover (compiled)
    """splitmix64's finalizer: every input bit moves every output bit."""
    x = (x ^ (x >> np.uint64(30))) * _M2
    x = (x ^ (x >> np.uint64(27))) * _M3
    return x ^ (x >> np.uint64(31))


@njit(cache=True, nogil=True, inline="always")
def _hash_key(words: np.ndarray, key: np.ndarray, n: int) -> np.uint64:  # pragma: no cover (compiled)
    """The hash of key[:n] taken a 64-bit word at a time (`words`: key's buffer viewed as uint64,
    so byte k of a word is its bits 8k.. on the little-endian machines numba targets here, as
    when the words were put together byte by byte; key has 8 bytes beyond any n)."""
    for j in range(n, n + 8):
        key[j] = 0  # the last word's padding
    h = _M1 ^ np.uint64(n)
    for w in range((n + 7) // 8):
        h = _mix64(h ^ words[w]) + _M1
    return _mix64(h)


@njit(cache=True, nogil=True)
def key_hashes_of_utf8(utf8: np.ndarray, starts: np.ndarray, ends: np.ndarray, table: np.ndarray, growth: int) -> np.ndarray:  # pragma: no cover (compiled)
    """Per text t (utf8[starts[t]:ends[t]]): a 64-bit hash of its key (keys_of_utf8's), for
    finding equal keys fast. Not a digest: equal hashes are only candidates, whose keys the
    caller compares."""
    words = np.empty((growth * _longest(starts, ends)) // 8 + 2, dtype=np.uint64)
    key = words.view(np.uint8)
    out = np.empty(len(starts), dtype=np.uint64)
    for t in range(len(starts)):
        out[t] = _hash_key(words, key, _write_key(utf8, starts[t], ends[t], table, key, 0))
    return out


@njit(cache=True, nogil=True)
def key_hashes_and_dirty(utf8: np.ndarray, offsets: np.ndarray, table: np.ndarray, growth: int, forbidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover (compiled)
    """Per text t (utf8[offsets[t]:offsets[t + 1]], valid UTF-8): key_hashes_of_utf8's hash of its
    key, and whether it is not clean text: a line of it (cut at "\n") is empty, has an edge space
    or two spaces in a row, or holds a character `forbidden` marks. One pass: each character is
    decoded once for both (validation reads every text for both)."""
    starts, ends = offsets[:-1], offsets[1:]
    words = np.empty((growth * _longest(starts, ends)) // 8 + 2, dtype=np.uint64)
    key = words.view(np.uint8)
    hashes = np.empty(len(starts), dtype=np.uint64)
    bad = np.zeros(len(starts), dtype=np.bool_)
    for t in range(len(starts)):
        n, started, space = 0, False, False
        dirty, line_chars, after_space = False, 0, False
        j = starts[t]
        while j < ends[t]:
            cp, j = _decode(utf8, j)
            if cp == _BOUNDARY:  # a line ends: empty, or with a space at its end
                dirty |= line_chars == 0 or after_space
                line_chars, after_space = 0, False
            else:
                if cp == _SPACE:
                    dirty |= line_chars == 0 or after_space  # at the line's start, or the second of two
                    after_space = True
                else:
                    dirty |= forbidden[cp]
                    after_space = False
                line_chars += 1
            # _write_key's step, written out again here: through a shared helper returning the
            # key's state, numba's code took key_hashes_of_utf8 from 0.72 to 0.91 s and this pass
            # from 0.82 to 0.90 s (the 100 MB output's texts, best of five); reading each text
            # twice (_write_key, then a verdict loop) took this pass to 1.19-1.25 s
            c = np.int64(table[cp])
            if c == _DELETED:
                continue
            if c == _SPACE:
                space = started
                continue
            if space:
                key[n] = _SPACE
                n += 1
                space = False
            n = _put_utf8(key, n, c)
            started = True
        bad[t] = dirty or line_chars == 0 or after_space
        hashes[t] = _hash_key(words, key, n)
    return hashes, bad


_SHINGLE_P = np.uint64(1_000_003)  # minhash._P


@njit(cache=True, nogil=True)
def key_shingle_hashes_of_utf8(
    utf8: np.ndarray, starts: np.ndarray, ends: np.ndarray, table: np.ndarray, growth: int, n: int, words: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover (compiled)
    """minhash.shingle_hashes of the texts' keys (keys_of_utf8's), hashed as each key is written:
    (every n-code-point window's polynomial hash, xor n, through splitmix64's finaliser, flat;
    text t's are flat[offsets[t]:offsets[t + 1]]). A key shorter than n is one shingle, the hash
    of its whole self xor its length; an empty key's is the finaliser of 0. `words`, when it has a
    slot per text, gets each key's spaces plus one (deduplicate's word count)."""
    longest = _longest(starts, ends)
    key = np.empty(growth * longest + 1, dtype=np.uint8)
    # a key has at most as many code points as its text (each maps to one or none), so at most as
    # many as its text has bytes, and a text at most that many shingles plus one
    cps = np.empty(longest + 1, dtype=np.uint64)
    total = 0
    for t in range(len(starts)):
        total += ends[t] - starts[t] + 1
    flat = np.empty(total, dtype=np.uint64)
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    top = np.uint64(1)  # P^(n-1), the weight of a window's first code point (mod 2^64, as it wraps)
    for _ in range(n - 1):
        top = top * _SHINGLE_P
    m = 0
    for t in range(len(starts)):
        size = _write_key(utf8, starts[t], ends[t], table, key, 0)
        length = 0
        spaces = 0
        j = 0
        while j < size:
            cp, j = _decode(key, j)
            cps[length] = np.uint64(cp)
            length += 1
            spaces += cp == 0x20
        if len(words):
            words[t] = spaces + 1
        width = min(length, n)
        h = np.uint64(0)
        for k in range(width):
            h = h * _SHINGLE_P + cps[k] + np.uint64(1)
        flat[m] = _mix64(h ^ np.uint64(width))
        m += 1
        for w in range(1, length - n + 1):  # the next window: drop its first code point, add one
            h = (h - (cps[w - 1] + np.uint64(1)) * top) * _SHINGLE_P + cps[w + n - 1] + np.uint64(1)
            flat[m] = _mix64(h ^ np.uint64(width))
            m += 1
        offsets[t + 1] = m
    return flat[:m], offsets
