"""A ``multipart/mixed`` answer read as a client does: split on the ``graphql`` boundary.

The router answers an operation with an active ``@defer`` in parts, one
``application/json`` part per payload (Apollo's ``deferSpec=20220824``
framing); :func:`parts` reads such a body and fails on any other,
:func:`payloads` also takes a plain ``application/json`` answer as one payload.
"""

from __future__ import annotations

import json
from typing import Any

ACCEPT = "multipart/mixed;deferSpec=20220824, application/json"
MULTIPART = 'multipart/mixed;boundary="graphql";deferSpec=20220824'


def parts(content_type: str, body: bytes) -> list[dict[str, Any]]:
    """The payloads of a multipart answer, in order."""
    assert content_type == MULTIPART, content_type
    text = body.decode()
    assert text.endswith("\r\n--graphql--\r\n"), text[-40:]
    found = []
    for chunk in text.removesuffix("\r\n--graphql--\r\n").split("\r\n--graphql\r\n")[1:]:
        headers, payload = chunk.split("\r\n\r\n", 1)
        assert headers == "content-type: application/json; charset=utf-8", headers
        found.append(json.loads(payload))
    return found


def payloads(content_type: str, body: bytes) -> list[dict[str, Any]]:
    """The payloads of an answer, multipart or plain JSON, in order."""
    if content_type.startswith("application/json"):
        return [json.loads(body)]
    return parts(content_type, body)
