"""A real HTTP receiver for every webhook test that asks for one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.webhook_receiver import WebhookReceiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A receiver on a free loopback port, answering 200 unless scripted."""
    with WebhookReceiver() as running:
        yield running
