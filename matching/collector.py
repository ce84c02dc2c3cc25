"""Pausing Python's cyclic garbage collector while many short-lived containers are built.

Standardizing a million values, or writing and resolving a batch of records in a large hub
process, makes hundreds of thousands of lists, tuples and dicts; every few thousand
allocations trigger a collection, and the full ones walk every live object again. Reference
counting frees all of it anyway; the collector only matters for cycles, which it finds once
the work is over. The pause is shared: with threads, it ends when the last holder leaves.
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
