"""Which adapter and which sandbox serve each role, built from settings.

A product is a module name here, so adding one (HubSpot, Dynamics 365) is a module with
`build(...)` for its adapter and `create_app(...)` for its sandbox, plus one line below.
"""

from __future__ import annotations

import importlib
from typing import Any, cast

from fastapi import FastAPI
from pydantic import SecretStr

from mdm.connectors.config import (
    DEFAULT_PRODUCTS,
    Product,
    Role,
    SystemConnection,
    sandbox_url,
)
from mdm.connectors.ports import CrmPort, ErpPort, PsaPort
from mdm.settings import Settings

ROLES: tuple[Role, ...] = ("crm", "psa", "erp")
ADAPTER_MODULES: dict[Product, str] = {
    "salesforce": "mdm.connectors.salesforce",
    "kantata": "mdm.connectors.kantata",
    "netsuite": "mdm.connectors.netsuite",
}
SANDBOX_MODULES: dict[Product, str] = {
    "salesforce": "mdm.sandbox.salesforce",
    "kantata": "mdm.sandbox.kantata",
    "netsuite": "mdm.sandbox.netsuite",
}
# The token every sandbox accepts without an OAuth2 round trip (see mdm/sandbox/core.py).
SANDBOX_TOKEN = "sandbox-token"


def connection(settings: Settings, role: Role) -> SystemConnection:
    """The role's connection settings, with its product and, for a sandbox, its token."""
    configured: SystemConnection = getattr(settings, role)
    updates: dict[str, Any] = {"product": configured.product or DEFAULT_PRODUCTS[role]}
    if configured.is_sandbox and configured.token is None and configured.token_url is None:
        updates["token"] = SecretStr(SANDBOX_TOKEN)
    return configured.model_copy(update=updates)


def product(settings: Settings, role: Role) -> Product:
    """The product serving `role`."""
    chosen = connection(settings, role).product
    assert chosen is not None
    return chosen


def base_url(settings: Settings, role: Role) -> str:
    """The configured base URL, or the role's sandbox."""
    configured: str | None = getattr(settings, role).base_url
    return configured or sandbox_url(role, settings.sandbox_host, settings.sandbox_base_port)


def _adapter(settings: Settings, role: Role) -> Any:
    module = importlib.import_module(ADAPTER_MODULES[product(settings, role)])
    return module.build(connection(settings, role), base_url(settings, role))


def crm(settings: Settings) -> CrmPort:
    """The CRM adapter."""
    return cast(CrmPort, _adapter(settings, "crm"))


def psa(settings: Settings) -> PsaPort:
    """The PSA adapter."""
    return cast(PsaPort, _adapter(settings, "psa"))


def erp(settings: Settings) -> ErpPort:
    """The ERP adapter."""
    return cast(ErpPort, _adapter(settings, "erp"))


def sandbox_app(settings: Settings, role: Role, *, seed: bool = True) -> FastAPI:
    """The sandbox app imitating the role's product."""
    module = importlib.import_module(SANDBOX_MODULES[product(settings, role)])
    app: FastAPI = module.create_app(seed=seed)
    return app


def sandboxed_roles(settings: Settings) -> list[Role]:
    """Roles with no real system configured."""
    return [role for role in ROLES if getattr(settings, role).is_sandbox]
