"""A token issuer for tests: its own RSA/EC keys, a JWKS over real local HTTP or in a file."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER = "https://login.example.test/"
AUDIENCE = "mdm-hub"


class Issuer:
    """Signs tokens with keys it publishes (by kid); can rotate and count JWKS fetches."""

    def __init__(self) -> None:
        self.private: dict[str, Any] = {}
        self.published: list[dict[str, Any]] = []
        self.fetches = 0
        self.add_rsa("rsa-1")

    def add_rsa(self, kid: str) -> None:
        """Make and publish an RSA key."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._publish(kid, key, RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "RS256")

    def add_ec(self, kid: str) -> None:
        """Make and publish a P-256 key."""
        key = ec.generate_private_key(ec.SECP256R1())
        self._publish(kid, key, ECAlgorithm.to_jwk(key.public_key(), as_dict=True), "ES256")

    def _publish(self, kid: str, key: Any, public: dict[str, Any], alg: str) -> None:
        self.private[kid] = (key, alg)
        self.published.append({**public, "kid": kid, "alg": alg, "use": "sig"})

    def jwks(self) -> dict[str, Any]:
        """The published key set."""
        return {"keys": list(self.published)}

    def token(self, kid: str = "rsa-1", *, signer: Any = None, **claims: Any) -> str:
        """A signed JWT; default claims are valid for an hour, overridable (None drops one)."""
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "alice@example.test",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "scope": "read",
            **claims,
        }
        body = {k: v for k, v in body.items() if v is not None}
        key, alg = self.private[kid]
        return jwt.encode(body, signer or key, algorithm=alg, headers={"kid": kid})

    def write(self, path: Path) -> Path:
        """The JWKS as a file (air-gapped installs)."""
        path.write_text(json.dumps(self.jwks()), encoding="utf-8")
        return path

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve the JWKS on a loopback port; yields its URL."""
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.fetches += 1
                body = json.dumps(issuer.jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
