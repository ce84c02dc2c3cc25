"""Signatures a receiver can check, and `Retry-After` as receivers send it (pure)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from mdm.webhooks.delivery import MAX_RETRY_AFTER_S, parse_retry_after
from mdm.webhooks.signing import new_secret, sign, verify_signature

SECRET = "whsec_abcdefghijklmnop"
BODY = b'{"id":"evt_1","type":"golden.merged"}'
NOW = 1_800_000_000


def test_a_signature_is_the_hmac_of_timestamp_and_body() -> None:
    # Computed independently: printf '1800000000.<body>' | openssl dgst -sha256 -hmac <secret>
    expected = hmac.new(SECRET.encode(), b"1800000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, NOW, BODY) == f"v1={expected}"
    assert sign(SECRET, NOW, BODY.decode()) == sign(SECRET, NOW, BODY)


@pytest.mark.parametrize(
    ("secret", "timestamp", "body", "header", "valid"),
    [
        (SECRET, str(NOW), BODY, sign(SECRET, NOW, BODY), True),
        (SECRET, NOW, BODY.decode(), sign(SECRET, NOW, BODY), True),
        ("whsec_someone_else_entirely", str(NOW), BODY, sign(SECRET, NOW, BODY), False),
        (SECRET, str(NOW), BODY + b" ", sign(SECRET, NOW, BODY), False),
        (SECRET, str(NOW + 1), BODY, sign(SECRET, NOW, BODY), False),
        (SECRET, str(NOW), BODY, "v1=" + "0" * 64, False),
        (SECRET, str(NOW), BODY, f"v1=stale, {sign(SECRET, NOW, BODY)}", True),
        (SECRET, "not-a-number", BODY, sign(SECRET, NOW, BODY), False),
        (SECRET, str(NOW), BODY, "", False),
    ],
)
def test_verify_signature_truth_table(
    secret: str, timestamp: str | int, body: bytes | str, header: str, valid: bool
) -> None:
    assert verify_signature(secret, timestamp, body, header, now=NOW + 10) is valid


def test_an_old_or_future_timestamp_is_refused_beyond_the_tolerance() -> None:
    header = sign(SECRET, NOW, BODY)
    assert verify_signature(SECRET, NOW, BODY, header, tolerance=300, now=NOW + 300)
    assert not verify_signature(SECRET, NOW, BODY, header, tolerance=300, now=NOW + 301)
    assert not verify_signature(SECRET, NOW, BODY, header, tolerance=300, now=NOW - 301)


def test_new_secrets_are_prefixed_and_unique() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_")
    assert len(first) > 40
    assert first != second


WHEN = datetime(2026, 11, 26, 8, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Thu, 26 Nov 2026 08:05:00 GMT", 300.0),
        ("Thu, 26 Nov 2026 07:00:00 GMT", 0.0),  # a date in the past: go now
        ("99999999", MAX_RETRY_AFTER_S),
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds_or_as_an_http_date(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, WHEN) == seconds
