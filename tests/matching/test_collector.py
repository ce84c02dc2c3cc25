"""The collector pause: re-enabled when the last holder leaves, left off if it was off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from matching.collector import collector_paused


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.enable()
    yield
    if not enabled:
        gc.disable()


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds it
    assert gc.isenabled()


def test_an_exception_still_resumes_the_collector() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_two_threads_resume_it_only_when_both_are_done() -> None:
    inside, release = threading.Barrier(2), threading.Event()

    def hold() -> None:
        with collector_paused():
            inside.wait()
            release.wait(5)

    other = threading.Thread(target=hold)
    other.start()
    with collector_paused():
        inside.wait()
    assert not gc.isenabled()  # the other thread is still inside
    release.set()
    other.join(5)
    assert gc.isenabled()
