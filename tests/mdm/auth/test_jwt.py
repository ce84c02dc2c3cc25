"""Bearer JWTs: signature, exp/nbf/iss/aud, kid lookup and rotation, scopes from claims."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from mdm.app import create_app
from mdm.auth.principal import Scope
from mdm.auth.tokens import JwtVerifier, scopes_from_claims
from mdm.errors import AuthUnavailable, Unauthorized
from mdm.settings import Settings
from tests.mdm.auth.issuer import AUDIENCE, ISSUER, Issuer


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    made = Issuer()
    made.add_ec("ec-1")
    return made


@pytest.fixture(scope="module")
def jwks_url(issuer: Issuer) -> Iterator[str]:
    with issuer.serve() as url:
        yield url


def _settings(**extra: object) -> Settings:
    values: dict[str, object] = {
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "jwt_algorithms": ["RS256", "ES256"],
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def verifier(jwks_url: str) -> JwtVerifier:
    return JwtVerifier(_settings(jwt_jwks_url=jwks_url))


def test_a_valid_token_gives_its_subject_and_scopes(issuer: Issuer, verifier: JwtVerifier) -> None:
    principal = verifier.verify(issuer.token(scope="read steward openid"))
    assert principal.actor == "alice@example.test"
    assert principal.scopes == {Scope.READ, Scope.STEWARD}
    assert principal.via == "jwt"


def test_an_es256_token_verifies_too(issuer: Issuer, verifier: JwtVerifier) -> None:
    assert verifier.verify(issuer.token("ec-1", scope="ingest")).scopes == {Scope.INGEST}


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"exp": 1_000_000_000}, "Signature has expired"),
        ({"nbf": 4_000_000_000}, "The token is not yet valid"),
        ({"iss": "https://evil.example.test/"}, "Invalid issuer"),
        ({"aud": "another-api"}, "Audience doesn't match"),
        ({"exp": None}, 'Token is missing the "exp" claim'),
        ({"sub": None}, 'Token is missing the "sub" claim'),
        ({"sub": "  "}, "empty subject"),
    ],
)
def test_invalid_claims_are_refused_with_the_reason(
    issuer: Issuer, verifier: JwtVerifier, claims: dict[str, Any], reason: str
) -> None:
    with pytest.raises(Unauthorized, match=reason):
        verifier.verify(issuer.token(**claims))


def test_a_token_signed_by_another_key_under_a_known_kid_is_refused(
    issuer: Issuer, verifier: JwtVerifier
) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthorized, match="Signature verification failed"):
        verifier.verify(issuer.token(signer=forger))


def test_a_tampered_payload_is_refused(issuer: Issuer, verifier: JwtVerifier) -> None:
    header, _, signature = issuer.token(scope="read").split(".")
    admin = jwt.utils.base64url_encode(b'{"sub":"mallory","scope":"admin"}').decode()
    with pytest.raises(Unauthorized, match="invalid token"):
        verifier.verify(f"{header}.{admin}.{signature}")


def test_an_unknown_kid_is_refused(issuer: Issuer, verifier: JwtVerifier) -> None:
    token = issuer.token()
    header = jwt.utils.base64url_encode(b'{"alg":"RS256","kid":"nobody"}').decode()
    with pytest.raises(Unauthorized, match=r"signing key \(kid\) is unknown"):
        verifier.verify(header + token[token.index(".") :])


def test_a_symmetric_token_is_refused_even_with_the_public_key_as_secret(
    issuer: Issuer, verifier: JwtVerifier
) -> None:
    # Algorithm confusion: HS256 "signed" with the RSA public key must not pass.
    public = issuer.published[0]
    token = jwt.encode({"sub": "mallory"}, str(public["n"]), "HS256", headers={"kid": "rsa-1"})
    with pytest.raises(Unauthorized):
        verifier.verify(token)


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", ""])
def test_garbage_is_a_clear_401(verifier: JwtVerifier, token: str) -> None:
    with pytest.raises(Unauthorized, match="malformed token"):
        verifier.verify(token)


def test_a_rotated_key_is_fetched_once_the_refetch_pause_is_over() -> None:
    issuer = Issuer()
    now = [1000.0]
    with issuer.serve() as url:
        verifier = JwtVerifier(_settings(jwt_jwks_url=url), clock=lambda: now[0])
        verifier.verify(issuer.token())
        issuer.add_rsa("rsa-2")
        rotated = issuer.token("rsa-2")
        with pytest.raises(Unauthorized, match="unknown"):
            verifier.verify(rotated)  # right after a fetch: no second fetch for a stranger
        assert issuer.fetches == 1
        now[0] += 31
        assert verifier.verify(rotated).actor == "alice@example.test"
        assert issuer.fetches == 2
        for _ in range(5):
            verifier.verify(rotated)
        assert issuer.fetches == 2


def test_keys_can_come_from_a_file(issuer: Issuer, tmp_path: Path) -> None:
    verifier = JwtVerifier(_settings(jwt_jwks_file=str(issuer.write(tmp_path / "jwks.json"))))
    assert verifier.verify(issuer.token()).scopes == {Scope.READ}


def test_unreachable_keys_are_a_503_not_a_401(issuer: Issuer, tmp_path: Path) -> None:
    verifier = JwtVerifier(_settings(jwt_jwks_file=str(tmp_path / "missing.json")))
    with pytest.raises(AuthUnavailable):
        verifier.verify(issuer.token())


@pytest.mark.parametrize(
    ("claims", "scopes"),
    [
        ({"scope": "read  finance"}, {Scope.READ, Scope.FINANCE}),
        ({"scp": ["steward", "offline_access"]}, {Scope.STEWARD}),
        ({"scp": "ingest"}, {Scope.INGEST}),
        ({"scope": 42}, set()),
        ({}, set()),
    ],
)
def test_scopes_from_scope_or_scp(claims: dict[str, object], scopes: set[Scope]) -> None:
    assert scopes_from_claims(claims) == scopes


@pytest.mark.parametrize(
    "extra",
    [
        {"jwt_audience": None},
        {"jwt_jwks_url": None, "jwt_jwks_file": None},
        {"jwt_algorithms": ["HS256"]},
        {"jwt_algorithms": ["none"]},
    ],
)
def test_incomplete_or_unsafe_jwt_settings_are_refused(extra: dict[str, object]) -> None:
    base: dict[str, object] = {"jwt_jwks_url": "https://login.example.test/jwks"}
    with pytest.raises(ValueError, match="MDM_JWT"):
        _settings(**{**base, **extra})


@pytest.fixture
def jwt_client(settings: Settings, engine: Engine, jwks_url: str) -> Iterator[TestClient]:
    configured = settings.model_copy(
        update={
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
            "jwt_jwks_url": jwks_url,
            "jwt_algorithms": ["RS256", "ES256"],
        }
    )
    with TestClient(create_app(configured)) as client:
        yield client


def test_routes_take_jwts_and_check_their_scopes(jwt_client: TestClient, issuer: Issuer) -> None:
    def get(token: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        return jwt_client.get("/api/v1/quarantine", headers=headers).status_code

    assert get(issuer.token(scope="read")) == 200
    assert get(issuer.token(scope="ingest")) == 403
    assert get(issuer.token(scope="read", exp=1_000_000_000)) == 401
    response = jwt_client.get(
        "/api/v1/quarantine", headers={"Authorization": f"Bearer {issuer.token(aud='x')}"}
    )
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["error"] == "unauthorized"
