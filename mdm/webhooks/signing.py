"""Webhook signatures: HMAC-SHA256 over `<timestamp>.<body>`, checked by receivers.

The hub sends `X-MDM-Timestamp: <unix seconds>` and `X-MDM-Signature: v1=<hex digest>`.
Signing the timestamp with the body lets a receiver refuse a captured request replayed later;
the `v1=` prefix leaves room for another scheme, and a header may list several signatures
(comma-separated) while a secret is being rotated.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SCHEME = "v1"
SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_S = 300


def new_secret() -> str:
    """A fresh signing secret: `whsec_` and 32 random bytes."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes | str) -> str:
    """The `X-MDM-Signature` value for `body` sent at `timestamp`."""
    raw = body.encode() if isinstance(body, str) else body
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256)
    return f"{SCHEME}={digest.hexdigest()}"


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes | str,
    header: str,
    tolerance: float = DEFAULT_TOLERANCE_S,
    *,
    now: float | None = None,
) -> bool:
    """Whether `header` signs `body` at `timestamp` with `secret`, within `tolerance` seconds.

    Pass the raw request body (not re-serialised JSON) and the `X-MDM-Timestamp` and
    `X-MDM-Signature` headers as received.
    """
    try:
        sent_at = int(str(timestamp).strip())
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        return False
    expected = sign(secret, sent_at, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))
