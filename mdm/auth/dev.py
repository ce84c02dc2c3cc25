"""The development admin key that `mdm serve` prints on the embedded database.

Only hashes are stored, so a key cannot be shown twice: each start revokes the previous
`dev-admin` key and makes a new one. Never on PostgreSQL (a shared server is no place for an
admin key printed to a terminal), and not when `MDM_DEV_KEY=false`.
"""

from __future__ import annotations

from contextlib import suppress

from sqlalchemy import Engine

from mdm.auth import keys
from mdm.auth.principal import Scope
from mdm.db import session_scope
from mdm.errors import NotFound
from mdm.settings import Settings

DEV_KEY_NAME = "dev-admin"


def wants_dev_key(settings: Settings) -> bool:
    """Whether this hub should mint a development key at start."""
    return settings.is_sqlite and settings.dev_key


def issue_dev_key(engine: Engine) -> str:
    """Revoke the previous development key and return a new admin one."""
    with session_scope(engine, write=True) as session:
        with suppress(NotFound):  # the first start has nothing to revoke
            keys.revoke_key(session, DEV_KEY_NAME)
        created = keys.create_key(session, DEV_KEY_NAME, frozenset({Scope.ADMIN}), "mdm serve")
    return created.secret


def banner(secret: str, base_url: str) -> str:
    """The message `mdm serve` prints (stderr) around the key."""
    rule = "=" * 78
    return "\n".join(
        [
            rule,
            "Development admin key (embedded database only; a new one at every start):",
            f"    {secret}",
            f'Try: curl -H "Authorization: Bearer {secret}" {base_url}/api/v1/quarantine',
            "Turn this off with MDM_DEV_KEY=false; make real keys with `mdm keys create`.",
            rule,
        ]
    )
