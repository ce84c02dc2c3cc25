"""The hub's one settings object, read from `MDM_*` environment variables (or a `.env` file)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SQLITE_DEFAULT_URL = "sqlite:///./mdm.db"


class Settings(BaseSettings):
    """Everything the hub can be configured with; build one per process, pass it down."""

    model_config = SettingsConfigDict(env_prefix="MDM_", env_file=".env", extra="ignore")

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

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded database."""
        return self.database_url.startswith("sqlite")
