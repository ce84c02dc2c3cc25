"""`mdm webhooks {add|list|remove}`: webhook subscriptions from the command line."""

from __future__ import annotations

import getpass
import json
from typing import Annotated

import typer
from rich.table import Table

from mdm.cli_support import database, err
from mdm.db import session_scope
from mdm.webhooks import service
from mdm.webhooks.schemas import WebhookOut

webhooks_app = typer.Typer(
    help="Subscribe URLs to golden change events (signed POSTs).", no_args_is_help=True
)


@webhooks_app.command("add")
def add_command(
    url: Annotated[str, typer.Argument(help="http:// or https:// URL to POST events to")],
    events: Annotated[
        str,
        typer.Option("--events", help="Comma-separated: golden.merged,golden.unmerged,... or *"),
    ] = "*",
    entity: Annotated[
        str | None, typer.Option("--entity", help="Only customers, projects or contracts")
    ] = None,
    scopes: Annotated[
        str, typer.Option("--scopes", help="Mask payloads as for these scopes (read,finance)")
    ] = "read",
    secret: Annotated[
        str | None, typer.Option("--secret", help="Signing secret; a whsec_ one is made if omitted")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print it and its secret as JSON")
    ] = False,
) -> None:
    """Subscribe a URL; prints the signing secret once (stdout)."""
    with database() as engine, session_scope(engine, write=True) as session:
        created = service.create_subscription(
            session,
            url,
            events=events.split(","),
            entity_type=entity,
            scopes=scopes.split(","),
            secret=secret,
            created_by=f"cli:{_user()}",
        )
        shown = WebhookOut.of(created.subscription)
    if as_json:
        typer.echo(
            json.dumps({**shown.model_dump(mode="json"), "secret": created.secret}, indent=2)
        )
        return
    typer.echo(created.secret)
    err.print(
        f"webhook {shown.id} -> {shown.url} ({', '.join(shown.events)}) created; "
        "store the secret now, it cannot be shown again",
        highlight=False,
    )


@webhooks_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print them as JSON")] = False,
) -> None:
    """Every subscription (never its secret)."""
    with database() as engine, session_scope(engine) as session:
        shown = [WebhookOut.of(s) for s in service.list_subscriptions(session)]
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in shown], indent=2))
        return
    table = Table("id", "url", "events", "entity", "scopes", "active", "created")
    for s in shown:
        active = "yes" if s.active else f"no: {s.disabled_reason or 'disabled'}"
        table.add_row(
            str(s.id),
            s.url,
            ",".join(s.events),
            s.entity_type or "all",
            ",".join(s.scopes),
            active,
            s.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    err.print(table)


@webhooks_app.command("remove")
def remove_command(
    subscription_id: Annotated[int, typer.Argument(help="The subscription's id")],
) -> None:
    """Delete a subscription; deliveries still queued for it end as dead letters."""
    with database() as engine, session_scope(engine, write=True) as session:
        removed = service.delete_subscription(session, subscription_id)
        url = removed.url
    err.print(f"webhook {subscription_id} ({url}) removed", highlight=False)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"
