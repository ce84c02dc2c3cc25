"""How the hub reaches each system: base URL, credentials, pacing. Read from `MDM_CRM__*`,
`MDM_PSA__*` and `MDM_ERP__*`; a role without a base URL talks to its sandbox."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator

Product = Literal["salesforce", "kantata", "netsuite"]
Role = Literal["crm", "psa", "erp"]
DEFAULT_PRODUCTS: dict[Role, Product] = {"crm": "salesforce", "psa": "kantata", "erp": "netsuite"}
# Where `mdm sandbox serve` listens: the base port (MDM_SANDBOX_BASE_PORT) plus the role's offset.
SANDBOX_BASE_PORT = 8101
SANDBOX_PORT_OFFSETS: dict[Role, int] = {"crm": 0, "psa": 1, "erp": 2}


class SystemConnection(BaseModel):
    """One system's connection settings."""

    product: Product | None = None
    base_url: str | None = Field(default=None, description="None: the role's sandbox.")
    # Either a fixed bearer token, or OAuth2 client credentials (token URL, id and secret).
    token: SecretStr | None = None
    token_url: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    timeout_seconds: float = Field(default=10.0, gt=0, le=900)
    # Client-side pacing: requests per second, and requests in flight at once (NetSuite counts
    # concurrent requests per account, so a semaphore is the polite client there).
    rate_per_second: float = Field(default=20.0, gt=0)
    max_concurrency: int = Field(default=5, ge=1, le=100)

    @model_validator(mode="after")
    def _credentials_complete(self) -> SystemConnection:
        """Client credentials come as a set."""
        parts = (self.token_url, self.client_id, self.client_secret)
        if any(parts) and not all(parts):
            raise ValueError("OAuth2 needs token_url, client_id and client_secret together")
        return self

    @property
    def is_sandbox(self) -> bool:
        """True when no real system is configured for this role."""
        return self.base_url is None


def sandbox_port(role: Role, base_port: int = SANDBOX_BASE_PORT) -> int:
    """The port of the role's sandbox."""
    return base_port + SANDBOX_PORT_OFFSETS[role]


def sandbox_url(role: Role, host: str = "127.0.0.1", base_port: int = SANDBOX_BASE_PORT) -> str:
    """The base URL of the role's sandbox as `mdm sandbox serve` runs it."""
    return f"http://{host}:{sandbox_port(role, base_port)}"
