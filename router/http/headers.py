"""Headers across the router: which client headers reach subgraphs, which subgraph headers reach the client.

Inbound, only configured names are forwarded (``Authorization``,
``traceparent`` and ``tracestate`` by default), from HTTP request headers or
from a WebSocket's ``connection_init`` payload alike;
:class:`~router.transport.propagate.PropagatingTransport` and
:class:`~router.transport.propagate.PropagatingSubscriptions` apply the
per-subgraph rules. Outbound, every ``Set-Cookie`` is appended and
the most restrictive ``Cache-Control`` wins: ``no-store`` anywhere makes the
answer ``no-store``; a subgraph answer without ``Cache-Control`` makes the
merged answer uncacheable (no header); otherwise the smallest ``max-age`` and
``s-maxage``, ``private`` over ``public``, ``no-cache`` if any says so.
"""

from __future__ import annotations

from collections.abc import Iterable

from router.cache.policy import cache_control_directives, seconds
from router.transport.types import Headers


def forwardable(client_headers: Iterable[tuple[str, str]], names: frozenset[str]) -> Headers:
    return tuple((k, v) for k, v in client_headers if k.lower() in names)


def client_response_headers(subgraph_headers: Iterable[Headers]) -> list[tuple[str, str]]:
    """Headers for the client, merged from every subgraph response of one request."""
    cookies: list[str] = []
    cache_controls: list[str | None] = []
    for headers in subgraph_headers:
        cache_control: str | None = None
        for name, value in headers:
            lowered = name.lower()
            if lowered == "set-cookie":
                cookies.append(value)
            elif lowered == "cache-control":
                cache_control = value if cache_control is None else f"{cache_control}, {value}"
        cache_controls.append(cache_control)
    out = [("set-cookie", cookie) for cookie in cookies]
    merged = merge_cache_control(cache_controls)
    if merged is not None:
        out.append(("cache-control", merged))
    return out


def merge_cache_control(values: list[str | None]) -> str | None:
    if not values:
        return None
    parsed = [cache_control_directives(v) for v in values if v is not None]
    if any("no-store" in d for d in parsed):
        return "no-store"
    if len(parsed) != len(values):
        return None
    out: list[str] = []
    if any("no-cache" in d for d in parsed):
        out.append("no-cache")
    if any("private" in d for d in parsed):
        out.append("private")
    elif all("public" in d for d in parsed):
        out.append("public")
    for name in ("max-age", "s-maxage"):
        ages = [seconds(d[name]) for d in parsed if name in d]
        if name == "max-age" and len(ages) != len(parsed):
            # A response without max-age gives no freshness: the merged one has none either.
            return ", ".join(out) or None
        if ages:
            out.append(f"{name}={min(ages)}")
    return ", ".join(out) or None
