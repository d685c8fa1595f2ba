"""Per-request context: the caller (request id, address), the domain's parts and the viewer."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import Generic, Self, TypeVar

from starlette.requests import HTTPConnection

from shared.client_address import ROUTER_SECRET_HEADER, from_router
from shared.db import Database
from shared.errors import AuthReason, Unauthenticated
from shared.graphql.event_sharing import ViewerDependent
from shared.graphql.ids import parse_id
from shared.ids import UserId
from shared.jwt_check import TokenRejected, bearer_token
from shared.logs import REQUEST_ID, TRACE_ID, USER_ID, trace_id_of
from shared.tokens import AccessClaims, AccessTokens

REQUEST_ID_HEADER = "x-request-id"

Service = TypeVar("Service")
Loaders = TypeVar("Loaders")


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


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent the request: its connection, request id and address, and how to verify its token."""

    request: HTTPConnection
    tokens: AccessTokens
    request_id: str
    client_ip: str

    @classmethod
    def of(
        cls, connection: HTTPConnection, tokens: AccessTokens, router_secret: str | None
    ) -> Caller:
        return cls(
            connection, tokens, request_id_of(connection), client_ip_of(connection, router_secret)
        )


@dataclass
class RequestContext(Generic[Service, Loaders]):
    """What a resolver knows about the request; every domain's context is one of these.

    The same names in every domain: ``service`` (the domain's business rules),
    ``database`` (whose transactions the resolver, as the caller, owns),
    ``loaders`` (this request's data loaders) and ``viewer`` (the signed-in
    member's id, parsed once from the verified access token).
    """

    caller: Caller
    service: Service
    database: Database
    loaders: Loaders
    _viewer: UserId | None = field(default=None, init=False)
    _viewer_read: bool = field(default=False, init=False)
    _viewer_hidden: bool = field(default=False, init=False)

    @property
    def request_id(self) -> str:
        return self.caller.request_id

    @property
    def client_ip(self) -> str:
        return self.caller.client_ip

    def __post_init__(self) -> None:
        # Every log record of this request carries its ids (see shared.logs).
        REQUEST_ID.set(self.request_id)
        TRACE_ID.set(trace_id_of(self.caller.request.headers.get("traceparent")))
        USER_ID.set(None)

    def shared(self) -> Self:
        """A copy for work shared by every viewer (:mod:`shared.graphql.event_sharing`):
        reading the viewer or the token from it raises :class:`ViewerDependent`."""
        clone = copy.copy(self)
        clone._viewer_hidden = True
        return clone

    @property
    def claims(self) -> AccessClaims | None:
        """The verified access token, ``None`` when the request has none; a bad one raises."""
        if self._viewer_hidden:
            raise ViewerDependent()
        try:
            token = bearer_token(self.caller.request.headers.get("authorization"))
        except TokenRejected:
            raise Unauthenticated(
                "The Authorization header must be 'Bearer <access token>'.",
                reason=AuthReason.INVALID,
            ) from None
        return self.caller.tokens.verify(token) if token else None

    @property
    def viewer(self) -> UserId | None:
        """The signed-in member, ``None`` when signed out; read and checked once per request."""
        if self._viewer_hidden:
            raise ViewerDependent()
        if not self._viewer_read:
            claims = self.claims
            if claims is not None:
                viewer = parse_id(claims.user_id)
                if viewer is None:
                    raise Unauthenticated(
                        "The access token names no member: sign in again.",
                        reason=AuthReason.INVALID,
                    )
                self._viewer = UserId(viewer)
                USER_ID.set(claims.user_id)
            self._viewer_read = True
        return self._viewer

    def require_viewer(self) -> UserId:
        viewer = self.viewer
        if viewer is None:
            raise Unauthenticated(
                "Sign in first: this needs an access token.", reason=AuthReason.MISSING
            )
        return viewer
