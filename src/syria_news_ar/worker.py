"""The machine's second core: one spawned process that runs one call, and `share_work`, which
splits a batch function's input between that process and this one.

The worker is a "spawn" child (a fresh interpreter): forking a process that holds pyarrow's threads
is unsafe. It never sees Ctrl-C (that is the parent's to handle, and the parent stops it), it exits
by itself when the parent dies, and it skips the interpreter's teardown once it has answered. An
exception raised in it is re-raised in the parent with the worker's traceback as its cause.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from .errors import SyriaNewsError

STOP_TIMEOUT_S = 5.0  # a worker that answered exits on its own; one that did not is terminated
# Items this process handles while the worker starts (~0.5 s to start Python and import pyarrow
# and numpy): the worker gets less than half so both finish together.
HEAD_START_SHARE = 0.05

T = TypeVar("T")


class WorkerError(SyriaNewsError):
    """The worker died, or raised something that cannot cross the process boundary."""

    exit_code = 1


class WorkerTraceback(Exception):
    """The worker's traceback, chained as the cause of the exception it raised (as concurrent.futures does)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f'\n"""\n{self.text}"""'


def _exit_with_parent() -> None:
    """Worker thread: exit at once when the parent dies without stopping us (SIGTERM, SIGKILL)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(1)


def _send(conn: Connection, answer: tuple[str, Any, str]) -> None:
    """Send (status, payload, traceback); a payload that does not pickle goes as a WorkerError naming it."""
    try:
        conn.send(answer)
    except BrokenPipeError:  # the parent gave up (closed) meanwhile: nobody to tell
        pass
    except Exception as exc:  # noqa: BLE001  pickling can raise almost anything
        what = f"{type(answer[1]).__name__}: {answer[1]}" if answer[0] == "error" else "its result"
        conn.send(("error", WorkerError(f"the worker could not send back {what} ({exc})"), answer[2]))


def _serve(conn: Connection, warm_up: Callable[[], None] | None) -> None:
    """Worker main: warm up, take one call (function, arguments), answer it, exit."""
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    from tqdm import tqdm

    # tqdm's default lock is a multiprocessing semaphore, which a spawned process registers with
    # the parent's resource tracker (a "leaked semaphore" warning at exit): one process needs a thread lock
    tqdm.set_lock(threading.RLock())
    try:
        if warm_up is not None:
            warm_up()
        fn, args = conn.recv()
        answer: tuple[str, Any, str] = ("ok", fn(*args), "")
    except EOFError:  # closed before asking anything
        os._exit(0)
    except BaseException as exc:  # noqa: BLE001  every failure goes back to the parent
        answer = ("error", exc, traceback.format_exc())
    _send(conn, answer)
    conn.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # the parent may wait in close(): skip tearing down pyarrow, pandas, GX


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block Ctrl-C in this thread while the worker starts: the child inherits the mask (through
    exec) and never sees Ctrl-C; here a Ctrl-C meanwhile is only delayed."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    resource_tracker.ensure_running()  # started later, it would unblock SIGINT on its way
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Worker:
    """One spawned process: optionally imports things now (`warm_up`), then runs one call on
    request. A context manager that always stops it."""

    def __init__(self, name: str, warm_up: Callable[[], None] | None = None, start: bool = True) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, self._child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(self._child, warm_up), name=name, daemon=True)
        self._started = self._answered = self._closed = False
        if start:
            self.start()

    def start(self) -> None:
        """Start the process (done at creation unless `start=False`); starting twice is a no-op."""
        if self._started or self._closed:
            return
        with _sigint_blocked():
            self._process.start()
        self._started = True
        self._child.close()  # ours only: the worker's death then reads as EOF, never a hang

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        """Ask for fn(*args) (a module-level function; arguments and result must pickle); starts
        the worker if it was not started."""
        self.start()
        try:
            self._conn.send((fn, args))
        except (BrokenPipeError, ConnectionResetError):
            self._process.join(STOP_TIMEOUT_S)
            raise WorkerError(f"the worker {self._process.name} exited (code {self._process.exitcode}) before it was asked") from None

    def result(self) -> Any:
        """Wait for the answer: the call's result, or its exception re-raised here."""
        try:
            answer = self._conn.recv()
        except EOFError:
            self._process.join(STOP_TIMEOUT_S)
            raise WorkerError(f"the worker {self._process.name} exited (code {self._process.exitcode}) before answering") from None
        self._answered = True
        if answer[0] == "error":
            raise answer[1] from WorkerTraceback(answer[2])
        return answer[1]

    def close(self) -> None:
        """Stop the worker: let one that answered exit, terminate one still working."""
        if self._closed:
            return
        self._closed = True
        self._conn.close()
        if not self._started:
            self._child.close()
            return
        if self._answered:
            self._process.join(STOP_TIMEOUT_S)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(STOP_TIMEOUT_S)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._process.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _concat(a: Any, b: Any) -> Any:
    """a's items then b's (b may be the worker's result still in its files)."""
    import numpy as np  # here, not at the top: the GX worker imports this module on its critical path

    if isinstance(a, tuple):
        return tuple(_concat(x, y) for x, y in zip(a, b))
    if isinstance(b, _SpilledArray):
        return b.joined_after(a)
    if isinstance(a, np.ndarray):
        return np.concatenate([a, b])
    return a + b


def _spill(part: Any, spill_dir: Path) -> Any:
    """The worker's share as it is sent: Arrow texts (an array, a TextsAt view) go through a file
    read back a batch at a time (texts_at.SpilledTexts), anything else through the pipe."""
    if type(part).__module__.startswith(("pyarrow", "syria_news_ar.texts_at")):
        from .texts_at import SpilledTexts

        return SpilledTexts.write(part, spill_dir / "share.arrow")
    return part


class _SpilledArray:
    """A numpy array of the worker's result, left in a .npy file for the parent to load (sent
    through the pipe it was held twice on each side: the array and its pickle)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Any:
        import numpy as np

        return np.load(self.path)

    def joined_after(self, head: Any) -> Any:
        """np.concatenate([head, self.load()]), with the file read straight into the result's
        tail: loading it first held the head, the loaded tail and the result at once (the
        MinHash bands at 1000 MB are ~500 MB in all, each part about half)."""
        import numpy as np

        with open(self.path, "rb") as fh:
            version = np.lib.format.read_magic(fh)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran_order, dtype = read_header(fh)
            if fortran_order or dtype != head.dtype or tuple(shape[1:]) != head.shape[1:]:
                return np.concatenate([head, np.load(self.path)])
            out = np.empty((len(head) + shape[0], *shape[1:]), dtype=dtype)
            tail = memoryview(out[len(head) :]).cast("B")
            if fh.readinto(tail) != tail.nbytes:
                raise OSError(f"{self.path}: shorter than its header says")
        out[: len(head)] = head
        return out


def _spilled_result(result: Any, stem: Path) -> Any:
    """In the worker: the result with each numpy array in it written to a file named from `stem`."""
    import numpy as np

    if isinstance(result, tuple):
        return tuple(_spilled_result(part, stem.with_name(f"{stem.name}-{k}")) for k, part in enumerate(result))
    if isinstance(result, np.ndarray):
        path = stem.with_name(stem.name + ".npy")
        np.save(path, result, allow_pickle=False)
        return _SpilledArray(path)
    return result


def _run_share(fn: Callable[..., Any], items: Any, spill_dir: Path, *args: Any) -> Any:
    """The worker's entry point in share_work."""
    return _spilled_result(fn(items, *args), spill_dir / "result")


def share_work(fn: Callable[..., Any], items: Sequence[T], min_items: int, *args: Any, head_share: float = 0.5 + HEAD_START_SHARE) -> Any:
    """fn(items, *args) for a function that maps a batch (a sequence or an Arrow array) to lists
    or arrays (or a tuple of them) item by item: with at least `min_items`, a worker computes the
    tail while this process does the head (`head_share` of the items), and the parts are
    concatenated (the same result, by that contract). Arrow texts and numpy results cross through
    files in a temporary folder."""
    if len(items) < max(min_items, 2):
        return fn(items, *args)
    cut = min(max(int(len(items) * head_share), 1), len(items) - 1)
    with tempfile.TemporaryDirectory(prefix="syria-news-ar-share-") as spill, Worker(f"syria-news-ar-{fn.__name__}") as worker:
        spill_dir = Path(spill)
        worker.submit(_run_share, fn, _spill(items[cut:], spill_dir), spill_dir, *args)
        head = fn(items[:cut], *args)
        return _concat(head, worker.result())
