"""The connected systems as a flow task sees them: one adapter per role, per worker."""

from __future__ import annotations

from mdm.connectors import registry
from mdm.connectors.ports import CrmPort, ErpPort, PsaPort
from mdm.jobs.context import JobContext
from mdm.settings import Settings


def settings_of(context: JobContext) -> Settings:
    """The worker's settings (read from the environment when the worker was given none)."""
    return context.settings or context.resource("settings", Settings)


def crm(context: JobContext) -> CrmPort:
    """The CRM adapter, built once per worker."""
    return context.resource("crm", lambda: registry.crm(settings_of(context)))


def psa(context: JobContext) -> PsaPort:
    """The PSA adapter, built once per worker."""
    return context.resource("psa", lambda: registry.psa(settings_of(context)))


def erp(context: JobContext) -> ErpPort:
    """The ERP adapter, built once per worker."""
    return context.resource("erp", lambda: registry.erp(settings_of(context)))
