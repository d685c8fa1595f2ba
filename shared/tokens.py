"""JWT access tokens: issued by accounts, verified by every service.

Keys are loaded into key objects once. HS256 uses a shared secret of at least
32 bytes; RS256 and EdDSA use a PEM key pair, and services that only verify
need just the public key. Verification (:mod:`shared.jwt_check`, the
router's own check) requires ``exp``, ``iat``, ``iss``, ``aud`` and ``sub``
and checks issuer and audience.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

from shared.errors import AuthReason, Unauthenticated
from shared.jwt_check import TokenRejected, verify_token
from shared.settings import CommonSettings


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: str
    token_id: str
    expires_at: int
    scopes: frozenset[str] = frozenset()
    """The ``scope`` claim (space-separated or a list), as the router reads it for
    ``@requiresScopes``; services check it again for what they guard."""


def _load_pem(value: str, *, private: bool) -> Any:
    pem = value.replace("\\n", "\n").encode()
    return load_pem_private_key(pem, password=None) if private else load_pem_public_key(pem)


class AccessTokens:
    def __init__(
        self,
        *,
        algorithm: str,
        signing_key: Any,
        verifying_key: Any,
        issuer: str,
        audience: str,
        ttl: int = 900,
    ) -> None:
        self.algorithm = algorithm
        self.ttl = ttl
        self._signing_key = signing_key
        self._verifying_key = verifying_key
        self._issuer = issuer
        self._audience = audience

    @classmethod
    def from_settings(cls, settings: CommonSettings, *, ttl: int = 900) -> AccessTokens:
        if settings.jwt_algorithm == "HS256":
            signing: Any = settings.jwt_secret
            verifying: Any = settings.jwt_secret
        else:
            assert settings.jwt_public_key is not None  # checked by the settings validator
            verifying = _load_pem(settings.jwt_public_key, private=False)
            signing = (
                _load_pem(settings.jwt_private_key, private=True)
                if settings.jwt_private_key
                else None
            )
        return cls(
            algorithm=settings.jwt_algorithm,
            signing_key=signing,
            verifying_key=verifying,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl=ttl,
        )

    def issue(self, user_id: str, *, scopes: Iterable[str] = ()) -> str:
        if self._signing_key is None:
            raise RuntimeError("this service has no signing key: it can verify tokens only")
        now = int(time.time())
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": user_id,
            "iat": now,
            "exp": now + self.ttl,
            "jti": uuid.uuid4().hex,
        }
        if granted := " ".join(scopes):
            claims["scope"] = granted
        return jwt.encode(claims, self._signing_key, algorithm=self.algorithm)

    def verify(self, token: str) -> AccessClaims:
        try:
            claims = verify_token(
                token,
                [(self._verifying_key, [self.algorithm])],
                issuer=self._issuer,
                audience=self._audience,
                required=("iat", "iss", "aud"),
            )
        except TokenRejected as rejected:
            if rejected.expired:
                raise Unauthenticated(
                    "The access token has expired: refresh it and retry.",
                    reason=AuthReason.EXPIRED,
                ) from None
            raise Unauthenticated(
                "The access token is invalid: sign in again.", reason=AuthReason.INVALID
            ) from None
        return AccessClaims(
            user_id=str(claims["sub"]),
            token_id=str(claims.get("jti", "")),
            expires_at=claims["exp"],
            scopes=_scopes(claims.get("scope")),
        )


def _scopes(claim: Any) -> frozenset[str]:
    if isinstance(claim, str):
        return frozenset(claim.split())
    if isinstance(claim, list):
        return frozenset(scope for scope in claim if isinstance(scope, str))
    return frozenset()
