"""Request metrics in the Prometheus text format, at `/metrics` (loopback only unless opened)."""

from __future__ import annotations

import ipaddress
import threading
from collections import Counter, defaultdict

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from mdm.api.deps import SettingsDep
from mdm.errors import Forbidden

router = APIRouter(tags=["health"])


class Metrics:
    """Counters of one app: requests by method, route and status, and their total duration."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, str, int]] = Counter()
        self.seconds: defaultdict[tuple[str, str], float] = defaultdict(float)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one finished request."""
        with self._lock:
            self.requests[(method, route, status)] += 1
            self.seconds[(method, route)] += seconds

    def render(self) -> str:
        """The Prometheus exposition text."""
        with self._lock:
            requests, seconds = dict(self.requests), dict(self.seconds)
        lines = [
            "# HELP mdm_http_requests_total HTTP requests by method, route and status.",
            "# TYPE mdm_http_requests_total counter",
            *(
                f'mdm_http_requests_total{{method="{m}",route="{r}",status="{s}"}} {n}'
                for (m, r, s), n in sorted(requests.items())
            ),
            "# HELP mdm_http_request_seconds_total Time spent serving requests.",
            "# TYPE mdm_http_request_seconds_total counter",
            *(
                f'mdm_http_request_seconds_total{{method="{m}",route="{r}"}} {t:.6f}'
                for (m, r), t in sorted(seconds.items())
            ),
        ]
        return "\n".join(lines) + "\n"


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name, not an address: not provably local
        return False


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request, settings: SettingsDep) -> str:
    """Request counters; only from this machine unless `MDM_METRICS_PUBLIC` is set."""
    client = request.client.host if request.client else None
    if not settings.metrics_public and not _is_loopback(client):
        raise Forbidden("/metrics answers only on loopback; set MDM_METRICS_PUBLIC=true to open it")
    registry: Metrics = request.app.state.metrics
    return registry.render()
