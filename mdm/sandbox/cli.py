"""`mdm sandbox serve`: the imitation CRM, PSA and ERP, for demos and tests."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from mdm.cli_support import err, load_settings
from mdm.connectors import registry
from mdm.connectors.config import sandbox_url
from mdm.sandbox.serve import sandbox_servers, serve_all

sandbox_app = typer.Typer(help="Sandbox systems imitating the CRM, PSA and ERP APIs.")


@sandbox_app.command("serve")
def serve_command(
    host: Annotated[str | None, typer.Option(help="Bind address (MDM_SANDBOX_HOST).")] = None,
    base_port: Annotated[
        int | None, typer.Option(help="CRM's port; PSA and ERP take the next two.")
    ] = None,
    seed: Annotated[bool, typer.Option(help="Load the demo records from seeds/.")] = True,
) -> None:
    """Serve every sandbox on its role's port (CRM 8101, PSA 8102, ERP 8103) until Ctrl-C."""
    settings = load_settings()
    updates = {"sandbox_host": host, "sandbox_base_port": base_port}
    settings = settings.model_copy(update={k: v for k, v in updates.items() if v is not None})
    servers = sandbox_servers(settings, registry.ROLES, seed=seed)
    for role, _server in servers:
        product = registry.product(settings, role)
        url = sandbox_url(role, settings.sandbox_host, settings.sandbox_base_port)
        err.print(f"{role.upper()} sandbox ({product}) at {url} (admin: {url}/_sandbox/docs)")
    asyncio.run(serve_all(servers))
