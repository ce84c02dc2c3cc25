"""Project-to-cash tests' world: the three sandboxes served over HTTP, emptied per test, and
settings pointing the hub at them with a compressed clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from pydantic import SecretStr

from mdm.connectors.config import SystemConnection
from mdm.sandbox import kantata, netsuite, salesforce
from mdm.settings import Settings
from tests.support.sandboxes import serving

AUTH = {"Authorization": "Bearer sandbox-token"}
KANTATA = "/api/v1"
NETSUITE = "/services/rest/record/v1"
SALESFORCE = "/services/data/v61.0"
TIMEOUT = 1.0  # the adapters give up on a hang after this; generous for noisy machines


@dataclass(frozen=True)
class Sandboxes:
    crm: str
    psa: str
    erp: str


@pytest.fixture(scope="module")
def served() -> Iterator[Sandboxes]:
    with (
        serving(salesforce.create_app(seed=False)) as crm,
        serving(kantata.create_app(seed=False)) as psa,
        serving(netsuite.create_app(seed=False)) as erp,
    ):
        yield Sandboxes(crm, psa, erp)


@pytest.fixture
def urls(served: Sandboxes) -> Sandboxes:
    for url in (served.crm, served.psa, served.erp):
        assert httpx.post(f"{url}/_sandbox/reset").status_code == 204
    return served


@pytest.fixture
def flow_settings(settings: Settings, urls: Sandboxes) -> Settings:
    def connection(url: str) -> SystemConnection:
        return SystemConnection(
            base_url=url,
            token=SecretStr("sandbox-token"),
            timeout_seconds=TIMEOUT,
            rate_per_second=1000,
        )

    return settings.model_copy(
        update={
            "crm": connection(urls.crm),
            "psa": connection(urls.psa),
            "erp": connection(urls.erp),
            "jobs_backoff_scale": 0.001,
            "jobs_poll_seconds": 0.02,
        }
    )
