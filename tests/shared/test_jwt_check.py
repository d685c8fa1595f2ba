"""One token check for the router and the subgraphs: the same tokens pass both, or neither."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from router.config import AuthenticationConfig
from router.http.authentication import Authenticator, Unauthenticated
from shared.errors import Unauthenticated as ServiceUnauthenticated
from shared.jwt_check import TokenRejected, bearer_token
from shared.tokens import AccessTokens

SECRET = "a-test-secret-long-enough-for-hs256!"
ISSUER = AUDIENCE = "beyond"


def _token(**claims: Any) -> str:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": AUDIENCE, "sub": "7", "iat": now, "exp": now + 60}
    return jwt.encode({k: v for k, v in {**base, **claims}.items() if v is not None}, SECRET)


def _router() -> Authenticator:
    return Authenticator(
        AuthenticationConfig(jwt_secret=SECRET, jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
    )


def _service() -> AccessTokens:
    return AccessTokens(
        algorithm="HS256",
        signing_key=SECRET,
        verifying_key=SECRET,
        issuer=ISSUER,
        audience=AUDIENCE,
    )


@pytest.mark.parametrize(
    "token",
    [_token(exp=None), _token(sub=None), _token(sub=""), _token(sub=7), _token(exp=1)],
    ids=["no exp", "no sub", "empty sub", "integer sub", "expired"],
)
def test_a_token_the_subgraphs_refuse_is_refused_by_the_router(token: str) -> None:
    with pytest.raises(ServiceUnauthenticated):
        _service().verify(token)
    with pytest.raises(Unauthenticated):
        _router().access(f"Bearer {token}")


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_the_scheme_is_read_in_any_case_by_both(scheme: str) -> None:
    token = _token()
    assert _router().access(f"{scheme} {token}").authenticated
    header = bearer_token(f"{scheme} {token}")
    assert header is not None
    assert _service().verify(header).user_id == "7"


@pytest.mark.parametrize("value", ["Token abc", "Bearer", "Bearer  ", "abc"])
def test_a_header_without_the_scheme_and_a_token_is_refused(value: str) -> None:
    with pytest.raises(TokenRejected):
        bearer_token(value)
    with pytest.raises(Unauthenticated):
        _router().access(value)
