"""Settings come from `MDM_*` variables, with the embedded SQLite database as the default."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mdm.settings import SQLITE_DEFAULT_URL, Settings


def _settings(**kwargs: object) -> Settings:
    return Settings(_env_file=None, **kwargs)  # type: ignore[arg-type]


def test_default_database_is_embedded_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MDM_DATABASE_URL", raising=False)
    settings = _settings()
    assert settings.database_url == SQLITE_DEFAULT_URL == "sqlite:///./mdm.db"
    assert settings.is_sqlite


def test_environment_variables_use_the_mdm_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MDM_PORT", "9001")
    monkeypatch.setenv("MDM_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("PORT", "1")
    settings = _settings()
    assert (settings.port, settings.log_level) == (9001, "DEBUG")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        (" sqlite:///x.db ", "sqlite:///x.db"),
    ],
)
def test_database_url_is_normalised_to_psycopg3(given: str, expected: str) -> None:
    settings = _settings(database_url=given)
    assert settings.database_url == expected
    assert settings.is_sqlite == expected.startswith("sqlite")


@pytest.mark.parametrize("bad", ["mysql://u@h/db", "", "not a url"])
def test_unsupported_database_url_is_rejected(bad: str) -> None:
    with pytest.raises(ValidationError, match="sqlite:// or postgresql://"):
        _settings(database_url=bad)


def test_invalid_port_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MDM_PORT", "70000")
    with pytest.raises(ValidationError):
        _settings()
