"""The client's JWT, verified by the router: which :class:`Access` a request has.

As Apollo Router's JWT authentication does: no token means an anonymous
request that goes on (authorization then removes what needs more); a token
that does not verify (bad signature, expired, wrong issuer or audience, not
after the configured prefix, no ``exp`` or ``sub``) ends the request with ``UNAUTHENTICATED``
(HTTP 401; a WebSocket is closed with 4403 instead of acknowledged). The
``scope`` claim, a space-separated string or a list of strings, gives the
scopes; all the claims go to the ``@policy`` evaluator. HS256 tokens are
checked with ``jwt_secret``, asymmetric ones (RSA, EC, Ed25519) with the
PEM public key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from router.config import AuthenticationConfig, ConfigError
from router.errors import ErrorCode
from router.http.errors import RequestError
from router.supergraph.authorization import ANONYMOUS, Access
from shared.errors import AuthReason
from shared.jwt_check import TokenRejected, bearer_token, verify_token

_SECRET_ALGORITHMS = ["HS256"]
_PUBLIC_KEY_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]


class Unauthenticated(RequestError):
    """``extensions.reason``: ``EXPIRED`` (refresh the token and retry) or ``INVALID``."""

    status = 401
    code = ErrorCode.UNAUTHENTICATED

    def __init__(self, message: str, *, reason: AuthReason) -> None:
        super().__init__(message)
        self.reason = reason

    def graphql_errors(self) -> list[dict[str, Any]]:
        [graphql_error] = super().graphql_errors()
        graphql_error["extensions"]["reason"] = self.reason.value
        return [graphql_error]


class Authenticator:
    def __init__(self, config: AuthenticationConfig) -> None:
        """Read the public key file now, so a missing one stops the router from starting."""
        self.header = config.header
        self._prefix = config.prefix
        self._issuer = config.jwt_issuer
        self._audience = config.jwt_audience
        self._keys: list[tuple[Any, list[str]]] = []
        if config.jwt_secret:
            self._keys.append((config.jwt_secret, _SECRET_ALGORITHMS))
        if config.jwt_public_key_file is not None:
            try:
                pem = config.jwt_public_key_file.read_bytes()
            except OSError as exc:
                raise ConfigError(
                    f"[authentication] jwt_public_key_file {config.jwt_public_key_file} "
                    f"cannot be read: {exc.strerror}"
                ) from None
            self._keys.append((pem, _PUBLIC_KEY_ALGORITHMS))

    def from_headers(self, headers: Iterable[tuple[str, str]]) -> Access:
        value = next((v for k, v in headers if k.lower() == self.header), None)
        return self.access(value)

    def access(self, value: str | None) -> Access:
        """The access a header value grants; raise :class:`Unauthenticated` for a bad token.

        The check is :mod:`shared.jwt_check`'s, the one the subgraphs make: the
        scheme in any case, ``exp`` and ``sub`` required.
        """
        try:
            token = bearer_token(value, self._prefix)
            if token is None:
                return ANONYMOUS
            claims = verify_token(token, self._keys, issuer=self._issuer, audience=self._audience)
        except TokenRejected as rejected:
            if rejected.expired:
                raise Unauthenticated(
                    "The access token has expired: refresh it and retry.",
                    reason=AuthReason.EXPIRED,
                ) from None
            raise Unauthenticated(
                f"The {self.header} header is not accepted: {rejected}", reason=AuthReason.INVALID
            ) from None
        subject = claims.get("sub")
        return Access(
            authenticated=True,
            scopes=_scopes(claims.get("scope")),
            subject=subject if isinstance(subject, str) else None,
            claims=claims,
        )


def _scopes(claim: Any) -> frozenset[str]:
    if isinstance(claim, str):
        return frozenset(claim.split())
    if isinstance(claim, list):
        return frozenset(scope for scope in claim if isinstance(scope, str))
    return frozenset()
