"""Pausing Python's cyclic garbage collector while a batch of records is written and resolved.

A batch of a thousand records makes hundreds of thousands of short-lived containers (rows,
frames, dicts of values), and each few thousand allocations trigger a collection; in a hub
process holding a large heap, the full collections among them walk every live object and cost
a fifth of the batch. Reference counting frees all of it anyway; the collector only matters
for cycles, which it finds once the batch is over.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; with threads, until the last block ends."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
