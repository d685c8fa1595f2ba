"""Content negotiation and status codes per the GraphQL-over-HTTP specification.

``application/graphql-response+json`` lets the status code say whether the
request was executed: request errors get 4xx and no ``data``. With the legacy
``application/json`` every well-formed request gets 200 and the body says
what went wrong. A missing ``Accept`` or ``*/*`` means ``application/json``.
``text/event-stream`` asks for the results as Server-Sent Events
(:mod:`router.http.sse`); it is chosen when the client ranks it first.
``multipart/mixed`` (with ``deferSpec=20220824``, as Apollo clients send it,
or no ``deferSpec``) lets an operation with ``@defer`` be answered in parts
(:mod:`router.http.multipart`); other operations still get one JSON body.
"""

from __future__ import annotations

import functools

from router.http.errors import NotAcceptable

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
EVENT_STREAM = "text/event-stream"
MULTIPART_MIXED = "multipart/mixed"
DEFER_SPEC = "20220824"


# Clients send a handful of distinct Accept values: each is read once.
@functools.lru_cache(maxsize=256)
def choose_media_type(accept: str | None) -> str:
    if not accept:
        return JSON
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media, *options = (p.strip() for p in part.split(";"))
        quality = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    quality = float(option[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((quality, -position, media.lower()))
    for quality, _, media in sorted(ranked, reverse=True):
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE_JSON:
            return GRAPHQL_RESPONSE_JSON
        if media in (JSON, "application/*", "*/*"):
            return JSON
        if media == EVENT_STREAM:
            return EVENT_STREAM
        if media == MULTIPART_MIXED:
            # Parts for deferred operations; anything else is answered as JSON.
            return JSON
    raise NotAcceptable(
        f"Cannot answer with any of {accept!r}; "
        f"accept {GRAPHQL_RESPONSE_JSON}, {JSON} or {EVENT_STREAM}"
    )


@functools.lru_cache(maxsize=256)
def accepts_multipart_defer(accept: str | None) -> bool:
    """Does ``Accept`` allow a ``multipart/mixed`` answer in the defer format we speak."""
    for part in (accept or "").split(","):
        media, *options = (p.strip() for p in part.split(";"))
        if media.lower() != MULTIPART_MIXED:
            continue
        params = dict(o.split("=", 1) for o in options if "=" in o)
        if params.get("q", "1").strip() in ("0", "0.0"):
            continue
        if params.get("deferSpec", DEFER_SPEC).strip('"') == DEFER_SPEC:
            return True
    return False


def wants_html(accept: str | None) -> bool:
    return bool(accept) and "text/html" in (accept or "").lower()


def status_for_rejected_operation(media_type: str) -> int:
    """An operation that was not prepared (nothing executed): 400, or 200 for plain JSON."""
    return 400 if media_type == GRAPHQL_RESPONSE_JSON else 200


def status_for_result(data_present: bool, media_type: str) -> int:
    """Executed (``data`` present, even null): 200. Not executed (variables rejected): 400 or 200."""
    if data_present or media_type == JSON:
        return 200
    return 400
