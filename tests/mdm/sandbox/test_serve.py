"""Serving the sandboxes: `mdm sandbox serve`, and the adapters the settings pick reaching them."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from mdm.connectors import registry
from mdm.connectors.ports import CrmPort, CustomerSpec, ErpPort, PsaPort
from mdm.sandbox.serve import start_in_background
from mdm.settings import Settings
from tests.support.server import MDM, mdm_env


def _three_free_ports() -> int:
    """A base port whose next two ports are free as well."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base < 65000 and all(_free(base + n) for n in range(3)):
            return base
    raise RuntimeError("no three consecutive free ports")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture
def settings_on_free_ports() -> Settings:
    return Settings(_env_file=None, sandbox_base_port=_three_free_ports())


@pytest.fixture
def background(settings_on_free_ports: Settings) -> Iterator[Settings]:
    running = start_in_background(settings_on_free_ports, registry.ROLES)
    try:
        yield settings_on_free_ports
    finally:
        running.stop()


def test_each_role_reaches_its_sandbox_through_the_adapter_settings_choose(
    background: Settings,
) -> None:
    spec = CustomerSpec(external_id="cus_01JD3X6Q2M4T7V9B8N5C1K0HZA", name="Acme Corp.")
    psa, erp, crm = registry.psa(background), registry.erp(background), registry.crm(background)
    try:
        _exercise(background, spec, psa, erp, crm)
    finally:
        for adapter in (psa, erp, crm):
            adapter.close()


def _exercise(
    settings: Settings, spec: CustomerSpec, psa: PsaPort, erp: ErpPort, crm: CrmPort
) -> None:
    assert psa.ensure_customer(spec, key="k-psa").external_id == spec.external_id
    erp.ensure_customer(spec, key="k-erp")
    erp.ensure_customer(spec, key="k-erp")
    won = crm.closed_won_opportunities(since=None)
    assert won
    assert all(opportunity.stage == "Closed Won" for opportunity in won)
    assert psa.approved_time_entries(psa.ensure_customer(spec, key="k").id, date(2025, 1, 1)) == []
    stats = httpx.get(f"{registry.base_url(settings, 'erp')}/_sandbox/stats").json()
    assert stats["types"]["customer"]["duplicates"] == {}


def test_sandbox_serve_runs_all_three_until_terminated(tmp_path: object) -> None:
    base = _three_free_ports()
    env = mdm_env("sqlite:///unused.db", MDM_LOG_LEVEL="WARNING")
    command = [MDM, "sandbox", "serve", "--base-port", str(base), "--no-seed"]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as process:
        try:
            systems = [_wait_for_stats(f"http://127.0.0.1:{base + n}") for n in range(3)]
            assert systems == ["salesforce", "kantata", "netsuite"]
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0


def _wait_for_stats(url: str, timeout_s: float = 30) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            stats = httpx.get(f"{url}/_sandbox/stats", timeout=1).json()
            return str(stats["system"])
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(f"no sandbox answered at {url}")
