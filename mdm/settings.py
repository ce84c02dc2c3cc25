"""The hub's one settings object, read from `MDM_*` environment variables (or a `.env` file)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mdm.connectors.config import SystemConnection

SQLITE_DEFAULT_URL = "sqlite:///./mdm.db"
# Public-key signatures only: a shared-secret (HS*) or unsigned ("none") token proves nothing
# about the issuer once the secret is also ours.
ASYMMETRIC_JWT_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class Settings(BaseSettings):
    """Everything the hub can be configured with; build one per process, pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="MDM_", env_file=".env", extra="ignore", env_nested_delimiter="__"
    )

    database_url: str = SQLITE_DEFAULT_URL
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"
    # PostgreSQL pool; SQLite ignores these.
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=20, ge=0)
    db_pool_timeout_s: float = Field(default=30.0, gt=0)
    # /metrics answers only on loopback unless opened (behind a scraper on a private network).
    metrics_public: bool = False
    # A bulk request over this many bytes is refused before it is parsed.
    max_request_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    # SQLite waits this long for a competing writer before failing with "database is locked".
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    # A verified API key is trusted this long before its row is read again, so a key revoked
    # from another process is refused within this many seconds (0: read on every request).
    auth_cache_seconds: float = Field(default=5.0, ge=0)
    # `mdm serve` on the embedded database prints a fresh `dev-admin` key unless this is off.
    dev_key: bool = True
    # OAuth2 bearer JWTs: accepted when an issuer is set, with its audience and a JWKS source
    # (the issuer's URL, or a file for air-gapped installs).
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_jwks_url: str | None = None
    jwt_jwks_file: str | None = None
    jwt_algorithms: list[str] = ["RS256", "ES256"]
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)
    # Signing keys are fetched again after this long, or sooner (at most every 30 s) when a
    # token names a key id the cached set lacks (the issuer rotated its keys).
    jwt_jwks_cache_seconds: int = Field(default=300, ge=0)
    # Job queue. `mdm serve` runs one worker thread unless this is off (run `mdm worker`
    # processes instead, several at once on PostgreSQL).
    worker_embedded: bool = True
    # A claimed job's lease; the worker renews it every third of this while the job runs, and
    # a job whose worker died is taken again once its lease has run out.
    jobs_lease_seconds: float = Field(default=30.0, gt=0)
    jobs_poll_seconds: float = Field(default=0.5, gt=0)
    jobs_prefetch: int = Field(default=1, ge=1, le=100)
    # Retry delays times this (1: as the strategy and the servers say; demos compress time).
    jobs_backoff_scale: float = Field(default=1.0, gt=0, le=1)
    # A dead letter can be replayed this many times; a bulk replay takes at most this many.
    jobs_max_replays: int = Field(default=5, ge=1)
    jobs_replay_limit: int = Field(default=1000, ge=1)
    # Extra modules whose tasks the workers run (each registers its tasks on import).
    jobs_task_modules: list[str] = []
    # Crash-safety testing only: `<step>[:n]` kills the worker at the n-th pass of a step
    # (see mdm/jobs/hooks.py). Never set it in production.
    jobs_crash_at: str | None = None
    # The outbox relay turns golden changes into jobs (webhook deliveries, ...) this often.
    jobs_relay_seconds: float = Field(default=0.5, gt=0)
    # A webhook receiver that has not answered within this many seconds is retried later.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # The systems the flows sync: `MDM_CRM__BASE_URL`, `MDM_CRM__TOKEN` or
    # `MDM_CRM__TOKEN_URL`/`__CLIENT_ID`/`__CLIENT_SECRET`, `MDM_CRM__RATE_PER_SECOND`, ...
    # A role without a base URL uses its sandbox (`mdm sandbox serve`, or `mdm serve
    # --with-sandboxes`).
    # The product defaults per role: Salesforce, Kantata, NetSuite (`MDM_CRM__PRODUCT`, ...).
    crm: SystemConnection = SystemConnection()
    psa: SystemConnection = SystemConnection()
    erp: SystemConnection = SystemConnection()
    sandbox_host: str = "127.0.0.1"
    # Legal entities (currency, tax code, ERP subsidiary) and SLAs for the flows; None: the
    # shipped mdm/sync/legal_entities.yaml.
    sync_config_file: str | None = None
    # The flows' pollers (won deals in the CRM, ...) run in the workers only when this is on;
    # `mdm serve --with-sandboxes` and the demo turn it on.
    sync_enabled: bool = False
    # How often a poller asks its system for changes.
    sync_poll_seconds: float = Field(default=2.0, gt=0)
    # How long a CRM write-back waits for more changes of its account before it runs: the
    # postings of a billing run reach the CRM in one job per account, not one per invoice.
    sync_writeback_window_seconds: float = Field(default=5.0, ge=0)
    sandbox_base_port: int = Field(default=8101, ge=1, le=65533)

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        """Use psycopg 3 for PostgreSQL whatever spelling the user gave."""
        value = value.strip()
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        if not value.startswith(("sqlite://", "postgresql+psycopg://")):
            raise ValueError("MDM_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        return value

    @model_validator(mode="after")
    def _jwt_complete(self) -> Settings:
        """A JWT issuer without an audience or a key source would accept nothing (or too much)."""
        if self.jwt_issuer and not (
            self.jwt_audience and (self.jwt_jwks_url or self.jwt_jwks_file)
        ):
            raise ValueError(
                "MDM_JWT_ISSUER needs MDM_JWT_AUDIENCE and MDM_JWT_JWKS_URL or MDM_JWT_JWKS_FILE"
            )
        if not self.jwt_issuer and (self.jwt_audience or self.jwt_jwks_url or self.jwt_jwks_file):
            raise ValueError("MDM_JWT_AUDIENCE and the JWKS settings need MDM_JWT_ISSUER")
        unsafe = sorted(set(self.jwt_algorithms) - ASYMMETRIC_JWT_ALGORITHMS)
        if unsafe or not self.jwt_algorithms:
            allowed = ", ".join(sorted(ASYMMETRIC_JWT_ALGORITHMS))
            raise ValueError(f"MDM_JWT_ALGORITHMS: {unsafe or 'none'} not among {allowed}")
        return self

    @property
    def jwt_enabled(self) -> bool:
        """Whether bearer JWTs are accepted."""
        return bool(self.jwt_issuer)

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded database."""
        return self.database_url.startswith("sqlite")
