"""The [authentication] table and the router's JWT verification: which access a header value gives."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from router.config import AuthenticationConfig, ConfigError, load_config
from router.http.authentication import Authenticator, Unauthenticated
from router.supergraph.authorization import ANONYMOUS, Access

SECRET = "a-test-secret-long-enough-for-hs256!"


def claims(**extra: Any) -> dict[str, Any]:
    return {"sub": "u1", "exp": time.time() + 60, **extra}


def public_pem(private: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load(tmp_path: Path, table: str) -> AuthenticationConfig:
    path = tmp_path / "router.toml"
    path.write_text(f"[authentication]\n{table}\n")
    authentication = load_config(path).authentication
    assert authentication is not None
    return authentication


def test_the_table_is_read_with_defaults_and_a_key_file_beside_the_config(
    tmp_path: Path,
) -> None:
    config = load(tmp_path, 'jwt_public_key_file = "keys/jwt.pem"\njwt_audience = "beyond"')
    assert config == AuthenticationConfig(
        jwt_public_key_file=tmp_path / "keys" / "jwt.pem",
        jwt_audience="beyond",
        header="authorization",
        prefix="Bearer",
    )
    assert load_config(_written(tmp_path, "")).authentication is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('jwt_issuer = "x"', "[authentication] needs jwt_secret (HS256) or jwt_public_key_file"),
        ('jwt_secret = ""', "[authentication] jwt_secret must not be empty"),
        ("jwt_secret = 42", "[authentication] jwt_secret must be a str, not 42"),
        ('jwt_secret = "s"\nissuer = "x"', "unknown key 'issuer' in [authentication]"),
        ('jwt_secret = "s"\nheader = ""', "[authentication] header must not be empty"),
    ],
)
def test_mistakes_in_the_table_are_reported_readably(
    tmp_path: Path, table: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, table)
    assert message in str(caught.value)


def test_a_missing_public_key_file_stops_the_router_from_starting(tmp_path: Path) -> None:
    config = AuthenticationConfig(jwt_public_key_file=tmp_path / "missing.pem")
    with pytest.raises(ConfigError, match=r"missing\.pem cannot be read"):
        Authenticator(config)


def test_no_header_is_anonymous_and_a_token_grants_its_scopes() -> None:
    authenticator = Authenticator(AuthenticationConfig(jwt_secret=SECRET))
    assert authenticator.from_headers([("accept", "*/*")]) == ANONYMOUS
    token = jwt.encode(claims(scope="a b"), SECRET)
    assert authenticator.from_headers([("Authorization", f"Bearer {token}")]) == Access(
        True, frozenset({"a", "b"})
    )
    listed = jwt.encode(claims(scope=["c", 7]), SECRET)
    assert authenticator.access(f"Bearer {listed}") == Access(True, frozenset({"c"}))
    assert authenticator.access(f"Bearer {jwt.encode(claims(), SECRET)}") == Access(True)


def test_the_subject_is_kept_for_the_entity_cache_but_never_decides_access() -> None:
    authenticator = Authenticator(AuthenticationConfig(jwt_secret=SECRET))
    ada = authenticator.access(f"Bearer {jwt.encode(claims(sub='ada', scope='a'), SECRET)}")
    grace = authenticator.access(f"Bearer {jwt.encode(claims(sub='grace', scope='a'), SECRET)}")
    assert (ada.subject, grace.subject) == ("ada", "grace")
    assert ada == grace and hash(ada) == hash(grace)  # one plan cache entry for both


@pytest.mark.parametrize(
    "private",
    [
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ed25519.Ed25519PrivateKey.generate(),
    ],
    ids=["RS256", "EdDSA"],
)
def test_asymmetric_tokens_are_checked_with_the_public_key_beside_a_secret(
    tmp_path: Path, private: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
) -> None:
    key_file = tmp_path / "jwt.pem"
    key_file.write_bytes(public_pem(private))
    authenticator = Authenticator(
        AuthenticationConfig(jwt_secret=SECRET, jwt_public_key_file=key_file)
    )
    algorithm = "RS256" if isinstance(private, rsa.RSAPrivateKey) else "EdDSA"
    token = jwt.encode(claims(scope="x"), private, algorithm=algorithm)
    assert authenticator.access(f"Bearer {token}") == Access(True, frozenset({"x"}))
    assert authenticator.access(f"Bearer {jwt.encode(claims(), SECRET)}") == Access(True)
    forged = jwt.encode(claims(), "not-the-secret-but-long-enough-too!")
    with pytest.raises(Unauthenticated, match="Signature verification failed"):
        authenticator.access(f"Bearer {forged}")


def test_audience_issuer_header_and_prefix_are_as_configured() -> None:
    authenticator = Authenticator(
        AuthenticationConfig(
            jwt_secret=SECRET,
            jwt_issuer="https://auth.example.com",
            jwt_audience="beyond",
            header="x-token",
            prefix="",
        )
    )
    good = jwt.encode(claims(iss="https://auth.example.com", aud=["beyond", "other"]), SECRET)
    assert authenticator.from_headers([("X-Token", good)]) == Access(True)
    assert authenticator.from_headers([("authorization", f"Bearer {good}")]) == ANONYMOUS
    wrong_audience = jwt.encode(claims(iss="https://auth.example.com", aud="other"), SECRET)
    with pytest.raises(Unauthenticated, match="Audience doesn't match"):
        authenticator.access(wrong_audience)


def _written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plain.toml"
    path.write_text(text)
    return path
