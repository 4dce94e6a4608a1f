"""Run an iterator in a background thread a few items ahead of its consumer (a bounded producer).

The encode loop uses it to tokenise, plan and pad the next chunks of texts while the forward pass
runs the current one. The producer's exception is raised in the consumer, at the item where it
happened; leaving the ``with`` block early (an error, a cancel) stops the producer at its next item
and waits for it, so no thread outlives the job.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
_END = object()
_POLL_S = 0.05


class Prefetched(Generic[T]):
    """``with Prefetched(items, depth) as ahead: for item in ahead: ...``: ``items`` is iterated in a
    daemon thread, at most ``depth`` items ahead of the loop."""

    def __init__(self, items: Iterable[T], depth: int = 2, name: str = "semvec-producer") -> None:
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self._items = items
        self._queue: queue.Queue = queue.Queue(depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, name=name, daemon=True)

    def __enter__(self) -> Prefetched[T]:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _put(self, entry: tuple) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(entry, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        try:
            for item in self._items:
                if not self._put((item, None)):
                    return
            self._put((_END, None))
        except BaseException as exc:  # handed to the consumer, raised there
            self._put((_END, exc))

    def __iter__(self) -> Iterator[T]:
        while True:
            item, exc = self._queue.get()
            if item is _END:
                if exc is not None:
                    raise exc
                return
            yield item

    def close(self) -> None:
        """Stop the producer (at its next item) and wait for it."""
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=_POLL_S)  # make room, so a producer blocked on a full queue sees the stop
            except queue.Empty:
                pass
        self._thread.join()
        close = getattr(self._items, "close", None)
        if close is not None:
            close()  # a generator's finally blocks run now, in this thread
