"""`mdm keys {create|list|revoke}`: API keys from the command line (secrets shown once)."""

from __future__ import annotations

import getpass
import json
from typing import Annotated, Any

import typer
from rich.table import Table

from mdm.auth import keys
from mdm.auth.models import ApiKey
from mdm.auth.principal import parse_scopes
from mdm.cli_support import database, err, fail
from mdm.db import session_scope
from mdm.errors import InvalidInput

keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)


@keys_app.command("create")
def create_command(
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for")],
    scopes: Annotated[
        str, typer.Option("--scopes", help="Comma-separated: read,ingest,steward,admin,finance")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print key and details as JSON")] = False,
) -> None:
    """Make a key and print it once (stdout); only its hash is kept."""
    try:
        granted = parse_scopes(scopes)
    except InvalidInput as exc:
        fail(exc.detail)
    with database() as engine, session_scope(engine, write=True) as session:
        created = keys.create_key(session, name, granted, f"cli:{_user()}")
    if as_json:
        typer.echo(json.dumps({**_key_dict(created.key), "key": created.secret}, indent=2))
        return
    typer.echo(created.secret)
    err.print(
        f"key {created.key.name!r} ({created.key.scopes}) created; "
        "store it now, it cannot be shown again",
        highlight=False,
    )


@keys_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the keys as JSON")] = False,
    active: Annotated[bool, typer.Option("--active", help="Only unrevoked keys")] = False,
) -> None:
    """Every key: name, prefix, scopes, dates (never the key itself)."""
    with database() as engine, session_scope(engine) as session:
        rows = keys.list_keys(session, include_revoked=not active)
    if as_json:
        typer.echo(json.dumps([_key_dict(k) for k in rows], indent=2))
        return
    table = Table("id", "name", "prefix", "scopes", "created", "by", "last used", "revoked")
    for k in rows:
        table.add_row(
            str(k.id),
            k.name,
            k.prefix,
            k.scopes,
            _when(k.created_at),
            k.created_by,
            _when(k.last_used_at),
            _when(k.revoked_at),
        )
    err.print(table)


@keys_app.command("revoke")
def revoke_command(
    name_or_id: Annotated[str, typer.Argument(help="The active key's name, or a key id")],
) -> None:
    """Revoke a key: it is refused from then on (within MDM_AUTH_CACHE_SECONDS)."""
    with database() as engine, session_scope(engine, write=True) as session:
        key = keys.revoke_key(session, name_or_id)
    err.print(f"key {key.name!r} (id {key.id}, {key.prefix}...) revoked", highlight=False)


def _key_dict(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": key.scopes.split(","),
        "created_at": _iso(key.created_at),
        "created_by": key.created_by,
        "last_used_at": _iso(key.last_used_at),
        "revoked_at": _iso(key.revoked_at),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"
