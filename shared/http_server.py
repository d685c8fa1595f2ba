"""How every HTTP server of the project is configured: uvicorn without trust in forwarded headers, with edge limits.

- ``proxy_headers`` is off: uvicorn's default believes ``X-Forwarded-For``
  from any loopback peer, so a client on the same host could pick the address
  every per-network limit counts. The router decides whom to believe
  (``[server] trusted_proxies``), the subgraphs believe the router only.
- The protocol is :class:`~shared.direct_http.DirectProtocol`: uvicorn's
  httptools protocol with a header timeout and one write per answer
  (:mod:`shared.http_protocol`), answering an app's hot endpoint itself when
  the app offers one (the router's ``POST /graphql``).
- WebSocket messages are limited to the same size as HTTP bodies
  (``max_message_bytes``; uvicorn's default is 16 MiB).
"""

from __future__ import annotations

from typing import Any

import uvicorn

from shared.direct_http import DirectProtocol
from shared.http_protocol import HEADER_TIMEOUT

MAX_MESSAGE_BYTES = 1024 * 1024


def server_config(
    app: Any,
    *,
    host: str,
    port: int,
    log_level: str,
    max_message_bytes: int = MAX_MESSAGE_BYTES,
    header_timeout: float = HEADER_TIMEOUT,
    **options: Any,
) -> uvicorn.Config:
    """A uvicorn config for ``app`` with the project's edge rules; ``options`` are uvicorn's own.

    uvicorn leaves logging alone (its records go to the root handler that
    :func:`shared.logs.configure_logging` set, JSON lines in production) and
    writes no access log: the router's ``router.access`` line is the one per operation.
    """
    protocol = type("DirectProtocol", (DirectProtocol,), {"header_timeout": header_timeout})
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        forwarded_allow_ips="",
        http=protocol,
        ws_max_size=max_message_bytes,
        **options,
    )
