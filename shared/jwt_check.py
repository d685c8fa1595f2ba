"""One check of a client's JWT, shared by the router and every subgraph.

A leaf module (PyJWT only), so the router can use it without the services'
settings. ``bearer_token`` reads ``Authorization: Bearer <token>`` with the
scheme in any case (RFC 7235), and ``verify_token`` requires ``exp`` and a
non-empty string ``sub`` besides whatever the caller adds, so a token the
router lets through is one the subgraphs accept too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import jwt

ALWAYS_REQUIRED = ("exp", "sub")


class TokenRejected(Exception):
    """The header or token does not verify; ``expired`` tells the one case a refresh cures."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.expired = expired


def bearer_token(value: str | None, scheme: str = "Bearer") -> str | None:
    """The token in an ``Authorization`` value; ``None`` without one. ``scheme`` "" takes it whole."""
    if value is None or not value.strip():
        return None
    if not scheme:
        return value.strip()
    given, _, token = value.strip().partition(" ")
    if given.lower() != scheme.lower() or not token.strip():
        raise TokenRejected(f"the header must hold '{scheme} <access token>'")
    return token.strip()


def verify_token(
    token: str,
    keys: Sequence[tuple[Any, list[str]]],
    *,
    issuer: str | None = None,
    audience: str | None = None,
    required: Iterable[str] = (),
) -> dict[str, Any]:
    """The claims of ``token`` signed by one of ``keys`` (key, algorithms), or :class:`TokenRejected`."""
    failure: jwt.PyJWTError | None = None
    for key, algorithms in keys:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=issuer,
                audience=audience,
                options={
                    "require": [*ALWAYS_REQUIRED, *required],
                    "verify_aud": audience is not None,
                },
            )
        except jwt.ExpiredSignatureError:
            raise TokenRejected("the access token has expired", expired=True) from None
        except jwt.InvalidAlgorithmError as exc:
            failure = failure or exc
            continue
        except jwt.PyJWTError as exc:
            failure = exc
            continue
        subject = claims["sub"]
        if not isinstance(subject, str) or not subject:
            raise TokenRejected("the access token's subject (sub) is not a non-empty string")
        return claims
    raise TokenRejected(f"the access token is not valid: {failure}")
