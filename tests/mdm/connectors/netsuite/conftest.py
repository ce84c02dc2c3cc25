"""Fixtures: the NetSuite sandbox served over HTTP, reset per test, and adapters on it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mdm.connectors.netsuite import NetSuiteErp
from mdm.sandbox.netsuite import create_app
from tests.mdm.connectors.netsuite.world import SHORT_TIMEOUT, ns_adapter
from tests.support.sandboxes import serving


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serving(create_app(seed=False)) as url:
        yield url


@pytest.fixture
def base(served: str) -> str:
    httpx.post(f"{served}/_sandbox/reset")
    return served


@pytest.fixture
def erp(base: str) -> Iterator[NetSuiteErp]:
    adapter = ns_adapter(base)
    yield adapter
    adapter.close()


@pytest.fixture
def impatient(base: str) -> Iterator[NetSuiteErp]:
    """An adapter that gives up on a commit_then_timeout answer."""
    adapter = ns_adapter(base, timeout=SHORT_TIMEOUT)
    yield adapter
    adapter.close()
