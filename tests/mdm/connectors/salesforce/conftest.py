"""Fixtures: the Salesforce sandbox served over HTTP, reset per test, and adapters on it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from mdm.connectors.salesforce import SalesforceCrm
from mdm.sandbox.salesforce import create_app
from tests.mdm.connectors.salesforce.world import SHORT_TIMEOUT, sf_adapter
from tests.support.sandboxes import serving


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(seed=False, page_size=2)


@pytest.fixture(scope="module")
def served(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def base(served: str) -> str:
    assert httpx.post(f"{served}/_sandbox/reset").status_code == 204
    return served


@pytest.fixture
def crm(base: str) -> Iterator[SalesforceCrm]:
    adapter = sf_adapter(base)
    yield adapter
    adapter.close()


@pytest.fixture
def hasty(base: str) -> Iterator[SalesforceCrm]:
    adapter = sf_adapter(base, timeout=SHORT_TIMEOUT)
    yield adapter
    adapter.close()
