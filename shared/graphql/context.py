"""Per-request context: request id, caller address and the authenticated viewer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import HTTPConnection

from shared.client_address import ROUTER_SECRET_HEADER, from_router
from shared.errors import Unauthenticated
from shared.jwt_check import TokenRejected, bearer_token
from shared.tokens import AccessClaims, AccessTokens

REQUEST_ID_HEADER = "x-request-id"


def request_id_of(connection: HTTPConnection) -> str:
    supplied = connection.headers.get(REQUEST_ID_HEADER, "")
    if supplied and len(supplied) <= 64 and supplied.isascii() and supplied.isprintable():
        return supplied
    return uuid.uuid4().hex


def client_ip_of(connection: HTTPConnection, router_secret: str | None) -> str:
    """The caller's address; ``X-Forwarded-For`` is believed only from the router.

    The router proves itself with ``router_secret`` (:mod:`shared.client_address`);
    without it the peer's own address counts, whatever the peer claims. The
    router sets the header to the one address it decided on; should a proxy
    append, the last entry is the one the nearest hop vouches for.
    """
    peer = connection.client.host if connection.client else "unknown"
    forwarded = connection.headers.get("x-forwarded-for")
    if forwarded and from_router(connection.headers.get(ROUTER_SECRET_HEADER), router_secret):
        return forwarded.split(",")[-1].strip() or peer
    return peer


@dataclass
class RequestContext:
    """What a resolver knows about the request. Services subclass it to add loaders."""

    request: HTTPConnection
    response: Any
    tokens: AccessTokens
    request_id: str
    client_ip: str
    _claims: AccessClaims | None = field(default=None, init=False)
    _claims_read: bool = field(default=False, init=False)

    @property
    def claims(self) -> AccessClaims | None:
        """The verified access token, ``None`` when the request has none; a bad one raises."""
        if not self._claims_read:
            try:
                token = bearer_token(self.request.headers.get("authorization"))
            except TokenRejected:
                raise Unauthenticated(
                    "the Authorization header must be 'Bearer <access token>'"
                ) from None
            self._claims = self.tokens.verify(token) if token else None
            self._claims_read = True
        return self._claims

    @property
    def viewer_id(self) -> str | None:
        claims = self.claims
        return claims.user_id if claims else None

    def require_viewer(self) -> str:
        viewer = self.viewer_id
        if viewer is None:
            raise Unauthenticated("sign in first: this needs an access token")
        return viewer
